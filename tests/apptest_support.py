"""Helpers shared by the AppTest page tests: open the app on a page, read what it shows."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.state import controls

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 30


def app(page: str | None = None, **params: str) -> AppTest:
    """The app after its first run, with ``params`` in the address, switched to ``page``."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    return at


def metrics(at: AppTest) -> dict[str, str]:
    """Each card's label and shown value."""
    return {m.label: m.value for m in at.metric}


def full_figures(at: AppTest) -> dict[str, str]:
    """Each card's label and its full figure: a card that shows compact money (``$261k``) carries
    the exact amount as its help (``$260,945``), another its value."""
    return {
        m.label: m.proto.help if m.proto.help.startswith(tuple("$€£¥₹C−")) else m.value for m in at.metric
    }


def specs(at: AppTest) -> list[str]:
    """The JSON of every plotly chart drawn."""
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def values_of(at: AppTest) -> dict[str, object]:
    """Every sidebar control's value in session state."""
    return {key: at.session_state[key] for key in controls.KEYS}


def shown_text(at: AppTest) -> str:
    """Every sentence the page shows: markdown, captions, alerts, and each card as ``label: value``."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [a.value for kind in ("info", "warning", "success", "error") for a in at.get(kind)]
    return "\n".join(str(p) for p in parts)

"""Helpers shared by the AppTest page tests: open the app on a page, read what it shows."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from ui.state import controls
from ui.state.address import query_from_values

#: Domain example 1 as an address (what "Try the worked example" loads): tests whose hand-computed
#: values are that example open the app on it, since the default is a typical company.
WORKED = query_from_values({**controls.defaults(), **controls.WORKED_EXAMPLE})

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


@dataclass(frozen=True)
class Chart:
    """A chart as the page shows it: the title above it (page text) and the figure's JSON."""

    title: str
    spec: str

    @property
    def text(self) -> str:
        """The title and every word of the figure, to search for what it says."""
        return f"{self.title}\n{self.spec}"


def charts(at: AppTest) -> list[Chart]:
    """Every plotly chart drawn, in page order, each with the title shown above it."""
    shown, title = [], ""
    for node in at.main:
        if node.type == "html" and 'class="chart-title"' in node.proto.body:
            title = html.unescape(re.sub(r"<[^>]+>", "", node.proto.body))
        elif node.type == "plotly_chart":
            shown.append(Chart(title, node.proto.spec))
            title = ""
    return shown


def specs(at: AppTest) -> list[str]:
    """What every chart drawn says: its title and its figure's JSON."""
    return [chart.text for chart in charts(at)]


def values_of(at: AppTest) -> dict[str, object]:
    """Every sidebar control's value in session state."""
    return {key: at.session_state[key] for key in controls.KEYS}


def shown_text(at: AppTest) -> str:
    """Every sentence the page shows: markdown, captions, alerts, and each card as ``label: value``."""
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [f"{m.label}: {m.value}" for m in at.metric]
    parts += [a.value for kind in ("info", "warning", "success", "error") for a in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def plain(markdown: str) -> str:
    """What a reader sees of markdown that quotes user text (:func:`report.format.literal`): the
    backslash escapes and the invisible word joiners gone."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", markdown).replace("\u2060", "")

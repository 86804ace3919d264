"""Layers: the engine never imports streamlit (nor does the CLI's report); pages leave session state to ui."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import simulator

ENGINE = sorted(
    f"simulator.{m.name}" for m in pkgutil.iter_modules(simulator.__path__) if m.name != "__main__"
)


def test_importing_every_engine_module_does_not_import_streamlit() -> None:
    assert "simulator.summary" in ENGINE and "simulator.levers" in ENGINE
    code = f"import sys, {', '.join(ENGINE)}; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_command_lines_report_does_not_import_streamlit() -> None:
    code = (
        "import sys, ui.report.content, ui.report.html, ui.report.images, ui.report.pdf; "
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pages_touch_session_state_only_through_ui() -> None:
    """A page reads inputs, asks the engine and draws; the session's keys belong to ``ui``'s glue."""
    root = Path(__file__).resolve().parents[1]
    scripts = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    assert len(scripts) > 5
    touching = [script.name for script in scripts if "session_state" in script.read_text(encoding="utf-8")]
    assert touching == []

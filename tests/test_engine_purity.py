"""The engine stays pure: importing any of it never imports streamlit (nor does the report the CLI writes)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

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

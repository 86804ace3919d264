"""Layers: the engine (simulator) below the report layer (report) below the app (ui, pages, app.py).

The engine never imports the report layer or the app, but for the command line's ``report``, which
uses the report layer; the report layer never imports the app or streamlit; pages leave session
state to ui."""

from __future__ import annotations

import ast
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
        "import sys, report.content, report.html, report.images, report.pdf; "
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


ROOT = Path(__file__).resolve().parents[1]


def imported(path: Path) -> set[str]:
    """The top-level packages a module imports (at any depth of its code)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_each_layer_imports_only_the_layers_below_it() -> None:
    engine = sorted((ROOT / "simulator").rglob("*.py"))
    words = sorted((ROOT / "report").rglob("*.py"))
    assert len(engine) > 20 and len(words) > 15
    reaching_up = {
        path.relative_to(ROOT).as_posix(): sorted(imported(path) & {"ui", "report", "streamlit", "pages"})
        for path in engine
    }
    # The command line's report command uses the report layer, as the app does; nothing else reaches up.
    assert {name: found for name, found in reaching_up.items() if found} == {"simulator/cli.py": ["report"]}
    assert {
        path.relative_to(ROOT).as_posix(): sorted(imported(path) & {"ui", "streamlit", "pages"})
        for path in words
        if imported(path) & {"ui", "streamlit", "pages"}
    } == {}


def test_importing_every_report_module_does_not_import_streamlit() -> None:
    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (ROOT / "report").rglob("*.py")
    )
    code = f"import sys, {', '.join(modules)}; assert 'streamlit' not in sys.modules, 'streamlit imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_pages_touch_session_state_only_through_ui() -> None:
    """A page reads inputs, asks the engine and draws; the session's keys belong to ``ui``'s glue."""
    root = Path(__file__).resolve().parents[1]
    scripts = [root / "app.py", *sorted((root / "pages").glob("*.py"))]
    assert len(scripts) > 5
    touching = [script.name for script in scripts if "session_state" in script.read_text(encoding="utf-8")]
    assert touching == []

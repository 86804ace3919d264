"""The engine stays pure: importing it never imports streamlit."""

from __future__ import annotations

import subprocess
import sys


def test_importing_the_whole_engine_does_not_import_streamlit() -> None:
    code = (
        "import sys, simulator, simulator.analysis, simulator.benchmarks, simulator.cli, "
        "simulator.export, simulator.metrics, simulator.sample_data; "
        "assert 'streamlit' not in sys.modules, 'streamlit imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

"""Issue 9's eight findings, one test each: every surface shows the engine's one figure.

Reference values are hand-computed from domain.md's definitions:

- the segments scenario (SMB 60% of MRR: churn 6%, contraction 2%, expansion
  1% a month; Enterprise 40%: 2%, 1%, 2%) has month-1 NRR
  0.6 × 0.93 + 0.4 × 0.99 = 95.4%, and its customers of today keep
  0.6 × 0.93^12 + 0.4 × 0.99^12 = 60.6% of their MRR a year later;
  its annual GRR is 0.6 × 0.92^12 + 0.4 × 0.97^12 = 49.8%;
- the default scenario (3% churn, 1% contraction, 6% expansion) has annual
  NRR 1.02^12 = 126.8% and annual GRR 0.96^12 = 61.3%: a GRR below 90%.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from report import content, html
from report.format import compact_money, pct
from simulator.cli import main as cli_main
from simulator.projection import project
from simulator.sample_data import generate_export
from tests.apptest_support import WORKED, app, full_figures, shown_text
from ui.actuals.uploads import SAMPLE_CUSTOMERS, SAMPLE_MONTHS, SAMPLE_SEED
from ui.state.address import query_from_values, values_from_query
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
TIMEOUT = 30

SEGMENTS_LINK = {
    "segments_on": "1",
    "segments": json.dumps(
        [["SMB", 6, 2, 1, 60, 60, 500], ["Enterprise", 2, 1, 2, 40, 40, 5000]], separators=(",", ":")
    ),
}
DIAGNOSIS = "GRR below 90%: fix churn first"


def opened(page: str | None = None, **params: str) -> AppTest:
    at = app(page, **params)
    assert not at.exception
    return at


def segments_scenario():  # type: ignore[no-untyped-def]
    values, notice = values_from_query(SEGMENTS_LINK)
    assert notice is None
    return scenario_from_values(values)


def test_segments_drive_the_report_presenter_export_page_lever_diagnosis_and_plateau() -> None:
    scenario = segments_scenario()
    page = html.html_report(content.build_report(scenario, "$")).decode()
    assert "95.4%" in page and "60.6%" in page
    assert "102.0%" not in page and "126.8%" not in page
    present = shown_text(opened("pages/present.py", slide="1", **SEGMENTS_LINK))
    assert "95.4%" in present and "60.6%" in present and "102.0%" not in present
    export = shown_text(opened("pages/downloads.py", **SEGMENTS_LINK))
    assert "60.6%" in export and "126.8%" not in export
    lever = shown_text(opened("pages/biggest-lever.py", **SEGMENTS_LINK))
    assert "49.8%" in lever and "126.8%" not in lever
    bucket = shown_text(opened("pages/leaky-bucket.py", **SEGMENTS_LINK))
    assert "grows by itself" not in bucket and "95.4%" in bucket


def test_the_default_scenario_has_one_verdict_with_the_grr_diagnosis_everywhere() -> None:
    """The typical company: annual NRR 98.2% (Concerning), GRR 85.5% (Leaky): fix churn first."""
    scenario = scenario_from_values(defaults())
    page = html.html_report(content.build_report(scenario, "$")).decode()
    assert DIAGNOSIS in page and "85.5%" in page
    for page, params in (
        ("pages/compounding.py", {}),
        ("pages/biggest-lever.py", {}),
        ("pages/present.py", {"slide": "1"}),
    ):
        text = shown_text(opened(page, **params))
        assert DIAGNOSIS in text, page
        assert "Concerning" in text, page


def sample_without_segments() -> bytes:
    """The seeded sample with its segment column dropped: "use my numbers" must then set the core
    levers themselves to the forecast's (with segments, the forecast's segments replace them)."""
    sample = generate_export(SAMPLE_CUSTOMERS, months=SAMPLE_MONTHS, seed=SAMPLE_SEED)
    return sample.drop(columns="segment").to_csv(index=False).encode()


@pytest.mark.parametrize("segments", [True, False], ids=["sample", "sample without segments"])
def test_use_my_numbers_starts_the_simulator_at_the_forecasts_annual_figures(segments: bool) -> None:
    """The simulator after "use my numbers" is the forecast (issue 20): its annual NRR and GRR are the
    forecast's monthly rates compounded, which Know your number says beside the cards' figures (what
    the customers of a year before kept), the same to the page's rounding."""
    at = opened("pages/know-your-number.py")
    if segments:
        at.button(key="kyn_sample").click().run()
    else:
        at.file_uploader(key="export_file").set_value(
            ("flat.csv", sample_without_segments(), "text/csv")
        ).run()
    assert not at.exception and not at.error
    forecast = at.session_state["_kyn_loaded"].calibration.measured
    said = shown_text(at)
    assert f"({pct(forecast.nrr)} NRR and {pct(forecast.grr)} GRR a year, compounded)" in said
    at.button(key="kyn_use_numbers").click().run()
    at.switch_page("pages/compounding.py").run()
    simulated = {m.label.split(" (")[0]: m.value for m in at.metric}
    assert simulated["Annual NRR"] == pct(forecast.nrr)
    assert simulated["Annual GRR"] == pct(forecast.grr)


def test_a_saved_downside_loads_back_with_the_same_mrr() -> None:
    at = opened("pages/scenarios.py", **WORKED)
    at.button(key="scenario_variant_downside").click().run()
    at.selectbox(key="scenario_selected").set_value("Downside").run()
    at.button(key="scenario_load").click().run()
    downside = project(
        scenario_from_values({**defaults(), **WORKED_EXAMPLE}).replace(
            new_customers_per_month=3.5, churn_rate=0.04, expansion_rate=0.05
        )
    )
    at.switch_page("pages/compounding.py").run()
    assert full_figures(at)["MRR at 36 months"] == f"${downside.mrr_at(36):,.0f}"


def test_the_projection_csv_says_what_the_pages_say_without_float_noise() -> None:
    data = content.projection_csv(scenario_from_values({**defaults(), **WORKED_EXAMPLE})).decode()
    header, first, second = data.splitlines()[:3]
    row = dict(zip(header.split(","), second.split(","), strict=True))
    assert float(row["new_mrr_to_stay_flat"]) == 0.0  # the leaky bucket says $0
    assert not re.search(r"\d\.\d{7,}", data), "float noise in the CSV"


def test_the_uncertainty_caption_counts_the_customers_the_simulation_used() -> None:
    text = shown_text(opened("pages/uncertainty.py", starting_customers="0"))
    assert "today's MRR spread over 2,000 simulated accounts" in text
    counted = {**defaults(), "starting_customers": 500}
    expected = project(scenario_from_values(counted)).table["customers"].iloc[-1]
    text = shown_text(opened("pages/uncertainty.py", starting_customers="500"))
    assert (
        f"from today's 500 customers; the projection expects {expected:,.0f} paying customers at month 36"
        in text
    )


def test_a_comparison_shows_mrr_at_one_month_on_the_page_and_the_presenter() -> None:
    at = opened("pages/scenarios.py")
    at.button(key="scenario_variant_base").click().run()
    at.sidebar.slider(key="sidebar_months").set_value(60).run()
    at.text_input(key="scenario_name").input("Long").run()
    at.button(key="scenario_save").click().run()
    page = {m.label.split(":")[0]: m.value for m in at.metric}
    # The reference (Base, saved first) sets the month: its own horizon, 36, for both scenarios.
    assert {m.label.split(": ")[1] for m in at.metric} == {"MRR at month 36"}
    assert page["Base"] == f"${project(scenario_from_values(defaults())).mrr_at(36):,.0f}"
    at.switch_page("pages/present.py")
    at.query_params["slide"] = "4"
    at.run()
    slide = {m.label: m.value for m in at.metric}
    assert set(page) == {"Base", "Long"} == set(slide)
    for name, shown in page.items():
        assert slide[name] == compact_money(float(shown.replace("$", "").replace(",", ""))), name


def test_the_command_line_writes_the_same_rounded_projection(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(
        json.dumps({"starting_mrr": 100_000, "churn_rate": 0.031, "new_customers_per_month": 5.3})
    )
    import io

    out = io.StringIO()
    assert cli_main(["project", str(path)], stdout=out) == 0
    assert not re.search(r"\d\.\d{7,}", out.getvalue())
    assert query_from_values(defaults())  # the address codec is importable beside it


def short_export() -> bytes:
    """Ten months: one account that grows 10% a month, twenty small ones of which one leaves a month."""
    rows = ["customer_id,month,mrr"]
    for month in range(10):
        label = f"2024-{month + 1:02d}"
        rows.append(f"big,{label},{1000 * 1.1**month:.2f}")
        rows += [f"s{i},{label},100" for i in range(20) if i >= month]
    return ("\n".join(rows) + "\n").encode()


def test_a_short_export_has_one_annual_nrr_on_the_cards_and_in_the_warning() -> None:
    at = opened("pages/know-your-number.py")
    at.file_uploader(key="export_file").set_value(("short.csv", short_export(), "text/csv")).run()
    cards = {m.label: m.value for m in at.metric}
    # MRR-weighted: months 2–10 keep Σ(1000 × 1.1^t + (20 − t) × 100) ÷ Σ(1000 × 1.1^(t−1) + (21 − t) × 100)
    # of their starting MRR, 121.5% a year once compounded (the mean of monthly rates would give 120.9%).
    assert cards["Annual NRR"] == "121.5%"
    warning = " ".join(w.value for w in at.warning)
    assert f"NRR of {cards['Annual NRR'].replace('.0%', '%')}" in warning or cards["Annual NRR"] in warning

"""Every surface shows the engine's one figure, at the same rounding.

For random scenarios (segments, refinements and plans included) drawn on the
sidebar's grid and opened from the page address, revenue shown as MRR or as
ARR (12 × MRR, every revenue figure, label and column following), the headline figures of
:func:`simulator.summary.summarise` (monthly and annual NRR and GRR, both
tiers, the GRR diagnosis, the plateau, the new MRR needed to stay flat, MRR a
year out and at the horizon, never past it) must read the same on each page (AppTest), the presenter's
slides, the HTML report, the projection CSV, the comparison on the Scenarios
page and the presenter, and the command line (``project`` and ``report``).
The lever ranking (its verdict, order and MRR gains, each lever and all together) reads the same on
the Biggest lever page, the presenter's lever slide, the HTML report and ``levers``.
A new surface that shows one of these figures joins this test.

The unit economics (lifetime value beside revenue ÷ churn, LTV:CAC, CAC
payback, the quick ratio, logo and revenue churn, what the churned customers'
size means) and where NRR and GRR sit among peers read the same on the Unit
economics page, the HTML report and the command line's report; an export's
quick ratio, metrics file, backtest and rolling backtest the same on Know your
number and the command line (``metrics``, ``backtest``, ``backtest --rolling``).
"""

from __future__ import annotations

import io
import json
import math
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from report import content, html, sentences
from report import ranking as words
from report.actuals import rolling_verdict
from report.economics import (
    churned_size_text,
    economics_cards,
    lifetime_value_text,
    payback_text,
    position_text,
    quick,
)
from report.format import money, pct
from report.revenue import ARR, VIEWS, Revenue
from report.sentences import summary_verdict
from simulator import cli, output
from simulator.arr import scenario_bridge
from simulator.backtest import (
    BACKTEST_COLUMNS,
    ROLLING_COLUMNS,
    months_needed,
    rolling_backtest,
    rolling_needed,
)
from simulator.comparison import compare
from simulator.economics import unit_economics
from simulator.output import decimals_of
from simulator.peers import position
from simulator.projection import PROJECTION_COLUMNS
from simulator.ranking import Ranking, rank
from simulator.recommendation import recommend
from simulator.sample_data import generate_export
from simulator.scenario import Scenario
from simulator.scenario_json import to_json
from simulator.summary import Summary, headline_months, summarise
from tests.apptest_support import APP, TIMEOUT, full_figures, shown_text
from tests.strategies import examples
from ui.actuals import reading
from ui.actuals.uploads import UPLOAD_KEY
from ui.scenarios import saved
from ui.state.address import query_from_values
from ui.state.controls import WORKED_EXAMPLE, defaults, scenario_from_values

pytestmark = pytest.mark.usefixtures("apptest_like_server")

CURRENCY = "€"


def _grid(low: float, high: float, decimals: int) -> st.SearchStrategy[float]:
    return st.floats(low, high).map(lambda value: round(value, decimals))


@st.composite
def sidebar_values(draw: Any) -> dict[str, Any]:
    """Control values a founder can set: the sidebar's ranges and grid, every refinement possible."""
    values = defaults()
    values.update(
        churn_pct=draw(_grid(0, 12, 2)),
        contraction_pct=draw(_grid(0, 5, 2)),
        expansion_pct=draw(_grid(0, 10, 2)),
        new_customers=draw(_grid(0, 40, 2)),
        acquisition_growth_pct=draw(st.sampled_from([0.0, 0.0, 1.5, -2.0])),
        new_customer_mrr=draw(st.integers(0, 20_000)),
        starting_mrr=draw(st.integers(0, 5_000_000)),
        starting_customers=draw(st.integers(0, 400)),
        months=draw(st.integers(12, 72)),
        currency=CURRENCY,
        revenue=draw(st.sampled_from(tuple(VIEWS))),
        # 0 leaves either unset.
        cac=draw(st.sampled_from([0, 0, 1, 2_500, 40_000])),
        gross_margin_pct=draw(st.sampled_from([0.0, 0.0, 35.0, 80.0, 100.0])),
    )
    if draw(st.booleans()):
        values.update(early_churn_x=draw(_grid(1, 5, 1)), early_churn_months=draw(st.integers(1, 12)))
    if draw(st.booleans()):
        values.update(involuntary_pct=draw(_grid(0, 60, 0)), recovery_pct=draw(_grid(0, 80, 0)))
    if draw(st.booleans()):
        values.update(annual_plans_pct=draw(_grid(0, 80, 0)))
    if draw(st.booleans()):
        values.update(churned_size_x=draw(_grid(0.2, 5, 2)))
    values.update(ceiling_on=draw(st.booleans()))
    if values["ceiling_on"] and draw(st.booleans()):
        values.update(ceiling_x=draw(_grid(1, 5, 1)))
    if draw(st.booleans()):
        first = draw(st.integers(10, 90))
        other = draw(st.integers(10, 90))
        values.update(
            segments_on=True,
            segments=(
                ("SMB", draw(_grid(0, 10, 2)), draw(_grid(0, 3, 2)), draw(_grid(0, 5, 2)), first, other, 500),
                (
                    "Enterprise",
                    draw(_grid(0, 4, 2)),
                    draw(_grid(0, 2, 2)),
                    draw(_grid(0, 6, 2)),
                    100 - first,
                    100 - other,
                    9_000,
                ),
            ),
        )
    if draw(st.booleans()):
        values.update(plan=(("Dunning", "churn_rate", -0.5, draw(st.integers(1, 12)), 3, None),))
    return values


def expected_economics(summary: Summary) -> tuple[dict[str, str], list[str]]:
    """The unit economics cards and sentences as every surface must show them (the page's defaults)."""
    economics = unit_economics(summary)
    placed = position(
        summary.annual_nrr,
        summary.annual_grr,
        arr=float(scenario_bridge(summary.projection)["starting_arr"].to_numpy()[0]),
    )
    cards = {card.label: card.value for card in economics_cards(economics, CURRENCY)}
    sentences = [
        lifetime_value_text(economics, CURRENCY),
        payback_text(economics, CURRENCY),
        position_text(placed, CURRENCY),
    ]
    # Who leaves, when churned customers are not average-sized.
    if churned := churned_size_text(economics, segments=bool(summary.scenario.segments)):
        sentences.append(churned)
    return cards, sentences


def expected(summary: Summary, shown: Revenue) -> dict[str, str]:
    """The figures as every surface must show them."""
    return {
        "monthly NRR": pct(summary.monthly_nrr),
        "annual NRR": pct(summary.annual_nrr),
        "annual GRR": pct(summary.annual_grr),
        **{
            f"revenue at {month}": shown.money(summary.mrr_at(month), CURRENCY)
            for month in headline_months(summary.months)
        },
        "to stay flat": shown.money(summary.stay_flat_at(1), CURRENCY),
    }


def revenue_labels(labels: Any, shown: Revenue) -> list[str]:
    """The labels of revenue read at a month (``ARR at 36 months``), in order."""
    return [label for label in labels if re.fullmatch(rf"{shown.name} at \d+ months", label)]


def lever_verdict(summary: Summary, shown: Revenue) -> str:
    """The one recommendation: the Biggest lever page's headline, the presenter's lever slide, the report."""
    return words.recommendation_text(
        recommend(summary.scenario), months=summary.months, currency=CURRENCY, shown=shown
    )


def lever_gains(levers: Ranking, shown: Revenue) -> list[str]:
    """The ranking table's revenue gains as shown: each lever's, then all of them together."""
    assert levers.together is not None
    return [shown.signed(gain, CURRENCY) for gain in (*levers.table["mrr_gain"], levers.together["mrr_gain"])]


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def monthly_label(scenario: Scenario) -> str:
    return "Blended monthly NRR" if scenario.segments else "Monthly NRR"


def check_pages(at: AppTest, summary: Summary, figures: dict[str, str], shown_as: Revenue) -> None:
    scenario = summary.scenario
    verdict = summary_verdict(summary)
    at.switch_page("pages/compounding.py").run()
    assert not at.exception
    shown = cards(at)
    assert shown[monthly_label(scenario)] == figures["monthly NRR"]
    assert shown["Annual NRR"] == figures["annual NRR"]
    assert shown["Annual GRR"] == figures["annual GRR"]
    full = full_figures(at)
    months = headline_months(summary.months)  # a year out and the horizon, where the charts end
    assert revenue_labels(shown, shown_as) == [f"{shown_as.name} at {month} months" for month in months]
    for month in months:  # compact on the card, the full figure on hover
        label = f"{shown_as.name} at {month} months"
        assert shown[label] == shown_as.compact(summary.mrr_at(month), CURRENCY)
        assert full[label] == figures[f"revenue at {month}"]
    assert verdict in shown_text(at)

    at.switch_page("pages/leaky-bucket.py").run()
    assert not at.exception
    shown = cards(at)
    assert shown[monthly_label(scenario)] == figures["monthly NRR"]
    assert shown["To stay flat, month 1"] == shown_as.compact(summary.stay_flat_at(1), CURRENCY)
    assert full_figures(at)["To stay flat, month 1"].startswith(figures["to stay flat"])
    assert shown["Leaks out, month 1"] == shown_as.compact(summary.leaking_at(1), CURRENCY)
    assert shown["Expansion brings back"] == shown_as.compact(summary.brought_back_at(1), CURRENCY)
    assert sentences.leak_text(summary, CURRENCY, shown=shown_as) in shown_text(at)
    if summary.plateau.mrr is not None:
        assert shown_as.money(summary.plateau.mrr, CURRENCY) in shown_text(at)

    at.switch_page("pages/biggest-lever.py").run()
    assert not at.exception
    assert verdict in shown_text(at)
    levers = rank(scenario)
    assert at.info[0].value == lever_verdict(summary, shown_as)
    gained = f"{shown_as.name} gained, month {summary.months}"
    assert at.dataframe[0].value[gained].tolist() == lever_gains(levers, shown_as)

    at.switch_page("pages/unit-economics.py").run()
    assert not at.exception
    economics, said = expected_economics(summary)
    assert cards(at) == economics
    text = shown_text(at)
    assert all(sentence in text for sentence in said)

    at.switch_page("pages/downloads.py").run()
    assert not at.exception
    text = shown_text(at)
    assert f"annual NRR {figures['annual NRR']}, annual GRR {figures['annual GRR']}" in text

    for slide in ("1", "2", "3"):
        at.query_params["slide"] = slide
        at.switch_page("pages/present.py").run()
        assert not at.exception
        shown, text = cards(at), shown_text(at)
        if slide == "1":
            assert verdict in text
            assert shown[monthly_label(scenario)] == figures["monthly NRR"]
            assert shown["Annual NRR"] == figures["annual NRR"]
            assert shown[f"{shown_as.name} at month {summary.months}"] == shown_as.compact(
                summary.mrr_at(summary.months), CURRENCY
            )
        elif slide == "3":
            assert lever_verdict(summary, shown_as) in text
        else:
            assert shown["Leaks out, month 1"] == shown_as.compact(summary.leaking_at(1), CURRENCY)
            assert shown["Expansion brings back"] == shown_as.compact(summary.brought_back_at(1), CURRENCY)
            assert sentences.plateau_headline(summary, CURRENCY, shown=shown_as) in text
            if summary.plateau_in_horizon and summary.plateau.mrr is not None:
                assert shown[f"Plateau {shown_as.name}"] == shown_as.compact(summary.plateau.mrr, CURRENCY)
            elif summary.plateau.mrr is not None:
                label = f"{shown_as.name} at month {summary.months}"
                assert shown[label] == shown_as.compact(summary.mrr_at(summary.months), CURRENCY)


class _Figures(HTMLParser):
    """The report's figure tiles as label → value, and its text."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, str] = {}
        self.text: list[str] = []
        self._class = ""
        self._label = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._class = dict(attrs).get("class") or ""

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._class == "label":
            self._label = data
        elif self._class == "value" and self._label:
            self.figures[self._label] = data
            self._label = ""


def check_report(html: str, summary: Summary, figures: dict[str, str], shown: Revenue) -> None:
    parsed = _Figures()
    parsed.feed(html)
    tiles = parsed.figures
    assert tiles[monthly_label(summary.scenario)] == figures["monthly NRR"]
    assert tiles["Annual NRR"] == figures["annual NRR"]
    assert tiles["Annual GRR"] == figures["annual GRR"]
    assert tiles["NRR tier"] == summary.nrr_tier.name
    assert tiles["GRR tier"] == summary.grr_tier.name
    months = headline_months(summary.months)
    assert revenue_labels(tiles, shown) == [f"{shown.name} at {month} months" for month in months]
    for month in months:
        assert tiles[f"{shown.name} at {month} months"] == figures[f"revenue at {month}"]
    counted = f"Customers at {summary.months} months"  # the count follows logo churn
    if counted in tiles:
        assert tiles[counted] == f"{summary.customers_at(summary.months):,.0f}"
    text = re.sub(r"\s+", " ", "".join(parsed.text))
    assert summary_verdict(summary).replace("**", "") in text
    assert lever_verdict(summary, shown) in text
    assert all(gain in parsed.text for gain in lever_gains(rank(summary.scenario), shown))
    if summary.plateau.mrr is not None:
        assert shown.money(summary.plateau.mrr, CURRENCY) in text
    economics, said = expected_economics(summary)
    assert {label: tiles[label] for label in economics} == economics
    assert all(sentence in text for sentence in said)


def check_files(scenario: Scenario, summary: Summary, shown: Revenue, tmp_path: Path) -> None:
    table = summary.projection.table
    unit = shown.name.lower()
    csv = pd.read_csv(io.BytesIO(content.projection_csv(scenario, shown)))
    for column in ("mrr", "customers", "new_mrr_to_stay_flat", "nrr_month", "grr_trailing_12"):
        written = column.replace("mrr", unit)
        values = shown.of(table[column]) if "mrr" in column else table[column]
        assert csv[written].to_numpy() == pytest.approx(
            values.round(decimals_of(written)).to_numpy(), rel=1e-12, abs=1e-12, nan_ok=True
        )
    for month in headline_months(summary.months):  # the page's figure, to the cent
        assert csv[unit].iat[month] == round(shown.of(summary.mrr_at(month)), 2)
    path = tmp_path / "scenario.json"
    path.write_text(to_json(scenario), encoding="utf-8")
    view = ["--revenue", unit]
    out = io.StringIO()
    assert cli.main(["project", str(path), *view], stdout=out) == 0
    width = len(PROJECTION_COLUMNS)
    ours = [line.split(",")[:width] for line in content.projection_csv(scenario, shown).decode().splitlines()]
    assert ours == [line.split(",") for line in out.getvalue().splitlines()]
    levers = io.StringIO()
    assert cli.main(["levers", str(path), "--format", "json", *view], stdout=levers) == 0
    ranking = rank(scenario)
    rows = json.loads(levers.getvalue())
    assert [row["lever"] for row in rows] == ranking.table["lever"].tolist()
    assert [row["lever"] for row in rows if row["recommended"] == 1] == [recommend(scenario).lever]
    assert [row[f"{unit}_gain"] for row in rows] == [
        round(shown.of(gain), 2) + 0.0 for gain in ranking.table["mrr_gain"]
    ]
    html = io.StringIO()
    assert cli.main(["report", str(path), "--currency", CURRENCY, *view], stdout=html) == 0
    check_report(html.getvalue(), summary, expected(summary, shown), shown)


def check_comparison(at: AppTest, scenario: Scenario, shown_as: Revenue) -> None:
    """The Scenarios page's cards and the presenter's comparison slide: MRR at the reference's horizon."""
    other = scenario.replace(months=min(scenario.months + 24, 120), churn_rate=scenario.churn_rate / 2)
    at.session_state[saved.STORE_KEY] = {"Reference": scenario, "Other": other}
    at.session_state[saved.COMPARED_KEY] = ["Reference", "Other"]
    result = compare({"Reference": scenario, "Other": other}).at_horizon.set_index("scenario")
    at.switch_page("pages/scenarios.py").run()
    assert not at.exception
    shown = cards(at)
    at.query_params["slide"] = "4"
    at.switch_page("pages/present.py").run()
    slide = cards(at)
    for name in ("Reference", "Other"):
        mrr = float(result.loc[name, "mrr"])
        assert shown[f"{name}: {shown_as.name} at month {scenario.months}"] == shown_as.money(mrr, CURRENCY)
        assert slide[name] == shown_as.compact(mrr, CURRENCY)


@settings(
    max_examples=examples(12),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(values=sidebar_values())
@example(values={**defaults(), "currency": CURRENCY, "revenue": "ARR"})
@example(values={**defaults(), "currency": CURRENCY, "revenue": "MRR"})
@example(values={**defaults(), "currency": CURRENCY, "revenue": "ARR", "months": 12})
# Churned customers half the average account: logo churn twice the MRR lost to cancellations.
@example(values={**defaults(), "currency": CURRENCY, "revenue": "MRR", "churned_size_x": 0.5})
# One scenario for each way the recommendation is reached (simulator.recommendation): a leak of
# downgrades, a strong base with little expansion, the most headroom, every lever at its peers.
@example(
    values={
        **defaults(),
        "currency": CURRENCY,
        "churn_pct": 0.3,
        "contraction_pct": 1.5,
        "expansion_pct": 2.0,
    }
)
@example(
    values={
        **defaults(),
        "currency": CURRENCY,
        "churn_pct": 0.3,
        "contraction_pct": 0.1,
        "expansion_pct": 0.2,
        "starting_mrr": 1_700_000,
    }
)
@example(
    values={
        **defaults(),
        "currency": CURRENCY,
        "churn_pct": 0.6,
        "contraction_pct": 0.2,
        "expansion_pct": 1.2,
        "starting_mrr": 12_500_000,
    }
)
@example(
    values={
        **defaults(),
        "currency": CURRENCY,
        "churn_pct": 0.1,
        "contraction_pct": 0.0,
        "expansion_pct": 3.0,
        "starting_mrr": 12_500_000,
    }
)
def test_every_surface_shows_the_engines_figures(values: dict[str, Any], tmp_path: Path) -> None:
    import streamlit

    streamlit.cache_data.clear()
    scenario = scenario_from_values(values)
    summary = summarise(scenario)
    shown = VIEWS[values["revenue"]]
    figures = expected(summary, shown)
    assert all(not text.startswith("–") for text in figures.values()) or scenario.starting_mrr == 0

    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query_from_values(values).items():
        at.query_params[key] = value
    at.run()
    assert not at.exception

    check_pages(at, summary, figures, shown)
    report = html.html_report(content.build_report(scenario, CURRENCY, shown=shown)).decode()
    check_report(report, summary, figures, shown)
    check_files(scenario, summary, shown, tmp_path)
    check_comparison(at, scenario, shown)


def test_the_segments_scenario_reads_95_4_and_60_6_on_the_command_lines_report(tmp_path: Path) -> None:
    """The issue's example: SMB 60% of MRR (6%, 2%, 1%), Enterprise 40% (2%, 1%, 2%)."""
    values = {
        **defaults(),
        "segments_on": True,
        "segments": (("SMB", 6, 2, 1, 60, 60, 500), ("Enterprise", 2, 1, 2, 40, 40, 5000)),
    }
    path = tmp_path / "segments.json"
    path.write_text(to_json(scenario_from_values(values)), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["report", str(path)], stdout=out) == 0
    html = out.getvalue()
    assert "95.4%" in html and "60.6%" in html
    assert "102.0%" not in html and "126.8%" not in html
    default = tmp_path / "worked.json"
    default.write_text(to_json(scenario_from_values({**defaults(), **WORKED_EXAMPLE})), encoding="utf-8")
    out = io.StringIO()
    assert cli.main(["report", str(default)], stdout=out) == 0
    parsed = _Figures()
    parsed.feed(out.getvalue())
    assert parsed.figures["Annual NRR"] == "126.8%" and parsed.figures["Annual GRR"] == "61.3%"
    assert "GRR below 90%: fix churn first" in "".join(parsed.text)


def test_a_report_can_be_written_to_a_file_and_bad_input_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "scenario.json"
    path.write_text(json.dumps({"starting_mrr": 100_000, "churn_rate": 0.03}), encoding="utf-8")
    target = tmp_path / "report.html"
    assert cli.main(["report", str(path), "--output", str(target)]) == 0
    assert "97.0%" in target.read_text(encoding="utf-8")
    err = io.StringIO()
    assert cli.main(["report", str(tmp_path / "missing.json")], stderr=err) == 2
    assert err.getvalue().count("\n") == 1 and "no such file" in err.getvalue()
    err = io.StringIO()
    assert cli.main(["report", str(path), "--format", "pdf"], stderr=err) == 2
    assert "--output" in err.getvalue()
    assert not math.isnan(0.0)


# An export's new figures: Know your number against the command line.


def _cli(*args: str) -> str:
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(list(args), stdout=out, stderr=err) == 0, err.getvalue()
    return out.getvalue()


@settings(
    max_examples=examples(4),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    customers=st.integers(20, 300),
    months=st.integers(3, 30),
    seed=st.integers(0, 10_000),
)
@example(customers=120, months=20, seed=3)  # long enough for a rolling backtest, whatever is drawn
def test_an_exports_quick_ratio_metrics_and_backtest_read_the_same_on_the_page_and_the_command_line(
    customers: int, months: int, seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    import streamlit

    streamlit.cache_data.clear()
    data = generate_export(customers, months=months, seed=seed).to_csv(index=False).encode()
    path = tmp_path_factory.mktemp("export") / "export.csv"
    path.write_bytes(data)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/know-your-number.py").run()
    at.file_uploader(key=UPLOAD_KEY).set_value(("export.csv", data, "text/csv")).run()
    assert not at.exception and not at.error
    loaded = at.session_state["_kyn_loaded"]
    last = loaded.metrics.months[-1]

    # The metrics file the page offers is the command line's, byte for byte, as MRR and as ARR.
    metrics_out = _cli("metrics", str(path))
    assert reading.metrics_csv(loaded.metrics.monthly).decode("utf-8") == metrics_out
    yearly = reading.metrics_csv(loaded.metrics.monthly, ARR).decode("utf-8")
    assert yearly == _cli("metrics", str(path), "--revenue", "arr")
    rows = pd.read_csv(io.StringIO(metrics_out), dtype={"month": str})
    shown = cards(at)
    assert shown[f"Quick ratio, {last}"] == quick(float(rows["quick_ratio"].iat[-1]))

    # The backtest the page shows (its default holdout) is the command line's.
    held = min(12, min(24, len(loaded.metrics.months) - months_needed(0)))
    tested = pd.read_csv(
        io.StringIO(_cli("backtest", str(path), "--holdout", str(held))), dtype={"month": str}
    )
    assert tuple(tested.columns) == BACKTEST_COLUMNS
    table = at.dataframe[0].value
    assert table["Month"].tolist() == tested["month"].tolist()
    assert table["Actual MRR"].tolist() == [money(v, "$", decimals=2) for v in tested["actual_mrr"]]
    assert table["Forecast"].tolist() == [money(v, "$", decimals=2) for v in tested["forecast_mrr"]]
    assert shown[f"Forecast, {last}"] == money(float(tested["forecast_mrr"].iat[-1]), "$")
    assert shown[f"Actual MRR, {last}"] == money(float(tested["actual_mrr"].iat[-1]), "$")

    # The rolling backtest the page sums up is the command line's, row for row to the cent.
    if len(loaded.metrics.months) < rolling_needed():
        assert "Beat the flat line" not in shown
        return
    engine = rolling_backtest(loaded.metrics, holdout=held)
    rolled = pd.read_csv(
        io.StringIO(_cli("backtest", str(path), "--holdout", str(held), "--rolling")),
        dtype={"origin": str, "month": str},
    )
    assert tuple(rolled.columns) == ROLLING_COLUMNS
    written = output.rounded(engine.table[list(ROLLING_COLUMNS)])
    pd.testing.assert_frame_equal(rolled, written, check_dtype=False)
    assert shown["Beat the flat line"] == f"{engine.beaten} of {engine.origins}"
    assert shown["Forecast's average error"] == money(engine.forecast_mae, "$")
    assert shown["Flat line's average error"] == money(engine.flat_mae, "$")
    assert shown["Band held the actual"] == pct(engine.coverage, decimals=0)
    assert f"**{rolling_verdict(engine)}**" in shown_text(at)


@pytest.mark.parametrize(
    ("kind", "number", "window", "rule"),
    [
        ("any", None, "trailing-12", "any"),
        ("within", 90, "year-over-year", "within:90d"),
        ("after", 3, "month", "after:3m"),
    ],
)
def test_an_exports_nrr_as_each_vendor_counts_it_reads_the_same_on_the_page_and_the_command_line(
    kind: str, number: int | None, window: str, rule: str, tmp_path: Path
) -> None:
    """The vendor table and the monthly metrics under the page's definition settings are the command
    line's ``metrics --vendors`` and ``metrics --reactivation --nrr-window``, figure for figure."""
    from report.definitions import vendor_rows
    from simulator.definitions import Definitions, vendor_table
    from simulator.reactivation import parse_reactivation
    from ui.actuals import definitions

    data = generate_export(150, months=26, seed=11).to_csv(index=False).encode()
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/know-your-number.py").run()
    at.file_uploader(key=UPLOAD_KEY).set_value(("export.csv", data, "text/csv")).run()
    at.selectbox(key=definitions.KIND_KEY).set_value(kind).run()
    if number is not None:
        key = definitions.DAYS_KEY if kind == "within" else definitions.MONTHS_KEY
        at.number_input(key=key).set_value(number).run()
    at.selectbox(key=definitions.WINDOW_KEY).set_value(window).run()
    assert not at.exception and not at.error

    settings = ["--reactivation", rule, "--nrr-window", window]
    written = pd.read_csv(io.StringIO(_cli("metrics", str(path), "--vendors", *settings)), dtype=str)
    shown_table = next(frame.value for frame in at.dataframe if "What makes it differ" in frame.value)
    assert shown_table["Definition"].tolist() == written["definition"].tolist()
    assert shown_table["NRR"].tolist() == [
        pct(float(v)) if v == v else "–" for v in written["nrr"].astype(float)
    ]
    assert shown_table["GRR"].tolist() == [
        pct(float(v)) if v == v else "–" for v in written["grr"].astype(float)
    ]
    own = written.iloc[0]
    shown = cards(at)
    assert shown["NRR, your settings"] == (pct(float(own["nrr"])) if isinstance(own["nrr"], str) else "–")
    assert shown["GRR, your settings"] == (pct(float(own["grr"])) if isinstance(own["grr"], str) else "–")
    # The words the page shows are the engine's table said, not figures of their own.
    loaded = at.session_state["_kyn_loaded"]
    engine = vendor_table(loaded.metrics, own=Definitions(parse_reactivation(rule), window))
    pd.testing.assert_frame_equal(vendor_rows(engine), shown_table)

    # The monthly metrics the page offers under these settings are the command line's, byte for byte.
    monthly = definitions.monthly_for(loaded, parse_reactivation(rule))
    assert reading.metrics_csv(monthly, nrr_window=window).decode() == _cli("metrics", str(path), *settings)

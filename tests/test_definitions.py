"""Definition settings: the reactivation rule and the NRR window, and the vendor table.

Reference values are worked by hand below, from domain.md's definitions (a flow is
measured against the customer's month before; the cohort way for trailing-12) and
docs/definitions.md's for each rule and window.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import cli
from simulator.definitions import (
    OWN,
    VENDOR_COLUMNS,
    VENDORS,
    DefinitionError,
    Definitions,
    latest,
    parse_window,
    vendor_table,
    with_window,
    year_over_year,
)
from simulator.export import read_export
from simulator.metrics import METRICS_COLUMNS, analyse, rebuilt_ending, reclassified
from simulator.reactivation import ANY, Reactivation, ReactivationError, months_of_days, parse_reactivation
from tests.strategies import examples
from tests.test_metrics import messy_frame, messy_rows

RULES = ("any", "within:90d", "after:3m", "expansion")


def monthly(csv: str, rule: str = "any") -> pd.DataFrame:
    return analyse(read_export(csv.encode()), reactivation=parse_reactivation(rule)).monthly


def leaves_and_returns(gap: int) -> str:
    """A steady customer at 200 a month, and one who pays 100 in January 2024, pays nothing for
    ``gap`` months, and pays 100 again in the month after (and once more the month after that)."""
    rows = [f"steady,2024-{m:02d},200\n" for m in range(1, gap + 4)]
    rows += ["back,2024-01,100\n", f"back,2024-{gap + 2:02d},100\n", f"back,2024-{gap + 3:02d},100\n"]
    return "customer_id,month,mrr\n" + "".join(rows)


#: Worked by hand: what the return of a customer away ``gap`` months is, under each rule.
#: within:90d is 3 months (90 ÷ 30.4375 = 2.96, to the nearest); after:3m a gap of 3 or more.
RETURNS = {
    "any": {1: "reactivation", 2: "reactivation", 3: "reactivation", 4: "reactivation"},
    "within:90d": {1: "reactivation", 2: "reactivation", 3: "reactivation", 4: "new"},
    "after:3m": {1: "expansion", 2: "expansion", 3: "reactivation", 4: "reactivation"},
    "expansion": {1: "expansion", 2: "expansion", 3: "expansion", 4: "expansion"},
}


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("gap", [1, 2, 3, 4])
def test_a_customer_away_one_to_four_months_returns_as_each_rule_says(rule: str, gap: int) -> None:
    table = monthly(leaves_and_returns(gap), rule)
    left, back, after = table.iloc[1], table.iloc[gap + 1], table.iloc[gap + 2]
    # The month they leave is churn whatever the rule: 100 of 300 lost.
    assert (left["churned_mrr"], left["nrr_month"], left["grr_month"]) == (100, pytest.approx(2 / 3), 2 / 3)
    counted_as = RETURNS[rule][gap]
    flows = {
        "new": back["new_mrr"],
        "reactivation": back["reactivation_mrr"],
        "expansion": back["expansion_mrr"],
    }
    assert flows == {name: (100 if name == counted_as else 0) for name in flows}
    # The month of the return starts from the steady customer's 200: a return counted as
    # expansion lifts NRR to (200 + 100) ÷ 200; counted as new or reactivation it is no flow of NRR.
    assert back["starting_mrr"] == 200
    assert back["nrr_month"] == pytest.approx(1.5 if counted_as == "expansion" else 1.0)
    assert back["grr_month"] == 1.0
    assert back["new_customers"] == (1 if counted_as == "new" else 0)
    assert back["reactivated_customers"] == (1 if counted_as == "reactivation" else 0)
    # The month after, the customer is an existing one again, paying the same.
    assert (after["starting_mrr"], after["nrr_month"]) == (300, 1.0)
    assert rebuilt_ending(table).tolist() == table["ending_mrr"].tolist()


def leaves_within_the_year(gap: int) -> str:
    """A steady 200, and a customer at 100 in January 2024 who leaves for ``gap`` months and pays
    100 again from then to January 2025."""
    months = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]
    rows = [f"steady,{month},200\n" for month in months]
    rows += [f"back,{month},100\n" for i, month in enumerate(months) if i == 0 or i > gap]
    return "customer_id,month,mrr\n" + "".join(rows)


@pytest.mark.parametrize(
    ("rule", "gap", "nrr"),
    [
        # The cohort of January 2024 paid 300; in January 2025 the steady customer pays 200 and the
        # returning one 100, unless the rule made them new again (within 3 months, away 4): 200 ÷ 300.
        ("any", 4, 1.0),
        ("within:90d", 3, 1.0),
        ("within:90d", 4, 2 / 3),
        ("after:3m", 2, 1.0),
        ("expansion", 4, 1.0),
    ],
)
def test_the_trailing_cohort_leaves_out_a_customer_the_rule_made_new_again(
    rule: str, gap: int, nrr: float
) -> None:
    last = monthly(leaves_within_the_year(gap), rule).iloc[-1]
    assert last["month"] == "2025-01"
    assert last["nrr_trailing_12"] == pytest.approx(nrr)
    assert last["grr_trailing_12"] == pytest.approx(nrr)


#: A year and a month by hand: a pays 100 throughout; b pays 100 to June and leaves; c joins in March
#: at 50, goes to 80 in May and leaves in October; d joins in August at 40.
YEAR = "customer_id,month,mrr\n" + "".join(
    [f"a,2024-{m:02d},100\n" for m in range(1, 13)]
    + ["a,2025-01,100\n"]
    + [f"b,2024-{m:02d},100\n" for m in range(1, 7)]
    + [f"c,2024-{m:02d},{50 if m < 5 else 80}\n" for m in range(3, 10)]
    + [f"d,2024-{m:02d},40\n" for m in range(8, 13)]
    + ["d,2025-01,40\n"]
)


def test_each_nrr_window_on_a_year_worked_by_hand() -> None:
    """January 2025. Month: starts from a and d, 140, nothing moves: 100%. Trailing-12: the cohort of
    January 2024 (a, b) paid 200 and pays 100: 50%, GRR 50%. Year over year: from January 2024's 200,
    the twelve months lost b's 100 and c's 80 and gained c's 30: (200 − 180 + 30) ÷ 200 = 25%, GRR
    (200 − 180) ÷ 200 = 10%."""
    table = monthly(YEAR)
    figures = {window: latest(table, window) for window in ("month", "trailing-12", "year-over-year")}
    assert (figures["month"].nrr, figures["month"].grr) == (1.0, 1.0)
    assert (figures["trailing-12"].nrr, figures["trailing-12"].grr) == (0.5, 0.5)
    assert figures["year-over-year"].nrr == pytest.approx(0.25)
    assert figures["year-over-year"].grr == pytest.approx(0.10)
    assert figures["month"].months == ("2024-12", "2025-01")
    assert figures["year-over-year"].months == figures["trailing-12"].months == ("2024-01", "2025-01")
    nrr, grr = year_over_year(table)
    assert np.isnan(nrr[:12]).all() and np.isnan(grr[:12]).all()


def test_a_return_counted_as_expansion_moves_the_year_over_year_figure_not_the_cohort() -> None:
    """b leaves in July and comes back at 100 in December: counted as expansion, the year gains it:
    (300 − 100 + 100) ÷ 300 = 100% against (300 − 100) ÷ 300 as a reactivation."""
    csv = "customer_id,month,mrr\n" + "".join(
        [f"a,2024-{m:02d},200\n" for m in range(1, 13)]
        + ["a,2025-01,200\n"]
        + [f"b,2024-{m:02d},100\n" for m in range(1, 7)]
        + ["b,2024-12,100\n", "b,2025-01,100\n"]
    )
    for rule, yearly in (("any", 2 / 3), ("expansion", 1.0)):
        table = monthly(csv, rule)
        assert latest(table, "year-over-year").nrr == pytest.approx(yearly)
        assert latest(table, "trailing-12").nrr == pytest.approx(1.0)


def test_days_become_whole_months_to_the_nearest() -> None:
    assert [months_of_days(days) for days in (16, 30, 45, 46, 60, 90, 180, 365)] == [1, 1, 1, 2, 2, 3, 6, 12]
    assert parse_reactivation("within:90d") == Reactivation("within", 3, "within:90d")
    assert parse_reactivation("WITHIN:3M").months == 3
    assert parse_reactivation("after:1m").is_default and ANY.is_default


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("sometimes", "is not one of any, within:90d"),
        ("within:15d", "less than half a month"),
        ("within:0m", "names no month"),
        ("after:3", "is not one of"),
        ("within:99999m", "over 1,200"),
        ("within:-3m", "is not one of"),
    ],
)
def test_a_rule_that_does_not_read_is_refused_by_message(text: str, message: str) -> None:
    with pytest.raises(ReactivationError, match=message):
        parse_reactivation(text)


def test_a_window_that_does_not_read_is_refused_by_message() -> None:
    assert parse_window(" Month ") == "month"
    with pytest.raises(DefinitionError, match="'quarter' is not one of month, trailing-12, year-over-year"):
        parse_window("quarter")
    with pytest.raises(DefinitionError, match="not one of"):
        Definitions(nrr_window="annual")


def test_the_window_chooses_the_columns_a_file_carries() -> None:
    table = monthly(YEAR)
    assert with_window(table, "trailing-12").columns.tolist() == list(METRICS_COLUMNS)
    assert "nrr_trailing_12" not in with_window(table, "month")
    yearly = with_window(table, "year-over-year")
    assert yearly.columns.tolist()[9:13] == [
        "nrr_month",
        "grr_month",
        "nrr_year_over_year",
        "grr_year_over_year",
    ]
    assert yearly["grr_year_over_year"].iat[-1] == pytest.approx(0.10)


@settings(max_examples=examples(40), deadline=None)
@given(messy_rows, st.sampled_from(["any", "within:1m", "within:60d", "after:2m", "after:3m", "expansion"]))
def test_every_rule_keeps_the_bridge_balanced_and_grr_at_most_100(
    rows: list[tuple[str, int, float, str]], rule: str
) -> None:
    frame = messy_frame(rows)
    if frame is None:
        return
    export = read_export(frame.to_csv(index=False).encode())
    metrics = analyse(export, reactivation=parse_reactivation(rule))
    table, default = metrics.monthly, analyse(export).monthly
    assert rebuilt_ending(table).to_numpy() == pytest.approx(table["ending_mrr"].to_numpy(), abs=0.011)
    # A rule only moves returns between new, reactivation and expansion: the rest never moves.
    for column in ("starting_mrr", "ending_mrr", "churned_mrr", "contraction_mrr", "grr_month", "customers"):
        pd.testing.assert_series_equal(table[column], default[column])
    won = ["new_mrr", "reactivation_mrr", "expansion_mrr"]
    assert table[won].sum(axis=1).to_numpy() == pytest.approx(default[won].sum(axis=1).to_numpy(), abs=0.011)
    # NRR = GRR + expansion rate in the month and over the year; GRR at most 100% in every window.
    defined = table["starting_mrr"] > 0
    start = table["starting_mrr"][defined]
    assert table["nrr_month"][defined].to_numpy() == pytest.approx(
        (table["grr_month"] + table["expansion_mrr"] / table["starting_mrr"])[defined].to_numpy(), rel=1e-9
    )
    nrr, grr = year_over_year(table)
    if len(table) > 12:
        start_12 = table["ending_mrr"].to_numpy()[:-12]
        yearly_expansion = table["expansion_mrr"].rolling(12).sum().to_numpy()[12:]
        has = start_12 > 0
        assert nrr[12:][has] == pytest.approx(grr[12:][has] + yearly_expansion[has] / start_12[has], rel=1e-9)
        assert np.isnan(nrr[12:][~has]).all()
    for values in (table["grr_month"], table["grr_trailing_12"], grr):
        assert (np.nan_to_num(np.asarray(values, dtype=float)) <= 1 + 1e-9).all()
    assert (start > 0).all()
    # The vendor table's analyses are this one's, recounted from a default analysis's payments.
    recounted = reclassified(analyse(export), parse_reactivation(rule))
    pd.testing.assert_frame_equal(recounted, table.reset_index(drop=True))
    pd.testing.assert_frame_equal(reclassified(metrics, ANY), default)


def test_the_vendor_table_on_a_customer_who_comes_back() -> None:
    """The steady 200 and a customer back after 4 months at 0 (June 2024), then the month after:
    every vendor's latest figure is July's, from 300, nothing moving: 100%; the rows differ in what
    they did with June's 100 and in their window, which the 12-month rows cannot reach yet."""
    metrics = analyse(read_export(leaves_and_returns(4).encode()))
    table = vendor_table(metrics)
    assert table.columns.tolist() == list(VENDOR_COLUMNS)
    assert table["definition"].tolist() == [OWN, *(vendor.name for vendor in VENDORS)]
    rows = table.set_index("definition")
    assert np.isnan(rows.loc[OWN, "nrr"])  # 7 months: no trailing-12 figure
    monthly_rows = rows[rows["nrr_window"] == "month"]
    assert (monthly_rows["nrr"] == 1.0).all() and (monthly_rows["grr"] == 1.0).all()
    # Maxio counts a return after 90 days (4 months here) as new; dbt_stripe and Chargebee as expansion,
    # but the return was June's, before the month the monthly figure covers.
    assert rows.loc["Maxio", "reactivation"] == "within:90d"
    assert (table["returns_as_new_mrr"] == 0).all() and (table["returns_as_expansion_mrr"] == 0).all()


def test_the_vendor_table_says_what_each_rule_moved_in_the_window() -> None:
    """The same customer back in July after 4 months away (gap 4), export ending in July: the monthly
    rows cover July. Maxio (within 90 days) made the 100 new; dbt_stripe and Chargebee counted it as
    expansion: NRR (200 + 100) ÷ 200 = 150%; the rest 100%."""
    csv = leaves_and_returns(4).rsplit("\n", 2)[0] + "\n"  # the last row (the month after) dropped
    csv = "\n".join(line for line in csv.splitlines() if not line.startswith("steady,2024-07")) + "\n"
    table = vendor_table(analyse(read_export(csv.encode()))).set_index("definition")
    assert table.loc["Maxio", "returns_as_new_mrr"] == 100
    assert table.loc["Maxio", "nrr"] == 1.0
    for name in ("dbt_stripe", "Chargebee"):
        assert (table.loc[name, "nrr"], table.loc[name, "returns_as_expansion_mrr"]) == (1.5, 100)
    for name in ("ChartMogul", "Baremetrics", "Recurly"):
        assert (table.loc[name, "nrr"], table.loc[name, "returns_as_new_mrr"]) == (1.0, 0)


def test_the_command_line_prints_the_vendor_table_and_refuses_a_bad_rule(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(YEAR)
    out, err = io.StringIO(), io.StringIO()
    assert cli.main(["metrics", str(path), "--vendors", "--nrr-window", "month"], stdout=out, stderr=err) == 0
    written = pd.read_csv(io.StringIO(out.getvalue()))
    assert written.columns.tolist() == list(VENDOR_COLUMNS)
    assert written["nrr_window"].iat[0] == "month"
    expected = vendor_table(analyse(read_export(YEAR.encode())), own=Definitions(nrr_window="month"))
    assert written["nrr"].tolist() == pytest.approx(expected["nrr"].round(6).tolist())
    for args, message in (
        (["--reactivation", "soon"], "argument --reactivation: reactivation rule 'soon' is not one of"),
        (["--nrr-window", "week"], "argument --nrr-window: NRR window 'week' is not one of"),
    ):
        with pytest.raises(SystemExit) as stopped:  # argparse's usage error: one line, status 2
            cli.main(["metrics", str(path), *args], stdout=io.StringIO(), stderr=io.StringIO())
        assert stopped.value.code == cli.EXIT_BAD_INPUT
        said = capsys.readouterr().err
        assert said.startswith(f"error: {message}") and said.count("\n") == 1


def test_the_command_lines_default_metrics_do_not_change_with_the_default_settings(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(YEAR)
    runs = []
    for args in (
        [],
        ["--reactivation", "any", "--nrr-window", "trailing-12"],
        ["--reactivation", "after:1m"],
    ):
        out = io.StringIO()
        assert cli.main(["metrics", str(path), *args], stdout=out, stderr=io.StringIO()) == 0
        runs.append(out.getvalue())
    assert runs[0] == runs[1] == runs[2]
    assert runs[0].splitlines()[0] == ",".join(METRICS_COLUMNS)


def test_the_vendor_tables_words_say_the_window_and_where_the_returns_went() -> None:
    """The same export as above (back in July after 4 months away): Maxio's row says July's 100 went to
    new, Chargebee's to expansion, and the window; the sentence names the lowest and highest."""
    from report.definitions import differs_text, rule_words, spread_text, vendor_rows

    csv = leaves_and_returns(4).rsplit("\n", 2)[0] + "\n"
    csv = "\n".join(line for line in csv.splitlines() if not line.startswith("steady,2024-07")) + "\n"
    table = vendor_table(analyse(read_export(csv.encode())), own=Definitions(nrr_window="month"))
    rows = table.set_index("definition", drop=False)
    own = table.iloc[0]
    assert differs_text(rows.loc["Maxio"], own) == (
        "$100 of returning customers' MRR counted as new "
        "(assumed: NRR window not documented: taken as a month)"
    )
    assert differs_text(rows.loc["ChartMogul Benchmarks"], own).startswith(
        "the year over year ARR bridge, not one month's flows"
    )
    assert differs_text(rows.loc["Chargebee"], own).startswith(
        "$100 of returning customers' MRR counted as expansion"
    )
    assert differs_text(own, own) == "the figures this page shows (your settings)"
    assert spread_text(table) == (
        "The same customers give an NRR from 100.0% (NRR simulator, ChartMogul, Baremetrics, Stripe Billing, "
        "ProfitWell (Paddle), Maxio, Recurly) to 150.0% (dbt_stripe, Chargebee): what differs is the window "
        "(one month's flows or a year's) and where a returning customer's MRR goes (reactivation, new or "
        "expansion; only expansion lifts NRR)."
    )
    shown = vendor_rows(table)
    assert (
        shown.loc[shown["Definition"] == "ChartMogul Benchmarks", "NRR"].item() == "–"
    )  # 7 months: no year yet
    assert rule_words(parse_reactivation("after:1m")) == "reactivation after 1 month at 0, else expansion"

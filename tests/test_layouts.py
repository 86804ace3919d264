"""Billing exports as vendors write them: one business in every layout gives the plain CSV's figures;
hand-worked conversions (intervals, cents, currencies, the same-month rule); each bad file's message."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator import cli
from simulator.export import ExportError, export_notes, layout_note, month_labels, parse_rates, read_export
from simulator.export import layouts as layouts_module
from simulator.metrics import analyse
from tests.layout_files import WRITERS, Business, plain, small_business, stripe_subscriptions

FIGURES = ("ending_mrr", "nrr_trailing_12", "grr_trailing_12")


def _figures(data: bytes) -> pd.DataFrame:
    monthly = analyse(read_export(data)).monthly
    return monthly[["month", *FIGURES]]


def _same_figures(business: Business, data: bytes) -> None:
    expected, got = _figures(plain(business)), _figures(data)
    assert got["month"].tolist() == expected["month"].tolist()
    for column in FIGURES:
        np.testing.assert_allclose(got[column].to_numpy(float), expected[column].to_numpy(float), rtol=1e-12)


def test_the_business_has_what_each_layout_must_carry() -> None:
    """The done-when business: annual and quarterly plans, multi-item customers, a return, expansion
    and contraction, and a trailing-12 figure to compare (18 months)."""
    business = small_business()
    runs = business.runs
    assert {"year", "quarter", "month"} <= set(runs["interval"])
    assert runs.groupby("customer").size().max() >= 2
    monthly = analyse(read_export(plain(business))).monthly
    for flow in ("reactivation_mrr", "expansion_mrr", "contraction_mrr", "churned_mrr"):
        assert monthly[flow].sum() > 0, flow
    assert monthly["nrr_trailing_12"].notna().sum() >= 6


@pytest.mark.parametrize("layout", [name for name in WRITERS if name != "plain"])
def test_one_business_in_each_layout_gives_the_plain_csvs_months_mrr_and_retention(layout: str) -> None:
    business = small_business()
    _same_figures(business, WRITERS[layout](business))


def test_a_stripe_subscriptions_export_matches_the_plain_csv_for_a_business_without_amount_changes() -> None:
    """The subscriptions export is a snapshot (each subscription at its current amount): a business
    whose subscriptions keep their amount (annual plans, two subscriptions a customer, churn and a
    return) is all it can carry, and the recognition line says so."""
    business = small_business(amount_changes=False)
    data = stripe_subscriptions(business)
    _same_figures(business, data)
    assert "a snapshot" in str(layout_note(read_export(data)))


@pytest.mark.parametrize(
    ("layout", "line"),
    [
        ("chartmogul", "read as ChartMogul MRR movements: 73 movements, 38 customers, 2023-01..2024-06, "),
        ("baremetrics", "read as a Baremetrics subscription import: 70 subscriptions, 38 customers, "),
        ("stripe_mrr", "read as Stripe MRR per subscriber per month: 38 rows × 18 months, 38 customers"),
        ("spreadsheet", "read as a spreadsheet of customers by months: 38 rows × 18 months"),
        (
            "dbt_stripe",
            "read as dbt_stripe stripe__subscription_item_mrr_report: 536 subscription-item months",
        ),
        ("chargebee_billing", "converted at the file's exchange_rate → USD"),
    ],
)
def test_each_layout_is_named_with_what_it_held(layout: str, line: str) -> None:
    note = layout_note(read_export(WRITERS[layout](small_business())))
    assert note is not None and line in note
    assert ("cents → dollars" in note) == (layout in ("chartmogul", "baremetrics"))


def test_the_plain_layout_has_no_layout_line() -> None:
    assert layout_note(read_export(plain(small_business()))) is None


def _monthly(data: bytes, **options: object) -> pd.DataFrame:
    return analyse(read_export(data, **options)).monthly  # type: ignore[arg-type]


BAREMETRICS = (
    "plan_oid,plan_name,plan_currency,plan_amount,plan_interval,plan_interval_count,customer_oid,"
    "customer_name,customer_email,subscription_oid,subscription_started_at,subscription_canceled_at\n"
)


def test_intervals_are_turned_monthly_by_hand() -> None:
    """A year of 1,200.00 is 100.00 a month; 3 months of 300.00, 100.00; a week of 12.00, 12 × 52 ÷ 12 =
    52.00; a day of 1.20, 1.20 × 365 ÷ 12 = 36.50; two years of 2,400.00, 100.00."""
    rows = [
        ("a", 120000, "year", 1),
        ("b", 30000, "month", 3),
        ("c", 1200, "week", 1),
        ("d", 120, "day", 1),
        ("e", 240000, "year", 2),
    ]
    body = "".join(
        f"p,P,usd,{cents},{unit},{count},{who},,,s-{who},2024-01-05,\n" for who, cents, unit, count in rows
    )
    body += "p,P,usd,100,month,1,z,,,s-z,2024-02-05,\n"  # a start in February: the export runs to it
    export = read_export((BAREMETRICS + body).encode())
    january = export[export["month"] == (2024 - 1970) * 12].set_index("customer_id")["mrr"]
    assert january.to_dict() == pytest.approx({"a": 100.0, "b": 100.0, "c": 52.0, "d": 36.5, "e": 100.0})


@pytest.mark.parametrize(
    ("rule", "january", "february_churned"),
    [("ignore", 50.0, 0.0), ("count", 150.0, 100.0)],
)
def test_a_subscription_started_and_cancelled_within_a_month_follows_the_rule(
    rule: str, january: float, february_churned: float
) -> None:
    """Hand-worked: 'a' pays 100.00 from 5 to 20 January, 'b' 50.00 from 3 January on, 'c' joins in
    February. At January's end 'a' is gone: ignored, January's MRR is 50.00 and nothing churns; counted,
    January's MRR is 150.00 and 'a' churns 100.00 in February."""
    body = (
        "p,P,usd,10000,month,1,a,,,s-a,2024-01-05,2024-01-20\n"
        "p,P,usd,5000,month,1,b,,,s-b,2024-01-03,\n"
        "p,P,usd,2000,month,1,c,,,s-c,2024-02-10,\n"
    )
    monthly = _monthly((BAREMETRICS + body).encode(), same_month=rule)
    assert monthly["ending_mrr"].tolist() == [january, 70.0]
    assert monthly["churned_mrr"].iat[1] == february_churned
    assert monthly["new_mrr"].iat[0] == january


def test_the_default_same_month_rule_ignores_and_says_how_many() -> None:
    body = "p,P,usd,10000,month,1,a,,,s-a,2024-01-05,2024-01-20\np,P,usd,5000,month,1,b,,,s-b,2024-01-03,\n"
    body += "p,P,usd,5000,month,1,c,,,s-c,2024-02-03,\n"
    note = layout_note(read_export((BAREMETRICS + body).encode()))
    assert note is not None and "1 started and ended within a month: left out" in note


STRIPE_MRR = "Customer ID,Customer,Customer Email,Currency,2024-01,2024-02\n"


def test_mixed_currencies_without_rates_are_refused_naming_them() -> None:
    data = (STRIPE_MRR + "a,,,usd,100,100\nb,,,eur,50,60\nc,,,gbp,10,10\n").encode()
    with pytest.raises(ExportError, match=r"mixes 3 currencies \(USD, EUR, GBP\) and no exchange rates"):
        read_export(data)
    with pytest.raises(ExportError, match=r"and USD, EUR have no exchange rate"):
        read_export(data, rates={"GBP": 1.27})


def test_mixed_currencies_with_rates_are_converted_by_hand() -> None:
    """January: 100 USD + 50 EUR × 1.08 + 10 GBP × 1.27 = 100 + 54 + 12.70 = 166.70; February: 100 +
    60 × 1.08 + 10 × 1.27 = 177.50."""
    data = (STRIPE_MRR + "a,,,usd,100,100\nb,,,eur,50,60\nc,,,gbp,10,10\n").encode()
    export = read_export(data, rates=parse_rates("EUR=1.08, GBP=1.27"))
    assert analyse(export).monthly["ending_mrr"].tolist() == pytest.approx([166.70, 177.50])
    assert "EUR at 1.08, GBP at 1.27 → USD" in str(layout_note(export))


def test_chargebee_billing_amounts_are_converted_at_each_rows_exchange_rate() -> None:
    """80 EUR at 1.25 is 100 USD; 100 USD at 1 stays 100: 200 a month."""
    data = (
        b"customer_id,subscription_id,reporting_month,status,billing_currency_code,mrr_billing_currency,"
        b"reporting_currency_code,exchange_rate\n"
        b"a,s1,2024-01-01,active,EUR,80,USD,1.25\nb,s2,2024-01-01,active,USD,100,USD,1\n"
        b"a,s1,2024-02-01,active,EUR,80,USD,1.25\nb,s2,2024-02-01,active,USD,100,USD,1\n"
    )
    assert _monthly(data)["ending_mrr"].tolist() == pytest.approx([200.0, 200.0])


def test_rates_are_read_in_either_writing_and_refused_when_not_a_rate() -> None:
    assert parse_rates("EUR=1.08,GBP=1.27") == {"EUR": 1.08, "GBP": 1.27}
    assert parse_rates("eur,1.08\ngbp,1.27\n") == {"EUR": 1.08, "GBP": 1.27}
    for bad in ("EUR=abc", "EURO=1", "EUR=-1", "EUR"):
        with pytest.raises(ExportError, match="is not a currency code and a positive number"):
            parse_rates(bad)


def _run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = cli.main(list(argv), stdout=out, stderr=err)
    return status, out.getvalue(), err.getvalue()


def test_the_command_line_refuses_mixed_currencies_with_status_2_and_converts_with_rates(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stripe.csv"
    path.write_text(STRIPE_MRR + "a,,,usd,100,100\nb,,,eur,50,60\n")
    status, out, err = _run("metrics", str(path))
    assert status == 2 and out == ""
    assert "USD, EUR" in err and err.count("\n") == 1
    rates = tmp_path / "rates.csv"
    rates.write_text("EUR,1.08\n")
    for rates_given in ("EUR=1.08", str(rates)):
        status, out, err = _run("metrics", str(path), "--rates", rates_given)
        assert status == 0
        assert pd.read_csv(io.StringIO(out))["ending_mrr"].tolist() == pytest.approx([154.0, 164.8])
        assert "note: " in err and "read as Stripe MRR per subscriber per month" in err


def test_the_command_line_takes_the_same_month_rule(tmp_path: Path) -> None:
    path = tmp_path / "baremetrics.csv"
    path.write_text(
        BAREMETRICS
        + "p,P,usd,10000,month,1,a,,,s-a,2024-01-05,2024-01-20\np,P,usd,5000,month,1,b,,,s-b,2024-01-03,\n"
        + "p,P,usd,2000,month,1,c,,,s-c,2024-02-10,\n"
    )
    for rule, january in (("ignore", 50.0), ("count", 150.0)):
        status, out, _ = _run("metrics", str(path), "--same-month", rule)
        assert status == 0
        assert pd.read_csv(io.StringIO(out))["ending_mrr"].iat[0] == january


CHARTMOGUL = "DATE,CUSTOMER_NAME,MRR_MOVEMENT,MRR,MOVEMENT_TYPE,CURRENCY_CODE,CUSTOMER_UUID\n"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            CHARTMOGUL + "2024-01-05,A,10000,10000,new_biz,USD,a\n2024-02-05,A,2000,11000,expansion,USD,a\n",
            r"the movements do not add up to column 'MRR' \(1 rows; row 3: customer 'a' had 10000 cents, "
            r"moved by 2000 to 12000, but the column says 11000\)",
        ),
        (
            CHARTMOGUL
            + "2024-01-05,A,10000,10000,new_biz,USD,a\n2024-03-05,A,2000,12000,expansion,USD,a\n"
            + "2024-02-05,A,-2000,10000,contraction,USD,a\n",
            r"the dates of customer 'a' go backwards \(row 4: '2024-02-05' after row 3: '2024-03-05'\)",
        ),
        (
            CHARTMOGUL + "2024-01-05,A,-100,-100,contraction,USD,a\n2024-02-05,A,100,0,expansion,USD,a\n",
            r"column 'MRR' has negative MRR \(row 2: -100\)",
        ),
        (
            CHARTMOGUL + "2024-01-05,A,100.5,100.5,new_biz,USD,a\n2024-02-05,A,0,100.5,expansion,USD,a\n",
            r"column 'MRR_MOVEMENT' is in cents but has amounts with decimals \(row 2: 100.5",
        ),
        (
            BAREMETRICS
            + "p,P,usd,99.5,month,1,a,,,s-a,2024-01-05,\np,P,usd,100,month,1,b,,,s-b,2024-02-05,\n",
            r"column 'plan_amount' is in cents but has amounts with decimals \(row 2: 99.5\)",
        ),
        (
            BAREMETRICS + "p,P,usd,100,month,1,a,,,s-a,2024-03-05,2024-01-05\n",
            r"some subscriptions end before they start \(row 2: 'a'\)",
        ),
        (
            BAREMETRICS + "p,P,usd,100,fortnight,1,a,,,s-a,2024-01-05,2024-03-01\n",
            r"column 'plan_interval' has intervals that are not day, week, month, quarter or year",
        ),
        (
            BAREMETRICS + "p,P,usd,100,month,0,a,,,s-a,2024-01-05,2024-03-01\n",
            r"or an interval count that is not a whole number of at least 1\) \(row 2: 'month'\)",
        ),
        (STRIPE_MRR + "a,,,usd,100,-5\n", r"column '2024-02' has negative MRR \(row 2: -5\)"),
        (
            BAREMETRICS + "p,P,usd,100,month,1,a,,,s-a,2024-01-05,2024-01-09\n",
            r"no subscription is active at the end of a month up to 2024-01",
        ),
        (
            "Customer,Jan 2024,Feb 2024\na,$100,$1O0\n",
            r"the month columns have values that are not numbers \(row 2, column 'Feb 2024': '\$1O0'\)",
        ),
        (
            "Account,Period,Revenue\na,2024-01,1\n",
            r"no 'customer_id' column; the file's columns are: Account, Period, Revenue\. .*Nor is it one of "
            r"the exports read as they come: ChartMogul MRR movements; a Stripe subscriptions export; ",
        ),
    ],
)
def test_each_bad_file_gets_one_clear_message(data: str, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        read_export(data.encode())


def test_a_movements_file_listed_newest_first_is_read_backwards() -> None:
    rows = ["2024-03-05,A,-2000,10000,contraction,USD,a", "2024-02-05,A,2000,12000,expansion,USD,a"]
    rows += ["2024-01-05,A,10000,10000,new_biz,USD,a"]
    monthly = _monthly((CHARTMOGUL + "\n".join(rows) + "\n").encode())
    assert monthly["ending_mrr"].tolist() == [100.0, 120.0, 100.0]


def test_spreadsheet_months_and_amounts_are_read_in_the_ways_people_write_them() -> None:
    """``Jan 2023``, ``2023-02``, ``03/2023``, ``Apr-23`` and ``May 2023`` are five months; ``$1,200.50``
    is 1200.50, an empty cell nothing."""
    data = 'Name,Jan 2023,2023-02,03/2023,Apr-23,May 2023\na,"$1,200.50",$1000,,10,10\nb,5,5,5,5,5\n'
    export = read_export(data.encode())
    assert month_labels(np.unique(export["month"])) == ["2023-01", "2023-02", "2023-03", "2023-04", "2023-05"]
    a = export[export["customer_id"] == "a"]["mrr"].tolist()
    assert a == [1200.50, 1000.0, 10.0, 10.0]


def test_a_spreadsheets_segment_column_gives_each_customer_the_segment_of_its_last_row() -> None:
    data = b"Customer,Segment,2024-01,2024-02\na,SMB,10,10\nb,Enterprise,100,120\na,Mid-market,5,5\n"
    export = read_export(data)
    by_customer = dict(zip(export["customer_id"], export["segment"], strict=True))
    assert by_customer == {"a": "Mid-market", "b": "Enterprise"}
    assert export[export["customer_id"] == "a"]["mrr"].tolist() == [15.0, 15.0]
    segments = analyse(export).by_segment
    assert segments is not None and set(segments["segment"]) == {"Mid-market", "Enterprise"}


def test_hand_mapped_columns_are_read_as_the_plain_layout() -> None:
    """A Chargebee summary mapped by hand is read as mapped (no layout detection)."""
    data = b"customer_id,reporting_month,mrr_reporting_currency\na,2024-01-01,10\na,2024-02-01,20\n"
    mapped = read_export(data, columns={"month": "reporting_month", "mrr": "mrr_reporting_currency"})
    assert layout_note(mapped) is None
    assert mapped["mrr"].tolist() == [10.0, 20.0]
    assert layout_note(read_export(data)) is not None


def test_a_layout_that_would_spread_past_its_allowance_is_refused_before_spreading(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two subscriptions 50 years apart would spread into 1,200 customer-months; the allowance is
    shrunk to show the refusal (the real one is 2,000,000 plus one a byte per 8 bytes)."""
    monkeypatch.setattr(layouts_module, "CUSTOMER_MONTHS_ALLOWANCE", 100)
    body = "p,P,usd,100,month,1,a,,,s-a,1975-01-05,\np,P,usd,100,month,1,b,,,s-b,2024-12-05,\n"
    with pytest.raises(ExportError, match=r"the file's subscriptions cover 601 customer-months, more than"):
        read_export((BAREMETRICS + body).encode())


@pytest.mark.parametrize("layout", ["chartmogul", "spreadsheet", "baremetrics"])
def test_a_layout_saved_as_utf16_is_read_as_its_utf8_twin(layout: str) -> None:
    data = WRITERS[layout](small_business())
    utf16 = read_export(data.decode("utf-8").encode("utf-16"))
    assert utf16.equals(read_export(data))


def test_notes_put_the_layout_first() -> None:
    notes = export_notes(read_export(WRITERS["spreadsheet"](small_business())))
    assert notes[0].startswith("read as a spreadsheet of customers by months")


@pytest.mark.parametrize("layout", ["chartmogul", "baremetrics", "stripe_mrr", "dbt_stripe"])
def test_a_layout_read_from_a_path_is_read_as_from_bytes(layout: str, tmp_path: Path) -> None:
    data: Callable[[Business], bytes] = WRITERS[layout]
    path = tmp_path / "export.csv"
    path.write_bytes(data(small_business()))
    assert read_export(path).equals(read_export(path.read_bytes()))


STRIPE_SUBSCRIPTIONS = (
    "id,Customer ID,Status,Created (UTC),Start (UTC),Canceled At (UTC),Ended At (UTC),Amount,Interval\n"
)


def test_stripe_subscriptions_fall_back_on_created_and_on_canceled_at_for_a_cancelled_one() -> None:
    """'a' has no Start: it starts when Created (January); 'b' is cancelled with no Ended At: it ends when
    Canceled At (March); 'c', active, asked to cancel at its period's end, still pays; 'd', incomplete,
    never paid. MRR: January 100 + 50 + 20 = 170, February the same, March 100 + 20 = 120."""
    data = STRIPE_SUBSCRIPTIONS + (
        "s1,a,active,2024-01-03 10:00,,,,100,month\n"
        "s2,b,canceled,2024-01-04 10:00,2024-01-04 10:00,2024-03-02 10:00,,50,month\n"
        "s3,c,active,2024-01-05 10:00,2024-01-05 10:00,2024-03-09 10:00,,240,year\n"
        "s4,d,incomplete,2024-01-06 10:00,2024-01-06 10:00,,,500,month\n"
    )
    assert _monthly(data.encode())["ending_mrr"].tolist() == pytest.approx([170.0, 170.0, 120.0])


def test_a_dbt_report_with_month_numbers_beside_a_year_column_is_read() -> None:
    data = (
        b"subscription_item_id,customer_id,currency,subscription_month,subscription_year,current_month_mrr\n"
        b"si_1,a,usd,12,2023,10\nsi_2,a,usd,12,2023,5\nsi_1,a,usd,1,2024,10\n"
    )
    export = read_export(data)
    assert month_labels(export["month"].to_numpy()) == ["2023-12", "2024-01"]
    assert export["mrr"].tolist() == [15.0, 10.0]


_DATES = ["2024-01-05", "2024-02-29", "2023-12-31 23:59", "2024-13-01", "", "1975-01-01", "x", "1700000000"]
_CENTS = ["0", "100", "-100", "12345", "1.5", "", "1e300", "abc"]
_MONEY = ["0", "10", "-5", "1,200.50", "$9", "", "1e300", "1.010"]
_FUZZ = {
    "chartmogul": (
        "DATE,CUSTOMER_UUID,MRR_MOVEMENT,MRR,CURRENCY_CODE",
        [_DATES, ["a", "b", ""], _CENTS, _CENTS, ["USD", "EUR", ""]],
    ),
    "baremetrics": (
        "customer_oid,plan_amount,plan_interval,plan_interval_count,subscription_started_at,subscription_canceled_at",
        [
            ["a", "b"],
            _CENTS,
            ["month", "year", "week", "day", "fortnight", ""],
            ["1", "0", "3", ""],
            _DATES,
            _DATES,
        ],
    ),
    "stripe": (
        "Customer ID,Status,Created (UTC),Start (UTC),Ended At (UTC),Amount,Interval",
        [
            ["a", "b"],
            ["active", "canceled", ""],
            _DATES,
            _DATES,
            _DATES,
            _MONEY,
            ["month", "year", "3 months"],
        ],
    ),
    "wide": ("Customer ID,Currency,2024-01,2024-02", [["a", "b", ""], ["usd", "eur", ""], _MONEY, _MONEY]),
    "dbt": (
        "customer_id,subscription_month,month_contract_mrr,currency",
        [["a", "b"], _DATES, _MONEY, ["usd", ""]],
    ),
    "chargebee": (
        "customer_id,reporting_month,mrr_billing_currency,exchange_rate,reporting_currency_code",
        [["a", "b"], _DATES, _MONEY, ["1.25", "0", "-1", "x", ""], ["USD", "EUR"]],
    ),
}


@settings(max_examples=150)
@given(st.data())
def test_any_file_of_a_known_layout_is_refused_clearly_or_gives_finite_figures(data: st.DataObject) -> None:
    """Whatever a layout's fields hold: an ExportError (never another exception), or finite figures."""
    layout = data.draw(st.sampled_from(sorted(_FUZZ)))
    header, pools = _FUZZ[layout]
    rows = data.draw(st.lists(st.tuples(*(st.sampled_from(pool) for pool in pools)), min_size=1, max_size=6))
    text = header + "\n" + "".join(",".join(f'"{field}"' for field in row) + "\n" for row in rows)
    try:
        metrics = analyse(read_export(text.encode()))
    except ExportError:
        return
    figures = metrics.monthly.drop(columns="month").to_numpy(dtype=float)
    assert not np.isinf(figures).any()

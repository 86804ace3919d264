"""The "Know your number" page under AppTest, and its pure helpers in ui/actuals/.

Reference values: a 13-month export made by hand (below), whose trailing
figures follow from domain.md's cohort definition of NRR and GRR; the sample
export of simulator.sample_data; and the engine's own metrics.
"""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

import ui.actuals.uploads
from report.actuals import backtest_text, forecast_text, rolling_text, rolling_verdict
from report.format import money, pct
from simulator.actuals import months_after
from simulator.backtest import backtest, rolling_backtest
from simulator.calibration import calibrate
from simulator.export import read_export
from simulator.forecast import band
from simulator.metrics import METRICS_COLUMNS, analyse
from simulator.projection import project
from simulator.reactivation import parse_reactivation
from simulator.sample_data import generate_export
from tests.apptest_support import plain, shown_text
from ui.actuals import reading
from ui.actuals.levers import _rounded_rates
from ui.actuals.reading import metrics_csv
from ui.actuals.uploads import (
    CENTS_KEY,
    HOLDOUT_KEY,
    MAP_KEYS,
    PRICING_KEY,
    RATES_KEY,
    SAMPLE_KEY,
    STAGE_KEY,
    UPLOAD_KEY,
    USE_KEY,
)
from ui.state import controls
from ui.state.tables import MAX_SEGMENT_NAME, segments_from_text

pytestmark = pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/know-your-number.py"
TIMEOUT = 60
MONTHS = [f"2024-{m:02d}" for m in range(1, 13)] + ["2025-01"]


def hand_made(amount: float = 100.0, *, names: str = "customer_id,month,mrr") -> bytes:
    """Three customers over 13 months: a stays at 100, b leaves after June, c goes 100 → 150 in July.

    Trailing 12 months at 2025-01 (against 2024-01, start 300): a 100 + b 0 + c 150
    = 250, NRR 83.3%; GRR counts each at most at its start, 100 + 0 + 100 = 200, 66.7%.
    """
    rows = [names]
    for i, month in enumerate(MONTHS):
        rows.append(f"a,{month},{amount:g}")
        if i < 6:
            rows.append(f"b,{month},{amount:g}")
        rows.append(f"c,{month},{amount * (1.5 if i >= 6 else 1):g}")
    return ("\n".join(rows) + "\n").encode()


def page() -> AppTest:
    """The whole app (sidebar included), on the Know your number page."""
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    return at.switch_page(PAGE).run()


def upload(at: AppTest, data: bytes, name: str = "export.csv") -> AppTest:
    return at.file_uploader(key=UPLOAD_KEY).set_value((name, data, "text/csv")).run()


def cards(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def test_the_page_asks_for_data_before_any_is_loaded() -> None:
    at = page()
    assert not at.exception
    assert "load the sample data" in at.info[0].value
    assert not at.metric


def test_the_page_states_the_upload_limit_and_that_data_stays_in_memory() -> None:
    at = page()
    caption = " ".join(c.value for c in at.caption)
    assert "Up to 50 MB" in caption
    assert "never written to disk" in caption


def test_a_good_upload_shows_its_trailing_nrr_and_grr() -> None:
    at = upload(page(), hand_made())
    assert not at.exception
    assert not at.error
    shown = cards(at)
    assert shown["Annual NRR"] == "83.3%"
    assert shown["Annual GRR"] == "66.7%"
    assert shown["MRR, 2025-01"] == "$250"
    assert shown["Customers, 2025-01"] == "2"
    kinds = [chart.proto.spec for chart in at.get("plotly_chart")]
    # Peers, forecast, backtest, MRR and ARR bridges, trailing, monthly, heatmap, curves (no segments).
    assert len(kinds) == 9
    assert '"type":"heatmap"' in kinds[7]


BAD_FILES = {
    "empty": (b"", "the file is empty"),
    "excel": (b"PK\x03\x04" + b"\x00" * 64, "spreadsheet (Excel) file, not CSV"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file, not CSV"),
    "json": (b'[{"customer_id": "a", "month": "2024-01", "mrr": 10}]', "looks like JSON"),
    "latin-1": ("customer_id,month,mrr\nJosé,2024-01,10\nJosé,2024-02,10\n".encode("latin-1"), "not UTF-8"),
    "missing column": (b"customer_id,month\na,2024-01\na,2024-02\n", "no 'mrr' column"),
    "unmapped columns": (b"Kunde,Monat,Betrag\na,2024-01,10\na,2024-02,10\n", "no 'customer_id' column"),
    "negative mrr": (b"customer_id,month,mrr\na,2024-01,10\na,2024-02,-5\n", "negative amounts (row 3"),
    "non-numeric mrr": (
        b"customer_id,month,mrr\na,2024-01,10\na,2024-02,lots\n",
        "not numbers (row 3: 'lots')",
    ),
    "bad month": (b"customer_id,month,mrr\na,2024-01,10\na,Febuary,10\n", "not a month (row 3: 'Febuary')"),
    "single month": (b"customer_id,month,mrr\na,2024-01,10\nb,2024-01,20\n", "single month"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_file_says_what_is_wrong_and_keeps_the_data_loaded_before(name: str) -> None:
    data, message = BAD_FILES[name]
    at = upload(page(), hand_made())
    before = cards(at)

    at = upload(at, data, name=f"{name.replace(' ', '_')}.csv")

    assert not at.exception
    assert len(at.error) == 1
    assert message in plain(at.error[0].value)
    assert "still shown" in at.error[0].value
    assert cards(at) == before


def test_a_bad_file_with_nothing_loaded_before_shows_only_its_message() -> None:
    at = upload(page(), b"")
    assert not at.exception
    assert "the file is empty" in errors(at)[0]
    assert not at.metric


def test_a_file_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    at = upload(page(), hand_made())
    monkeypatch.setattr(ui.actuals.uploads, "max_upload_bytes", lambda: 200)

    at = upload(at, hand_made(12345.0), name="big.csv")

    assert not at.exception
    assert "over the" in errors(at)[0]
    assert cards(at)["MRR, 2025-01"] == "$250"


def test_columns_named_otherwise_are_mapped_by_hand() -> None:
    at = upload(page(), hand_made(names="Kunde,Monat,Betrag"))
    assert "no 'customer_id' column" in errors(at)[0]
    assert at.selectbox(key=MAP_KEYS["mrr"]).options == ["Kunde", "Monat", "Betrag"]

    for canonical, column in (("customer_id", "Kunde"), ("month", "Monat"), ("mrr", "Betrag")):
        at.selectbox(key=MAP_KEYS[canonical]).set_value(column).run()

    assert not at.exception
    assert not at.error
    assert cards(at)["Annual NRR"] == "83.3%"


def test_common_column_names_are_guessed_and_load_at_once() -> None:
    at = upload(page(), hand_made(names="Customer ID,Date,Amount"))
    assert not at.exception
    assert not at.error
    assert at.selectbox(key=MAP_KEYS["month"]).value == "Date"
    assert cards(at)["Annual NRR"] == "83.3%"


def test_a_billing_export_as_it_comes_is_recognised_and_says_how_it_was_read() -> None:
    """ChartMogul's movements of the hand-made export (cents): the plain file's cards, and the line
    that says what the file was read as."""
    movements = (
        "DATE,CUSTOMER_NAME,MRR_MOVEMENT,MRR,MOVEMENT_TYPE,CURRENCY_CODE,CUSTOMER_UUID\n"
        "2024-01-05,A,10000,10000,new_biz,USD,a\n2024-01-05,B,10000,10000,new_biz,USD,b\n"
        "2024-01-05,C,10000,10000,new_biz,USD,c\n2024-07-03,B,-10000,0,churn,USD,b\n"
        "2024-07-09,C,5000,15000,expansion,USD,c\n2025-01-02,A,0,10000,expansion,USD,a\n"
    )
    at = upload(page(), movements.encode(), name="chartmogul.csv")
    assert not at.exception
    assert not at.error
    assert cards(at)["Annual NRR"] == "83.3%"
    assert cards(at)["MRR, 2025-01"] == "$250"
    caption = " ".join(plain(c.value) for c in at.caption)
    assert "Read as ChartMogul MRR movements: 6 movements, 3 customers, 2024-01..2025-01" in caption


def test_mixed_currencies_are_refused_until_rates_are_given_and_the_rates_are_said() -> None:
    data = b"Customer ID,Customer,Customer Email,Currency,2024-01,2024-02\na,,,usd,100,100\nb,,,eur,50,60\n"
    at = upload(page(), data, name="stripe.csv")
    assert not at.exception
    assert "mixes 2 currencies (USD, EUR)" in errors(at)[0]
    at.text_input(key=RATES_KEY).set_value("EUR=1.08").run()
    assert not at.exception
    assert not at.error
    assert cards(at)["MRR, 2024-02"] == "$165"
    assert "EUR at 1.08 → USD" in " ".join(plain(c.value) for c in at.caption)


def test_amounts_in_cents_are_divided_by_100() -> None:
    at = upload(page(), hand_made(10_000.0))
    assert cards(at)["MRR, 2025-01"] == "$25,000"
    at.checkbox(key=CENTS_KEY).check().run()
    assert cards(at)["MRR, 2025-01"] == "$250"
    assert cards(at)["Annual NRR"] == "83.3%"


def test_the_result_is_kept_for_the_session_so_reruns_do_not_analyse_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []
    original = reading.analyse_export

    def counting(data: bytes, **options: object) -> reading.Loaded:
        calls.append(str(options["name"]))
        return original(data, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(ui.actuals.uploads, "analyse_export", counting)
    at = upload(page(), hand_made())
    at.run()
    at.sidebar.slider(key="sidebar_churn_pct").set_value(2.0).run()
    assert calls == ["export.csv"]
    assert cards(at)["Annual NRR"] == "83.3%"


def test_the_sample_button_loads_about_500_customers_over_36_months() -> None:
    at = page()
    at.button(key=SAMPLE_KEY).click().run()
    assert not at.exception
    assert not at.error
    loaded = at.session_state["_kyn_loaded"]
    assert 450 <= len(loaded.metrics.customer_ids) <= 550
    assert len(loaded.metrics.months) == 36
    assert loaded.segments is not None and len(loaded.segments) == 3
    assert any(w.value for w in at.warning)  # the sample's expansion sits in a few accounts
    specs = [chart.proto.spec for chart in at.get("plotly_chart")]
    assert len(specs) == 10  # with the segment chart
    assert sum(len(spec.encode()) for spec in specs) <= 150_000


def test_use_my_numbers_sets_the_sidebar_and_the_simulator_reproduces_the_data() -> None:
    at = page()
    at.button(key=SAMPLE_KEY).click().run()
    monthly = at.session_state["_kyn_loaded"].metrics.monthly
    # Advanced refinements a user had turned on go back to off: an export measures the core levers.
    refinements = [c for c in controls.CONTROLS if getattr(c, "advanced", False) and c.field is not None]
    for control in refinements:
        at.session_state[control.key] = control.kind((control.low + control.high) / 2)
    # Unit economics are the founder's, not the billing data's: they stay as they were.
    at.session_state["cac"], at.session_state["gross_margin_pct"] = 6_000, 75.0
    at.run()

    at.button(key=USE_KEY).click().run()

    assert not at.exception
    values = {key: at.session_state[key] for key in controls.KEYS}
    last = monthly.iloc[-1]
    assert values["starting_mrr"] == round(last["ending_mrr"])
    assert values["starting_customers"] == last["customers"]
    assert values["acquisition_growth_pct"] == 0
    # The sample's segments (and the churned customers' size, average here) come from the data; the
    # other refinements go back to off, early-life churn too (the sample shows it, and the forecast's
    # monthly rates already hold it).
    calibration = at.session_state["_kyn_loaded"].calibration
    assert values["segments_on"] and [row[0] for row in values["segments"]] == list(calibration.segments)
    assert calibration.early_churn is not None and calibration.scenario.early_churn_months == 0
    # Its segments already give its logo churn against its MRR churn: no size on top (test_calibration).
    assert values["churned_size_x"] == calibration.scenario.churned_size_multiple == 1.0
    assert all(
        values[c.key] == c.default
        for c in refinements
        if c.key not in {"segments_on", "segments", "ceiling_on", "churned_size_x"}
    )
    assert values["ceiling_on"] is False  # the forecast caps no expansion; the sidebar's default does
    assert (values["cac"], values["gross_margin_pct"]) == (6_000, 75.0)
    assert at.sidebar.slider(key="sidebar_churn_pct").value == values["churn_pct"]
    assert at.query_params["churn_pct"] == f"{values['churn_pct']:g}"
    # The sidebar now holds the forecast: the simulator carries MRR on as the forecast does, to the
    # sidebar's grid (rates to a millionth, MRR and each customer's MRR to the dollar).
    horizon = values["months"]
    simulated = project(controls.scenario_from_values(values)).table["mrr"].to_numpy()
    forecast = project(calibration.scenario.replace(months=horizon)).table["mrr"].to_numpy()
    assert simulated == pytest.approx(forecast, rel=1e-4)
    shown = at.dataframe[0].value
    assert list(shown.columns) == ["Lever", "Set to", "From the data"]
    assert "Churn (% of MRR a month)" in set(shown["Lever"])
    assert ("Churned customers' size" in set(shown["Lever"])) == (calibration.churned_size is not None)


def test_the_metrics_csv_holds_the_monthly_metrics_columns_and_values() -> None:
    metrics = analyse(read_export(hand_made()))
    text = metrics_csv(metrics.monthly).decode("utf-8")
    back = pd.read_csv(io.StringIO(text), dtype={"month": str})
    assert tuple(back.columns) == METRICS_COLUMNS
    assert list(back["month"]) == MONTHS
    pd.testing.assert_frame_equal(back, metrics.monthly[list(METRICS_COLUMNS)], check_dtype=False)


@given(
    st.lists(st.floats(min_value=0.0, max_value=20.0, allow_nan=False), min_size=3, max_size=3),
)
def test_rounded_rates_stay_within_a_step_and_keep_grr_and_nrr_within_half_a_step(
    rates: list[float],
) -> None:
    churn, contraction, expansion = _rounded_rates(rates, [1, 1, -1], 2)
    for rounded, exact in zip((churn, contraction, expansion), rates, strict=True):
        assert rounded >= 0
        assert abs(rounded - exact) <= 0.01 + 1e-9
    assert abs((churn + contraction) - (rates[0] + rates[1])) <= 0.005 + 1e-9
    assert abs((churn + contraction - expansion) - (rates[0] + rates[1] - rates[2])) <= 0.005 + 1e-9


# What an investor asks next (issue 12): the forecast, the backtest, ARR, the peers.


def test_the_forecast_carries_on_from_the_last_month_with_the_calibrated_simulator() -> None:
    at = page()
    at.button(key=SAMPLE_KEY).click().run()
    assert not at.exception
    loaded = at.session_state["_kyn_loaded"]
    horizon = at.session_state["months"]
    spec = json.loads(next(s for s in specs_of(at) if "The simulator, calibrated on it" in s))
    forecast = next(trace for trace in spec["data"] if trace["name"] == "The simulator, calibrated on it")
    expected = project(loaded.calibration.scenario.replace(months=horizon)).table["mrr"].to_numpy()
    assert plotted(forecast["y"]) == pytest.approx(expected, rel=1e-12)
    assert forecast["x"][0] == loaded.metrics.months[-1]
    assert expected[0] == loaded.metrics.monthly["ending_mrr"].iat[-1]
    # The actual line comes first: its months, not the forecast's, set the order of the axis's months.
    assert spec["data"][0]["name"] == "Actual MRR" and spec["data"][0]["x"][0] == loaded.metrics.months[0]
    # Its band: the P10 and P90 of the engine's band on the forecast, from the last month on.
    low, high = band(loaded.calibration.forecast.band, expected[1:])
    traces = {trace["name"]: trace for trace in spec["data"]}
    assert plotted(traces["P90"]["y"]) == pytest.approx([expected[0], *high], rel=1e-12)
    assert plotted(traces["P10–P90 band"]["y"]) == pytest.approx([expected[0], *low], rel=1e-12)
    text = shown_text(at)
    assert forecast_text(loaded.calibration, months=horizon) in text
    # The sample's last 12 months' own rates, compounded (tests/test_calibration.py holds them to the
    # simulator's year); the sample's cards say what the customers of a year before kept.
    assert "which compound to 91.0% NRR and 77.5% GRR a year, each of your 3 segments at its own" in text
    assert "Annual NRR 95.2%" in text


def test_the_backtest_shows_the_engines_errors_and_follows_the_months_held_out() -> None:
    at = page()
    at.button(key=SAMPLE_KEY).click().run()
    metrics = at.session_state["_kyn_loaded"].metrics
    for holdout in (12, 6):
        at.slider(key=HOLDOUT_KEY).set_value(holdout).run()
        assert not at.exception
        result = backtest(metrics, holdout=holdout)
        shown = cards(at)
        assert shown["Forecast error"] == pct(result.forecast_mape)
        assert shown["Flat line error"] == pct(result.flat_mape)
        assert shown[f"Forecast, {result.last_month}"] == money(float(result.table["forecast_mrr"].iat[-1]))
        assert backtest_text(result, "$") in shown_text(at)
    rows = at.dataframe[0].value  # the held-out months, one by one
    assert len(rows) == 6 and rows["Month"].iat[-1] == "2025-12"


def test_the_page_says_whether_the_forecast_beat_the_flat_line_on_the_exports_own_past() -> None:
    """The sample grows all along: from each of its 24 months with a year before it, the forecast of the
    next 12 months beat "MRR stays where it is" (which a growing business leaves behind)."""
    at = page()
    at.button(key=SAMPLE_KEY).click().run()
    loaded = at.session_state["_kyn_loaded"]
    result = rolling_backtest(loaded.metrics, holdout=at.session_state[HOLDOUT_KEY])
    shown = cards(at)
    assert shown["Beat the flat line"] == f"{result.beaten} of {result.origins}" == "24 of 24"
    assert shown["Forecast's average error"] == money(result.forecast_mae)
    assert shown["Flat line's average error"] == money(result.flat_mae)
    assert shown["Band held the actual"] == pct(result.coverage, decimals=0)
    text = shown_text(at)
    assert f"**{rolling_verdict(result)}**" in text
    assert "On your own past, this forecast beat assuming MRR stays where it is" in text
    assert rolling_text(result, "$") in text


def test_an_export_under_13_months_says_a_rolling_backtest_needs_more() -> None:
    rows = "customer_id,month,mrr\n" + "".join(f"a,2024-{m:02d},{100 - m}\n" for m in range(1, 7))
    at = upload(page(), rows.encode())
    assert not at.exception and not at.error
    assert any("the export covers 6 months; a rolling backtest needs at least 13" in i.value for i in at.info)
    assert "Beat the flat line" not in cards(at)


def test_the_forecast_csv_holds_the_forecast_and_its_band() -> None:
    metrics = analyse(read_export(generate_export(200, months=24).to_csv(index=False).encode()))
    calibration = calibrate(metrics)
    future = months_after(metrics.months[-1], 6)
    back = pd.read_csv(io.BytesIO(reading.forecast_csv(calibration, future)), dtype={"month": str})
    assert tuple(back.columns) == reading.FORECAST_COLUMNS
    assert back["month"].tolist() == future
    forecast = project(calibration.scenario.replace(months=6)).table["mrr"].to_numpy()[1:]
    low, high = band(calibration.forecast.band, forecast)
    assert back["forecast_mrr"].tolist() == pytest.approx(forecast.round(2).tolist(), abs=0.005)
    assert back["forecast_p10"].tolist() == pytest.approx(low.round(2).tolist(), abs=0.005)
    assert back["forecast_p90"].tolist() == pytest.approx(high.round(2).tolist(), abs=0.005)
    assert (back["forecast_p10"] <= back["forecast_p90"]).all()


def test_an_export_too_short_for_a_backtest_says_how_many_months_it_needs() -> None:
    at = upload(page(), b"customer_id,month,mrr\na,2024-01,100\na,2024-02,90\n")
    assert not at.exception
    assert not at.error
    assert any("needs at least 3" in info.value for info in at.info)
    assert cards(at)["Annual NRR"] == "28.2%"  # 90% a month, compounded


def test_the_arr_cards_are_the_engines_and_the_quick_ratio_the_command_lines() -> None:
    at = upload(page(), hand_made())
    loaded = at.session_state["_kyn_loaded"]
    monthly = loaded.metrics.monthly
    shown = cards(at)
    assert shown["ARR, 2025-01"] == "$3,000"
    # January 2025 loses nothing (a stays, c stays at 150): no quick ratio; the year to it won
    # c's 50 and lost b's 100: 0.50.
    assert shown["Quick ratio, 2025-01"] == "–" and math.isnan(monthly["quick_ratio"].iat[-1])
    assert shown["Quick ratio, last 12 months"] == "0.50"
    assert shown["Logo churn a month"] == pct(loaded.churn.logo, decimals=2)


def test_the_peers_follow_the_stage_and_pricing_model_chosen() -> None:
    at = upload(page(), hand_made())
    # $250 of MRR is $3,000 of ARR: the smallest band of the tables.
    assert (
        "(median 98%, top quartile 106%; the smallest band of the tables, for an ARR of $3k)"
        in shown_text(at)
    )
    at.selectbox(key=STAGE_KEY).set_value("$25M–100M ARR").run()
    at.selectbox(key=PRICING_KEY).set_value("Flat-rate B2C").run()
    text = shown_text(at)
    assert "Annual NRR 83.3% is below the median of $25M–100M ARR companies" in text
    assert "Flat-rate B2C pricing typically runs 85%–100%: below that range." in text


def specs_of(at: AppTest) -> list[str]:
    return [chart.proto.spec for chart in at.get("plotly_chart")]


def plotted(values: object) -> list[float]:
    """A trace's numbers, whether plotly sent them as a list or base64-encoded."""
    if isinstance(values, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)  # type: ignore[call-overload]


def test_use_my_numbers_keeps_long_segment_names_within_what_a_link_can_carry() -> None:
    """Segment names come from the file: the sidebar (and so the address) takes at most 40 characters."""
    long_a, long_b = (
        "Enterprise accounts of the northern region " * 2,
        "Enterprise accounts of the northern " * 2,
    )
    export = generate_export(200, months=15).replace(
        {"segment": {"SMB": long_a, "Mid-market": long_b, "Enterprise": "Big"}}
    )
    at = upload(page(), export.to_csv(index=False).encode())
    assert at.session_state["_kyn_loaded"].calibration.segments  # the segments were calibrated
    at.button(key=USE_KEY).click().run()
    assert not at.exception
    names = [row[0] for row in at.session_state["segments"]]
    assert all(len(name) <= MAX_SEGMENT_NAME for name in names) and len(set(names)) == len(names)
    assert [row[0] for row in segments_from_text(at.query_params["segments"])] == names


def test_the_definition_settings_stay_set_after_another_page_and_move_the_bridge() -> None:
    """A customer away 4 months (May to August 2024) who comes back in September: any return is a
    reactivation (the default), within 90 days (3 months) the return is new; the settings are still
    set on coming back from another page."""
    from ui.actuals import definitions

    rows = ["customer_id,month,mrr"] + [f"a,{month},100" for month in MONTHS]
    rows += [f"b,{month},50" for i, month in enumerate(MONTHS) if not 4 <= i <= 7]
    at = upload(page(), ("\n".join(rows) + "\n").encode())
    september = at.session_state["_kyn_loaded"].metrics.monthly.iloc[8]
    assert (september["month"], september["reactivation_mrr"], september["new_mrr"]) == ("2024-09", 50, 0)
    at.selectbox(key=definitions.KIND_KEY).set_value("within").run()
    at.selectbox(key=definitions.WINDOW_KEY).set_value("month").run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    assert shown["NRR, your settings"] == "100.0%"  # January 2025 against December 2024: nothing moves
    defined = definitions.monthly_for(at.session_state["_kyn_loaded"], parse_reactivation("within:90d"))
    assert (defined["reactivation_mrr"].iat[8], defined["new_mrr"].iat[8]) == (0, 50)
    at.switch_page("pages/calculator.py").run()
    at.switch_page(PAGE).run()
    assert not at.exception
    assert at.selectbox(key=definitions.KIND_KEY).value == "within"
    assert at.number_input(key=definitions.DAYS_KEY).value == 90
    assert at.selectbox(key=definitions.WINDOW_KEY).value == "month"

"""Metrics of an MRR export, against hand-computed values and a slow reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.export import read_export
from simulator.metrics import METRICS_COLUMNS, analyse, rebuilt_ending
from tests.strategies import examples


def metrics_of(csv: str) -> pd.DataFrame:
    return analyse(read_export(csv.encode())).monthly


def test_worked_example_one_as_an_export() -> None:
    """domain.md, worked example 1: $100k start; $3k churns, $1k contracts, $6k expands: NRR 102%, GRR 96%."""
    csv = "customer_id,month,mrr\n" + "".join(
        [
            "churner,2024-01,3000\n",
            "downgrader,2024-01,5000\ndowngrader,2024-02,4000\n",
            "upgrader,2024-01,10000\nupgrader,2024-02,16000\n",
            "steady,2024-01,82000\nsteady,2024-02,82000\n",
            "newcomer,2024-02,700\n",
        ]
    )
    month = metrics_of(csv).iloc[1]
    assert month["starting_mrr"] == 100_000
    assert (month["churned_mrr"], month["contraction_mrr"], month["expansion_mrr"]) == (3_000, 1_000, 6_000)
    assert month["new_mrr"] == 700
    assert month["nrr_month"] == pytest.approx(1.02)
    assert month["grr_month"] == pytest.approx(0.96)
    assert month["ending_mrr"] == 102_700


def test_worked_example_two_a_year_of_upgrades_downgrades_and_churn() -> None:
    """domain.md, worked example 2: 50 customers, $100k; 10 upgrade by $20k in all,
    5 downgrade by $5k, 2 leave costing $10k: $105k a year later, NRR 105%."""
    rows = []
    for customer in range(50):
        start = 5_000 if customer < 2 else 90_000 / 48
        end = (
            0
            if customer < 2
            else start + 2_000
            if customer < 12
            else start - 1_000
            if customer < 17
            else start
        )
        for month in range(1, 13):
            rows.append(f"c{customer},2023-{month:02d},{start}\n")
        if end:
            rows.append(f"c{customer},2024-01,{end}\n")
    table = metrics_of("customer_id,month,mrr\n" + "".join(rows))
    last = table.iloc[-1]
    assert last["month"] == "2024-01"
    assert last["ending_mrr"] == pytest.approx(105_000)
    assert last["nrr_trailing_12"] == pytest.approx(1.05)
    assert last["grr_trailing_12"] == pytest.approx(0.85)


def test_worked_example_three_a_cohort_paying_110k_a_year_later() -> None:
    """domain.md, worked example 3: $100k then $110k a year later is 110% NRR, whatever happened between."""
    rows = ["big,2023-01,60000\n", "small,2023-01,40000\n", "big,2024-01,110000\n", "small,2023-06,1\n"]
    last = metrics_of("customer_id,month,mrr\n" + "".join(rows)).iloc[-1]
    assert last["nrr_trailing_12"] == pytest.approx(1.10)
    assert last["grr_trailing_12"] == pytest.approx(0.60)


def test_every_month_is_reported_and_a_missing_row_is_zero() -> None:
    table = metrics_of("customer_id,month,mrr\na,2024-01,100\na,2024-04,100\n")
    assert table["month"].tolist() == ["2024-01", "2024-02", "2024-03", "2024-04"]
    assert table["churned_mrr"].tolist() == [0, 100, 0, 0]
    assert table["reactivation_mrr"].tolist() == [0, 0, 0, 100]
    assert table["new_mrr"].tolist() == [100, 0, 0, 0]


def test_several_rows_for_one_customer_and_month_add_up() -> None:
    table = metrics_of("customer_id,month,mrr\na,2024-01,100\na,2024-01,50\na,2024-02,150\n")
    assert table["ending_mrr"].tolist() == [150, 150]
    assert table["customers"].tolist() == [1, 1]
    assert table["nrr_month"].iat[1] == 1.0


def test_007_and_7_are_different_customers() -> None:
    table = metrics_of("customer_id,month,mrr\n007,2024-01,100\n7,2024-02,100\n")
    assert table["churned_mrr"].iat[1] == 100
    assert table["new_mrr"].iat[1] == 100


def test_segments_add_up_to_the_total_and_follow_the_latest_row() -> None:
    csv = "customer_id,month,mrr,segment\na,2024-01,100,SMB\na,2024-02,300,Enterprise\nb,2024-01,50,SMB\n"
    result = analyse(read_export(csv.encode()))
    assert result.by_segment is not None
    assert list(result.by_segment.columns) == ["segment", *METRICS_COLUMNS, "new_customers"]
    enterprise = result.by_segment[result.by_segment["segment"] == "Enterprise"]
    assert enterprise["expansion_mrr"].tolist() == [0, 200]
    summed = result.by_segment.groupby("month")[["ending_mrr", "churned_mrr", "expansion_mrr"]].sum()
    assert summed.to_numpy() == pytest.approx(result.monthly.set_index("month")[summed.columns].to_numpy())


def reference_metrics(rows: pd.DataFrame) -> pd.DataFrame:
    """A slow, obvious implementation: one customer and one month at a time."""
    wide = rows.pivot_table(index="customer_id", columns="month", values="mrr", aggfunc="sum", fill_value=0.0)
    wide = wide.reindex(columns=range(rows["month"].min(), rows["month"].max() + 1), fill_value=0.0)
    out = []
    for t, month in enumerate(wide.columns):
        flows = dict.fromkeys(
            ["new", "react", "exp", "con", "churn", "base", "now12", "cap12", "then12"], 0.0
        )
        for _, history in wide.iterrows():
            now = history.iat[t]
            before = history.iat[t - 1] if t else 0.0
            ever = (history.iloc[:t] > 0).any() if t else False
            if before > 0:
                flows["base"] += before
                if now == 0:
                    flows["churn"] += before
                elif now > before:
                    flows["exp"] += now - before
                elif now < before:
                    flows["con"] += before - now
            elif now > 0:
                flows["react" if ever else "new"] += now
            if t >= 12 and history.iat[t - 12] > 0:
                flows["then12"] += history.iat[t - 12]
                flows["now12"] += now
                flows["cap12"] += min(now, history.iat[t - 12])
        base, then = flows["base"], flows["then12"]
        out.append(
            {
                "month": month,
                "new_mrr": flows["new"],
                "reactivation_mrr": flows["react"],
                "expansion_mrr": flows["exp"],
                "contraction_mrr": flows["con"],
                "churned_mrr": flows["churn"],
                "ending_mrr": wide[month].sum(),
                "nrr_month": (base - flows["churn"] - flows["con"] + flows["exp"]) / base if base else np.nan,
                "grr_month": (base - flows["churn"] - flows["con"]) / base if base else np.nan,
                "nrr_trailing_12": flows["now12"] / then if then else np.nan,
                "grr_trailing_12": flows["cap12"] / then if then else np.nan,
            }
        )
    return pd.DataFrame(out)


messy_rows = st.lists(
    st.tuples(
        st.sampled_from(["a", "b", "007", "7", "c", "d", "e"]),
        st.integers(min_value=0, max_value=20),
        st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e6).map(lambda x: round(x, 2))),
        st.sampled_from(["SMB", "Enterprise"]),
    ),
    min_size=1,
    max_size=60,
)


@settings(max_examples=examples(60), deadline=None)
@given(messy_rows)
def test_random_messy_exports_match_a_slow_reference_and_balance(
    rows: list[tuple[str, int, float, str]],
) -> None:
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "mrr", "segment"])
    if frame["month"].nunique() < 2:
        return
    frame["month"] = frame["month"].map(lambda m: f"{2020 + m // 12}-{m % 12 + 1:02d}")
    result = analyse(read_export(frame.to_csv(index=False).encode()))
    table = result.monthly

    # The bridge balances, NRR = GRR + expansion rate, GRR ≤ 1, and nothing is infinite.
    rebuilt = rebuilt_ending(table)
    assert rebuilt.to_numpy() == pytest.approx(table["ending_mrr"].to_numpy(), abs=0.011)
    # NRR from what the month's existing customers pay at its end (ending MRR less new and
    # reactivated MRR), GRR and expansion from the month's flows: two roads to one figure.
    defined = table["starting_mrr"] > 0
    start = table["starting_mrr"][defined]
    existing_now = (table["ending_mrr"] - table["new_mrr"] - table["reactivation_mrr"])[defined]
    expansion_rate = table["expansion_mrr"][defined] / start
    assert (existing_now / start).to_numpy() == pytest.approx(
        (table["grr_month"][defined] + expansion_rate).to_numpy(), abs=0.02 / start.min()
    )
    assert table["nrr_month"][defined].to_numpy() == pytest.approx(
        (existing_now / start).to_numpy(), abs=0.02 / start.min()
    )
    assert (table[["grr_month", "grr_trailing_12"]].fillna(0) <= 1 + 1e-9).all().all()
    assert not np.isinf(table.drop(columns="month").to_numpy(dtype=float)).any()

    frame["month"] = read_export(frame.to_csv(index=False).encode())["month"]
    reference = reference_metrics(frame)
    for column in reference.columns.drop("month"):
        assert table[column].to_numpy() == pytest.approx(
            reference[column].to_numpy(), rel=1e-9, abs=0.006, nan_ok=True
        )

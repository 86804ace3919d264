"""Metrics of an MRR export, against hand-computed values and a slow reference."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from simulator.export import ExportError, read_export
from simulator.metrics import METRICS_COLUMNS, analyse, rebuilt_ending
from tests.examples import worked_example_two_csv
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
    table = metrics_of(worked_example_two_csv())
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
    assert list(result.by_segment.columns) == [
        "segment",
        *METRICS_COLUMNS,
        "new_customers",
        "churned_customers",
        "reactivated_customers",
    ]
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
            ["new", "react", "exp", "con", "churn", "base", "now12", "cap12", "then12", "leavers"], 0.0
        )
        for _, history in wide.iterrows():
            now = history.iat[t]
            before = history.iat[t - 1] if t else 0.0
            ever = (history.iloc[:t] > 0).any() if t else False
            if before > 0:
                flows["base"] += before
                if now == 0:
                    flows["churn"] += before
                    flows["leavers"] += 1
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
        # The quick ratio of the flows as the table shows them, to the cent.
        won = sum(round(flows[name], 2) for name in ("new", "react", "exp"))
        lost = round(flows["churn"], 2) + round(flows["con"], 2)
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
                "quick_ratio": won / lost if lost > 0 else np.nan,
                "churned_customers": flows["leavers"],
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


def messy_frame(rows: list[tuple[str, int, float, str]]) -> pd.DataFrame | None:
    """``messy_rows`` as an export's frame with ``YYYY-MM`` months; None when they span one month."""
    frame = pd.DataFrame(rows, columns=["customer_id", "month", "mrr", "segment"])
    if frame["month"].nunique() < 2:
        return None
    frame["month"] = frame["month"].map(lambda m: f"{2020 + m // 12}-{m % 12 + 1:02d}")
    return frame


@settings(max_examples=examples(60), deadline=None)
@given(messy_rows)
def test_random_messy_exports_match_a_slow_reference_and_balance(
    rows: list[tuple[str, int, float, str]],
) -> None:
    frame = messy_frame(rows)
    if frame is None:
        return
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


def dense_cohorts_and_top_share(matrix: np.ndarray, months: list[str]) -> tuple[pd.DataFrame, float]:
    """The dense reference: cohort retention and the top-10% expansion share, one customer row at a time."""
    n_months = matrix.shape[1]
    totals = np.zeros((n_months, n_months))
    expansion = []
    for row in matrix:
        paying = np.flatnonzero(row > 0)
        expansion.append(sum(max(row[t] - row[t - 1], 0.0) for t in range(1, n_months) if row[t - 1] > 0))
        if paying.size:
            first = paying[0]
            totals[first, : n_months - first] += row[first:]
    with np.errstate(divide="ignore", invalid="ignore"):
        retained = np.where(totals[:, :1] > 0, totals / totals[:, :1], np.nan)
    for cohort in range(n_months):
        retained[cohort, n_months - cohort :] = np.nan
    kept = [i for i in range(n_months) if totals[i, 0] > 0]
    table = pd.DataFrame(retained[kept], index=[months[i] for i in kept])
    ranked = sorted(expansion, reverse=True)
    total = sum(expansion)
    top = sum(ranked[: max(1, -(-len(ranked) // 10))]) / total if total > 0 else np.nan
    return table, top


@settings(max_examples=60, deadline=None)
@given(messy_rows)
def test_cohorts_and_expansion_share_match_a_dense_reference(rows: list[tuple[str, int, float, str]]) -> None:
    """The payments (sparse) give what the customer × month matrix gave, rows in any order."""
    from simulator.actuals import cohort_retention, top_expansion_share

    frame = messy_frame(rows)
    if frame is None:
        return
    result = analyse(read_export(frame.to_csv(index=False).encode()))
    table, top = dense_cohorts_and_top_share(result.matrix, result.months)
    cohorts = cohort_retention(result)
    assert cohorts.index.tolist() == table.index.tolist()
    assert cohorts.to_numpy() == pytest.approx(table.to_numpy(), rel=1e-12, nan_ok=True)
    assert top_expansion_share(result) == pytest.approx(top, rel=1e-12, nan_ok=True)


def test_rows_in_any_order_give_the_same_metrics() -> None:
    rows = [f"c{i % 7},2024-{1 + i % 5:02d},{10 + i}\n" for i in range(40)]
    in_order = metrics_of("customer_id,month,mrr\n" + "".join(rows))
    shuffled = metrics_of("customer_id,month,mrr\n" + "".join(rows[::-3] + rows[1::3] + rows[2::3]))
    pd.testing.assert_frame_equal(in_order, shuffled)


def test_memory_follows_the_rows_not_the_span_of_months() -> None:
    """20,000 customers paying twice, 600 months apart: a dense matrix would be 96 MB; the payments take 1."""
    import tracemalloc

    rows = "".join(f"c{i},1990-01,1\nc{i},2040-01,1\n" for i in range(20_000))
    export = read_export(("customer_id,month,mrr\n" + rows).encode())
    tracemalloc.start()
    try:
        result = analyse(export)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(result.months) == 601
    assert result.monthly["churned_mrr"].iat[1] == 20_000
    assert peak < 10e6


def test_segment_names_differing_only_by_surrounding_spaces_are_one_segment() -> None:
    csv = (
        "customer_id,month,mrr,segment\n"
        'a,2024-01,1,SMB\na,2024-02,1,SMB\nb,2024-01,1, SMB \nb,2024-02,1," SMB"\n'
    )
    result = analyse(read_export(csv.encode()))
    assert result.by_segment is not None
    assert result.by_segment["segment"].unique().tolist() == ["SMB"]
    assert result.by_segment["customers"].tolist() == [2, 2]


def test_a_segment_column_of_ids_is_refused_before_it_becomes_thousands_of_tables() -> None:
    rows = "".join(f"c{i},2024-01,1,s{i}\nc{i},2024-02,1,s{i}\n" for i in range(101))
    with pytest.raises(
        ExportError, match=r"'segment' has 101 different values, over the 100 segments analysed"
    ):
        analyse(read_export(("customer_id,month,mrr,segment\n" + rows).encode()))


def test_the_dense_matrix_is_built_on_demand_and_refused_when_too_big(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import simulator.metrics

    result = analyse(read_export(b"customer_id,month,mrr\na,2024-01,1\nb,2024-01,2\na,2024-03,3\n"))
    assert result.matrix.tolist() == [[1.0, 0.0, 3.0], [2.0, 0.0, 0.0]]
    monkeypatch.setattr(simulator.metrics, "MAX_MATRIX_CELLS", 5)
    with pytest.raises(ExportError, match=r"2 customers × 3 months would hold 6 cells, over 5"):
        _ = result.matrix

"""Parquet exports read everywhere a CSV is: the same frame, the same errors, the same limits."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings

from simulator.export import ExportError, header_columns, read_export
from simulator.export.parquet import is_parquet, parquet_as_csv
from simulator.metrics import analyse
from tests.strategies import examples
from tests.test_metrics import messy_frame, messy_rows


def parquet_bytes(table: pa.Table | pd.DataFrame) -> bytes:
    if isinstance(table, pd.DataFrame):
        table = pa.Table.from_pandas(table, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


def csv_bytes(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink)
    return sink.getvalue()


@settings(max_examples=examples(30), deadline=None)
@given(messy_rows)
def test_a_parquet_copy_of_an_export_reads_as_the_csv_does(rows: list[tuple[str, int, float, str]]) -> None:
    frame = messy_frame(rows)
    if frame is None:
        return
    from_csv = read_export(frame.to_csv(index=False).encode())
    from_parquet = read_export(parquet_bytes(frame))
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    pd.testing.assert_frame_equal(analyse(from_parquet).monthly, analyse(from_csv).monthly)


def test_typed_columns_read_as_their_values() -> None:
    """Dates, integer ids, dictionary-encoded segments, decimals; 1.234 is one dollar and 23.4 cents, not
    1234 (its text reads two ways in a CSV, but a float column says which)."""
    table = pa.table(
        {
            "customer_id": [7, 7, 8],
            "month": pa.array(pd.to_datetime(["2024-01-31", "2024-02-29", "2024-02-01"])),
            "mrr": [1.234, 2.5, 10.0],
            "plan": pa.array(["SMB", "SMB", "Ent"]).dictionary_encode(),
            "refunds": pa.array([[1], [], [2]]),  # nested: left out, never in the way
        }
    )
    export = read_export(parquet_bytes(table))
    assert export["customer_id"].astype(str).tolist() == ["7", "7", "8"]
    assert export["mrr"].tolist() == [1.234, 2.5, 10.0]
    assert export["segment"].tolist() == ["SMB", "SMB", "Ent"]
    assert analyse(export).monthly["ending_mrr"].tolist() == [1.23, 12.5]
    decimals = pa.table(
        {
            "customer_id": ["a", "a"],
            "month": ["2024-01", "2024-02"],
            "mrr": pa.array([1, 2], pa.decimal128(9, 2)),
        }
    )
    assert read_export(parquet_bytes(decimals))["mrr"].tolist() == [1.0, 2.0]


BAD = {
    "missing column": (
        {"customer_id": ["a", "a"], "month": ["2024-01", "2024-02"]},
        "no 'mrr' column; the file's columns are: customer_id, month.",
    ),
    "negative": (
        {"customer_id": ["a", "a"], "month": ["2024-01", "2024-02"], "mrr": [10.0, -5.0]},
        "column 'mrr' has negative amounts (row 3: -5)",
    ),
    "empty amount": (
        {"customer_id": ["a", "a"], "month": ["2024-01", "2024-02"], "mrr": [10.0, None]},
        "column 'mrr' has values that are not numbers (row 3: empty)",
    ),
    "bad month": (
        {"customer_id": ["a", "a"], "month": ["2024-01", "Febuary"], "mrr": [1.0, 2.0]},
        "column 'month' has values that are not a month (row 3: 'Febuary')",
    ),
    "empty customer": (
        {"customer_id": ["a", None], "month": ["2024-01", "2024-02"], "mrr": [1.0, 2.0]},
        "column 'customer_id' is empty in row 3: empty",
    ),
    "single month": (
        {"customer_id": ["a", "b"], "month": ["2024-01", "2024-01"], "mrr": [1.0, 2.0]},
        "the file covers a single month",
    ),
}


@pytest.mark.parametrize("name", BAD)
def test_a_bad_parquet_file_gets_the_csv_readers_message(name: str) -> None:
    columns, message = BAD[name]
    table = pa.table(columns)
    with pytest.raises(ExportError) as from_parquet:
        read_export(parquet_bytes(table))
    with pytest.raises(ExportError) as from_csv:
        read_export(csv_bytes(table))
    assert message in str(from_parquet.value)
    assert str(from_parquet.value) == str(from_csv.value)


def test_a_damaged_parquet_file_says_so() -> None:
    data = parquet_bytes(pa.table({"customer_id": ["a"], "month": ["2024-01"], "mrr": [1.0]}))
    with pytest.raises(ExportError, match=r"starts as Parquet but cannot be read as Parquet"):
        read_export(data[:20])


def test_a_parquet_file_is_held_to_the_byte_limit_as_the_csv_it_would_be() -> None:
    n = 50_000
    table = pa.table({"customer_id": [f"c{i}" for i in range(n)], "month": ["2024-01"] * n, "mrr": [1.5] * n})
    data = parquet_bytes(table)
    assert len(parquet_as_csv(data)) > 500_000 > len(data)
    with pytest.raises(ExportError, match=r"50,000 rows are over 0 MB as CSV, over the limit"):
        read_export(data, max_bytes=400_000)


def test_the_mapping_offers_a_parquet_files_columns() -> None:
    table = pa.table({"Kunde": ["a", "a"], "Monat": ["2024-01", "2024-02"], "Betrag": [1.0, 2.0]})
    data = parquet_bytes(table)
    assert header_columns(data) == ["Kunde", "Monat", "Betrag"]
    mapped = read_export(data, columns={"customer_id": "Kunde", "month": "Monat", "mrr": "Betrag"})
    assert mapped["mrr"].tolist() == [1.0, 2.0]


def test_a_path_is_parquet_by_its_first_bytes_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        parquet_bytes(
            pa.table({"customer_id": ["a", "a"], "month": ["2024-01", "2024-02"], "mrr": [1.0, 2.0]})
        )
    )
    assert is_parquet(path) and not is_parquet(tmp_path) and not is_parquet(tmp_path / "none")
    assert read_export(path)["mrr"].tolist() == [1.0, 2.0]


def test_the_command_line_reads_parquet(tmp_path: Path) -> None:
    from tests.test_cli import run

    path = tmp_path / "export.parquet"
    path.write_bytes(
        parquet_bytes(
            pa.table(
                {
                    "customer_id": ["a", "b", "a", "a"],
                    "month": ["2024-01", "2024-01", "2024-02", "2024-03"],
                    "mrr": [100.0, 50.0, 120.0, 130.0],
                }
            )
        )
    )
    result = run("metrics", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2].startswith("2024-02,1,150.0,0.0,0.0,20.0,0.0,50.0,120.0,0.8,")
    held_out = run("backtest", str(path), "--holdout", "1")
    assert held_out.returncode == 0, held_out.stderr


@pytest.mark.usefixtures("apptest_like_server", "clear_streamlit_cache")
def test_the_page_reads_a_parquet_upload_as_its_csv() -> None:
    from tests.test_know_your_number import cards, hand_made, page, upload

    csv = hand_made()
    data = parquet_bytes(pd.read_csv(io.BytesIO(csv), dtype={"customer_id": str, "month": str}))
    at = upload(page(), data, name="export.parquet")
    assert not at.exception
    assert not at.error
    shown = cards(at)
    assert (shown["Annual NRR"], shown["Annual GRR"], shown["MRR, 2025-01"]) == ("83.3%", "66.7%", "$250")


def test_the_page_analysis_reports_its_steps_in_order_to_the_end() -> None:
    """What st.progress shows on the page while an upload is analysed."""
    from tests.test_know_your_number import hand_made
    from ui.actuals.reading import analyse_export

    steps: list[tuple[float, str]] = []
    analyse_export(hand_made(), name="export.csv", progress=lambda done, step: steps.append((done, step)))
    shares = [done for done, _ in steps]
    assert shares == sorted(shares) and shares[0] == 0.0 and shares[-1] == 1.0
    assert steps[1] == (0.3, "computing the monthly bridge")

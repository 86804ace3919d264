"""Reading an MRR export: what is accepted, and the message for each bad file."""

from __future__ import annotations

import pytest

from simulator.export import ExportError, month_labels, read_export

GOOD = b"customer_id,month,mrr\n007,2024-01,100\n7,2024-01,50\n007,2024-02,120\n"


def test_customer_ids_are_text_compared_exactly() -> None:
    export = read_export(GOOD)
    assert export["customer_id"].tolist() == ["007", "7", "007"]


def test_months_may_be_year_month_or_iso_dates() -> None:
    export = read_export(b"customer_id,month,mrr\na,2024-01-31,1\na,2024-02,2\na,2024-03-01T00:00:00,3\n")
    assert month_labels(export["month"].to_numpy()) == ["2024-01", "2024-02", "2024-03"]


def test_columns_can_be_mapped_and_amounts_read_in_cents() -> None:
    data = "Customer ID;Date;Amount\n007;2024-01-15;$1,200.50\n7;2024-02;300\n".encode("utf-8-sig")
    export = read_export(
        data, columns={"customer_id": "Customer ID", "month": "Date", "mrr": "Amount"}, amounts_in_cents=True
    )
    assert export["mrr"].tolist() == [12.005, 3.0]
    assert export["customer_id"].tolist() == ["007", "7"]


def test_column_names_match_ignoring_case_and_spaces() -> None:
    export = read_export(b"Customer ID,Month,MRR,Segment\na,2024-01,1,SMB\na,2024-02,2,SMB\n")
    assert list(export.columns) == ["customer_id", "month", "mrr", "segment"]


def test_utf16_exports_are_read() -> None:
    assert len(read_export(GOOD.decode().encode("utf-16"))) == 3


def test_a_path_is_read_like_bytes(tmp_path: object) -> None:
    from pathlib import Path

    path = Path(str(tmp_path)) / "export.csv"
    path.write_bytes(GOOD)
    assert read_export(path).equals(read_export(GOOD))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", r"the file is empty"),
        (b"customer_id,month,mrr\n", r"the file has a header row but no data rows"),
        (b"PK\x03\x04rest-of-a-zip", r"spreadsheet \(Excel\) file, not CSV; save it as 'CSV UTF-8'"),
        (b"\x00\x01\x02binary", r"binary file, not CSV"),
        (
            "customer_id,month,mrr\nJosé,2024-01,1\n".encode("latin-1"),
            r"not UTF-8 text .* at row 2\); save it as 'CSV UTF-8'",
        ),
        (b'{"starting_mrr": 1}', r"this looks like JSON, not a CSV export"),
        (b"just some words\n", r"the first row should name the columns"),
        (
            b"customer,month,mrr\na,2024-01,1\n",
            r"no 'customer_id' column; the file's columns are: customer, month, mrr",
        ),
        (b"customer_id,month,mrr\na,2024-01,1\na,2024-02,-5\n", r"negative amounts \(row 3: -5\)"),
        (
            b"customer_id,month,mrr\na,2024-01,1\na,2024-02,abc\n",
            r"'mrr' has values that are not numbers \(row 3: 'abc'\)",
        ),
        (b"customer_id,month,mrr\na,2024-01,1\nb,2024-02,\n", r"not numbers \(row 3: empty\)"),
        (
            b"customer_id,month,mrr\na,2024-01,1\na,2024-13,5\n",
            r"'month' has values that are not a month \(row 3: '2024-13'\)",
        ),
        (b"customer_id,month,mrr\na,2024-01,1\na,2024-02-30,5\n", r"not a month \(row 3: '2024-02-30'\)"),
        (
            b"customer_id,month,mrr\na,2024-01,1\na,March,5\n",
            r"not a month \(row 3: 'March'\); write months as YYYY-MM",
        ),
        (b"customer_id,month,mrr\na,2024-01,1\nb,2024-01-31,5\n", r"the file covers a single month"),
        (b"customer_id,month,mrr\na,2024-01,1\n,2024-02,3\n", r"'customer_id' is empty in row 3"),
        (
            b"customer_id,month,mrr\na,2024-01,1,7,8\nb,2024-02,3\n",
            r"different number of fields than the header's 3 \(row 2 has 5\)",
        ),
    ],
)
def test_each_bad_file_gets_one_clear_message(data: bytes, message: str) -> None:
    with pytest.raises(ExportError, match=message):
        read_export(data)


def test_the_first_offending_rows_are_listed_then_counted() -> None:
    rows = b"".join(b"c%d,2024-02,-1\n" % i for i in range(8))
    with pytest.raises(
        ExportError, match=r"row 3: -1, row 4: -1, row 5: -1, row 6: -1, row 7: -1 and 3 more"
    ):
        read_export(b"customer_id,month,mrr\na,2024-01,1\n" + rows)


def test_files_over_the_size_limit_are_refused() -> None:
    with pytest.raises(ExportError, match=r"over the 0 MB limit"):
        read_export(GOOD, max_bytes=10)


def test_a_missing_path_is_reported() -> None:
    with pytest.raises(ExportError, match=r"no file at .*nowhere.csv"):
        read_export("/nowhere.csv")


def test_a_mapped_column_that_is_absent_is_reported() -> None:
    with pytest.raises(ExportError, match=r"the column 'Amount' chosen for mrr is not in the file"):
        read_export(GOOD, columns={"mrr": "Amount"})


def test_a_plan_column_serves_as_the_segment() -> None:
    export = read_export(b"customer_id,month,mrr,plan\na,2024-01,1,Pro\na,2024-02,2,Pro\n")
    assert export["segment"].tolist() == ["Pro", "Pro"]


def test_the_header_columns_are_offered_for_mapping() -> None:
    from simulator.export import header_columns

    assert header_columns(b"Customer ID;Date;Amount\nx;2024-01;1\n") == [
        "Customer ID",
        "Date",
        "Amount",
    ]
    with pytest.raises(ExportError, match="the file is empty"):
        header_columns(b"")

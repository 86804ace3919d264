"""Reading an MRR export: what is accepted, and the message for each bad file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# Reading amounts, ids, columns and times as a user means them (issue 13, silent misreads).


def test_european_amounts_with_decimal_commas_are_read_right() -> None:
    data = b"customer_id;month;mrr\na;2024-01;1.200,50\na;2024-02;100,50\nb;2024-02;1.200.000\n"
    assert read_export(data)["mrr"].tolist() == [1200.5, 100.5, 1_200_000.0]


def test_thousands_commas_with_a_decimal_point_still_read_as_before() -> None:
    data = b'customer_id,month,mrr\na,2024-01,"$1,200.50"\na,2024-02,"1,200"\nb,2024-02,12.5\n'
    assert read_export(data)["mrr"].tolist() == [1200.5, 1200.0, 12.5]


def test_a_currency_sign_after_the_amount_and_spaces_between_thousands_are_read() -> None:
    data = "customer_id;month;mrr\na;2024-01;1 200,50 €\na;2024-02;1\u202f200,50\n".encode()
    assert read_export(data)["mrr"].tolist() == [1200.5, 1200.5]


def test_an_ambiguous_amount_follows_the_rest_of_its_column() -> None:
    """1.200 is 1,200 among decimal commas, and 1.2 among decimal points."""
    commas = b"customer_id;month;mrr\na;2024-01;1.200\na;2024-02;5,25\n"
    points = b"customer_id;month;mrr\na;2024-01;1.200\na;2024-02;$5.25\n"
    assert read_export(commas)["mrr"].tolist() == [1200.0, 5.25]
    assert read_export(points)["mrr"].tolist() == [1.2, 5.25]


def test_a_column_mixing_decimal_commas_and_points_is_refused_naming_rows() -> None:
    data = b'customer_id,month,mrr\na,2024-01,"100,50"\na,2024-02,"1,200.50"\n'
    with pytest.raises(
        ExportError,
        match=r"'mrr' mixes decimal points \(row 3: '1,200.50'\) and decimal commas \(row 2: '100,50'\)",
    ):
        read_export(data)


def test_a_quoted_decimal_comma_in_a_comma_separated_file_is_a_decimal() -> None:
    assert read_export(b'customer_id,month,mrr\na,2024-01,"1,00"\na,2024-02,2\n')["mrr"].tolist() == [
        1.0,
        2.0,
    ]


def test_ids_differing_only_by_surrounding_spaces_are_one_customer() -> None:
    export = read_export(b'customer_id,month,mrr\na,2024-01,1\n" a ",2024-02,1\n007 ,2024-02,1\n')
    assert export["customer_id"].tolist() == ["a", "a", "007"]


def test_an_id_of_spaces_only_is_an_empty_id() -> None:
    with pytest.raises(ExportError, match=r"'customer_id' is empty in row 3"):
        read_export(b'customer_id,month,mrr\na,2024-01,1\n"  ",2024-02,1\n')


def test_a_repeated_column_name_is_refused_instead_of_reading_the_first() -> None:
    with pytest.raises(
        ExportError, match=r"2 columns could be mrr: 'mrr' \(column 3\) and 'MRR' \(column 4\)"
    ):
        read_export(b"customer_id,month,mrr,MRR\na,2024-01,1,5\na,2024-02,2,5\n")
    with pytest.raises(ExportError, match=r"2 columns could be mrr: 'Amount' \(column 3\) and 'Amount'"):
        read_export(
            b"id,month,Amount,Amount\na,2024-01,1,5\na,2024-02,2,5\n",
            columns={"customer_id": "id", "mrr": "Amount"},
        )


def test_a_repeated_column_that_is_not_read_does_not_matter() -> None:
    export = read_export(b"customer_id,month,mrr,note,note\na,2024-01,1,x,y\na,2024-02,2,x,y\n")
    assert export["mrr"].tolist() == [1.0, 2.0]


@pytest.mark.parametrize(
    "month",
    ["2024-03-31 12:30:00", "2024-03-31T23:59:59Z", "2024-03-31T00:00:00.000+05:30", "2024-03-31 08:15"],
)
def test_dates_with_a_real_time_of_day_are_read(month: str) -> None:
    export = read_export(f"customer_id,month,mrr\na,{month},1\na,2024-04,1\n".encode())
    assert month_labels(export["month"].to_numpy()) == ["2024-03", "2024-04"]


@pytest.mark.parametrize(
    "month", ["2024-03-01 25:99:99", "2024-03-01T12:60", "2024-03-01T1", "2024-03-01 ::::"]
)
def test_a_time_of_day_that_does_not_exist_is_refused(month: str) -> None:
    with pytest.raises(ExportError, match=rf"'month' has values that are not a month \(row 2: '{month}'\)"):
        read_export(f"customer_id,month,mrr\na,{month},1\na,2024-04,1\n".encode())


# Crashes and bounds (issue 13).


def test_a_stray_carriage_return_with_an_unquoted_decimal_comma_names_the_row() -> None:
    with pytest.raises(ExportError, match=r"header's 3 \(row 3 has 4\); check for a stray delimiter"):
        read_export(b"customer_id,month,mrr\na,2024-01,1\rb,2024-02,1,00\n")


def test_an_unclosed_quote_names_its_row() -> None:
    with pytest.raises(ExportError, match=r"a quote opened in row 3 is never closed"):
        read_export(b'customer_id,month,mrr\na,2024-01,1\nb,2024-02,"2\n')


def test_months_fifty_years_apart_at_most() -> None:
    fine = read_export(b"customer_id,month,mrr\na,1990-01,1\na,2040-01,1\n")
    assert month_labels(fine["month"].to_numpy()) == ["1990-01", "2040-01"]
    with pytest.raises(
        ExportError,
        match=r"the months run from 1990-01 to 2040-02 \(row 2 and row 3\), 601 months apart; .* "
        r"at most 600 months \(50 years\), so check the month column for typos",
    ):
        read_export(b"customer_id,month,mrr\na,1990-01,1\na,2040-02,1\n")


def test_an_amount_over_the_simulators_money_cap_is_refused_with_the_cents_hint() -> None:
    with pytest.raises(
        ExportError, match=r"amounts over 1e\+12 a month.*\(row 3: 1e\+308\).*amounts in cents"
    ):
        read_export(b"customer_id,month,mrr\na,2024-01,1\nb,2024-01,1e308\na,2024-02,1\n")


def test_a_month_adding_up_over_the_money_cap_is_refused_and_cents_bring_it_under() -> None:
    data = b"customer_id,month,mrr\na,2024-01,6e11\nb,2024-01,6e11\na,2024-02,1\n"
    with pytest.raises(
        ExportError,
        match=r"the MRR of 2024-01 \(from row 2\) adds up to 1.2e\+12, over 1e\+12.*amounts in cents",
    ):
        read_export(data)
    assert read_export(data, amounts_in_cents=True)["mrr"].max() == 6e9
    with pytest.raises(ExportError, match=r"over 1e\+12, the most MRR a month .* separator$"):
        read_export(data.replace(b"6e11", b"6e13"), amounts_in_cents=True)


def test_amounts_below_a_cent_are_refused() -> None:
    with pytest.raises(ExportError, match=r"amounts above 0 but below 0.01 \(row 3: 1e-300\); MRR is money"):
        read_export(b"customer_id,month,mrr\na,2024-01,1\na,2024-02,1e-300\n")


def test_a_row_longer_than_a_row_may_take_is_refused_before_parsing() -> None:
    wide = b",".join([b"x"] * 40_000)
    with pytest.raises(
        ExportError, match=r"row 3 is 79,999 bytes long, over the 65,536 bytes a row may take"
    ):
        read_export(b"customer_id,month,mrr\na,2024-01,1\n" + wide + b"\nb,2024-02,1\n")


def test_a_row_just_under_the_limit_is_read() -> None:
    note = b"x" * 65_000
    export = read_export(b"customer_id,month,mrr,note\na,2024-01,1," + note + b"\na,2024-02,1,y\n")
    assert len(export) == 2


def test_a_header_with_too_many_columns_is_refused() -> None:
    header = b",".join(b"c%d" % i for i in range(1_001))
    with pytest.raises(ExportError, match=r"the header has 1,001 columns, over the 1,000 an export may have"):
        read_export(header + b"\n" + b",".join([b"1"] * 1_001) + b"\n")


def test_a_first_row_wider_than_the_header_is_refused_before_pandas_reads_it() -> None:
    with pytest.raises(ExportError, match=r"header's 3 \(row 2 has 30,000\)"):
        read_export(b"customer_id,month,mrr\n" + b",".join([b"x"] * 30_000) + b"\nb,2024-02,1\n")


def test_a_pipe_nobody_writes_to_reads_as_empty(tmp_path: Path) -> None:
    fifo = tmp_path / "export.csv"
    os.mkfifo(fifo)
    with pytest.raises(ExportError, match=r"the file is empty"):
        read_export(fifo)


def test_a_device_of_zeros_is_refused_from_its_first_bytes() -> None:
    with pytest.raises(ExportError, match=r"binary file, not CSV"):
        read_export("/dev/zero")


amounts_in_cents = st.integers(min_value=0, max_value=10**11)


@given(
    st.lists(amounts_in_cents, min_size=2, max_size=20),
    st.booleans(),
    st.booleans(),
    st.sampled_from([",", ";"]),
)
def test_amounts_written_either_way_read_back_as_written(
    cents: list[int], decimal_comma: bool, grouped: bool, delimiter: str
) -> None:
    """Amounts in cents written as text with a decimal comma or point, thousands grouped or not."""

    def written(amount: int) -> str:
        whole, fraction = divmod(amount, 100)
        text = f"{whole:,}" if grouped else str(whole)
        point, comma = (",", ".") if decimal_comma else (".", ",")
        return f'"{text.replace(",", comma)}{point}{fraction:02d}"'

    rows = "".join(f"c{i}{delimiter}2024-0{1 + i % 2}{delimiter}{written(a)}\n" for i, a in enumerate(cents))
    export = read_export(f"customer_id{delimiter}month{delimiter}mrr\n{rows}".encode())
    assert export["mrr"].tolist() == [a / 100 for a in cents]

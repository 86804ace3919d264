"""The file before any parser sees it: its size, its rows' lengths, its text encoding and its header, refused
cheaply when out of bounds (a pipe or a device is read up to a limit; a file is mapped, not read)."""

from __future__ import annotations

import contextlib
import csv
import io
import mmap
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from simulator.export.errors import ExportError

#: The longest row read, in bytes (the header included); a longer one is refused unparsed.
MAX_ROW_BYTES = 65_536
#: The most columns a header may have.
MAX_COLUMNS = 1_000
#: How much of a file that is not a regular file (a pipe, a device) is read when no limit is given.
STREAM_BYTES = 200_000_000
_HEAD_BYTES = 65_536
#: Byte-order marks of UTF-32 and UTF-16 text (UTF-32's first: it starts like UTF-16's).
UTF32_MARKS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _source(source: bytes | str | Path, max_bytes: int | None) -> tuple[bytes | Path, int]:
    """The bytes to read (or the path of a regular file) and their size; refuses more than ``max_bytes``."""
    if isinstance(source, bytes):
        _check_size(len(source), max_bytes)
        return source, len(source)
    path = Path(source)
    try:
        status = path.stat()
    except FileNotFoundError:
        raise ExportError(f"no file at {path}; check the path") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    if stat.S_ISDIR(status.st_mode):
        raise ExportError(f"{path} is a folder, not a CSV file")
    if stat.S_ISREG(status.st_mode):
        _check_size(status.st_size, max_bytes)
        return path, status.st_size
    # A pipe or a device has no size to check: read it up to the limit,
    # once its first bytes look like text (/dev/zero does not).
    limit = STREAM_BYTES if max_bytes is None else max_bytes
    with _open(path) as file:
        head = file.read(_HEAD_BYTES)
        _decode(head, partial=True)
        data = head + file.read(limit + 1 - len(head))
    if len(data) > limit:
        raise ExportError(
            f"{path} holds more than {limit / 1e6:.0f} MB, over the limit; "
            "export fewer months or split it by segment"
        )
    return data, len(data)


def _check_size(size: int, max_bytes: int | None) -> None:
    if max_bytes is not None and size > max_bytes:
        raise ExportError(
            f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit; "
            "export fewer months or split it by segment"
        )


def _read_bytes(source: bytes | Path, *, limit: int | None = None) -> bytes:
    """The file's bytes (its first ``limit`` bytes only, when given)."""
    if isinstance(source, bytes):
        return source if limit is None else source[:limit]
    with _open(source) as file:
        return file.read() if limit is None else file.read(limit)


@contextlib.contextmanager
def _open(path: Path) -> Iterator[BinaryIO]:
    """The file open for reading; opened without waiting, so that a pipe nobody writes to reads as empty."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except FileNotFoundError:
        raise ExportError(f"no file at {path}; check the path") from None
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None
    try:
        with os.fdopen(descriptor, "rb") as file:
            os.set_blocking(descriptor, True)  # a pipe with a writer: wait for its data
            yield file
    except IsADirectoryError:
        raise ExportError(f"{path} is a folder, not a CSV file") from None
    except OSError as error:
        raise ExportError(f"cannot read {path}: {error.strerror}") from None


def _refuse_long_rows(source: bytes | Path) -> None:
    """Refuse a row over :data:`MAX_ROW_BYTES` before any parser expands it.

    A row that long contains a whole block of ``MAX_ROW_BYTES // 2`` bytes
    without a line end, so one ``find`` per block finds every candidate;
    only those are measured. A file is mapped, not read.
    """
    if isinstance(source, bytes):
        _refuse_long_rows_in(source)
        return
    try:
        with source.open("rb") as file:
            if os.fstat(file.fileno()).st_size == 0:
                return  # nothing to scan (and nothing to map)
            with mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
                _refuse_long_rows_in(mapped)
    except OSError as error:
        raise ExportError(f"cannot read {source}: {error.strerror}") from None


def _refuse_long_rows_in(data: bytes | mmap.mmap) -> None:
    size = len(data)
    block = MAX_ROW_BYTES // 2
    start = 0
    while start + block <= size:
        end = start + block
        if data.find(b"\n", start, end) >= 0 or data.find(b"\r", start, end) >= 0:
            start = end
            continue
        # A candidate: measure its row, looking no further than a row may reach.
        low = max(0, start - MAX_ROW_BYTES)
        row_start = max(data.rfind(b"\n", low, start), data.rfind(b"\r", low, start)) + 1
        high = min(size, max(row_start, low) + MAX_ROW_BYTES + 1)
        ends = [at for at in (data.find(b"\n", end, high), data.find(b"\r", end, high)) if at >= 0]
        if (row_start == 0 and low > 0) or (not ends and high < size):
            _too_long(data, start)
        row_end = min(ends, default=size)
        if row_end - row_start > MAX_ROW_BYTES:
            _too_long(data, start)
        start = row_end + 1


def _too_long(data: bytes | mmap.mmap, inside: int) -> None:
    """Refuse the row holding byte ``inside`` (scanning the file once, on the way to an error)."""
    before = data[:inside]
    line_end = b"\n" if b"\n" in before or b"\r" not in before else b"\r"
    row_start = max(before.rfind(b"\n"), before.rfind(b"\r")) + 1
    ends = [at for at in (data.find(b"\n", inside), data.find(b"\r", inside)) if at >= 0]
    length = min(ends, default=len(data)) - row_start
    raise ExportError(
        f"row {before.count(line_end) + 1} is {length:,} bytes long, over the {MAX_ROW_BYTES:,} bytes "
        "a row may take; an MRR export has a few short fields a row (customer_id, month, mrr): "
        "check that this is the export, one row per customer and month"
    )


def _decode(data: bytes, *, partial: bool = False) -> str:
    """Text of the file; ``partial`` when ``data`` may end inside a character."""
    if not data.strip():
        raise ExportError("the file is empty; export your MRR as CSV with a header row")
    if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
        raise ExportError(
            "this is a spreadsheet (Excel) file, not CSV; save it as 'CSV UTF-8' and upload that"
        )
    if data.startswith(UTF32_MARKS):
        return data.decode("utf-32", errors="ignore" if partial else "strict")
    if data.startswith(UTF16_MARKS):
        return data.decode("utf-16", errors="ignore" if partial else "strict")
    if b"\x00" in data[:4096]:
        raise ExportError("this is a binary file, not CSV text; export your MRR as CSV")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if partial and error.start >= len(data) - 3:
            return data[: error.start].decode("utf-8-sig")
        line = data[: error.start].count(b"\n") + 1
        raise ExportError(
            f"the file is not UTF-8 text (a byte that UTF-8 cannot read at row {line}); "
            "save it as 'CSV UTF-8' from your spreadsheet"
        ) from None


def _header(text: str) -> tuple[list[str], str]:
    """The header's column names and the delimiter."""
    first_line = text.splitlines()[0] if text.strip() else ""
    try:
        delimiter = csv.Sniffer().sniff(first_line, delimiters=",;\t|").delimiter
    except csv.Error:
        delimiter = ","
    if first_line.lstrip().startswith(("{", "[")):
        raise ExportError("this looks like JSON, not a CSV export; export your MRR as CSV")
    names = next(csv.reader([first_line], delimiter=delimiter))
    if len(names) < 2:
        raise ExportError(
            "the first row should name the columns (customer_id, month, mrr), "
            f"but it reads {first_line[:80]!r}"
        )
    if len(names) > MAX_COLUMNS:
        raise ExportError(
            f"the header has {len(names):,} columns, over the {MAX_COLUMNS:,} an export may have; "
            "export the customer_id, month and mrr columns (and segment, if you like) only"
        )
    return names, delimiter


def _refuse_wide_first_row(text: str, delimiter: str, header: list[str], *, complete: bool) -> None:
    """Refuse a first data row wider than the header: pandas' inference is slow on a wide first row."""
    records = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = [row for _, row in zip(range(3), records, strict=False)]
    except csv.Error:
        return  # the readers below say what is wrong
    if len(rows) < 3 and not complete:
        # The head ended inside the first data row (quoted line breaks keep its lines short).
        raise ExportError(
            f"row 2 is over {_HEAD_BYTES:,} bytes long, more than a row may take; an MRR export has a "
            "few short fields a row (customer_id, month, mrr): check for an unclosed quote"
        )
    if len(rows) >= 2 and len(rows[1]) > len(header):
        raise ExportError(
            f"rows have a different number of fields than the header's {len(header)} "
            f"(row 2 has {len(rows[1]):,}); check for a stray delimiter or an unquoted comma in a name"
        )

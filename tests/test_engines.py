"""One suite for every engine (pandas, DuckDB, Spark) and every input form (CSV, Parquet, a DuckDB table).

The fixtures are the exports of tests/test_metrics.py (its worked examples from
domain.md, its edge cases), a few seeded random messy exports and the sample
export. Each engine, on each form of each fixture, gives the pandas engine's
tables on the CSV: the money to the cent (exactly: both round to cents), the
counts exactly, the ratios to 1e-12. Bad data gets the CSV reader's message on
every engine.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from simulator.engines import Measured, measure
from simulator.export import ExportError, read_export
from simulator.metrics import analyse
from simulator.sample_data import generate_export
from tests.examples import worked_example_two_csv


def _messy(seed: int) -> str:
    """Ids that look alike (007, 7), zero rows, repeated rows, gaps, two segments, 21 months: seeded."""
    rng = np.random.default_rng(seed)
    n = 300
    frame = pd.DataFrame(
        {
            "customer_id": rng.choice(["a", "b", "007", "7", "c", " d", "e", "f", "g"], n),
            "month": [f"{2020 + m // 12}-{m % 12 + 1:02d}" for m in rng.integers(0, 21, n)],
            "mrr": np.where(rng.random(n) < 0.1, 0.0, np.round(rng.uniform(0.01, 5_000, n), 2)),
            "segment": rng.choice(["SMB", "Enterprise", " SMB"], n),
        }
    )
    return str(frame.to_csv(index=False))


def _in_any_order() -> str:
    rows = [f"c{i % 7},2024-{1 + i % 5:02d},{10 + i}\n" for i in range(40)]
    return "customer_id,month,mrr\n" + "".join(rows[::-3] + rows[1::3] + rows[2::3])


#: The exports every engine is checked on.
FIXTURES: dict[str, str] = {
    "worked example 1": "customer_id,month,mrr\n"
    "churner,2024-01,3000\ndowngrader,2024-01,5000\ndowngrader,2024-02,4000\n"
    "upgrader,2024-01,10000\nupgrader,2024-02,16000\nsteady,2024-01,82000\nsteady,2024-02,82000\n"
    "newcomer,2024-02,700\n",
    "worked example 2": worked_example_two_csv(),
    "worked example 3": "customer_id,month,mrr\n"
    "big,2023-01,60000\nsmall,2023-01,40000\nbig,2024-01,110000\nsmall,2023-06,1\n",
    "a missing row is zero": "customer_id,month,mrr\na,2024-01,100\na,2024-04,100\n",
    "rows of a month add up": "customer_id,month,mrr\na,2024-01,100\na,2024-01,50\na,2024-02,150\n",
    "007 and 7": "customer_id,month,mrr\n007,2024-01,100\n7,2024-02,100\n",
    "segments follow the latest row": "customer_id,month,mrr,segment\n"
    "a,2024-01,100,SMB\na,2024-02,300,Enterprise\nb,2024-01,50,SMB\n",
    "segment names with spaces": "customer_id,month,mrr,segment\n"
    'a,2024-01,1,SMB\na,2024-02,1,SMB\nb,2024-01,1, SMB \nb,2024-02,1," SMB"\n',
    "rows in any order": _in_any_order(),
    "months 50 years apart": "customer_id,month,mrr\n"
    + "".join(f"c{i},1990-01,1\nc{i},2040-01,1\n" for i in range(30)),
    "dates and plan": "Customer ID,Date,MRR,Plan\n"
    "a,2024-01-31,10.5,Pro\na,2024-02-29 12:00:00,12.25,Pro\nb,2024-02-01T00:00:00Z,3,Basic\n",
    "messy 1": _messy(1),
    "messy 2": _messy(2),
    "sample": str(generate_export(120, months=26, seed=7).to_csv(index=False)),
}
FORMS = ("csv", "parquet", "duckdb table")
#: Where Spark runs: each Spark run costs seconds, not milliseconds. CI (CI=true, as `.ci/run` sets)
#: and NRR_SPARK_FIXTURES=all (`make test-spark`) run every fixture in every form, a few minutes; a
#: developer's `make test` runs one messy export (segments, ids that look alike, zero rows, gaps) in
#: every form, and dates with a mapping in Parquet.
SPARK_ALL = os.environ.get("NRR_SPARK_FIXTURES", "all" if os.environ.get("CI") == "true" else "few") == "all"
SPARK_CASES = {("messy 1", form) for form in FORMS} | {("dates and plan", "parquet")}


def as_frame(csv: str) -> pd.DataFrame:
    """The CSV as typed columns (ids and months as text, amounts as numbers), for Parquet and DuckDB."""
    frame = pd.read_csv(io.StringIO(csv), dtype=str, keep_default_na=False)
    amounts = [column for column in frame.columns if column.lower() in ("mrr",)]
    for column in amounts:
        frame[column] = frame[column].astype(float)
    return frame


def write_form(csv: str, form: str, folder: Path) -> dict[str, str]:
    """The export in one form: the arguments of :func:`measure` that read it."""
    if form == "csv":
        path = folder / "export.csv"
        path.write_text(csv)
        return {"path": str(path)}
    frame = as_frame(csv)
    if form == "parquet":
        path = folder / "export.parquet"
        frame.to_parquet(path, index=False)
        return {"path": str(path)}
    import duckdb

    path = folder / "export.db"
    with duckdb.connect(str(path)) as con:
        con.register("frame", frame)
        con.execute("CREATE TABLE billing AS SELECT * FROM frame")
    return {"connection_url": f"duckdb:///{path}", "table": "billing"}


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    """One local Spark session for the whole run, tuned for tiny data (one shuffle partition, no code
    generation: compiling costs more than running here)."""
    pytest.importorskip("pyspark")
    from pyspark.sql import SparkSession

    session = (
        SparkSession.builder.master("local[2]")
        .appName("nrr-tests")
        .config("spark.sql.shuffle.partitions", "1")
        .config("spark.default.parallelism", "1")
        .config("spark.sql.codegen.wholeStage", "false")
        .config("spark.sql.codegen.factoryMode", "NO_CODEGEN")
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


def cases() -> Iterator[object]:
    for engine in ("pandas", "duckdb", "spark"):
        for name in FIXTURES:
            for form in FORMS:
                if engine == "spark" and not SPARK_ALL and (name, form) not in SPARK_CASES:
                    continue
                marks = [pytest.mark.spark] if engine == "spark" else []
                yield pytest.param(engine, name, form, id=f"{engine}-{form}-{name}", marks=marks)


def run(
    engine: str, csv: str, form: str, folder: Path, request: pytest.FixtureRequest, **options: object
) -> Measured:
    if engine == "spark":
        request.getfixturevalue("spark")
    columns = {"customer_id": "Customer ID", "month": "Date", "mrr": "MRR"} if "Customer ID" in csv else None
    return measure(**write_form(csv, form, folder), engine=engine, columns=columns, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(("engine", "name", "form"), list(cases()))
def test_every_engine_gives_the_pandas_engines_table_on_every_form(
    engine: str, name: str, form: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    csv = FIXTURES[name]
    columns = {"customer_id": "Customer ID", "month": "Date", "mrr": "MRR"} if "Customer ID" in csv else None
    expected = analyse(read_export(csv.encode(), columns=columns))
    measured = run(engine, csv, form, tmp_path, request)
    assert measured.engine == engine
    assert_same_tables(measured.result.monthly, expected.monthly)
    if expected.by_segment is None:
        assert measured.result.by_segment is None
    else:
        assert measured.result.by_segment is not None
        assert_same_tables(measured.result.by_segment, expected.by_segment)


MONEY = (
    "starting_mrr",
    "new_mrr",
    "reactivation_mrr",
    "expansion_mrr",
    "contraction_mrr",
    "churned_mrr",
    "ending_mrr",
)


def assert_same_tables(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    """Money to the cent and counts exactly; ratios to 1e-12 (sums in another order end in other bits)."""
    assert list(got.columns) == list(expected.columns)
    exact = [c for c in expected.columns if c in MONEY or not pd.api.types.is_float_dtype(expected[c])]
    pd.testing.assert_frame_equal(got[exact], expected[exact], check_dtype=False)
    ratios = [c for c in expected.columns if c not in exact]
    pd.testing.assert_frame_equal(got[ratios], expected[ratios], check_exact=False, rtol=1e-12, atol=0)


BAD = {
    "no mrr column": ("customer_id,month\na,2024-01\na,2024-02\n", "no 'mrr' column"),
    "negative amount": (
        "customer_id,month,mrr\na,2024-01,10\na,2024-02,-5\n",
        "negative amounts (row 3: -5)",
    ),
    "not a month": (
        "customer_id,month,mrr\na,2024-01,10\na,Febuary,10\nb,2024-02-30,1\n",
        "not a month (row 3: 'Febuary', row 4: '2024-02-30')",
    ),
    "empty customer": (
        "customer_id,month,mrr\na,2024-01,10\n,2024-02,10\n",
        "'customer_id' is empty in row 3: empty",
    ),
    "single month": ("customer_id,month,mrr\na,2024-01,10\nb,2024-01,20\n", "single month"),
    "tiny amount": ("customer_id,month,mrr\na,2024-01,10\na,2024-02,0.001\n", "below 0.01 (row 3: 0.001)"),
    "months 60 years apart": (
        "customer_id,month,mrr\na,1990-01,1\na,2050-01,1\n",
        "(row 2 and row 3), 720 months",
    ),
    "a month over the money cap": (
        "customer_id,month,mrr\n" + "".join(f"c{i},2024-02,9e11\nc{i},2024-01,1\n" for i in range(12)),
        "the MRR of 2024-02 (from row 2) adds up to 1.08e+13",
    ),
}


def bad_cases() -> Iterator[object]:
    for engine in ("duckdb", "spark"):
        for name in BAD:
            for form in ("csv", "parquet"):
                if engine == "spark" and not SPARK_ALL and (form, name) != ("parquet", "not a month"):
                    continue
                marks = [pytest.mark.spark] if engine == "spark" else []
                yield pytest.param(engine, name, form, id=f"{engine}-{form}-{name}", marks=marks)


@pytest.mark.parametrize(("engine", "name", "form"), list(bad_cases()))
def test_bad_data_gets_the_csv_readers_message_on_every_engine(
    engine: str, name: str, form: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    csv, message = BAD[name]
    with pytest.raises(ExportError) as expected:
        read_export(csv.encode())
    assert message in str(expected.value)
    with pytest.raises(ExportError) as got:
        run(engine, csv, form, tmp_path, request)
    assert str(got.value) == str(expected.value)


def test_amounts_that_read_two_ways_are_refused_by_the_sql_engines_never_read_a_thousand_times_off(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    csv = "customer_id;month;mrr\na;2024-01;1.200\na;2024-02;1.300\n"
    assert read_export(csv.encode())["mrr"].tolist() == [1200.0, 1300.0]  # pandas: decimal commas, by the ';'
    with pytest.raises(ExportError, match=r"amounts that read two ways \(row 2: '1\.200'"):
        run("duckdb", csv, "csv", tmp_path, request)
    commas = "customer_id;month;mrr\na;2024-01;1200,50\na;2024-02;1300\n"
    with pytest.raises(
        ExportError, match=r"not numbers \(row 2: '1200,50'\).*--engine pandas reads the others"
    ):
        run("duckdb", commas, "csv", tmp_path, request)


# The command line: --engine, --connection/--table/--columns, missing engines, the automatic choice.


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "simulator", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )


def test_the_command_line_runs_each_engine_on_a_parquet_file_alike(tmp_path: Path) -> None:
    path = write_form(FIXTURES["worked example 2"], "parquet", tmp_path)["path"]
    pandas = cli("metrics", path, "--engine", "pandas")
    duck = cli("metrics", path, "--engine", "duckdb")
    assert pandas.returncode == duck.returncode == 0, duck.stderr
    assert duck.stdout == pandas.stdout
    assert duck.stderr == ""  # not a terminal, not a long run: no progress shown


def test_the_command_line_reads_a_table_where_it_lives_with_its_own_column_names(tmp_path: Path) -> None:
    csv = FIXTURES["worked example 1"].replace("customer_id,month,mrr", "Kunde,Monat,Betrag")
    table = write_form(csv, "duckdb table", tmp_path)
    mapped = ("--columns", "customer_id=Kunde,month=Monat,mrr=Betrag")
    result = cli("metrics", "--connection", table["connection_url"], "--table", "billing", *mapped)
    assert result.returncode == 0, result.stderr
    expected = cli("metrics", write_form(FIXTURES["worked example 1"], "csv", tmp_path)["path"])
    assert result.stdout == expected.stdout
    on_pandas = cli(
        "metrics",
        "--connection",
        table["connection_url"],
        "--table",
        "billing",
        *mapped,
        "--engine",
        "pandas",
    )
    assert on_pandas.stdout == expected.stdout
    missing = cli("metrics", "--connection", table["connection_url"], "--table", "nowhere", *mapped)
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: nowhere: DuckDB cannot read it: Catalog Error")
    alone = cli("metrics", "--table", "billing")
    assert (alone.returncode, alone.stderr) == (
        2,
        "error: billing: give --connection and --table together (a table read where it lives)\n",
    )


@pytest.mark.parametrize(("engine", "package"), [("duckdb", "duckdb"), ("spark", "pyspark")])
def test_a_missing_engine_says_what_to_install(engine: str, package: str, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    (blocked / package).mkdir(parents=True)
    (blocked / package / "__init__.py").write_text("raise ImportError('not installed')\n")
    path = write_form(FIXTURES["worked example 1"], "csv", tmp_path)["path"]
    result = cli("metrics", path, "--engine", engine, env={"PYTHONPATH": f"{blocked}:{Path.cwd()}"})
    assert result.returncode == 2
    assert f"pip install {package} to use --engine {engine}" in result.stderr
    assert "Traceback" not in result.stderr


def test_auto_takes_duckdb_for_a_file_too_large_for_memory(tmp_path: Path) -> None:
    """40 bytes of pandas peak per CSV byte plus 300 MB, against half the memory available."""
    from simulator.engines import choose_engine, too_large

    path = Path(write_form(FIXTURES["sample"], "parquet", tmp_path)["path"])
    rows = len(read_export(FIXTURES["sample"].encode()))
    peak = 40 * 32 * rows + 300_000_000
    assert too_large(path, max_bytes=None, available=2 * peak - 2)
    assert not too_large(path, max_bytes=None, available=2 * peak + 2)
    assert too_large(path, max_bytes=32 * rows - 1, available=10**12)
    assert choose_engine("auto", path, max_bytes=None) == "pandas"
    assert choose_engine("auto", path, max_bytes=100) == "duckdb"
    assert choose_engine("spark", path, max_bytes=100) == "spark"


def test_duckdb_spills_to_a_temporary_folder_of_its_own_and_deletes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The folder is there while the query runs, gone after the run, and after a failed one."""
    import tempfile

    from simulator.engines.duckdb_engine import duckdb_metrics

    n = 200_000
    frame = pd.DataFrame(
        {
            "customer_id": [f"customer-{i % 40_000}" for i in range(n)],
            "month": [f"20{10 + i // 40_000}-01" for i in range(n)],
            "mrr": 1.0,
        }
    )
    path = tmp_path / "big.parquet"
    frame.to_parquet(path, index=False)
    spill = tmp_path / "tmp"
    spill.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spill))
    seen: list[list[str]] = []
    result = duckdb_metrics(
        path, limit=100_000_000, progress=lambda done, step: seen.append(os.listdir(spill))
    )
    assert result.monthly["customers"].iat[-1] == 40_000
    assert all(len(names) == 1 and names[0].startswith("nrr-duckdb-") for names in seen)
    assert list(spill.iterdir()) == []
    with pytest.raises(ExportError):
        duckdb_metrics(tmp_path / "none.parquet", limit=100_000_000)
    assert list(spill.iterdir()) == []


def test_the_progress_bar_draws_on_a_terminal_and_on_a_log_only_for_long_runs() -> None:
    from simulator.progress import progress_bar

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    bar = progress_bar(screen)
    bar(0.5, "computing the monthly bridge")
    assert "[###############               ]  50% computing the monthly bridge" in screen.getvalue()
    bar(1.0, "done")
    assert screen.getvalue().endswith("\r")  # wiped: the table's first line is not glued to it
    now = [0.0]
    log = io.StringIO()
    bar = progress_bar(log, clock=lambda: now[0])
    bar(0.2, "numbering customers")
    assert log.getvalue() == ""
    now[0] = 12.0
    bar(0.3, "computing the monthly bridge")
    bar(0.5, "computing the monthly bridge")
    assert log.getvalue() == "progress: 30%, computing the monthly bridge (12 s)\n"


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_payment_keys_past_32_bits_do_not_overflow(
    engine: str, tmp_path: Path, request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Customer number × 1024 passes 2³¹ from 2.1 million customers on (Spark's row_number is a 32-bit
    INT: 40 million rows failed); a stride of 2³⁰ gets there from the third customer."""
    import simulator.engines.sql

    monkeypatch.setattr(simulator.engines.sql, "_STRIDE", 2**30)
    csv = FIXTURES["messy 1"]
    measured = run(engine, csv, "parquet", tmp_path, request)
    assert_same_tables(measured.result.monthly, analyse(read_export(csv.encode())).monthly)


def test_the_sql_engines_take_the_nrr_window_and_refuse_what_only_pandas_counts(tmp_path: Path) -> None:
    path = write_form(FIXTURES["worked example 2"], "parquet", tmp_path)["path"]
    window = ("--nrr-window", "year-over-year")
    on_duckdb = cli("metrics", path, "--engine", "duckdb", *window)
    assert on_duckdb.returncode == 0, on_duckdb.stderr
    assert on_duckdb.stdout == cli("metrics", path, "--engine", "pandas", *window).stdout
    refused = cli("metrics", path, "--engine", "duckdb", "--vendors", "--reactivation", "within:3m")
    assert refused.returncode == 2
    assert "--reactivation, --vendors run on --engine pandas only, not on --engine duckdb" in refused.stderr

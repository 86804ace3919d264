# One target per job. Each creates the virtual environment it needs on first use.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501

.PHONY: run test test-spark fuzz bench bench-scale room room-heavy lint clean

$(BIN)/.runtime: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

## run: start the app on built-in defaults at http://127.0.0.1:$(PORT)
run: $(BIN)/.runtime
	$(BIN)/streamlit run app.py --server.port $(PORT)

## test: every test, the browser ones included (installs Debian's chromium when it can)
test: $(BIN)/.dev
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m pytest

## test-spark: the engine suite with Spark on every fixture in every form (make test runs a few: minutes)
test-spark: $(BIN)/.dev
	NRR_SPARK_FIXTURES=all $(BIN)/python -m pytest -q tests/test_engines.py

## fuzz: the property tests with many random examples each (not derandomized, unlike CI)
fuzz: $(BIN)/.dev
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -m "not browser" -q

## bench: performance figures, printed as ratios measured in one run
bench: $(BIN)/.dev
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m benchmarks

## bench-scale: the export metrics on a 40-million-row Parquet export: DuckDB against its floor, Spark beside it (minutes)
bench-scale: $(BIN)/.dev
	$(BIN)/python -m benchmarks.scale_bench

## room: ten chromium sessions move sliders on one local server for a minute (errors, latency, memory)
room: $(BIN)/.dev
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m benchmarks.room

## room-heavy: twenty heavy sessions at once on one server (memory before, during and 60 s after; a light visitor's wait)
room-heavy: $(BIN)/.dev
	bash scripts/ensure_chromium.sh
	$(BIN)/python -m benchmarks.heavy_room

## lint: ruff, and strict mypy on the engine, the ui and the pages
lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis

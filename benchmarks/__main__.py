"""`python -m benchmarks` (what `make bench` runs): every benchmark, in one run."""

# Add further benchmark modules here; each prints its own table.
from benchmarks import app_bench

app_bench.main()

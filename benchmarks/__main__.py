"""`python -m benchmarks` (what `make bench` runs): every benchmark, in one run."""

# Add further benchmark modules here; each prints its own table.
from benchmarks import app_bench, engine_bench, forecast_bench, layouts_bench, scale_bench, speed_bench

engine_bench.main()
print()
layouts_bench.main()
print()
forecast_bench.main([])
print()
app_bench.main()
print()
speed_bench.main()
print()
# A tenth of make bench-scale's export (about 4 million rows), Spark left to bench-scale.
scale_bench.main(["--customers", str(scale_bench.BENCH_CUSTOMERS), "--no-spark", "--pandas"])

"""Benchmarks: `python -m bench --help`. Loopback only, bounded loops; results are printed, not asserted."""

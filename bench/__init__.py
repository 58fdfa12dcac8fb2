"""Benchmarks of the aggregator: `python -m bench` runs them all quickly (see README.md)."""

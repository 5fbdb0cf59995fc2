"""Measurement scripts: run with `python -m benchmarks.NAME`; each prints its figures and writes JSON."""

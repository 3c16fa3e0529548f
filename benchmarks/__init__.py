"""Benchmarks, run with `python -m benchmarks [name ...]` (`make benchmark` runs them all). Not part of the tests."""

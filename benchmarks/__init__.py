"""Benchmarks run against a real PostgreSQL: `python -m benchmarks [name …]` (every module here has `main(argv)`)."""

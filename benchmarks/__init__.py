"""National-scale benchmark: `python -m benchmarks --innovations N [--json FILE]`."""

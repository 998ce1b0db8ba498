"""Benchmark definitions: one module per benchmark (features, official release parsing, submission format)."""

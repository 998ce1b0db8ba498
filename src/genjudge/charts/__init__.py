"""Figures that several benchmarks draw (ratings with intervals, head-to-head win rates)."""

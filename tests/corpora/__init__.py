"""Labeled data sets generated in code (no downloads), used by tests and benchmarks to measure the pipeline."""

"""Capture: span parsing and bounds, failure classification, PII redaction, capture building, span sources."""

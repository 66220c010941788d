"""Capture: raw spans per hour → sanitized failure captures, with a blocking PII check and a catch-up schedule."""

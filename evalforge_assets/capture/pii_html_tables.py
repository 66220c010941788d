"""Cells of an HTML table whose header names what its column holds: `<tr><th>Name</th><th>Phone</th>…</tr>` over
`<tr><td>Ακριβή Μαστραγγελή</td><td>6954722797</td>…</tr>`, as a page a retriever scraped or a report a tool
rendered writes it.

The header is a row of `<th>` cells; each later row with as many cells is read column by column, as a CSV or
Markdown table's rows are (`pii_csv_columns`): a cell of a phone, SSN, card or password column is one when it has
that kind's shape, whatever numbering plan would say. Names and streets are left to their own finders, which read
the cells of probe 6's tables but for one name and two streets: taking them here would move the person model's
training input and force a retrain, which cost more hard negatives elsewhere (`Mercado Pago`, `user message is
French`) than it saved. A cell with markup inside it is left to the other finders. Rows are cut at the next `<tr`,
and a cell is text without `<`, so a page of unclosed tags is read in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import _if_cell_is, column_kind
from evalforge_assets.capture.pii_patterns import Candidate

_ROW_START = re.compile(r"<tr\b[^<>]{0,200}>", re.IGNORECASE)
_CELL = re.compile(r"<t([hd])\b[^<>]{0,200}>([^<]*)</t\1\s*>", re.IGNORECASE)
_ENTITIES = {"&amp;": "&", "&nbsp;": " ", "&#160;": " "}
_READ = frozenset({"PHONE", "US_SSN", "CREDIT_CARD", "PASSWORD"})  # the column kinds read here (see the module docstring)


def find_html_table_cells(text: str) -> Iterator[Candidate]:
    """The named columns' cells of each HTML table in `text` (see the module docstring)."""
    if "<t" not in text and "<T" not in text:
        return
    starts = [match.end() for match in _ROW_START.finditer(text)]
    kinds: list[str | None] | None = None
    for index, start in enumerate(starts):
        limit = starts[index + 1] if index + 1 < len(starts) else len(text)
        table_end = text.find("</table", start, limit)
        cells = list(_CELL.finditer(text, start, limit if table_end == -1 else table_end))
        if cells and all(cell.group(1).lower() == "h" for cell in cells):
            kinds = [column_kind(_plain(cell.group(2))) for cell in cells]
            kinds = [kind if kind in _READ else None for kind in kinds]
            continue
        if kinds is None or len(cells) != len(kinds) or not any(kinds):
            continue
        for cell, kind in zip(cells, kinds, strict=True):
            if "&" not in cell.group(2):  # an entity inside the value: its offsets would not be the text's
                yield from _if_cell_is(kind, text, cell.start(2), cell.end(2), 0)


def _plain(header: str) -> str:
    """A header cell's text, its entities (`Phone&nbsp;no.`) read."""
    for entity, char in _ENTITIES.items():
        header = header.replace(entity, char)
    return header.strip()

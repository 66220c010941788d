"""Cells of a table printed in aligned columns, whose header names what a column holds: a pandas DataFrame in a
notebook's output, `psql`'s or a CLI's listing.

```
      name                 email                    phone
0     Ana Lima             ana.lima@example.com     0045 74 89 40 16
1     Bo Jensen            bo@example.dk            66983546
```

Such a table separates its cells by two spaces or more, and a cell's own words by one. The header is a line of two
or more cells that are all a column's words, one of which names a phone, SSN, card or password column
(`pii_csv_columns.column_kind`); each following line with as many cells, or one more at its start (a DataFrame's
index), is a row read column by column, until a blank line. A cell of such a column is one when it has that kind's
shape, whatever numbering plan would say. Names and streets are left to their own finders, as in
`pii_html_tables`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import _if_cell_is, column_kind
from evalforge_assets.capture.pii_patterns import Candidate

_CELL = re.compile(r"\S+(?: \S+)*")
_HEADER_WORD = re.compile(r"[^\W\d][\w .()/-]{0,39}")
_READ = frozenset({"PHONE", "US_SSN", "CREDIT_CARD", "PASSWORD"})
_MOST_COLUMNS = 40


def find_aligned_table_cells(text: str) -> Iterator[Candidate]:
    """The named columns' cells of each table printed in aligned columns in `text` (see the module docstring)."""
    if "  " not in text or "\n" not in text:
        return
    kinds: list[str | None] | None = None
    offset = 0
    for line in text.split("\n"):
        cells = [(match.start(), match.end()) for match in _CELL.finditer(line)] if "  " in line else []
        if kinds is not None and len(cells) in (len(kinds), len(kinds) + 1):
            for kind, (start, end) in zip(kinds, cells[len(cells) - len(kinds) :], strict=True):
                yield from _if_cell_is(kind, line, start, end, offset)
        else:
            kinds = _header_kinds(line, cells)
        offset += len(line) + 1


def _header_kinds(line: str, cells: list[tuple[int, int]]) -> list[str | None] | None:
    """The column kinds a header line names, when it is one that names a column read here."""
    if not 2 <= len(cells) <= _MOST_COLUMNS or not all(_HEADER_WORD.fullmatch(line[s:e]) for s, e in cells):
        return None
    kinds = [kind if (kind := column_kind(line[start:end])) in _READ else None for start, end in cells]
    return kinds if any(kinds) else None

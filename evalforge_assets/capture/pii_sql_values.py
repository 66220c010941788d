"""Values of an SQL `INSERT` whose column names them: `INSERT INTO users (email, full_name, phone) VALUES
('…', 'दीप्ति सिंह', '…')`, as a database error or a query log prints the statement.

An `INSERT` is a table turned on its side: the column list is the header, each parenthesised tuple a row. A quoted
value under a column of names, phones, street lines, SSNs or passwords is read by the test of `pii_csv_columns` for that
column, so a name in any script or a phone number written with nothing around it is found by its column alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import column_kind, is_cell_of
from evalforge_assets.capture.pii_patterns import Candidate

_INSERT = re.compile(
    r"(?i:insert[ \t]+(?:or[ \t]+\w+[ \t]+)?into)[ \t]+[\w.\"`\[\]]{1,80}[ \t]*"
    r"\((?P<columns>[^()]{1,600})\)[ \t\r\n]*(?i:values)[ \t\r\n]*"
)
_COLUMN = re.compile(r"[ \t\r\n]*[\"`\[]?(?P<name>[^\W\d][\w]{0,60})[\"`\]]?[ \t\r\n]*")
_NEXT_ROW = re.compile(r"[ \t\r\n]*,[ \t\r\n]*")
# One value of a row: a quoted string (SQL doubles a quote inside it), or anything else up to a comma.
# A bare value may be a function call (`now()`, `lower('x')` is left whole).
_VALUE = re.compile(
    r"[ \t\r\n]*(?:'(?P<quoted>(?:[^'\n]|'')*)'|(?P<bare>[^,()'\n]*(?:\([^()\n]*\))?))[ \t\r\n]*"
)


def find_inserted_values(text: str) -> Iterator[Candidate]:
    """PERSON, PHONE, STREET_ADDRESS, US_SSN and PASSWORD candidates among the values of `INSERT` statements."""
    if "insert" not in text and "INSERT" not in text:
        return
    for statement in _INSERT.finditer(text):
        columns = [_COLUMN.fullmatch(column) for column in statement.group("columns").split(",")]
        if any(column is None for column in columns):
            continue
        kinds = [column_kind(column.group("name")) for column in columns if column is not None]
        if not any(kinds):
            continue  # no column of personal data: its rows need not be read
        position = statement.end()
        while text.startswith("(", position):
            row, position = _row(text, position + 1)
            if row is None:
                break
            if len(row) == len(kinds):
                for kind, (start, end) in zip(kinds, row, strict=True):
                    if kind and is_cell_of(kind, text[start:end]):
                        yield kind, start, end
            after = _NEXT_ROW.match(text, position)
            if after is None:
                break
            position = after.end()


def _row(text: str, position: int) -> tuple[list[tuple[int, int]] | None, int]:
    """The (start, end) of each quoted value of the row starting at `position` (after its `(`); a bare value
    (a number, NULL) is kept as an empty span. Returns the position after the row's `)`."""
    values: list[tuple[int, int]] = []
    while True:
        value = _VALUE.match(text, position)
        if value is None:
            return None, position
        if value.group("quoted") is not None:
            values.append((value.start("quoted"), value.end("quoted")))
        else:
            values.append((position, position))
        position = value.end()
        if text.startswith(",", position):
            position += 1
            continue
        if text.startswith(")", position):
            return values, position + 1
        return None, position

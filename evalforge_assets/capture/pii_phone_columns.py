"""Phones in the cells of a table whose header does not say they are phones (`call_id,from,to,duration_s`).

In running text a number right after a comma, or right before one and a digit, is not read as a phone: it is part of
`1,234,567` or of an amount such as `1 234 567,89`. In a table's row the comma is a separator, and each cell is a
value of its own: `…fd403df65847,0926-602036,022 71657659,408,busy`. So each cell of a table (a header of two or
more key-like cells, then rows with as many) is read on its own by `find_phones`, and is a phone when that reads
the whole cell. A column where half the cells or more are so read holds phones: its other cells are phones too when
they are shaped like one (seven digits or more with a phone's separators), since a numbering plan rejects numbers
in blocks not yet allocated (`0926-602036`) that are still someone's number in an export.

A column whose header names an id (`call_id`, `order number`, `ticket`) is not read: its numbers are that id.

Rows of cells with no header at all (`| CASE-3330105 | Ludvig Henriksen | 44287569 | Bech A/S |` over `| INC8081945 |
Esben Eriksen | esben_eriksen@icloud.com | Larsen A/S |`) are read by column too: a column where another row holds an
e-mail address alone in its cell lists the contacts' details, and a cell of it shaped like a phone is one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_csv_columns import (
    _DELIMITER_ROW,
    _PHONE_CELL,
    HEADERLESS_SEPARATORS,
    _row_cells,
    header_cells,
    may_hold_table,
)
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_phones import DATE_OR_TIME, an_id_noun_before, find_phones

_FEWEST_DIGITS = 7
_EMAIL_CELL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_KEY_JOINTS = re.compile(r"[_\-.]+")


def _tables(text: str) -> Iterator[tuple[list[str], list[list[tuple[int, int]]]]]:
    """Each table of `text`: its header's cells and, for each row, the (start, end) of its cells in `text`."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    index = 0
    while index + 1 < len(lines):
        # The first separator that makes the line a header, whose next line has as many (no quoted cells here).
        found = next(header_cells(lines[index], lines[index + 1], quoted_rows=False), None)
        if found is None:
            index += 1
            continue
        separator, header = found
        rows: list[list[tuple[int, int]]] = []
        index += 1
        while index < len(lines):
            line = lines[index]
            if _DELIMITER_ROW.fullmatch(line):
                index += 1
                continue
            spans = _row_cells(line, separator)
            if len(spans) != len(header):
                break
            rows.append([(starts[index] + start, starts[index] + end) for start, end in spans])
            index += 1
        yield header, rows


def _stripped(text: str, start: int, end: int) -> tuple[int, int]:
    value = text[start:end]
    stripped = value.strip()
    at = start + value.index(stripped) if stripped else start
    return at, at + len(stripped)


def _read_as_phone(value: str) -> bool:
    """Whether `find_phones`, reading the cell alone, reads all of it as one phone."""
    return any(start == 0 and end == len(value) for _, start, end in find_phones(value))


def _shaped_like_a_phone(value: str) -> bool:
    return (bool(_PHONE_CELL.fullmatch(value)) and sum(char.isdigit() for char in value) >= _FEWEST_DIGITS
            and not DATE_OR_TIME.search(value))


def find_phone_cells(text: str) -> Iterator[Candidate]:
    """PHONE candidates for the cells of tables read one cell at a time (see the module's docstring)."""
    if not may_hold_table(text):
        return
    for header, rows in _tables(text):
        for column, name in enumerate(header):
            if an_id_noun_before(_KEY_JOINTS.sub(" ", name), len(name)):
                continue
            cells = [_stripped(text, *row[column]) for row in rows]
            cells = [(start, end) for start, end in cells if end > start]
            phones = [(start, end) for start, end in cells if _read_as_phone(text[start:end])]
            if not phones:
                continue
            if 2 * len(phones) >= len(cells):
                read = set(phones)
                phones = [cell for cell in cells if cell in read or _shaped_like_a_phone(text[slice(*cell)])]
            for start, end in phones:
                yield "PHONE", start, end


def _rows(text: str, separator: str) -> Iterator[list[list[tuple[int, int]]]]:
    """Each run of two lines or more holding as many `separator`s (two or more), as the places of their cells."""
    run: list[list[tuple[int, int]]] = []
    count, position = 0, 0
    for line in text.split("\n"):
        if not _DELIMITER_ROW.fullmatch(line):
            here = line.count(separator)
            if here < 2 or here != count:
                if len(run) >= 2:
                    yield run
                run, count = [], here
            if here >= 2:
                run.append([(position + start, position + end) for start, end in _row_cells(line, separator)])
        position += len(line) + 1
    if len(run) >= 2:
        yield run


def find_contact_column_phones(text: str) -> Iterator[Candidate]:
    """PHONE candidates for phone-shaped cells in a column of rows that also holds an e-mail address alone in its
    cell (see the module's docstring)."""
    if "@" not in text or not may_hold_table(text):
        return
    for separator in HEADERLESS_SEPARATORS:
        if separator not in text:
            continue
        for rows in _rows(text, separator):
            for column in range(min(len(row) for row in rows)):
                cells = [_stripped(text, *row[column]) for row in rows]
                if not any(_EMAIL_CELL.fullmatch(text, start, end) for start, end in cells):
                    continue
                for start, end in cells:
                    if _shaped_like_a_phone(text[start:end]):
                        yield "PHONE", start, end

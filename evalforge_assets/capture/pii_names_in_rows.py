"""The contact in a row of cells with no header (`| CASE-4379193 | Melitta Siering | 08604 007753 | Fliegner AG |`,
cells joined by pipes or tabs): the cell just before a found phone or e-mail address that fills its own cell, when it
reads as a contact's name of two words or more (`pii_csv_columns.contact_name`: capitalised or caseless words, no
digit, not all ordinary words, no organisation word). A row lists a contact's phone or address after the name, and
the cell after it is as often the contact's company (`Fliegner AG`), so only the cell before is read. A row under a
header (`| name | company | email | phone |`) is left to the header's reading (`pii_csv_columns`), which knows the
cell before an e-mail address there is a company's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_csv_columns import (
    _DELIMITER_ROW,
    _HEADER_CELL,
    HEADERLESS_SEPARATORS,
    _row_cells,
    contact_name,
)
from evalforge_assets.capture.pii_patterns import Candidate


def contact_cell_names(text: str, contacts: Iterable[Candidate]) -> Iterator[Candidate]:
    """The cell before each phone or e-mail address that fills a cell of a row (see the module's docstring)."""
    known: dict[tuple[int, str], bool] = {}
    separators: dict[tuple[int, str], int] = {}  # how many each line holds, counted once per line
    for _, start, end in contacts:
        line_start = text.rfind("\n", 0, start) + 1
        line_end = _line_end(text, end)
        for separator in HEADERLESS_SEPARATORS:
            if (line_start, separator) not in separators:
                separators[(line_start, separator)] = text.count(separator, line_start, line_end)
            if separators[(line_start, separator)] < 2:
                continue
            cell_start = text.rfind(separator, line_start, start)
            cell_end = text.find(separator, end, line_end)
            before = text.rfind(separator, line_start, cell_start) if cell_start != -1 else -1
            if before == -1 or text[cell_start + 1 : start].strip() or (
                    text[end : line_end if cell_end == -1 else cell_end].strip()):
                break  # the contact does not fill its cell, or no cell stands before it
            if _under_a_header(text, line_start, separator, known):
                break
            cell = text[before + 1 : cell_start]
            name = cell.strip()
            if len(name.split()) >= 2 and contact_name(name):
                begin = before + 1 + cell.index(name)
                yield "PERSON", begin, begin + len(name)
            break


def _under_a_header(text: str, line_start: int, separator: str, known: dict[tuple[int, str], bool]) -> bool:
    """Whether the rows above the line at `line_start` (as many separators, or a Markdown rule) start with a header:
    a line of key-like cells only. `known` holds the answers for rows already asked about, so a long table is
    walked once."""
    count = text.count(separator, line_start, _line_end(text, line_start))
    visited, top, answer = [line_start], None, None
    while line_start > 0 and answer is None:
        above = text.rfind("\n", 0, line_start - 1) + 1
        line = text[above : line_start - 1]
        if not _DELIMITER_ROW.fullmatch(line):
            if line.count(separator) != count:
                break
            top = line
        line_start = above
        answer = known.get((above, separator))
        visited.append(above)
    if answer is None:
        cells = [top[start:end].strip() for start, end in _row_cells(top, separator)] if top is not None else []
        answer = bool(cells) and all(_HEADER_CELL.fullmatch(cell) for cell in cells if cell)
    for start in visited:
        known[(start, separator)] = answer
    return answer


def _line_end(text: str, position: int) -> int:
    end = text.find("\n", position)
    return len(text) if end == -1 else end

"""A number written beside a street already found, in an address line or block: the phone of a letterhead or a
contact's details, where no word says "phone" (`ул. Садовая, д. 12, 84951234567`, `Storgata 12 · 41256780`, or a
résumé's number alone on the line above its street).

Right after the street past a list's mark (a comma, a middle dot, a pipe, a semicolon) when the number ends the line
or another mark follows (a postcode and a city may follow a street), or alone on a line next to the street's line.
The street vouches for the number, which must still be written as a phone's: 8 to 15 digits, not a date, not a
postcode's shape (`01310-100`, `62704-1234`), not after an id's noun. Numbers beside an e-mail address are
`pii_phones_placed`'s.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names_slots import line_spans
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_phones import DATE_OR_TIME, an_id_noun_before

_NUMBER = r"\+?\(?\d[\d ().-]{6,20}\d"
_AFTER = re.compile(rf"[ \t]*[,·•|;][ \t]*(?P<number>{_NUMBER})(?![\w@]|[.,:/-]\d)")
_LINE_END = re.compile(r"[ \t]*(?:$|[\n,·•|;])", re.MULTILINE)
_ALONE = re.compile(rf"^[ \t>*-]*(?P<number>{_NUMBER})[ \t]*$", re.MULTILINE)
_POSTCODE = re.compile(r"\d{5}-\d{3,4}")
_FEWEST, _MOST = 8, 15


def phones_beside_streets(text: str, found: list[Candidate]) -> Iterator[Candidate]:
    """PHONE candidates for the numbers beside a street `found` in `text` (see the module docstring)."""
    streets = [(start, end) for entity, start, end in found if entity == "STREET_ADDRESS"]
    if not streets:
        return
    for _, end in streets:
        after = _AFTER.match(text, end)
        if after is not None and _LINE_END.match(text, after.end()):
            yield from _phone(text, after.start("number"), after.end("number"))
    if "\n" not in text:
        return
    lines = line_spans(text)
    starts = [start for start, _ in lines]
    holding = {bisect.bisect_right(starts, start) - 1 for start, _ in streets}
    for alone in _ALONE.finditer(text):
        index = bisect.bisect_right(starts, alone.start()) - 1
        if _neighbour(lines, text, index, -1) in holding or _neighbour(lines, text, index, 1) in holding:
            yield from _phone(text, alone.start("number"), alone.end("number"))


def _phone(text: str, start: int, end: int) -> Iterator[Candidate]:
    number = text[start:end]
    digits = sum(char.isdigit() for char in number)
    if (_FEWEST <= digits <= _MOST and not DATE_OR_TIME.search(number) and not _POSTCODE.fullmatch(number)
            and not an_id_noun_before(text, start)):
        yield "PHONE", start, end


def _neighbour(lines: list[tuple[int, int]], text: str, index: int, step: int) -> int | None:
    """The index of the nearest line in direction `step` that is not blank."""
    index += step
    while 0 <= index < len(lines):
        start, end = lines[index]
        if text[start:end].strip():
            return index
        index += step
    return None

"""Streets in the same place of list lines as a street that was found.

A canvass, a route or a list of sites writes one line per address, each after a bullet and before a separator:

    - 14 Harlow Rd: no answer, card left
    - Benákova 20: resident heard shouting
    - Παναρίτη 181: saw a van

The first line's street has a type word the street patterns know; the others are written as their countries write
them, with none. When a found street opens its line after a bullet and ends at a separator (a colon, a dash, a
comma, a bracket or a bar), the same place of the other lines with that bullet holds a street too, if it has the
shape of one: one to four words with a house number first or last, a word of letters that is no ordinary English
word (`Step 2`, `Room 5`, `Phase 1` are list items, not streets) and a capital or a script without case.

A canvass may have no line whose street the patterns know (`- Benákova 20: Agnes Whitford heard a car door`). Two
lines of one frame whose place has a street's shape, is written with a letter outside ASCII, and is followed on its
line by a found person, e-mail address or phone, make the frame a list of people at their addresses: its places are
streets. Not in ASCII alone, where a list of versions reads the same (`- Django 4: done by Tom Baker`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_names_slots import line_spans
from evalforge_assets.capture.pii_patterns import Candidate

# A bullet: a dash, a star, a dot or a number with a full stop or a bracket, then spaces.
_BULLET = re.compile(r"[ \t]*(?P<bullet>[-*•·–]|\d{1,3}[.)])[ \t]+")
# What ends the street's place on its line: the first colon, dash, comma, bracket or bar after the bullet.
_SEPARATOR = re.compile(r"[ \t]*(?::|—|–|[ \t]-[ \t]|,|\(|\|)")
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?"
_WORD = r"[^\W\d_][\w'’.-]*"
_STREET_SHAPE = re.compile(
    rf"{_HOUSE}(?:[ \t]+{_WORD}){{1,4}}|{_WORD}(?:[ \t]+{_WORD}){{0,3}}[ \t]+{_HOUSE}"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_MOST_LINES = 200


def streets_in_found_places(text: str, found: Sequence[Candidate]) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates in the place of a found street on other lines of the same list, or in the places
    of a list whose lines name a person after their place (see above); `found` are the findings so far."""
    lines = line_spans(text)
    if len(lines) < 3 or len(lines) > _MOST_LINES:
        return
    places = [place for line in lines if (place := _place(text, *line)) is not None]
    if len(places) < 2:
        return
    street_ends = {(start, end) for entity, start, end in found if entity == "STREET_ADDRESS"}
    contacts = sorted((start, end) for entity, start, end in found if entity in _CONTACTS)
    frames = {frame for frame, start, end, _ in places if (start, end) in street_ends}
    people: dict[tuple[str, str], int] = {}
    for frame, start, end, line_end in places:
        place = text[start:end]
        if not place.isascii() and _a_street(place) and any(end < b and a < line_end for a, b in contacts):
            people[frame] = people.get(frame, 0) + 1
    frames |= {frame for frame, count in people.items() if count >= 2}
    for frame, start, end, _ in places:
        if frame in frames and (start, end) not in street_ends and _a_street(text[start:end]):
            yield "STREET_ADDRESS", start, end


# Who a list's line names after its place: a canvass's witness, a route's contact.
_CONTACTS = frozenset({"PERSON", "EMAIL", "PHONE"})


def _place(text: str, line_start: int, line_end: int) -> tuple[tuple[str, str], int, int, int] | None:
    """The line's frame (its bullet's kind and the separator after its place), the place's start and end, and the
    line's end; None for a line with no bullet or no separator."""
    bullet = _BULLET.match(text, line_start, line_end)
    if bullet is None:
        return None
    separator = _SEPARATOR.search(text, bullet.end(), line_end)
    if separator is None:
        return None
    end = bullet.end() + len(text[bullet.end() : separator.start()].rstrip(" \t"))
    if end == bullet.end():
        return None
    return (_kind(bullet.group("bullet")), separator.group().strip(" \t")), bullet.end(), end, line_end


def _kind(bullet: str) -> str:
    """A numbered bullet's kind is its closing mark (`1.` and `12.` are one list)."""
    return bullet[-1] if bullet[0].isdigit() else bullet


def _a_street(place: str) -> bool:
    if not _STREET_SHAPE.fullmatch(place):
        return False
    words = _LETTERS.findall(place)
    if not any(not word.isascii() or not _ordinary(word) for word in words):
        return False
    return any(word[0].isupper() or word[0].lower() == word[0].upper() for word in words)

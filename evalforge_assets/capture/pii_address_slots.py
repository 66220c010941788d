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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_names_slots import line_spans
from evalforge_assets.capture.pii_patterns import Candidate

# A bullet: a dash, a star, a dot or a number with a full stop or a bracket, then spaces.
_BULLET = re.compile(r"[ \t]*(?P<bullet>[-*•·–]|\d{1,3}[.)])[ \t]+")
# What ends the street's place on its line.
_SEPARATOR = re.compile(r"[ \t]*(?::|—|–|-[ \t]|,|\(|\|)")
_HOUSE = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,5}[A-Za-z]?)?"
_WORD = r"[^\W\d_][\w'’.-]*"
_STREET_SHAPE = re.compile(
    rf"{_HOUSE}(?:[ \t]+{_WORD}){{1,4}}|{_WORD}(?:[ \t]+{_WORD}){{0,3}}[ \t]+{_HOUSE}"
)
_LETTERS = re.compile(r"[^\W\d_]+")
_MOST_LINES = 200


def streets_in_found_places(text: str, streets: Iterable[Candidate]) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates in the place of a found street on other lines of the same list (see above)."""
    lines = line_spans(text)
    if len(lines) < 3 or len(lines) > _MOST_LINES:
        return
    frames = set()
    for _, start, end in streets:
        frame = _frame(text, start, end)
        if frame is not None:
            frames.add(frame)
    for bullet_kind, separator in frames:
        for line_start, line_end in lines:
            bullet = _BULLET.match(text, line_start, line_end)
            if bullet is None or _kind(bullet.group("bullet")) != bullet_kind:
                continue
            cut = text.find(separator, bullet.end(), line_end)
            if cut == -1:
                continue
            place = text[bullet.end() : cut].rstrip(" \t")
            if _a_street(place):
                yield "STREET_ADDRESS", bullet.end(), bullet.end() + len(place)


def _frame(text: str, start: int, end: int) -> tuple[str, str] | None:
    """The bullet's kind and the separator of the line a found street opens, or None when it does not open one."""
    line_start = text.rfind("\n", 0, start) + 1
    bullet = _BULLET.match(text, line_start, start)
    if bullet is None or bullet.end() != start:
        return None
    separator = _SEPARATOR.match(text, end)
    if separator is None:
        return None
    return _kind(bullet.group("bullet")), separator.group().lstrip(" \t")


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

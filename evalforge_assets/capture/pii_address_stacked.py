"""A street line stacked on its postcode line, as address blocks are written in signatures, shipping labels and
invoices with no line announcing them (`Anna Berg / Michnova 323 / 732 21 Studénka`, `52 Castro Range / 2862
Pierceshire`, `Nemetova 3 / 32218 Slatina`): where no street type names the street (Czech, Slovak, Croatian,
Armenian streets have none), the postcode line under it does.

The street line is a house number and a few words, the number last (`Kaplinská 323`, `Davor 2a/9`) or first (`651/94
Spencer Viaduct`, `2323 Завен Cliffs Apt. 406`), with no key, e-mail or sentence. The line under it is a postcode
in one of the shapes countries write (`10115`, `732 21`, `00-950`, `1000 AB`, `133-1160`, `01000-000`, `K1A 0B6`,
`6100101`)
and then a place: a place `phonenumbers`' geocoder knows, or a word that is no English word (`2024 Summary`, `1999
Annual` are no postcode lines). Only the street line is taken: a postcode and a city name no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import pairwise

from evalforge_assets.capture.pii_address_keys import _split_lines
from evalforge_assets.capture.pii_names import _webster
from evalforge_assets.capture.pii_patterns import Candidate, _word_set
from evalforge_assets.capture.pii_places import one_word_place_names

_HOUSE = r"\d{1,5}[A-Za-z]?(?:[/-]\d{1,4}[A-Za-z]?)?"
_WORDS = r"[^\W\d_][^\d\n:@|=<>{}\[\]\"]{1,48}?"
_STREET_LINE = re.compile(
    rf"(?P<last>{_WORDS}),?[ \t]+(?:(?:No|Nr|N°|Nº|#)\.?[ \t]*)?{_HOUSE}(?:[ \t]+(?:Int\.?[ \t]*)?\d{{1,5}}[A-Za-z]?)?"
    rf"|(?P<first>{_HOUSE},?[ \t]+[^\W\d_][^\n:@|=<>{{}}\[\]\"]{{1,48}})"
)
_POSTCODE_LINE = re.compile(
    r"(?:[A-Z]{1,2}[- ])?"
    r"(?:\d{5}(?:-\d{3,4})?|\d{4}(?:[ ]?[A-Z]{2})?|\d{3}[ ]\d{2}|\d{2}-\d{3}|\d{4}-\d{3}|\d{3}-\d{4}|\d{6,7}"
    r"|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)"
    r"[ \t]+(?P<place>[^\W\d_][^\s\d,;:]*)[^\n]{0,60}"
)
# A postcode of four digits that reads as a year (`2025 Roadmap`): then the place must be one the geocoder knows.
_YEAR = re.compile(r"(?:19|20)\d\d[ \t]")
# First words of lines that end in a number and are no street: labels, items, places in a building.
_NOT_STREETS = _word_set(
    "invoice order ticket room floor gate page chapter section article version build total qty quantity item "
    "case account tel fax phone mobile box step line row table figure level unit flat suite apt platform "
    "terminal seat page vol volume no nr id ref year week day month sprint release phase milestone episode season "
    "part stage round game match player team group batch run job task issue bug epic story lesson module "
    "exercise question slide track iteration"
)


def _a_place(word: str) -> bool:
    """A place known by name, or a capitalised word (or one of a script without capitals) that is no English word
    (most places in most languages)."""
    if word[0].islower() and word[0] < "\u0530":
        return False  # `5000 ms`, `12000 nodes` (Latin, Greek, Cyrillic or Armenian in lower case)
    if len(word) < 2:
        return False
    if word in one_word_place_names():
        return True
    ordinary, _ = _webster()
    lowered = word.lower().rstrip(".")
    return lowered not in ordinary and not (lowered.endswith("s") and lowered[:-1] in ordinary)


# A cheap test before the lines are split: some line starts with a postcode's digits and then a letter.
_POSTCODE_AT_LINE_START = re.compile(r"(?:\n|\\n)[ \t]*(?:[A-Z]{1,2}[- ])?\d[\d -]{2,8}[A-Z ]{1,3}[^\W\d_]")


def find_stacked_streets(text: str) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for a street line right above a postcode line (see above)."""
    if _POSTCODE_AT_LINE_START.search(text) is None:
        return
    lines = _split_lines(text)
    for (start, end), (below_start, below_end) in pairwise(lines):
        postcode_line = text[below_start:below_end].strip()
        below = _POSTCODE_LINE.fullmatch(postcode_line)
        if below is None or not _a_place(below.group("place")):
            continue
        if _YEAR.match(postcode_line) and below.group("place") not in one_word_place_names():
            continue
        line = text[start:end]
        street = _STREET_LINE.fullmatch(line.strip())
        if street is None:
            continue
        words = (street.group("last") or street.group("first").split(None, 1)[1]).split()
        if words[0].lower().rstrip(".:") in _NOT_STREETS or len(words) > 6:
            continue
        offset = start + len(line) - len(line.lstrip())
        yield "STREET_ADDRESS", offset, offset + len(line.strip())

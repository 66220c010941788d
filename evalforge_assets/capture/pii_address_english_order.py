"""English names its streets before their type (`Madison Avenue`, `Fifth Avenue`, `Sunset Boulevard`), French
after it (`avenue Foch`). So when a capitalised word stands just before a French street type that has no house
number on either side, the type ends an English street's name, and the words after it are no street of their
own: `Madison Avenue Tote` is a bag, `Sunset Boulevard Palette` a box of make-up, `Park Avenue Pro` a product
line."""

from __future__ import annotations

import re

# A capitalised word (`Madison`, `Fifth`, `Park`), then one space, on the same line.
_CAPITALISED_WORD_BEFORE = re.compile(r"(?<![\w.'’-])[A-Z][a-z]+ \Z")
# A house number after the words read (`Avenue de la Gare 12`, as Switzerland writes it); not after a comma
# (`Park Avenue Pro, 2 bottles`).
_NUMBER_AFTER = re.compile(r"[ \t]*(?:(?:Nr|No|N[º°])\.?[ \t]*)?\d")


def a_thing_after_an_english_street(text: str, start: int, end: int) -> bool:
    """Whether the French street read at text[start:end] (type first, capitalised, no number before it) follows a
    capitalised word and has no house number after it: the type ends an English street's name instead."""
    return (
        text[start].isupper()
        and _NUMBER_AFTER.match(text, end) is None
        and _CAPITALISED_WORD_BEFORE.search(text, max(0, start - 30), start) is not None
    )

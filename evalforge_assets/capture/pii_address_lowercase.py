"""Addresses written in lower case: chat messages, speech-to-text transcripts and notes typed on a phone write
`154 jacob stream`, `2 chemin diane allain`, `tanja-fiebig-weg 28`, `rua emanuel moura 17`, and the address
patterns read a street's name by its capitals. A line with no capital at all is read again with each word
capitalised (`154 Jacob Stream`), and what the patterns find there is found in the line, when one of its words
is a number and a name or no English word: in lower case, `3 easy ways` and `5 main street` read the same as an address, and
it is the name (`jacob`, `perry`, `diane`, `chemin`) that tells them apart. Lines with a capital anywhere are left
as they are: there the writer's capitals say what is a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import (
    COMMON_SURNAME_RANK,
    _common_given_names,
    _ordinary,
    _surname_ranks,
)

# A lower-case letter that starts a word (not after a letter, a digit or an apostrophe: `don't` stays `Don't`).
_WORD_START = re.compile(r"(?<![\w'’])[a-zà-öø-ÿ]")
_LOWER_CASE_LINE = re.compile(r"[^\n]*\d[^\n]*")


def lowercase_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` with a digit, a lower-case letter and no capital."""
    for line in _LOWER_CASE_LINE.finditer(text):
        value = line.group()
        if value == value.lower() and value != value.upper():
            yield line.start(), line.end()


def capitalised(line: str) -> str:
    """`line` with the first letter of each word in capitals; the same length, so spans carry over."""
    return _WORD_START.sub(lambda match: match.group().upper(), line)


_LETTERS = re.compile(r"[^\W\d_]+")


def reads_as_address(value: str) -> bool:
    """Whether a lower-case address found in a capitalised line holds a number and a name or a word that is no
    English word (`park avenue eau de parfum`, numberless, is a perfume)."""
    if not any(char.isdigit() for char in value):
        return False
    surnames, given = _surname_ranks(), _common_given_names()
    for word in _LETTERS.findall(value):
        titled = word.capitalize()
        if not _ordinary(titled) or titled in given or surnames.get(titled, COMMON_SURNAME_RANK + 1) <= COMMON_SURNAME_RANK:
            return True
    return False

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
    stop_words,
)

# A lower-case Latin letter that starts a word (not after a letter, a digit or an apostrophe: `don't` stays `Don't`),
# accented ones too (`šulekova`, `łódzka`).
_WORD_START = re.compile(r"(?<![\w'’])[a-zà-öø-ÿā-ɏ]")
_DIGIT = re.compile(r"\d")
# A number standing as a word (a house's, `12a`, `28/3`, `3-3-31`), which every address pattern needs; not one
# glued to a unit or an id (`30s`, `v2`, `10.0.0.1`, `12:30`), but one after "no:" (`papatya sok no:46`).
_HOUSE_NUMBER = re.compile(r"(?:(?<![\w:])|(?<=\bno:))(?<!\d\.)\d{1,5}(?:[-/]\d{1,5}){0,3}[a-z]?(?![\w:%]|\.\d)")


def lowercase_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each line of `text` with a lower-case letter, no capital, and a number standing as a word."""
    if not _DIGIT.search(text):
        return
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        # `islower`: a cased letter, none of them a capital.
        if line.islower() and _HOUSE_NUMBER.search(line):
            yield start, end
        start = end + 1


def capitalised(line: str) -> str:
    """`line` with the first letter of each word in capitals; the same length, so spans carry over."""
    return _WORD_START.sub(_upper_letter, line)


def _upper_letter(match: re.Match[str]) -> str:
    upper = match.group().upper()
    return upper if len(upper) == 1 else match.group()  # `ŉ` is two letters in capitals: the length must hold


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


_LEADING_WORD = re.compile(r"[^\W\d_]+[ \t]+")


def without_leading_words(line: str, start: int, end: int) -> int:
    """Where a street found in a capitalised lower-case line starts once the English and stop words its name-first
    pattern took before it are left out (`send it to lajosfürdői utca 216.`: every word had a capital, so `It To`
    read as the street's name): the start moves past each while what is left still reads as an address."""
    while (word := _LEADING_WORD.match(line, start, end)) is not None:
        bare = word.group().strip()
        if not (bare in stop_words() or _ordinary(bare.capitalize())):
            break
        if not reads_as_address(line[word.end() : end]):
            break
        start = word.end()
    return start

"""Given names listed with a name already found (`survived by her children, Anna, Mark and Leo`, `grandchildren Ada,
Noor, Kai`): the other words of the list are the same kind of thing as the one a finder read.

A list here is two to nine single capitalised words parted by commas and "and" (or its word in another European
language, as `pii_names_citations` joins authors). When one of its words was found as a person, or a family's word in
the plural stands before it (`his sons Tomas and Elias`), each other word that is a known given name is one too, even
an English word that is a common given name (`Mark`, `Grace`); a word that is neither ends nothing, but is left
(`Anna, Support and Billing` leaves `Support` and `Billing`). Not a very common surname (`Sanchez, Bailey and Simmons`
is a firm's partners), and no list with a month's or a weekday's name (`in January, April and August`) or a country's
or a US state's (`Paris, France`). Asked last, with what the finders and the learned look found
(`pii_names_after_model`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import (
    _PLACE_WORDS,
    VERY_COMMON_SURNAME_RANK,
    _common_given_names,
    _ordinary,
    _surname_ranks,
    known_given_name,
)
from evalforge_assets.capture.pii_names_citations import _AND
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS
from evalforge_assets.capture.pii_names_learned import _MONTHS_AND_DAYS
from evalforge_assets.capture.pii_patterns import _ORGANISATION_WORDS, Candidate
from evalforge_assets.capture.pii_places import countries_and_states

# One capitalised word standing alone: no capitalised word right after it (`Mark Olsen` is another finder's).
_WORD = r"[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ'’-]+(?![\w'’-])(?![ \t]+[A-ZÀ-ÖØ-Þ])"
_JOIN = rf"(?:,[ \t]*+(?:{_AND}[ \t]++)?|[ \t]++{_AND}[ \t]++)"
_LIST = re.compile(rf"(?<![\w'’-]){_WORD}(?:{_JOIN}{_WORD}){{1,8}}")
_ITEM = re.compile(_WORD)
# A family's word in the plural just before the list (`his sons Tomas and Elias`, `grandchildren Ada, Noor, Kai`),
# as obituaries and family notes list them: the list names them, found or not.
_KIN_BEFORE = re.compile(
    r"(?<![\w'’-])(?:(?:great-)?grand(?:children|sons|daughters|kids)|children|sons|daughters|kids|brothers|sisters|"
    r"siblings|nieces|nephews|cousins|parents|stepchildren|stepsons|stepdaughters)[ \t]*,?[ \t]*\Z"
)
_KIN_REACH = 32
_JOINED = re.compile(rf",|[ \t]{_AND}[ \t]")  # a necessary condition of `_LIST`
_AND_WORDS = frozenset(["Et", "Und", "Og", "Och", "En"])  # a joining word written with a capital is no item


def names_listed_with_found(text: str, persons: list[Candidate]) -> Iterator[Candidate]:
    """PERSON spans of the given names in a list with a found person or after a family's word (see the module
    docstring)."""
    if not persons or _JOINED.search(text) is None:
        return
    found = {(start, end) for _, start, end in persons}
    for listed in _LIST.finditer(text):
        items = [item for item in _ITEM.finditer(text, listed.start(), listed.end()) if item.group() not in _AND_WORDS]
        vouched = any(item.span() in found for item in items) or _KIN_BEFORE.search(
            text, max(0, listed.start() - _KIN_REACH), listed.start()) is not None
        if not vouched or any(item.group().lower() in _MONTHS_AND_DAYS or item.group() in countries_and_states()
                              for item in items):
            continue  # `in January, April and August`: a month read as a name vouches for no list
        for item in items:
            if item.span() not in found and _a_given_name(item.group()):
                yield "PERSON", item.start(), item.end()


def _a_given_name(word: str) -> bool:
    """A common given name, though a word too (`Mark`, `Grace`), unless an organisation's or a place's word; or a
    known given name that is no word at all. Capitalised in a list, a stop word of another language (`Ada`, `Kai`)
    is the name."""
    lowered = word.lower()
    if _surname_ranks().get(word, VERY_COMMON_SURNAME_RANK + 1) <= VERY_COMMON_SURNAME_RANK:
        return False  # `Sanchez, Bailey and Simmons`: a firm's partners, each a surname
    if word in _common_given_names():
        return lowered not in _ORGANISATION_WORDS and lowered not in _PLACE_WORDS
    return known_given_name(word) and lowered not in _NON_NAME_WORDS and not _ordinary(word)

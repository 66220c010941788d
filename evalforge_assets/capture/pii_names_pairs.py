"""Two people joined by "and" in a language other than English: `Gestern haben Murat und Reni den Kickoff
verschoben`, `Hier, Camille et Lucas ont décalé`, `Gisteren hebben Sem en Saar`. `pii_names` reads a capitalised
word with no cue only in English text (German capitalises every noun), so in these sentences each single name is
left alone; joined to another by the language's "and", two capitalised words are two people when one is a known
given name and the other a known given name too or no English word at all.

English "and" is not read here: `Romeo and Juliet`, `Tom and Jerry` and `Adam and Eve` are titles far more often
than two people, and English sentences have the other finders. Nor is `&`, which joins the partners of a firm
(`pii_companies`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import (
    _L,
    _U,
    COMMON_SURNAME_RANK,
    _ordinary,
    _surname_ranks,
    known_given_name,
    stop_words,
)
from evalforge_assets.capture.pii_names_cue_words import OTHER_ANDS
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _a_word_not_a_name
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_NAME = rf"{_U}{_L}+(?:-{_U}?{_L}+)?"
# Ukrainian's other "and" and Indonesian's are read here too.
_AND_WORDS = (*OTHER_ANDS, "та", "dan")
_PAIR = re.compile(
    rf"(?<![\w'’-])(?P<first>{_NAME})[ \t]+(?:{'|'.join(_AND_WORDS)})[ \t]+(?=(?P<second>{_NAME})(?![\w'’-]))"
)
_ASCII_AND_WORDS = frozenset(word.encode() for word in _AND_WORDS if word.isascii())
# In ASCII text, a necessary condition read on its view of character classes (`Shapes.classes`): a word ending in
# lower case, a short lower-case one, a capitalised one, a blank between each.
_PAIR_SHAPE = re.compile(rb"a +a{1,3} +Aa")
_SHORTEST = 3


def _given(word: str) -> bool:
    """A known given name, which may be an English word too when it is a common given name ("Camille")."""
    return (len(word) >= _SHORTEST and known_given_name(word) and word.lower() not in stop_words()
            and not _a_word_not_a_name(word))


def _no_word(word: str) -> bool:
    lowered = word.lower()
    return (len(word) >= _SHORTEST and lowered not in stop_words() and lowered not in _NON_NAME_WORDS
            and not (word.isascii() and _ordinary(word)))


def find_paired_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Both names of every pair joined by another language's "and" (see the module docstring)."""
    if shapes.ascii and (shapes.words.isdisjoint(_ASCII_AND_WORDS) or not _PAIR_SHAPE.search(shapes.classes)):
        return
    for match in _PAIR.finditer(text):
        first, second = match.group("first"), match.group("second")
        if (_given(first) and (_given(second) or _no_word(second))) or (_given(second) and _no_word(first)):
            yield "PERSON", match.start("first"), match.end("first")
            yield "PERSON", match.start("second"), match.end("second")


# A name joined by "and" (English's too) to a name already found: `Yesterday Anna Berg and Tom moved the kickoff`,
# `Ayer Taro y Elena Ruiz movieron la reunión`. The found name says the sentence names people; its partner is one
# when it is a known given name or a common surname (`Anna Berg and Google` is a person and a company).
_JOINED = rf"(?:and|{'|'.join(_AND_WORDS)})"
_PARTNER_AFTER = re.compile(rf"[ \t]+{_JOINED}[ \t]+(?P<name>{_NAME})(?![\w'’-])")
_PARTNER_BEFORE = re.compile(rf"(?<![\w'’-])(?P<name>{_NAME})[ \t]+{_JOINED}[ \t]+\Z")


# A cheap test before the names are looked at: "and" or another language's, between spaces, is in the text.
_SPACED_ANDS = tuple(f" {word} " for word in ("and", *OTHER_ANDS))


def partners_of_found_names(text: str, names: list[Candidate]) -> Iterator[Candidate]:
    """The name joined by "and" right after or before each found name (see above)."""
    if not any(word in text for word in _SPACED_ANDS):
        return
    for _, start, end in names:
        after = _PARTNER_AFTER.match(text, end)
        if after is not None and _a_known_name(after.group("name")):
            yield "PERSON", after.start("name"), after.end("name")
        before = _PARTNER_BEFORE.search(text, max(0, start - 40), start)
        if before is not None and _a_known_name(before.group("name")):
            yield "PERSON", before.start("name"), before.end("name")


def _a_known_name(word: str) -> bool:
    """A known given name or a common surname, English word or not (`Tom`, `Smith`): beside a found name it is one."""
    # Not the stop words of 58 languages: capitalised beside a name, `Tom` is no Polish pronoun.
    if len(word) < _SHORTEST or word.lower() in _NON_NAME_WORDS:
        return False
    return known_given_name(word) or _surname_ranks().get(word, COMMON_SURNAME_RANK + 1) <= COMMON_SURNAME_RANK

"""Patients as ward handovers and clinical notes write them, where no title or greeting stands: a name before an age
and a sex (`Wren Castellan, 54M`, `Quenby Marbleridge (82F)`, `… 67 y/o`), after a bed or a room (`Bed 14:
Quenby Marbleridge`, `Rm 5 – Mr Castellan`), and a family name in capitals before a comma and a given name (`FARROW,
Ysolde`, as wristbands, registers and HL7's display write it). Asked after the learned look (`pii_names_after_model`).

Which words are the name is the test of `pii_names_titled` for a ward's staff: capitalised words, the first a known
given name or no ordinary English word, the rest also census surnames (`Hazel Carpenter`), none a stop word or a word
of an organisation or a place. Before an age, the name is the longest run of such words that ends at it (`Admitted
Wren Castellan, 54M` is `Wren Castellan`); a title before it (`Mr`, `Pt`) is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary, _surname_ranks, an_inflected_word, known_given_name
from evalforge_assets.capture.pii_names_titled import name_words_after_a_title
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_places import countries_and_states

_WORD = r"[A-Z][^\W\d_]*(?:[-'’][^\W\d_]+)?"
_NAME_RUN = rf"(?P<run>{_WORD}(?:[ \t]+{_WORD}){{0,4}})"
# An age then a sex after a comma or in parentheses (`, 54M`, `(82 F)`; `Kyoto 2F` is a floor), or an age in years
# (`67yo`, `67 y/o`, `67-year-old`, `aged 67 years`).
_AGE_AND_SEX = r"(?:[ \t]*,[ \t]*|[ \t]*\([ \t]*)\d{1,3}[ \t]?[MF](?![\w/])"
_AGE_IN_YEARS = r"(?:[ \t]*[,(][ \t]*|[ \t]+)(?:aged[ \t]+)?\d{1,3}[ \t]?(?:y/?o\b|yrs?\b|years?[ \t]old\b|-year-old\b)"
_BEFORE_AN_AGE = re.compile(rf"(?<![\w'’-]){_NAME_RUN}(?:{_AGE_AND_SEX}|{_AGE_IN_YEARS})")
_BED = re.compile(
    rf"(?<![\w-])(?:Bed|Room|Rm|Bay|Cubicle|Side[ \t]+room)[ \t]*\d{{1,3}}[A-Z]?[ \t]*[:–—-][ \t]*"
    rf"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr|Pt)\.?[ \t]+)?{_NAME_RUN}"
)
_TITLES = frozenset(("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Pt", "Patient", "Resident", "Client"))
# `FARROW, Ysolde`: a family name in capitals (two words at most, `VAN DYKE`), a comma and a space (without one it
# is a CSV row's next cell: `OLED,Jimmy Choo`), a given name with its capital.
_FAMILY_IN_CAPITALS = re.compile(
    r"(?<![\w'’-])(?P<family>[A-Z][A-Z'’-]{2,}(?:[ \t][A-Z][A-Z'’-]{1,})?),[ \t]+(?P<given>[A-Z][a-z'’-]{1,}"
    r"(?:[ \t][A-Z][a-z'’-]{1,})?)(?![\w'’-])"
)


# Necessary conditions, each a search far cheaper than its pattern's, which is tried at every capital.
_AN_AGE = re.compile(r"\d[ \t]?(?:[MF](?![\w/])|y/?o\b|yrs?\b|years?[ \t]old\b|-year-old\b)")
_A_BED = re.compile(r"(?:Bed|Room|Rm|Bay|Cubicle|Side[ \t]+room)[ \t]*\d")
_CAPITALS_AND_COMMA = re.compile(r"[A-Z]{3},[ \t]+[A-Z]")


def clinical_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of patients before an age and a sex, after a bed, or family name first in capitals."""
    if _AN_AGE.search(text):
        for match in _BEFORE_AN_AGE.finditer(text):
            yield from _tail_named(match)
    for match in _BED.finditer(text) if _A_BED.search(text) else ():
        words = name_words_after_a_title(match.group("run").split())
        if words:
            start = match.start("run")
            yield "PERSON", start, text.index(words[-1], start) + len(words[-1])
    for match in _FAMILY_IN_CAPITALS.finditer(text) if _CAPITALS_AND_COMMA.search(text) else ():
        if _family_name(match.group("family")) and _given_name(match.group("given")):
            yield "PERSON", match.start(), match.end()


def _tail_named(match: re.Match[str]) -> Iterator[Candidate]:
    """The longest run of name words that ends where the age starts, without a title before it."""
    spans = list(re.finditer(r"\S+", match.group("run")))
    words = [span.group() for span in spans]
    for first in range(len(words)):
        tail = words[first:]
        if (tail[0] not in _TITLES and not an_inflected_word(tail[0])  # `Reviewed Ottoline …`
                and name_words_after_a_title(tail) == tail):
            yield "PERSON", match.start("run") + spans[first].start(), match.end("run")
            return


def _family_name(words: str) -> bool:
    """Each word of a family name in capitals is a census surname or no ordinary word, read as a name is written."""
    return all(word.capitalize() in _surname_ranks() or not _ordinary(word.capitalize()) for word in words.split())


def _given_name(words: str) -> bool:
    first = words.split()[0]
    return first not in countries_and_states() and (
        known_given_name(first) or not (_ordinary(first) or an_inflected_word(first)))  # `WARNING, Retrying`

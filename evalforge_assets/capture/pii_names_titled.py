"""A name after a nurse's or a carer's title, as ward handovers and care notes write their staff (`RN Oyelaran`, `SN
Adebayo informed`, `Sister Roisin Quill`, `Charge Nurse Halloran`). `pii_patterns` knows the titles of letters and
forms (`Mr`, `Dr`, `Prof`); these are a ward's. Asked after the learned look (`pii_names_after_model`), so the words
the person model is trained on stay the rules' (`tools/train_person_model.py --check`).

The title is written as a title is, in capitals or with its capital (`RN`, `Sister`), and one to three capitalised
words follow it. They are read up to the first that is an ordinary English word, unless it is a known given name or,
after the first word, a census surname (`Sister Roisin Quill`), so `Nurse Practitioner` and `Sister Company` name no
one and `RN Oyelaran Informed` is `Oyelaran`; nor a stop word of any language, or a word of an organisation, a place
or an everyday thing (`pii_names_cues._NON_NAME_WORDS`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary, _surname_ranks, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _style, _titled
from evalforge_assets.capture.pii_patterns import Candidate

# Registered, staff, enrolled, general and mental health nurses (UK), licensed practical or vocational nurses and
# certified nursing assistants (US), health care assistants; then the titles a ward writes in full.
_TITLES = (r"RN|SN|EN|RGN|RMN|LPN|LVN|CNA|HCA|Staff[ \t]+Nurse|Charge[ \t]+Nurse|Nurse|Sister|Matron|Midwife")
_WORD = r"[^\W\d_]+(?:[-'’][^\W\d_]+)?"
# The run is looked ahead at, so the next title in it (`by RN Philippa to RN Adebayo`) starts a match of its own.
_TITLED_RUN = re.compile(rf"(?<![\w'’.-])(?:{_TITLES})\.?[ \t]+(?=(?P<run>{_WORD}(?:[ \t]+{_WORD}){{0,2}}))")
_MIN_LETTERS = 3
_POSSESSIVE = re.compile(r"['’]s\Z")


def titled_staff_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names after a ward's titles (see the module docstring)."""
    for match in _TITLED_RUN.finditer(text):
        words = name_words_after_a_title(match.group("run").split())
        if words:
            start = end = match.start("run")
            for word in words:
                end = text.index(word, end) + len(word)
            yield "PERSON", start, end


def name_words_after_a_title(words: list[str]) -> list[str]:
    """The words after the title that are the name: the first a known given name or no ordinary word, the rest a
    known given name, no ordinary word or a census surname (family names are ordinary words as often: `Sister Roisin
    Quill`). A first word that is an ordinary word and a given name too (`Rota`, `Rose`) counts only with a name word
    after it. A possessive ends the name (`Sister Company's`)."""
    name: list[str] = []
    for word in words:
        stem = _POSSESSIVE.sub("", word)
        if not _a_name_word(stem, bool(name)):
            break
        name.append(stem)
        if stem != word:
            break
    if len(name) == 1 and _ordinary(_titled(name[0])):
        return []
    return name


def _a_name_word(word: str, after_the_first: bool) -> bool:
    lower = word.lower()
    if _style(word) != "title" or len(word) < _MIN_LETTERS or lower in _NON_NAME_WORDS or lower in stop_words():
        return False
    titled = _titled(word)
    return known_given_name(titled) or not _ordinary(titled) or (after_the_first and titled in _surname_ranks())

"""Person names found from name data, not from the sentence around them: a run of two to four capitalised
words whose first word is a given name in gender-guesser's list (about 60,000 first names from some 50
countries, shipped with the package, nothing downloaded) is a person's name, wherever it stands. The
context cues of `pii_patterns` ("my name is", "Dear", "Thanks,") still find single first names; this finder
adds full names that arrive with no cue at all, as in "forwarding this to Nienke Oude Heer".

What keeps common words out: the first word must not be a word that also starts ordinary phrases ("The",
"Will", "Summer" are names in the list too, so words Evalforge sees in product and error text are excluded),
and no word of the run may be an organisation or product word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from evalforge_assets.capture.pii_patterns import _NOT_NAMES, _ORGANISATION_WORDS, Candidate

# Latin-1 and Latin Extended-A letters: Müller, Dalkılıç, Łukasz, Øyvind.
_CAPITALISED = r"[A-ZÀ-ÖØ-ÞĀ-ž][a-zß-öø-ÿĀ-ž'’]+(?:-[A-ZÀ-ÖØ-ÞĀ-ž][a-zß-öø-ÿĀ-ž'’]+)?"
# Family-name particles written in lower case: Benício da Cunha, Ludwig van der Berg.
_PARTICLES = r"(?:(?:da|de|do|dos|das|van|von|der|den|ter|ten|di|del|della|du|le|la|op|zu|bin|al)[ \t]+)*"
_FULL_NAME = re.compile(
    rf"(?<![\w@.#/-])(?P<first>{_CAPITALISED})(?:[ \t]+{_PARTICLES}{_CAPITALISED}){{1,3}}(?![\w@])"
)
# Given names that are also everyday words in the text Evalforge stores (status words, UI labels, months,
# product words); as the first word of a run they start a phrase far more often than a name.
_EVERYDAY = frozenset(
    ["will", "mark", "max", "may", "june", "april", "august", "summer", "autumn", "winter", "spring", "rose", "joy", "faith", "page", "art", "star", "ruby", "amber", "jade", "crystal", "pearl", "coral", "ivy", "lily", "daisy", "iris", "violet", "hazel", "sunny", "storm", "rain", "angel", "honey", "candy", "cash", "chance", "early", "easter", "forest", "golden", "happy", "harmony", "justice", "king", "major", "mercy", "noble", "patience", "price", "royal", "sage", "stone", "strong", "true", "trust", "young", "content", "lucky", "case", "else", "ever", "job", "penny"]
)


@cache
def _given_names() -> frozenset[str]:
    """The given names of gender-guesser's list, as written (case-sensitive), loaded on first use."""
    from gender_guesser.detector import Detector

    return frozenset(name for name in Detector(case_sensitive=True).names if len(name) > 1)


def _is_name_run(words: list[str]) -> bool:
    first = words[0]
    lowered = first.lower()
    if lowered in _NOT_NAMES or lowered in _EVERYDAY or first not in _given_names():
        return False
    rest = words[1:]
    if any(word.lower() in _ORGANISATION_WORDS or word.lower() in _NOT_NAMES for word in rest):
        return False
    # "Victoria Station", "Georgia Pacific": a given name followed only by dictionary words is a place or a
    # product; a surname that is also a word ("Ruth Baker") is lost to this rule, which is the price of it.
    return not all(_dictionary_word(word) for word in rest)


def _dictionary_word(word: str) -> bool:
    lowered = word.lower()
    words = _english_words()
    return lowered in words or (lowered.endswith("s") and lowered[:-1] in words)


@cache
def _english_words() -> frozenset[str]:
    """GCIDE's English dictionary words (english-words package, shipped with it), lower case."""
    from english_words import get_english_words_set

    return frozenset(get_english_words_set(["gcide"], lower=True, alpha=True))


def find_full_names(text: str) -> Iterator[Candidate]:
    for match in _FULL_NAME.finditer(text):
        words = match.group().split()
        if _is_name_run(words):
            yield "PERSON", match.start(), match.end()

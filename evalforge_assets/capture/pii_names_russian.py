"""Russian words read by their dictionary: OpenCorpora's, through pymorphy3, which tags each reading of a word with
its part of speech and marks given names (`Name`), family names (`Surn`) and patronymics (`Patr`) in every case
(`пелагея`, `фаддею`; `кравец`, `гончару`; `ильинична`).

The romanised look of `pii_names_romanised` knows a Cyrillic given name only when gender-guesser's list holds it in
Latin letters, so the old and rare names Russian speakers still carry (`мефодий`, `фаддей`, `аполлинария`) and every
family name not built with one of its endings (`кузнецов` is; `гончар`, `кравец` are not) went by. The dictionary
knows them, and it knows which readings are everyday words: a word is a given name here only when its singular name
readings weigh at least half of its known readings (pymorphy3's scores, from a tagged corpus), so `пелагея` and
`прохор` are names while `вера` (faith, 70%) and `слава` (glory, 95%) are not. Words the dictionary does not hold
are not guessed at: pymorphy3 would read them by their endings, which `pii_names_romanised` already does.

The data: OpenCorpora's dictionary (CC BY-SA), in `pymorphy3-dicts-ru`. The Ukrainian dictionary pymorphy3 offers
is GPL-licensed, so Ukrainian names are read through the Russian one where the two languages share them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

import pymorphy3

from evalforge_assets.capture.pii_patterns import Candidate

# Given names that are everyday nouns of their language (Russian and Ukrainian: faith, hope, love, glory, rose, lily,
# novel, lion, peace, iris; Greek: hope, peace, love, wisdom, glory, joy).
NOUNS_NAMED = frozenset((
    "вера", "надежда", "любовь", "слава", "роза", "лилия", "роман", "лев", "мир", "ирис", "віра",
    "надія", "любов", "ελπίδα", "ειρήνη", "αγάπη", "σοφία", "δόξα", "χαρά",
))
_GIVEN = "Name"
_FAMILY = frozenset(("Surn", "Patr"))
_LEAST_NAME_SHARE = 0.5
_LONGEST_WORD = 30


@cache
def _analyzer() -> pymorphy3.MorphAnalyzer:
    # The dictionary alone: pymorphy3's guessers for unknown words are what `pii_names_romanised` does by endings,
    # and they cost sixty times a lookup (100 KB of made-up words: 7 s instead of a tenth of one).
    return pymorphy3.MorphAnalyzer(lang="ru", units=[pymorphy3.units.DictionaryAnalyzer()])


def _readings(word: str) -> tuple[tuple[frozenset[str], str, float], ...]:
    """(grammemes, part of speech, score) of each reading the dictionary holds for `word`, in lower case. No name
    or verb is longer than `_LONGEST_WORD` letters, and a longer word is not kept in the cache."""
    return _cached_readings(word.lower()) if len(word) <= _LONGEST_WORD else ()


@lru_cache(maxsize=65_536)
def _cached_readings(word: str) -> tuple[tuple[frozenset[str], str, float], ...]:
    return tuple((frozenset(reading.tag.grammemes), str(reading.tag.POS), reading.score)
                 for reading in _analyzer().parse(word) if reading.is_known)


def russian_given_name(word: str) -> bool | None:
    """True for a word whose known readings are given names by at least half their weight (`прохор`, `аполлинария`,
    `фаддею`); None for one that is a given name less often than a word (`майя`, mostly May; `лада`), a name only
    beside a family name; False for no given name."""
    readings = _readings(word)
    total = sum(score for _, _, score in readings)
    # A given name in the plural is a family name's look-alike far more often than a person (`Ефимов`: Efims', or
    # the family name Efimov).
    named = sum(score for grammemes, _, score in readings if _GIVEN in grammemes and "plur" not in grammemes)
    if not named:
        return False
    return True if named / total >= _LEAST_NAME_SHARE else None


def russian_family_name(word: str) -> bool:
    """A word one of whose known readings is a family name or a patronymic (`гончар`, `кравец`, `ильинична`): only
    ever asked of the word after a given name, where the other readings (`гончар`, a potter) rarely stand."""
    return any(grammemes & _FAMILY for grammemes, _, _ in _readings(word))


def russian_verb(word: str) -> bool:
    """A word whose likeliest known reading is a finite verb (`звонила`, `приехал`, `ответил`)."""
    readings = _readings(word)
    return bool(readings) and max(readings, key=lambda reading: reading[2])[1] == "VERB"


# A capitalised Cyrillic word standing alone: not in an identifier, a path or a word in capitals.
_CAPITALISED = re.compile(r"(?<![\w@/\\.-])[А-ЯЁ][а-яё]{2,}(?![\w@/\\-])")


class _OpenQuotes:
    """Whether a position lies inside Russian quotation marks opened on its line: the name of a firm, a shop or a
    book (`ООО «Марина»`, `«Анна Каренина»`) is written in them, a person's name is not. Asked in increasing
    positions, it reads the text once."""

    def __init__(self, text: str) -> None:
        self._text, self._read, self._open = text, 0, 0

    def at(self, position: int) -> bool:
        segment = self._text[self._read : position]
        if "\n" in segment:
            segment, self._open = segment[segment.rfind("\n") + 1 :], 0
        self._open += segment.count("«") + segment.count("„") - segment.count("»") - segment.count("“")
        self._read = position
        return self._open > 0


def find_russian_names(text: str) -> Iterator[Candidate]:
    """Capitalised Cyrillic words Russian's dictionary reads as given names (`Феофан`, `Аполлинария`), with a family
    name or patronymic after them (`Савва Гончар`, `Пелагея Ильинична`)."""
    if text.isascii():
        return
    words = list(_CAPITALISED.finditer(text))
    quoted = _OpenQuotes(text)
    for index, match in enumerate(words):
        if (quoted.at(match.start()) or match.group().lower() in NOUNS_NAMED
                or russian_given_name(match.group()) is not True):
            continue
        end, following = match.end(), index + 1
        while following < len(words) and text[end : words[following].start()] == " " and (
                russian_family_name(words[following].group())):
            end, following = words[following].end(), following + 1
        yield "PERSON", match.start(), end

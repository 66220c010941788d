"""Given names and family names of Cyrillic and Greek words, for the lower-case name finder (`pii_names_lowercase`).

The given-name data (gender-guesser's) is written in Latin letters, and so are the Russian, Ukrainian, Bulgarian and
Greek names in it (`Veronika`, `Yaroslav`, `Nikos`). A word typed in lower case in its own script (`скажи вероника
и марк что мы опоздаем`) is looked up romanised by `anyascii`'s transliteration, which spells these names as the
data does (`вероника` -> `veronika`, `дмитрий` -> `dmitriy`, `νίκος` -> `nikos`).

In lower case a family name is told by its ending only: the patronymic and surname endings that Russian, Ukrainian
and Belarusian names are built with (`-ович`, `-енко`, `-ський`, `-ова`), and the Greek ones (`-πουλος`, `-ίδης`,
`-άκης`). Everyday words with such an ending that follow a given name in a sentence (`снова`, "again"; `слова`,
"words") are listed out.
Names that are everyday nouns as well (`вера` "faith", `надежда` "hope", `ειρήνη` "peace") are no given names
here: in lower case nothing tells `вера и надежда` the names from the words.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from evalforge_assets.capture.pii_names import _common_given_names, _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_russian import NOUNS_NAMED, russian_family_name, russian_given_name

_CYRILLIC_OR_GREEK = re.compile("[\u0370-\u03ff\u1f00-\u1fff\u0400-\u04ff]")
_FAMILY_NAME_ENDING = re.compile(
    "(?:ович|евич|ёвич|овна|евна|ична|івна|ївна|енко|чук|щук|юк|ський|цький|ська|цька|ский|цкий|ская|цкая|ова|ева|ёва"
    "|ина|ов|ев|ёв|ин|ын"
    "|πουλος|πούλος|πουλου|πούλου|ίδης|ιδης|ίδου|άκης|ακης|άκη|όγλου|ίου)$"
)
_SHORTEST_FAMILY_NAME = 5
# Everyday words with a family name's ending that a sentence puts right after a name.
_WORDS_WITH_NAME_ENDINGS = frozenset((
    "снова", "слова", "готова", "здорова", "основа", "голова", "корова", "дерева", "сына",
    "сегодня", "одина", "давно", "завтра", "кино", "вина", "причина", "машина", "магазина",
    "половина", "минут",
))




def in_romanised_script(word: str) -> bool:
    """True for a word in Cyrillic or Greek letters, which the given-name data knows only romanised."""
    return _CYRILLIC_OR_GREEK.search(word) is not None


@lru_cache(maxsize=65_536)  # words of texts: bounded, unlike @cache
def romanised_given_name(word: str) -> bool:
    """A Cyrillic or Greek word that, romanised, is a known given name (`вероника`, `ярослав`, `νίκος`), or that
    Russian's dictionary reads as one (`мефодий`, `фаддей`: `pii_names_russian`)."""
    if word.lower() in NOUNS_NAMED:
        return False
    return _known_romanised(word) or russian_given_name(word) is True


@lru_cache(maxsize=65_536)  # words of texts: bounded, unlike @cache
def inflected_given_name(word: str) -> bool:
    """A Cyrillic or Greek word that is a known given name romanised, as it is or in the nominative of a case ending
    it may carry after a cue (`γιώργο`, `маше`, `олено`). Only after a cue: alone, `кино` would be `Kina`."""
    if word.lower() in NOUNS_NAMED:
        return False
    return russian_given_name(word) is True or any(_known_romanised(form) for form in (word, *_nominatives(word.lower())))


def typed_given_name(word: str) -> bool:
    """A known given name however it is typed (`Paul`, `rebeca`, `давид`, romanised for Cyrillic and Greek), not a stop
    word of any language (`donna`) nor an ordinary English word unless a common given name (`key`, but `Maria`)."""
    if in_romanised_script(word):
        return romanised_given_name(word)
    titled = word[:1].upper() + word[1:].lower()
    return (word.isalpha() and known_given_name(titled) and word.lower() not in stop_words()
            and not (_ordinary(word) and titled not in _common_given_names()))


def russian_given_name_beside_family_name(word: str) -> bool:
    """A Cyrillic word Russian's dictionary reads as a given name less often than as a word (`майя`, `лада`),
    which a family name after it makes a name (`майя кравец`), but for everyday nouns that are names too (`вера`)."""
    return word.lower() not in NOUNS_NAMED and russian_given_name(word) is None


def _known_romanised(word: str) -> bool:
    romanised = anyascii(word).replace("'", "")
    return romanised.isalpha() and known_given_name(romanised[:1].upper() + romanised[1:].lower())


# The case endings a given name takes after "tell", "ask", "thanks" (Greek `πες στον γιώργο`, `ευχαριστώ νίκο`;
# Ukrainian `олено`, `петре`; Russian `скажи маше`, `попроси ивана`), and the nominative each may stand for.
_NOMINATIVE_OF = (("ο", ("ος",)), ("η", ("ης",)), ("α", ("ας",)), ("ε", ("ος", "ας")), ("о", ("а",)), ("у", ("а",)),
                  ("ю", ("я",)), ("і", ("а",)), ("е", ("а", "о", "")), ("ові", ("о", "")), ("ові", ("а",)),
                  ("а", ("",)), ("ем", ("",)))


def _nominatives(word: str) -> tuple[str, ...]:
    if len(word) < 4 or word in NOUNS_NAMED:
        return ()
    return tuple(word[: -len(ending)] + nominative for ending, nominatives in _NOMINATIVE_OF
                 if word.endswith(ending) for nominative in nominatives)


def has_family_name_ending(word: str) -> bool:
    """A Cyrillic or Greek word of five letters or more with a family name's ending (`шевченко`, `иванова`,
    `παπαδόπουλος`), but for everyday words with such an ending; or one Russian's dictionary knows as a family name
    (`гончар`, `бондарь`: `pii_names_russian`)."""
    lowered = word.lower()
    return (len(lowered) >= _SHORTEST_FAMILY_NAME and lowered not in _WORDS_WITH_NAME_ENDINGS
            and (_FAMILY_NAME_ENDING.search(lowered) is not None or russian_family_name(lowered)))

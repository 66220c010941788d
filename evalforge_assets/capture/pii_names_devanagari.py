"""Names in Hindi prose, where no cue stands before them: `राहुल शर्मा ने कल फोन किया`, `कृपया अमित कुमार से संपर्क
करें`, `सतीश और रति को बोल दो`.

Devanagari has no capitals, so the cue finders (`pii_names_cues`: `श्री`, `नाम:`, `नमस्ते X जी`) reach only names
beside a cue. Name data is written in Latin letters: gender-guesser lists the given names in use in India (`Rahul`,
`Deepak`, `Sunita`; its country column, not the whole list, which romanises loanwords into other countries' names)
and the census the surnames (`Sharma`, `Gupta`, `Patel`). A Devanagari word is romanised by
its letters, with the vowel every consonant carries unless a sign or a virama says otherwise, and without it at
the word's end and, as Hindi speaks it, between a vowel and a consonant that a vowel follows (`सरला` -> `sarla`).
Both sides are then written as one key: long vowels short, `w` as `v`, the aspirate `h` after a stop dropped,
doubled letters single (`दीपक` and `Deepak` are both `dipak`).

A word that is a given name of India is a name when a surname follows it (both are taken, a third word too when it
is one: `अमित कुमार शर्मा`), or when it stands before a postposition, a conjunction or an honorific (`ने`, `को`,
`से`, `का`, `और`, `जी`); not alone at a sentence's end, where Hindi puts its verb. Keys of fewer than four letters
and Hindi's stop words are no names (`कल`, yesterday, is `kal`; `हुई`, happened, `hui`). Given names that are everyday nouns (`आशा` hope, `पूजा` worship,
`दीपक` lamp, `विजय` victory) count only before a surname: `पूजा के बाद`, after the puja, names no one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache, lru_cache

from evalforge_assets.capture.pii_names import _surname_ranks, stop_words
from evalforge_assets.capture.pii_patterns import Candidate

_WORD = re.compile(r"[\u0900-\u094f\u0951-\u0963\u0971-\u097f]+")
_CONSONANTS = dict(zip(
    "कखगघङचछजझञटठडढणतथदधनपफबभमयरलवशषसहळ",
    ["k", "kh", "g", "gh", "n", "ch", "chh", "j", "jh", "n", "t", "th", "d", "dh", "n", "t", "th", "d", "dh", "n", "p", "ph", "b", "bh", "m", "y", "r", "l", "v", "sh", "sh", "s", "h", "l"], strict=True,
))
_NUKTA_CONSONANTS = {"क": "q", "ख": "kh", "ग": "g", "ज": "z", "ड": "r", "ढ": "rh", "फ": "f"}
_VOWELS = dict(zip("अआइईउऊऋएऐओऔ", ["a", "aa", "i", "ii", "u", "uu", "ri", "e", "ai", "o", "au"], strict=True))
_SIGNS = dict(zip("ािीुूृेैोौ", ["aa", "i", "ii", "u", "uu", "ri", "e", "ai", "o", "au"], strict=True))
_VIRAMA, _NUKTA, _NASALS, _VISARGA = "\u094d", "\u093c", "\u0902\u0901", "\u0903"
# Words that end a name's run and say a name stood before them: the postpositions and particles, "and", "or", the
# honorific.
_AFTER_A_NAME = frozenset(("ने", "को", "से", "का", "की", "के", "में", "पर", "जी", "और", "या", "भी", "तथा", "एवं", "ही"))
_SHORTEST_KEY = 4
# Given names that are everyday nouns or a god's name, read as words unless a surname follows.
_NOUNS_NAMED = frozenset((
    "आशा", "पूजा", "दीपक", "विजय", "शांति", "शान्ति", "किरण", "सूरज", "कमल", "प्रेम", "ज्योति", "गीता", "राम", "चंदा",
    "मोती", "हीरा", "सोना", "रानी", "राजा", "देवी", "सागर", "आकाश", "पवन", "अमर", "सुमन", "आनंद", "मंगल", "शनि", "रवि",
    "सोम", "गुरु", "उषा", "संध्या", "निशा", "वर्षा", "शक्ति", "भक्ति", "श्रद्धा", "कृपा", "दया", "करुणा", "ममता", "माया",
    "प्रीति", "कला", "कविता", "गौरव", "विकास", "प्रकाश", "राज", "धर्म", "जया", "लता", "पुष्पा", "नीलम", "मधु", "चंदन",
    "अमृत", "सरिता", "कुमारी", "बसंत", "बहार", "चाँद", "चांद", "तारा", "सितारा", "खुशी", "सुख", "शुभ", "मुक्ति",
    # Times of day and relatives, which the data also lists as given names (`Sham`, `Nana`, `Didi`, `Mama`).
    "शाम", "सुबह", "रात", "दोपहर", "नाना", "नानी", "दादा", "दादी", "दीदी", "भैया", "चाचा", "चाची", "मामा", "मामी",
    "पापा", "मम्मी", "बाबा", "बाबू", "बेटा", "बेटी", "भाभी", "जीजा", "साहब", "मालिक", "मैडम", "सर",
))


def find_devanagari_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates for given names of India written in Devanagari in prose (see the module's docstring)."""
    words = list(_WORD.finditer(text))
    index = 0
    while index < len(words):
        word = words[index]
        taken = _name_at(text, words, index)
        if taken:
            yield "PERSON", word.start(), words[index + taken - 1].end()
            index += taken
        else:
            index += 1


def _name_at(text: str, words: list[re.Match[str]], index: int) -> int:
    """How many words from `index` on are a name (0 when none)."""
    first = words[index].group()
    if not _given_name(first):
        return 0
    count = 1
    while count < 3 and index + count < len(words) and _next_to(text, words[index + count - 1], words[index + count]):
        following = words[index + count].group()
        if following in _AFTER_A_NAME or not (_surname(following) or _given_name(following)):
            break
        count += 1
    if count > 1:
        return count
    if first in _NOUNS_NAMED:
        return 0
    after = words[index + 1] if index + 1 < len(words) else None
    return 1 if after is not None and _next_to(text, words[index], after) and after.group() in _AFTER_A_NAME else 0


def _next_to(text: str, word: re.Match[str], following: re.Match[str]) -> bool:
    return text[word.end() : following.start()] in (" ", "\t")


@lru_cache(maxsize=65_536)  # words of texts: bounded, unlike @cache
def _given_name(word: str) -> bool:
    """A given name of the data, romanised, of four letters or more and no Hindi stop word (`कल`, `kal`, is
    "yesterday" before it is anyone's name)."""
    return word not in stop_words() and any(
        len(key) >= _SHORTEST_KEY and key in _given_keys() for key in romanised_keys(word))



@lru_cache(maxsize=65_536)  # words of texts: bounded, unlike @cache
def _surname(word: str) -> bool:
    return word not in stop_words() and any(
        len(key) >= _SHORTEST_KEY and key in _surname_keys() for key in romanised_keys(word))


@cache
def _given_keys() -> frozenset[str]:
    """The keys of gender-guesser's given names that are in use in India (its country column for India/Sri Lanka):
    the whole list also holds names of other countries that are Hindi's loanwords romanised (`सर्वर`, server, is
    `sarvar`, an Uzbek name)."""
    from gender_guesser.detector import Detector

    india = Detector.COUNTRIES.index("india")
    return frozenset(
        _key(name) for name, genders in Detector(case_sensitive=True).names.items()
        if name.isascii() and name.isalpha() and len(name) >= 3
        and any(countries[india] != " " for countries in genders.values()))


@cache
def _surname_keys() -> frozenset[str]:
    return frozenset(_key(name) for name in _surname_ranks() if len(name) >= 3)


def romanised_keys(word: str) -> tuple[str, ...]:
    """The keys of a Devanagari word romanised, with the medial vowel Hindi leaves unspoken and without it."""
    spelled = _romanised(word)
    if spelled is None:
        return ()
    full, syncopated = spelled
    return tuple(dict.fromkeys(key for key in (_key(full), _key(syncopated)) if len(key) >= 3))


def _romanised(word: str) -> tuple[str, str] | None:
    """The word in Latin letters, and the same without the inherent vowel Hindi drops between a vowel and a
    consonant with a vowel (`सरला`: `sarala`, `sarla`); None for a letter this romaniser does not know."""
    parts: list[str] = []
    inherent: list[int] = []  # indexes in `parts` of an inherent `a`
    position, after_virama, in_cluster = 0, False, False
    while position < len(word):
        char = word[position]
        position += 1
        if char in _CONSONANTS:
            nukta = position < len(word) and word[position] == _NUKTA
            parts.append(_NUKTA_CONSONANTS.get(char, _CONSONANTS[char]) if nukta else _CONSONANTS[char])
            position += nukta
            following = word[position] if position < len(word) else ""
            in_cluster, after_virama = after_virama, following == _VIRAMA
            if following == _VIRAMA:
                position += 1
            elif following in _SIGNS:
                parts.append(_SIGNS[following])
                position += 1
            else:
                inherent.append(len(parts))
                parts.append("a")
        elif char in _VOWELS:
            parts.append(_VOWELS[char])
        elif char in _NASALS:
            parts.append("n")
        elif char == _VISARGA:
            parts.append("h")
        else:
            return None
    if inherent and inherent[-1] == len(parts) - 1 and not in_cluster:
        parts[-1] = ""  # the vowel a word's last consonant carries is not spoken, but after a cluster (`आदित्य`)
    syncopated = list(parts)
    for index in inherent:
        # vowel, consonant, a, consonant, vowel: the `a` goes (`sa-ra-laa` -> `sar-laa`).
        if 2 <= index <= len(parts) - 3 and _vowel(parts[index - 2]) and _vowel(parts[index + 2]) and parts[index]:
            syncopated[index] = ""
            break
    return "".join(parts), "".join(syncopated)


def _vowel(part: str) -> bool:
    return part[:1] in "aeiou" if part else False


def _key(name: str) -> str:
    """One spelling for a name's sound: long vowels short, `w` as `v`, no aspirate after a stop, no double letter."""
    key = name.lower().replace("ee", "i").replace("oo", "u").replace("w", "v").replace("ph", "f")
    key = re.sub(r"([bdgjkpt])h", r"\1", key)
    return re.sub(r"(.)\1+", r"\1", key)

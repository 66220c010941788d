"""Names a speaker gives for themselves in a line typed or transcribed in lower case: `arayan: merhaba ben jaruthip
eraslan`, `khách: alo tôi là vũ mai bảo thảo`, `penelepon: atas nama cahyo marpaung`, `hey it's james abiola um`.

The cue finder (`pii_names_cues`) reads the name after "my name is" by its capitals, which a speech-to-text
transcript or a phone's chat does not have. Here the cue and the words after it decide:

- **A strong cue** ("my name is", "me llamo", "atas nama", "меня зовут" ...) anywhere in the line: the words after
  it are the name.
- **A weak cue** ("it's", "this is", "ben", "aqui é", "tôi là" ...), which says "I am" as often before a state or a
  plan (`ben yarın gelirim`, "I'll come tomorrow"), at the start of the line or after a greeting: the first word
  must be a known given name, or a greeting must stand before the cue.

The name is one to four words up to the first stop word of any of 58 languages, English word, filler (`um`), digit
or punctuation; after an English cue a single word that is no known given name is not enough (`it's nginx`). A
family name's particles after the first word go on with the name, and so does the word after them, English or not
(`femke de wit`, `joão da silva`). A yes may lead the line before the greeting (`ja hallo met bram`: Dutch callers
name themselves after "met").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _PARTICLES, _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_lowercase import lower_case_lines
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_STRONG = (
    "my name is", "the name is", "name's", "me llamo", "mi nombre es", "mi chiamo", "je m'appelle", "mein name ist",
    "ich heiße", "mijn naam is", "jag heter", "jeg heter", "meu nome é", "me chamo", "nazywam się", "jmenuji se",
    "меня зовут", "мене звати", "tên tôi là", "nama saya", "atas nama", "benim adım", "a nevem", "numele meu este",
    "in the name of", "under the name", "no nome de", "a nome di", "au nom de", "a nombre de", "auf den namen",
    "em nome de", "intestato a", "intestata a", "op naam van", "lautet auf", "na nazwisko", "na jméno", "pe numele",
    "на имя", "на ім'я", "на імʼя", "στο όνομα", "tài khoản tên", "đứng tên",
)
_WEAK = (
    "it's", "its", "this is", "i'm", "i am", "ben", "aqui é", "aqui fala", "sou", "eu sou", "tôi là", "mình là",
    "em là", "anh là", "saya", "je suis", "moi c'est", "c'est", "ich bin", "hier ist", "soy", "habla", "sono",
    "ik ben", "jestem", "z tej strony", "это", "це", "jsem", "olen", "sunt",
    "met",  # Dutch answers and opens a call with "(hallo,) met Femke"
)
# A yes or an okay a speaker may start with before the greeting (`ja hallo met …`, `yeah hi it's …`).
_YES = ("ja", "yes", "yeah", "yep", "ok", "okay", "oui", "sí", "si", "sim", "evet", "da", "tak", "ano", "ya", "iya")
_ENGLISH_CUES = frozenset(["it's", "its", "this is", "i'm", "i am", "my name is", "the name is", "name's",
                           "in the name of", "under the name"])
_GREETINGS = (
    "hi", "hello", "hey", "merhaba", "alo", "alô", "oi", "olá", "ola", "bonjour", "salut", "hallo", "hola", "ciao",
    "halo", "hai", "привет", "здравствуйте", "добрий день", "добрый день", "dzień dobry", "ahoj", "hej", "hei",
    "xin chào", "chào", "buongiorno", "buenos días", "bom dia", "boa tarde", "goedemiddag", "guten tag",
)
# Possessive runs (`*+`, `++`): two runs that could share a long run of spaces cost quadratic time when no name
# follows (`hi` and 4,000 spaces took 0.7 s).
_STRONG_CUE = re.compile(rf"(?<![\w'’])(?:{phrase_alternation(_STRONG)})(?:[ \t]*+[:,])?[ \t]++")
_WEAK_CUE = re.compile(
    rf"^[ \t]*+(?:(?:{phrase_alternation(_YES)})(?:[ \t]*+,)?[ \t]++)?(?P<greeting>(?:{phrase_alternation(_GREETINGS)})(?:[ \t]*+[,!.])?[ \t]++)?(?:(?P<addressee>[^\W\d_]+)[ \t]++)?"
    rf"(?P<cue>{phrase_alternation(_WEAK)})[ \t]+"
)
# A caller greets someone by name and names themselves and where they call from (`hi rita it's grace from accounts
# payable`): a given name there is one even when it is also an English word (not `hi team it's fine from my side`).
_FROM_AFTER = re.compile(r"[ \t]+from[ \t]")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t]+")
_FILLERS = frozenset(["um", "uh", "eh", "ah", "er", "erm", "hmm", "yeah", "yes", "ok", "okay", "so", "and"])
_MOST_WORDS = 4
_MOST_PARTICLES = 2


def find_spoken_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names speakers give for themselves in lower-case lines (see the module docstring)."""
    for start, line in lower_case_lines(text):
        for cue in _STRONG_CUE.finditer(line):
            found = _name_after(line, cue.end(), english=cue.group().strip(" \t:,") in _ENGLISH_CUES)
            if found is not None:
                yield "PERSON", start + found[0], start + found[1]
        weak = _WEAK_CUE.match(line)
        if weak is not None:
            addressee = weak.group("addressee") if weak.group("greeting") else None
            by_name = addressee is not None and known_given_name(_titled(addressee))
            found = _name_after(line, weak.end(), english=weak.group("cue") in _ENGLISH_CUES,
                                greeted=weak.group("greeting") is not None, by_name=by_name)
            if found is not None:
                yield "PERSON", start + found[0], start + found[1]
            if addressee is not None and (by_name or _another_scripts_addressee(addressee, found)):
                yield "PERSON", start + weak.start("addressee"), start + weak.end("addressee")


def _another_scripts_addressee(word: str, caller: tuple[int, int] | None) -> bool:
    """Whether the word between a greeting and the caller's cue (`hi епифан it's …`), no known given name, still
    names the one greeted: a word of another script than English's when the caller named themselves after it."""
    return caller is not None and not word.isascii() and _may_be_a_name_word(word)


def _name_after(
        line: str, start: int, english: bool, greeted: bool = True, by_name: bool = False) -> tuple[int, int] | None:
    """(start, end) of the words after a cue that make a name, or None."""
    first = _WORD.match(line, start)
    if (by_name and first is not None and _FROM_AFTER.match(line, first.end())
            and known_given_name(_titled(first.group()))):
        return first.start(), first.end()
    words: list[re.Match[str]] = []
    position = start
    while len(words) < _MOST_WORDS:
        match = _WORD.match(line, position)
        # Particles only after the given name: after two words they go on with the sentence (`sanne bakker van de
        # klantenservice`, of customer service).
        if match is not None and len(words) == 1 and match.group() in _PARTICLES:
            match = _name_word_after_particles(line, match)
            if match is None or not _may_follow_particles(match.group()):
                break
        elif match is None or not _may_be_a_name_word(match.group()):
            break
        words.append(match)
        gap = _GAP.match(line, match.end())
        if gap is None:
            break
        position = gap.end()
    if not words:
        return None
    given = known_given_name(_titled(words[0].group()))
    if not greeted and not given:
        return None
    if english and len(words) == 1 and not given:
        return None  # `it's nginx`: one word that is no given name
    return words[0].start(), words[-1].end()


def _name_word_after_particles(line: str, particle: re.Match[str]) -> re.Match[str] | None:
    """The word after one or two particles of a family name (`femke de wit`, `joost van der berg`), which are stop
    words of their languages and end the name otherwise; None when no word follows them."""
    match: re.Match[str] | None = particle
    for _ in range(_MOST_PARTICLES):
        gap = _GAP.match(line, match.end()) if match is not None else None
        match = _WORD.match(line, gap.end()) if gap is not None else None
        if match is None or match.group() not in _PARTICLES:
            return match
    return None


def _may_follow_particles(word: str) -> bool:
    """A family name after its particles may be an English word as well (`de wit`, `van dam`, `de jong`)."""
    return len(word) >= 2 and word not in _FILLERS and word not in stop_words()


def _may_be_a_name_word(word: str) -> bool:
    return (len(word) >= 2 and word not in _FILLERS and word not in stop_words()
            and not (word.isascii() and _ordinary(_titled(word))))

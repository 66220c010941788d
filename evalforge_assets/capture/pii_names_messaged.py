"""The person a message says just wrote or called, in a lower-case line of a chat, an SMS export or a voicemail's
transcript: `inga lassen skrev lige`, `"text": "nasrin duran az önce yazdı"`, `um agnes obi just texted me`.

Said at the start of a message, "just texted me" and its like in some twenty languages have a person before them (or
a group, whose name is rarely typed in lower case). The words before the phrase back to the message's start, a
speaker's mark (`me`, `<`, `>`, a label's colon, an opening quote) or a filler (`um`, `so`) are the name: one to four
words, particles allowed between them (`cas van vlaanderen`), none a stop word of any of 58 languages unless a known
given name (`inga`), and one at least a known given name or no English word (`hey support just emailed` stays).
Capitalised lines are the other finders' (`pii_names_lowercase.lower_case_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _PARTICLES, _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_lowercase import lower_case_lines
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_JUST_MESSAGED = (
    "just texted", "just messaged", "just wrote", "just called", "just emailed", "just dmed",
    "hat gerade geschrieben", "hat eben geschrieben", "hat gerade angerufen", "hat eben angerufen",
    "appte net", "belde net", "heeft net geappt", "stuurde net", "vient de m'écrire", "vient de m'appeler",
    "vient d'écrire", "vient d'appeler", "me escribió", "me acaba de escribir", "acaba de escribir", "me llamó",
    "acabou de mandar", "acabou de escrever", "acabou de ligar", "me mandou mensagem", "mi ha appena scritto",
    "ha appena scritto", "mi ha appena chiamato", "skrev lige", "ringede lige", "skrev nyss", "ringde nyss",
    "skrev akkurat", "ringte akkurat", "az önce yazdı", "az önce aradı", "barusan chat", "barusan nelpon",
    "baru saja menulis", "vừa nhắn", "vừa gọi", "только что написал", "только что написала", "только что звонил",
    "только что звонила", "щойно написав", "щойно написала", "щойно дзвонив", "щойно дзвонила",
    "właśnie napisał", "właśnie napisała", "właśnie dzwonił", "właśnie dzwoniła", "tocmai mi-a scris",
    "tocmai m-a sunat", "právě psal", "právě psala", "kirjoitti juuri", "soitti juuri",
)
_PHRASE = re.compile(rf"(?<![\w'’-])(?:{phrase_alternation(_JUST_MESSAGED)})(?![\w'’-])")
_WORD_BEFORE = re.compile(r"([^\W\d_]+(?:['’-][^\W\d_]+)*)[ \t]+$")
# What may stand right before the name: a chat export's direction or own mark, a quote, a colon, a filler.
_MESSAGE_START = re.compile(r"(?:^|[\"“'‘:>]|(?<![\w'’-])(?:<|me|um|uh|so|ok|hey|hi|oi|btw|fyi|lol))[ \t]*$")
_MOST_WORDS = 4
_WINDOW = 48


def names_messaged(text: str) -> Iterator[Candidate]:
    """PERSON spans of who a lower-case message says just wrote or called (see the module docstring)."""
    if _PHRASE.search(text) is None:
        return
    for start, line in lower_case_lines(text):
        for phrase in _PHRASE.finditer(line):
            found = _name_before(line, phrase.start())
            if found is not None:
                yield "PERSON", start + found[0], start + found[1]


def _name_before(line: str, end: int) -> tuple[int, int] | None:
    """(start, end) of the one to four name words right before `end`, when a message starts before them."""
    words: list[tuple[int, int]] = []
    position = end
    while len(words) < _MOST_WORDS:
        # Within a window before `position`, so a line of many phrases is read once; a word the window cuts is
        # longer than any name.
        window = max(0, position - _WINDOW)
        word = _WORD_BEFORE.search(line, window, position)
        if word is None or (word.start(1) == window > 0 and line[window - 1].isalpha()):
            break
        text = word.group(1)
        if text in _PARTICLES and words:  # `cas van vlaanderen`: a particle inside the name
            position = word.start(1)
            continue
        if not _may_be_a_name_word(text):
            break
        words.append((word.start(1), word.end(1)))
        position = word.start(1)
    if not any(_a_names_word(line[start:end]) for start, end in words):
        return None  # `hey support just emailed`: English words alone
    if _MESSAGE_START.search(line, max(0, words[-1][0] - _WINDOW), words[-1][0]) is None:
        return None
    return words[-1][0], words[0][1]


def _may_be_a_name_word(word: str) -> bool:
    """A word that may stand in the name: no stop word unless a known given name (`inga`, Swedish "none")."""
    return len(word) >= 2 and (word not in stop_words() or _given_name_no_word(word))


def _a_names_word(word: str) -> bool:
    """A word only a name would hold: a known given name, or no English word (`obi` and `cas` are, beside one)."""
    return typed_given_name(word) or _given_name_no_word(word) or not (word.isascii() and _ordinary(word))


def _given_name_no_word(word: str) -> bool:
    # gender-guesser lists `The`, `My` and `Hey` too, which are English words first.
    return known_given_name(_titled(word)) and not _ordinary(word)

"""People a message is from or to: whom a user asks an assistant to write to, call or remind (`draft a text to
ottilie`, `reply to Hamsini Rajagopalan`, `schreib eine nachricht an ramon`), and the person a lower-case line of a
chat, an SMS export or a voicemail's transcript says just wrote or called (`inga lassen skrev lige`, `"text":
"nasrin duran az önce yazdı"`, `um agnes obi just texted me`).

**Written to.** After "reply to", "a text to", "a message to", "write to", "a meeting with", "forward this to" and
their like in fifteen languages, one to three words are the name: a single word must be a known given name however
it is typed (`reply to everyone`, `a message to kafka` stay), two or more may be words of no English (`hamsini
rajagopalan`); none is a stop word, and none runs on into an identifier (`reply to lil_turtle#3696`). Whom an agent's
plan or a ticket sends, forwards, hands or assigns something to (`email it to Jonas.`, `assign the ticket to Mateus,
then close`) is read too: one known given name that is no English word, where the clause ends after the name.

**Called, texted, reminded.** After the verbs of what an assistant is asked to do to someone (`call`, `text`,
`remind`, `drop in on`, `follow up with`), whom to tell or call in seven more languages (`dis à théo`, `avisa o
joão`, `dile a joaquín`, `sag anna`), or whom a child is collected or a parcel left with (`pick up`, `collect`,
`grabbing`, `leave it with`), the same words are the name, but one word alone only when it is
typed in lower case (`call corwin at five`): a capitalised word after them is a firm's as often (`call Hilton about
the invoice`, `text Chase`), which the learned look reads in its context. With a phone number straight after it, a
capitalised given name alone is taken too, and "contact" and "reach" count as such verbs (`Questions? Call Ingrid on
+44 20 7946 0958`).

**After Spanish's personal "a".** In a text with words only Spanish writes (`el`, `hoy`, `ayer`, `y`), a known given
name typed in lower case after "a" and a verb (`le dije a martín que sí`, `ayer vi a jimena en el súper`), when it
is no English word, no country and no city of 100,000 people or more (`voy a paris`).

**Just wrote.** Said at the start of a message, "just texted me" and its like in some twenty languages have a
person before them (or a group, whose name is rarely typed in lower case). The words before the phrase back to the
message's start, a speaker's mark (`me`, `<`, `>`, a label's colon, an opening quote) or a filler (`um`, `so`) are the
name: one to four words, particles allowed between them (`cas van vlaanderen`), none a stop word of any of 58
languages unless a known given name (`inga`), and one at least a known given name or no English word (`hey support
just emailed` stays). Capitalised lines are the other finders' (`pii_names_lowercase.lower_case_lines`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import chain

from evalforge_assets.capture.pii_names import _PARTICLES, _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_lowercase import lower_case_lines
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_places import a_city_word, countries_and_states
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

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


_WRITTEN_TO = (
    "reply to", "a text to", "a message to", "an email to", "a note to", "write to", "nachricht an", "e-mail an",
    "messaggio a", "mensaje a", "mensagem para", "message à", "bericht aan", "wiadomość do", "meddelande till",
    "besked til", "mesaj at", "сообщение для", "повідомлення для", "tin nhắn cho", "pesan ke", "pesan untuk",
    # Whom a meeting or a call is to be with, and whom a mail is to be forwarded to.
    "a meeting with", "a call with", "lunch with", "dinner with", "coffee with", "catch up with", "forward this to",
    "forward it to", "réunion avec", "treffen mit", "termin mit", "reunión con", "riunione con", "reunião com",
    "afspraak met", "spotkanie z", "встречу с", "зустріч з",
)
_TO = re.compile(rf"(?i)(?<![\w'’-])(?:{phrase_alternation(_WRITTEN_TO)})[ \t]+")
# What an agent's plan or a ticket sends, hands or assigns to someone, then "to" (`email it to Jonas.`, `assign the
# ticket to Mateus, then close`): a known given name there, which the clause ends after, is whom.
_HANDED = (
    "send", "sent", "email", "emailed", "e-mail", "forward", "forwarded", "assign", "assigned", "reassign",
    "reassigned", "hand", "handed", "give", "gave", "pass", "passed", "route", "routed", "escalate", "escalated",
    "delegate", "delegated", "refer", "referred", "mail", "mailed", "transfer", "transferred",
    "introduce", "introduced", "show", "showed", "explain", "explained", "submit", "submitted",
)
_HANDED_TO = re.compile(
    rf"(?i)(?<![\w'’-])(?:{phrase_alternation(_HANDED)})(?:[ \t]++[a-z]+){{0,3}}?[ \t]++to[ \t]++(?=[^\W\d_])")
_CLAUSE_END = re.compile(
    r"[ \t]*(?:[.,;:!?)]|$|and\b|then\b|for\b|by\b|before\b|after\b|today\b|tomorrow\b)", re.MULTILINE)
# What an assistant is asked to do to someone: call, text or remind them, pick them up. Not "called" (`the wifi is
# called FRITZ!Box`).
_CONTACTED = (
    "call", "ring", "phone", "text", "texted", "email", "e-mail", "emailed", "message", "messaged", "ping", "pinged",
    "dm", "remind", "reminded", "invite", "invited", "thank", "thanked", "congratulate", "visit", "visited", "cc",
    "pick up", "drop off", "copy in", "loop in", "drop in on", "check on", "check in with", "follow up with",
    # whom a child is collected or a parcel is left with (`can u collect amara from nursery`, `pickup for ysolde`)
    "picking up", "picked up", "dropping off", "grab", "grabbing", "collect", "collecting", "pickup for",
    "hand it to", "give it to", "leave it with",
)
# Whom to tell, warn or call in the other languages of lower-case chat (`dis à théo`, `avisa o joão`, `dile a
# joaquín`, `sag anna`); Polish inflects the name after them (`powiedz tomkowi`), which no list of given names holds,
# so there, as everywhere, one word counts only when it is a given name as written. A pattern of their own, asked of
# ASCII text only when it holds one of their first words: in one alternation with the English verbs they slowed
# every text's scan.
_TOLD = (
    "dis à", "dites à", "dire à", "préviens", "appelle", "rappelle", "écris à", "dile a", "dígale a", "avisa a",
    "avísale a", "llama a", "escríbele a", "avisa o", "diz ao", "diz à", "diga ao", "diga à", "fala pro", "fala pra",
    "liga pro", "liga pra", "di' a", "dì a", "dici a", "avvisa", "chiama", "scrivi a", "sag", "ruf", "zeg tegen", "bel",
    "powiedz", "zadzwoń do", "napisz do",
)
_CONTACT = re.compile(rf"(?i)(?<![\w'’-])(?:{phrase_alternation(_CONTACTED)})[ \t]+")
# A capitalised given name alone after such a verb may be a firm's (`call Hilton`), but not with a phone number
# straight after it (`Questions? Call Ingrid on +44 20 7946 0958`, `contact Mateus at 07700 900123`), where "contact"
# and "reach" are such verbs too.
_PHONE_AFTER_NAME = re.compile(
    r"(?:[ \t](?:on|at|via|unter|au|al|op|på)[ \t]++|:[ \t]*+|[ \t][-–—][ \t]++)\(?\+?\d[\d \t().-]{6}")
_CONTACT_BY_PHONE = re.compile(r"(?i)(?<![\w'’-])(?:contact|reach|contacta|contacte|contatta|kontaktiere)[ \t]+")
_TELL = re.compile(rf"(?i)(?<![\w'’-])(?:{phrase_alternation(_TOLD)})[ \t]+")
_TOLD_WORDS = first_ascii_words(_TOLD)
# A word of the name, not the start of an identifier, a handle, a path or an address (`lil_turtle#3696`).
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w#@/]|\.\w)")
_GAP = re.compile(r"[ \t]+")
_MOST_WRITTEN_TO = 3


def names_written_to(text: str) -> Iterator[Candidate]:
    """PERSON spans of whom a message is to be written to, or a thing sent or handed to (see the module docstring)."""
    for cue in _TO.finditer(text):
        words = _name_words_after(text, cue.end())
        if words and (typed_given_name(words[0].group()) or len(words) >= 2):
            yield "PERSON", words[0].start(), words[-1].end()
    if " to " in text:
        for cue in _HANDED_TO.finditer(text):
            words = _name_words_after(text, cue.end())
            if words and typed_given_name(words[0].group()) and not _ordinary(words[0].group()) and (
                    _CLAUSE_END.match(text, words[-1].end())):
                yield "PERSON", words[0].start(), words[-1].end()


def names_contacted(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of whom an assistant is asked to call, text or remind (see the module docstring)."""
    told = _TELL.finditer(text) if shapes is None or shapes.may_hold_words(_TOLD_WORDS) else ()
    by_phone = _CONTACT_BY_PHONE.finditer(text) if _PHONE_AFTER_NAME.search(text) else ()
    for cue in chain(_CONTACT.finditer(text), told, by_phone):
        words = _name_words_after(text, cue.end())
        if words and (len(words) >= 2 or (typed_given_name(words[0].group()) and (
                words[0].group().islower() or _PHONE_AFTER_NAME.match(text, words[0].end())))):
            yield "PERSON", words[0].start(), words[-1].end()


# Spanish's personal "a" after a verb of its sentence, in lower-case chat (`le dije a martín que sí`, `ayer vi a
# jimena en el súper`): in a text that reads Spanish, a known given name typed in lower case after it, which is no
# English word (`a mark`) and no place (`voy a paris`, a given name too).
_PERSONAL_A = re.compile(r"(?<=[a-záéíóúñ] )a[ \t]+(?P<name>[a-záéíóúüñ]{3,})(?![\w'’-])")
# Words of Spanish that Portuguese, whose "a" is also the article (`a glória`), does not write.
_SPANISH_WORDS = re.compile(
    r"(?<![\w'’-])(?:el|los|del|muy|estoy|hoy|mañana|ayer|dije|dijo|pues|vale|también|y)(?![\w'’-])")


def names_after_personal_a(text: str) -> Iterator[Candidate]:
    """PERSON spans of the lower-case given names after Spanish's personal "a" (see `_PERSONAL_A`)."""
    if " a " not in text or _SPANISH_WORDS.search(text) is None:
        return
    for match in _PERSONAL_A.finditer(text):
        name = match.group("name")
        if typed_given_name(name) and not _ordinary(name) and _titled(name) not in countries_and_states() and (
                not a_city_word(name)):
            yield "PERSON", match.start("name"), match.end("name")


def _name_words_after(text: str, position: int) -> list[re.Match[str]]:
    """The one to three words at `position` that may name someone (`_may_name`)."""
    words: list[re.Match[str]] = []
    while len(words) < _MOST_WRITTEN_TO and (word := _NAME_WORD.match(text, position)) is not None:
        if not _may_name(word.group()):
            break  # `… to hamsini he says`, `write to disk failed`: a stop word or an English word ends it
        words.append(word)
        gap = _GAP.match(text, word.end())
        if gap is None:
            break
        position = gap.end()
    return words


def _may_name(word: str) -> bool:
    """A known given name, or a word of no English, inflected or not (`failed` is `fail`'s)."""
    if len(word) < 2 or word.lower() in stop_words():
        return False
    if typed_given_name(word):
        return True
    lowered = word.lower()
    stems = [lowered[: -len(ending)] for ending in ("ed", "ing", "es", "er") if lowered.endswith(ending)]
    return not (word.isascii() and (_ordinary(word) or any(_ordinary(stem) or _ordinary(stem + "e") for stem in stems)))


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
    return typed_given_name(word) or not (word.isascii() and _ordinary(word))


def _given_name_no_word(word: str) -> bool:
    # gender-guesser lists `The`, `My` and `Hey` too, which are English words first.
    return known_given_name(_titled(word)) and not _ordinary(word)

"""Speakers of a chat transcript: the names before the colon at the start of a turn.

Support chats and LLM conversations are stored as transcripts ("[16:30] Sandra: +57 315 481 2190",
"Agent (Chloé): Hi, who am I speaking with?"), and a speaker's name is often written nowhere else. A line start
`Name:` is also a log field or a heading ("Status:", "Error:"), so a text counts as a transcript only when at least
two lines start a turn and one of the speakers is a role (Bot, Agent, Customer, Assistant...). Then a speaker that
is no role and no ordinary word is taken as a person, as is a name in brackets after a role ("Agent (Chloé)"). A
chat app's export, whose turns carry a date and a time (`[07/04/2025, 19:40] Durmuşali: ...`, `12/03/2024, 09:15 -
Bruno: ok`), is a transcript without a role: its speakers are the people who wrote. So is a conversation whose
one-word speakers take turns, one of them a known given name (`rebeca: whats the wifi pw` / `aimée: Speak@1984` /
`rebeca: ty`), however they are cased. A message of one turn led by its writer's name in lower case (`ana: pueden
cargarlo a mi tarjeta …`) names its writer when that word is a known given name and no English word (`mark: …`,
`june: …` stay) and a sentence of four words or more follows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _given_names, _ordinary, stop_words
from evalforge_assets.capture.pii_names_cjk import HANGUL
from evalforge_assets.capture.pii_names_cues import (
    _LINE_BREAK,
    _NON_NAME_WORDS,
    _a_word_not_a_name,
    _titled,
    capitalised_non_words,
)
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_names_scripts import is_cjk_name, is_korean_name
from evalforge_assets.capture.pii_patterns import Candidate

_ROLES = frozenset([
    "bot", "chatbot", "agent", "assistant", "ai", "user", "customer", "client", "support", "system", "operator",
    "rep", "representative", "caller", "human", "advisor", "adviser", "host", "moderator", "staff", "csr", "helpdesk",
    "concierge", "me", "you", "guest", "visitor", "kunde", "kundin", "berater", "beraterin", "cliente", "agente",
    "utilisateur", "utente", "usuario", "usuário", "conseiller", "conseillère", "asistente", "assistente", "klant",
    "medewerker", "kund", "asiakas", "klient", "müşteri", "temsilci", "клиент", "оператор", "агент",
])
# A word's letters, with the vowel signs of the Indic and Thai scripts and Latin's combining accents, which `\w`
# leaves out (`पुरुषोत्तम`).
_IN_WORD = r"[\w'’.\u0300-\u036f\u0900-\u0dff\u0e00-\u0eff-]"
_TURN = re.compile(
    rf"(?:^|{_LINE_BREAK})[ \t]*(?P<stamp>\[[^\]\n]{{1,30}}\][ \t]*|\d{{1,2}}:\d{{2}}(?::\d{{2}})?[ \t]+"
    r"|\d{1,4}[./-]\d{1,2}[./-]\d{2,4},?[ \t]+\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?[APap]\.?[Mm]\.?)?[ \t]+[-–][ \t]+)?"
    rf"(?P<speaker>[^\W\d_]{_IN_WORD}*(?:[ \t][^\W\d_]{_IN_WORD}*){{0,2}})"
    r"(?:[ \t]*\((?P<aside>[^()\n\\]{1,40})\))?[ \t]*:[ \t]"
)


# The writer's name leading a message of one turn (`ana: pueden cargarlo a mi tarjeta …`).
_WRITER = re.compile(rf"[ \t]*(?P<speaker>[^\W\d_]{_IN_WORD}{{2,20}}):[ \t]+(?P<message>[^\n]{{1,400}})")


def _a_writer(speaker: str, message: str) -> bool:
    """A known given name in lower case that is no English word, no role, before a sentence of four words or more.
    Capitalised, the word before a colon that opens a text is a label in some language as often (`Stav:`)."""
    lowered = speaker.lower()
    return (speaker == lowered and lowered not in _ROLES and lowered not in _NON_NAME_WORDS
            and _titled(speaker) in _given_names() and not _a_word_not_a_name(speaker) and len(message.split()) >= 4)


# A chat app's export dates every turn (`[07/04/2025, 19:40] Name:`, `12/03/2024, 09:15 - Name:`).
# The comma after the date tells an export from a log line (`[2024-01-02 10:00:01] Kafka: ...`).
_DATED = re.compile(r"\d{1,2}[./]\d{1,2}[./]\d{2,4},[ \t]+\d{1,2}:\d{2}")


def _exported(turns: list[re.Match[str]]) -> bool:
    """Whether two turns or more carry a date and a time: a chat app's export, whose speakers are its people."""
    return sum(1 for turn in turns if turn.group("stamp") and _DATED.search(turn.group("stamp"))) >= 2


def _name(words: list[str]) -> bool:
    """A speaker that is a person: capitalised (or in a script without case), no role, no ordinary word."""
    if not words or any(word.lower() in _ROLES or word.lower() in _NON_NAME_WORDS for word in words):
        return False
    return capitalised_non_words(words)


def find_speakers(text: str) -> Iterator[Candidate]:
    """PERSON candidates for the named speakers of a transcript (see the module's docstring)."""
    if (writer := _WRITER.match(text)) is not None and _a_writer(writer.group("speaker"), writer.group("message")):
        yield "PERSON", writer.start("speaker"), writer.end("speaker")
    if "\n" not in text and "\\n" not in text:
        return  # one line is no transcript
    turns = list(_TURN.finditer(text))
    if len(turns) < 2:
        return
    if not any(turn.group("speaker").lower() in _ROLES for turn in turns) and not _exported(turns):
        yield from _people_talking(turns)
        return
    for turn in turns:
        speaker, aside = turn.group("speaker"), turn.group("aside")
        if speaker.lower() in _ROLES:
            if aside is not None and _name(aside.split()):
                yield "PERSON", turn.start("aside"), turn.end("aside")
        elif _name(speaker.split()):
            yield "PERSON", turn.start("speaker"), turn.end("speaker")


def _people_talking(turns: list[re.Match[str]]) -> Iterator[Candidate]:
    """The speakers of a conversation between people typed without roles, often in lower case (`rebeca: whats the
    wifi pw | aimée: Speak@1984 | rebeca: ty`): three turns or more by two to four one-word speakers, one of whom
    speaks twice and one of whom has a known given name; each speaker that is a person's name is taken."""
    speakers = [turn.group("speaker") for turn in turns]
    distinct = set(speakers)
    if len(turns) < 3 or not 2 <= len(distinct) <= 4 or len(distinct) == len(speakers):
        return
    if any(" " in speaker for speaker in distinct) or not any(map(typed_given_name, distinct)):
        return
    for turn in turns:
        speaker = turn.group("speaker")
        if typed_given_name(speaker) or (speaker.islower() and speaker.isalpha() and _no_word(speaker)) or (
                not speaker.islower() and _name([speaker])):
            yield "PERSON", turn.start("speaker"), turn.end("speaker")


# A chat of turns stamped with a time alone (`[19:44] 김명자: …`), as a messenger or a chat export writes them; a log's
# stamps carry a date (`[2024-01-02 10:00:01] Kafka:`).
_TIMED_TURN = re.compile(r"^[ \t]*\[\d{1,2}:\d{2}(?::\d{2})?\][ \t]*(?P<speaker>[^:\n\[\]<>]{1,40}?)[ \t]*:[ \t]", re.MULTILINE)
_HANGUL_SPEAKER = re.compile(f"[{HANGUL}]{{2,4}}")
_HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def timed_speakers(text: str) -> Iterator[Candidate]:
    """The speakers of a chat whose turns are stamped with a time alone, with no role among them (`[19:44] 김명자:
    …` / `[20:31] 박은영: …`): two turns or more, and a speaker taken when it has a person's name's shape: a Korean
    name (a family name's syllable, two to four syllables), a Chinese or Japanese one (`鈴木 さゆり`), or two or three
    capitalised words none of which is an ordinary word (`Ermenegildo Schiavone`). `find_speakers` asks for a role,
    a date or three turns, which two people's short exchange does not have. Asked after the learned look
    (`pii._find`): among the finders it moved the person model's training words."""
    if "[" not in text:
        return
    turns = list(_TIMED_TURN.finditer(text))
    if len(turns) < 2 or any(turn.group("speaker").lower() in _ROLES for turn in turns):
        return
    for turn in turns:
        if _a_named_speaker(turn.group("speaker")):
            yield "PERSON", turn.start("speaker"), turn.end("speaker")


def _a_named_speaker(speaker: str) -> bool:
    words = speaker.split()
    if _HANGUL_SPEAKER.fullmatch(speaker):
        return is_korean_name(speaker)
    if _HAN_OR_KANA.search(speaker):
        return is_cjk_name(speaker)
    return 2 <= len(words) <= 3 and all(word[:1].isupper() for word in words) and _name(words)


def _no_word(word: str) -> bool:
    """A lower-case word that is no ordinary word, stop word, role or log word (`kamya`, not `error`)."""
    return (word.isascii() and len(word) >= 3 and not _ordinary(word) and word not in stop_words()
            and word not in _NON_NAME_WORDS)


# A thread copied out of Slack or Teams: each message opens with a line of its writer's display name and the time
# (`Teodric Marrow  10:50`, `Ines Vale  9:14 AM`), the message on the lines below.
_POSTED_BY = re.compile(
    r"^[ \t]*(?P<speaker>[^\W\d_][\w'’.-]*(?:[ \t][^\W\d_][\w'’.-]*){0,2})[ \t]+\d{1,2}:\d{2}(?:[ \t]?[AaPp][Mm])?"
    r"[ \t]*$",
    re.MULTILINE,
)
_WORD = re.compile(r"[^\W\d_]+")


def posted_by_speakers(text: str) -> Iterator[Candidate]:
    """The writers of a thread copied from a chat app (`Teodric Marrow  10:50` / `anyone on call?`): two such lines
    or more, none a role; a writer of one word is a known given name, a writer of two or three words is capitalised
    and holds a word that is no ordinary word. The writers' first names where the thread mentions them in lower case
    (`ask teodric again later`) go too, when no ordinary word. Asked after the learned look, like
    `timed_speakers`."""
    if "\n" not in text or ":" not in text:
        return
    lines = list(_POSTED_BY.finditer(text))
    if len(lines) < 2 or any(line.group("speaker").lower() in _ROLES for line in lines):
        return
    first_names: set[str] = set()
    for line in lines:
        speaker = line.group("speaker")
        if _a_writer_name(speaker.split()):
            yield "PERSON", line.start("speaker"), line.end("speaker")
            first_names.add(speaker.split()[0].lower())
    mentioned = {name for name in first_names if len(name) >= 3 and name not in stop_words()
                 and not _ordinary(_titled(name)) and name not in _NON_NAME_WORDS}
    if mentioned:
        for word in _WORD.finditer(text):
            if word.group() in mentioned:
                yield "PERSON", word.start(), word.end()


def _a_writer_name(words: list[str]) -> bool:
    """No role or log word; one word a known given name, or two or three capitalised with a word that is no ordinary
    word among them."""
    if any(word.lower() in _ROLES or word.lower() in _NON_NAME_WORDS for word in words):
        return False
    if len(words) == 1:
        return typed_given_name(words[0])
    return all(word[:1].isupper() for word in words) and not all(_ordinary(word) for word in words)


# A paragraph led by its writer's name in lower case, after a blank line: a review comment under a quoted line of code
# (`> client = OpenAI(…)` / blank / `mirela: please move this key into the vault first.`).
_PARAGRAPH_WRITER = re.compile(rf"\n[ \t]*\r?\n[ \t]*(?P<speaker>[^\W\d_]{_IN_WORD}{{2,20}}):[ \t]+(?P<message>[^\n]{{1,400}})")


def paragraph_writers(text: str) -> Iterator[Candidate]:
    """The writer leading a paragraph after a blank line, as `find_speakers` takes the one leading the text: a known
    given name in lower case that is no English word or role, before a sentence of four words or more. Asked after
    the learned look, like `timed_speakers`."""
    if "\n" not in text or ":" not in text:
        return
    for writer in _PARAGRAPH_WRITER.finditer(text):
        if _a_writer(writer.group("speaker"), writer.group("message")):
            yield "PERSON", writer.start("speaker"), writer.end("speaker")

"""Speakers of a chat transcript: the names before the colon at the start of a turn.

Support chats and LLM conversations are stored as transcripts ("[16:30] Sandra: +57 315 481 2190",
"Agent (Chloé): Hi, who am I speaking with?"), and a speaker's name is often written nowhere else. A line start
`Name:` is also a log field or a heading ("Status:", "Error:"), so a text counts as a transcript only when at least
two lines start a turn and one of the speakers is a role (Bot, Agent, Customer, Assistant...). Then a speaker that
is no role and no ordinary word is taken as a person, as is a name in brackets after a role ("Agent (Chloé)").
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names_cues import _LINE_BREAK, _NON_NAME_WORDS, capitalised_non_words
from evalforge_assets.capture.pii_patterns import Candidate

_ROLES = frozenset([
    "bot", "chatbot", "agent", "assistant", "ai", "user", "customer", "client", "support", "system", "operator",
    "rep", "representative", "caller", "human", "advisor", "adviser", "host", "moderator", "staff", "csr", "helpdesk",
    "concierge", "me", "you", "guest", "visitor", "kunde", "kundin", "berater", "beraterin", "cliente", "agente",
    "utilisateur", "utente", "usuario", "usuário", "conseiller", "conseillère", "asistente", "assistente", "klant",
    "medewerker", "kund", "asiakas", "klient", "müşteri", "temsilci", "клиент", "оператор", "агент",
])
_TURN = re.compile(
    rf"(?:^|{_LINE_BREAK})[ \t]*(?:\[[^\]\n]{{1,30}}\][ \t]*|\d{{1,2}}:\d{{2}}(?::\d{{2}})?[ \t]+)?"
    r"(?P<speaker>[^\W\d_][\w'’.-]*(?:[ \t][^\W\d_][\w'’.-]*){0,2})"
    r"(?:[ \t]*\((?P<aside>[^()\n\\]{1,40})\))?[ \t]*:[ \t]"
)


def _name(words: list[str]) -> bool:
    """A speaker that is a person: capitalised (or in a script without case), no role, no ordinary word."""
    if not words or any(word.lower() in _ROLES or word.lower() in _NON_NAME_WORDS for word in words):
        return False
    return capitalised_non_words(words)


def find_speakers(text: str) -> Iterator[Candidate]:
    """PERSON candidates for the named speakers of a transcript (see the module's docstring)."""
    if "\n" not in text and "\\n" not in text:
        return  # one line is no transcript
    turns = list(_TURN.finditer(text))
    if len(turns) < 2 or not any(turn.group("speaker").lower() in _ROLES for turn in turns):
        return
    for turn in turns:
        speaker, aside = turn.group("speaker"), turn.group("aside")
        if speaker.lower() in _ROLES:
            if aside is not None and _name(aside.split()):
                yield "PERSON", turn.start("aside"), turn.end("aside")
        elif _name(speaker.split()):
            yield "PERSON", turn.start("speaker"), turn.end("speaker")

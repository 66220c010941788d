"""The people action items and to-do lists assign work to: a line that starts (after a bullet or a number) with a
name, then a dash or a colon, then the task in lower case (`- Samir — call Škoda about the invoice`, `2. Emine:
send the deck before Friday`). Meeting notes and their summaries, which LLM applications write and read all day,
name people this way with nothing else around them.

The name is one or two capitalised words, and its first a given name of the long list (gender-guesser's), so a
component or a tool that leads an item (`- Redis — restart the cluster`, `- Kafka: bump the version`) is not read.
A given name that is also an English word (`Will`, `Grace`, `Max`, `June`) counts only when it is a common US given
name and a task's verb follows the dash (`- Will: review the PR`, not `- June: release planned`).

A chat asks for work the same way in lower case: `tell mary to ping me`, `ask cole to merge it`, `remind jack to
book the room`. One word told, asked or reminded "to" do something is a person when it is a common US given name,
though an English word; not an everyday word (`remind will to`, `ask may to`) or a team (`tell ops to`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _common_given_names, _given_names, _ordinary
from evalforge_assets.capture.pii_names_cues import _a_word_not_a_name
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_WORD = r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)*"
# A bullet or a number may lead the line, and a checkbox; a dash (any width) or a colon follows the name; the task starts with a
# lower-case letter.
_ITEM = re.compile(
    rf"[ \t]*(?:[-*•·▪–][ \t]+|\d{{1,2}}[.)][ \t]+)?(?:\[[ xX]\][ \t]+)?"
    rf"(?P<name>{_WORD}(?:[ \t]{_WORD})?)"
    r"[ \t]*(?:[-–—:][ \t]+)(?=[^\W\d_A-Z])(?![A-ZÀ-Þ])"
)
# A task's verb, in the imperative or after "to" or "will", for a name that is also an English word.
_TASK_VERBS = (
    "send", "call", "review", "follow", "draft", "update", "check", "fix", "prepare", "schedule", "book", "email",
    "e-mail", "share", "write", "set", "confirm", "ask", "contact", "investigate", "look", "talk", "reach", "own",
    "sync", "organise", "organize", "order", "test", "deploy", "finalise", "finalize", "submit", "file",
    "coordinate", "collect", "chase", "ping", "circulate", "present", "approve", "sign", "post", "pick", "bring",
    "buy", "pay", "invoice", "reply", "respond", "escalate", "create", "add", "remove", "move", "clean", "merge",
    "close", "open", "reopen", "run", "rerun", "migrate", "upgrade", "rotate", "document", "revise",
    "compile", "gather", "arrange", "plan", "research", "verify", "validate", "notify", "inform", "remind", "loop",
    "get", "find", "make", "take", "handle", "lead", "drive", "to", "will", "owns", "needs", "must",
)
_TASK = re.compile(r"[ \t]*[-–—:][ \t]+(?:" + phrase_alternation(_TASK_VERBS) + r")\b")


_TOLD_TO = re.compile(r"(?<![\w'’-])(?:tell|ask|remind)[ \t]+(?P<name>[a-z]{2,})[ \t]+to[ \t]+[a-z]")


def find_task_owners(text: str) -> Iterator[Candidate]:
    """The names that lead action items or to-do lines of `text`, and those told to do something (see the module
    docstring)."""
    if " to " in text:
        for told in _TOLD_TO.finditer(text):
            name = told.group("name")
            if name.title() in _common_given_names() and not _a_word_not_a_name(name):
                yield "PERSON", told.start("name"), told.end("name")
    if "\n" not in text:
        return
    offset = 0
    for line in text.split("\n"):  # each line matched at its start: far cheaper than a multi-line search
        match = _ITEM.match(line)
        if match is not None and _assigned(line, match):
            yield "PERSON", offset + match.start("name"), offset + match.end("name")
        offset += len(line) + 1


def _assigned(line: str, match: re.Match[str]) -> bool:
    """Whether the item's lead is a person's name (see the module docstring)."""
    words = match.group("name").split()
    first = words[0]
    return (
        all(word[:1].isupper() and not word.isupper() for word in words)
        and first in _given_names()
        and (len(words) == 1 or not _ordinary(words[1]))
        and (not _ordinary(first) or (first in _common_given_names() and _TASK.match(line, match.end("name")) is not None))
    )

"""Names listed one after another after a key or label that introduces people: `Attendees: Anna Berg, 邓红霞,
Carl-Heinz Wende`, `cc: Ines Roth <i.roth@example.org>; Tom Lee`, `"watchers": ["Tanay Mane", "Ines Roth"]`.

The cues of `pii_names_cues` and `pii_names_native` name the first person after a label; the list after it goes on
in any mix of scripts. Each item is read by the test of the finder for its script: a Latin-script run as a label's
name (`pii_names_cues`: one case style, not plain English words), a run in a script without capitals as a name
after a cue (`pii_names_native`). An item may carry its e-mail address in angle brackets or a role in parentheses,
and is quoted in a JSON array. The list ends at the first item that is no name, or that goes on as a sentence.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _PLACE_WORDS, _ordinary
from evalforge_assets.capture.pii_names_cues import (
    _RUN,
    _a_word_not_a_name,
    _accept,
    _known,
    _name_words,
    _style,
)
from evalforge_assets.capture.pii_names_native import _NATIVE_RUN, named_after_cue
from evalforge_assets.capture.pii_patterns import (
    _NOT_NAMES,
    _ORGANISATION_WORDS,
    Candidate,
    phrase_alternation,
)
from evalforge_assets.capture.pii_shapes import Shapes

# Keys and labels of lists of people, lower case (written with `_` or `-` as keys: `"cc_list"` is not one).
_LIST_LABELS = (
    "attendees", "attendee", "participants", "invitees", "guests", "organizers", "organisers", "cc", "bcc",
    "watchers", "reviewers", "assignees", "members", "passengers", "signatories", "recipients", "approvers",
    "teilnehmer", "teilnehmende", "partecipanti", "participantes", "deelnemers", "deltagare", "deltakere",
    "deltagere", "uczestnicy", "katılımcılar", "участники", "учасники", "účastníci", "osallistujat", "résztvevők",
    "participanți", "συμμετέχοντες", "người tham dự", "peserta", "参加者", "出席者", "参与者", "參與者", "与会者",
    "참석자", "참가자",
)
_LIST_LABEL = re.compile(
    r"(?<![\w'’-])(?i:" + phrase_alternation(_LIST_LABELS) + r")(?![\w'’-])"
    r"\\{0,3}[\"']?[ \t]*[:=：][ \t]*\**[ \t]*\[?"
)
_ASCII_LIST_WORDS = frozenset(label.encode() for label in _LIST_LABELS if label.isascii())
_OTHER_LIST_LABELS = re.compile(phrase_alternation(tuple(label for label in _LIST_LABELS if not label.isascii())))
_QUOTE = re.compile(r"[ \t]*(?P<quote>\\{0,3}[\"'])?")
_LATIN_ITEM = re.compile(_RUN)
_NATIVE_ITEM = re.compile(_NATIVE_RUN)
# What may follow a name in the list: its e-mail address, a role ("(Tier 2)"), then a separator or the list's end.
_TRAILER = re.compile(r"[ \t]*(?:<[^<>\n]{1,100}>)?[ \t]*(?:\([^()\n]{1,40}\))?")
_SEPARATOR = re.compile(r"[ \t]*(?:[,;、，；&]|[ \t](?i:and|und|et|y|e|i|ve|en|och|og|и|і)(?![\w'’-]))[ \t]*")
_LIST_END = re.compile(r"[ \t]*(?:$|\r?\n|\\{1,3}[nr]|[\]}.)])", re.MULTILINE)


def find_listed_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Every name of a list after a key or label of people (see the module docstring)."""
    if shapes.words.isdisjoint(_ASCII_LIST_WORDS) and (shapes.ascii or not _OTHER_LIST_LABELS.search(text)):
        return
    for label in _LIST_LABEL.finditer(text):
        yield from _items(text, label.end())


def _items(text: str, position: int) -> Iterator[Candidate]:
    while True:
        quoted = _QUOTE.match(text, position)
        quote = quoted.group("quote") if quoted else None
        item = _item(text, quoted.end() if quoted else position)
        if item is None:
            return
        start, end = item
        after = end
        if quote:
            if not text.startswith(quote, after):
                return
            after += len(quote)
        after = _TRAILER.match(text, after).end()  # type: ignore[union-attr]  # matches the empty string
        separator = _SEPARATOR.match(text, after)
        if separator is None and _LIST_END.match(text, after) is None and after != len(text):
            return  # the words go on: a sentence, not a list of names
        yield "PERSON", start, end
        if separator is None:
            return
        position = separator.end()


def _item(text: str, position: int) -> tuple[int, int] | None:
    """(start, end) of the name at `position`, by its script's test, or None."""
    native = _NATIVE_ITEM.match(text, position)
    if native is not None:
        return (native.start("name"), native.end("name")) if named_after_cue(text, native) else None
    latin = _LATIN_ITEM.match(text, position)
    if latin is None:
        return None
    start = latin.start("name")
    words = _capitalised_words(latin.group("name"))
    if not (words and listed_name(words)):
        skipped, words = _name_words(latin.group("name"))
        if skipped or not words or not _accept("label", words):
            return None
    return start, text.index(words[-1], start) + len(words[-1])


_NOT_IN_NAMES = _NOT_NAMES | _ORGANISATION_WORDS | _PLACE_WORDS


def _capitalised_words(run: str) -> list[str]:
    words: list[str] = []
    for word in run.split()[:4]:
        if _style(word) != "title":
            break
        words.append(word)
    return words


def listed_name(words: list[str]) -> bool:
    """Capitalised words in a list of people that are a name: a known given name alone, or a first and a last word
    that are each a known name or no English word (`Amber Stevens`, where "amber" is also a colour; `Tanay Mane`;
    not `Kafka Connect`), nothing of an organisation or a place."""
    if any(word.lower() in _NOT_IN_NAMES for word in words):
        return False
    if len(words) == 1:
        return _known(words[0]) and not _a_word_not_a_name(words[0])
    return all(_known(word) or not _ordinary(word) for word in (words[0], words[-1]))

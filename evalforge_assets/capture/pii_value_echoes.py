"""Echoes of a number already found in the same text: the same digits, written the same way, somewhere else.

A press release gives its contact's number twice (`Media contact: Emiro Salgado, salgado@…, 32877622526 Press
office: 32877622526`), a forwarded e-mail quotes the signature it answers: the first mention may stand where no cue
or numbering plan vouches for it, and the second, after `Press office:`, is found. Once a number is found, the same
string is the same number wherever it stands as a whole (not inside a longer run of digits or letters), unless the
words before it there name an id.
"""

from __future__ import annotations

from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_phones import an_id_noun_before

# Numbers worth echoing: a person's phone, card, account or social security number, each seven digits or more
# (too rare a string to be another value by its spelling alone).
_ECHOED = frozenset({"PHONE", "CREDIT_CARD", "IBAN", "US_SSN"})
_NUMBER_JOINTS = "-./"


def value_echoes(text: str, found: list[Candidate]) -> Iterator[Candidate]:
    """Every other whole occurrence in `text` of a number `found` there (see the module docstring)."""
    seen: set[str] = set()
    for entity, start, end in found:
        value = text[start:end]
        if entity not in _ECHOED or value in seen:
            continue
        seen.add(value)
        position = text.find(value)
        while position != -1:
            after = position + len(value)
            # Where an id's noun stands before it (`control id 5353742918`), the digits are that id there.
            if position != start and _whole(text, position, after) and not an_id_noun_before(text, position):
                yield entity, position, after
            position = text.find(value, after)


def _whole(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is not part of a longer word or number (`x32877622526`, `1-32877622526`) or of a
    URL."""
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if before.isalnum() or before in "_/=#" or after.isalnum() or after == "_":
        return False  # inside a word, or a URL's path segment, query value or fragment (`/run/4992966673646`)
    if before in _NUMBER_JOINTS and start > 1 and text[start - 2].isdigit():
        return False
    return not (after in _NUMBER_JOINTS and end + 1 < len(text) and text[end + 1].isdigit())

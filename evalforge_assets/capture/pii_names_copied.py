"""People copied on a pull request, a ticket or a chat message by name after `cc`: `Verified with Yadavi's sample
set. cc yadavi`, `cc caroline, devrim`, `/cc प्रतिमा`.

A reviewer copies a colleague by the name the text already used, typed in lower case the way a chat is typed; a
mention with `@` is read by `pii_names_handles`, and a capitalised list after `cc:` by `pii_names_lists`. A
lower-case word after `cc` is left by both, and by the name echoes when it is also an ordinary word (`caroline`,
`peter`, `jay`), since a lower-case word is more often the word. After `cc` it is a person when the text says so
once more:

- **It is a part of a name found in the text** (`Thanks Caroline Brandt … cc caroline`), in any case, even an
  ordinary word.
- **It is written elsewhere in the text with a capital** (`Verified with Yadavi's sample set`), or, in a script
  without capitals, written elsewhere at all (`Verified with प्रतिमा's sample set. cc प्रतिमा`), and it is no
  ordinary English word or stop word: a term copied from the text's own words (`cc release notes`) is written in
  lower case there too. That other mention is then an echo of the name (`pii_name_echoes`).

The words after `cc` are read up to the end of the line or of a sentence, one name per item: items are parted by
commas, "and", "&" or spaces.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_names import _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_scripts import UNCASED_LETTERS
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_CC = re.compile(r"(?<![\w'’@./-])/?cc(?![\w'’@.-])[ \t]*:?[ \t]*", re.IGNORECASE)
# Letters of any script, with the vowel signs of the scripts without capitals (not `\w` in Python's `re`).
_LETTERS = rf"(?:[^\W\d_]|[{UNCASED_LETTERS}])++"
_ITEM = re.compile(rf"{_LETTERS}(?:['’-]{_LETTERS})*(?![\w{UNCASED_LETTERS}@.'’-])")
_SEPARATOR = re.compile(r"[ \t]*(?:,|&|\band\b)?[ \t]*")
_CC_WORD = frozenset([b"cc"])  # for `Shapes.may_hold_words`: `_CC` matches only where `cc` is a word of its own
_MOST_ITEMS = 6
_MIN_LETTERS = 3


def copied_names(text: str, found: Iterable[Candidate], shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of the words after `cc` that name someone the text names again (see the module docstring)."""
    if shapes is not None and not shapes.may_hold_words(_CC_WORD):
        return
    parts = {part.lower() for _, start, end in found for part in text[start:end].split()}
    mentions: dict[str, list[int]] = {}  # each word's first two whole-word places, looked up once
    for cue in _CC.finditer(text):
        position = cue.end()
        for _ in range(_MOST_ITEMS):
            item = _ITEM.match(text, position)
            if item is None:
                break
            if _names_someone(text, item, parts, mentions):
                yield "PERSON", item.start(), item.end()
            separator = _SEPARATOR.match(text, item.end())
            if separator is None or separator.end() == item.end():
                break
            position = separator.end()


def _names_someone(text: str, item: re.Match[str], parts: set[str], mentions: dict[str, list[int]]) -> bool:
    word = item.group()
    lowered = word.lower()
    if lowered in parts:
        return True
    if len(word) < _MIN_LETTERS or lowered in stop_words():
        return False
    if word.isascii() and _ordinary(_titled(word)) and not known_given_name(_titled(word)):
        return False
    # In a script without capitals the same letters elsewhere; otherwise the word capitalised elsewhere.
    written = word if lowered == word.upper() else word[:1].upper() + word[1:].lower()
    if written not in mentions:
        mentions[written] = _first_places(text, written)
    return any(place != item.start() for place in mentions[written])


def _first_places(text: str, written: str) -> list[int]:
    """Where `written` first stands as a whole word in `text`, at most twice (a possessive's `'s` may follow)."""
    edge = rf"\w{UNCASED_LETTERS}"
    pattern = re.compile(rf"(?<![{edge}@.-]){re.escape(written)}(?![{edge}@-]|['’]\w\w)")
    return [match.start() for _, match in zip(range(2), pattern.finditer(text))]

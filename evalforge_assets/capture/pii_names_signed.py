"""The writer's name that closes a short message with no sign-off word before it: `ok, see you at 8. Maria`,
`Нагадую про зустріч завтра. Андрій`, `θα είμαι εκεί στις 8.\\nΝίκος`.

Text messages and chat lines are signed with the name alone. `pii_names_cues` reads a name after a sign-off
(`Best,`, `Grüße`); here the name follows the message's last sentence directly. A message is short (600 characters
at most), and its last one or two words, after a full stop, a question or exclamation mark, a line break or a dash
(`stuck since this morning -- Connie`), are capitalised; the first is a known given name (romanised for Cyrillic and
Greek) and no ordinary English word (unless a common given name: `Maria`, `Emily`; after a dash, never: `Build
status - Grace`), and a second is no ordinary word either. So `We close at 5. Thanks` and `See the docs. Kafka
Connect` stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _a_word_not_a_name
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate

_LONGEST_MESSAGE = 600
_TAIL = 80  # a sentence's end, two words of a name and a few emoji
_WORD = r"[^\W\d_][^\W\d_'’-]*(?:[-'’][^\W\d_]+)?"
# The end of the last sentence, then one or two capitalised words, then nothing but spaces, emoji or a final mark.
_SIGNED = re.compile(
    rf"(?:[.!?…][ \t]+|[.!?…]?[ \t]*\r?\n[ \t]*|[.!?…]?[ \t]*\\n[ \t]*|(?P<dash>[ \t]+(?:--?|[—–~])[ \t]*))"
    rf"(?P<name>{_WORD}(?:[ \t]+{_WORD})?)[ \t]*[.!]?[^\w]{{0,8}}\Z"
)


def find_signed_names(text: str) -> Iterator[Candidate]:
    """The PERSON candidate that signs a short message (see the module's docstring)."""
    if len(text) > _LONGEST_MESSAGE:
        return
    # Only the message's end can hold its signature: the pattern is searched in its last characters alone.
    text = text.rstrip()
    offset = max(0, len(text) - _TAIL)
    if (match := _SIGNED.search(text, offset)) is None:
        return
    words = match.group("name").split()
    if all(word[:1].isupper() for word in words) and typed_given_name(words[0]) and not any(
            word.lower() in _NON_NAME_WORDS for word in words) and (
            len(words) == 1 or not _a_word_not_a_name(words[1])) and not (match.group("dash") and _ordinary(words[0])):
        yield "PERSON", match.start("name"), match.end("name")

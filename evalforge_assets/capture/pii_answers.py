"""Answers in a chat transcript: the message on the line after a question (`Bot: And the service address?` then
`Sandra: Cl. 7ª # 7-35`). A bot or an agent asks for one value at a time, so the answer is that value alone;
the finders of each kind (`pii_phones_placed`, `pii_address_keys`) say which questions ask for theirs and test
the answer as a value of their kind."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SPEAKER_WITHIN = 40  # a speaker's label (`[07:15] Dolores: `) ends this close to the line's start
_DIRECTION = re.compile(r"[ \t]*[<>][ \t]+")


def answers(text: str, asked: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of the message on each line right after a line that `asked` finds a question in, without the
    speaker's label and the spaces around it."""
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines[:-1]):
        following_start = offset + len(line) + 1
        offset = following_start
        if not asked.search(line):
            continue
        following = lines[index + 1]
        colon = following.find(": ")
        start = colon + 2 if 0 <= colon < _SPEAKER_WITHIN else 0
        if (marker := _DIRECTION.match(following, start)) is not None:
            start = marker.end()  # an SMS export's direction mark (`> sent`, `< received`)
        message = following[start:].strip()
        if message:
            begin = following_start + following.index(message, start)
            yield begin, begin + len(message)

"""Answers in a chat transcript: the message on the line after a question (`Bot: And the service address?` then
`Sandra: Cl. 7ª # 7-35`). A bot or an agent asks for one value at a time, so the answer is that value alone;
the finders of each kind (`pii_phones_placed`, `pii_address_keys`, `pii_names_answered`) say which questions ask
for theirs and test the answer as a value of their kind, with the pieces here: a question's line end, and what a
speaker says before the value."""

from __future__ import annotations

import re
from collections.abc import Iterator

_SPEAKER_WITHIN = 40  # a speaker's label (`[07:15] Dolores: `) ends this close to the line's start
_DIRECTION = re.compile(r"[ \t]*[<>][ \t]+")
# Put at a question pattern's start (`^`): the line ends with a question mark. Its end is looked at once, before its
# words; a pattern that looked for the mark after each asking word read a line of 20,000 `phone` in 1.3 s.
ENDS_AS_A_QUESTION = r"(?=[^\n]*\?[ \t]*$)"
_YES = ("sure", "yes", "yeah", "yep", "ok", "okay", "right", "uh", "um", "er", "so")
_SAYING = ("it'?s", "it is", "its", "that'?s", "that is")


def lead_in(more_yes: tuple[str, ...] = (), more_saying: tuple[str, ...] = ()) -> re.Pattern[str]:
    """What a speaker says before the value itself (`Sure, it's 4118463415.`, `um it's …`): yes-words and fillers,
    then "it's" or its like, then fillers; each kind may be given more words (regular expressions)."""
    yes, saying = "|".join((*_YES, *more_yes)), "|".join((*_SAYING, *more_saying))
    return re.compile(rf"(?i)(?:(?:{yes})\b[ \t,.!]*)*(?:(?:{saying})\b[ \t,]*)?(?:(?:uh|um|er)\b[ \t,]*)*")


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

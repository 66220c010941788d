"""Names in the same place of lines written from one template as a line whose name was found.

A to-do list, a batch of log lines or a generated list repeats one sentence with a different person at its end:

    - send Garmin Forerunner 265 invite to tristan lemire
    - send AirPods Pro (2nd gen) invite to tanmayi wadhwa
    - send Philips Hue Starter Kit invite to penny sims

When a found name ends its line, the two words before it (`invite to`, one of them no stop word) are that template's
frame; another line that starts with the same word (after a bullet) and ends with the frame and one to three words
of letters holds a name there too. The template is the evidence the words lack (`penny sims` is two English words),
so what is read there is refused only when it cannot be a person: a stop word or a word no name holds (`the team`)
unless it is a common given name (`penny`), or one word that is no given name (`ops`, `backend`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_names import _common_given_names, _given_names, stop_words
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _titled
from evalforge_assets.capture.pii_patterns import Candidate

_LETTERS = re.compile(r"[^\W\d_]+")
_WORD = re.compile(r"\S+")
# A line's end after a name: spaces and a full stop or a comma at most.
_LINE_TAIL = " \t.,;!\r"
_MOST_WORDS = 3


def slot_names(text: str, names: Iterable[Candidate]) -> Iterator[Candidate]:
    """Names in the slot of lines that share a found name's frame (see the module's docstring)."""
    lines = line_spans(text)
    starts = [line_start for line_start, _ in lines]
    frames: set[tuple[str, str]] = set()
    for _, start, end in names:
        line = lines[bisect.bisect_right(starts, start) - 1]
        if end > line[1] or text[end : line[1]].strip(_LINE_TAIL):
            continue
        before = text[line[0] : start].split()
        if len(before) >= 3 and all(_LETTERS.fullmatch(word) for word in before[-2:]) and any(
                word.lower() not in stop_words() for word in before[-2:]):
            frames.add((_first_word(before), " ".join(before[-2:]).lower()))
    if not frames:
        return
    for line_start, line_end in lines:
        # Each line is asked once per length of the slot, whatever the number of frames.
        words = [(match.start(), match.end()) for match in _WORD.finditer(text, line_start, line_end)]
        if len(words) < 4:
            continue
        first = _first_word([text[start:end] for start, end in words[:3]])
        for size in range(1, _MOST_WORDS + 1):
            if len(words) < size + 3:
                break
            frame = " ".join(text[start:end] for start, end in words[-size - 2 : -size]).lower()
            if (first, frame) in frames:
                slot = [text[start:end] for start, end in words[-size:]]
                slot[-1] = slot[-1].rstrip(_LINE_TAIL)
                if _a_person_there(slot):
                    yield "PERSON", words[-size][0], words[-1][0] + len(slot[-1])
                break


def _a_person_there(words: list[str]) -> bool:
    """Whether the slot's words can be a person: letters only, no stop word, no word a name never holds unless a
    common given name (`penny`), and one word only when a given name."""
    if not all(_LETTERS.fullmatch(word) for word in words):
        return False
    if any(word.lower() in stop_words() or (word.lower() in _NON_NAME_WORDS
                                            and _titled(word) not in _common_given_names()) for word in words):
        return False
    return len(words) > 1 or _titled(words[0]) in _given_names()


def _first_word(words: list[str]) -> str:
    """The line's first word with a letter in it: a bullet (`-`, `1.`) is no part of the template's start."""
    return next((word for word in words if any(char.isalpha() for char in word)), "")


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`, split at its line breaks."""
    spans, start = [], 0
    for line in text.split("\n"):
        spans.append((start, start + len(line)))
        start += len(line) + 1
    return spans

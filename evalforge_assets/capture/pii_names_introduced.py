"""The name someone gives for themselves right after a greeting, wherever the greeting stands in a line: a
voicemail's `Transcription: "hey it's zayyan again, um, call me back …"`, a chat's `hi!! joshua here - can u …`,
a diarized segment's `" hi rita it's grace from accounts payable"`, a call line's `caller: yeah hi it's vũ văn
trung i'm calling about …`.

`pii_names_spoken` reads these cues at the start of a line typed all in lower case, and `pii_names_cues` reads a
capitalised name after "it's"; both take a single word after an English cue only when it is a known given name,
since "it's" is followed by anything (`it's nginx`, `it's down`). After a greeting it is most often followed by the
caller's name, and what comes after the name says so once more. So here:

- **A greeting, an "I am" cue, the name and a confirming word**: a caller's next word ("calling", "from",
  "speaking", "i'm", a filler: `Hi, it's Rudra calling about`), or "again" or the clause's end after a known given
  name or before the caller's own "me" or "my" on the line (`hey it's zayyan again, um, call me back`; `hey it's
  nginx again` stays). Fillers may stand before the greeting (`yeah hi`), and the one greeted between it and the
  cue (`hi rita it's grace from`) is taken as well when it reads as a name.
- **A greeting, the name and "here" ending the clause** (`hi!! joshua here - can u`, `hey, Tanvi here.`).

A name is one to four words, no stop word of the 58 languages or filler among them, the first no ordinary English
word unless it is a known given name (`grace`, `laura`: the Webster words that are names are the names here), and
the longest such run that the confirming word follows is taken; it may be in any case and any script.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from evalforge_assets.capture.pii_names import _ordinary, known_given_name, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

_GREETINGS = ("hi", "hey", "hello", "hiya", "heya", "howdy", "good morning", "good afternoon", "good evening")
_FILLERS = ("yeah", "yes", "yep", "oh", "um", "uh", "ok", "okay", "so", "well")
_SELF_CUES = ("it's", "it’s", "its", "it is", "this is", "i'm", "i’m", "im", "i am")
# A caller's next word after their name; "again" confirms it only with more (`_caller_confirmed`).
_CALLERS_WORDS = ("here", "calling", "from", "speaking", "um", "uh", "erm", "i'm", "i’m", "im", "i am")
_CONFIRMING = ("again", *_CALLERS_WORDS)
# The greeting opens the text, a line, a quotation or a clause after a label's colon (`Transcription: "hey …`).
_GREETING = re.compile(
    rf"(?:^|(?<=[\n\"“‘(\[>])|(?<=[:.!?][ \t]))[ \t]*(?:(?:{phrase_alternation(_FILLERS)})(?:[ \t]*[,.])?[ \t]+)*"
    rf"(?:{phrase_alternation(_GREETINGS)})(?![\w'’])(?:[ \t]*[,!.]+)?[ \t]+",
    re.IGNORECASE | re.MULTILINE,
)
_CUE = re.compile(rf"(?:{phrase_alternation(_SELF_CUES)})[ \t]+", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_GAP = re.compile(r"[ \t]+")
_ADDRESSEE_GAP = re.compile(r"(?:[ \t]*,)?[ \t]+")
_CALLERS_NEXT = re.compile(rf"[ \t]+(?:{phrase_alternation(_CALLERS_WORDS)})(?![\w'’])", re.IGNORECASE)
_CLAUSE_ENDS = re.compile(r"[ \t]*(?:[,.!?;:–—-]|$)|[ \t]+again(?![\w'’])", re.IGNORECASE | re.MULTILINE)
_FIRST_PERSON = re.compile(r"(?<![\w'’])(?:me|my|mine|i|i'm|i’m|im|i'll|i’ll|i've|i’ve)(?![\w'’])", re.IGNORECASE)
_FIRST_PERSON_REACH = 120
_HERE = re.compile(r"[ \t]+here[ \t]*(?:[,.!?;:–—-]|$)", re.IGNORECASE | re.MULTILINE)
_MOST_WORDS = 4
# The greetings' first words, for a cheap test that a text may hold one (`Shapes.may_hold_words`).
_GREETING_WORDS = first_ascii_words(_GREETINGS)


def find_introduced_names(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of the names given right after a greeting (see the module docstring)."""
    if shapes is not None and not shapes.may_hold_words(_GREETING_WORDS):
        return
    for greeting in _GREETING.finditer(text):
        after = greeting.end()
        cue = _CUE.match(text, after)
        addressee = None
        if cue is None and (addressee := _name_word_at(text, after)) is not None:
            gap = _ADDRESSEE_GAP.match(text, addressee[1])
            cue = _CUE.match(text, gap.end()) if gap is not None else None
        if cue is not None:
            end = _confirmed_end(text, cue.end(), _MOST_WORDS, _caller_confirmed)
            if end is not None:
                yield "PERSON", cue.end(), end
                if addressee is not None:
                    yield "PERSON", addressee[0], addressee[1]
            continue
        end = _confirmed_end(text, after, 2, lambda text, _start, end: _HERE.match(text, end) is not None)
        if end is not None:
            yield "PERSON", after, end


def _caller_confirmed(text: str, start: int, end: int) -> bool:
    """Whether what follows the words `start`-`end` says a caller named themselves: a caller's next word (`calling`,
    `from`, `um`), or "again" or the clause's end after a known given name or before the caller's `me` or `my` on
    the same line (`hey it's zayyan again, um, call me back`; not `hey it's nginx again`)."""
    if _CALLERS_NEXT.match(text, end):
        return True
    if not _CLAUSE_ENDS.match(text, end):
        return False
    first = _WORD.match(text, start)
    if first is not None and known_given_name(_titled(first.group())):
        return True
    line_end = text.find("\n", end)
    reach = min(end + _FIRST_PERSON_REACH, len(text) if line_end < 0 else line_end)
    return _FIRST_PERSON.search(text, end, reach) is not None


def _confirmed_end(text: str, start: int, most: int, confirmed: Callable[[str, int, int], bool]) -> int | None:
    """The end of the longest run of name words from `start`, at most `most`, that `confirmed` accepts."""
    ends = []
    word = _name_word_at(text, start)
    while word is not None and len(ends) < most:
        ends.append(word[1])
        gap = _GAP.match(text, word[1])
        word = _name_word_at(text, gap.end(), later=True) if gap is not None else None
    return next((end for end in reversed(ends) if confirmed(text, start, end)), None)


def _name_word_at(text: str, position: int, later: bool = False) -> tuple[int, int] | None:
    """(start, end) of the word at `position` when it can be part of a name; a word after the first (`wendelin
    brocks`) may be an English word too, since the word after the run must still confirm it."""
    match = _WORD.match(text, position)
    if match is None:
        return None
    word = match.group()
    lowered = word.lower()
    if len(word) < 2 or lowered in stop_words() or lowered in _FILLERS or lowered in _CONFIRMING:
        return None
    if not later and word.isascii() and _ordinary(_titled(word)) and not known_given_name(_titled(word)):
        return None
    return match.start(), match.end()

"""US social security numbers written as nine bare digits, which the separated shape (`pii_library.find_ssns`) does
not read: after a word that names one (`SSN: 078051121`, `"taxpayer_identification_number": "158243470"`), or in
the answer on the line after a question for one (`AGENT: … the last four of your social` then `CALLER: the full
one is 642442033`), and a second number compared on the same line to one so named (`SSN on file 290-68-0004
vs. given 310693735`). Nine digits are also ids, amounts and routing numbers, so a bare run counts only there, and
only when the SSA could have issued it (python-stdnum's `us.ssn`: no area 000, 666 or 900-999, no group 00, no
serial 0000)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum.us import ssn

from evalforge_assets.capture.pii_answers import answers
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_SSN_WORD = re.compile(
    r"(?i)(?<![^\W_])(?:ssn|itin|tin|social[ _-]?security(?:[ _-]?(?:number|no))?"
    r"|taxpayer[ _-]?identification[ _-]?number)(?![^\W_])"
)
# What may stand between the word and the number: separators, quotes and "number" / "no." / "is".
_GAP = re.compile(r"""[\s"':=#.,()\[\]-]*(?:(?i:number|no|nr|num|is|was)[\s"':=#.,-]*)*""")
_WINDOW = 40
_NINE_DIGITS = re.compile(r"(?<![\w.,/+-])(?:\d{9}|\d{3}([- ])\d{2}\1\d{4})(?![\w-]|[.,]\d)")
_ASKED = re.compile(r"(?i)\b(?:social|ssn)\b")
_LETTERS = re.compile(r"[^\W\d_]+")
_COMPARING = frozenset({"vs", "versus", "or", "and", "but", "not", "given", "provided", "entered", "typed", "submitted"})
_GATE_WORDS = frozenset([b"ssn", b"social", b"taxpayer", b"tin", b"itin"])


def find_worded_ssns(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """US_SSN candidates (see the module's docstring)."""
    if shapes.ascii and shapes.words.isdisjoint(_GATE_WORDS):
        return
    previous = None  # the last issued number seen, for a second one compared to it
    for number in _NINE_DIGITS.finditer(text):
        if _issued(number.group()):
            if _named(text, number.start()) or _compared(text, previous, number.start()):
                yield "US_SSN", number.start(), number.end()
            previous = number
    if "\n" in text and _ASKED.search(text):
        for start, end in answers(text, _ASKED):
            for number in _NINE_DIGITS.finditer(text, start, end):
                if _issued(number.group()):
                    yield "US_SSN", number.start(), number.end()


def _issued(number: str) -> bool:
    return ssn.is_valid(number.replace("-", "").replace(" ", ""))


def _compared(text: str, previous: re.Match[str] | None, start: int) -> bool:
    """Whether an issued number stands shortly before `start` on the same line after a word naming an SSN, and only
    words of a comparison between them (`Full SSN on file 290-68-0004 vs. given 310693735`): the second number is
    compared to the first, and is one too (not `SSN 204614964, order 719248293`)."""
    if previous is None or start - previous.end() > _WINDOW:
        return False
    between = text[previous.end() : start]
    if "\n" in between or not set(_LETTERS.findall(between.lower())) <= _COMPARING:
        return False
    line_start = text.rfind("\n", 0, previous.start()) + 1
    return _SSN_WORD.search(text, max(line_start, previous.start() - _WINDOW), previous.start()) is not None


def _named(text: str, start: int) -> bool:
    """Whether a word naming an SSN stands right before `start`, with only separators between them."""
    words = list(_SSN_WORD.finditer(text, max(0, start - _WINDOW), start))
    return bool(words) and _GAP.fullmatch(text, words[-1].end(), start) is not None

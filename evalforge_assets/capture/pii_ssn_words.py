"""US social security numbers written as nine bare digits, which the separated shape (`pii_library.find_ssns`) does
not read: after a word that names one (`SSN: 078051121`, `"taxpayer_identification_number": "158243470"`), or in
the answer on the line after a question for one (`AGENT: … the last four of your social` then `CALLER: the full
one is 642442033`). Nine digits are also ids, amounts and routing numbers, so a bare run counts only there, and
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
_GATE_WORDS = frozenset([b"ssn", b"social", b"taxpayer", b"tin", b"itin"])


def find_worded_ssns(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """US_SSN candidates (see the module's docstring)."""
    if shapes.ascii and shapes.words.isdisjoint(_GATE_WORDS):
        return
    for number in _NINE_DIGITS.finditer(text):
        if _issued(number.group()) and _named(text, number.start()):
            yield "US_SSN", number.start(), number.end()
    if "\n" in text and _ASKED.search(text):
        for start, end in answers(text, _ASKED):
            for number in _NINE_DIGITS.finditer(text, start, end):
                if _issued(number.group()):
                    yield "US_SSN", number.start(), number.end()


def _issued(number: str) -> bool:
    return ssn.is_valid(number.replace("-", "").replace(" ", ""))


def _named(text: str, start: int) -> bool:
    """Whether a word naming an SSN stands right before `start`, with only separators between them."""
    words = list(_SSN_WORD.finditer(text, max(0, start - _WINDOW), start))
    return bool(words) and _GAP.fullmatch(text, words[-1].end(), start) is not None

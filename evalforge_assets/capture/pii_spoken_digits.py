"""Numbers read out digit by digit, as speech recognition writes what a caller says: `four one one one one one
...` (a card), `plus four four seven seven oh oh ...` (a phone), `double five`, `triple nine`.

Seven digit words or more in a row are a number someone read out, not a sentence. What kind it is comes from its
digits: thirteen to nineteen that pass the Luhn check are a card; nine that the SSA
could have issued, with "social" or "SSN" said shortly before, a Social Security number; anything else a phone
number (a number that long read out to an agent is one, or an account number that is as personal).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.checksums import luhn_valid, ssn_valid
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes

_DIGITS = {"zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
           "seven": "7", "eight": "8", "nine": "9"}
_REPEATS = {"double": 2, "triple": 3}
# One digit read out, as a pattern (`pii_spoken_emails` reads them after a name too).
DIGIT_WORD = "(?:" + "|".join(_DIGITS) + ")"
_TOKEN = rf"(?:(?:double|triple)[ \t]+)?{DIGIT_WORD}"
_SPOKEN_NUMBER = re.compile(
    rf"(?i)(?<![\w'’-])(?:plus[ \t]+)?{_TOKEN}(?:[ \t]*[,-]?[ \t]+{_TOKEN}){{4,24}}(?![\w'’-])"
)
_WORD_BYTES = frozenset(word.encode() for word in _DIGITS)
_SSN_CUE = re.compile(r"(?i)social|\bssn\b|security number")
_SHORTEST = 7


def _digits(spoken: str) -> str:
    digits: list[str] = []
    repeat = 1
    for word in re.findall(r"[a-z]+", spoken.lower()):
        if word in _REPEATS:
            repeat = _REPEATS[word]
        elif word in _DIGITS:
            digits.append(_DIGITS[word] * repeat)
            repeat = 1
    return "".join(digits)


def find_spoken_numbers(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """CREDIT_CARD, US_SSN and PHONE candidates for numbers read out in words (see the module docstring)."""
    if shapes.ascii and len(shapes.words & _WORD_BYTES) < 2:
        return
    for match in _SPOKEN_NUMBER.finditer(text):
        digits = _digits(match.group())
        if len(digits) < _SHORTEST:
            continue
        if 13 <= len(digits) <= 19 and luhn_valid(digits):
            yield "CREDIT_CARD", match.start(), match.end()
        elif len(digits) == 9 and ssn_valid(digits[:3], digits[3:5], digits[5:]) and _SSN_CUE.search(
                text, max(0, match.start() - 80), match.start()):
            yield "US_SSN", match.start(), match.end()
        else:
            yield "PHONE", match.start(), match.end()

"""Names that the value beside them gives away, in any script and with no cue word or name data:

- **The addressee line of a postal address.** An address is written with the addressee on the line above the
  street (`Ship to:\\nВікторія Бевз\\nпровулок Сергія Ядова, буд. 7`, `Bill to:\\nجواهر آل الشيخ\\n906 …`): the
  line directly above a street line that a finder took is a name when it reads as one (one to five words of
  letters only, no ordinary English word, no organisation or place word, no label ending in a colon; a single
  word only outside ASCII, where name lists do not reach and `Globex` cannot be told from a surname).
- **The holder of an account, written before its IBAN** (`Please wire €105.00 to Abby Dobbin, IBAN IE55 …`,
  `KYC ok: Caleb Wali, IBAN …`): the capitalised words right before `IBAN` (after a comma or an opening
  parenthesis), unless they are ordinary words or name an organisation (`Deutsche Bank, IBAN …`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_names import _U, _given_names, _ordinary
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS, _PARTICLES, _a_word_not_a_name, _titled
from evalforge_assets.capture.pii_patterns import Candidate

# A line of letters only: words of any script joined by spaces, hyphens, apostrophes or the full stop of an
# initial ("Jessica V. Barnes", "O'Neil", "Gros-Rivière").
_NAME_LINE = re.compile(r"[^\W\d_]+(?:(?:[ \t]+|[-'’]|\.[ \t]*)[^\W\d_]+){0,6}\.?")
# Where a line starts: after a line break, also one written as an escape inside a JSON string.
_LINE_BREAKS = ("\n", "\\n")
MOST_WORDS = 5
_HOLDER_WORD = rf"{_U}[^\W\d_]+(?:[-'’]{_U}[^\W\d_]+)?"
_BEFORE_IBAN = re.compile(
    rf"(?<![\w'’-])(?P<name>{_HOLDER_WORD}(?:[ \t]+(?:(?:{'|'.join(sorted(_PARTICLES))})[ \t]+)*{_HOLDER_WORD}){{0,3}})"
    r"[ \t]*[,(][ \t]*IBAN\b"
)


def addressee_names(text: str, streets: Iterable[Candidate]) -> Iterator[Candidate]:
    """The name on the line above each street finding that starts its line, when that line starts the address
    block: the text's first line, or one after a blank line or a label (`Ship to:`). A line above a street in
    the middle of other lines is as often a company, a building or a department."""
    for _, start, _ in streets:
        street_line = _line_start(text, start)
        above = _line_before(text, street_line) if street_line is not None else None
        if above is None:
            continue
        above_start, above_end = above
        before = _line_before(text, above_start)
        label = text[before[0] : before[1]].strip(" \t") if before is not None else ""
        if label and not label.endswith(":"):
            continue
        line = text[above_start:above_end]
        stripped = line.strip(" \t")
        if an_addressee(stripped):
            begin = above_start + line.index(stripped)
            yield "PERSON", begin, begin + len(stripped)


def _line_start(text: str, start: int) -> int | None:
    """Where the line that `start` begins starts (spaces before it allowed), or None when other text stands
    before it on its line."""
    position = start
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    if position == 0 or any(text.endswith(line_break, 0, position) for line_break in _LINE_BREAKS):
        return position
    return None


def _line_before(text: str, line_start: int) -> tuple[int, int] | None:
    """(start, end) of the line that ends at the line break just before `line_start`, or None for the first."""
    if line_start == 0:
        return None
    end = line_start - (2 if text.endswith("\\n", 0, line_start) else 1)
    if end > 0 and text[end - 1] == "\r":
        end -= 1
    escaped = text.rfind("\\n", 0, end)
    return max(text.rfind("\n", 0, end) + 1, escaped + 2 if escaped >= 0 else 0), end


def an_addressee(line: str) -> bool:
    """A line that reads as a name on its own: one to five words of letters, no ordinary, organisation or place
    word (a single word only outside ASCII)."""
    if not line or len(line) > 60 or _NAME_LINE.fullmatch(line) is None:
        return False
    words = [word for word in re.split(r"[ \t]+", line) if word.lower() not in _PARTICLES]
    if not 1 <= len(words) <= MOST_WORDS or (len(words) == 1 and line.isascii()):
        return False
    parts = [part for word in words for part in re.split(r"[-'’.]", word) if part]
    if any(part.lower() in _NON_NAME_WORDS for part in parts):
        return False
    return not any(_a_word_not_a_name(part) for part in parts if part.isascii() and len(part) > 1)


# A holder typed in lower case: two or three words, the first a known given name ("til william christiansen, IBAN").
_LOWER_BEFORE_IBAN = re.compile(r"(?<![\w'’-])(?P<name>[^\W\d_A-Z]+(?:[ \t]+[^\W\d_A-Z]+){1,2})[ \t]*,[ \t]*IBAN\b")


def find_holders_before_ibans(text: str) -> Iterator[Candidate]:
    """The capitalised words right before `, IBAN` or `(IBAN`, or lower-case ones led by a known given name."""
    for match in _LOWER_BEFORE_IBAN.finditer(text):
        words = match.group("name").split()
        for first in range(len(words) - 1):  # the sentence before the name ("til william …") is no part of it
            if _titled(words[first]) in _given_names() and not any(
                    _a_word_not_a_name(word) for word in words[first:]):
                start = match.start("name") + match.group("name").index(words[first])
                yield "PERSON", start, match.end("name")
                break
    for match in _BEFORE_IBAN.finditer(text):
        words = [word for word in match.group("name").split() if word.lower() not in _PARTICLES]
        if any(word.lower() in _NON_NAME_WORDS for word in words) or all(_ordinary(word) for word in words):
            continue
        yield "PERSON", match.start("name"), match.end("name")

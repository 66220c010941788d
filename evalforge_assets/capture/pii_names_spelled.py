"""Names spelled out letter by letter, as a caller confirms one to an agent or a speech-to-text transcript writes
it: `yeah it's nnamani n n a m a n i`, `Bates, B-A-T-E-S`, `i b r a h i m`.

A word followed by its own letters one by one is a name being spelled (nobody spells "invoice" to an agent), and
the spelled letters say the name as well as the word does, so both are hidden; letters spelled with no word before
them (`i b r a h i m`) are hidden when they are six or more, long enough to be no initials or abbreviation, and not
in the alphabet's or a keyboard's order (`a b c d e f`). The letters may be separated by spaces, dashes or dots, in
any case.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_patterns import Candidate

_LETTER = r"[^\W\d_]"
# A word, then one letter at a time with a separator between each (three or more letters).
_SPELLED_AFTER_WORD = re.compile(
    rf"(?<![\w'’-])(?P<word>{_LETTER}+(?:['’-]{_LETTER}+)*(?<=\w\w))[ \t]*[,:]?[ \t]+"
    rf"(?P<letters>{_LETTER}(?:[ \t.-]+{_LETTER}){{2,}})(?![\w'’])"
)
# A name is at most some thirty letters: a longer run of single letters is something else (a test pattern, a grid).
_SPELLED_ALONE = re.compile(
    rf"(?<![\w'’.-])(?<![^\w'’]{_LETTER}[ \t.-])(?<!^{_LETTER}[ \t.-])"  # not inside a longer run of letters
    rf"{_LETTER}(?:[ \t.-]{_LETTER}){{5,30}}(?![\w'’]|[ \t.-]{_LETTER}(?![\w'’]))"
)
_SHORTEST_ALONE = 6


def find_spelled_names(text: str) -> Iterator[Candidate]:
    """PERSON spans of words spelled out after them, and of long runs of spelled letters (see the docstring)."""
    taken: list[tuple[int, int]] = []
    for match in _SPELLED_AFTER_WORD.finditer(text):
        word, letters = match.group("word"), match.group("letters")
        if _letters_of(letters) == word.lower().replace("-", "").replace("'", "").replace("’", ""):
            yield "PERSON", match.start("word"), match.end("word")
            yield "PERSON", match.start("letters"), match.end("letters")
            taken.append(match.span())
    for match in _SPELLED_ALONE.finditer(text):
        letters = _letters_of(match.group())
        if len(letters) >= _SHORTEST_ALONE and not _a_sequence(letters) and not any(
            start <= match.start() < end for start, end in taken
        ):
            yield "PERSON", match.start(), match.end()


# Letters in the order of the alphabet or of a keyboard's rows are options or keys, not a name (`a b c d e f`).
_SEQUENCES = ("abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def _a_sequence(letters: str) -> bool:
    return any(letters in sequence for sequence in _SEQUENCES)


def _letters_of(spelled: str) -> str:
    return "".join(char for char in spelled if char.isalpha()).lower()

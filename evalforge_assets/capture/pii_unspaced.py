"""Values written against the letters of scripts that put no space between words: `カード4307 7195 1783 4690への返金`,
`PCが25.19.156.101から`, `有事打13143511396`, `โทร0812345678`.

Chinese, Japanese, Korean and Thai letters are word characters to a regular expression, so the boundaries the
finders of numbers, addresses and keys ask for (`(?<!\\w)`, `\\b`) never open between such a letter and a digit.
Rather than teach every finder those scripts, the structured finders also read a view of the text in which each of
their letters is an ideographic comma: one character for one, so a finding's offsets are the text's own. Names and streets are
left to the finders that read those scripts (`pii_names_cjk`, `pii_address_scripts`), which the view would blind.
"""

from __future__ import annotations

import re

_RANGES = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF), (0xAC00, 0xD7A3),
           (0x1100, 0x11FF), (0x3130, 0x318F), (0x0E01, 0x0E5B))
# An ideographic comma, not a space: no word character, and no separator a number is written with, so `2024년 6월
# 23일` reads as three numbers, not as one phone written in groups.
_MARK = "\u3001"
_MARKS = {code: _MARK for first, last in _RANGES for code in range(first, last + 1)}
_CLASS = "".join(f"{chr(first)}-{chr(last)}" for first, last in _RANGES)
# Such a letter against a printable ASCII character, on either side: the only place the view finds more.
_AGAINST = re.compile(f"[{_CLASS}][!-~]|[!-~][{_CLASS}]")
# Entities the view is read for; the finders of names and streets read these scripts themselves.
SPACED_OUT = frozenset({"PERSON", "STREET_ADDRESS"})


def unspaced_view(text: str) -> str | None:
    """`text` with every letter of Chinese, Japanese, Korean and Thai as `、`, when such a letter touches an
    ASCII character; None otherwise (the view would find nothing the text does not)."""
    if text.isascii() or _AGAINST.search(text) is None:
        return None
    return text.translate(_MARKS)

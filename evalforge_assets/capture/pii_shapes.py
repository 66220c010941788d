"""Byte views of a text, made once per text in one C-level pass each, that tell the PII finders whether they
could match at all: most texts Evalforge stores hold no personal data, and answering "no" from a set lookup or
a literal-led bytes search is far cheaper than running a finder's pattern over the text.

Every gate built on these views is a necessary condition of the finder it guards, never a narrower one, so
gating changes what is found in no text; it only skips finders that would have found nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass


def first_ascii_words(phrases: Iterable[str]) -> frozenset[bytes]:
    """The first word of each cue phrase that is written in ASCII letters (`"co-worker"` -> `co`, `"good morning"`
    -> `good`), for `Shapes.may_hold_words`: a text without any of them holds none of the phrases."""
    return frozenset(first.encode() for phrase in phrases
                     if (first := re.split(r"[ .'-]", phrase)[0]).isascii() and first.isalpha())


def _translation(keep: Callable[[int], int]) -> bytes:
    return bytes(keep(byte) for byte in range(256))


# Letters lowered, everything else a space: `shape.split()` is the list of words, found in one C pass.
LETTER_SHAPE = _translation(lambda b: b | 0x20 if chr(b).isascii() and chr(b).isalpha() else 0x20)
# Digits as "0", everything else kept: digit runs become a literal the regex engine searches fast.
_DIGIT_SHAPE = _translation(lambda b: 0x30 if 0x30 <= b <= 0x39 else b)
# Character classes: upper case "A", lower case "a", digit "0", space or tab " ", anything else ".".
CLASS_SHAPE = _translation(
    lambda b: 0x41 if 0x41 <= b <= 0x5A else 0x61 if 0x61 <= b <= 0x7A else 0x30 if 0x30 <= b <= 0x39
    else 0x20 if b in (0x09, 0x20) else 0x2E
)
# Seven characters of digits and phone separators, from digit to digit, in the digit view. Every number finder's
# shape is a special case of it (`_NUMBER_RUN`, `_LONG_DIGITS_SHAPE`, `_SSN_SHAPE_RUN`, `_PHONE_SHAPE_RUN`, ten or
# nine digits in a row, `_SEVEN_DIGITS`), so one search tells them all whether to look.
NUMBER_RUN_SHAPE = re.compile(rb"0[0 ().\-/]{5,}0")


@dataclass(slots=True)
class Shapes:
    """Byte views of one text with the same indexes (non-ASCII characters become one `?` byte each).

    Read-only by convention, not `frozen`: a frozen dataclass sets each field through `object.__setattr__`,
    which cost more than all the views together (one is made per scanned text)."""

    padded_letters: bytes  # a space, then the letter shape
    digits: bytes
    words: frozenset[bytes]  # every run of ASCII letters, lowered
    ascii: bool
    classes: bytes = b""  # CLASS_SHAPE: exact for ASCII text only (other scripts' letters and digits are ".")
    number_run: bool = True  # `NUMBER_RUN_SHAPE` is in the digit view

    @classmethod
    def of(cls, text: str) -> Shapes:
        raw = text.encode("ascii", "replace")
        padded_letters = b" " + raw.translate(LETTER_SHAPE)
        digits = raw.translate(_DIGIT_SHAPE)
        return cls(padded_letters, digits, frozenset(padded_letters.split()), text.isascii(),
                   raw.translate(CLASS_SHAPE), NUMBER_RUN_SHAPE.search(digits) is not None)

    @property
    def letters(self) -> bytes:
        return self.padded_letters[1:]

    def may_hold_digits(self, shape: re.Pattern[bytes]) -> bool:
        """Whether a finder whose pattern needs `\\d` characters in the arrangement `shape` (digits written as
        "0") could match. Only ASCII text can be ruled out: `\\d` also matches digits of other scripts, which
        the byte view turns into `?`."""
        return not self.ascii or shape.search(self.digits) is not None

    def may_hold_words(self, words: frozenset[bytes]) -> bool:
        """Whether a finder that needs one of the whole, case-insensitive ASCII `words` could match. Only ASCII
        text can be ruled out: case-insensitive matching folds some other letters (the Kelvin sign, long s)
        onto ASCII ones."""
        return not self.ascii or not self.words.isdisjoint(words)

    def word_positions(self, words: Iterable[bytes]) -> list[int]:
        """Where each of `words` (lower-case ASCII) stands whole in the text, in order: in the letter view the
        padding space before a word sits at the word's own index in the text."""
        letters, found = self.padded_letters, []
        for word in words:
            needle = b" " + word
            index = letters.find(needle)
            while index != -1:
                end = index + len(needle)
                if end == len(letters) or letters[end] == 0x20:  # the whole word, not the start of a longer one
                    found.append(index)
                index = letters.find(needle, index + 1)
        return sorted(found)


class WordFragments:
    """Whether a text's ASCII words hold one of some lowercase letter fragments (key-name stems), remembering the
    words found to hold none: texts repeat a small vocabulary, so most texts are answered by one C-level subset
    test of their word set instead of a regex scan. A necessary condition on ASCII text only, like `Shapes`'
    own tests: a fragment of letters is in the lowered text exactly when it is inside one of its words.

    The memory is bounded (it starts over past `limit` words, as random ids add words seen once); its updates
    are single set operations, safe between threads under the GIL."""

    def __init__(self, fragments: re.Pattern[bytes], limit: int = 50_000) -> None:
        self._fragments = fragments
        self._limit = limit
        self._clean: set[bytes] = set()

    def may_hold(self, shapes: Shapes) -> bool:
        if not shapes.ascii:
            return True
        words = shapes.words
        clean = self._clean
        if words <= clean:
            return False
        if len(clean) > self._limit:
            clean.clear()
        for word in words - clean:
            if self._fragments.search(word) is not None:
                return True
            clean.add(word)
        return False


class WordKinds:
    """Which kinds of cue word (bits of an int) a text's ASCII words hold, remembering the words that are none:
    `words <= clean`, one C-level subset test, answers most texts, and only the few words left over are looked
    up. `kinds_of` says which kinds one word (lowered ASCII letters) is; like `WordFragments`, a necessary
    condition on ASCII text only, bounded, and updated by single set and dict operations."""

    def __init__(self, kinds_of: Callable[[bytes], int], limit: int = 50_000) -> None:
        self._kinds_of = kinds_of
        self._limit = limit
        self._clean: set[bytes] = set()
        self._kinds: dict[bytes, int] = {}

    def of(self, shapes: Shapes) -> int:
        words = shapes.words
        clean = self._clean
        if words <= clean:
            return 0
        if len(clean) > self._limit:
            clean.clear()
        if len(self._kinds) > self._limit:
            self._kinds.clear()
        found = 0
        for word in words - clean:
            kinds = self._kinds.get(word)
            if kinds is None:
                kinds = self._kinds_of(word)
                if not kinds:
                    clean.add(word)
                    continue
                self._kinds[word] = kinds
            found |= kinds
        return found

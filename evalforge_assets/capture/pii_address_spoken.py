"""Street lines read out, as speech recognition writes an address a caller says: the house number in words, then
the street's name and an English street type (`take me to four twenty one oak street`, `it's twelve hundred
maple avenue`, `ship to nine ridgeview court`). Voice assistants, call-centre transcripts and voicemail hold them,
all in lower case, where the number-first pattern (`pii_address`) wants digits.

The number is in lower case, as speech recognition writes it (`at One Portland Place` names a building). A
single number word is a word of the sentence as often as a house number (`one way street`, `two side roads`),
so it counts only after a word that says a place follows (`at`, `to`, `on`, `is`); two number words or more in a
row before a name and a type are a house number read out. The words of the name are no stop words, no number
words and no words of a distance or a time (`ten minutes drive`), one to three of them; the type is a common
English one, singular (`streets` is no address).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import stop_words
from evalforge_assets.capture.pii_patterns import Candidate, _word_set
from evalforge_assets.capture.pii_shapes import Shapes

_NUMBER_WORDS = _word_set(
    "zero oh one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand"
)
_NUMBER_WORD = "(?:" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_TYPES = (
    "street|road|avenue|lane|drive|court|boulevard|way|place|terrace|crescent|close|parkway|highway|circle|grove|"
    "gardens|square|trail|row|st|rd|ave|ln|dr|ct|blvd|pl"
)
# The number words in lower case, as speech recognition writes them: `at One Portland Place` names a building.
_SPOKEN_STREET = re.compile(
    rf"(?<![\w'’-])(?:(?P<cue>(?i:at|to|on|is|address))[ \t]+)?"
    rf"(?P<number>{_NUMBER_WORD}(?:[ \t-]+(?:and[ \t]+)?{_NUMBER_WORD}){{0,5}})"
    rf"(?P<name>(?:[ \t]+[^\W\d_]+){{1,3}}?)[ \t]+(?i:{_TYPES})(?![\w'’-])"
)
# Words of a distance or a time before "drive" or "way" (`ten minutes drive`, `a short drive`): no street's name.
_MEASURES = _word_set(
    "minute minutes min mins hour hours hr hrs second seconds mile miles km kilometre kilometres kilometer kilometers "
    "block blocks day days night nights week weeks stop stops short long quick easy scenic nice lovely pleasant "
    "leisurely brief"
)
_NUMBER_WORD_BYTES = frozenset(word.encode() for word in _NUMBER_WORDS)
_GATE = re.compile(rf"(?<![\w'’-]){_NUMBER_WORD}[ \t]")


def find_spoken_streets(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """STREET_ADDRESS candidates for street lines read out (see the module docstring)."""
    if shapes.ascii and shapes.words.isdisjoint(_NUMBER_WORD_BYTES):
        return  # no number word among the words of the letter view: one set test instead of a search
    if _GATE.search(text) is None:
        return
    for match in _SPOKEN_STREET.finditer(text):
        name = match.group("name").lower().split()
        if any(word in _NUMBER_WORDS or word in _MEASURES or word in stop_words() for word in name):
            continue
        spoken = match.group("number").split()
        if len(spoken) < 2 and match.group("cue") is None:
            continue
        yield "STREET_ADDRESS", match.start("number"), match.end()

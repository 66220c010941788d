"""Names typed in lower case with nothing around them: chat and SMS messages typed on a phone, speech-to-text
transcripts (`hey so james and jonathan land friday night`, `laissez le colis chez isaac grégoire`, `my mom karin
andreasen-madsen she lives at …`). Every other name finder reads a name by its capitals or by a cue before it;
in a line with no capital at all only the words themselves can say it, so the test is stricter:

- **A known given name and a name-like word after it:** the first word is one of gender-guesser's given names
  and no ordinary English word (`james`, `karin`, `isaac`), the second a census surname, another given name, or a
  word that is no ordinary English word (`grégoire`, `andreasen-madsen`); `karin wants` stays.
- **Two known given names joined by "and"** in one of a dozen languages (`james and jonathan`, `cornelis en
  hugo`, `giosuè e susana`).
- **A known given name right after "with" or "at the home of"** (`stay with isaac`, `chez isaac`, `da stefano`),
  when it is no English word (`with grace` stays) and no version follows (`with julia 1.9`).
- **A known given name that is no English word before an English verb** (`before that julien did legal sign off`,
  `ok so elin can you share`), the subject of the sentence.

Once a line yields a name, its other lower-case occurrences in the text's lower-case lines are names too (`james
wants to stay`): a given name that is no English word is not a word that happens to stand there. Lines with a
capital anywhere are left to the other finders, where the writer's capitals say what is a name. What this costs
is in `docs/ingestion.md`: in a language other than English, the word after a given name is no English word
either, so `susana arrivano` is hidden whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

from evalforge_assets.capture.pii_names import (
    _EVERYDAY,
    VERY_COMMON_SURNAME_RANK,
    _common_given_names,
    _given_names,
    _ordinary,
    _surname_ranks,
    known_given_name,
    stop_words,
)
from evalforge_assets.capture.pii_names_cue_words import OTHER_ANDS
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_romanised import (
    has_family_name_ending,
    in_romanised_script,
    romanised_given_name,
    russian_given_name_beside_family_name,
)
from evalforge_assets.capture.pii_names_russian import russian_verb
from evalforge_assets.capture.pii_patterns import _NOT_NAMES, Candidate
from evalforge_assets.capture.pii_shapes import LETTER_SHAPE, Shapes

# A word of letters, its parts joined by a hyphen or an apostrophe (`andreasen-madsen`, `o'brien`), standing alone:
# not inside an e-mail address, a path, a host name, an identifier or a number (`maria@`, `/julia/`, `hugo_v2`).
_WORD = re.compile(r"(?<![\w@./\\:#-])[^\W\d_]+(?:['’-][^\W\d_]+)*(?![\w@/\\#-]|\.\w)")
# "and", as a whole lower-case word.
# Indonesian's "dan" and spoken "sama", and Turkish's "ile" (with, and) are read here too.
_AND = frozenset(["and", "&", "та", "й", "και", "dan", "sama", "ile", *OTHER_ANDS])
# A speaker's label before a line's words: `User: `, `[09:14] Caller: `, `AGENT: `, `Transcription (auto): `.
_SPEAKER = re.compile(r"[ \t]*(?:\[[^\]\n]{1,20}\][ \t]*)?[^\W\d_][\w .-]{0,24}(?:\([\w .-]{1,20}\))?:[ \t]+")
# "With" and "at the home of" in the languages of the other finders: a known given name right after one is a person
# (`stay with isaac`, `chez isaac`, `da stefano`, `hos ingeborg`, `di rumah reza`), not a tool with its version after it.
_WITH = frozenset(["with", "chez", "bei", "bij", "hos", "da", "con", "com", "med", "från", "von", "van", "u", "у",
                   "rumah", "dengan", "bersama"])
_VERSION_AFTER = re.compile(r"[ \t]*v?\d")
# What a person does, said of them in an English sentence right after their name (`before that julien did legal sign
# off`, `ok so elin can you share the board`, `luiza handles the account now`): a given name that is no English word
# is the subject there.
_SUBJECT_VERBS = frozenset((
    "did", "does", "can", "could", "will", "would", "said", "says", "asked", "asks", "wants", "wanted", "is",
    "was", "has", "had", "handles", "handled", "told", "tells", "just", "called", "calls", "mentioned",
    "thinks", "thought", "sent", "texted", "emailed", "replied", "confirmed", "agreed", "approved", "signed",
    "left", "joined", "needs", "needed",
))
_GAP = re.compile(r"[ \t]+")
_SHORTEST = 3


@cache
def _lower_case_given_names() -> frozenset[bytes]:
    """The ASCII given names, lowered as the letter view's words (which splits `anna-lena` in two), but for stop
    words and everyday words: a text none of whose words is one is skipped."""
    lowered = {name.lower() for name in _given_names() if name.isascii() and name.isalpha()}
    return frozenset(name.encode() for name in lowered - stop_words() - _EVERYDAY)


def _given_name(word: str) -> bool | None:
    """True for a known given name (or given names joined by a hyphen, `anna-lena`) that is no English word
    (`james`, `karin`); None for a common one that Webster's Second lists as a word too (`emma`, `anna`, `marco`),
    a name only beside a word that is none (`emma and marcus`, not `grace and hope`); False for no given name.
    A Cyrillic or Greek word is read romanised (`вероника`, `νίκος`: `pii_names_romanised`) or by Russian's
    dictionary, where a name that is more often a word is one only beside a family name (`майя кравец`)."""
    if len(word) < _SHORTEST or word in _EVERYDAY or word in _NOT_NAMES or word in _AND or word in stop_words():
        return False
    if in_romanised_script(word):
        return True if romanised_given_name(word) else None if russian_given_name_beside_family_name(word) else False
    titled = _titled(word)
    if not known_given_name(titled):
        return False
    if not (word.isascii() and _ordinary(titled)):
        return True
    return None if titled in _common_given_names() else False


def _name_like(word: str, strict: bool) -> bool:
    """A word that may follow a given name in a name: no ordinary English word, or (unless `strict`) one of the
    commonest census surnames ("james young", "maria king"); an English word else goes on with the sentence
    ("karin wants", "chandran land tuesday")."""
    if len(word) < 2 or word in _AND or word in _NOT_NAMES or word in _EVERYDAY or word in stop_words():
        return False
    if in_romanised_script(word):
        return romanised_given_name(word) or has_family_name_ending(word)
    titled = _titled(word)
    if not word.isascii() or not _ordinary(titled):
        return True
    return not strict and _surname_ranks().get(titled, VERY_COMMON_SURNAME_RANK + 1) <= VERY_COMMON_SURNAME_RANK


def lower_case_lines(text: str) -> Iterator[tuple[int, str]]:
    """(start, line) of each line of `text` with a lower-case letter and no capital, after the speaker's label
    that may lead it (`User: hey so raksha and chandran land tuesday`, `Caller: …`)."""
    start = 0
    for line in text.split("\n"):
        label = _SPEAKER.match(line)
        skip = label.end() if label else 0
        if line.islower() or (skip and line[skip:].islower()):
            yield start + skip, line[skip:]
        start += len(line) + 1


def _names_in_line(line: str) -> Iterator[tuple[int, int]]:
    words = [(match.start(), match.end(), match.group()) for match in _WORD.finditer(line)]
    index = 0
    while index < len(words):
        start, end, word = words[index]
        given = _given_name(word)
        if given is False:
            index += 1
            continue
        following = words[index + 1] if index + 1 < len(words) else None
        adjacent = following is not None and _GAP.fullmatch(line, end, following[0]) is not None
        if adjacent and following is not None and _name_like(following[2], strict=given is None):
            yield start, following[1]
            index += 2
            continue
        if given is True and index > 0 and words[index - 1][2] in _WITH and not _VERSION_AFTER.match(line, end):
            yield start, end  # "stay with isaac", "chez isaac", "da stefano": with someone, at someone's
            index += 1
            continue
        if given is True and adjacent and following is not None and (
                following[2] in _SUBJECT_VERBS or russian_verb(following[2])):
            yield start, end  # "julien did", "elin can you", "пелагея звонила": the subject of a verb
            index += 1
            continue
        joined = words[index + 2] if index + 2 < len(words) else None
        if (adjacent and following is not None and joined is not None and following[2] in _AND
                and _GAP.fullmatch(line, following[1], joined[0])):
            other = _given_name(joined[2])
            if other is not False and (given or other):
                yield start, end
                yield joined[0], joined[1]
                index += 3
                continue
        index += 1


def find_lower_case_names(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Names in the lines of `text` typed wholly in lower case (see the module docstring)."""
    if shapes.ascii and shapes.words.isdisjoint(_lower_case_given_names()):
        return
    lines = list(lower_case_lines(text))
    found: set[str] = set()
    taken: set[tuple[int, int]] = set()
    given = _lower_case_given_names()
    for start, line in lines:
        if line.isascii() and given.isdisjoint(line.encode().translate(LETTER_SHAPE).split()):
            continue  # most lower-case lines are log messages with no given name in them
        for begin, end in _names_in_line(line):
            found.update(word for word in line[begin:end].split() if _given_name(word) is not False)
            taken.update((start + match.start(), start + match.end()) for match in _WORD.finditer(line, begin, end))
            yield "PERSON", start + begin, start + end
    if not found:
        return
    for start, line in lines:
        for match in _WORD.finditer(line):
            if match.group() in found and (start + match.start(), start + match.end()) not in taken:
                yield "PERSON", start + match.start(), start + match.end()

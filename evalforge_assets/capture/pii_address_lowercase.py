"""Addresses written in lower case: chat messages, speech-to-text transcripts and notes typed on a phone write
`154 jacob stream`, `2 chemin diane allain`, `tanja-fiebig-weg 28`, `rua emanuel moura 17`, and the address
patterns read a street's name by its capitals. A line with no capital at all is read again with each word
capitalised (`154 Jacob Stream`), and what the patterns find there is found in the line, when one of its words
is a number and a name or no English word: in lower case, `3 easy ways` and `5 main street` read the same as an address, and
it is the name (`jacob`, `perry`, `diane`, `chemin`) that tells them apart. Lines with a capital anywhere are left
as they are: there the writer's capitals say what is a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import (
    COMMON_SURNAME_RANK,
    VERY_COMMON_SURNAME_RANK,
    _common_given_names,
    _ordinary,
    _surname_ranks,
    stop_words,
)
from evalforge_assets.capture.pii_names_learned import _MONTHS_AND_DAYS

# A lower-case Latin letter that starts a word (not after a letter, a digit or an apostrophe: `don't` stays `Don't`),
# accented ones too (`šulekova`, `łódzka`).
_WORD_START = re.compile(r"(?<![\w'’])[a-zà-öø-ÿā-ɏ]")
_DIGIT = re.compile(r"\d")
# A number standing as a word (a house's, `12a`, `28/3`, `3-3-31`), which every address pattern needs; not one
# glued to a unit or an id (`30s`, `v2`, `10.0.0.1`, `12:30`), but one after "no:" (`papatya sok no:46`).
_HOUSE_NUMBER = re.compile(r"(?:(?<![\w:])|(?<=\bno:))(?<!\d\.)\d{1,5}(?:[-/]\d{1,5}){0,3}[a-z]?(?![\w:%]|\.\d)")


def lowercase_lines(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each stretch of `text` typed in lower case that holds a number standing as a word: a line
    with no capital, what follows a speaker's label or a message's header (`User: send it to 943 ruth loop`,
    `[15:22] David Oshodi: moved to 66 thompson street`: the label's capitals are no writer's capitals), or in any
    other line a run of words with no capital (`_lowercase_stretches`)."""
    if not _DIGIT.search(text):
        return
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        # `islower`: a cased letter, none of them a capital.
        if line.islower():
            # When no word of the line shows an address (`_reads_lower_case`), no street is read in it.
            if _reads_lower_case(line):
                yield start, end
        elif _DIGIT.search(line):
            label = _LABEL.match(line)
            if label is not None and _reads_lower_case(line[label.end() :]):
                yield start + label.end(), end
            else:
                yield from _lowercase_stretches(line, start)
        start = end + 1


# A speaker's label or a message's header before what was said: up to 60 characters with no colon, then a colon and
# a space (`caller:`, `Transcription (auto):`, `[06/06/2025, 15:22] David Oshodi:`; the time's colons are inside
# brackets).
_LABEL = re.compile(r"(?:\[[^\]\n]{1,30}\][ \t]*)?[^:\n]{1,60}:[ \t]+")


def _lowercase_stretches(line: str, offset: int) -> Iterator[tuple[int, int]]:
    """The runs of words with no capital in `line` that hold a lower-case letter, a number standing as a word and a
    word that may show an address (`reads_as_address`), as (start, end) in the text the line starts at `offset` of.
    A word of code (`contact_id=664031`, `{"transcript":`) ends a run as a capital does, and a run after a word in
    capitals (`HTTP 503 duplicate key`, `INFO …`) or a path (a traceback's `"/app/agent.py", line 307, in run`) is a
    log's."""
    for run in _RUN.finditer(line):
        if not _reads_lower_case(run.group()):
            continue  # also a run with a capital the class above does not list (`ǅ`): it is not all lower case
        before = _PREVIOUS_WORD.search(line, max(0, run.start() - 80), run.start())
        if before is not None and (_CAPITALS.fullmatch(before.group(1)) or "/" in before.group(1)):
            continue
        yield offset + run.start(), offset + run.end()


# Whole words with no capital (of the scripts with capitals most text uses) and no character of code, one run of them
# between spaces and tabs. Not quotes or `|`: a JSON value's or an HL7 field's street has them (`"12 ruth loop",`,
# `jános utca 41.^^^^|||`).
_NOT_IN_A_RUN = r"\sA-ZÀ-ÖØ-ÞА-ЯЁЀ-ЏΑ-ΩΆ-Ώ=_{}\[\]/\\<>"
_RUN = re.compile(rf"(?<!\S)[^{_NOT_IN_A_RUN}]+(?:[ \t]+[^{_NOT_IN_A_RUN}]+)*(?!\S)")
_PREVIOUS_WORD = re.compile(r"(\S+)\s*\Z")
# A word in capitals, as logs write levels and protocols (`HTTP`, `ERROR:`, `[WARN]`).
_CAPITALS = re.compile(r"\W*[A-Z]{2,}\W*")


def _reads_lower_case(stretch: str) -> bool:
    return stretch.islower() and _HOUSE_NUMBER.search(stretch) is not None and reads_as_address(stretch)


def capitalised(line: str) -> str:
    """`line` with the first letter of each word in capitals; the same length, so spans carry over."""
    return _WORD_START.sub(_upper_letter, line)


def _upper_letter(match: re.Match[str]) -> str:
    upper = match.group().upper()
    return upper if len(upper) == 1 else match.group()  # `ŉ` is two letters in capitals: the length must hold


# A word of letters standing alone (hyphens and apostrophes inside): not the letters of an id (`worker-7f9c`) or a
# host's name (`checkout-api.us-east-1.prod`).
_WORD = re.compile(r"(?<![\w'’-])(?<!\w\.)[^\W\d_]{2,}(?:[-'’][^\W\d_]+)*(?![\w'’-]|\.\w)")


def reads_as_address(value: str, street_words: frozenset[str] = frozenset()) -> bool:
    """Whether a lower-case address found in a capitalised line holds a number and a name or a word that is no
    English word (`park avenue eau de parfum`, numberless, is a perfume). A street type or particle
    (`street_words`, lowered) that English also has counts only as a given name or a very common surname (`brooks`,
    not `via`): `via worker-7f9c after 12` names no street."""
    if not _DIGIT.search(value):
        return False
    return any(_vouches(word, street_words) for word in _WORD.findall(value))


def _vouches(word: str, street_words: frozenset[str]) -> bool:
    """Whether a word of a lower-case finding shows it is an address (see `reads_as_address`)."""
    lowered = word.lower()
    if lowered in stop_words() or lowered in _MONTHS_AND_DAYS:
        return False  # `in`, `de`: a surname somewhere, but here the sentence's; `june 5`, a date's month
    titled = word.capitalize()
    street_word = lowered in street_words
    rank = VERY_COMMON_SURNAME_RANK if street_word else COMMON_SURNAME_RANK
    if titled in _common_given_names() or _surname_ranks().get(titled, rank + 1) <= rank:
        return True
    return not _ordinary(titled)


_LEADING_WORD = re.compile(r"[^\W\d_]+[ \t]+")


def without_leading_words(line: str, start: int, end: int) -> int:
    """Where a street found in a capitalised lower-case line starts once the English and stop words its name-first
    pattern took before it are left out (`send it to lajosfürdői utca 216.`: every word had a capital, so `It To`
    read as the street's name): the start moves past each while what is left still reads as an address."""
    while (word := _LEADING_WORD.match(line, start, end)) is not None:
        if not _english(word.group().strip()):
            break
        if not reads_as_address(line[word.end() : end]):
            break
        start = word.end()
    return start


_TRAILING_WORD = re.compile(r"[ \t,]+([^\W\d_]+)$")


def without_trailing_words(line: str, start: int, end: int, street_words: frozenset[str] = frozenset()) -> int:
    """Where a street found in a capitalised lower-case line ends once the English and stop words its city
    pattern took after the last number are left out (`… gloriachester 41923 not the old place`: every word had a
    capital, so `Not The Old Place` read as the city), or when that number starts the finding, after its street's
    type (`_street_end`)."""
    numbers = list(_HOUSE_NUMBER.finditer(line, start, end))
    if not numbers:
        return end
    last = numbers[-1]
    bracket = line.find(" (", last.end(), end)  # an aside after the street (`66 thompson street (it's for work)`)
    end = bracket if bracket >= 0 else end
    if last.start() == start:
        return _street_end(line, last.end(), end, street_words)
    while (word := _TRAILING_WORD.search(line, last.end(), end)) is not None and _english(word.group(1)):
        end = word.start()
    return end


def _street_end(line: str, start: int, end: int, street_words: frozenset[str]) -> int:
    """Where a lower-case street that starts with its number ends: after the first street type that follows a
    word showing an address (`18 brooks walks last spring`, `943 ruth place then`); the words are kept whole when no
    type follows one, and none are kept when no word shows an address (`41923 not the old place`)."""
    vouched = False
    for word in _WORD.finditer(line, start, end):
        lowered = word.group().lower()
        if vouched and (lowered in street_words or (lowered.endswith("s") and lowered[:-1] in street_words)):
            return word.end()  # a type, or its plural (`walks`)
        vouched = vouched or _vouches(word.group(), street_words)
    return end if vouched else start


def _english(word: str) -> bool:
    return word in stop_words() or _ordinary(word.capitalize())

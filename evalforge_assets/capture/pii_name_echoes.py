"""Echoes of a name already found in the same text: the name again, or its given name or surname alone.

A conversation names a person once in full and then by one part ("Attendees: Julian Ramirez ... - Julian to
rotate the keys", "Ana: hi it's Ana Bourquard"): the first mention has a cue or name data behind it, the later
ones often have neither. Once a name is found, its parts are taken wherever they stand as whole words in the same
text, written as found, in capitals or capitalised (and the full name in lower case too, and a part that is a known
given name and no stop word of any language). A part that is an
ordinary word ("Lane", "Rush", "Will"), a title, a particle or shorter than three letters is left alone: outside
the name it is more often that word than the person. And a name with an ordinary word in it that name data does
not know ("Discovering Milan", a finding on a travel plan's title) is echoed not at all, since the finding itself
is the likelier mistake and an echo would spread it; one whose ordinary word is also a known name ("Kaitlin
Rush") echoes its other parts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from evalforge_assets.capture.pii_names import _ordinary, stop_words
from evalforge_assets.capture.pii_names_cjk import HANGUL
from evalforge_assets.capture.pii_names_cues import (
    _NON_NAME_WORDS,
    _PARTICLES,
    _TITLE_WORDS,
    _a_word_not_a_name,
    _known,
)
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_taken import TakenSpans

_MIN_PART = 3
# Not inside a word, an address, a path or a hyphenated word: the character before (if any) and what follows.
_INSIDE_BEFORE = re.compile(r"[\w'’@./-]")
# A chat's mention of the name (`Attendees: Malwina Rzeźniczak` … `@Malwina update the runbook`): an `@` at the start
# or after a blank, not an e-mail address's (`malwina@…`, `oda_dahl@hotmail.com`).
_MENTION_BEFORE = re.compile(r"(?:\A|[^\w.@-])@\Z")
# A possessive ends the name ("Marco's daughter"); another apostrophe goes on with the word ("O'Brien").
_EDGE_AFTER = re.compile(r"(?![\w'’@-]|\.\w)|(?=['’]s(?![\w'’@-]))")


# A part of a name written in Chinese, Japanese or Korean with a space between family and given name (`中村 真綾`),
# echoed where it stands alone (`真綾は10月から…`): two characters make a name there, and the text around it has no
# spaces, so its edges are other scripts' letters: no Han character beside a Han part (`中村区` is a ward), no Hangul
# before a Hangul part (Korean's particles follow the name: `진호한테`).
# The CJK Unified block only, as `pii_names_chinese` reads names: `pii_names_cjk.HAN` also holds `々`, which would
# make `佐々木` a part to echo, a change of what is echoed.
_HAN = "\u4e00-\u9fff"
_HAN_PART = re.compile(f"[{_HAN}]{{2,3}}")
_HANGUL_PART = re.compile(f"[{HANGUL}]{{2,3}}")
_HAN_LETTER = re.compile(f"[{_HAN}]")
_LOWER_WORD = re.compile(r"(?<![^\W\d_])[^\W\d_A-Z]+(?![^\W\d_])")
_HANGUL_LETTER = re.compile(f"[{HANGUL}]")


def _east_asian_parts(name: str) -> Iterator[str]:
    words = name.split()
    if len(words) == 2:
        yield from (part for part in words if _HAN_PART.fullmatch(part) or _HANGUL_PART.fullmatch(part))


def _east_asian_echoes(text: str, part: str) -> Iterator[tuple[int, int]]:
    han = _HAN_PART.fullmatch(part) is not None
    letter = _HAN_LETTER if han else _HANGUL_LETTER
    at = text.find(part)
    while at != -1:
        end = at + len(part)
        if (at == 0 or letter.match(text, at - 1) is None) and (not han or letter.match(text, end) is None):
            yield at, end
        at = text.find(part, at + 1)


def _parts(name: str) -> Iterator[str]:
    for word in name.split():
        bare = word.strip(".,;:!?()[]{}\"'’")
        lowered = bare.lower()
        if (len(bare) < _MIN_PART or lowered in _PARTICLES or lowered in _TITLE_WORDS
                or lowered in _NON_NAME_WORDS or (bare.isascii() and _ordinary(bare))):
            continue
        yield bare


def _echoed(name: str) -> bool:
    """Whether a found name may be echoed: not when it holds an ordinary word that is no name ("Discovering Milan"),
    the likelier mistake; "Kaitlin Rush" echoes "Kaitlin"."""
    return not any(word.isascii() and _a_word_not_a_name(word) and not _known(word) for word in name.split())


def name_echoes(text: str, names: Iterable[Candidate]) -> list[Candidate]:
    """PERSON candidates for the other whole-word occurrences, in `text`, of the found `names` and their parts."""
    wanted: set[str] = set()
    for _, start, end in names:
        name = text[start:end]
        if not _echoed(name):
            continue
        wanted.add(name)
        parts = list(_parts(name))
        wanted.update(parts)
        # The same person written in another case: a CRM's `ARKADIUSZ PERLIK` and its `arkadiusz perlik`, a
        # transcript's lower case. A full name in any case; a part in capitals or capitalised, not in lower case,
        # where it is more often a word.
        if len(name.split()) > 1:
            wanted.update((name.lower(), name.upper(), name.title()))
        wanted.update(variant for part in parts for variant in (part.upper(), part.capitalize()))
        # A chat's lower case (`Annica Holm` posts, then `also annica can you ack the alert`): a part in lower case
        # too when it is a known given name and no word of any language's stop words (`Mario`, not `Will` or `Ana`).
        wanted.update(part.lower() for part in parts if part.isascii() and typed_given_name(part))
    # Each part once, however many names hold it (a list of thousands of names sharing a family name).
    # Longest first and then in order, so overlapping parts are settled the same way in every process.
    east_asian_parts = {part for _, start, end in names if not text[start:end].isascii()
                        for part in _east_asian_parts(text[start:end])}
    east_asian = [span for part in sorted(east_asian_parts, key=lambda part: (-len(part), part))
                  for span in _east_asian_echoes(text, part)]
    if not wanted and not east_asian:
        return []
    # Longest first, so a full name is taken whole before its parts; str.find per word, as a pattern compiled for
    # each text's names cost more than the rest of the echo.
    found: list[Candidate] = []
    taken = TakenSpans()
    for word in sorted(wanted, key=len, reverse=True):
        at = text.find(word)
        while at != -1:
            end = at + len(word)
            if ((at == 0 or not _INSIDE_BEFORE.match(text[at - 1]) or _MENTION_BEFORE.match(text, max(0, at - 2), at))
                    and _EDGE_AFTER.match(text, end) and taken.take(at, end)):
                found.append(("PERSON", at, end))
            at = text.find(word, at + 1)
    for at, end in east_asian:
        if taken.take(at, end):
            found.append(("PERSON", at, end))
    return found


def lower_case_echoes(text: str, names: Iterable[Candidate]) -> list[Candidate]:
    """PERSON candidates for a found name's parts written again in lower case (`Dear Ysolde Brackwater,` … `also
    ysolde can you…`) when the part is no ordinary English word and no stop word of any language: `name_echoes`
    takes a part in lower case only when it is a known given name."""
    wanted: set[str] = set()
    for _, start, end in names:
        name = text[start:end]
        if not _echoed(name):
            continue
        wanted.update(lowered for part in _parts(name)
                      if len(part) >= 4 and (lowered := part.lower()) != part and lowered not in stop_words())
    if not wanted:
        return []
    found: list[Candidate] = []
    # Only the parts the text holds as words: a text of thousands of names would otherwise be searched once a part.
    for word in sorted(wanted.intersection(_LOWER_WORD.findall(text))):
        at = text.find(word)
        while at != -1:
            end = at + len(word)
            if (at == 0 or not _INSIDE_BEFORE.match(text[at - 1])) and _EDGE_AFTER.match(text, end):
                found.append(("PERSON", at, end))
            at = text.find(word, at + 1)
    return found

"""Names everyone knows as something other than a user: a brand or a firm (`Ralph Lauren`, `Morgan Stanley`, `Dr.
Oetker`), a work or its character (`Anna Karenina`, `Forrest Gump`, `Harry Potter`), a figure of history whose name
is a prize, an airport or an eponym (`Marcus Aurelius`, `Charles de Gaulle`), a bot (`Dependabot`). Catalogues,
reviews, recommendations and RAG chunks name them all the time, and hiding them protects no one.

The names are in `famous_names.txt`, matched as whole words, in any case, with or without the dots of an
abbreviation and with an optional possessive (`Jack Daniel's`, `DR PEPPER`). A name is honoured only where a user
chosen at random is unlikely to carry it, so the file cannot hide a customer:
- a single word that is anyone's given name or a census surname (`Heidi`, `Jenkins`) is skipped;
- a given name and a surname both common enough that their ranks in the US Census multiply to 20,000 or less
  (`John Lewis` 2 x 23, `Paul Smith`, `Annie Hall`, `Benjamin Franklin` 66 x 199) are skipped: under Zipf's law a
  name's share falls with its rank, so the product of the ranks stands for how rare the pair is, and the shop, the
  film and the statesman are rarer in traces than the people so called. `Calvin Klein` (155 x 436) and `Harry
  Potter` (70 x 376) are honoured.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from evalforge_assets.capture.pii_names import _given_names, _surname_ranks, given_name_ranks

NAMES_PATH = Path(__file__).with_name("famous_names.txt")
# A given name and a surname whose census ranks multiply to this or less make a pair some user is likely to carry.
COMMON_PAIR_RANKS = 20_000
# How far before a name read a famous name may begin (`Polo Ralph Lauren`, `Markov chain Monte Carlo`).
_REACH = 40
_WORD = re.compile(r"[^\W\d_][\w'’.&-]*")


def names_someone_famous(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] lies inside a famous name written in full (see the module
    docstring)."""
    read = _WORD.findall(text, start, end)
    if not read or _key(read[-1]) not in _words_of_famous_names():
        return False  # most names read are no one's famous name: one set lookup says so
    patterns = _patterns_by_first_word()
    for word in _WORD.finditer(text, max(0, start - _REACH), end):
        if word.start() > start:
            break
        pattern = patterns.get(_key(word.group()))
        match = pattern.match(text, word.start()) if pattern is not None else None
        if match is not None and match.end() >= end:
            return True
    return False


def famous_names() -> list[str]:
    """The names of `famous_names.txt` that are honoured (see the module docstring)."""
    return [name for name in _listed() if not _could_be_anyones(name)]


def _listed() -> list[str]:
    lines = NAMES_PATH.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _could_be_anyones(name: str) -> bool:
    words = name.split()
    if len(words) == 1:
        return name in _given_names() or name.capitalize() in _surname_ranks()
    if len(words) == 2:
        given, surname = words
        given_rank, surname_rank = given_name_ranks().get(given), _surname_ranks().get(surname)
        return given_rank is not None and surname_rank is not None and given_rank * surname_rank <= COMMON_PAIR_RANKS
    return False


@cache
def _words_of_famous_names() -> frozenset[str]:
    return frozenset(_key(word) for name in famous_names() for word in _WORD.findall(name))


@cache
def _patterns_by_first_word() -> dict[str, re.Pattern[str]]:
    """One pattern per first word, its names longest first: the first that matches reaches furthest."""
    grouped: dict[str, list[str]] = {}
    for name in sorted(famous_names(), key=len, reverse=True):
        first = _WORD.match(name)
        grouped.setdefault(_key(first.group() if first else name), []).append(_body(name))
    return {
        word: re.compile(rf"(?<!\w)(?:{'|'.join(bodies)})(?:['’]s)?(?!\w)", re.IGNORECASE)
        for word, bodies in grouped.items()
    }


def _body(name: str) -> str:
    """`name` as a pattern: any run of spaces or tabs between its words, each dot optional, an apostrophe either
    way it is typed (`Wendy’s`)."""
    return r"[ \t]+".join(re.escape(word).replace(r"\.", r"\.?").replace("'", "['’]") for word in name.split())


def _key(word: str) -> str:
    """A word as it keys its famous names: lower case, without dots or a possessive."""
    return word.lower().replace(".", "").removesuffix("'s").removesuffix("’s")

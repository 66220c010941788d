"""Thai names read by the Thai Names Corpus, wherever they stand.

Thai is written without capitals and without spaces between words: a space ends a phrase, and writers set one
before and after a name (`กรุณาส่งพัสดุถึง <given> <family> <address>`, `<given> <family> ติดต่อฝ่ายบริการ…`).
So a run of Thai letters between spaces, punctuation or other scripts can be looked up whole. The given and family
names are those `pythainlp` ships (the Thai Names Corpus, some 12,000 given names and 9,800 family names, CC BY-SA
4.0), its word list (62,000 Thai words, CC0) says which of them are words too. A run is a name:

- a known given name with the run after it, when that is a known family name (`<given> <family>`), or when neither
  is a Thai word (a family name the corpus lacks);
- a known given name alone, when it is no Thai word. A given name that is a word too (`ดวงจันทร์`, moon; `สมหวัง`,
  hope fulfilled) is a name only before a known family name: `ดวงจันทร์ สวยมาก` is "the moon is lovely".

What this costs: a run after a given name that is no single word in the list is read as a family name, and a
brand or a place written in Thai letters there is hidden with the name.

A given name glued to the words around it (`…บอกว่า`) is left to the cues of `pii_names_native` (`คุณ…`): finding it
would need a word segmenter and its dictionary, and names are the words such dictionaries lack.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from importlib.util import find_spec
from pathlib import Path

from evalforge_assets.capture.pii_names_scripts import SCRIPT_LETTERS
from evalforge_assets.capture.pii_patterns import Candidate

# Thai letters, vowels and tone marks as the other script finders read them (not its digits, which are no part of
# a name), a run of them bounded by no other character of the Thai block.
_THAI_LETTERS = SCRIPT_LETTERS["thai"]
_THAI_RUN = re.compile(f"(?<![\u0e00-\u0e7f])[{_THAI_LETTERS}]+(?![\u0e00-\u0e7f])")
_ANY_THAI = re.compile(f"[{_THAI_LETTERS}]")
_GAP = re.compile(r"[ \t]+")
# NIKHAHIT then SARA AA is how some keyboards and PDFs write SARA AM (`ซ้ํา` for `ซ้ำ`); the corpus writes SARA AM.
_DECOMPOSED_SARA_AM = ("\u0e4d\u0e32", "\u0e33")


def _corpus(name: str) -> frozenset[str]:
    # Read beside the package instead of through `pythainlp.corpus`: importing pythainlp creates a data folder in
    # the home directory, which a read-only container has no place for.
    spec = find_spec("pythainlp")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("pythainlp is not installed: run `make install` to install the project's dependencies")
    path = Path(next(iter(spec.submodule_search_locations)), "corpus", name)
    return frozenset(line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


@cache
def _given_names() -> frozenset[str]:
    return _corpus("person_names_female_th.txt") | _corpus("person_names_male_th.txt")


@cache
def _family_names() -> frozenset[str]:
    return _corpus("family_names_th.txt")


@cache
def _words() -> frozenset[str]:
    return _corpus("words_th.txt")


def _normal(run: str) -> str:
    return run.replace(*_DECOMPOSED_SARA_AM)


def find_thai_names(text: str) -> Iterator[Candidate]:
    """PERSON candidates of Thai given names, with the family name after them (see the module docstring)."""
    if not _ANY_THAI.search(text):
        return
    given, family, words = _given_names(), _family_names(), _words()
    runs = list(_THAI_RUN.finditer(text))
    index = 0
    while index < len(runs):
        run = runs[index]
        name = _normal(run.group())
        if name not in given:
            index += 1
            continue
        following = runs[index + 1] if index + 1 < len(runs) else None
        if (following is not None and _GAP.fullmatch(text, run.end(), following.start())
                and ((after := _normal(following.group())) in family or (name not in words and after not in words))):
            yield "PERSON", run.start(), following.end()
            index += 2
            continue
        if name not in words:
            yield "PERSON", run.start(), run.end()
        index += 1

"""A given name alone in the English possessive: `Vincent's team owns the cluster`, `not Ingelise's home address`,
`Verified with Mohammed's sample set`.

Colleagues are named by the given name alone, and what is theirs follows it: a team, a runbook, a laptop. No cue
stands before the name, and a capitalised word on its own is read only beside other evidence (`pii_names`), so here
the possessive is that evidence. The word must be a known given name (romanised for Cyrillic and Greek, `Чеслав's`)
that is no ordinary English word unless a common given name (typed in lower case, none at all: `fyi paulette's new
email`, not `april's sales`), followed by a lower-case word, the thing owned. A capitalised word before it makes it
part of a longer name, read by the other finders or kept as a brand (`Trader Joe's`, `St Peter's`, `Jack
Daniel's`), as does `&` (`Ben & Jerry's`); after `at` the possessive is a place (`a table at Wendy's`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_names_cues import _NON_NAME_WORDS
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate

# A word, its possessive, then a lower-case word.
_POSSESSIVE = re.compile(r"(?<![\w'’.@/\\-])(?P<name>[^\W\d_]+)['’]s[ \t]+(?=[^\W\d_A-Z]{2})")
# What may stand before the name: the end of a word that is no capitalised one, nor a shop's preposition.
_WORD_BEFORE = re.compile(r"(?P<word>[^\W\d_]+)[.,;:!?)\]\"']*[ \t]+\Z")
_AMPERSAND_BEFORE = re.compile(r"&[ \t]*\Z")
_REACH = 40


def find_possessive_names(text: str) -> Iterator[Candidate]:
    """The PERSON candidate of each given name alone in the possessive (see the module's docstring)."""
    if "'s " not in text and "’s " not in text:
        return
    for match in _POSSESSIVE.finditer(text):
        name = match.group("name")
        if name.isupper() or not typed_given_name(name) or (name[0].islower() and _ordinary(name)):
            continue  # typed in lower case, no English word at all (`fyi paulette's new email`, not `april's`)
        if name.lower() in _NON_NAME_WORDS:  # places, firms, everyday words
            continue
        if _AMPERSAND_BEFORE.search(text, max(0, match.start() - 4), match.start()):
            continue  # a firm's partners (`Ben & Jerry's`)
        before = _WORD_BEFORE.search(text, max(0, match.start() - _REACH), match.start())
        if before is not None and _leads_a_longer_name_or_a_shop(before.group("word"), text, before.end("word")):
            continue
        yield "PERSON", match.start("name"), match.end("name")


def _leads_a_longer_name_or_a_shop(word: str, text: str, end: int) -> bool:
    """Whether the word right before the name makes it part of a longer name (`Trader Joe's`) or a shop (`at
    Wendy's`). A capitalised word that opens a sentence (`Today Vincent's team …` is rare; `Yes, Anna's …` has a
    comma) counts as part of the name: the other finders read those."""
    if word[:1].isupper() and text[end:end + 1] not in ",;:!?":
        return True
    return word.lower() == "at"

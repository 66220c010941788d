"""A name beside the word that marks a person in romanised chat of languages other than English, where names are
typed in lower case as often as not and code-switched into English (`ok so I told mehmet abi`, `sharma ji will send
it`, `ravi ko bol do`, `sabihin mo kay ana`, `tanya pak budi`):

- **an honorific after the name:** Hindi and Urdu `ji`, `bhai`, `bhaiya`, `didi`, `sahab`, `saab`; Turkish `abi`,
  `abla`, `hoca`; Korean `ssi`, `nim`, `oppa`, `unnie`, `noona`, `hyung`; Japanese `san`, `kun`, `chan`, `sama`
  written apart (`pii_names_native` reads `Tanaka-san`, `Ahmet Bey`, `Ayşe Hanım`);
- **a case marker after it,** Hindi's postpositions `ko`, `ne`, `se`, `ka`, `ki`, `ke`;
- **a personal article or a title before it:** Tagalog `si`, `ni`, `kay`, `sina`, `nina` (which mark only
  persons), Indonesian and Malay `pak`, `bu`, `mbak`, `kak`.

The honorifics and markers after a name are read in lower case only, as chat types them (`Akçay San.` is a Turkish
firm, `Sanayi`); the words before one in any case (`Pak Budi`).
Each word of the name is a known given name however typed (`pii_names_romanised.typed_given_name`: no stop word, no
ordinary English word but a common given name); before an honorific or a postposition a census surname that is no
ordinary word counts too (`sharma ji`), and the word before it may join the name when it is a known given name too
(`priya sharma ji`). Asked after the learned look (`pii_names_after_model`), and through `pii_not_people`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _ordinary, _surname_ranks, stop_words
from evalforge_assets.capture.pii_names_cues import _titled
from evalforge_assets.capture.pii_names_romanised import typed_given_name
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation

_AFTER = ("ji", "bhai", "bhaiya", "didi", "sahab", "saab", "abi", "abla", "hoca", "ssi", "nim", "oppa", "unnie",
          "noona", "hyung", "san", "kun", "chan", "sama", "ko", "ne", "se", "ka", "ki", "ke")
_BEFORE = ("si", "ni", "kay", "sina", "nina", "pak", "bu", "mbak", "kak")
_WORD = r"[^\W\d_]+(?:['’-][^\W\d_]+)*"
_NAME_BEFORE = re.compile(
    rf"(?<![\w'’@#./-])(?P<name>(?:{_WORD}[ \t]+)?{_WORD})[ \t]+(?:{phrase_alternation(_AFTER)})(?![\w'’-])")
_NAME_AFTER = re.compile(
    rf"(?<![\w'’-])(?i:{phrase_alternation(_BEFORE)})[ \t]+(?P<name>{_WORD}(?:[ \t]+{_WORD})?)(?![\w'’@#/-])")
_GATE = re.compile(rf"(?<![\w'’-])(?:{phrase_alternation(_AFTER)}|(?i:{phrase_alternation(_BEFORE)}))(?![\w'’-])")


def names_beside_honorifics(text: str) -> Iterator[Candidate]:
    """PERSON spans of the names beside the words in the module's docstring."""
    if _GATE.search(text) is None:
        return
    for match in _NAME_BEFORE.finditer(text):
        words = match.group("name").split()
        if not _given_or_family(words[-1]):
            continue
        first = 0 if len(words) == 2 and typed_given_name(words[0]) else len(words) - 1
        start = match.start("name") if first == 0 else match.end("name") - len(words[-1])
        yield "PERSON", start, match.end("name")
    for match in _NAME_AFTER.finditer(text):
        words = match.group("name").split()
        if not typed_given_name(words[0]):
            continue
        end = match.end("name") if len(words) == 2 and _given_or_family(words[1]) else match.start("name") + len(
            words[0])
        yield "PERSON", match.start("name"), end


def _given_or_family(word: str) -> bool:
    """A known given name, or a census surname that is no ordinary word nor a stop word (`sharma`, not `long`)."""
    return typed_given_name(word) or (
        _titled(word) in _surname_ranks() and not _ordinary(_titled(word)) and word.lower() not in stop_words())

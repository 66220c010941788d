"""E-mail addresses spelled out in words, as speech recognition writes a caller's address and as people obfuscate
one: `larson dot leah at yahoo dot com dot au`, `francisca_cunha at campos dot net`, `jane [at] example [dot] org`,
`jane(at)example.org`.

The domain must end in a top-level domain (a country's two letters or a common generic one) after a spelled or
written dot, so "meet me at noon" or "look at google" is no address; a local part of one ordinary English word
("arrive at heathrow dot com") is not taken either, unless brackets mark the "at" as spelled on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import phonenumbers

from evalforge_assets.capture.pii_names import _ordinary
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes
from evalforge_assets.capture.pii_spoken_digits import DIGIT_WORD

_GENERIC_TLDS = (
    "com", "net", "org", "info", "io", "co", "biz", "edu", "gov", "mil", "app", "dev", "ai", "me", "xyz", "online",
    "site", "tech", "store", "email", "cloud", "pro", "name", "mobi",
)
_AT = r"(?:[ \t]+at[ \t]+|[ \t]*[(\[{<][ \t]*at[ \t]*[)\]}>][ \t]*)"
_DOT = r"(?:[ \t]+dot[ \t]+|[ \t]*[(\[{<][ \t]*dot[ \t]*[)\]}>][ \t]*|\.)"
_JOIN = r"(?:[ \t]+(?:dot|underscore|dash|hyphen)[ \t]+|[._-])"
_WORD = r"[a-z0-9]+"
# Digits read out after the name (`sabinakonecna six three at centrum dot cz`), as speech recognition writes them.
_SPOKEN_DIGITS = rf"(?:[ \t]+{DIGIT_WORD}){{0,6}}"
_TRAILING_DIGITS = re.compile(_SPOKEN_DIGITS + "$", re.IGNORECASE)
_SPOKEN = re.compile(
    rf"(?i)(?<![\w.@-])(?P<local>{_WORD}(?:{_JOIN}{_WORD}){{0,4}}{_SPOKEN_DIGITS}){_AT}"
    rf"(?P<domain>[a-z0-9][a-z0-9-]*(?:{_DOT}[a-z0-9][a-z0-9-]*){{0,3}}){_DOT}(?P<tld>[a-z]{{2,6}})(?![\w-])"
)
_CUE = re.compile(r"(?i)(?:[ \t]at[ \t]|[(\[{<][ \t]*at[ \t]*[)\]}>])")


@cache
def _top_level_domains() -> frozenset[str]:
    return frozenset(_GENERIC_TLDS) | {region.lower() for region in phonenumbers.SUPPORTED_REGIONS} | {"uk"}


def find_spoken_emails(text: str, shapes: Shapes) -> Iterator[Candidate]:
    """Addresses whose `@` is written "at" and whose last dot "dot" or bracketed."""
    if shapes.ascii:
        if b"at" not in shapes.words:  # the letter view reads "[at]" and "(at)" as the word too
            return
    elif _CUE.search(text) is None:
        return
    position = 0
    while (match := _SPOKEN.search(text, position)) is not None:
        if _an_address(match):
            yield "EMAIL", match.start(), match.end()
            position = match.end()
        else:
            # Read on from the next word: `by email at nam.hoang [at] yahoo [dot] com` first matches `email at
            # nam.hoang`, which is none, and the address starts inside that match.
            position = match.start() + 1


def _an_address(match: re.Match[str]) -> bool:
    if match.group("tld").lower() not in _top_level_domains():
        return False
    written = match.group(0)
    # "jane [at] example [dot] org" says the "at" is spelled on purpose, and so does a domain spelled with two dots
    # (`clee at hotmail dot co dot uk`): no sentence goes on so. "jane AT example.org" needs no spelled dot.
    if any(bracket in written for bracket in "([{<") or written.lower().count(" dot ") >= 2:
        return True
    name = _TRAILING_DIGITS.sub("", match.group("local"))  # `at one at noon dot com` is no address
    spelled = "dot" in written.lower() or " AT " in written
    return spelled and not (name.isalpha() and _ordinary(name))

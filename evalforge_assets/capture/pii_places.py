"""Places whose names read like a person's ("São Paulo", "Milton Keynes", "Rio de Janeiro", "Kuala Lumpur"), from
the place names `phonenumbers` ships for its geocoder (every language it has, some 12,900 names of two words or
more); a name finder's run that is exactly one of them names the place.

One-word places ("Austin", "Victoria", "Eugene") are also given names and stay with the name finders. So do the
few places that read like an ordinary person's name: a common US given name and then a common surname ("Maria
Stein", "Glen Davis", "Jim Thorpe"), which a Faker-made person is as likely to be called as the place.
"""

from __future__ import annotations

from functools import cache

from evalforge_assets.capture.pii_names import _common_given_names, _surname_ranks

# A surname at least this common makes "given name + surname" a person's name before a place's.
_COMMON_SURNAME_RANK = 5_000


@cache
def _geocoder_names() -> frozenset[str]:
    """Every place name in `phonenumbers`' geocoder data, every language it has. "Jersey City, NJ", "Nova
    Scotia/Prince Edward Island": the place is before the comma, each of a list."""
    from phonenumbers.geodata import GEOCODE_DATA

    return frozenset(
        part.split(",")[0].strip()
        for by_language in GEOCODE_DATA.values()
        for described in by_language.values()
        for part in described.split("/")
    )


@cache
def place_names() -> frozenset[str]:
    """Every place name of two words or more in the geocoder data, but those that read like a person."""
    given, surnames = _common_given_names(), _surname_ranks()
    found: set[str] = set()
    for name in _geocoder_names():
        words = name.split()
        if len(words) < 2:
            continue
        if words[0] in given and surnames.get(words[-1], _COMMON_SURNAME_RANK + 1) <= _COMMON_SURNAME_RANK:
            continue
        found.add(name)
    return frozenset(found)


@cache
def one_word_place_names() -> frozenset[str]:
    """The geocoder's place names of one word (`Berlin`, `Studénka`), which read like given names as often as not,
    so only a finder that already knows it stands where a place does asks about them."""
    return frozenset(name for name in _geocoder_names() if " " not in name)


def a_place(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a known place of two words or more."""
    return " ".join(text[start:end].split()) in place_names()

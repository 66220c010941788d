"""Things named like people, told by the word of their kind beside them (`capture/pii_named_things.py`): job titles,
institutions, venues, clubs, cars and firms are kept; a person beside such a word is still a person."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_named_things import names_a_thing


def _a_thing(text: str, name: str) -> bool:
    start = text.index(name)
    return names_a_thing(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ('"title": "Customer Success Lead",', "Success Lead"),  # a job title ends in its role
        ("joined as Customer Success Lead. Ceyhun ran it", "Success Lead"),
        ("evening concert at Lincoln Center.", "Lincoln"),  # an institution after the name
        ("starts at Montessori Kinderhaus in June", "Montessori"),
        ("starts at Liceo Galileo Galilei in June", "Galileo Galilei"),  # ... or before it
        ("Reservation: Casa Lucio, table for 4", "Lucio"),
        ("A service will be held at St Mary Magdalene.", "Mary Magdalene"),
        ("Hertha BSC 3 x 2 Aston Villa", "Hertha"),  # a club's abbreviation
        ("Sporting Braga 3-2 Real Sociedad", "Sporting Braga"),  # a word only clubs open with
        ("arriving in a silver Škoda Octavia", "Škoda Octavia"),  # a make and its model
        ("my neighbour's Ford Focus blocks the drive", "Ford Focus"),
        ("Vendor: Pinto e Filhos", "Pinto"),  # partners and a firm's word
        ('"company": "van Geenen Groep"', "van Geenen"),
        ("Grupo Rosales y Almaraz", "Rosales"),
        ("Could Phạm và Bùi Công ty Cổ phần arrange it?", "Phạm và Bùi"),
        ("a cohort from Sorbonne Université", "Sorbonne"),  # a French or Nordic institution's word after it
        ("home from Karolinska Institutet", "Karolinska"),
        ("found in Hudson River on Monday", "Hudson"),  # a river, a canyon, a station after it
    ],
)
def test_things_named_like_people(text: str, name: str) -> None:
    assert _a_thing(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Anna Berg, Lead Engineer at Acme", "Anna Berg"),  # a role after a comma is her title, not her name
        ("Tom Hall and Albert Hall met", "Albert Hall"),  # Hall ends people's names as often as buildings'
        ("Harrison Ford drove off", "Harrison Ford"),  # a make that is a surname, after a given name
        ("Honda Keisuke scored twice", "Honda Keisuke"),  # surname first, then a given name
        ("Ford Harrison called back", "Ford Harrison"),
        ("Kia Johnson called", "Kia Johnson"),  # a make that is a given name is not read as one
        ("John Smith SC appeared for the applicant", "John Smith"),  # a Senior Counsel, not a club
        ("Castillo Ramírez signed", "Ramírez"),  # Castillo is a surname first
        ("Santo Rossi called", "Santo Rossi"),
    ],
)
def test_people_beside_such_words_are_people(text: str, name: str) -> None:
    assert not _a_thing(text, name)


def test_a_name_of_a_thing_is_kept_and_the_person_beside_it_hidden() -> None:
    redacted = redact_text("Hi, this is Agneta Hansson. My Škoda Octavia is at Lincoln Center.", {})
    assert "Agneta Hansson" not in redacted
    assert "Škoda Octavia" in redacted and "Lincoln Center" in redacted

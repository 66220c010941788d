"""A name read under a key that names a thing's name (`Business name:`), at the place a table or a room is booked,
or after the word that opens an institution's name abroad (`Politecnico di …`) names no one
(`capture/pii_not_people.py`, `capture/pii_named_things.py`). The examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_not_people import names_no_one_after_the_model


@pytest.mark.parametrize(("text", "kept"), [
    ("Form W-9\n1 Name: Odile Brandt\n2 Business name: Morales, Carter and Rhodes\n3 Tax class: LLC",
     "Morales, Carter and Rhodes"),
    ('{"company_name": "Harlan Vey", "country": "NZ"}', "Harlan Vey"),
    ("productName=Marlow Keats\nsku=KX-1", "Marlow Keats"),
])
def test_the_value_of_a_things_name_key_names_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


@pytest.mark.parametrize(("text", "hidden"), [
    ("Form W-9\n1 Name: Odile Brandt\n2 Business name: Whitlock, Barnes and Ortega", "Odile Brandt"),
    ("level=info email=ops@example.org name=Tobias Wrenfield status=ok", "Tobias Wrenfield"),
    ("Legal name: Henrike Solberg\nDOB: 1984-02-11", "Henrike Solberg"),
])
def test_a_persons_name_key_still_holds_a_person(text: str, hidden: str) -> None:
    assert hidden not in redact_text(text, {})


@pytest.mark.parametrize(("text", "kept"), [
    ("Good news, Inga! Your table for 4 at Quillon Marylebone is confirmed for Friday at 20:00.", "Quillon Marylebone"),
    ("I booked a room at Kinsley Marlowe for two nights.", "Kinsley Marlowe"),
    ("Your reservation for 2 at Rosa Delvecchio is confirmed.", "Rosa Delvecchio"),
])
def test_the_place_a_table_or_a_room_is_booked_at_names_no_one(text: str, kept: str) -> None:
    start = text.index(kept)
    assert names_no_one_after_the_model(text, start, start + len(kept))
    assert kept in redact_text(text, {})


def test_a_hosts_name_in_the_possessive_stays_a_name() -> None:
    text = "We had dinner at Maren Oakley's on Saturday."
    start = text.index("Maren")
    assert not names_no_one_after_the_model(text, start, start + len("Maren Oakley"))
    assert "Maren Oakley" not in redact_text(text, {})


@pytest.mark.parametrize("institution", ["Politecnico di Torino", "Politechnika Gdańska", "Uniwersytet Jagielloński"])
def test_an_institution_named_by_its_opening_word_names_no_one(institution: str) -> None:
    text = f"EDUCATION\nMSc, {institution}\n"
    assert institution in redact_text(text, {})

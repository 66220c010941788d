"""A name read under a key that names a thing's name (`Business name:`, also inside a JSON string), at the place a
table or a room is booked, after the word that opens an institution's name abroad (`Politecnico di …`), led by a
change log's verb (`Upgraded Zentrix`) or holding a team's word (`Merchant Success`) names no one
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


@pytest.mark.parametrize(("text", "kept"), [
    ('{"tool": "stock", "arguments": "{\\"product_name\\": \\"Marlow Keats\\", \\"qty\\": 2}"}', "Marlow Keats"),
    ("arguments='{\\'item_name\\': \\'Orla Finch\\'}'", "Orla Finch"),
])
def test_a_things_name_key_holds_a_thing_inside_a_json_string_too(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


def test_a_persons_name_key_inside_a_json_string_still_holds_a_person() -> None:
    text = '{"arguments": "{\\"customer_name\\": \\"Tobias Wrenfield\\", \\"product_name\\": \\"Marlow Keats\\"}"}'
    redacted = redact_text(text, {})
    assert "Tobias Wrenfield" not in redacted
    assert "Marlow Keats" in redacted


@pytest.mark.parametrize(("text", "kept"), [
    ("Release 4.2.0\n- Upgraded Zentrix and Halvard clients\n- Dropped support for Python 3.8", "Upgraded Zentrix"),
    ("rpc error: code = Unavailable desc = Connection Refused Retrying in 4s.", "Refused Retrying"),
    ("Changelog\n- Bumped Quorvane to 2.1\n- Copied Velmora fixtures", "Bumped Quorvane"),
])
def test_a_change_logs_verb_and_the_name_after_it_name_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


@pytest.mark.parametrize(("text", "name"), [
    ("Jared Quarrendon called about the refund.", "Jared Quarrendon"),  # a given name that reads as `jar` + ed
    ("Saw Gading Wasitra in the lobby.", "Gading Wasitra"),  # -ing after a stem too short to be a word's
    ("Emailed Ysolde Quarrendon about the refund.", "Ysolde Quarrendon"),  # a verb before a whole name
])
def test_a_name_that_looks_inflected_or_follows_a_verb_is_still_a_name(text: str, name: str) -> None:
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(("text", "team"), [
    ("Root cause: disk full on db-7. Owner: Storage On-Call. Follow-up: OPS-4411.", "Storage On-Call"),
    ("You can also contact Enterprise Accounts with reference CS-1182.", "Enterprise Accounts"),
    ("Wants a refund of NZ$40. Escalated to Merchant Success.", "Merchant Success"),
    ("We have credited 12,00 € to your account.\n\nYours sincerely,\nRefunds Squad", "Refunds Squad"),
    ("Yours sincerely,\nVendor Relations", "Vendor Relations"),
])
def test_a_team_named_like_a_person_names_no_one(text: str, team: str) -> None:
    assert team in redact_text(text, {})


def test_a_family_name_that_is_also_a_teams_word_stays_a_name() -> None:
    # `Board`, `Crew`, `Council` and `Care` are US Census surnames, so no team's word.
    assert "Marisol Board" not in redact_text("Signed, Marisol Board, Finance Office", {})

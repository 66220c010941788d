"""Names whose key stands beside them (`capture/pii_names_fields.py`), and a found name's other spellings in
another case (`capture/pii_name_echoes.py`)."""

from __future__ import annotations

import json

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text


def _names(text: str) -> list[str]:
    return [text[match.start:match.end] for match in find_pii(text) if match.entity == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (json.dumps({"answers": [{"field": "first_name", "text": "Keano"}, {"field": "last_name", "text": "van der Wal"},
                                 {"field": "city", "text": "Utrecht"}]}), ["Keano", "van der Wal"]),
        ('{"properties": [{"name": "lastname", "value": "Janssen"}, {"name": "plan", "value": "Gold"}]}', ["Janssen"]),
        ("SELECT id FROM users WHERE lower(last_name) = 'peixoto' AND status = 'active';", ["peixoto"]),
        ('"guest": {"first": "Paul", "last": "Bradley"}', ["Paul", "Bradley"]),
        ("Hardware Model: iPhone16,2\nDevice Name: Miguel's iPhone", ["Miguel"]),
    ],
)
def test_a_name_beside_its_key_is_found(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        '{"field": "plan", "text": "Gold Annual"}',  # a field that names no person
        "SELECT * FROM t WHERE status = 'Active Member'",
        '"pages": {"first": "1", "last": "9"}',  # digits are no name
        "Device Name: Family's iPad",  # an ordinary word owns nothing
    ],
)
def test_other_fields_and_owners_are_no_names(text: str) -> None:
    assert _names(text) == []


def test_a_found_name_is_hidden_in_its_other_cases_too() -> None:
    text = ("Possible duplicate records\n  A: ARKADIUSZ PERLIK | a.perlik@example.pl\n"
            "  B: arkadiusz perlik | a.perlik+crm@example.pl | Arkadiusz Perlik")
    redacted = redact_text(text, {})
    assert "perlik" not in redacted.lower()


def test_a_columns_gap_ends_a_name_so_its_echoes_are_found() -> None:
    text = "Reporter: Ángel Aramburu   Assignee: Paulino Sanabria\nAramburu commented: blocking the release."
    assert redact_text(text, {}) == "Reporter: <PERSON>   Assignee: <PERSON>\n<PERSON> commented: blocking the release."


def test_a_long_word_before_a_quote_is_read_in_one_pass() -> None:
    """An SQL comparison's table prefix is bounded, so a 100,000-letter token costs one pass, not one per letter."""
    text = "name='x' " + "a" * 100_000
    assert _names(text) == []


def test_gedcom_name_records_are_names() -> None:
    text = "0 @I280@ INDI\n1 NAME Marta /Kusch-Pergande/\n2 GIVN Marta\n2 SURN von der Stahr\n1 SEX F\n2 PLAC Berlin"
    assert redact_text(text, {}) == (
        "0 @I280@ INDI\n1 NAME <PERSON> /<PERSON>/\n2 GIVN <PERSON>\n2 SURN <PERSON>\n1 SEX F\n2 PLAC Berlin")


def test_nicknames_and_other_names_of_a_person_under_their_keys() -> None:
    text = '{"nickname": "Olenka", "preferred_name": "Bill", "maiden_name": "Okafor"}'
    assert redact_text(text, {}) == '{"nickname": "<PERSON>", "preferred_name": "<PERSON>", "maiden_name": "<PERSON>"}'

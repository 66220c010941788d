"""A number beside a street already found (`capture/pii_street_phones.py`): after it in an address line, or alone on
the line next to it."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_street_phones import phones_beside_streets


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Kontakt: Hauptstraße 14, 84951234567", "84951234567"),
        ("Storgata 12 · 41256780\n\nElev: Ola", "41256780"),
        ("# Jane Roe\n\njane.roe@example.com\nlinkedin.com/in/jane-roe\n4927316605\n42 Elm Street, Springfield\n", "4927316605"),
    ],
)
def test_a_number_beside_a_street_is_a_phone(text: str, number: str) -> None:
    redacted = redact_text(text, {})
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Av. Paulista 1000, 01310-100",  # a postcode's shape
        "Av. Paulista 1000, 2024-03-05",
        "Av. Paulista 1000\nOrder no 61255501",  # an id's noun before it
        "Av. Paulista 1000, 61255501 visitors",  # the line goes on
    ],
)
def test_a_postcode_a_date_or_an_id_beside_a_street_is_kept(text: str) -> None:
    street = ("STREET_ADDRESS", 0, len("Av. Paulista 1000"))
    assert list(phones_beside_streets(text, [street])) == []


def test_the_finder_reads_the_number_after_the_street() -> None:
    text = "Av. Paulista 1000, 61255501"
    assert list(phones_beside_streets(text, [("STREET_ADDRESS", 0, 17)])) == [("PHONE", 19, 27)]

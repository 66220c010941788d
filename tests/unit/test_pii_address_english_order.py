"""English street lines: a French street type after a capitalised word ends an English street's name
(`pii_address_english_order`), and a unit or a range may stand before the house number (`4/27 Beach Rd`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    "text",
    [
        '{"title": "Madison Avenue Tote", "quantity": 3}',
        "Is the Sunset Boulevard Palette in stock?",
        "| Fifth Avenue Frame | 4 | USD 3,148.55 |",
        "Park Avenue Pro, 2 bottles",
    ],
)
def test_a_product_named_after_an_english_street_is_no_street(text: str) -> None:
    assert redact_text(text) == text


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Elle habite Avenue Foch depuis 2010", "Avenue Foch"),  # after a lower-case word
        ("Livraison: 12 Avenue Victor Hugo, 75016 Paris", "12 Avenue Victor Hugo"),  # a number before it
        ("Jean Dupont\nAvenue de la Gare 12\n1003 Lausanne", "Avenue de la Gare 12"),  # on a line of its own
        ("Adresse Avenue de la Gare 12, 1003 Lausanne", "Avenue de la Gare 12"),  # a number after it
    ],
)
def test_french_streets_stay_streets(text: str, street: str) -> None:
    assert street not in redact_text(text)


@pytest.mark.parametrize(
    ("text", "street"),
    [
        ("Unit 4/27 Beach Rd - resident heard glass breaking", "4/27 Beach Rd"),  # a unit before the house number
        ("deliver to 3/15 George Street, Sydney NSW 2000", "3/15 George Street"),
        ("Canvassed 10-24 Orchard Road (even numbers), no CCTV", "10-24 Orchard Road"),  # a range of houses
    ],
)
def test_a_unit_or_a_range_before_the_house_number_is_part_of_the_street(text: str, street: str) -> None:
    assert street not in redact_text(text)
    assert "27 Beach" not in redact_text(text) and "24 Orchard" not in redact_text(text)


def test_a_bad_gateway_stays_with_a_unit_pattern() -> None:
    assert redact_text("HTTP 502 Bad Gateway upstream") == "HTTP 502 Bad Gateway upstream"

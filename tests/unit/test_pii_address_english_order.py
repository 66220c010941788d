"""A French street type after a capitalised word ends an English street's name (`pii_address_english_order`)."""

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

"""Card numbers of every length their issuer uses (`capture/pii_library.py`'s issuer table)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize("number", [
    "675965174013",  # Maestro, 12 digits
    "501860436622",  # Maestro, 12 digits
    "213161298460141",  # JCB's older 15-digit range
    "4886724307380898611",  # Visa, 19 digits unseparated
])
def test_card_numbers_of_every_length_their_issuer_uses_are_cards(number: str) -> None:
    # Faker's credit_card_number() writes these; 35 of 180 were left in clear before (Maestro's 12 to 15 digits,
    # JCB's 2131/1800 ranges and Visa's 19 digits were not known).
    assert redact_text(f"card {number} declined") == "card <CREDIT_CARD> declined"


def test_a_luhn_valid_number_after_a_plus_is_a_phone_not_a_card() -> None:
    # 15 digits that pass Luhn, written as a German mobile number with its country code.
    assert redact_text('{"phone": "+49 151 36308454"}', {}) == '{"phone": "<PHONE>"}'


@pytest.mark.parametrize("text", [
    'Action Input: {"card": "6304915840183903478", "amount": "R$ 23,24"}',  # Laser / Maestro, 19 digits
    "my card 5018357435548289036 keeps getting declined",
    '"payment_card": "6759786453631571409"',
    "Kreditkartennummer: 6759786453631571409",
])
def test_nineteen_digits_after_a_card_word_are_a_card(text: str) -> None:
    # Unseparated runs longer than 16 digits are span ids elsewhere; a card's word right before says otherwise.
    assert "<CREDIT_CARD>" in redact_text(text)


@pytest.mark.parametrize("text", [
    '"answer_span_id": "6890962171139000205"',  # `pan` inside `span`
    '"dd.span_id": "6085569153119513318"',
    "discarded 2 rows; trace 6304915840183903478 done",  # no card word right before the number
])
def test_long_ids_stay(text: str) -> None:
    assert redact_text(text) == text

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

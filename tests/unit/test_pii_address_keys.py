"""Street addresses named by their key (`capture/pii_address_keys.py`), and the keys and values that are not."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"pickup": {"addr": "Mírová 312", "time": "12:45"}}', '{"pickup": {"addr": "<STREET_ADDRESS>", "time": "12:45"}}'),
        ("billing_address='10 Downing Street'", "billing_address='<STREET_ADDRESS>'"),
        ('{\\"address\\": \\"Cl. 7ª # 7Z-35 Este\\"}', '{\\"address\\": \\"<STREET_ADDRESS>\\"}'),  # JSON in JSON
        ('{"address_line1": "Flat 3, 12 High St"}', '{"address_line1": "<STREET_ADDRESS>"}'),
        ('{"住所": "東京都新宿区高田馬場2丁目3番"}', '{"住所": "<STREET_ADDRESS>"}'),
        ('{"Adresse": "Szegedi utca 180."}', '{"Adresse": "<STREET_ADDRESS>"}'),
    ],
)
def test_a_value_under_an_address_key_is_a_street_address(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        '{"server_address": "db-1.internal:5432"}',  # a network address
        '{"address": "0x71C7656EC7ab88b098defB751B7401B5f6d8976F"}',  # a wallet
        '{"memory_address": "0x7ffe"}',
        '{"address": "us-east-1"}',  # a region: its number is glued to a word
        '{"addr": "v2"}',
        '{"address": "Main office"}',  # no number
    ],
)
def test_other_addresses_and_values_without_a_house_number_stay(text: str) -> None:
    assert redact_text(text) == text

"""A street line stacked on its postcode line, with no line announcing the address (`capture/pii_address_stacked.py`):
the postcode line under it says "address" where no street type does (Czech, Slovak, Croatian, Armenian streets)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Anna Berg\nMichnova 323\n732 21 Studénka", "<PERSON>\n<STREET_ADDRESS>\n732 21 Studénka"),
        ("Krížna 947\n027 78 Lastovce\nSlovensko", "<STREET_ADDRESS>\n027 78 Lastovce\nSlovensko"),
        ("Radnički dol 7b\n77824 Đurđevac", "<STREET_ADDRESS>\n77824 Đurđevac"),
        ("Խանջյան 6\n1234 Վայք", "<STREET_ADDRESS>\n1234 Վայք"),
        ("52 Castro Range\n2862 Pierceshire", "<STREET_ADDRESS>\n2862 Pierceshire"),
        ("651/94 Spencer Viaduct\n2627 Herreraport", "<STREET_ADDRESS>\n2627 Herreraport"),
        ("Eje vial Oaxaca 449 864\n06700 Ciudad de México", "<STREET_ADDRESS>\n06700 Ciudad de México"),
        ('{"label": "Ship label\\nMichnova 323\\n732 21 Studénka"}', '{"label": "Ship label\\n<STREET_ADDRESS>\\n732 21 Studénka"}'),
    ],
)
def test_a_street_line_over_its_postcode_line_is_an_address(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "Total 1234\n2024 Summary",  # a year, and no place the geocoder knows
        "Sprint 14\n2025 Roadmap",
        "Build 512\n10000 requests served",  # no place: a word in lower case
        "retries 3\n5000 ms",
        "Shard 5\n12000 Nodes",  # an English word
        "Room 12\n10115 Berlin",  # a room, not a street
        "Step 4\n2000 Sydney",
        "Top 10\n1000 Words",
    ],
)
def test_lines_that_only_look_stacked_are_kept(text: str) -> None:
    assert redact_text(text, {}) == text

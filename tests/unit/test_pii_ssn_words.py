"""Nine bare digits as a US social security number after a word that names one, or in the answer to a question
for one (`capture/pii_ssn_words.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('taxpayer_identification_number: "158243470"', 'taxpayer_identification_number: "<US_SSN>"'),
        ("SSN 536904399 on file", "SSN <US_SSN> on file"),
        ("AGENT: for verification can i get the last four of your social\nCALLER: the full one is 642442033",
         "AGENT: for verification can i get the last four of your social\nCALLER: the full one is <US_SSN>"),
    ],
)
def test_nine_digits_named_or_asked_for_as_an_ssn_are_one(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "order 158243470 shipped",  # no word names an SSN
        "SSN 912345678 is a test value",  # area 900-999: never issued
        "social media post 158243470 liked",  # `social` without a question on the line before
        "AGENT: your social?\nCALLER: my order is 666123456",  # area 666: never issued
    ],
)
def test_other_nine_digit_numbers_stay(text: str) -> None:
    assert "<US_SSN>" not in redact_text(text)

"""Phone numbers without a country prefix are redacted only where words say they are phone numbers (a bare
nine-digit group is also an id or an amount): a callback number, and a number a few words after `sms`."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text


@pytest.mark.parametrize("text", [
    "callback number: 538 536 986",
    "callback: 538 536 986",
    "sms to 669 820 176 failed",
    "sms sent to 22 177 82 37",
])
def test_a_number_the_words_call_a_phone_number_is_redacted(text: str) -> None:
    assert "<PHONE>" in redact_text(text) and not any(group in redact_text(text) for group in ("536", "820", "177"))


@pytest.mark.parametrize("text", [
    "callback took 538 ms",
    "callback_url: https://hooks.example.org/cb",
    "sms batch 669 of 820 sent",
    "order 538 536 986 shipped",
])
def test_other_numbers_near_those_words_stay(text: str) -> None:
    assert [match for match in find_pii(text) if match.entity == "PHONE"] == []

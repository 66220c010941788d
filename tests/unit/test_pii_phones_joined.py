"""Two phone numbers on one line joined by a slash or a spaced dash (`pii_phones.split_joined_numbers`). The phone
shapes take a slash in (German writes `030 / 1234 567`) and stop at a length limit, so the pair used to be read as
one number that ended inside the second, whose tail stayed in clear."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from evalforge_assets.capture.pii import find_pii, redact_text

# Countries whose numbers the blind probes and the users of LLM applications write most.
_REGIONS = ("US", "GB", "IN", "AU", "DE", "AT", "CH", "FR", "IT", "ES", "MX", "BR", "NL", "BE", "SE", "FI", "TR",
            "RU", "UA", "GR", "IL", "IR", "JP", "CN", "TW", "KR", "TH", "VN", "PH", "ZA", "NG", "RO", "HU", "SK")


def _phones(text: str) -> list[str]:
    return [match.value for match in find_pii(text) if match.entity == "PHONE"]


def _national_pairs() -> list[tuple[str, str, str]]:
    pairs = []
    for region in _REGIONS:
        mobile = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        fixed = phonenumbers.example_number_for_type(region, PhoneNumberType.FIXED_LINE)
        if mobile is not None and fixed is not None:
            pairs.append((region, phonenumbers.format_number(mobile, PhoneNumberFormat.NATIONAL),
                          phonenumbers.format_number(fixed, PhoneNumberFormat.NATIONAL)))
    return pairs


@pytest.mark.parametrize(("region", "first", "second"), _national_pairs())
@pytest.mark.parametrize("joint", [" / ", "/", " - "])
def test_both_numbers_of_a_pair_are_hidden_whole(region: str, first: str, second: str, joint: str) -> None:
    for text in (f"numbers: {first}{joint}{second}", f"Tel. {first}{joint}{second}", f'{{"phone": "{first}{joint}{second}"}}'):
        redacted = redact_text(text, {})
        left = re.sub(r"\D", "", redacted)
        assert re.sub(r"\D", "", second)[-4:] not in left, (region, text, redacted)
        assert re.sub(r"\D", "", first)[-4:] not in left, (region, text, redacted)


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("tel 0612345678 / 0698765432", ["0612345678", "0698765432"]),
        ("phones: 0412 345 678 / 0412 987 654", ["0412 345 678", "0412 987 654"]),
        ("0612345678/0698765432", ["0612345678", "0698765432"]),
        ("Tel 030 1234567 - 030 1234568", ["030 1234567", "030 1234568"]),
    ],
)
def test_a_pair_is_read_as_two_numbers(text: str, numbers: list[str]) -> None:
    assert _phones(text) == numbers


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("Tel.: 030 / 1234 567", ["030 / 1234 567"]),  # an area code and its subscriber number: one number
        ("+49 30 1234567-89", ["+49 30 1234567-89"]),  # a direct-dial extension is no number of its own
    ],
)
def test_one_number_with_a_slash_or_dash_stays_whole(text: str, numbers: list[str]) -> None:
    assert _phones(text) == numbers


@pytest.mark.parametrize("text", ["dates 01/02/2024 and 2020/2021", "ids 1234567/7654321", "build 1.2.3 / 1.2.4"])
def test_slashes_between_other_numbers_are_no_phone(text: str) -> None:
    assert _phones(text) == []

"""National numbers without a trunk prefix, written in their groups (`pii_phones._NATIONAL_GROUPS`): Spain, Poland,
Czechia and Portugal write nine digits with no leading zero, so no prefix says "phone"; the grouping does."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii


def _phones(text: str) -> list[str]:
    return [text[match.start:match.end] for match in find_pii(text) if match.entity == "PHONE"]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("A: ARKADIUSZ PERLIK | a.perlik@orange.pl | 533 632 884", "533 632 884"),
        ("Best regards,\nNela Dzienisz\nT: 22 610 71 62", "22 610 71 62"),
        ("llámame, 612 345 678, después de las 5", "612 345 678"),
        ("CTCM 669 045 421", "669 045 421"),
    ],
)
def test_a_national_number_in_its_groups_is_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "RCS Paris B 812 345 678",  # a French company's register number (SIREN), grouped the same way
        "NIP 123 456 789 on the invoice",
        "order 302 11521 shipped",  # not a phone's groups
        "retry 3 of 5 after 200 ms",
    ],
)
def test_a_register_number_or_other_groups_are_no_phone(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Reach Ana on (351) 968 301 661 after lunch.", "(351) 968 301 661"),  # Portugal's code, no plus
        ("Reach Ana on (0512) 10928 159 after lunch.", "(0512) 10928 159"),  # Austria: the trunk 0 in the area code
        ("Büro (02239) 09960 308", "(02239) 09960 308"),
    ],
)
def test_a_country_code_or_a_trunk_prefix_in_parentheses_makes_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize(
    "text", ["see (1) 234 5678 and (12) 345 678", "figure (3) 12345678 and table (10) 2024 rows"]
)
def test_a_number_after_a_figure_or_list_mark_in_parentheses_is_no_phone(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize("text", ["Release 1.4.0-rc.3 (01.04.2024)", "saved (2024-03-15) and (15/03/2024)"])
def test_a_date_in_parentheses_is_no_phone(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "ISBN 0-306-40615-2",
        "SKU 100-2345-678 is back in stock",
        "Job 8765432109 failed",
        "Ref 2024/0012345",
        "The meeting ID is 853 9938 5920",
        "PO 4500012345 approved",
        "Bestellnummer: 0612345678",
        "Registered office: Companies House no. 08123456",  # a company's register number
        "Company number: 08123456",
        "Lottery numbers 04 11 23 35 42 49",  # six pairs: a draw, not a phone
    ],
)
def test_a_number_an_id_s_noun_names_is_no_phone(text: str) -> None:
    assert _phones(text) == []


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Caller ID 0612345678", "0612345678"),  # a caller's id is a phone number
        ("Order by phone: 0612345678", "0612345678"),
        ("call 0612345678 about order 4839201", "0612345678"),
        ("T: 06 12 34 56 78", "06 12 34 56 78"),
    ],
)
def test_a_phone_beside_an_id_s_noun_is_still_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("ऊपर वाले पड़ोसी को भी यही समस्या है। कृपया 9886567653 पर संपर्क करें।", "9886567653"),
        ("कुछ हो तो 98265 94057 पर कॉल करना", "98265 94057"),
        ("আমাকে 7013109557 নম্বরে ফোন করুন", "7013109557"),
    ],
)
def test_ten_digits_of_an_indian_mobile_in_an_indian_script_are_a_phone(text: str, number: str) -> None:
    assert _phones(text) == [number]


@pytest.mark.parametrize(
    "text",
    [
        "the checksum 9886567653 matched",  # no Indian script near: the plans tried for bare digits decide
        "ऑर्डर संख्या 9886567653 भेज दिया गया है",  # an order's number
        "शिकायत संख्या: 9886567653",  # a complaint's number
        "खाता नं. 9886567653 में पैसे जमा हुए",  # an account's number
        "कृपया 1886567653 देखें",  # no Indian mobile (and no US number) opens with 1
    ],
)
def test_ten_digits_an_indian_script_does_not_make_a_mobile_stay(text: str) -> None:
    assert _phones(text) == []

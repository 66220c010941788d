"""Phones in a table's cells whose header does not name them (`capture/pii_phone_columns.py`), in a column of
aligned text, after a key's `=`, after the CJK words for a phone's number or a landline and after a telephone sign
(`capture/pii_phones.py`), and after an e-mail address and a slash (`capture/pii_phones_placed.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_phone_columns import find_contact_column_phones

_CALL_LOG = (
    "call_id,from,to,duration_s,disposition\n"
    "9b350e5a-aa87-450c-a416-fd403df65847,0926-602036,022 71657659,408,busy\n"
    "6f417ce5-3570-42a1-bba2-0247d0ebccc1,078 30401584,034 13215543,605,answered\n"
    "b0335d69-af96-4127-98dd-6d63478bb984,095 95058047,00 2402612,108,voicemail"
)


def _redacted(text: str) -> str:
    return redact_text(text, {})


def test_each_cell_of_a_table_is_read_on_its_own() -> None:
    redacted = _redacted(_CALL_LOG)
    for number in ("078 30401584", "022 71657659", "034 13215543", "095 95058047"):
        assert number not in redacted, redacted
    assert redacted.count("<PHONE>") == 6, redacted
    assert "9b350e5a-aa87-450c-a416-fd403df65847" in redacted and ",408,busy" in redacted, redacted


def test_a_column_of_phones_takes_in_a_number_no_plan_accepts() -> None:
    """`0926-602036` and `00 2402612` are in blocks no numbering plan has allocated; their column holds phones."""
    redacted = _redacted(_CALL_LOG)
    assert "0926-602036" not in redacted and "00 2402612" not in redacted, redacted


def test_a_column_an_id_names_is_not_read() -> None:
    """`call_id` and `ticket` hold ids in a phone's shape; `amount` and `started` hold no phone."""
    table = (
        "call_id,ticket,amount,started\n"
        "0612345678,0612345679,12.50,2024-05-12 10:00\n"
        "0612345680,0612345681,7.00,2024-05-12 10:05"
    )
    assert _redacted(table) == table


def test_one_phone_does_not_make_a_column_of_numbers_phones() -> None:
    """Only a column whose cells are phones for half or more takes in the cells no plan accepts."""
    table = "row,value\n1,+44 20 7946 0958\n2,1234567\n3,7654321\n4,2345678"
    redacted = _redacted(table)
    assert "+44 20 7946 0958" not in redacted and "1234567" in redacted and "2345678" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # A column gap of two spaces or more ends a number: the next column's `0.91` no longer swallows it.
        ("   user_id  name   phone           churn_risk\n1  557528  Khalaf  054 460 6014    0.91", "054 460 6014"),
        ("0  612697  박성진  010-3405-0587   0.95", "010-3405-0587"),
        # A key's `=` no longer keeps the number after it from being read.
        ("2024-11-07T01:43:13Z sms-gw INFO msg_id=df9a6eed to=08-49 64 87 segments=1 status=DELIVERED", "08-49 64 87"),
        ("ivr: intent=callback entered_number=03-542-7645 queue=tech-support", "03-542-7645"),
        # The CJK words for a phone's number and a landline, which write no space before the next word.
        ("手机：182 4257 1055，座机：010-5837 4447 内线 15。", "010-5837 4447"),
        ("退款至银行卡。回电号码：19035350702。由陈宇跟进。", "19035350702"),
    ],
)
def test_a_phone_in_a_column_or_after_a_key_is_redacted(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "2024-03-13T22:44:21Z INFO deploy service=gateway trace_id=02735819-ec4e-416e-950b-4904772ff55f",
        "Run 95081622 failed with state INTERNAL_ERROR: Cluster '1138-790938-acmgrd2u' was terminated.",
        "user_id  score\n615127    0.83\n557528    0.91",
        "total=1 234 567,89 EUR",
    ],
)
def test_a_number_that_is_part_of_an_id_or_an_amount_is_kept(text: str) -> None:
    assert _redacted(text) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Tak,\nPia\n☎ 7856 5493", "7856 5493"),
        ("Антонина обычно дома после 17:00. ☎ 84942296169", "84942296169"),
        ("Ceyhun's details: ulker.ceyhun@brightpath.co / 0065 673 26 88\n\nBest,\nFelix", "0065 673 26 88"),
    ],
)
def test_a_number_after_a_telephone_sign_or_a_slash_after_an_email_is_redacted(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize("text", ["📞 2024-05-12 10:00", "see docs / 2024 release notes at a@example.com"])
def test_a_date_after_a_telephone_sign_is_kept(text: str) -> None:
    assert "<PHONE>" not in _redacted(text)


def test_a_phone_shaped_cell_in_a_column_of_contact_details_is_a_phone() -> None:
    """Rows with no header: the column where another row holds an e-mail address lists the contacts' details."""
    text = (
        "| CASE-3330105 | Ludvig Henriksen | 44287569 | Bech A/S |\n"
        "| INC8081945 | Esben Eriksen | esben_eriksen@icloud.com | Larsen A/S |"
    )
    assert [text[start:end] for _, start, end in find_contact_column_phones(text)] == ["44287569"]
    tabbed = "0026792427\teila@example.fi\tTmi\nirene@example.fi\t(351) 293 024 337\tLda"
    assert [tabbed[start:end] for _, start, end in find_contact_column_phones(tabbed)] == [
        "0026792427", "(351) 293 024 337"]


@pytest.mark.parametrize("text", [
    "| 12345678 | Ludvig | 1 |\n| 87654321 | Esben | 2 |",  # no e-mail address in the column: an id's column
    "| 12345678 | reach me at ludvig@example.com |\n| 87654321 | Esben |",  # the address does not fill its cell
    "id 12345678 for ludvig@example.com\nid 87654321",  # no rows of cells
])
def test_numbers_beside_no_column_of_addresses_stay(text: str) -> None:
    assert list(find_contact_column_phones(text)) == []

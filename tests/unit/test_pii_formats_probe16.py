"""Structured values that blind probe 16 (long documents and conversations) showed leaking: passwords after the
Portuguese and Greek words for one, a connection string's password before an IPv6 host, and phone numbers placed
where contact details stand (`capture/pii_phones_placed.py`, `capture/pii_called.py`, `capture/pii_phones.py`),
and (seen in probe 12) callers' numbers and streets in a vCard's `ADR` (`capture/pii_address_vcard.py`) and after a Hindi house number."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("VPN: ola@example.no   Palavra-passe: nimbus99Nimbus*", "nimbus99Nimbus*"),
        ("Temp palavra-passe: 2S1ty7&W9wR#q70M", "2S1ty7&W9wR#q70M"),
        ("Human: ο παλιός κωδικός ήταν harbour6Copper@\nAI: Ενημέρωσα τη διεύθυνση.", "harbour6Copper@"),
        ("DEBUG db: connect postgres://svc:b7*u#UDwVYuMMgw@ce34:1680:177f:d60e:89a4:a82:2c47:3ed7:5432/app",
         "b7*u#UDwVYuMMgw"),
        ("DATABASE_URL=postgres://app:Biscuit1995?@[2001:db8::7]:5432/prod", "Biscuit1995?"),
    ],
)
def test_a_password_in_these_forms_goes(text: str, secret: str) -> None:
    assert secret not in _redacted(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Kontakt: ola@example.no, 71673919.", "71673919"),
        ("Interviewer: Jo Berg (HR, hr@example.com, 5368.2576)", "5368.2576"),
        ("Please contact me at anna@example.com or on 4757.8628 if I can help further.", "4757.8628"),
        ("Comments to the parish clerk, Ann Lee, on 6756039868 or clerk@example.org.", "6756039868"),
        ("Hindupur 896807\n1860664028\nola@example.no", "1860664028"),
        ("Regards\nAnna\nT: 70385673\nF: 9128 0564", "70385673"),
        ("Telefon 22 33 44 55 | M 918 31 454", "918 31 454"),
        ("Please call Kajetan Preuss on 4731.0990.", "4731.0990"),
        ("She can be reached on 667-7241.", "667-7241"),
        ("My direct line is 5001.5325 if that is easier.", "5001.5325"),
        ("agent: Mitt direktnummer är 0069-610 91.", "0069-610 91"),
        ("Kontrollen kan kontaktes på 67437431.", "67437431"),
        ("Контрольний огляд, запис за телефоном 240 09 68.", "240 09 68"),
    ],
)
def test_a_number_where_contact_details_stand_is_a_phone(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "x,ola@example.no,71673919,y",  # a CSV row: its column says what the number is
        "users: a@b.com, 3; c@d.com, 12345678 bytes",  # a size after an address
        "contact 12345678 today",  # "contact" needs "on" or "at"
        "retry call 12 of 20240101",
        "Section M: 12",
        "the hotline version 2.3.4 shipped",
        "opening hours 0900-1700 daily",  # a range of clock times
    ],
)
def test_numbers_that_are_no_phone_stay(text: str) -> None:
    assert "<PHONE>" not in _redacted(text)


@pytest.mark.parametrize(
    ("text", "streets"),
    [
        ("BEGIN:VCARD\nFN:Ana Lopes\nADR;TYPE=HOME:;;R. do Sextante, 28;Covilhã;;;\nEND:VCARD", ["R. do Sextante, 28"]),
        ("item1.ADR:;;Paulsenrøa 76E;Reidunodden;;;", ["Paulsenrøa 76E"]),
        ("ADR;TYPE=WORK:PO Box 12;Suite 4;Hauptstr. 5\\; Hinterhaus;Berlin;;10115;DE",
         ["PO Box 12", "Suite 4", "Hauptstr. 5\\; Hinterhaus"]),
    ],
)
def test_a_vcards_address_line_goes_and_its_place_stays(text: str, streets: list[str]) -> None:
    redacted = _redacted(text)
    assert not any(street in redacted for street in streets), redacted
    assert "<STREET_ADDRESS>" in redacted


@pytest.mark.parametrize("text", ["ADR: 145.20 USD", "ADR is the average daily rate", "ADR;TYPE=HOME:;;;;;;"])
def test_an_adr_that_is_no_vcard_address_stays(text: str) -> None:
    assert _redacted(text) == text


def test_a_hindi_house_number_without_commas_is_a_street() -> None:
    text = "कॉलर: पता है मकान नं 64 सिविल लाइंस असम 775864\nकॉलर: मेरा नंबर बाद में"
    assert _redacted(text) == "कॉलर: पता है <STREET_ADDRESS>\nकॉलर: मेरा नंबर बाद में"


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ('"GET /api/v1/voice/callback?caller=2506721138 HTTP/1.1" 200', "2506721138"),  # Twilio's caller
        ('level=info svc=voice-agent msg="call started" caller_id=080-0997-2183', "080-0997-2183"),
        ("[00:28] anrufer: meine nummer ist 01 51 59 37 36 83", "01 51 59 37 36 83"),
        ("абонент: мій номер 38 08 04 32 65 51", "38 08 04 32 65 51"),
    ],
)
def test_a_callers_number_is_a_phone(text: str, number: str) -> None:
    assert number not in _redacted(text)


@pytest.mark.parametrize("text", ["caller=anonymous", "caller_id=42 retries=3"])
def test_a_caller_key_without_a_number_stays(text: str) -> None:
    assert _redacted(text) == text

"""Phone numbers found by where they stand (`capture/pii_phones_placed.py`): alone on a signature's line, said to be
a phone's number, on an emergency contact's line, and a chat answer to a question for a phone number."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Could you re-issue it?\n\nThanks,\nLuana Baptista\n937023071", "937023071"),
        ("Kind regards,\nRoger Haugland\nHenriksentoppen 3, 1568 Cathrineodden\n22797500 | r@example.net", "22797500"),
        ("Unable to create record: The 'To' number (351) 913 421 218 is not a valid phone number. Code 21211",
         "913 421 218"),
        ("Left a voicemail: my number 0612 345 678, any time after six.", "0612 345 678"),
        ("Patient: Roger Moe\nWard: ICU-3\nEmergency contact: Lars Svendsen (spouse) – 29 39 54 66", "29 39 54 66"),
        ("[18:45] Bot: What's the best number to reach you?\n[07:15] Dolores: 57 308 852 90 50\n[18:15] Bot: Thanks",
         "57 308 852 90 50"),
    ],
)
def test_a_number_in_a_phones_place_is_redacted(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "invoice number 12345678 paid",
        "Order number 2024-05-12 shipped",
        "Bot: What's your order number?\nUser: 12345678",
        "Thanks,\nOps\n2024-05-12",
        "Emergency contact: none given (form v2)",
    ],
)
def test_a_number_that_is_no_phone_is_kept(text: str) -> None:
    assert "<PHONE>" not in _redacted(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("AGENT: Can you confirm the number on the account?\nCALLER: Sure, it's 4118463415.\nAGENT: And the card",
         "4118463415"),
        ("AGENT: and the best number to reach you?\nCALLER: it's um 8813.1299\nAGENT: great", "8813.1299"),
    ],
)
def test_a_callers_answer_with_a_lead_in_is_a_phone(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Bot: What's your order number?\nAna: it's 4118463415",  # a question for an order's number
        "AGENT: and the best number to reach you?\nCALLER: it's 4118463415 but I never pick up",  # more than a number
    ],
)
def test_other_answers_with_a_lead_in_stay(text: str) -> None:
    assert "4118463415" in _redacted(text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Ольга чекає на дзвінок щодо повернення коштів, номер 381 42 67. Дякую", "381 42 67"),
        ("Перезвоните мне, пожалуйста, за номером 112 318 22 90.", "112 318 22 90"),
        ("Press contact: Ana Ruiz, press@example.com, 61298734412 For further information", "61298734412"),
    ],
)
def test_the_slavic_word_for_number_and_an_e_mails_number_before_a_sentence(text: str, number: str) -> None:
    redacted = _redacted(text)
    assert number not in redacted and "<PHONE>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    ["номер заказа 123 45 67 оплачен", "номер 1234567", "ana@example.com, 61298734 bytes"],
)
def test_an_orders_number_and_a_count_stay(text: str) -> None:
    assert "<PHONE>" not in _redacted(text)


def test_an_sms_gateways_recipient_is_a_phone() -> None:
    text = "2024-05-06T15:49:20Z sms-gw INFO msg_id=9f2c to=41/733 5520 segments=1 status=DELIVERED"
    redacted = _redacted(text)
    assert "41/733 5520" not in redacted and "<PHONE>" in redacted, redacted


def test_a_to_key_on_a_line_without_sms_stays() -> None:
    text = "mail-gw INFO msg_id=9f2c to=41/733 5520 status=DELIVERED"
    assert "<PHONE>" not in _redacted(text)

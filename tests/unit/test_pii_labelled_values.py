"""Values their label gives away where the value's own shape would not: an IBAN of a country that has none, an SSN
the sentence names before it, an XML element's text, a phone joined to the letters of a script written without
spaces, a password quoted after "passwords"; and the ids that look the same but carry no such label."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # IBANs after the word IBAN, whatever their check digits say, in countries with and without IBANs.
        ("Transfiera COP 91.500,00 a la cuenta IBAN CO72QWER1234567890123, concepto F-2210.",
         "Transfiera COP 91.500,00 a la cuenta IBAN <IBAN>, concepto F-2210."),
        ("DEBUG payout.update iban=TH11 2222 3333 44 status=queued", "DEBUG payout.update iban=<IBAN> status=queued"),
        ('{"payee_iban": "AR00 1111 2222 3333 4444 5555 66", "currency": "ARS"}',
         '{"payee_iban": "<IBAN>", "currency": "ARS"}'),
        ("IBAN BD00 ABCD 1234 5678 9 SENT TODAY", "IBAN <IBAN> SENT TODAY"),
        # An SSN written as nine digits, named earlier in the sentence.
        ("We never keep social security numbers here, so please delete 219099998 from the chat.",
         "We never keep social security numbers here, so please delete <US_SSN> from the chat."),
        # XML elements named like a phone or a password key.
        ("<Contact><Phone>44 12 98 31</Phone><Fax>(0711) 22 33 44</Fax></Contact>",
         "<Contact><Phone><PHONE></Phone><Fax><PHONE></Fax></Contact>"),
        ('<credentials><password encoding="plain">tulip-Garden-88</password></credentials>',
         '<credentials><password encoding="plain"><PASSWORD></password></credentials>'),
        # Phones joined to Japanese, Korean and Hebrew words.
        ("山田さんは080-1234-5678から電話しました", "<PERSON>さんは<PHONE>から電話しました"),
        ("박지훈 님이 010-2345-6789로 연락 주셨습니다", "<PERSON> 님이 <PHONE>로 연락 주셨습니다"),
        ("אפשר להתקשר אליי ל-052-7654321 בערב", "אפשר להתקשר אליי ל-<PHONE> בערב"),
        # A password quoted after a sentence about passwords.
        ('Please do not paste passwords here: "Orchid!2287" is now visible to the whole team.',
         'Please do not paste passwords here: "<PASSWORD>" is now visible to the whole team.'),
    ],
)
def test_labelled_values_are_redacted(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我的订单4827361950还没有发货",  # bare digits joined to a word: an order's id, not a phone
        "注文番号7263518490の件",
        "the iban_check step failed for batch RQ12 ABCD",  # the word IBAN, no account after it
        "invalid IBAN DE00 3704 0044 0532 0130 00",  # a registry country's IBAN still needs its check
        "social security number field was empty; order 218376450 shipped",  # another number between
        "<Phone/>",
        "<mobile>true</mobile>",
        "Passwords must be at least 12 characters long.",
    ],
)
def test_lookalikes_without_a_label_stay(text: str) -> None:
    assert redact_text(text) == text

"""Values their label gives away where the value's own shape would not: an IBAN of a country that has none, an SSN
the sentence names before it, an XML element's text, a phone joined to the letters of a script written without
spaces, passwords after inflected password words and on command lines, session ids; and the look-alikes that carry
no such label."""

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
        # Password words with their endings, in prose of many languages and scripts.
        ("Kan ikke logge inn, passordet mitt er fjord2291.", "Kan ikke logge inn, passordet mitt er <PASSWORD>."),
        ("Nem megy a belépés, pedig a jelszavam Tulipan_77!", "Nem megy a belépés, pedig a jelszavam <PASSWORD>"),
        ("Şifrem deniz842 ama giremiyorum", "Şifrem <PASSWORD> ama giremiyorum"),
        ("мой пароль olive-tree-19 не подходит", "мой пароль <PASSWORD> не подходит"),
        ("我的密碼是green-river-42，可是登入不了", "我的密碼是<PASSWORD>,可是登入不了"),  # NFKC turns the comma narrow
        ("mon mot de passe est q7&Lm&x2Pz, merci", "mon mot de passe est <PASSWORD>, merci"),
        # Passwords on command lines, and a login written `e-mail / password`.
        ("$ sshpass -p 'Xk7#pq21' ssh ops@bastion", "$ sshpass -p '<PASSWORD>' ssh ops@bastion"),
        ("mysql -u app -p'Harbor2024?' -h db-1 crm", "mysql -u app -p'<PASSWORD>' -h db-1 crm"),
        ("redis-cli -h cache-2 -a 'Qm8zTt31vv' INFO", "redis-cli -h cache-2 -a '<PASSWORD>' INFO"),
        ("docker login -u ci -p Tz81kLq0 registry.example.org", "docker login -u ci -p <PASSWORD> registry.example.org"),
        ("1. Log in as olga.k@example.com / maple732\n2. Open the cart", "1. Log in as <EMAIL> / <PASSWORD>\n2. Open the cart"),
        ('db_password = "%kQ2x!Lm9vR"', 'db_password = "<PASSWORD>"'),
        # Session ids under a session key and in a session store's keys.
        ('{"svc": "auth", "session": "q9x2m4k7v1z8p3w6r5t0y2u4i6o8a1s3"}', '{"svc": "auth", "session": "<SECRET>"}'),
        ('"SETEX" "sess:h4k9x2q7m1v8z3p6w5r0t2y4u6i8o1a3" "86400"', '"SETEX" "sess:<SECRET>" "86400"'),
        # Nine-digit SSNs under an SSN or TIN column, after "my social is", and after a TIN label.
        ("id,full_name,ssn,state\nE1,Jo Nakamura,219099998,CA", "id,full_name,ssn,state\nE1,<PERSON>,<US_SSN>,CA"),
        ("ok so my social is 219099998 if you need it", "ok so my social is <US_SSN> if you need it"),
        ("Form W-9\nTIN type: SSN\nTIN: 219099998", "Form W-9\nTIN type: SSN\nTIN: <US_SSN>"),
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
        "ssh -p 2222 deploy@bastion",  # `-p` is a port here, a database there, a path for mkdir
        "mysql -u root -p crm_reports",
        "mkdir -p /var/lib/app2",
        "grep -a 'error42' app.log",
        "password=%(db_password)s",  # references to a secret stored elsewhere
        "PASSWORD=%DB_PASSWORD%",
        '{"session": "checkout", "session_id": "4411"}',  # a session's name and number, not its credential
        "guardrail blocked output session=ce8e809b-8f26-4bd5-a3d4-8873a0a2a72b",  # a conversation's UUID
        "cache set failed for key sess:2004d578-ef9f-4b7f-a728-0bad2a401533 (3700303 bytes)",
        "the tin can holds 219099998 screws",  # "tin" as a word
    ],
)
def test_lookalikes_without_a_label_stay(text: str) -> None:
    assert redact_text(text) == text

"""Names a conversation gives away after its first mention: echoes of a found name, transcript speakers, sign-offs
inside JSON strings, and introductions or thanks with names that name lists miss or that are also words."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Echoes: the given name alone after the full name was found.
        ("Attendees: Guadalupe Mendoza, Julian Ramirez\nAction items:\n- Julian to rotate the keys",
         "Attendees: <PERSON>, <PERSON>\nAction items:\n- <PERSON> to rotate the keys"),
        # ... and a chat's mention of it, not an e-mail address's part.
        ("**Attendees:** Malwina Rzeźniczak\n- [ ] @Malwina update runbook; mail x@Malwina.com",
         "**Attendees:** <PERSON>\n- [ ] @<PERSON> update runbook; mail <EMAIL>"),
        # Transcript speakers, and a name in brackets after a role.
        ("[19:45] Bot: What's the best number to reach you?\n[16:30] Sandra: +573154812190\n[09:15] Bot: Thanks!",
         "[19:45] Bot: What's the best number to reach you?\n[16:30] <PERSON>: <PHONE>\n[09:15] Bot: Thanks!"),
        ("Agent (Chloé): Hi, who am I speaking with?\nCustomer: it's me again",
         "Agent (<PERSON>): Hi, who am I speaking with?\nCustomer: it's me again"),
        # A sign-off inside a JSON string, its line break written as an escape.
        ('{"body": "Payment is due in 14 days.\\n\\nBest,\\nΦοίβος", "cc": []}',
         '{"body": "Payment is due in 14 days.\\n\\nBest,\\n<PERSON>", "cc": []}'),
        # A common given name that is also in Webster's Second, after thanks.
        ("Dziękuję, Alan", "Dziękuję, <PERSON>"),
        # Introductions of names no name list holds: two or more capitalised words, none a word.
        ("Hola, soy Jonatan Benet Guitart, mi pedido SO713423 todavía", "Hola, soy <PERSON>, mi pedido SO713423 todavía"),
        ("Olá, sou Emilly Melo, meu pedido ainda não chegou", "Olá, sou <PERSON>, meu pedido ainda não chegou"),
        # A name that closes a message after thanks or a sign-off, in any case and any script, needs no name data.
        ("Can you move my delivery to Thursday? Thanks, quillon", "Can you move my delivery to Thursday? Thanks, <PERSON>"),
        ("Kann die Lieferung später kommen? Danke, Jördis!", "Kann die Lieferung später kommen? Danke, <PERSON>!"),
        ("Можно перенести доставку? Спасибо, всеволод", "Можно перенести доставку? Спасибо, <PERSON>"),
        ("कृपया डिलीवरी कल करें। धन्यवाद, विनीता", "कृपया डिलीवरी कल करें। धन्यवाद, <PERSON>"),
        ("配送日を変更してください。よろしくお願いします。\n中村健太\n経理部", "配送日を変更してください。よろしくお願いします。\n<PERSON>\n経理部"),
    ],
)
def test_names_a_conversation_gives_away_go(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Status: failed\nError: timeout after 30s\nUser: retry",  # log fields, one role: no transcript of people
        "User: hi\nAssistant: hello\nUser: what is Kafka?",  # roles only
        "Thanks, Team",
        "ich bin Montag hier",
        "This is Kafka Connect failing on partition 3",
        "Hi, I am Azure Support",
        "best\nthe team",
        "Thanks, everyone!",  # closing words that are no name
        "Cheers, ops-bot",
        "Thanks,\nSRE",
        "よろしくお願いします。\n総務課",  # a department on the closing line
        "Meine Bestellung SO713423 ist noch nicht da. Alle Daten sind korrekt, bitte prüfen.",  # German, not names
    ],
)
def test_words_that_only_look_like_those_names_stay(text: str) -> None:
    assert redact_text(text) == text


def test_an_echo_takes_no_part_that_is_an_ordinary_word() -> None:
    text = "Dear Craig Lane, your appointment is at 10:00. Parking is in the lane behind Memory Lane."
    redacted = redact_text(text)
    assert "Craig Lane" not in redacted and "Craig" not in redacted
    assert redacted.endswith("Parking is in the lane behind Memory Lane.")


def test_a_name_with_an_ordinary_word_in_it_is_not_echoed() -> None:
    """A travel plan's title read as a name must not take the destination with it."""
    text = '{"title": "Discovering Milan", "destination": "Milan", "days": 3}'
    assert '"destination": "Milan"' in redact_text(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # a WhatsApp export: every turn dated, no role among the speakers (and who just wrote, `pii_names_messaged`)
            "[07/04/2025, 15:56] Durmuşali: naide zorlu az önce yazdı\n[07/04/2025, 15:58] Zeynep: tamam",
            "[07/04/2025, 15:56] <PERSON>: <PERSON> az önce yazdı\n[07/04/2025, 15:58] <PERSON>: tamam",
        ),
        (  # the Android form, and speakers in a script with vowel signs
            "15/02/2025, 09:45 - पुरुषोत्तम कलिता: हम लेट होंगे\n15/02/2025, 09:46 - दीपाली: ठीक है",
            "15/02/2025, 09:45 - <PERSON>: हम लेट होंगे\n15/02/2025, 09:46 - <PERSON>: ठीक है",
        ),
    ],
)
def test_the_speakers_of_a_chat_apps_export_go(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


def test_a_log_with_iso_timestamps_is_no_chat_export() -> None:
    text = "[2024-01-02 10:00:01] Kafka: connection lost\n[2024-01-02 10:00:02] Redis: timeout"
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("नमस्ते राहुल जी, आपका ऑर्डर भेज दिया गया है", "नमस्ते <PERSON> जी, आपका ऑर्डर भेज दिया गया है"),
        ("नमस्ते सुनील कुमार जी, आपका टिकट", "नमस्ते <PERSON> जी, आपका टिकट"),
        ("हैलो प्रिया! आपका पैकेज आ गया", "हैलो <PERSON>! आपका पैकेज आ गया"),
        # The honorific or a role greeted, or no one: nothing to take.
        ("नमस्ते जी, मैं आपकी मदद कर सकता हूँ", "नमस्ते जी, मैं आपकी मदद कर सकता हूँ"),
        ("नमस्ते ग्राहक जी, धन्यवाद", "नमस्ते ग्राहक जी, धन्यवाद"),
        ("नमस्ते, आपका ऑर्डर भेज दिया गया है", "नमस्ते, आपका ऑर्डर भेज दिया गया है"),
    ],
)
def test_a_name_greeted_in_hindi_with_its_honorific_goes(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # People taking turns without roles, in lower case, one of them a known given name.
        ("rebeca: whats the wifi pw for the Frankfurt office\naimée: Speak@1984\nrebeca: ty",
         "<PERSON>: whats the wifi pw for the Frankfurt office\n<PERSON>: <PASSWORD>\n<PERSON>: ty"),
        ("давид: whats the wifi pw for the Osaka office\nkamya: still the old one\nдавид: ty",
         "<PERSON>: whats the wifi pw for the Osaka office\n<PERSON>: still the old one\n<PERSON>: ty"),
        # A full name found once, then its given name typed in lower case.
        ("Annica Holm  18:05\nanyone covering on-call?\nAnnica Holm  01:57\nalso annica can you ack the alert",
         "<PERSON>  18:05\nanyone covering on-call?\n<PERSON>  01:57\nalso <PERSON> can you ack the alert"),
    ],
)
def test_names_typed_in_lower_case_in_a_conversation_go(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


@pytest.mark.parametrize(
    "text",
    [
        # Daemons, log levels and keys that repeat are no people talking.
        "sshd: Accepted publickey for root\ncron: job started\nsshd: session closed",
        "error: disk full\nwarning: retrying\nerror: gave up",
        "host: db1\nport: 5432\nhost: db2",
        # Two speakers who never speak twice are not a conversation.
        "maria: hello\njonas: hi",
        # A given name that is a stop word of some language stays a word in lower case.
        "Donna Kemp posted twice. la donna è mobile",
    ],
)
def test_lower_case_words_that_are_no_conversation_or_no_echo_stay(text: str) -> None:
    redacted = redact_text(text, {})
    assert redacted == text or redacted == text.replace("Donna Kemp", "<PERSON>")


def test_a_protobuf_text_of_keys_and_values_has_no_speakers() -> None:
    text = 'metadata {\n  key: "service"\n  value: "vision.googleapis.com"\n}\nmetadata {\n  key: "quota_limit_value"\n}'
    assert redact_text(text, {}) == text

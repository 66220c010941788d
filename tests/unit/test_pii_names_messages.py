"""Names of short messages: the writer's name that closes one (`pii_names_signed`), whom a message asks to be
told or asked (`pii_names_cues`), and Cyrillic or Greek names typed in lower case after a cue."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


def _redacted(text: str) -> str:
    return redact_text(text, {})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The writer's name after the message's last sentence.
        ("Привіт! Нагадую про зустріч завтра. Андрій", "Привіт! Нагадую про зустріч завтра. <PERSON>"),
        ("ok see you at 8. Maria", "ok see you at 8. <PERSON>"),
        ("Order shipped!\nPaula 😊", "Order shipped!\n<PERSON> 😊"),
        ("Our export has been stuck at 0% since this morning -- Connie",
         "Our export has been stuck at 0% since this morning -- <PERSON>"),
        # Whom to tell or ask, in lower case, in the case the sentence puts the name in.
        ("скажи петро що я запізнюсь", "скажи <PERSON> що я запізнюсь"),
        ("попроси маше перезвонить", "попроси <PERSON> перезвонить"),
        ("ευχαριστώ νίκο!", "ευχαριστώ <PERSON>!"),
        ("avisa camila que vamos atrasar", "avisa <PERSON> que vamos atrasar"),
        # In English, only a given name that is no English word.
        ("ok so tell whitney to ping me once the Luigi deploy is done",
         "ok so tell <PERSON> to ping me once the Luigi deploy is done"),
        # Lower-case Cyrillic after an introduction: a given name, or a family name before more words.
        ("привет меня зовут куликова милица федоровна", "привет меня зовут <PERSON>"),
        # An Arabic greeting, then "with you is" and the agent's name.
        ("سلام عليكم، معك يوسف من خدمة العملاء", "سلام عليكم، معك <PERSON> من خدمة العملاء"),
    ],
)
def test_names_a_short_message_gives_go(text: str, expected: str) -> None:
    assert _redacted(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We close at 5. Thanks",
        "See the docs. Kafka Connect",
        "Your parcel is at the depot. Amazon",
        "The meeting moved to Friday. Victoria Station",
        "Build status - Grace",  # after a dash, a given name that is an English word too is the word
        "tell me more about the Luigi deploy",
        "ask grace about it",
        "please ask support to reset it",
        "tell them to retry",
        # A lower-case word of the sentence after "I am" is no name.
        "Γεια σου, θα είμαι εκεί στις 8.",
        "скажи мне завтра",
    ],
)
def test_words_that_close_or_follow_a_cue_but_name_no_one_stay(text: str) -> None:
    assert _redacted(text) == text

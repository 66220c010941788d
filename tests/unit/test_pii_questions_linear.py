"""The questions that make the next chat line an answer (a phone number, a street address, a password, a name) are
read in linear time on a long line: each pattern looked for the question mark, or the password word, after every
asking word, so a line of 20,000 of them took seconds and one of 400,000 would take ten minutes. The suite's timeout
catches a return of that; the ordinary questions still ask."""

from __future__ import annotations

import re

import pytest

from evalforge_assets.capture.pii_address_keys import _ASKED_FOR_ADDRESS
from evalforge_assets.capture.pii_names_answered import _ASKED_FOR_NAME
from evalforge_assets.capture.pii_password_files import _ASKED_FOR_PASSWORD
from evalforge_assets.capture.pii_phones_placed import _ASKED

_REPEATS = 400_000


@pytest.mark.parametrize(
    ("pattern", "word", "completed"),
    [
        (_ASKED, "phone ", "?"),
        (_ASKED_FOR_ADDRESS, "address ", "?"),
        (_ASKED_FOR_NAME, "your name ", "?"),
        (_ASKED_FOR_PASSWORD, "what ", "password"),
    ],
    ids=["phone", "address", "name", "password"],
)
def test_a_long_line_of_asking_words_is_read_in_linear_time(pattern: re.Pattern[str], word: str, completed: str) -> None:
    line = "agent: " + word * _REPEATS
    assert pattern.search(line) is None
    assert pattern.search(line + completed) is not None


@pytest.mark.parametrize(
    ("pattern", "asks", "does_not"),
    [
        (_ASKED, "Agent: What is the best phone number to reach you?", "Agent: the phone is fine?!"),
        (_ASKED_FOR_ADDRESS, "Bot: And the service address?", "Bot: your email address?"),
        (_ASKED_FOR_PASSWORD, "what is the wifi password", "the password is what?"),
        (_ASKED_FOR_PASSWORD, "wifi pw pls", "pw reset done"),
    ],
    ids=["phone", "address", "password", "password-please"],
)
def test_the_questions_still_ask(pattern: re.Pattern[str], asks: str, does_not: str) -> None:
    assert pattern.search(asks) is not None
    assert pattern.search(does_not) is None

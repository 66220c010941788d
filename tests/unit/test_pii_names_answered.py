"""Names given as the answer to a question for a name (`pii_names_answered`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_answered import _ASKED_FOR_NAME


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A transcript drops the question mark; the answer's first words are the name, up to an English word.
        ("agent: can you spell the last name for me\ncaller: yeah it's brennagh\nagent: and the first name\n"
         + "caller: roisin yeah\nagent: thank you",
         "agent: can you spell the last name for me\ncaller: yeah it's <PERSON>\nagent: and the first name\n"
         + "caller: <PERSON> yeah\nagent: thank you"),
        # A common given name that is an English word too (a carol) is one here.
        ("agent: and the first name\ncaller: carol like it sounds", "agent: and the first name\ncaller: <PERSON> like it sounds"),
        ("agent: can I get your full name\ncaller: um it's oyelaran adebisi\nagent: great",
         "agent: can I get your full name\ncaller: um it's <PERSON>\nagent: great"),
    ],
)
def test_the_answer_to_a_question_for_a_name_goes(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


@pytest.mark.parametrize(
    "text",
    [
        "agent: what's the file name?\nuser: report final",  # a file's name
        "agent: what is the company name?\ncaller: acme logistics",
        "support: what's your username?\nuser: dragonfly77",
        "agent: may I have your name please\ncaller: sure no problem",  # no name in the answer
        "agent: what's your name?\ncaller: thanks for asking",
    ],
)
def test_other_names_and_answers_without_a_name_stay(text: str) -> None:
    assert redact_text(text, {}) == text


def test_a_long_line_of_name_words_is_read_in_linear_time() -> None:
    # The question mark was looked for after each "name" (a line of 10,000 took 2.7 s); the suite's timeout catches
    # a return of it at this length.
    line = "agent: " + "your name " * 400_000
    assert _ASKED_FOR_NAME.search(line) is None
    assert _ASKED_FOR_NAME.search(line + "?") is not None

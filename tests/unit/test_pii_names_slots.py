"""Names in the place a found name holds in lines written from one template (`capture/pii_names_slots.py`), and
one word told, asked or reminded to do something (`capture/pii_names_tasks.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text

_TODO = (
    "todo:\n"
    "- send Garmin Forerunner 265 invite to tristan lemire\n"
    "- send AirPods Pro (2nd gen) invite to tanmayi wadhwa\n"
    "- send Instant Pot Duo 7-in-1 invite to penny sims\n"
    "- send Philips Hue Starter Kit invite to the team\n"
    "- send Pixel 8 Pro invite to ops\n"
)


def test_the_names_in_a_found_names_place_are_redacted() -> None:
    redacted = redact_text(_TODO, {})
    assert "tristan lemire" not in redacted, redacted  # found by name data: the template's evidence
    assert "tanmayi wadhwa" not in redacted and "penny sims" not in redacted, redacted


def test_what_cannot_be_a_person_in_that_place_is_kept() -> None:
    redacted = redact_text(_TODO, {})
    assert "invite to the team" in redacted and "invite to ops" in redacted, redacted


def test_a_line_of_another_template_is_not_read() -> None:
    text = "- send Garmin invite to tristan lemire\n- reply with the invite to penny sims"
    redacted = redact_text(text, {})
    assert "penny sims" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ok so tell mary to ping me at 988-636-7722 once the Rasa deploy is done", "mary"),
        ("ok so tell cole to ping me once the Hibernate deploy is done", "cole"),
        ("can you ask jack to merge it", "jack"),
    ],
)
def test_a_given_name_told_to_do_something_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert f" {name} " not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize("text", ["remind will to book the room", "tell ops to restart it", "tell them to wait"])
def test_an_everyday_word_or_a_team_told_is_kept(text: str) -> None:
    assert redact_text(text, {}) == text

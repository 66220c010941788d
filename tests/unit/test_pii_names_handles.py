"""Handles that spell a person's name (`capture/pii_names_handles.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_handles import find_handle_names


def _handles(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_handle_names(text)]


def test_mentions_that_spell_a_name_are_found() -> None:
    text = "thanks @maria.lopez, can you check? cc @Priya @mkowalski and @will.smith"
    assert _handles(text) == ["maria.lopez", "Priya", "mkowalski", "will.smith"]


@pytest.mark.parametrize(
    "text",
    [
        "@here deploy is done, @oncall please verify @channel @everyone",
        "@property\ndef name(self): ...\n@dataclass(frozen=True)\n@app.route('/x')",  # decorators
        "npm i @types/node @angular/core",  # package scopes
        "mail anna.berg@example.com",  # an e-mail address is the e-mail finder's
        "ping @mark",  # a given name that is an English word, alone
    ],
)
def test_mentions_that_name_no_one_stay(text: str) -> None:
    assert _handles(text) == []


def test_the_redactor_hides_the_handle_and_keeps_the_mention_sign() -> None:
    assert redact_text("cc @maria.lopez on the rollout", {}) == "cc @<PERSON> on the rollout"


def test_a_github_comments_author_whose_handle_is_a_name_is_redacted() -> None:
    redacted = redact_text("**ronald-wright** commented on `src/app.py` line 97:\n> `TEST_USER = {}`", {})
    assert "ronald-wright" not in redacted and "<PERSON>" in redacted, redacted


def test_a_bots_handle_over_a_comment_stays() -> None:
    text = "**dependabot** commented on the PR; **build-bot** approved these changes"
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "handle"),
    [
        ("@सीता these look like real credentials, please rotate them", "सीता"),
        ("thanks @רוי for the review", "רוי"),
        ("**hélène-fonjallaz** approved these changes", "hélène-fonjallaz"),
        ("**bhanu-upadhyay** commented on `src/app.py` line 3:", "bhanu-upadhyay"),
    ],
)
def test_a_handle_in_a_script_without_english_words_and_a_github_login_of_two_words_are_names(
        text: str, handle: str) -> None:
    redacted = redact_text(text, {})
    assert handle not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text", ["@所有人 请查看", "@ทุกคน โปรดดู", "**release-bot** commented on `setup.py`", "**ci-build** approved"])
def test_everyone_in_other_scripts_and_a_machines_login_are_no_handle_names(text: str) -> None:
    assert list(find_handle_names(text)) == []

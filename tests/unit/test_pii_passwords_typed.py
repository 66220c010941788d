"""Passwords in a text about one (`capture/pii_password_prose.py`): what the user typed or wrote, and a Wi-Fi's
password with a bracket in it."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "password"),
    [
        ("I keep typing G+u8LCVHmOslTcNU for my Netflix account and it says wrong password.", "G+u8LCVHmOslTcNU"),
        ("I keep typing H1GLPwIyM9 for my Outlook account and it says wrong password. Did I lock myself out?",
         "H1GLPwIyM9"),
        ('Assistant: Please never share passwords. You wrote "625MEH(e_ngJl" above; change it now.', "625MEH(e_ngJl"),
        ("พาไปส่งบ้านด้วย รหัสไวไฟ D*((TZ3qGI5Q ซื้อส้มไปฝากด้วยก็ดี", "D*((TZ3qGI5Q"),
        ("si personne répond, le code wifi c'est Y)eRDpEVOg!k0187 bisous", "Y)eRDpEVOg!k0187"),
    ],
)
def test_a_typed_or_a_wifi_password_is_redacted(text: str, password: str) -> None:
    redacted = redact_text(text, {})
    assert password not in redacted and "<PASSWORD>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "I reset my password, then typed Chrome into the search box",
        "I entered 2024-05-12 as the date and my password worked",
        "wifi code (5GHz) is on the router",
        "I typed https://example.com/login after the password reset",
    ],
)
def test_what_is_no_password_is_kept(text: str) -> None:
    assert redact_text(text, {}) == text


def test_words_joined_by_dots_and_ended_by_digits_are_a_passphrase_not_code() -> None:
    redacted = redact_text("Hei! En pääse sisään, vaikka salasanani on river.candle.orbit42. Onko tili lukittu?", {})
    assert "river.candle.orbit42" not in redacted and "lukittu" in redacted, redacted


def test_a_reference_to_a_setting_after_a_password_word_is_kept() -> None:
    text = "the password is read from settings.database.password at start"
    assert redact_text(text, {}) == text

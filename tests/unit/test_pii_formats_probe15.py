"""Forms of structured values and names that blind probes 12 and 15 showed leaking: a password's confirmation
field (`capture/pii_key_names.py`), a password typed into a chat about passwords (`capture/pii_password_prose.py`),
a Google OAuth refresh token (`capture/pii_library.py`), and a party to a court case (`capture/pii_patterns.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_key_names import key_kind
from evalforge_assets.capture.pii_password_prose import find_prose_passwords


@pytest.mark.parametrize(
    "key", ["password_confirm", "passwordConfirmation", "password2", "confirm_password", "Passwort_wiederholen"]
)
def test_a_passwords_confirmation_field_names_a_password(key: str) -> None:
    assert key_kind(key) == "PASSWORD"


@pytest.mark.parametrize("key", ["confirm", "check", "order2", "email_confirm"])
def test_other_confirmation_fields_name_no_password(key: str) -> None:
    assert key_kind(key) != "PASSWORD"


def test_the_confirmed_password_of_a_form_goes_and_its_flags_stay() -> None:
    text = 'password="<PASSWORD>" password_confirm="Wxd&7Sv0g9" newsletter="true" password_check=true'
    assert redact_text(text, {}) == 'password="<PASSWORD>" password_confirm="<PASSWORD>" newsletter="true" password_check=true'


def _prose(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_prose_passwords(text)]


@pytest.mark.parametrize(
    ("text", "password"),
    [
        ("user: tried resetting but the new one (Winter#135*) doesn't work\nassistant: never share your password",
         "Winter#135*"),
        ("user: the new one (OeC)IySZ#1m!PWwB$) fails too. assistant: change that password now", "OeC)IySZ#1m!PWwB$"),
        ("Mein Passwort ist abgelaufen, ich habe Tigger733* versucht.", "Tigger733*"),
    ],
)
def test_a_password_typed_in_a_chat_about_passwords_goes(text: str, password: str) -> None:
    assert _prose(text) == [password]
    assert password not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        "password reset failed on gpt-4o-2024-08-06 for x86_64-linux-gnu v1.2.3-rc1",  # no symbol of a password
        "password reset: GET /track?order=A24395&lang=ru-RU HTTP/2.0",  # a query string
        "password file: pg-main.acme.local:5432:*:analytics:Xy7#",  # fields joined by colons
        "password sent to John.Smith1@Example.com",  # an e-mail address
        "the new one (Winter#135*) doesn't work",  # no word for a password in the text
    ],
)
def test_password_shaped_runs_that_are_no_password_stay(text: str) -> None:
    assert _prose(text) == []


def test_a_google_refresh_token_goes_under_any_key() -> None:
    token = "1//0gLx-" + "Ab3dEfGhIjKlMnOpQrStUvWxYz0123456789_-abcd"
    assert token not in redact_text(f"auth.login_ok session={token} ip=10.0.0.1", {})
    assert redact_text("see 1//2 of them", {}) == "see 1//2 of them"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("...Plaintiff Wright-Murphy relies on the Daubert standard.", "Wright-Murphy"),
        ("Plaintiffs Garcia and Lee moved for summary judgment.", "Garcia"),
        ("The court heard Witness Okonkwo on Monday.", "Okonkwo"),
    ],
)
def test_a_party_to_a_court_case_is_a_person(text: str, name: str) -> None:
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    ["Defendant Acme Corp moved to dismiss.", "The respondent Company argued.", "Defendant FORD MOTOR COMPANY"],
)
def test_a_company_or_a_word_after_a_party_stays(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    "frame", ["main.(*Server).handle(0xc0001a2000,", "self.client.Invoke(Payload1!)", "Foo::Bar(0x7ffd5a2b)"]
)
def test_a_stack_frame_in_a_text_about_passwords_is_no_password(frame: str) -> None:
    assert _prose(f"password check failed\ngoroutine 17 [running]:\n{frame} {{0x9537, 0x2}}") == []


def test_a_dated_model_id_after_a_password_word_is_no_password() -> None:
    text = "password reset for a user using gpt-4o-2024-08-06 on x86_64"
    assert redact_text(text, {}) == text
    assert redact_text("the password I set was Summer2024", {}) == "the password I set was <PASSWORD>"

"""Forms of structured values that blind probe 17 showed leaking: a quoted word called a password, the answer to
`wifi pw pls` in an SMS export (`capture/pii_password_prose.py`, `capture/pii_password_files.py`), a password that
starts with a dollar and a key-value pair inside doubly escaped JSON (`capture/pii_context.py`), base64 with `/`
after a token's word and Airtable's personal access token (`capture/pii_library.py`, `capture/pii_context.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('Is \\"$0l31l5626\\" a strnog password? I use it for Workday',
         'Is \\"<PASSWORD>\\" a strnog password? I use it for Workday'),
        ('is "granite-cactus-staple31" a strong password?', 'is "<PASSWORD>" a strong password?'),
        ('I set "Summer2024" as my new password', 'I set "<PASSWORD>" as my new password'),
    ],
)
def test_a_quoted_word_called_a_password_is_one(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        'The field "email" and the password are required',  # no "a", "as", "for", "my" or "is" before the words
        'Set "DB_PASSWORD" in the password manager',  # a variable's name
    ],
)
def test_other_quoted_words_beside_a_password_word_stay(text: str) -> None:
    assert redact_text(text) == text


def test_the_answer_to_a_request_for_a_password_in_an_sms_export_goes() -> None:
    text = "SMS thread export\n> wifi pw pls\n< 045fzp5h\n> thanks"
    assert redact_text(text) == "SMS thread export\n> wifi pw pls\n< <PASSWORD>\n> thanks"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("REDIS_PASSWORD=$diFwQma5JlH02Vfe", "REDIS_PASSWORD=<PASSWORD>"),  # random: no variable's name
        ("DB_PASSWORD=$DB_PASS", "DB_PASSWORD=$DB_PASS"),  # a reference to a variable
        ('"{\\"s\\": \\"{\\\\\\"password\\\\\\": \\\\\\"sjuymxwckz\\\\\\"}\\"}"',
         '"{\\"s\\": \\"{\\\\\\"password\\\\\\": \\\\\\"<PASSWORD>\\\\\\"}\\"}"'),  # JSON in JSON in JSON
    ],
)
def test_passwords_after_their_key(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_base64_with_a_slash_after_a_tokens_word_is_a_secret() -> None:
    token = "EwBLjOY0JbAqNXNg+grYwqFD1onZzZkqpwkIfK4pAl05lfF8ZiDdFp8oCyLG7GLZ34in3zK/0qjcHiT31ALyaA3zqr8a"
    assert redact_text(f"this is the token Jira gave me: {token} is it expired?") == (
        "this is the token Jira gave me: <SECRET> is it expired?"
    )
    assert redact_text("the key file is in etc/ssl2/private/app/keys") == "the key file is in etc/ssl2/private/app/keys"


def test_an_airtable_personal_access_token_is_an_api_key() -> None:
    text = "AIRTABLE_PAT=patDRir2v3nD1QQC0.e20f7f3c21d390ef5eb293765c62535defe049460417fea35e3c4e850583f104"
    assert redact_text(text) == "AIRTABLE_PAT=<API_KEY>"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("please call me back on 7836291872 thanks bye", "please call me back on <PHONE> thanks bye"),
        ("please call us back on 2348055429327", "please call us back on <PHONE>"),
        ("Press office: 636693672 The company reported", "Press office: <PHONE> The company reported"),
    ],
)
def test_numbers_to_call_back_and_a_press_office_are_phones(text: str, expected: str) -> None:
    assert redact_text(text) == expected


def test_calling_back_at_an_hour_is_no_phone() -> None:
    assert redact_text("we will call back at 1500 hours") == "we will call back at 1500 hours"

"""An OAuth authorization code beside its redirect, and a sign-in link's token (`capture/pii_link_tokens.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (('{"grant_type": "authorization_code", "redirect_uri": "https://app.example.eu/cb", "code": '
         '"4/0AWswjN_m5jhJ_p4dHqnQyM09ru25MDw6H4VkMaQMzW0kQ4D-pi1WZn_PDnZzM"}'),
         '{"grant_type": "authorization_code", "redirect_uri": "https://app.example.eu/cb", "code": "<SECRET>"}'),
        ('exchange(client_id="x", redirect_uri="https://x.example.com/cb", code="aCDIibE88xpzdLKPFdoe")',
         'exchange(client_id="x", redirect_uri="https://x.example.com/cb", code="<SECRET>")'),
        ("your magic sign-in link: https://auth.example.co/magic?t=9rmfGmbBtpW7AOmSpwY9aD16cLaJJIl01tlxo1le",
         "your magic sign-in link: https://auth.example.co/magic?t=<SECRET>"),
    ],
)
def test_codes_and_sign_in_tokens_are_secrets(text: str, expected: str) -> None:
    assert redact_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "error code: 429 rate limited, redirect_uri ok, status code=ERR_TIMEOUT_12",  # no random value
        '{"code": "aCDIibE88xpzdLKPFdoe", "message": "not found"}',  # no OAuth word: an error's code
        "see https://docs.example.com/reset?t=quickstart-guide-for-admins",  # words, not a generated value
    ],
)
def test_other_codes_stay(text: str) -> None:
    assert redact_text(text) == text

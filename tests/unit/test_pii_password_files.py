"""Passwords a file or command format puts in a fixed place (`capture/pii_password_files.py`), and password words
of Greek and Georgian (`capture/pii_library.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "password"),
    [
        ("$ cat ~/.pgpass\ndb.internal:5432:*:analytics:lP6f3WJ1ktcvOfkZtZoh\n", "lP6f3WJ1ktcvOfkZtZoh"),
        ("prod-pg.eu-central-1.rds.amazonaws.com:5432:orders:app_user:welcome4646", "welcome4646"),
        ('- run: echo "tovcUu1a~LCs" | docker login ghcr.io -u acme-bot --password-stdin', "tovcUu1a~LCs"),
        ("printf '%s' 'S3cr3t-pa55' | helm registry login registry.example.com -u ci --password-stdin", "S3cr3t-pa55"),
        ("Δεν μπορώ να συνδεθώ, αν και ο κωδικός μου είναι Uy3!6_GfxcN^VZ. Ευχαριστώ", "Uy3!6_GfxcN^VZ"),
        ("ვერ შევდივარ, თუმცა ჩემი პაროლია cpBnG9qZ3B. მადლობა", "cpBnG9qZ3B"),
        ("Presenter Wi-Fi: Hall-B-Speakers / Marigold.2207&4 · questions to the desk", "Marigold.2207&4"),
        ("WLAN: Gaeste / kP9#tz2Lq", "kP9#tz2Lq"),
        ("Temp password for the kiosk account was reset to Qe7(pLm2Zr – change it at first login.", "Qe7(pLm2Zr"),
    ],
)
def test_a_password_in_its_format_s_place_is_redacted(text: str, password: str) -> None:
    redacted = redact_text(text, {})
    assert password not in redacted, redacted
    assert "<PASSWORD>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "cat token.txt | docker login --username bot --password-stdin ghcr.io",
        "12:30:45:00:11 and a:b:c:d:e",
        "ο κωδικός παραγγελίας είναι ORD-2291",  # "the order code is ORD-2291"
        "Guest Wi-Fi: Lobby / open network, no password",
        "Your password was reset to the default policy",
    ],
)
def test_the_same_shapes_without_a_password_stay(text: str) -> None:
    assert redact_text(text, {}) == text

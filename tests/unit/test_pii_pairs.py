"""The identifier stored beside a secret (capture/pii_pairs.py) is redacted like a key, in JSON-like text and in
stored mappings; ids beside no secret, and short or word-like values beside one, stay."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text, sanitize_value

AWS_PAIR = '{"aws": {"id": "38fd3836156d6edf489d9efa870c6064", "secret": "nuuQfMNgZkImWaw2op4TYCC8oZM8gld6BaEuXGSH"}}'


def test_the_id_beside_a_secret_in_json_text_is_an_api_key() -> None:
    assert redact_text(AWS_PAIR) == '{"aws": {"id": "<API_KEY>", "secret": "<SECRET>"}}'


def test_the_id_beside_a_secret_in_a_stored_mapping_is_an_api_key_and_counted() -> None:
    counts: dict[str, int] = {}
    stored = sanitize_value(
        {"provider": {"client_id": "Zx81kQ0pLmN3vB7cYtR5", "client_secret": "hunter2hunter2"}}, counts
    )
    assert stored == {"provider": {"client_id": "<API_KEY>", "client_secret": "<SECRET>"}}
    assert counts == {"API_KEY": 1, "SECRET": 1}


@pytest.mark.parametrize(
    "value",
    [
        {"request": {"id": "38fd3836156d6edf489d9efa870c6064", "status": "ok"}},  # no secret beside it
        {"id": "7", "token": "abc"},  # too short to be a key
        {"client_id": "my-app-client", "client_secret": "x"},  # letters only: a name
    ],
)
def test_ids_that_name_no_credential_stay(value: dict[str, str]) -> None:
    sanitized = sanitize_value(value)
    for key in ("id", "client_id"):
        if key in value:
            assert sanitized[key] == value[key]
    if "request" in value:
        assert sanitized == value

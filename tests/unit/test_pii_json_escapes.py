"""JSON strings whose letters are `\\uXXXX` escapes (`json.dumps`'s default), and percent-encoded letters, are read
decoded (`capture/pii_decode.py`)."""

from __future__ import annotations

import json

import pytest

from evalforge_assets.capture.pii import contains_pii, redact_text


@pytest.mark.parametrize(
    ("payload", "value"),
    [
        ({"address": "Harloffstraße 127, 89962 Perleberg"}, "Harloffstra\\u00dfe 127, 89962 Perleberg"),
        ({"customer": {"name": "Maritta von Weiß", "tier": "gold"}}, "Maritta von Wei\\u00df"),
        ({"contact": "Зоя Петрова, +7 927 560-47-38"}, "+7 927 560-47-38"),
    ],
)
def test_an_escaped_value_is_redacted_and_the_json_still_parses(payload: dict, value: str) -> None:
    text = json.dumps(payload)  # ensure_ascii: every non-ASCII letter escaped
    assert value in text
    redacted = redact_text(text)
    assert value not in redacted
    assert "<" in redacted
    json.loads(redacted)  # the string was escaped again where it was decoded


def test_a_json_document_inside_a_json_string_is_decoded_level_by_level() -> None:
    inner = json.dumps({"address": "Harloffstraße 127, 89962 Perleberg"})
    text = json.dumps({"tool_result": inner})
    assert "Harloffstra\\\\u00dfe 127" in text
    redacted = redact_text(text)
    assert "Harloffstra" not in redacted
    assert json.loads(json.loads(redacted)["tool_result"]) == {"address": "<STREET_ADDRESS>"}
    assert not contains_pii(redacted)


@pytest.mark.parametrize(
    "text",
    [
        json.dumps({"message": "café au lait, Größe M", "count": 3}),
        '{"broken": "\\u00zz escape"}',  # not valid JSON: kept as it is
        '{"path": "C:\\\\Users\\\\build"}',
    ],
)
def test_escaped_strings_that_hide_nothing_stay_byte_for_byte(text: str) -> None:
    assert redact_text(text) == text


def test_a_json_string_with_escaped_line_breaks_is_read_decoded() -> None:
    """A webhook body holding a tool's JSON as a string: the address's lines are `\\n` escapes, no `\\u` in sight."""
    body = json.dumps({"order_id": "PAY-50483", "shipping_address": "28\nMG Road, Kolkata - 538011"})
    text = json.dumps({"body": body})
    assert "\\\\u" not in text
    redacted = redact_text(text)
    assert "MG Road" not in redacted
    assert json.loads(json.loads(redacted)["body"]) == {"order_id": "PAY-50483", "shipping_address": "<STREET_ADDRESS>"}


@pytest.mark.parametrize(
    ("payload", "name"),
    [
        # Read with its key: one word of another script under a name key is a name only with the key beside it.
        ({"user_profile": {"real_name": "Ana Lima", "display_name": "אביטל"}, "text": "ok"}, "אביטל"),
        # Read with its sentence: the words around a name say it is one (`pii_names_lone`).
        ({"role": "user", "content": "Escalated by גלעד to tier 2 after the timeout"}, "גלעד"),
        ({"action": "fill", "selector": "#firstName", "value": "Lívia"}, "Lívia"),
    ],
)
def test_escaped_letters_are_read_with_the_text_around_them(payload: dict, name: str) -> None:
    text = json.dumps(payload)
    escaped = json.dumps(name)[1:-1]
    assert escaped in text and name not in text
    redacted = redact_text(text)
    assert escaped not in redacted
    assert "<PERSON>" in redacted
    assert json.loads(redacted)  # still a JSON document
    assert not contains_pii(redacted)


def test_escapes_outside_a_finding_stay_as_written() -> None:
    text = json.dumps({"customer": "Gerónimo Ibáñez", "note": "café au lait"})
    redacted = redact_text(text)
    assert "caf\\u00e9 au lait" in redacted


def test_a_backslash_written_twice_before_u_is_no_escape_outside_a_nested_document() -> None:
    text = 'copied to C:\\\\Users\\\\u00e9t\\\\reports for Gerónimo'
    assert "C:\\\\Users\\\\u00e9t\\\\reports" in redact_text(text)


def test_percent_encoded_letters_are_read_with_their_keys() -> None:
    """A form body or a query string encodes each letter outside ASCII as its UTF-8 bytes (`%CE%9B` for Λ)."""
    text = ("first_name=%CE%9B%CE%B5%CF%89%CE%BD%CE%AF%CE%B4%CE%B1%CF%82"
            "&last_name=%CE%A3%CF%84%CE%B1%CF%8D%CF%81%CE%BF%CF%85&plan=pro")
    assert redact_text(text) == "first_name=<PERSON>&last_name=<PERSON>&plan=pro"


def test_percent_encoded_text_that_hides_nothing_stays_as_written() -> None:
    text = "GET /search?q=caf%C3%A9+au+lait&page=2 HTTP/1.1"
    assert redact_text(text) == text

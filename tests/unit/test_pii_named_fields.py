"""Values whose field another key names: name-and-value pairs, and a phone key over an object or a list
(`capture/pii_named_fields.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "value", "placeholder"),
    [
        ('turn=3 slot=callback_number value="552 191 714 3692" | turn=4 intent=billing', "552 191 714 3692", "<PHONE>"),
        ('{"name": "mobile", "value": "552 19 83 85 56 38"}', "552 19 83 85 56 38", "<PHONE>"),
        ("{'field': 'password', 'value': 'hunter22!'}", "hunter22!", "<PASSWORD>"),
        ('{"name": "street", "value": "12 Baker Street"}', "12 Baker Street", "<STREET_ADDRESS>"),
        ('{"name": "last_name", "value": "Nogueira"}', "Nogueira", "<PERSON>"),
    ],
)
def test_a_value_is_read_by_its_fields_name(text: str, value: str, placeholder: str) -> None:
    redacted = redact_text(text, {})
    assert value not in redacted and placeholder in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "status", "value": "Open"}',
        '{"name": "retries", "value": "3"}',
        'slot=intent value="billing dispute"',
        '{"name": "street", "value": "unknown"}',
    ],
)
def test_a_field_that_names_nothing_personal_is_kept(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ('{"phones": {"mobile": "+91 73992 59686", "office": "8670806741"}, "id": "12"}', "8670806741"),
        ('{"phone_numbers": ["0612 345 678", "8670806741"], "count": 2}', "8670806741"),
        ("[17:34] Ezio Adinolfi: sì, Ezio è malato, richiama al 37569306314", "37569306314"),
    ],
)
def test_a_phone_under_a_phone_key_or_after_a_call_back_is_redacted(text: str, number: str) -> None:
    redacted = redact_text(text, {})
    assert number not in redacted and "<PHONE>" in redacted, redacted


def test_a_phone_objects_metadata_is_kept() -> None:
    text = '{"sms": {"sent_at": "2024-05-12T10:00:00Z", "count": "1234567"}}'
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ('[{"op": "replace", "path": "/contact/phone",\n  "value": "915-22-408"}]', "915-22-408"),
        ('{"phones": [{"type": "mobile", "number": "+47 915 22 408"},\n {"type": "home", "number": "7326154408"}]}',
         "7326154408"),
    ],
)
def test_a_json_patchs_path_and_a_list_of_phone_objects_name_their_values(text: str, number: str) -> None:
    redacted = redact_text(text, {})
    assert number not in redacted and "<PHONE>" in redacted, redacted


def test_a_phone_lists_objects_keep_their_other_keys() -> None:
    text = '{"phones": [{"type": "mobile", "verified_at": "1745866279"}], "op": "add", "path": "/tier", "value": "12345678"}'
    assert redact_text(text, {}) == text

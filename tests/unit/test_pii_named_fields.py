"""Values whose field another key names: name-and-value pairs (`capture/pii_named_fields.py`)."""

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

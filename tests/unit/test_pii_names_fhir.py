"""Names in a FHIR HumanName (`capture/pii_names_fhir.py`)."""

from __future__ import annotations

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_fhir import find_fhir_names

_PATIENT = """{"resourceType": "Patient", "name": [
  {
    "use": "official",
    "family": "陳",
    "given": [
      "美玲"
    ]
  }
], "telecom": []}"""


def test_a_human_names_family_and_given_names_are_read_in_any_script() -> None:
    redacted = redact_text(_PATIENT, {})
    assert "陳" not in redacted and "美玲" not in redacted, redacted


def test_a_family_or_given_key_outside_a_name_list_is_not_read() -> None:
    text = '{"product": {"family": "ThinkPad", "given": "2024-01-01"}, "name": ["x"], "model": "גרסה"}'
    assert list(find_fhir_names(text)) == []

"""Names after a ward's titles (`capture/pii_names_titled.py`) and after its staff's labels
(`capture/pii_names_labelled.py`), as handovers write them."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Handed over by RN Tamsin to RN Oyelaran.", "Oyelaran"),
        ("bed 14 refused meds, SN Adebayo informed", "Adebayo"),
        ("Outgoing: Sister Merewen Quill", "Merewen Quill"),
        ("Charge Nurse Oyelaran reviewed the chart at 02:00.", "Oyelaran"),
        ("Nurse in charge: Gwenda. Outgoing: RN Tamsin", "Gwenda"),
        ("Infirmière : Ysolde. Fils prévenu.", "Ysolde"),
    ],
)
def test_a_ward_staff_name_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("Referred to the Nurse Practitioner clinic on Monday.", "Nurse Practitioner"),
        ("Moved to the Sister Company's warehouse.", "Sister Company"),
        ("Staff Nurse Rota for December is attached.", "Staff Nurse Rota"),
        # a rider's initial stays part of the value a full stop may now end
        ("rider: Tamsin K.\nride.status → ASSIGNED", "ride.status"),
    ],
)
def test_titles_before_ordinary_words_name_no_one(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})


def test_a_riders_name_and_initial_are_redacted_whole() -> None:
    redacted = redact_text("pickup at the station | rider: Merewen K.\nride.contact → phone on file", {})
    assert "Merewen" not in redacted and "K." not in redacted, redacted

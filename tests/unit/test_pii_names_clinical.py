"""Patients as ward handovers and clinical notes write them: before an age and a sex, after a bed or a room, and
family name first in capitals (`capture/pii_names_clinical.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_clinical import clinical_names


def _found(text: str) -> list[str]:
    return [text[start:end] for _, start, end in clinical_names(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("S: Tavish Quarrendon, 54M, admitted with chest pain.", "Tavish Quarrendon"),
        ("Reviewed Ottoline Brackwater (82F) at 02:00, settled.", "Ottoline Brackwater"),
        ("Seen in clinic: Mr Idwal Penhallow 67 y/o, wound healing.", "Idwal Penhallow"),
        ("Rm 5 – Mrs Zinnia Okonkwo: falls risk, call bell in reach", "Zinnia Okonkwo"),
        ("Wristband reads PENHALLOW, Idwal and the chart matches.", "PENHALLOW, Idwal"),
    ],
)
def test_a_patient_is_named_by_age_bed_or_family_name_in_capitals(text: str, name: str) -> None:
    assert name in _found(text)
    assert name not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        "Meeting room in Kyoto 2F, then lunch",  # a floor, not an age and a sex
        "WARNING, Retrying in 5s",  # a log line
        "Shipping to USA, Canada and Mexico",  # countries
        "sku,name\nJA-UBEDWM,Garmin Forerunner 265",  # a CSV row: no space after the comma
        "Bed 4: Stable overnight, pain controlled.",  # a bed and a sentence
        "Version 12F of the Chrome 120 build",  # no comma or parenthesis before the number
    ],
)
def test_floors_logs_places_and_rows_name_no_one(text: str) -> None:
    assert _found(text) == []

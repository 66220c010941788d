"""Names that name a law, a disease, a method, a ship or a storm (`capture/pii_eponyms.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_eponyms import names_an_eponym


def _eponym(text: str, name: str) -> bool:
    start = text.index(name)
    return names_an_eponym(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("patients with Parkinson's disease", "Parkinson"),  # a possessive before a condition's noun
        ("by Murphy's law it failed", "Murphy"),
        ("homework on Newton's second law", "Newton"),  # an ordinal between the possessive and the noun
        ("Fermat's last theorem", "Fermat"),
        ("after Bonferroni correction", "Bonferroni"),  # one word before a method's noun
        ("the Kaplan-Meier estimator", "Kaplan-Meier"),
        ("reached a Nash equilibrium", "Nash"),
        ("under the Sarbanes-Oxley Act", "Sarbanes-Oxley"),  # a capitalised title of a law, after any name
        ("the Warren Commission found", "Warren"),
        ("aboard HMS Victory", "Victory"),  # a ship's prefix
        ("when Hurricane Katrina struck", "Katrina"),  # a storm
    ],
)
def test_eponyms_name_no_one(text: str, name: str) -> None:
    assert _eponym(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Maria's test results are back", "Maria"),  # a person's belongings
        ("Anna Berg test results pending", "Anna Berg"),  # a full name before a noun is the person's
        ("Anna Berg shares the deck", "Anna Berg"),
        ("Call Hurricane's owner", "Hurricane"),
        ("Newton's second laptop", "Newton"),
    ],
)
def test_people_before_such_words_stay_people(text: str, name: str) -> None:
    assert not _eponym(text, name)


def test_the_redactor_keeps_the_eponym_and_hides_the_patient() -> None:
    redacted = redact_text("Patient Jonas Lindqvist, 71, was diagnosed with Parkinson's disease.", {})
    assert redacted == "Patient <PERSON>, 71, was diagnosed with Parkinson's disease."

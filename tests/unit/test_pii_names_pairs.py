"""Two people joined by another language's "and" (`capture/pii_names_pairs.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text, rule_findings
from evalforge_assets.capture.pii_names_pairs import find_paired_names
from evalforge_assets.capture.pii_shapes import Shapes


def _paired(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_paired_names(text, Shapes.of(text))]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Gestern haben Murat und Reni den Kickoff verschoben.", ["Murat", "Reni"]),
        ("Hier, Camille et Lucas ont décalé la réunion.", ["Camille", "Lucas"]),
        ("Wczoraj Anna, Ewa i Marek przesunęli spotkanie.", ["Ewa", "Marek"]),
        ("Ayer Joon-ho y Estela movieron la reunión.", ["Joon-ho", "Estela"]),  # a known name and no English word
        ("Marta och Björn och Ingrid kommer", ["Marta", "Björn", "Björn", "Ingrid"]),  # each pair, overlapping
        ("Ayer Joon-ho y Estela movieron la reunion", ["Joon-ho", "Estela"]),  # in ASCII too
    ],
)
def test_two_names_joined_by_and_are_two_people(text: str, names: list[str]) -> None:
    assert _paired(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "Salz und Pfeffer, Haus und Garten",  # German nouns, no given name
        "Ernst und Young prüfen den Abschluss",  # a given name and an English word
        "Romeo and Juliet, Tom and Jerry",  # English "and" is not read here
        "Ben & Jerry's, Marks & Spencer",  # nor `&`, which joins a firm's partners
        "Una y Esta",  # stop words that gender-guesser lists as names
    ],
)
def test_pairs_that_are_not_two_people_stay(text: str) -> None:
    assert _paired(text) == []


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("Yesterday Anna Berg and Tom moved the kickoff.", "Yesterday <PERSON> and <PERSON> moved the kickoff."),
        ("Ayer Taro y Elena Ruiz movieron la reunión.", "Ayer <PERSON> y <PERSON> movieron la reunión."),
        ("Anna Berg and Smith will attend", "<PERSON> and <PERSON> will attend"),  # a common surname
    ],
)
def test_a_name_joined_to_a_found_name_is_a_person(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("The deal between Anna Berg and Microsoft closed.", "The deal between <PERSON> and Microsoft closed."),
        ("Anna Berg and Then we left", "<PERSON> and Then we left"),
    ],
)
def test_a_word_joined_to_a_found_name_that_is_no_known_name_stays(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


def test_a_pair_is_vouched_for_only_by_a_name_found_first() -> None:
    """No rule finds a name in a play's title, so the pair rule takes neither. The learned look took `Juliet`
    after "and" and the pair rule then `Romeo` with it, until titles everyone knows were read as no one
    (`pii_famous`, `docs/ingestion.md`, "Names everyone knows")."""
    text = "Romeo and Juliet opens tonight"
    assert [match for match in rule_findings(text) if match.entity == "PERSON"] == []
    assert redact_text(text, {}) == text

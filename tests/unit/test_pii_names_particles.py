"""A family name that opens with a particle after a title (`capture/pii_names_particles.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_particles import names_with_particles_after_titles


def _found(text: str) -> list[str]:
    return [text[start:end] for _, start, end in names_with_particles_after_titles(text)]


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dear Mrs. von Quarrendorf-Ellwangen,", "von Quarrendorf-Ellwangen"),
        ("Herr zu Brackenfels hat gestern angerufen", "zu Brackenfels"),
        ("La Sra. de la Penhallosa llamó ayer", "de la Penhallosa"),
        ("Please ask Mr van der Tavisholm to sign", "van der Tavisholm"),
        ("M. de Villecresnes a confirmé", "de Villecresnes"),
        ("Mr De La Quarrenda called twice", "De La Quarrenda"),
    ],
)
def test_a_particle_led_family_name_after_a_title_is_found(text: str, name: str) -> None:
    assert _found(text) == [name]
    assert name not in redact_text(text, {})


def test_the_name_stops_before_an_ordinary_word_and_a_title_without_a_particle_is_left_to_the_cues() -> None:
    assert _found("Dr. van Brackenfels Institute opened") == ["van Brackenfels"]
    assert _found("Sr y Sra Penhallosa") == []  # `y` is "and" here
    assert _found("Ms. de facto rules apply") == []  # no capital after the particle
    assert _found("we will miss the train to Den Haag") == []  # "miss" is no title before lower case

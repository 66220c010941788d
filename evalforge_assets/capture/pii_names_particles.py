"""A family name that opens with a particle after a title (`Mr. van der Berg`, `Herr von Trotha`, `Sra. de la
Fuente`, `Dear Mrs. von Hohenberg-Altmann,`). The title cues of `pii_names_cues` read capitalised words after a
title, and a lower-case particle ends their run before it starts, so the name was left whole. Asked after the learned
look (`pii_names_after_model`), so the words the person model is trained on stay the rules'.

After the title (with or without its full stop; the titles that are words of other things, `Sr`, `Don`, `M`, only
with it), one to three particles in lower case or with a capital (`van der`, `De La`), then a word with a capital,
perhaps joined by a hyphen to another (`Hohenberg-Altmann`), and a second such word that is no ordinary English word
(`Dr. van Helsing Institute` is `van Helsing`): the name is the particles and those words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from evalforge_assets.capture.pii_names import _PARTICLE_WORDS, _ordinary
from evalforge_assets.capture.pii_names_cues import _DOTTED_TITLES, _TITLES
from evalforge_assets.capture.pii_patterns import Candidate, phrase_alternation
from evalforge_assets.capture.pii_shapes import Shapes, first_ascii_words

# Particles, less `y` and `e` ("and" in Spanish and Portuguese: `Sr. y Sra.`), `al` (`Dr. al-…` is a prefix) and
# `bin`, which is German's "am" after `Herr` as often (`Herr bin …` in a sentence of German words).
_PARTICLE = "|".join(word for word in _PARTICLE_WORDS.split("|") if word not in ("y", "e", "al", "bin")) + "|vd|af|av"
_CAPITALISED = r"[A-ZÀ-ÖØ-Þ][^\W\d_]+(?:[-'’][A-ZÀ-ÖØ-Þ][^\W\d_]+)*"
# The particles and the family name after them, found first (a particle before a capital is far rarer than a place
# where a title could start); the title is then looked for right before them.
_PARTICLE_NAME = re.compile(
    rf"(?<![\w'’.-])(?P<name>(?:(?i:{_PARTICLE})[ \t]+){{1,3}}{_CAPITALISED})(?![\w'’-])"
    rf"(?:[ \t]+(?P<second>{_CAPITALISED})(?![\w'’-]))?"
)
_TITLE_BEFORE = re.compile(
    rf"(?:(?<![\w'’.-])(?i:{phrase_alternation(_TITLES)})\.?|(?<![\w'’.-])(?i:{phrase_alternation(_DOTTED_TITLES)})\.)"
    r"[ \t]+\Z"
)
_TITLE_REACH = 24


# ASCII text is asked only when it holds a title's word and a particle's (`Shapes.may_hold_words`).
_TITLE_WORDS = first_ascii_words((*_TITLES, *_DOTTED_TITLES))
_PARTICLE_WORDS_ASCII = first_ascii_words(_PARTICLE.split("|"))


def names_with_particles_after_titles(text: str, shapes: Shapes | None = None) -> Iterator[Candidate]:
    """PERSON spans of a particle-led family name after a title (see the module docstring)."""
    if shapes is not None and not (shapes.may_hold_words(_TITLE_WORDS) and shapes.may_hold_words(_PARTICLE_WORDS_ASCII)):
        return
    for name in _PARTICLE_NAME.finditer(text):
        start = name.start("name")
        if _TITLE_BEFORE.search(text, max(0, start - _TITLE_REACH), start) is None:
            continue
        second = name.group("second")  # `van Helsing Jones`, not `van Helsing Institute`
        end = name.end("second") if second and not _ordinary(second) else name.end("name")
        yield "PERSON", start, end

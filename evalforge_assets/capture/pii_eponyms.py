"""Names that name a law, a disease, a method, a ship or a storm instead of a person: `Parkinson's disease`,
`Bonferroni correction`, `Murphy's law`, `Sarbanes-Oxley Act`, `Monroe Doctrine`, `HMS Victory`, `Hurricane
Katrina`. Retrieved papers, legal and medical text and news are full of them, and a redactor that hides them
makes the text unreadable while protecting no one.

The word after the name says so:
- a capitalised title of a law, a treaty, a report or a prize (`Act`, `Amendment`, `Doctrine`, `Accords`,
  `Report`, `Cup`, `Lecture`), after a name of any length (`Dodd-Frank Act`, `Warren Commission`);
- a lower-case noun of a method, a result or a condition (`correction`, `test`, `equilibrium`, `distribution`,
  `syndrome`, `warning`), after a single word only: an eponym is one surname (`Kaplan-Meier estimator`), while a
  person's full name before a noun is the person's (`Anna Berg test results`);
- after a possessive, only the nouns no person's belongings are called (`disease`, `law`, `theorem`, `razor`,
  `algorithm`), maybe after an ordinal (`Newton's second law`): `Maria's test results` stay a person's.

The word before says so for ships (`HMS`, `USS`, `MV`, exact case) and storms (`Hurricane`, `Typhoon`).
"""

from __future__ import annotations

import re

from evalforge_assets.capture.pii_patterns import _word_set

_TITLES_AFTER = _word_set(
    "act acts amendment amendments doctrine treaty accords accord plan convention protocol report rule directive "
    "commission effect syndrome disease equation theorem principle paradox constant cup trophy lecture lectures "
    "fellowship scholarship medal prize award awards index scale test"
)
_NOUNS_AFTER = _word_set(
    "disease syndrome law theorem lemma algorithm principle paradox constant razor equation equations transform "
    "distribution correction test filter chain equilibrium effect scale index warning rights material standard "
    "doctrine sign reflex maneuver manoeuvre procedure method criterion inequality conjecture hypothesis "
    "coefficient estimator statistic approximation formula series polynomial polynomials operator matrix curve "
    "cycle bound number numbers diagram plot sampling sampler process processes model models space spaces "
    "deference material analysis regression kernel kernels network networks machine decomposition"
)
_POSSESSED_AFTER = _word_set(
    "disease syndrome law theorem lemma algorithm principle paradox constant razor equation conjecture "
    "inequality palsy"
)
_SHIPS = _word_set("HMS USS RMS HMAS HMCS HMNZS USNS INS MV SS RV")
_STORMS = _word_set("hurricane typhoon cyclone storm")

_AFTER = re.compile(r"(['’]s?)?[ \t]+([^\W\d_][\w-]*)")
# The word after a possessive's first, when the first is an ordinal or a like modifier (`Newton's second law`,
# `Fermat's last theorem`).
_MODIFIERS = _word_set("first second third fourth last little great general special strong weak")
_NEXT_WORD = re.compile(r"[ \t]+([^\W\d_][\w-]*)")
_BEFORE = re.compile(r"([^\W\d_]+)[ \t]+\Z")


def names_an_eponym(text: str, start: int, end: int) -> bool:
    """Whether the name read at text[start:end] names a law, a disease, a method, a ship or a storm, by the word
    after or before it (see the module docstring)."""
    after = _AFTER.match(text, end)
    if after is not None:
        possessive, word = after.group(1), after.group(2)
        lowered = word.lower()
        if word[:1].isupper():
            if lowered in _TITLES_AFTER:
                return True
        elif possessive:
            if lowered in _POSSESSED_AFTER:
                return True
            following = _NEXT_WORD.match(text, after.end()) if lowered in _MODIFIERS else None
            if following is not None and following.group(1).lower() in _POSSESSED_AFTER:
                return True
        elif lowered in _NOUNS_AFTER and " " not in text[start:end].strip():
            return True
    before = _BEFORE.search(text, max(0, start - 16), start)
    if before is None:
        return False
    word = before.group(1)
    return word in _SHIPS or (word[:1].isupper() and word.lower() in _STORMS)

"""Names everyone knows as a brand, a firm, a work, a character or a figure of history (`capture/pii_famous.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_famous import COMMON_PAIR_RANKS, famous_names, names_someone_famous
from evalforge_assets.capture.pii_names import _surname_ranks, given_name_ranks


def _famous(text: str, name: str) -> bool:
    start = text.index(name)
    return names_someone_famous(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("I returned the Tommy Hilfiger jacket", "Tommy Hilfiger"),
        ("a Ralph Lauren shirt", "Ralph Lauren"),
        ("a Polo Ralph Lauren shirt", "Ralph Lauren"),  # inside a longer famous name that starts before it
        ("two bottles of DR PEPPER", "DR PEPPER"),  # any case
        ("Dr Pepper and Dr. Oetker", "Dr Pepper"),  # the dots of an abbreviation optional
        ("a glass of Jack Daniel's", "Jack Daniel"),  # a possessive after it
        ("analysts at Morgan Stanley said", "Morgan Stanley"),
        ("I just finished Anna Karenina", "Anna Karenina"),
        ("quotes from Marcus Aurelius", "Marcus Aurelius"),
        ("landing at Charles de Gaulle", "Charles de Gaulle"),
        ("Markov chain Monte Carlo sampling", "Monte Carlo"),
        ("dependabot[bot] bumped lodash", "dependabot"),
    ],
)
def test_famous_names_name_no_user(text: str, name: str) -> None:
    assert _famous(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("meet John Lewis at noon", "John Lewis"),  # a shop, but a common given name and a common surname
        ("Paul Smith called back", "Paul Smith"),
        ("Heidi called back", "Heidi"),  # a single word that is anyone's given name
        ("Ralph Laurent called", "Ralph Laurent"),  # whole words only
        ("Tommy Hilfigerova called", "Tommy Hilfigerova"),
        ("Anna Karenina Petrova", "Anna Karenina Petrova"),  # a longer name than the famous one
    ],
)
def test_names_some_user_may_carry_stay_names(text: str, name: str) -> None:
    assert not _famous(text, name)


def test_no_honoured_name_is_a_common_pair_or_a_single_given_name() -> None:
    given, surnames = given_name_ranks(), _surname_ranks()
    names = famous_names()
    assert len(names) > 500
    for name in names:
        words = name.split()
        if len(words) == 1:
            assert name not in given and name.capitalize() not in surnames, name
        elif len(words) == 2 and words[0] in given and words[1] in surnames:
            assert given[words[0]] * surnames[words[1]] > COMMON_PAIR_RANKS, name


def test_a_famous_name_stays_beside_a_user_who_is_redacted() -> None:
    redacted = redact_text("Maria Lopez asked whether the Calvin Klein boxers and Jimmy Choo heels ship to Lyon", {})
    assert "Maria Lopez" not in redacted
    assert "Calvin Klein" in redacted and "Jimmy Choo" in redacted


def test_a_common_pair_named_like_a_shop_is_still_redacted() -> None:
    assert "John Lewis" not in redact_text("Customer John Lewis wants a refund", {})

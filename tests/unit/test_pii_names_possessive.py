"""A given name alone in the English possessive (`capture/pii_names_possessive.py`), and what keeps the shops, firms
and eponyms written the same way."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_possessive import find_possessive_names


def _found(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_possessive_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Vincent's team owns the Copilot cluster now.", "<PERSON>'s team owns the Copilot cluster now."),
        ("We shipped it to Sam Nemeth's office, not Ingelise's home address.",
         "We shipped it to <PERSON>'s office, not <PERSON>'s home address."),
        # The given name said again in lower case is the same person (`cc mohammed`).
        ("## Testing\nVerified with Mohammed's sample set. cc mohammed",
         "## Testing\nVerified with <PERSON>'s sample set. cc <PERSON>"),
        ("the reply does not move forward Denise’s issue with API keys",
         "the reply does not move forward <PERSON>’s issue with API keys"),
        # In lower case, a given name that is no English word at all.
        ("fyi paulette's new email is in the ticket", "fyi <PERSON>'s new email is in the ticket"),
    ],
)
def test_a_given_name_in_the_possessive_is_a_person(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Trader Joe's prices went up",  # a capitalised word before: a longer name or a brand
        "Your table for 4 at Wendy’s is confirmed",  # a famous shop, with either apostrophe
        "Dispute intake: the charge from Ben & Jerry's was never authorised",  # a firm's partners
        "homework on Newton's second law",  # an eponym
        "patients with Addison's disease",
        "lunch at Maria's today?",  # `at`: a shop or a place
        "the CEO's office",  # capitals: an acronym
        "Today's agenda",  # no given name
        "april's sales are up",  # in lower case, a given name that is an English word too
    ],
)
def test_possessives_that_name_no_one_stay(text: str) -> None:
    assert "<PERSON>" not in redact_text(text, {})


def test_only_the_name_is_read_not_its_possessive() -> None:
    assert _found("ask about Ingelise's home address") == ["Ingelise"]


def test_text_without_a_possessive_is_not_searched() -> None:
    assert _found("Vincent owns the team now") == []

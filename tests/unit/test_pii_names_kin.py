"""One family name alone after an English word for a relative or a neighbour (`capture/pii_names_kin.py`). The
examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_kin import names_after_kin, names_before_kin


@pytest.mark.parametrize(("text", "name"), [
    ("note: leave w/ neighbour wozniczka if no answer, dog is friendly", "wozniczka"),
    ("my colleague Okonjo will cover the shift", "Okonjo"),
    ("ask my landlord turner", "turner"),  # a common surname that is an English word, where the clause ends
    ("parcel left with neighbour hill if nobody answers", "hill"),
    ("my roommate Ulvhild broke the window", "Ulvhild"),
])
def test_a_family_name_after_a_relatives_word_is_found(text: str, name: str) -> None:
    assert [text[start:end] for _, start, end in names_after_kin(text)] == [name]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize("text", [
    "my dad still works there",  # a surname that is an English word, and the clause goes on
    "my neighbour said the parcel was wet",
    "our partner Shopify handles the checkout",  # `partner` stands before firms
    "Known issue with Aunt Bessie's bundle promo",  # a brand, in capitals and the possessive
    "my colleague van damme",  # two words: the cue finder's reading of runs
    "my sister company in Lyon",
])
def test_what_follows_a_relatives_word_but_names_no_one_stays(text: str) -> None:
    assert list(names_after_kin(text)) == []


@pytest.mark.parametrize(("text", "name"), [
    ("caller: actually put it under oyelaran bisi she's my sister\nagent: okay", "oyelaran bisi"),
    ("[01:12] caller: bartosz my neighbour said someone left a note", "bartosz"),
    ("the spare key is with Rosalind, my landlady", "Rosalind"),
    ("ifeoluwa is my cousin, she signs for it", "ifeoluwa"),
])
def test_a_name_before_my_and_a_relatives_word_is_found(text: str, name: str) -> None:
    assert [text[start:end] for _, start, end in names_before_kin(text)] == [name]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize("text", [
    "lol my sister said no",  # chat words
    "yesterday my neighbour called twice",  # an English word
    "Netflix my son watches every night",  # a capitalised unknown word: a product as often
    "and then my brother left",
])
def test_what_stands_before_my_and_a_relative_but_names_no_one_stays(text: str) -> None:
    assert list(names_before_kin(text)) == []


def test_a_long_run_of_spaces_before_my_and_a_relative_is_read_in_one_pass() -> None:
    # Read from "my" backwards within a few characters: a pattern that starts before the name was tried from every
    # space of the run, and 2,000 spaces took a minute.
    text = "Partner:" + " " * 400_000 + "my sister"
    assert list(names_before_kin(text)) == []


@pytest.mark.parametrize(("text", "name"), [
    ("Ferrandou, le voisin du dessus, gare son Volvo devant mon garage", "Ferrandou"),
    ("Ferreyra, el vecino de enfrente, aparca en mi vado", "Ferreyra"),
    ("Lindqvist, my neighbour, has the spare key", "Lindqvist"),
])
def test_a_name_before_a_comma_and_a_relatives_word_in_any_language_is_found(text: str, name: str) -> None:
    assert [text[start:end] for _, start, end in names_before_kin(text)] == [name]
    assert name not in redact_text(text, {})


@pytest.mark.parametrize("text", [
    "Netflix, my son says, is too expensive",  # a reported clause, not an apposition
    "Hello, my friend",
    "Yesterday, my neighbour called",
])
def test_a_word_before_a_comma_and_a_relative_that_names_no_one_stays(text: str) -> None:
    assert list(names_before_kin(text)) == []

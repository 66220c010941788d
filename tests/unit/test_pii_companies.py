"""Names followed (or led) by a company's legal form name the company (`capture/pii_companies.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_companies import names_a_company


def _reads_company(text: str, name: str) -> bool:
    start = text.index(name)
    return names_a_company(text, start, start + len(name))


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Vendor shortlist\n1. Niemi Ky\n2. Acme", "Niemi"),
        ("3. Nagy és Márton Kft.", "Nagy"),
        ("Invoice to Weber & Lang GmbH, Berlin", "Weber"),
        ("Beckmann Trupp AG & Co. OHG", "Beckmann Trupp"),
        ('"customer": "Pacheco da Cruz Ltda."', "Pacheco da Cruz Ltda"),  # the form read as part of the name
        ("Zemanová Hájek a.s.", "Zemanová Hájek"),
        ("Karlsson Åberg AB", "Karlsson Åberg"),
        ("ООО «Наумов Абрамова»", "Наумов Абрамова"),  # the form before, with an opening quote
    ],
)
def test_a_legal_form_after_or_before_names_a_company(text: str, name: str) -> None:
    assert _reads_company(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Contact: John Smith, Acme Inc.", "John Smith"),  # a person, then the company they work for
        ("treasurer of Vector Leaf Ltd. Venceslás Paniagua was nominated", "Venceslás Paniagua"),  # next sentence
        ("Fundacja Zagozda Sp. z o.o. Sp.k.\nJakub,Nurek,jakub@example.pl", "Jakub"),  # next line
        ("Ask Ola Nordmann as soon as you can", "Ola Nordmann"),  # `as`, the word, is no Norwegian AS
        ("Jean Dupont et Marie Curie", "Jean Dupont"),
        ("Anna Berg UK sales", "Anna Berg"),  # a code cleanco lists is left out: after a name it is the country
        ("names like John Smith, e.g. in tests", "John Smith"),
    ],
)
def test_people_beside_companies_and_words_stay_people(text: str, name: str) -> None:
    assert not _reads_company(text, name)


def test_the_redactor_keeps_companies_and_still_hides_the_people_of_the_same_text() -> None:
    text = "Supplier Virtanen Hirvonen Oy invoiced us; Sofia Laine from their office called."
    redacted = redact_text(text, {})
    assert "Virtanen Hirvonen Oy" in redacted
    assert "Sofia Laine" not in redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Outside counsel Sullivan & Cromwell reviewed it.", "Sullivan"),
        ("Outside counsel Sullivan & Cromwell reviewed it.", "Cromwell"),
        ("audited by Ernst & Young last year", "Young"),
        ("Johnson & Johnson recall notice", "Johnson"),
    ],
)
def test_two_partners_joined_by_an_ampersand_name_a_firm(text: str, name: str) -> None:
    assert _reads_company(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Dinner with Anna & Tom on Friday", "Anna"),  # the second is a given name: two people
        ("Anna Berg & Tom Lind signed", "Anna Berg"),  # full names beside an ampersand
        ("FLORENTINE ZU STAHR & 曾瑞文", "曾瑞文"),  # a script without capitals
    ],
)
def test_people_joined_by_an_ampersand_stay_people(text: str, name: str) -> None:
    assert not _reads_company(text, name)


@pytest.mark.parametrize(
    "text",
    ["Direct debit  Nicolini, Federico e Tamburello s.r.l.", "Counsel: Skadden, Arps, Slate, Meagher & Flom LLP"],
)
def test_partners_listed_with_commas_before_a_legal_form_are_a_company(text: str) -> None:
    assert redact_text(text, {}) == text


def test_a_person_then_her_company_after_a_comma_is_still_a_person() -> None:
    assert redact_text("Invoice to Anna Berg, Acme GmbH", {}) == "Invoice to <PERSON>, Acme GmbH"

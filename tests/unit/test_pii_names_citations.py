"""Authors as citations name them (`capture/pii_names_citations.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_citations import (
    authors_beside_found,
    find_cited_names,
    marked_authors,
)


def _cited(text: str) -> list[str]:
    return sorted(text[start:end] for _, start, end in find_cited_names(text))


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("As shown by Okafor et al. (2021) and van der Berg et al., it helps.", ["Okafor", "van der Berg"]),
        ("Lindqvist and Moreau (2019) disagree.", ["Lindqvist", "Moreau"]),
        ("retrieval helps (Abara, 2020; Nakamura, 2018b).", ["Abara", "Nakamura"]),
        ("Tanaka (2022) and Smith (2019) agree.", ["Smith", "Tanaka"]),
        ("Okafor, C. N., & Lee, J. (2021). Robust linking.", ["Lee, J.", "Okafor, C. N."]),
        ("Authors: R. Acuña^1*, G. Puspita^2", ["R. Acuña", "G. Puspita"]),
        ("J. Smith, K. Lee and T. Nguyen wrote it.", ["J. Smith", "K. Lee", "T. Nguyen"]),
    ],
)
def test_a_citation_names_its_authors(text: str, names: list[str]) -> None:
    assert _cited(text) == sorted(names)


@pytest.mark.parametrize(
    "text",
    [
        "In March, 2021, we shipped.",  # a month, not `(Author, year`
        "Payment declined by gateway: Expired Card (2004)",  # an error's code after a capitalised phrase
        "J.P. Morgan and U.S. Army, U.K. Navy",  # initials before ordinary words; one alone is no author list
        "Python (2021) and the Army (2020)",  # ordinary words that are no common surnames
    ],
)
def test_what_looks_like_a_citation_but_names_no_one_stays(text: str) -> None:
    assert _cited(text) == []


def test_an_author_block_with_footnote_marks_is_redacted() -> None:
    text = "Authors: R. Acuña¹*, G. Puspita², Shohei Watanabe¹"
    assert redact_text(text) == "Authors: <PERSON>^1*, <PERSON>^2, <PERSON>^1"


def test_long_reference_lists_are_read_in_one_pass() -> None:
    assert len(_cited("Okafor, C. N., " * 5_000 + "(2021)")) == 5_000


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        # A surname that is an English word counts in a row with one the list vouches for.
        ("[16] Dobre, T., Marin, A., Pop, C. (2015). A note on the Kalman filter.", ["Dobre", "Marin", "Pop"]),
        # Before an initials-first author.
        ("[8] Harper, L., D. Smith (1997). A note on the Kalman filter.", ["Harper", "Smith"]),
        ("[26] Kato, A., Mo, X. (1993). Revisiting the Levenshtein distance.", ["Kato", "Mo"]),
    ],
)
def test_every_author_of_a_reference_goes(text: str, authors: list[str]) -> None:
    redacted = redact_text(text, {})
    assert [author for author in authors if author in redacted] == [], redacted


def test_an_english_word_before_initials_alone_is_no_author() -> None:
    assert redact_text("Check Pop, C. and the others", {}) == "Check Pop, C. and the others"


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        ("In contrast, (Neira & Campbell-Carr, 2008) found no effect.", ["Neira", "Campbell-Carr"]),
        ("Zhou & Lee (2018) showed the opposite.", ["Zhou", "Lee"]),
    ],
)
def test_two_authors_joined_by_an_ampersand_before_a_year_are_no_firm(text: str, authors: list[str]) -> None:
    redacted = redact_text(text, {})
    assert not any(author in redacted for author in authors), redacted


@pytest.mark.parametrize(
    ("text", "firm"),
    [
        ("Sullivan & Cromwell advised the board.", "Sullivan & Cromwell"),
        ("Remittance: Invoice Allen & Overy 2026/855", "Allen & Overy"),  # an invoice's number is no year
    ],
)
def test_a_firm_of_two_partners_stays_without_a_citation_year(text: str, firm: str) -> None:
    assert firm in redact_text(text, {})


@pytest.mark.parametrize(("text", "author"), [
    ("This replicates Ndiaye-Ferreira's earlier cohort (2016b) and extends it to Accra.", "Ndiaye-Ferreira"),
    ("We build on Okonkwo's (2021) model, as Lindqvist and Moreau (2019) did.", "Okonkwo"),
    ("This replicates de Vasconcelos's pilot (2012a).", "de Vasconcelos"),
])
def test_an_author_cited_in_the_possessive_is_hidden(text: str, author: str) -> None:
    assert author not in redact_text(text, {})


@pytest.mark.parametrize("text", [
    "Kubernetes's release notes (2019) say the flag is deprecated.",  # one plain year: a product's dated notes
    "Apple's annual report (2021a) says",  # an English word and no common census surname
])
def test_a_possessive_before_a_year_that_is_no_citation_stays(text: str) -> None:
    assert "<PERSON>" not in redact_text(text, {})


@pytest.mark.parametrize(("text", "hidden"), [
    # An initials-first author before a `Surname, I.` one whose surname is two words.
    ("[7] P. Ilunga, Aranda Villaseñor, M. (2011). On the Kalman filter. Lancet, 8(2).",
     ["Ilunga", "Aranda Villaseñor"]),
    # A `Surname, I.` author before one whose surname is two words, then an initials-first one.
    ("[4] Szabadi, T., Echeverría Iturbe, L., K. Mwangi (1998). Revisiting the Kalman filter. Lancet, 3(1).",
     ["Szabadi", "Echeverría Iturbe", "Mwangi"]),
])
def test_a_reference_rows_authors_are_hidden_whichever_style_each_is_written_in(text: str, hidden: list[str]) -> None:
    redacted = redact_text(text, {})
    assert not [name for name in hidden if name in redacted], redacted
    assert "Kalman filter" in redacted and "Lancet" in redacted


def test_an_author_beside_a_found_name_is_taken_and_an_ordinary_word_beside_it_is_not() -> None:
    text = "Reviewed by J. Halloran, K. Mbeki and D. Bo."
    found = [("PERSON", text.index("J."), text.index(","))]
    assert [text[start:end] for _, start, end in authors_beside_found(text, found)] == ["K. Mbeki"]


def test_initials_before_ordinary_words_beside_a_firm_are_no_reference_row() -> None:
    text = "J.P. Morgan and U.S. Army, U.K. Navy"
    assert list(authors_beside_found(text, [])) == []
    assert redact_text(text, {}) == text


def test_an_author_blocks_full_names_with_footnote_marks_go() -> None:
    text = "Robust retrieval for clinical notes\nAdaeze Obi^1*, Ilse Marten^2 and Tomasz Wilk^1\n1University of Ghent"
    assert [text[start:end] for _, start, end in marked_authors(text)] == ["Adaeze Obi", "Ilse Marten", "Tomasz Wilk"]
    assert "Ilse Marten" not in redact_text(text, {})


@pytest.mark.parametrize(
    "text",
    [
        "Steps: Open Settings*, Click Save* and Restart Server*",  # ordinary words, not names
        "**Acme Support**, **Billing Team** and **Ops Desk**",  # Markdown's bold, not a footnote mark
        "Partners: Acme Labs^1, Borealis Institute^2",  # organisations
        "Adaeze Obi^1 wrote it.",  # one alone is no author block
    ],
)
def test_marked_words_that_are_no_author_block_stay(text: str) -> None:
    assert list(marked_authors(text)) == []


@pytest.mark.parametrize(
    ("text", "authors"),
    [
        # an affiliation's number in parentheses, in LaTeX's superscript or in HTML's
        ("Graph retrieval for triage notes\nJ. Carter (1), M. Lindqvist (2), P. Oduya (1)\n1 University of Leeds",
         ["M. Lindqvist", "P. Oduya"]),
        ("Adaeze Obi (1), Ilse Marten (2) and Tomasz Wilk (1,2)", ["Adaeze Obi", "Ilse Marten", "Tomasz Wilk"]),
        ("Ana Lopes$^{1}$, Rui Mota$^{2}$\n$^{1}$Universidade do Minho", ["Ana Lopes", "Rui Mota"]),
        ("Hanna Berg<sup>1</sup>, Tomas Wick<sup>2</sup>", ["Hanna Berg", "Tomas Wick"]),
    ],
)
def test_authors_with_their_affiliations_numbered_go(text: str, authors: list[str]) -> None:
    redacted = redact_text(text, {})
    assert [author for author in authors if author in redacted] == [], redacted


@pytest.mark.parametrize(
    "text",
    [
        "See J. Smith (2019) for the method.",  # a year, not an affiliation
        "Step (1), Step (2), Open Settings (3)",
        "Partners: Acme Labs (1), Borealis Institute (2)",
    ],
)
def test_numbers_in_parentheses_that_mark_no_authors_stay(text: str) -> None:
    assert list(marked_authors(text)) == []

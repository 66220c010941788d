"""Names typed in lower case, in a line with no capital (`capture/pii_names_lowercase.py`), and the neighbouring
rules of this step: relatives as cues, footnote marks after a name, hyphenated given names, a possessive echo."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii, redact_text, rule_findings
from evalforge_assets.capture.pii_decode import normalize
from evalforge_assets.capture.pii_names_lowercase import find_lower_case_names
from evalforge_assets.capture.pii_shapes import Shapes


def _names(text: str) -> list[str]:
    return [text[match.start:match.end] for match in find_pii(text) if match.entity == "PERSON"]


def _lower_case_names(text: str) -> list[str]:
    return [text[start:end] for _, start, end in find_lower_case_names(text, Shapes.of(text))]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # Two known given names joined by "and", in several languages; a later mention alone is the same name.
        ("hey so james and jonathan land friday night, james wants to stay over",
         ["james", "jonathan", "james"]),
        ("dus cornelis en hugo komen dinsdag", ["cornelis", "hugo"]),
        ("allora giosuè e susana arrivano martedì", ["giosuè", "susana"]),
        # A known given name and a word that is no English word, or a census surname.
        ("laissez le colis chez isaac grégoire au n° 47", ["isaac grégoire"]),
        ("my mom karin andreasen-madsen lives there", ["karin andreasen-madsen"]),
        ("tell lucas bergstrom the keys are under the mat", ["lucas bergstrom"]),
        # After a speaker's label the line is still typed in lower case.
        ("User: so raksha and chandran land tuesday, ask emma and marcus too", ["emma", "marcus"]),
        ("hi it's anna-lena vogt again", ["anna-lena vogt"]),
        # A known given name that is no English word, right after "with" or "at the home of".
        ("leave it with isaac at the door", ["isaac"]),
        ("dormo da stefano, poi vediamo", ["stefano"]),
        # Indonesian's and Turkish's "and" and "at the home of".
        ("jadi hasna sama tellervo datang jumat malam", ["hasna", "tellervo"]),
        ("novi mau nginap di rumah reza di jalan sentot", ["reza"]),
        # ... or before an English verb, the sentence's subject.
        ("karin wants to stay with us", ["karin"]),
    ],
)
def test_a_name_typed_in_lower_case_is_read_by_its_words(text: str, names: list[str]) -> None:
    assert _lower_case_names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "grace wants to stay with us",  # a known name that is an English word too, before a verb
        "by grace and hope alone, with anna smith",  # names that are words too need a partner that is none
        "hola, esta noche vamos con una amiga a casa",  # `esta`, `una` are given names too, and stop words
        "jadi sama ini itu akan ada",  # Indonesian stop words that gender-guesser lists as names
        "2024-01-01 hugo build failed: julia process exited with code 1",
        "compiled with julia 1.9 and with grace",  # a tool with its version; a name that is a word too
        "contact maria@example.com or /home/julia/notes.txt or hugo_v2",  # inside an address, a path, an id
        "Hey so James and Jonathan land Friday",  # a line with capitals is the other finders' to read
    ],
)
def test_lower_case_words_that_are_no_name_stay(text: str) -> None:
    assert _lower_case_names(text) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Transcription (auto): hey so karin wants the keys", ["karin"]),
        ("[10:02] Caller (verified): karin wants to stay with us", ["karin"]),
    ],
)
def test_a_speakers_label_with_a_parenthesis_leads_a_lower_case_line(text: str, names: list[str]) -> None:
    assert _lower_case_names(text) == names


def test_a_long_lower_case_line_is_read_in_one_pass() -> None:
    line = ("anna-" * 20_000) + "x " + "and " * 5_000 + "so james and jonathan"
    assert _lower_case_names(line) == ["james", "jonathan"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Their son Marco emigrated in 1979.", ["Marco"]),  # Webster's lists "marco"; after "son" it is the name
        ("mi hija Lucía vive en Madrid", ["Lucía"]),
        ("ma voisine Chloé Martin a les clés", ["Chloé Martin"]),
        ("мой сын Иван придёт", ["Иван"]),
        # In lower case the name stops where the sentence goes on.
        ("caller: it's about my mom lene andersen she lives there", ["lene andersen"]),
        ("caller: yeah hi it's nela halik i'm calling about the meter", ["nela halik"]),
    ],
)
def test_a_relative_names_whoever_follows(text: str, names: list[str]) -> None:
    assert _names(text) == names


@pytest.mark.parametrize(
    "text",
    [
        "my son Will is here",  # an everyday word
        "Papa John's delivered late",  # capitalised, the word is part of a title or a brand
        "Big Brother is watching",
    ],
)
def test_a_relative_before_a_word_or_in_a_title_names_no_one(text: str) -> None:
    assert _names(text) == []


def test_a_capitalised_relative_is_no_cue() -> None:
    """The rules read no name after `Uncle`; the learned look, which sees a known given name before a verb, still
    takes `Sam` (`docs/ingestion.md`, "Training": a title like this is the kind of word it cannot tell apart)."""
    text = "Uncle Sam wants you"
    assert [match for match in rule_findings(text) if match.entity == "PERSON"] == []
    assert _names(text) == ["Sam"]


def test_footnote_marks_after_a_name_stay_apart_from_it() -> None:
    text = "Authors: Roksana Denkiewicz¹*, Petr Bláha², Sabine Bertrand-Leroux¹,²"
    assert normalize(text) == "Authors: Roksana Denkiewicz^1*, Petr Bláha^2, Sabine Bertrand-Leroux^1,2"
    assert redact_text(text) == "Authors: <PERSON>^1*, <PERSON>^2, <PERSON>^1,2"


def test_superscripts_that_are_no_mark_fold_as_before() -> None:
    assert normalize("area 45 m² near E=mc²") == "area 45 m^2 near E=mc^2"
    # A number written in superscripts, or a mark inside an address, is folded to plain digits and still found.
    assert redact_text("call ⁰⁷⁷⁰⁰ ⁹⁰⁰¹²³ or mail john¹@example.com") == "call <PHONE> or mail <EMAIL>"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Hans-Jürgen Weber-Schmidt called.", "Hans-Jürgen Weber-Schmidt"),
        ("l'assuré(e) Capucine-Nathalie Morin a signalé", "Capucine-Nathalie Morin"),
    ],
)
def test_a_hyphenated_given_name_leads_a_name(text: str, name: str) -> None:
    assert _names(text) == [name]


def test_a_brand_joined_by_a_hyphen_is_no_given_name() -> None:
    assert _names("Mercedes-Benz Sprinter and Rolls-Royce Phantom") == []


def test_a_found_name_is_hidden_in_its_possessive_too() -> None:
    assert redact_text("Their son Marco emigrated. Marco's daughter stayed; O'Marco is a shop.") == (
        "Their son <PERSON> emigrated. <PERSON>'s daughter stayed; O'Marco is a shop.")


def test_a_caller_who_greets_someone_by_name_names_themselves_before_from() -> None:
    # `grace` is an English word too; after a greeting by name and before "from", a given name.
    redacted = redact_text(" hi rita it's grace from accounts payable", {})
    assert "rita" not in redacted and "grace" not in redacted, redacted


def test_a_greeting_to_a_team_keeps_a_word_before_from() -> None:
    assert redact_text("hi team it's fine from my side", {}) == "hi team it's fine from my side"

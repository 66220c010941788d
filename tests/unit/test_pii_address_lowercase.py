"""Addresses written in lower case are read with each word capitalised (`capture/pii_address_lowercase.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import find_pii
from evalforge_assets.capture.pii_address_lowercase import capitalised


def _streets(text: str) -> list[str]:
    return [text[match.start:match.end] for match in find_pii(text) if match.entity == "STREET_ADDRESS"]


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("[asr] caller: 154 jacob stream", "154 jacob stream"),
        ("ok so we meet at 30 perry drive at 7", "30 perry drive"),
        ("mon adresse c'est 2 chemin diane allain", "2 chemin diane allain"),
        ("wir wohnen jetzt in der tanja-fiebig-weg 28", "tanja-fiebig-weg 28"),
        ("moro na rua emanuel moura 17 agora", "rua emanuel moura 17"),
        ("im at chemin monnet 52 now", "chemin monnet 52"),  # the number after the street's type and name
        ("j'habite avenue rapraz 765 depuis mai", "avenue rapraz 765"),
    ],
)
def test_a_lower_case_address_is_found(text: str, address: str) -> None:
    assert _streets(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        "there are 3 easy ways to fix it",  # every word an English word: no name says "street"
        "retry 2 more times, see 4 open issues",
        "bought park avenue eau de parfum, 2 bottles",  # no number in what the street pattern read
        "the avenue q cast, 2 shows tonight",
        "hey, see you on friday june 5, 2025 at 14:30 ok?",  # a date's month and weekday vouch for no street
        "ok cool, pick up tuesday march 3, 2026 at 10:00 thx",
    ],
)
def test_lower_case_prose_is_no_address(text: str) -> None:
    assert _streets(text) == []


def test_a_street_named_after_a_month_is_still_a_street() -> None:
    assert _streets("deliver to 12 june street please") == ["12 june street"]


def test_capitalising_keeps_the_length_so_spans_carry_over() -> None:
    line = "154 jacob stream, don't ring, straße 5"
    assert capitalised(line) == "154 Jacob Stream, Don't Ring, Straße 5"
    assert len(capitalised(line)) == len(line)


def test_accented_latin_words_are_capitalised_too() -> None:
    line = "šulekova ulica 1, łódzka 5, ŉ"
    assert capitalised(line) == "Šulekova Ulica 1, Łódzka 5, ŉ"  # `ŉ` would be two letters in capitals
    assert len(capitalised(line)) == len(line)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("hey can u send it to lajosfürdői utca 216. instead", "lajosfürdői utca 216."),  # a type word in any case
        ("im at trpinčeva ulica 78 now", "trpinčeva ulica 78"),
        ("new addr vončinina 2c/8 thx", "vončinina 2c/8"),  # "addr", an address word
        ("ship to vogter allé 730 pls", "vogter allé 730"),  # a delivery verb, then a lower-case street
        ("доставьте на ул. ленина, д. 5 пожалуйста", "ул. ленина, д. 5"),  # the house's word before its number
    ],
)
def test_lower_case_streets_of_more_languages(text: str, address: str) -> None:
    assert address in _streets(text)


@pytest.mark.parametrize(
    "text",
    [
        "на ул. ленина 5 человек",  # no house's word: "5 people on Lenin street"
        "ship to warehouse 3 tomorrow",  # an English word
        "shipped to berlin 2019",  # a year
    ],
)
def test_lower_case_phrases_like_streets_stay(text: str) -> None:
    assert _streets(text) == []


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # A speaker's label or a message's header has capitals; what was said after it is read as a lower-case line.
        ("User: draft a text saying the dinner moved to 66 thompson street (it's for work)", "66 thompson street"),
        ("[06/06/2025, 15:22] David Oshodi: send it to 943 ruth loop, gloriachester 41923",
         "943 ruth loop, gloriachester 41923"),
        # In a line with capitals elsewhere, the words typed in lower case around the number.
        ("Tech: ok so we have 3 units at 45 kingsley road, need 2 more filters", "45 kingsley road"),
        ("Hi! i moved to 18 brooks walks last spring", "18 brooks walks"),  # `brooks`, a very common surname
    ],
)
def test_lower_case_words_after_capitals_are_read_too(text: str, address: str) -> None:
    assert address in _streets(text)


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # The city pattern took every capitalised word after the postcode: the English ones are the sentence's.
        ("Sam: send it to 943 ruth loop, gloriachester 41923 not the old place", "943 ruth loop, gloriachester 41923"),
        ("i'm at 12 rue des lilas 75011 see you soon", "12 rue des lilas 75011"),
    ],
)
def test_english_words_after_the_postcode_are_no_city(text: str, address: str) -> None:
    assert _streets(text) == [address]


@pytest.mark.parametrize(
    "text",
    [
        '  File "/opt/venv/app/search/agent.py", line 194, in run',  # `in` is a surname, but here a stop word
        "However, you requested 67862 tokens (66838 in the messages, 1024 in the completion).",
        "TimeoutError: geocoding timed out via worker-7f9c after 12 retries",  # `via`: a type, and an id's letters
        "-- HTTP 503 duplicate key value violates unique constraint",  # after a word in capitals: a log's words
        "INFO crm.sync contact_id=664031 changed fields",  # a word of code ends the lower-case words
        "Agent: the order shipped. customer said 12 boxes arrived at the back door",
    ],
)
def test_lower_case_words_of_logs_and_code_stay(text: str) -> None:
    assert _streets(text) == []

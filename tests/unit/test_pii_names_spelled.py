"""Names spelled out letter by letter (`capture/pii_names_spelled.py`), names speakers give in lower case
(`capture/pii_names_spoken.py`), and lower-case given names as the subject of an English verb
(`capture/pii_names_lowercase.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("caller: yeah it's nnamani n n a m a n i", "caller: yeah it's <PERSON> <PERSON>"),
        ("Name: Bates, B-A-T-E-S", "Name: <PERSON>, <PERSON>"),
        ("caller: it's i b r a h i m", "caller: it's <PERSON>"),
        ("surname O'Neil O N E I L please", "surname <PERSON> <PERSON> please"),
    ],
)
def test_a_spelled_name_and_its_letters_go(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "press 1 2 3 then a b c",
        "the u s a and the e u",
        "option a b c d e f g",  # the alphabet's order
        "keys q w e r t y on the left",
        "invoice i n v o x",  # the letters are not the word's
    ],
)
def test_letters_that_spell_no_name_stay(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("before that julien did legal sign off", "before that <PERSON> did legal sign off"),
        ("ok so elin can you share the grafana board", "ok so <PERSON> can you share the grafana board"),
    ],
)
def test_lower_case_given_names_as_subjects(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize("text", ["ok so grace can you share it", "ok so mark did it", "the cache did warm up"])
def test_english_words_before_a_verb_stay(text: str) -> None:
    assert redact_text(text, {}) == text


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("arayan: merhaba ben jaruthip eraslan", "arayan: merhaba ben <PERSON>"),  # a weak cue after a greeting
        ("penelepon: atas nama cahyo marpaung", "penelepon: atas nama <PERSON>"),  # a strong cue
        ("cliente: oi aqui é érica fernandes", "cliente: oi aqui é <PERSON>"),
        ("caller: hi this is abosede olukunga i'm calling", "caller: hi this is <PERSON> i'm calling"),
        ("caller: my name is nnamdi okafor um yeah", "caller: my name is <PERSON> um yeah"),
        # "in the name of", said of an account or a contract
        ("klient: umowa jest na nazwisko bożydar kłos", "klient: umowa jest na nazwisko <PERSON>"),
        ("khách: tài khoản tên trịnh khôi\nkhách: cảm ơn", "khách: tài khoản tên <PERSON>\nkhách: cảm ơn"),
        ("клиент: счёт на имя агафья репина", "клиент: счёт на имя <PERSON>"),
        ("cliente: a conta está em nome de iracema nogueira", "cliente: a conta está em nome de <PERSON>"),
        # Dutch opens a call with "met" and the caller's name; a yes may stand before the greeting
        ("beller: ja hallo met bram over de levering", "beller: ja hallo met <PERSON> over de levering"),
        # a family name's particles, and the English word after them (`de wit`, of Dutch "white")
        ("beller: ja hallo met noor de bruin over mijn bestelling", "beller: ja hallo met <PERSON> over mijn bestelling"),
        ("beller: goedemiddag met femke de wit", "beller: goedemiddag met <PERSON>"),
    ],
)
def test_names_speakers_give_in_lower_case(text: str, redacted: str) -> None:
    assert redact_text(text, {}) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "ben yarın gelirim",  # "I'll come tomorrow": a weak cue with no greeting and no given name after it
        "hey it's nginx again",  # one word after an English cue that is no given name
        "it's fine, i'm ok",
        "this is the way",
        "my name is on the list",
        "met vriendelijke groet",  # "kind regards": no greeting and no given name after "met"
        "ja met wie spreek ik",  # "yes, who am I speaking with"
    ],
)
def test_cues_before_no_name_stay(text: str) -> None:
    assert redact_text(text, {}) == text

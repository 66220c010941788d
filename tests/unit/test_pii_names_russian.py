"""Russian names read by OpenCorpora's dictionary through pymorphy3 (`pii_names_russian`): in lower-case speech and
chat, and capitalised in running text."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_names_russian import (
    find_russian_names,
    russian_family_name,
    russian_given_name,
    russian_verb,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A given name the romanised look does not know, then a family name without a family name's ending.
        ("оператор: слушаю вас\nклиент: добрый вечер это мефодий гончар",
         "оператор: слушаю вас\nклиент: добрый вечер это <PERSON>"),
        # A given name as the subject of a verb.
        ("клиент: пелагея звонила вчера насчёт заказа", "клиент: <PERSON> звонила вчера насчёт заказа"),
        # Two given names joined by "and", each in the dative.
        ("напомни фаддею и прохору про встречу", "напомни <PERSON> и <PERSON> про встречу"),
        # A name that is more often a word (`майя`, May), beside a family name.
        ("клиент: это майя кравец по поводу возврата", "клиент: это <PERSON> по поводу возврата"),
    ],
)
def test_a_lower_case_russian_name_goes(text: str, expected: str) -> None:
    assert redact_text(text, {}) == expected


def test_a_capitalised_given_name_goes_with_the_family_name_after_it() -> None:
    text = "Вчера Феофан Гончар прислал отчёт по складу."
    assert [text[start:end] for _, start, end in find_russian_names(text)] == ["Феофан Гончар"]
    assert redact_text(text, {}) == "Вчера <PERSON> прислал отчёт по складу."


@pytest.mark.parametrize(
    "text",
    [
        "Поставщик: ООО «Аполлинария», договор продлён.",  # a firm's name, in quotation marks
        "Зал „Евдокия“ закрыт на ремонт.",
        "вера в лучшее",  # faith; an everyday noun that is a name too
        "слава богу всё работает",
        "Роза ветров на крыше сломана",
        "В августе склад закрыт. Август был тяжёлым.",  # August: a month more often than a name
        "Ефимов и партнёры",  # a family name, or Efims in the plural: no given name
    ],
)
def test_firms_months_and_everyday_nouns_stay(text: str) -> None:
    assert redact_text(text, {}) == text


def test_the_dictionary_weighs_a_name_against_the_word() -> None:
    assert russian_given_name("пелагея") is True
    assert russian_given_name("фаддею") is True  # any case
    assert russian_given_name("майя") is None  # May, more often than Maya
    assert russian_given_name("вера") is None  # faith, more often than Vera
    assert russian_given_name("ефимов") is False  # only a plural reading is a given name
    assert russian_given_name("склад") is False
    assert russian_family_name("гончар") and russian_family_name("ильинична") and not russian_family_name("склад")
    assert russian_verb("звонила") and not russian_verb("звонок")


def test_words_the_dictionary_does_not_hold_are_not_guessed() -> None:
    assert russian_given_name("зяблофукс") is False
    assert not russian_family_name("зяблофукс")


def test_a_word_longer_than_any_name_is_not_looked_up() -> None:
    assert russian_given_name("пелагея" * 10) is False


def test_the_words_looked_up_are_remembered_in_bounded_caches() -> None:
    # A long-running ingest or API process reads millions of distinct words; an unbounded cache (`functools.cache`)
    # per word grows with them.
    from evalforge_assets.capture import pii_names_devanagari, pii_names_romanised, pii_names_russian

    for looked_up in (pii_names_romanised.romanised_given_name, pii_names_romanised.inflected_given_name,
                      pii_names_devanagari._given_name, pii_names_devanagari._surname,
                      pii_names_russian._cached_readings):
        assert looked_up.cache_info().maxsize is not None

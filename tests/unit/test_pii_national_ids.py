"""National identity numbers of other countries (`capture/pii_national_ids.py`, validated by python-stdnum).

Faker's `ssn()` of 29 locales, in a sentence with no cue and after "national id:": before this finder 257 of 464
were left in clear (every Chinese, Korean, Italian, Polish, Brazilian, Dutch, Russian ... number); after, 104 (the
rest are numbers whose check digits Faker gets wrong, or that need the word and had none). The examples below are
python-stdnum's own documented valid numbers.
"""

from __future__ import annotations

import pytest
from faker import Faker

from evalforge_assets.capture.pii import find_pii, redact_text


@pytest.mark.parametrize("number", [
    "390.533.447-05",  # Brazil, CPF written with its dots and dash
    "756.9217.0769.85",  # Switzerland, AHV
    "131052-308T",  # Finland, henkilötunnus
    "971013-9019902",  # Korea, resident registration number
    "360426199101010071",  # China, resident id
    "710319/2745",  # Czech Republic, birth number
    "295109912611193",  # France, NIR
    "1630615123457",  # Romania, CNP
    "54362315K",  # Spain, DNI
    "X2482300W",  # Spain, NIE
    "15108695088",  # Norway, fødselsnummer
    "RSSMRA85T10A562S",  # Italy, codice fiscale
    "AB 12 34 56 C",  # United Kingdom, National Insurance number
])
def test_a_number_with_its_own_format_is_found_anywhere(number: str) -> None:
    assert redact_text(f"customer {number} on file") == "customer <NATIONAL_ID> on file"
    assert redact_text(f"national_id={number}") == "national_id=<NATIONAL_ID>"


@pytest.mark.parametrize(("word", "number"), [
    ("BSN", "111222333"), ("PESEL", "44051401359"), ("TC Kimlik", "17291716060"), ("INN", "123456789047"),
    ("SIN", "046 454 286"), ("CPF", "39053344705"),
])
def test_a_number_with_check_digits_only_is_found_after_its_word(word: str, number: str) -> None:
    assert redact_text(f"{word}: {number}") == f"{word}: <NATIONAL_ID>"
    assert not [m for m in find_pii(f"order {number} shipped") if m.entity == "NATIONAL_ID"]


@pytest.mark.parametrize("text", [
    "at 1753038078 done",  # epoch seconds: a Czech birth number one time in eleven, so ten digits need the word
    "at 1768003223528 done",  # epoch milliseconds
    "trace 7991064902333451179 ok",  # a trace id in decimal is longer than any identity number
    "http://h/p/451424198708038252",  # a path segment
    "job 123456789 finished",
])
def test_other_numbers_stay(text: str) -> None:
    assert not [m for m in find_pii(text) if m.entity == "NATIONAL_ID"]


def test_faker_identity_numbers_are_mostly_found() -> None:
    missed = total = 0
    for locale in ("it_IT", "fr_FR", "fi_FI", "no_NO", "ro_RO", "zh_CN", "ko_KR", "cs_CZ", "en_CA", "nl_NL", "pt_BR"):
        fake = Faker(locale)
        fake.seed_instance(3)
        for _ in range(8):
            number = fake.ssn()
            total += 1
            missed += number in redact_text(f"national id: {number}")
    assert missed / total <= 0.05


def test_a_validator_that_raises_on_odd_input_costs_nothing() -> None:
    # python-stdnum's cn.ric raises KeyError for region codes its table lacks a field for.
    assert isinstance(find_pii("id 451424198708038252 on file"), list)


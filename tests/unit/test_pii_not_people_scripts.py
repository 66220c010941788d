"""A name read beside the word for a company, a bank or a group in a script without capitals names no one
(`capture/pii_not_people.py`). The examples are invented."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_not_people import names_no_one


@pytest.mark.parametrize(("text", "firm"), [
    ("FROM: บริษัท ทองมาก จำกัด\nWEIGHT 3.1 KG", "ทองมาก"),
    ("- Works as an analyst at شركة الفارس للتجارة.", "الفارس"),
    ("You are a helpful assistant for ლიბერთი ბანკი.", "ლიბერთი"),
    ("Sender: मेहता कंपनी, Pune", "मेहता"),
])
def test_a_word_beside_an_organisation_word_names_no_one(text: str, firm: str) -> None:
    start = text.index(firm)
    assert names_no_one(text, start, start + len(firm))
    assert "<PERSON>" not in redact_text(text, {})


def test_a_name_with_no_organisation_word_beside_it_is_still_a_name() -> None:
    text = "Hi, I am أحمد الفارس from sales"
    start = text.index("أحمد")
    assert not names_no_one(text, start, text.index(" from"))

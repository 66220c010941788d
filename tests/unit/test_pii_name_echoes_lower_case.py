"""A found name's part written again in lower case (`capture/pii_name_echoes.py`, `lower_case_echoes`). The examples
are invented."""

from __future__ import annotations

from evalforge_assets.capture.pii import redact_text
from evalforge_assets.capture.pii_name_echoes import lower_case_echoes


def test_a_found_names_part_in_lower_case_is_the_person_again() -> None:
    text = "Dear Ysolde Brackwater,\nthanks! also ysolde can you ack the alert, brackwater knows the runbook"
    name = ("PERSON", 5, 22)
    assert {text[start:end] for _, start, end in lower_case_echoes(text, [name])} == {"ysolde", "brackwater"}
    redacted = redact_text(text, {})
    assert "ysolde" not in redacted and "brackwater" not in redacted


def test_ordinary_words_stop_words_and_words_inside_others_stay() -> None:
    text = "Dear Will Rivera, will the rivera-style deck ship? ask de Wit, rivers"
    names = [("PERSON", 5, 16)]
    # `will` is an English word; `rivera` inside `rivera-style` is part of a longer word
    assert [text[start:end] for _, start, end in lower_case_echoes(text, names)] == []

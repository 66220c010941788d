"""`Shapes.number_run` and `Shapes.classes` rule finders out for ASCII text only where they could find nothing:
every digit shape the number finders look for is a special case of the number run, and "AA00" in the class
view is `_IBAN_START` on ASCII text. Checked two ways on both frozen corpora, the benchmark's texts and samples
of every number format: the views agree with the patterns they stand for, and `find_pii` finds exactly what it
finds when every text takes the ungated paths other scripts take."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from evalforge_assets.capture import pii, pii_library, pii_phones, pii_shapes
from evalforge_assets.capture.pii_finders import _NUMBER_RUN
from evalforge_assets.capture.pii_shapes import Shapes
from tests.unit.test_pii_context_gates import _benchmark_texts, _corpus_texts

_SAMPLES = [
    "card 4111 1111 1111 1111", "cards: 4111-1111-1111-1111 5555-5555-5555-4444", "ssn 078-05-1120",
    "SSN 078.05.1120 on file", "call (415) 555-0132", "ring me on 0044 20 7946 0958", "+49 30 1234567",
    "415.555.0132", "07700 900123", "phone: 0917/123/4567", "host 10.20.30.40 down", "IBAN GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000", "order 123456 of 7", "v1.2.3", "at 12:30:45", "text her at +44 20 7946 0958",
    "Call 555 123 4567", "sms 13812345678", "reach me on 37561327691",
]


def _texts() -> list[str]:
    return _SAMPLES + _corpus_texts() + _benchmark_texts(2_000)


def _ungated(text: str) -> list[pii.PiiMatch]:
    """`find_pii` as text in other scripts gets it: no ASCII views, every number finder asked."""
    original = Shapes.of.__func__  # type: ignore[attr-defined]

    def as_other_scripts(cls: type[Shapes], value: str) -> Shapes:
        return replace(original(cls, value), ascii=False, number_run=True)

    Shapes.of = classmethod(as_other_scripts)  # type: ignore[method-assign,assignment]
    try:
        return pii._find(text)
    finally:
        Shapes.of = classmethod(original)  # type: ignore[method-assign,assignment]


def _assert_same(texts: list[str]) -> int:
    found = 0
    for text in texts:
        gated = pii._find(text)
        assert gated == _ungated(text), text
        found += len(gated)
    return found


def test_the_number_run_holds_wherever_a_number_finder_could_look() -> None:
    shapes_of = [(text, Shapes.of(text)) for text in _texts()]
    for text, shapes in shapes_of:
        for shape in (_NUMBER_RUN, pii_library._LONG_DIGITS_SHAPE, pii_library._SSN_SHAPE_RUN,
                      pii_library._PHONE_SHAPE_RUN, re.compile(rb"0{9}")):
            if shape.search(shapes.digits):
                assert shapes.number_run, (text, shape.pattern)
        if shapes.ascii:
            assert (b"AA00" in shapes.classes) == (pii_library._IBAN_START.search(text) is not None), text
    assert sum(not shapes.number_run for _, shapes in shapes_of) > len(shapes_of) / 3  # the point of it


def test_gated_find_pii_finds_what_the_ungated_paths_find() -> None:
    assert _assert_same(_texts()) > 1_000


def test_a_number_run_narrower_than_the_finders_shapes_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pii_shapes, "NUMBER_RUN_SHAPE", re.compile(rb"0[0 ]{5,}0"))  # forgets . ( ) - /
    with pytest.raises(AssertionError):
        _assert_same(_SAMPLES)


_WINDOW_EDGES = [
    "+1 (415) 555-0132 x123456", "call 415-555-0132 ext. 12 or 415 555 0133#9", "00(44) 20 7946 0958",
    "+(44) 20 7946 0958, +49 30 1234567", "ids 1234567 7654321 1111111", "1234567x1234567",
    "0044 20 7946 0958 ext 123456789", "a 415.555.0132. b", "(555) 123-4567/(555) 765-4321",
    "tel:+14155550132;ext=12", "9" * 30 + " 415-555-0132", "x 123 456 7890 123 456 7890 123 456 7890 123",
    "Call me on 0917 123 4567, or ring 0917-765-4321; text 07700 900123", "call call 5551234567",
    "API call 20240101 and call (002)-2934173", "calling 5551234567", "xcall 5551234567", "_call 5551234567",
    "CALL\t\t+44 20 7946 0958", "reach us at 415 555 0132", "sms\u00a05551234567",
]


def _window_texts() -> list[str]:
    return _WINDOW_EDGES + [f"{a} {b}" for a in _WINDOW_EDGES[:8] for b in _WINDOW_EDGES[:8]] + _texts()


def test_phone_candidates_looked_for_in_number_windows_are_those_of_the_whole_text() -> None:
    from evalforge_assets.capture.pii_phones import _PHONE_CANDIDATE, _phone_matches

    for text in _window_texts():
        expected = [match.span() for match in _PHONE_CANDIDATE.finditer(text)]
        assert [match.span() for match in _phone_matches(text, Shapes.of(text))] == expected, text


def test_called_numbers_looked_for_at_the_verbs_are_those_of_the_whole_text() -> None:
    from evalforge_assets.capture.pii_called import _CALLED_NUMBER, _verb_matches

    for text in _window_texts():
        expected = [match.span() for match in _CALLED_NUMBER.finditer(text)]
        assert [match.span() for match in _verb_matches(text, Shapes.of(text))] == expected, text


def test_a_phone_window_cut_too_short_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pii_phones, "_PHONE_TAIL", 2)  # loses the extension and its lookahead
    with pytest.raises(AssertionError):
        test_phone_candidates_looked_for_in_number_windows_are_those_of_the_whole_text()


def test_a_secret_cue_gate_narrower_than_its_finders_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    samples = ["the password I set was Tr0ub4dor&3x", "api key Zx81kQ0pLmN3vB7cYtR5wE2q", "use glpat-abcdefghij0123456789xyz"]
    assert _assert_same(samples) >= 3
    monkeypatch.setattr(pii_library, "_SECRET_CUE_WORDS", frozenset())
    with pytest.raises(AssertionError):
        _assert_same(samples)

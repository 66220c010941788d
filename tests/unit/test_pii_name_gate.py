"""The test in front of the person-name finder (`pii_names.may_hold_run`) is a necessary condition of the run
pattern: wherever `_RUN` matches, the gate says yes, so gating skips only scans that would find nothing. Checked
on both frozen corpora, the capture benchmark's texts and hand-made runs (tabs, double spaces, particles,
Mac/O' names, hyphens, other scripts)."""

from __future__ import annotations

import re

import pytest

from evalforge_assets.capture import pii_names
from evalforge_assets.capture.pii_names import find_full_names, may_hold_run
from tests.unit.test_pii_context_gates import _benchmark_texts, _corpus_texts

_EDGES = [
    "refund approved by Diana Baker at noon",
    "owner:\tDiana\tBaker", "Diana  Baker", "x Diana \t Baker y",
    "Matheus da Luz", "Stef van  Boven", "Stef van der\tBoven",
    "ask Mary O'Connor", "ask Mary O’Connor", "Angus MacLeod", "Ian McCullough", "Hans-Josef Müller",
    "Łukasz Nowak zapłacił", "Yağızkurt Öcalan", "Ørsted Nguyễn", "Νίκος Παπαδόπουλος", "Иван Петров",
    "ÉLODIE Durand", "Émile Zola", "Zoë Ñúñez", "ID: Karen Shah.", "GitHub Actions", "NASA Ames",
    "no capital here", "one Capital", "two lower words", "", "Ab C", "Aé B",
]


def _runs_imply_gate(texts: list[str]) -> int:
    """Asserts the gate holds wherever the run pattern matches; returns how many texts have a run."""
    runs = 0
    for text in texts:
        if pii_names._RUN.search(text) is not None:
            runs += 1
            assert may_hold_run(text), text
    return runs


def test_the_name_gate_holds_wherever_a_run_of_capitalised_words_is() -> None:
    texts = _EDGES + _corpus_texts() + _benchmark_texts(4_000)
    assert _runs_imply_gate(texts) > 500


def test_the_name_gate_skips_most_texts_and_finds_the_same_names(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _EDGES + _corpus_texts()[:3_000] + _benchmark_texts(2_000)
    gated = [list(find_full_names(text)) for text in texts]
    with monkeypatch.context() as patch:
        patch.setattr(pii_names, "may_hold_run", lambda text, shapes=None: True)
        ungated = [list(find_full_names(text)) for text in texts]
    assert gated == ungated
    assert sum(map(bool, gated)) > 100
    benchmark = _benchmark_texts(2_000)
    assert sum(map(may_hold_run, benchmark)) < 0.25 * len(benchmark)  # the point of the gate


@pytest.mark.parametrize(
    ("name", "narrowed"),
    [
        ("_CASE_GAP", re.compile(rb"Aa+ A")),  # forgets a gap of several spaces or tabs
        ("_CASE_GAP", re.compile(rb"Aa+ +A")),  # forgets the particles ("Matheus da Luz")
        ("_WIDE_GAP", re.compile(r"[a-z][ \t]+[A-Z]")),  # forgets other scripts' letters
    ],
)
def test_a_gate_narrower_than_the_run_pattern_is_caught(
    name: str, narrowed: re.Pattern[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pii_names, name, narrowed)
    with pytest.raises(AssertionError):
        _runs_imply_gate(_EDGES)

"""Grouping on corpora written by agents that were not shown the grouping code (tests/corpora/independent/).

The hashes are pinned so nobody edits a corpus to fit the rules. Precision must stay high (different failures
kept apart) and F1 may not fall back below what the fingerprint version before scored on each, measured before
any rule was written after seeing it."""

from __future__ import annotations

import pytest

from tests.corpora.grouping import score_grouping
from tests.corpora.independent_corpora import BASELINE_F1, PINNED, labeled_spans, sha256_of


@pytest.mark.parametrize("name", sorted(PINNED))
def test_the_corpus_is_the_frozen_one(name: str) -> None:
    assert sha256_of(name) == PINNED[name]


@pytest.mark.parametrize("name", sorted(PINNED))
def test_grouping_keeps_different_failures_apart_and_does_not_fall_below_its_baseline(name: str) -> None:
    score = score_grouping(labeled_spans(name))
    assert score.precision >= 0.85, score
    assert score.f1 >= BASELINE_F1[name][1], score

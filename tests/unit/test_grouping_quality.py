"""Grouping quality on the labeled corpus, and the pairwise scorer itself."""

from __future__ import annotations

from evalforge_assets.capture.sources.sample import generate_labeled_failures
from tests.corpora.grouping import pairwise_scores, score_grouping


def test_pairwise_scores_count_pairs() -> None:
    perfect = pairwise_scores([("a", "x"), ("a", "x"), ("b", "y")])
    assert (perfect.precision, perfect.recall, perfect.f1) == (1.0, 1.0, 1.0)
    split = pairwise_scores([("a", "x"), ("b", "x"), ("c", "x"), ("c", "x")])
    assert split.precision == 1.0 and split.recall == 1 / 6
    merged = pairwise_scores([("a", "x"), ("a", "y")])
    assert merged.precision == 0.0


def test_grouping_f1_on_labeled_corpus_meets_target() -> None:
    score = score_grouping(generate_labeled_failures(3000, seed=3))
    assert score.f1 >= 0.95, score
    assert score.precision >= 0.99, score  # merging two real problems hides one: worse than a split

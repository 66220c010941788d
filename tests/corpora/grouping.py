"""Grouping quality: pairwise precision, recall and F1 of signatures against ground-truth groups."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evalforge_assets.capture.build import UserHasher, build_capture
from evalforge_assets.capture.classify import FailureRules, failure_reasons
from evalforge_assets.capture.spans import parse_span
from evalforge_assets.models import FailureCapture, Lineage
from evalforge_assets.review.placement import plan_folds


@dataclass(frozen=True)
class GroupingScore:
    captures: int
    true_groups: int
    signatures: int
    precision: float
    recall: float
    f1: float


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def pairwise_scores(assignments: Iterable[tuple[str, str]]) -> GroupingScore:
    """Score (predicted cluster, true group) assignments: a pair is right when both agree it is together."""
    joint: Counter[tuple[str, str]] = Counter()
    predicted: Counter[str] = Counter()
    truth: Counter[str] = Counter()
    for cluster, group in assignments:
        joint[(cluster, group)] += 1
        predicted[cluster] += 1
        truth[group] += 1
    together_both = sum(_pairs(n) for n in joint.values())
    together_predicted = sum(_pairs(n) for n in predicted.values())
    together_true = sum(_pairs(n) for n in truth.values())
    precision = together_both / together_predicted if together_predicted else 1.0
    recall = together_both / together_true if together_true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return GroupingScore(sum(predicted.values()), len(truth), len(predicted), precision, recall, f1)


def score_grouping(labeled_spans: Iterable[tuple[dict[str, Any], str]]) -> GroupingScore:
    """Run labeled failing spans through the real capture path and the grouping step (partial captures placed
    in the dominant signature they join, as `failure_signatures` does for one run) and score the signatures."""
    captures, labels = captures_of(labeled_spans)
    folds = plan_folds({"corpus": captures})
    placed = {facts.capture_id: signature_id for signature_id, fold in folds.items() for facts in fold.captures()}
    return pairwise_scores((placed[capture.capture_id], labels[capture.capture_id]) for capture in captures)


def captures_of(labeled_spans: Iterable[tuple[dict[str, Any], str]]) -> tuple[list[FailureCapture], dict[str, str]]:
    """The captures the real capture path builds from labeled failing spans, and capture id -> true group."""
    rules, hasher, lineage = FailureRules(), UserHasher("grouping-benchmark"), Lineage()
    captures, labels = [], {}
    for item, label in labeled_spans:
        span = parse_span(item)
        reasons = failure_reasons(span, rules)
        if not reasons:
            raise ValueError(f"labeled span {span.span_id} ({label}) is not classified as a failure")
        capture = build_capture(span, reasons, rules, hasher, lineage, "2026-01-01T00:00:00.000000Z")
        captures.append(capture)
        labels[capture.capture_id] = label
    return captures, labels

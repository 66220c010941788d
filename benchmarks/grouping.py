"""Grouping quality: pairwise precision, recall and F1 of signatures against true groups, on the frozen corpus
(tests/corpora/grouping_data, written before the v2 fingerprint was tuned) beside the v1 figure, Drain3 in place of
the template rules, three corpora written by agents not shown the grouping code (tests/corpora/independent), and the
project's own labeled sample.

    python3 -m uv run --frozen python benchmarks/grouping.py [--count 20000] [--seed 1] [--no-drain3]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the labeled corpora live with the tests

from drain3 import TemplateMiner
from drain3.template_miner_config import TemplateMinerConfig

from evalforge_assets.capture.sources.sample import generate_labeled_failures
from evalforge_assets.models import FailureCapture
from evalforge_assets.review import fingerprint, templates
from evalforge_assets.review.placement import plan_folds
from tests.corpora.grouping import GroupingScore, captures_of, pairwise_scores
from tests.corpora.grouping_corpus import load
from tests.corpora.independent_corpora import BASELINE_F1, PINNED, labeled_spans

# Fingerprint v1 (regex parameterizer, stack frames in the key, no placement), measured on the frozen corpus at
# commit fcff864 before any v2 change: the figure v2 is compared with.
V1_FROZEN = GroupingScore(captures=9000, true_groups=44, signatures=2261, precision=0.8513, recall=0.1899, f1=0.3106)
V1_SAMPLE_F1 = 0.9999  # docs/failure_queue.md before v2: 20,000 labeled failures, seed 1


def grouped(captures: list[FailureCapture], labels: dict[str, str]) -> tuple[GroupingScore, float]:
    """The score of grouping `captures` as one failure_signatures run would, and captures grouped per second
    (fingerprints computed afresh: the template cache is emptied first)."""
    templates._template.cache_clear()
    started = time.perf_counter()
    folds = plan_folds({"run": [c.model_copy(update={"fingerprint_id": fingerprint.signature_id_of(
        fingerprint.fingerprint_of(c))}) for c in captures]})
    elapsed = time.perf_counter() - started
    placed = {facts.capture_id: sid for sid, fold in folds.items() for facts in fold.captures()}
    return pairwise_scores((placed[c.capture_id], labels[c.capture_id]) for c in captures), len(captures) / elapsed


@contextmanager
def templates_from(template: Callable[[str], str]) -> Iterator[None]:
    """Fingerprints built with another message template function (to compare miners on the same path)."""
    original = fingerprint.message_template
    fingerprint.message_template = template
    try:
        yield
    finally:
        fingerprint.message_template = original


def drain3_template(messages: list[str], masked: bool) -> Callable[[str], str]:
    """Drain3 trained on every message first (its learned state depends on order; this is its best case), then
    each message mapped to its cluster's template. `masked`: Drain3's own masking of numbers, hex and ids."""
    config = TemplateMinerConfig()
    config.profiling_enabled = False
    if masked:
        from drain3.masking import MaskingInstruction
        config.masking_instructions = [
            MaskingInstruction(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", "UUID"),
            MaskingInstruction(r"(?<![\w-])[A-Za-z]{1,8}[_-][A-Za-z0-9]{12,}", "ID"),
            MaskingInstruction(r"\b0x[0-9a-fA-F]+\b|\b[0-9a-f]{8,}\b", "HEX"),
            MaskingInstruction(r"\d+(?:\.\d+)?", "NUM"),
        ]
    miner = TemplateMiner(config=config)
    for message in messages:
        miner.add_log_message(message)

    def template(message: str) -> str:
        cluster = miner.match(message, full_search_strategy="fallback")
        return cluster.get_template() if cluster is not None else message
    return template


def show(name: str, score: GroupingScore, rate: float | None = None) -> None:
    per_group = score.signatures / score.true_groups
    speed = f"  {rate:>9,.0f} captures/s" if rate is not None else ""
    print(f"  {name:<34} P {score.precision:.4f}  R {score.recall:.4f}  F1 {score.f1:.4f}  "
          f"signatures {score.signatures:>5} ({per_group:5.2f} per true group){speed}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="labeled sample failures")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-drain3", action="store_true", help="skip the Drain3 comparison")
    args = parser.parse_args()

    started = time.perf_counter()
    captures, labels = captures_of(load())
    capture_rate = len(captures) / (time.perf_counter() - started)
    print(f"frozen corpus: {len(captures):,} failing spans, {len(set(labels.values()))} true groups "
          f"(capture path incl. PII: {capture_rate:,.0f} spans/s)")
    show("v1 (before; recorded)", V1_FROZEN)
    v2, rate = grouped(captures, labels)
    show(f"v{fingerprint.FINGERPRINT_VERSION} token classes + placement", v2, rate)
    if not args.no_drain3:
        messages = [c.error_message for c in captures if c.error_message]
        for masked in (False, True):
            with templates_from(drain3_template(messages, masked)):
                score, rate = grouped(captures, labels)
            show(f"Drain3{' + its masking' if masked else ''} + placement", score, rate)

    for name in sorted(PINNED):  # corpora written by agents that were not shown the grouping code
        probe_captures, probe_labels = captures_of(labeled_spans(name))
        print(f"independent corpus {name}: {len(probe_captures):,} failing spans, "
              f"{len(set(probe_labels.values()))} true groups; v{BASELINE_F1[name][0]} F1 was "
              f"{BASELINE_F1[name][1]:.3f} before it was looked at")
        probe, rate = grouped(probe_captures, probe_labels)
        show(f"v{fingerprint.FINGERPRINT_VERSION} token classes + placement", probe, rate)

    sample_captures, sample_labels = captures_of(generate_labeled_failures(args.count, seed=args.seed))
    print(f"labeled sample (sources/sample.py): {len(sample_captures):,} failures, "
          f"{len(set(sample_labels.values()))} true groups; v1 F1 was {V1_SAMPLE_F1:.4f}")
    sample, rate = grouped(sample_captures, sample_labels)
    show(f"v{fingerprint.FINGERPRINT_VERSION} token classes + placement", sample, rate)


if __name__ == "__main__":
    main()

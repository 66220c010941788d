"""How well and how fast Evalforge's PII detector works on the labeled set, and how Presidio compares.

Run alone: `python benchmarks/pii_compare.py [--size N] [--seed S] [--corpus foreign|heldout] [--no-presidio]`. `benchmarks/ingest.py` imports
`detector_report` and `presidio_comparison` to print the same figures next to its throughput numbers.

Presidio runs with pattern recognizers only (email, phone, credit card, IBAN, US SSN, IP) and its no-op NLP
engine, because no spaCy model can be downloaded here; NER-based person detection is therefore out of the
comparison, which covers the six entity types both detectors know.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the labeled corpora live with the tests

from evalforge_assets.capture.pii import PiiMatch, find_pii, forget_known_clean
from tests.corpora import pii_blind, pii_foreign, pii_heldout
from tests.corpora.pii import EntityScore, LabeledText, labeled_pii_corpus, score

# Presidio's entity names for the types both detectors know.
PRESIDIO_ENTITIES: dict[str, str] = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "CREDIT_CARD": "CREDIT_CARD",
    "IBAN_CODE": "IBAN",
    "US_SSN": "US_SSN",
    "IP_ADDRESS": "IP_ADDRESS",
}
SHARED_ENTITIES = tuple(PRESIDIO_ENTITIES.values())


@dataclass(frozen=True)
class DetectorReport:
    """Per-entity scores of our detector over the labeled set, and its speed."""

    scores: dict[str, EntityScore]
    texts: int
    characters: int
    seconds: float

    @property
    def texts_per_second(self) -> float:
        return self.texts / self.seconds if self.seconds else float("inf")

    @property
    def microseconds_per_text(self) -> float:
        return self.seconds / self.texts * 1e6 if self.texts else 0.0


@dataclass(frozen=True)
class PresidioComparison:
    """Both detectors on the same texts and entity types; `reason` says why Presidio could not run."""

    available: bool
    reason: str | None = None
    entities: tuple[str, ...] = SHARED_ENTITIES
    ours: dict[str, EntityScore] = field(default_factory=dict)
    presidio: dict[str, EntityScore] = field(default_factory=dict)
    our_seconds: float = 0.0
    presidio_seconds: float = 0.0

    @property
    def speed_ratio(self) -> float:
        """How many times faster our detector is than Presidio on the same texts."""
        return self.presidio_seconds / self.our_seconds if self.our_seconds else float("inf")

    def recall(self) -> dict[str, tuple[float, float]]:
        """Entity → (our recall, Presidio's recall), plus "ALL"."""
        return {
            entity: (self.ours[entity].recall, self.presidio[entity].recall)
            for entity in (*self.entities, "ALL")
            if entity in self.ours and entity in self.presidio
        }


def _timed(find: Callable[[str], Sequence[PiiMatch]], texts: Sequence[str]) -> float:
    forget_known_clean()  # no pass may profit from an earlier one's memo of clean strings
    start = time.perf_counter()
    for text in texts:
        find(text)
    return time.perf_counter() - start


def detector_report(
    corpus: Sequence[LabeledText] | None = None, seed: int = 0, size: int = 2000
) -> DetectorReport:
    """Score `find_pii` on the labeled set (generated from `seed` and `size` unless given) and time it."""
    corpus = corpus if corpus is not None else labeled_pii_corpus(seed=seed, size=size)
    texts = [sample.text for sample in corpus]
    seconds = _timed(find_pii, texts)
    return DetectorReport(score(corpus), len(texts), sum(map(len, texts)), seconds)


def build_presidio_finder() -> Callable[[str], list[PiiMatch]] | str:
    """A find function backed by Presidio's pattern recognizers, or a sentence saying why there is none."""
    try:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IbanRecognizer,
            IpRecognizer,
            PhoneRecognizer,
            UsSsnRecognizer,
        )
    except ImportError as exc:
        missing = f"presidio_analyzer is not installed ({exc})"
        return f"unavailable: {missing}; install the 'presidio' extra to compare"
    try:
        from presidio_analyzer.nlp_engine import NoOpNlpEngine
    except ImportError:
        return (
            "unavailable: this presidio_analyzer has no NoOpNlpEngine, so it needs a spaCy model that "
            "cannot be downloaded here; upgrade presidio-analyzer to compare"
        )
    _use_bundled_public_suffix_list()
    nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "no_op"}])
    registry = RecognizerRegistry(
        recognizers=[
            EmailRecognizer(),
            PhoneRecognizer(),
            CreditCardRecognizer(),
            IbanRecognizer(),
            UsSsnRecognizer(),
            IpRecognizer(),
        ],
        supported_languages=["en"],
    )
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=["en"])
    wanted = list(PRESIDIO_ENTITIES)

    def find(text: str) -> list[PiiMatch]:
        results: list[Any] = engine.analyze(text=text, language="en", entities=wanted)
        # Presidio may return overlapping results from different recognizers: keep the best-scored ones.
        accepted: list[PiiMatch] = []
        for result in sorted(results, key=lambda r: (-r.score, r.start - r.end)):
            if all(result.end <= kept.start or result.start >= kept.end for kept in accepted):
                accepted.append(
                    PiiMatch(
                        PRESIDIO_ENTITIES[result.entity_type],
                        result.start,
                        result.end,
                        text[result.start : result.end],
                    )
                )
        return sorted(accepted, key=lambda match: match.start)

    return find


def _use_bundled_public_suffix_list() -> None:
    """Presidio's email recognizer checks domains with tldextract, which downloads the public suffix list on
    first use; offline that download fails slowly. The snapshot bundled with tldextract answers the same."""
    import tldextract

    tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


def presidio_comparison(
    corpus: Sequence[LabeledText] | None = None, seed: int = 0, size: int = 2000
) -> PresidioComparison:
    """Recall, precision and speed of both detectors on the shared entity types of the same texts."""
    finder = build_presidio_finder()
    if isinstance(finder, str):
        return PresidioComparison(available=False, reason=finder)
    corpus = corpus if corpus is not None else labeled_pii_corpus(seed=seed, size=size)
    texts = [sample.text for sample in corpus]
    finder(texts[0])  # Presidio compiles its patterns on first use; keep that out of the timing.
    return PresidioComparison(
        available=True,
        ours=score(corpus, find_pii, SHARED_ENTITIES),
        presidio=score(corpus, finder, SHARED_ENTITIES),
        our_seconds=_timed(find_pii, texts),
        presidio_seconds=_timed(finder, texts),
    )


def format_scores(scores: dict[str, EntityScore]) -> str:
    lines = [
        (
            f"{'entity':<16} {'tp':>6} {'fp':>5} {'fn':>5} {'precision':>9} {'recall':>7} "
            f"{'leaks':>6} {'damaged':>8}"
        )
    ]
    for entity, item in scores.items():
        lines.append(
            f"{entity:<16} {item.tp:>6} {item.fp:>5} {item.fn:>5} {item.precision:>9.3f} {item.recall:>7.3f} "
            f"{item.leaks:>6} {item.damaged_negatives:>8}"
        )
    return "\n".join(lines)


def format_comparison(comparison: PresidioComparison) -> str:
    if not comparison.available:
        return f"Presidio: {comparison.reason}"
    lines = [f"{'entity':<12} {'our P':>6} {'our R':>6} {'Presidio P':>10} {'Presidio R':>10}"]
    for entity in (*comparison.entities, "ALL"):
        ours, theirs = comparison.ours.get(entity), comparison.presidio.get(entity)
        if ours is None or theirs is None:
            continue
        lines.append(
            f"{entity:<12} {ours.precision:>6.3f} {ours.recall:>6.3f} "
            f"{theirs.precision:>10.3f} {theirs.recall:>10.3f}"
        )
    lines.append(
        f"time: ours {comparison.our_seconds:.3f}s, Presidio {comparison.presidio_seconds:.3f}s "
        f"-> ours is {comparison.speed_ratio:.1f}x faster"
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------- the frozen foreign-data corpus


def redactor_of(find: Callable[[str], Sequence[PiiMatch]]) -> pii_foreign.Redactor:
    """A redact(text, counts) function from a find function, for detectors that only find."""

    def redact(text: str, counts: dict[str, int]) -> str:
        parts, position = [], 0
        for match in sorted(find(text), key=lambda m: m.start):
            if match.start < position:
                continue
            parts += [text[position : match.start], f"<{match.entity}>"]
            counts[match.entity] = counts.get(match.entity, 0) + 1
            position = match.end
        return "".join(parts) + text[position:]

    return redact


def format_foreign(name: str, result: pii_foreign.CorpusScore, seconds: float, texts: int) -> str:
    lines = [f"{name}: {texts} texts in {seconds:.2f}s ({texts / seconds:,.0f} texts/s)",
             f"{'type':<16} {'planted':>7} {'recall':>7} {'leak':>7} {'precision':>9}"]
    for entity, item in result.types.items():
        lines.append(f"{entity:<16} {item.planted:>7} {item.recall:>7.3f} {item.leak_rate:>7.3f} "
                     f"{item.precision:>9.3f}")
    lines.append(f"hard negatives over-redacted: {result.damaged_negatives} of {result.negatives} "
                 f"({result.over_redaction:.2%})")
    return "\n".join(lines)


# Frozen corpora scored by `pii_foreign.score`: name -> (module, description). The held-out corpus was built
# after the detector's rules were tuned on the foreign one, so it measures how those rules generalize.
FROZEN_CORPORA = {
    "foreign": (pii_foreign, "Foreign PII corpus (tests/corpora/pii_foreign.jsonl"),
    "heldout": (pii_heldout, "Held-out PII corpus (tests/corpora/pii_heldout.jsonl"),
    "blind1": (pii_blind.BLIND1, "Blind PII probe 1 (tests/corpora/pii_blind1.jsonl"),
    "blind2": (pii_blind.BLIND2, "Blind PII probe 2 (tests/corpora/pii_blind2.jsonl"),
    "blind3": (pii_blind.BLIND3, "Blind PII probe 3 (tests/corpora/pii_blind3.jsonl"),
    "blind4": (pii_blind.BLIND4, "Blind PII probe 4 (tests/corpora/pii_blind4.jsonl"),
    "blind5": (pii_blind.BLIND5, "Blind PII probe 5 (tests/corpora/pii_blind5.jsonl"),
    "blind6": (pii_blind.BLIND6, "Blind PII probe 6 (tests/corpora/pii_blind6.jsonl"),
    "blind7": (pii_blind.BLIND7, "Blind PII probe 7 (tests/corpora/pii_blind7.jsonl"),
    "blind8": (pii_blind.BLIND8, "Blind PII probe 8 (tests/corpora/pii_blind8.jsonl"),
    "blind9": (pii_blind.BLIND9, "Blind PII probe 9 (tests/corpora/pii_blind9.jsonl"),
    "blind10": (pii_blind.BLIND10, "Blind PII probe 10 (tests/corpora/pii_blind10.jsonl"),
    "blind11": (pii_blind.BLIND11, "Blind PII probe 11 (tests/corpora/pii_blind11.jsonl"),
    "blind12": (pii_blind.BLIND12, "Blind PII probe 12 (tests/corpora/pii_blind12.jsonl"),
    "blind13": (pii_blind.BLIND13, "Blind PII probe 13 (tests/corpora/pii_blind13.jsonl"),
    "blind14": (pii_blind.BLIND14, "Blind PII probe 14 (tests/corpora/pii_blind14.jsonl"),
    "blind15": (pii_blind.BLIND15, "Blind PII probe 15 (tests/corpora/pii_blind15.jsonl"),
    "blind16": (pii_blind.BLIND16, "Blind PII probe 16 (tests/corpora/pii_blind16.jsonl"),
    "blind17": (pii_blind.BLIND17, "Blind PII probe 17 (tests/corpora/pii_blind17.jsonl"),
    "blind18": (pii_blind.BLIND18, "Blind PII probe 18 (tests/corpora/pii_blind18.jsonl"),
    "blind19": (pii_blind.BLIND19, "Blind PII probe 19 (tests/corpora/pii_blind19.jsonl"),
}


def frozen_corpus_report(name: str = "foreign", with_presidio: bool = True) -> str:
    """Per-type recall, leak rate and precision and over-redaction on a frozen corpus (`FROZEN_CORPORA`), for
    our redactor (normalizing and decoding included) and, when installed, Presidio's pattern recognizers."""
    from evalforge_assets.capture.pii import redact_text

    module, title = FROZEN_CORPORA[name]
    samples = module.load()
    out = [f"{title}, sha256 {module.corpus_sha256()[:12]}...)"]
    redact_text(samples[0].text)  # load name lists and phone metadata outside the timing
    started = time.perf_counter()
    ours = pii_foreign.score(samples, redact_text)
    out.append(format_foreign("Evalforge", ours, time.perf_counter() - started, len(samples)))
    if not with_presidio:
        return "\n".join(out)
    finder = build_presidio_finder()
    if isinstance(finder, str):
        out.append(f"Presidio: {finder}")
    else:
        started = time.perf_counter()
        theirs = pii_foreign.score(samples, redactor_of(finder))
        out.append(format_foreign("Presidio (pattern recognizers)", theirs, time.perf_counter() - started,
                                  len(samples)))
    return "\n".join(out)


def foreign_corpus_report() -> str:
    """`frozen_corpus_report` of the foreign corpus (what `benchmarks/ingest.py` prints)."""
    return frozen_corpus_report("foreign")


def main(argv: Sequence[str] = ()) -> None:
    """Print the tables. Called with no arguments (as `benchmarks/ingest.py` does) it uses the defaults rather
    than reading the calling script's command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument(
        "--corpus",
        choices=("all", *FROZEN_CORPORA),
        default="all",
        help="score only this frozen corpus (quick); 'all' also scores the template set and Presidio on it",
    )
    parser.add_argument("--no-presidio", action="store_true", help="leave Presidio out of the frozen corpora")
    args = parser.parse_args(list(argv))
    if args.corpus != "all":
        print(frozen_corpus_report(args.corpus, with_presidio=not args.no_presidio))
        return
    corpus = labeled_pii_corpus(seed=args.seed, size=args.size)
    report = detector_report(corpus)
    print(f"Labeled PII set: {report.texts} texts, {report.characters} characters (seed {args.seed})")
    print(format_scores(report.scores))
    print(
        f"speed: {report.texts_per_second:,.0f} texts/s, {report.microseconds_per_text:.1f} us per text "
        f"(mean {report.characters / max(report.texts, 1):.0f} characters)"
    )
    print()
    print(format_comparison(presidio_comparison(corpus)))
    for name in FROZEN_CORPORA:
        print()
        print(frozen_corpus_report(name))


if __name__ == "__main__":
    main(sys.argv[1:])

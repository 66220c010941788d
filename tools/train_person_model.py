"""Train the learned look at capitalised words (`evalforge_assets/capture/pii_names_learned.py`).

    python3 -m uv run --frozen python tools/train_person_model.py           # writes person_token_model.json
    python3 -m uv run --frozen python tools/train_person_model.py --check   # retrains, compares with the file

Training data: blind probes 1-10 and 12 (`tests/corpora/pii_blind.py`), never probes 11 and 13 and later, whose
names were never looked at and which measure the model.
Each capitalised word the rules left (`pii.rule_findings`) is one example, labelled by whether it lies inside an
occurrence of a planted PERSON value; a word inside one of the probe's hard negatives weighs three times as much,
because those are the look-alikes (companies named after people, brands, products) that must stay readable.

The threshold is chosen from the training probes alone, by leaving each out in turn: the lowest probability at
which at least `LEAST_PRECISION` of the words taken on the probes left out lie in names, pooled over the folds. (A
budget of damaged hard negatives, used before, moved with how densely each probe's writer listed them.)
scikit-learn is a development dependency: the product reads only the JSON.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression

from evalforge_assets.capture.pii import rule_findings
from evalforge_assets.capture.pii_names_learned import (
    MODEL_PATH,
    asked_runs,
    word_features,
    word_positions,
)
from evalforge_assets.capture.pii_not_people import names_no_one
from tests.corpora.pii import occurrences
from tests.corpora.pii_blind import (
    BLIND1,
    BLIND2,
    BLIND3,
    BLIND4,
    BLIND5,
    BLIND6,
    BLIND7,
    BLIND8,
    BLIND9,
    BLIND10,
    BLIND12,
    BlindCorpus,
)

TRAINING_PROBES = (BLIND1, BLIND2, BLIND3, BLIND4, BLIND5, BLIND6, BLIND7, BLIND8, BLIND9, BLIND10, BLIND12)
REGULARIZATION = 0.3  # scikit-learn's C: smaller is smoother
NEGATIVE_WEIGHT = 3.0
LEAST_PRECISION = 0.75  # three in four words taken lie in names, on probes the model did not see
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99)
SMALLEST_WEIGHT = 1e-4  # weights below this are left out of the file


@dataclass
class Examples:
    features: list[dict[str, bool]]
    labels: list[int]
    weights: list[float]
    negative_of: list[int | None]  # the hard negative a word lies in, numbered across the probe
    negatives: int = 0


def examples_of(probe: BlindCorpus) -> Examples:
    """One example per capitalised word the rules left in the probe's texts."""
    examples = Examples([], [], [], [])
    for sample in probe.load():
        text = sample.text
        taken = [(match.entity, match.start, match.end) for match in rule_findings(text)]
        names = [
            span
            for entity, value in sample.entities
            if entity == "PERSON"
            for span in occurrences(text, value)
        ]
        negatives = [
            (examples.negatives + index, span)
            for index, value in enumerate(sample.negatives)
            for span in occurrences(text, value)
        ]
        examples.negatives += len(sample.negatives)
        counts = word_positions(text)
        for start, end in _words_kept_if_taken(text, taken):
            inside = next((number for number, (a, b) in negatives if start < b and a < end), None)
            examples.features.append(dict.fromkeys(word_features(text, start, end, counts), True))
            examples.labels.append(int(any(a <= start and end <= b for a, b in names)))
            examples.weights.append(1.0 if inside is None else NEGATIVE_WEIGHT)
            examples.negative_of.append(inside)
    return examples


def _words_kept_if_taken(text: str, taken: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """The words the model is asked about (`capitalised_words`), but those of a run that the redactor would drop
    after the model took it, as naming no one (`pii_not_people`: "the Calvin Klein boxes"): whatever the model
    says of them changes nothing, so they neither teach it nor count against its threshold."""
    kept = []
    for run, asked in asked_runs(text, taken):
        spans = [span for span, ask in zip(run, asked, strict=True) if ask]
        if not names_no_one(text, spans[0][0], spans[-1][1]):
            kept += spans
    return kept


def fit(examples: list[Examples]) -> tuple[DictVectorizer, LogisticRegression]:
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([row for part in examples for row in part.features])
    labels = np.array([label for part in examples for label in part.labels])
    weights = np.array([weight for part in examples for weight in part.weights])
    model = LogisticRegression(C=REGULARIZATION, class_weight="balanced", max_iter=5000)
    model.fit(matrix, labels, sample_weight=weights)
    return vectorizer, model


def choose_threshold(per_probe: list[Examples]) -> tuple[float, dict[float, tuple[int, int, int]]]:
    """Leave each probe out and pool, per threshold, the words taken that lie in names, all words taken, and the
    hard negatives they damage; return the lowest threshold at which enough of the words taken lie in names, and
    the counts."""
    pooled = {threshold: [0, 0, 0] for threshold in THRESHOLDS}
    for left_out in range(len(per_probe)):
        vectorizer, model = fit([part for index, part in enumerate(per_probe) if index != left_out])
        held = per_probe[left_out]
        probabilities = model.predict_proba(vectorizer.transform(held.features))[:, 1]
        labels = np.array(held.labels)
        for threshold in THRESHOLDS:
            taken = probabilities >= threshold
            pooled[threshold][0] += int((taken & (labels == 1)).sum())
            pooled[threshold][1] += int(taken.sum())
            pooled[threshold][2] += len({held.negative_of[i] for i in np.flatnonzero(taken)} - {None})
    counts = {threshold: (names, taken, damaged) for threshold, (names, taken, damaged) in pooled.items()}
    for threshold in THRESHOLDS:
        names, taken, _ = counts[threshold]
        if taken and names >= LEAST_PRECISION * taken:
            return threshold, counts
    return THRESHOLDS[-1], counts


def train() -> dict:
    per_probe = [examples_of(probe) for probe in TRAINING_PROBES]
    threshold, counts = choose_threshold(per_probe)
    vectorizer, model = fit(per_probe)
    weights = {
        name: round(float(weight), 6)
        for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0], strict=True)
        if abs(weight) >= SMALLEST_WEIGHT
    }
    return {
        "about": "Weights of evalforge_assets/capture/pii_names_learned.py; written by tools/train_person_model.py.",
        "trained_on": {probe.file_name: probe.sha256 for probe in TRAINING_PROBES},
        "examples": sum(len(part.labels) for part in per_probe),
        "names": sum(sum(part.labels) for part in per_probe),
        "regularization": REGULARIZATION,
        "negative_weight": NEGATIVE_WEIGHT,
        "least_precision": LEAST_PRECISION,
        "hard_negatives": sum(part.negatives for part in per_probe),
        "left_out": {
            str(t): {"in_names": n, "taken": k, "negatives_damaged": d} for t, (n, k, d) in counts.items()
        },
        "threshold": threshold,
        "bias": round(float(model.intercept_[0]), 6),
        "weights": dict(sorted(weights.items())),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="retrain and compare with the shipped file")
    args = parser.parse_args(argv)
    document = train()
    if args.check:
        shipped = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
        drift = max(
            (abs(shipped["weights"].get(k, 0.0) - v) for k, v in document["weights"].items()), default=0.0
        )
        same = shipped["threshold"] == document["threshold"] and math.isclose(
            shipped["bias"], document["bias"], abs_tol=1e-3
        )
        print(
            f"threshold {document['threshold']} (shipped {shipped['threshold']}), largest weight drift {drift:.2e}"
        )
        return 0 if same and drift < 1e-3 else 1
    MODEL_PATH.write_text(json.dumps(document, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(
        f"{document['examples']} words ({document['names']} in names), {len(document['weights'])} weights, "
        f"threshold {document['threshold']}; left out, per threshold: {document['left_out']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

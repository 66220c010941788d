"""The blind PII probes (tests/corpora/pii_blind.py) are frozen, and the redactor holds the level measured on them.

These are floors, not the issue's targets: on data written blind, person names and street addresses still leak
well over 5% (`docs/ingestion.md`, "Blind PII probes"). A change that lets more through fails here."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text
from tests.corpora import pii_blind, pii_foreign

# corpus -> (most PERSON leak, most STREET_ADDRESS leak, most over-redacted hard negatives), as measured when pinned.
LEVELS = {
    pii_blind.BLIND1: (0.18, 0.19, 0.011),
    pii_blind.BLIND2: (0.28, 0.23, 0.021),
    pii_blind.BLIND3: (0.24, 0.05, 0.025),
}
SIZES = {pii_blind.BLIND1: 3000, pii_blind.BLIND2: 3000, pii_blind.BLIND3: 2500}


@pytest.mark.parametrize("corpus", list(LEVELS), ids=lambda corpus: corpus.file_name)
def test_the_blind_corpus_is_frozen(corpus: pii_blind.BlindCorpus) -> None:
    assert corpus.corpus_sha256() == corpus.sha256
    assert len(corpus.load()) == SIZES[corpus]


@pytest.mark.parametrize("corpus", list(LEVELS), ids=lambda corpus: corpus.file_name)
def test_the_redactor_holds_its_measured_level_on_the_blind_corpus(corpus: pii_blind.BlindCorpus) -> None:
    result = pii_foreign.score(corpus.load(), redact_text)
    person, street, negatives = LEVELS[corpus]
    assert result.types["PERSON"].leak_rate <= person, result.types["PERSON"]
    assert result.types["STREET_ADDRESS"].leak_rate <= street, result.types["STREET_ADDRESS"]
    assert result.over_redaction <= negatives
    for entity in ("EMAIL", "IP_ADDRESS", "API_KEY", "TOKEN", "AWS_SECRET_KEY"):
        assert result.types[entity].leaked == 0, (entity, [leak for leak in result.leaks if leak[0] == entity])


def test_ibans_of_the_first_blind_corpus_all_go() -> None:
    result = pii_foreign.score(pii_blind.BLIND1.load(), redact_text)
    assert result.types["IBAN"].leaked == 0

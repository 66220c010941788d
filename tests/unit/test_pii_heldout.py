"""The held-out PII corpus (tests/corpora/pii_heldout.py) is frozen, and the structured types leak nothing on it
or on the foreign corpus; plus one unit case per shape that leaked on it before."""

from __future__ import annotations

from collections import Counter

HELDOUT_CORPUS_SHA256 = "d635a7b13d594e764a7951e7fc836c9d96a9c1525b3cf9c6a2dcc3892b8dfe50"


def test_the_heldout_pii_corpus_is_frozen() -> None:
    """Regenerating the held-out corpus is a deliberate, reviewed act that changes this pin."""
    from tests.corpora.pii_heldout import corpus_sha256, load

    assert corpus_sha256() == HELDOUT_CORPUS_SHA256
    samples = load()
    assert len(samples) == 3594
    forms = Counter(sample.form for sample in samples)
    assert {"phone_national", "phone_international", "phone_e164", "phone_rfc3966", "password_url_userinfo",
            "api_key_yaml", "token_cli", "negatives", "person"} <= set(forms)
    assert sum(len(sample.negatives) for sample in samples) > 3000

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


# One case per shape that leaked on the held-out corpus before the key-context and provider-format finders.
import pytest

from evalforge_assets.capture.pii import redact_text

HELDOUT_SHAPES = [
    ("<td>fax</td><td>20-12-34</td>", "20-12-34"),
    ("customer contact number = 670-1234; order #3509818", "670-1234"),
    ("please call me, my mobile is 600 123 456", "600 123 456"),
    ("INFO notify channel=sms Tel.=+683 7012 took 12ms", "+683 7012"),
    ("numer telefonu (2217 1234) updated by agent", "2217 1234"),
    ("POST /callback?phone=219-520-3337x17606&status=ok", "3337x17606"),
    ("GET /v1/search?q=shoes&heslo=%234o6%21t%25%29%265G39G&page=2", "%234o6%21t%25%29%265G39G"),
    ('{"smtp.password": "correct.Orange.staple42"}', "correct.Orange.staple42"),
    ("hasło: $U9a0ju5%3Qb)Qeb3)", "U9a0ju5"),
    ("INFO [worker-3] using wachtwoord horseKaffeeLunakissa58 for job 7", "horseKaffeeLunakissa58"),
    ("the password I set was ar9xa&i(+AnFFhvQZ(2^ but it doesn't work", "ar9xa&i(+AnFFhvQZ(2^"),
    ('{"pass": "z(dpRAFcKnI1MdqB)"}', "z(dpRAFcKnI1MdqB)"),
    ("conn string postgres://app:Welcome631#@db.internal:5432/orders", "Welcome631#"),
    ("export CLAVE_API=dfbbcb2f12acf06997c679e289dc81d6-us11", "dfbbcb2f12acf06997c679e289dc81d6"),
    ("leaked: sq0atp-8f8-y_2q9z0zGD1Dz2z569Bzx-VEM_JQ85e4ZMyEQXz", "sq0atp-8f8-y_2q9z0zGD1Dz2z569Bzx"),
    ("TWILIO_AUTH_TOKEN=AC40b05915778b9030813aff1a6ab29a05", "AC40b05915778b9030813aff1a6ab29a05"),
    ("bot 5607169009:AAtTjEA7IXBYT65omcStHA5Qg1tkP4AGq9k up", "AAtTjEA7IXBYT65omcStHA5Qg1tkP4AGq9k"),
    ("leaked in commit 68679de: myOwFnak_5qc_n6r6rheblmSgfFpPyk8OiZ9MQot79El", "myOwFnak_5qc_n6r6rheblmSgfFpPyk8"),
    ("key=33820c4306e566d94467d4dbff5961bb", "33820c4306e566d94467d4dbff5961bb"),
]


@pytest.mark.parametrize(("text", "secret"), HELDOUT_SHAPES)
def test_shapes_that_leaked_on_the_heldout_corpus_are_redacted(text: str, secret: str) -> None:
    redacted = redact_text(text)
    assert secret not in redacted, redacted


HELDOUT_NEGATIVES = [
    "--build-id 20221001.31 --version 04:48:51 --timeout 30s",
    "sms sent to support (phone queue) at 0.14.28",
    "Password must be at least 12 characters; your password is too short",
    "password = settings.DB_PASSWORD",
    'token = os.getenv("API_TOKEN")',
    "api_key=${OPENAI_API_KEY}",
    "bypass=true cache_key=user:42 max_tokens=4096",
    "release tag 5.12.56 commit cab659796df62977bb0d0586e23f8c61adc8e0cc at 2024-03-01",
]


@pytest.mark.parametrize("text", HELDOUT_NEGATIVES)
def test_same_shaped_operational_values_are_left_alone(text: str) -> None:
    assert redact_text(text) == text


def test_structured_types_leak_nothing_on_the_heldout_corpus_and_negatives_stay() -> None:
    from tests.corpora.pii_foreign import score
    from tests.corpora.pii_heldout import load

    result = score(load(), redact_text)
    for entity in ("PHONE", "PASSWORD", "API_KEY", "TOKEN"):
        assert result.types[entity].leaked == 0, [leak for leak in result.leaks if leak[0] == entity][:5]
    assert result.over_redaction <= 0.005

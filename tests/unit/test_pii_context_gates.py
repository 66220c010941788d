"""The gates in front of the key-context finders (`pii_context.context_candidates`) only skip finder runs that
would find nothing: on the held-out and foreign corpora, the capture benchmark's texts and one sample of every
provider format, the gated finders yield exactly what the straightforward path yields (every finder run on
every text, keys found with the flat stem alternation the finder used before)."""

from __future__ import annotations

import hashlib
import random
import re
import string
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest

from evalforge_assets.capture import pii_called, pii_context
from evalforge_assets.capture.pii_called import find_called_numbers
from evalforge_assets.capture.pii_context import (
    context_candidates,
    find_keyed_values,
    find_labelled_phones,
    find_provider_keys,
    find_url_passwords,
)
from evalforge_assets.capture.pii_password_prose import find_prose_passwords
from evalforge_assets.capture.pii_patterns import Candidate
from evalforge_assets.capture.pii_shapes import Shapes, WordFragments

# The formats the provider gate was written against. A detect-secrets release that adds or changes one changes
# this pin: then check that `_SHORT_FORMAT_LITERALS`, `_FORMAT_LEADS` and the run tests still cover every
# alternative before updating it.
DETECT_SECRETS_PATTERN_SHA256 = "959caaca3e4d8533b78cb78db5cac53b9aa587e124853688d49bfb34dce89dc1"

_ALNUM = string.ascii_letters + string.digits


def _chars(rng: random.Random, alphabet: str, count: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(count))


def _format_samples() -> list[str]:
    """One value of every alternative of the provider pattern, plus unnamed keys, short tokens and keyed and
    labelled values in ASCII and other scripts."""
    rng = random.Random(9)
    upper_digits = string.ascii_uppercase + string.digits
    b64 = _ALNUM + "+/"
    return [
        "AKIA" + _chars(rng, upper_digits, 16), "A3TX" + _chars(rng, upper_digits, 16),
        "ASIA" + _chars(rng, upper_digits, 16), "ABIA" + _chars(rng, upper_digits, 16),
        "ACCA" + _chars(rng, upper_digits, 16),
        "DefaultEndpointsProtocol=https;AccountKey=" + _chars(rng, b64, 86) + "==;EndpointSuffix=core",
        "M" + _chars(rng, _ALNUM, 23) + "." + _chars(rng, _ALNUM, 6) + "." + _chars(rng, _ALNUM + "_-", 27),
        "N" + _chars(rng, _ALNUM, 24) + "." + _chars(rng, _ALNUM, 6) + "." + _chars(rng, _ALNUM, 27),
        "ghp_" + _chars(rng, _ALNUM, 36), "gho_" + _chars(rng, _ALNUM, 36), "ghs_" + _chars(rng, _ALNUM, 36),
        "glpat-" + _chars(rng, _ALNUM, 20), "gldt-" + _chars(rng, _ALNUM, 24), "glrt-" + _chars(rng, _ALNUM, 30),
        "GR1348941" + _chars(rng, _ALNUM, 20), "glcbt-4f_" + _chars(rng, _ALNUM, 22),
        "glimt-" + _chars(rng, _ALNUM, 25), "glptt-" + _chars(rng, _ALNUM, 40),
        "glagent-" + _chars(rng, _ALNUM, 50), "gloas-" + _chars(rng, _ALNUM, 64),
        _chars(rng, string.hexdigits.lower()[:16], 32) + "-us12",
        "sk-proj-" + _chars(rng, _ALNUM, 20) + "T3BlbkFJ" + _chars(rng, _ALNUM, 20),
        "pypi-AgEIcHlwaS5vcmc" + _chars(rng, _ALNUM, 70), "pypi-AgENdGVzdC5weXBpLm9yZw" + _chars(rng, _ALNUM, 70),
        "SG." + _chars(rng, _ALNUM, 22) + "." + _chars(rng, _ALNUM, 43),
        "xoxb-1234-5678-abcdef", "slack=xoxp-123456789012-123456789012-abcdefghij0123456789",
        "https://hooks.slack.com/services/T0A1B2C3/B0D4E5F6/" + _chars(rng, _ALNUM, 24),
        "sq0csp-" + _chars(rng, _ALNUM + "-_\\", 43), "sq0atp-" + _chars(rng, _ALNUM + "-_", 22),
        "sk_live_" + _chars(rng, _ALNUM, 24), "rk_live_" + _chars(rng, _ALNUM, 24),
        "pat" + _chars(rng, _ALNUM, 14) + "." + _chars(rng, string.hexdigits.lower()[:16], 64),  # Airtable
        "5607169009:" + _chars(rng, string.ascii_lowercase + string.digits, 35), "AKC" + _chars(rng, _ALNUM, 10), "x=AKC" + _chars(rng, _ALNUM, 30),
        _chars(rng, b64, 86) + "==",
        "Zx81kQ0pLmN3vB7cYtR5wE2qA9sD4fG6hJ8kL1zX", "myOwFnak_5qc_n6r6rheblmSgfFpPyk8OiZ9MQot79El",
        # `\d` in Discord's and Telegram's formats takes other scripts' digits too.
        "N" + "\u0663" * 23 + "." + _chars(rng, _ALNUM, 6) + "." + "\u0664" * 27,
        "\u0663" * 9 + ":" + _chars(rng, _ALNUM, 35),
        "Passwort=geheim123", "hasło: tajne123x", "пароль: секрет123", "パスワード=abc12345",
        "api_key=Zx81kQ0pLmN3vB7c", "Patel 555-1234", "my number is 600 123 456", "--api-key Zx81kQ0pLmN3vB7cYtR5",
        "+47 22 12 34 56 (mobil)", "0044 20 7946 0958 [fax]", "555 123 4567\x1c(tel)", "+49 30 1234567 (Handy)",
        "postgres://app:Welcome631#@db.internal:5432/orders",
        "call (002)-2934173", "reach me on 37561327691", "text her at +44 20 7946 0958",
        "call \u0660\u0667\u0667\u0660\u0660 \u0669\u0660\u0660\u0661\u0662\u0663",
    ]


def _contexts(value: str) -> Iterator[str]:
    """A value bare, in an ASCII sentence, and in one of another script (which takes the slower paths)."""
    yield value
    yield f"upstream said: token {value} was refused (retry in 3s)"
    yield f"clé refusée « {value} » par le service"


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key)
            yield from _strings(item)
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings(item)


def _benchmark_texts(count: int) -> list[str]:
    """The strings of the spans benchmarks/ingest.py ingests (its generator, seed and start)."""
    from evalforge_assets.capture.sources.sample import generate_spans

    start = datetime(2026, 2, 1, tzinfo=UTC)
    return sorted({text for span in generate_spans(count, seed=11, start=start) for text in _strings(span)})


def _corpus_texts() -> list[str]:
    from tests.corpora import pii_foreign, pii_heldout

    return [sample.text for sample in pii_heldout.load()] + [sample.text for sample in pii_foreign.load()]


def _sample_texts() -> list[str]:
    return [text for value in _format_samples() for text in _contexts(value)]


def _gated(text: str, ascii_views: bool = True) -> list[Candidate]:
    shapes = Shapes.of(text)
    return context_candidates(text, shapes if ascii_views else replace(shapes, ascii=False))


def _reference(text: str) -> list[Candidate]:
    """Every finder on the text, none skipped (call under `_flat_stems`)."""
    return [*find_keyed_values(text), *find_labelled_phones(text), *find_called_numbers(text),
            *find_provider_keys(text), *find_url_passwords(text), *find_prose_passwords(text)]


def _assert_same(texts: list[str], monkeypatch: pytest.MonkeyPatch) -> int:
    """Asserts the gated findings (with the ASCII views, and as other scripts get them) equal the reference's;
    returns how many findings there were."""
    fast = [_gated(text) for text in texts]
    as_other_scripts = [_gated(text, ascii_views=False) for text in texts]
    with monkeypatch.context() as patch:
        patch.setattr(pii_context, "_STEM", re.compile("|".join(re.escape(stem) for stem in pii_context._STEMS)))
        reference = [_reference(text) for text in texts]
    for text, found, slow, expected in zip(texts, fast, as_other_scripts, reference, strict=True):
        assert found == expected, text
        assert slow == expected, text
    return sum(len(found) for found in reference)


def test_the_provider_formats_are_those_the_gate_was_written_for() -> None:
    pattern = pii_context._detect_secrets_patterns().pattern
    assert hashlib.sha256(pattern.encode()).hexdigest() == DETECT_SECRETS_PATTERN_SHA256, pattern


def test_gated_finders_find_exactly_what_every_finder_finds_on_every_format(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _sample_texts()
    found = _assert_same(texts, monkeypatch)
    assert found >= len(texts) * 0.8  # the samples are findings, not texts the gates may skip


def test_gated_finders_find_exactly_what_every_finder_finds_on_both_corpora(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = _corpus_texts()
    assert len(texts) > 5000
    assert _assert_same(texts, monkeypatch) > 1000


def test_gated_finders_find_exactly_what_every_finder_finds_on_the_benchmark_and_skip_most(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = _benchmark_texts(4000)
    assert len(texts) > 3000
    assert _assert_same(texts, monkeypatch) > 50
    # The point of the gates: most of these texts need no key or provider finder at all.
    shapes = [Shapes.of(text) for text in texts]
    keyed = sum(pii_context._may_hold_key(shape) for shape in shapes)
    provider = sum(pii_context._may_hold_provider_key(text, shape) for text, shape in zip(texts, shapes, strict=True))
    assert keyed < len(texts) * 0.3 and provider < len(texts) * 0.1, (keyed, provider, len(texts))


@pytest.mark.parametrize(
    ("name", "narrowed"),
    [
        ("_FORMAT_LEAD", re.compile(pii_context._alternation(tuple(
            lead for lead in pii_context._FORMAT_LEADS if lead != "AKIA")))),
        ("_SHORT_FORMAT", re.compile(pii_context._alternation(tuple(
            literal for literal in pii_context._SHORT_FORMAT_LITERALS if literal != "xox")))),
        ("_SHORT_FORMAT_FRAGMENTS", WordFragments(re.compile(rb"akc|accountkey|hooks"))),
        ("_DISCORD_RUNS", b"never"),
        ("_TELEGRAM_DIGITS", b"never"),
        ("_DISCORD", re.compile(r"(?!)")),
        ("_TELEGRAM", re.compile(r"(?!)")),
        ("_RUN_OF_32", re.compile(rb"(?!)")),
        ("_STEM_WORDS", WordFragments(re.compile(rb"(?!)"))),
        ("_NUMBER_THEN_BRACKET_SHAPE", re.compile(rb"(?!)")),
        ("pii_called._CALL_VERB_WORDS", frozenset()),
        ("pii_called._CALL_VERBS", ()),
    ],
)
def test_a_gate_narrower_than_its_finder_is_caught(name: str, narrowed: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """The samples exercise every gate: narrowing any one makes the comparison fail."""
    module, _, attribute = name.rpartition(".")
    monkeypatch.setattr(pii_called if module == "pii_called" else pii_context, attribute, narrowed)
    with pytest.raises(AssertionError):
        _assert_same(_sample_texts(), monkeypatch)


def test_word_fragments_remember_only_clean_words_and_start_over_past_their_limit() -> None:
    fragments = WordFragments(re.compile(rb"pass|key"), limit=3)
    clean, keyed = Shapes.of("the cache was cold"), Shapes.of("the passphrase was cold")
    assert not fragments.may_hold(clean)
    assert not fragments.may_hold(clean)  # now from memory: every word known clean
    assert fragments.may_hold(keyed) and fragments.may_hold(keyed)  # a word with a fragment is never remembered
    assert fragments.may_hold(Shapes.of("der Schlüssel: API-KEY"))  # other scripts are not ruled out
    assert not fragments.may_hold(Shapes.of("one two three four five"))  # past the limit: starts over, same answers
    assert not fragments.may_hold(clean)
    assert fragments.may_hold(Shapes.of("monkey business"))

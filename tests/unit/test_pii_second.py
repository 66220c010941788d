"""The post-write check's second detector: its keyword gate skips only texts the keyword detector cannot match."""

from __future__ import annotations

import re

import pytest
from detect_secrets.plugins.keyword import DENYLIST, KeywordDetector

from evalforge_assets.capture.pii_second import KEYWORD_PARTS, second_opinion
from tests.corpora import pii_foreign, pii_heldout

# Secrets the keyword detector finds (quotes are what it requires), in the cases its IGNORECASE match takes.
KEYWORDED = [
    'password = "hunter2hunter2"',
    'DB_PASS: "s3cr3t-value"',
    'api_key="AbCdEf123456"',
    "client_secret = 'zZyYxX987654'",
    'contraseña = "clave-larga-1"',
    'CONTRASENA="clave-larga-2"',
    'private_key = "abcdefgh1234"',
    'my_pwd = "letmein99"',
    'api_\u212aey = "kelvin-sign-12"',  # KELVIN SIGN: re's IGNORECASE reads it as k
    'pa\u017f\u017fword = "long-s-1234"',  # LATIN SMALL LETTER LONG S: read as s
]


def keyword_findings(text: str) -> list[str]:
    return [value for value in KeywordDetector().analyze_string(text) if value and len(value) >= 4]


def test_every_denylisted_keyword_holds_one_of_the_gate_parts() -> None:
    for keyword in DENYLIST:
        for spelling in {keyword.replace("_?", ""), keyword.replace("_?", "_")}:
            assert re.fullmatch(keyword, spelling)
            assert any(part in spelling.casefold() for part in KEYWORD_PARTS), keyword


@pytest.mark.parametrize("text", KEYWORDED)
def test_keyworded_secrets_are_still_found(text: str) -> None:
    expected = keyword_findings(text)
    assert expected, "the keyword detector itself finds this one"
    found = [value for entity, value in second_opinion(text) if entity == "SECRET"]
    assert set(expected) <= set(found)


def test_the_gate_changes_no_finding_on_either_frozen_corpus() -> None:
    texts = [sample.text for sample in pii_foreign.load()] + [sample.text for sample in pii_heldout.load()]
    checked = 0
    for text in texts:
        found = {value for entity, value in second_opinion(text) if entity == "SECRET"}
        assert set(keyword_findings(text)) <= found, text
        checked += 1
    assert checked > 7000

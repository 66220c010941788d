"""Names beside the honorifics and case markers of romanised chat (`capture/pii_names_honorifics.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("ok so I told mehmet abi that we're coming", "mehmet"),
        ("sharma ji will send the file tomorrow", "sharma"),
        ("ravi ko bol do ki meeting cancel hai", "ravi"),
        ("sabi ni jose na late daw siya", "jose"),
        ("tolong tanya Pak Budi soal invoice", "Budi"),
        ("yuki chan said the build is green", "yuki"),
    ],
)
def test_a_name_beside_an_honorific_or_a_marker_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted.split() and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("FROM: Quarrendon San.\nWEIGHT 12.5 KG", "Quarrendon San."),  # a Turkish firm's `Sanayi`
        ("the cache ko gaya, retry karo", "cache ko"),
        ("si tu veux, on peut décaler", "si tu veux"),
        ("deploy se pehle tests chala do", "deploy se"),
    ],
)
def test_words_beside_the_markers_that_name_no_one_are_kept(text: str, kept: str) -> None:
    assert kept in redact_text(text, {})

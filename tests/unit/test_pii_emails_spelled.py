"""E-mail addresses in the forms the finders missed: a domain a generator or a typo left malformed
(`capture/pii_patterns.py`), digits read out after the name, an "AT" in capitals, a domain spelled with two dots, and
an address inside a longer "… at …" that is none (`capture/pii_spoken_emails.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ('{"email": "n.wen@-consulting.cn", "name": "Wen"}', "n.wen@-consulting.cn"),
        ("smtp_user = zhuchao@.cn", "zhuchao@.cn"),
        ("Out of office; write to e.johansen@kasparova-jezkova-s-r-.dk.", "e.johansen@kasparova-jezkova-s-r-.dk"),
        ("my email is sabinakonecna six three at centrum dot cz", "sabinakonecna six three at centrum dot cz"),
        ("it's vansha one nine nine two at proton dot me, ok?", "vansha one nine nine two at proton dot me"),
        ("mail me: mariabalogh AT sanchez-consulting.com thanks", "mariabalogh AT sanchez-consulting.com"),
        ("hey assistant, send it to clee at hotmail dot co dot uk", "clee at hotmail dot co dot uk"),
        ("You can reach me by email at nam.hoang [at] yahoo [dot] com. Nam", "nam.hoang [at] yahoo [dot] com"),
        ("or by email at guido.stey at outlook dot com.", "guido.stey at outlook dot com"),
    ],
)
def test_an_address_in_these_forms_is_redacted(text: str, address: str) -> None:
    redacted = redact_text(text, {})
    assert address not in redacted and "<EMAIL>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "we met at one at noon dot com",
        "I arrive at heathrow dot com tomorrow",
        "git@github.com:org/repo.git",
        "version 1.2@3.4",
        "meet me AT noon.com",
    ],
)
def test_text_that_only_looks_so_is_kept(text: str) -> None:
    assert redact_text(text, {}) == text

"""A name in an XML element under a person's tag (`capture/pii_names_keys.py`), and the writer's name in lower case
leading a message of one turn (`capture/pii_names_speakers.py`)."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("<UpdateCustomer><GivenName>Germaine</GivenName><FamilyName>Romanens</FamilyName></UpdateCustomer>",
         "Romanens"),
        ("<Customer><GivenName>প্রিয়ম</GivenName><FamilyName>যাদব</FamilyName></Customer>", "যাদব"),
        ('<Ticket><Assignee id="7">Malwina Rzeźniczak</Assignee></Ticket>', "Malwina Rzeźniczak"),
        ("ana: pueden cargarlo a mi tarjeta 4450950739559923, caduca 07/31.", "ana"),
        ("alex: can you check the logs please", "alex"),
    ],
)
def test_the_name_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted and "<PERSON>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "<Channel>Northwind Traders</Channel><Status>Open</Status>",
        "mark: the deploy went fine today",
        "fix: handle empty payloads in the parser",
        "Status: the deploy went fine today",
        "alex: ok",
    ],
)
def test_no_name_is_read(text: str) -> None:
    assert "<PERSON>" not in redact_text(text, {})

"""Names the value beside them gives away (`capture/pii_names_beside.py`): the addressee line above a street
that starts an address block, and the holder written before an IBAN."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("DELIVERY NOTE DN-2025-321596\nShip to:\nВікторія Бевз\nпровулок Сергія Ядова, буд. 7, Сіверськ, 99997",
         "Вікторія Бевз"),
        ("Christine Vandevelde\n1200 Main Street\nSpringfield, IL 62704", "Christine Vandevelde"),
        ("Deliver to:\n\nkarolina wiśniewska\n1200 Main Street\nSpringfield, IL 62704", "karolina wiśniewska"),
        ("Please wire €105.00 to Abby Dobbin, IBAN IE55 VCNM 4735 1684 8505 36, reference INV-2026-2685.",
         "Abby Dobbin"),
        ("KYC ok: Caleb Wali (IBAN GB42REFN7527996179959), documents verified 2024-01-15.", "Caleb Wali"),
    ],
)
def test_a_name_beside_a_street_or_an_iban_is_redacted(text: str, name: str) -> None:
    redacted = redact_text(text, {})
    assert name not in redacted, redacted
    assert "<PERSON>" in redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        # An organisation, a single ASCII word, a label, a line in the middle of other lines.
        ("Bill to:\nContoso Ltd\n1200 Main Street\nSpringfield, IL 62704", "Contoso Ltd"),
        ("Bill to:\nGlobex\n1200 Main Street\nSpringfield, IL 62704", "Globex"),
        ("Shipping address\n1200 Main Street\nSpringfield, IL 62704", "Shipping address"),
        ("Order shipped today.\nGlobex Zentrale\n1200 Main Street\nSpringfield, IL 62704", "Globex Zentrale"),
        ("Pay Deutsche Bank, IBAN DE89370400440532013000 by Friday.", "Deutsche Bank"),
        # A firm named after its owners, with its legal form: the addressee is no person (`pii_not_people`).
        ("Virtanen Nieminen Tmi\nRantatie 4\n33100 Tampere\n\n12.03.2025", "Virtanen Nieminen Tmi"),
        ("Invoice from\nHoogland Bakker BV\nKerkstraat 12\n1017 GB Amsterdam", "Hoogland Bakker BV"),
    ],
)
def test_what_is_no_name_stays(text: str, kept: str) -> None:
    redacted = redact_text(text, {})
    assert kept in redacted, redacted
    assert "<PERSON>" not in redacted

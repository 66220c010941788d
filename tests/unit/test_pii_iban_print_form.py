"""An IBAN of a country outside the registry with letters in its account (`capture/pii_ibans.py`): printed in groups
of four, its check decides."""

from __future__ import annotations

import pytest

from evalforge_assets.capture.pii import redact_text


@pytest.mark.parametrize("iban", ["BD80 KQRM 4021 7735 8", "CO58 XHPL 5520 9187 3306 4"])
def test_a_printed_iban_outside_the_registry_with_its_check_is_redacted(iban: str) -> None:
    redacted = redact_text(f"Refunds for #5512 will go to {iban} within 3 days.", {})
    assert iban not in redacted and "<IBAN>" in redacted, redacted


@pytest.mark.parametrize(
    "text",
    [
        "Refunds will go to BD81 KQRM 4021 7735 8 within 3 days.",  # its check fails
        "batch BD80KQRM40217735 8 was re-queued",  # not printed in fours
    ],
)
def test_one_that_fails_its_check_or_is_not_printed_in_fours_is_kept(text: str) -> None:
    assert "<IBAN>" not in redact_text(text, {})

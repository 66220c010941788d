"""Queue rows validated straight from stored signature documents (evalforge_api.signature_rows) must be exactly
the rows `SignatureRow.of` makes of the validated `FailureSignature`: same fields, same defaults; the hourly map a
windowed page reads to count its window is never part of the answer."""

from __future__ import annotations

from typing import Any

import pytest

from evalforge_api.schemas import SignatureRow
from evalforge_api.signature_rows import StoredSignatureRow
from evalforge_assets.models import FailureSignature
from tests.fixtures.factories import make_signature

HOURS = {"2026-01-15-09:00": 2, "2026-01-15-10:00": 3}


def _full() -> dict[str, Any]:
    """Every optional field set."""
    return make_signature(
        count=5, counts_by_hour=HOURS, own_counts_by_hour=HOURS, status="triaged", assignee="ana",
        sample_capture_ids=["cap-1", "cap-2"], merged_children=["sig-child"], review_version=3,
        reviewed_by="lead@example.com", reviewed_at="2026-01-15T11:00:00.000000Z", fingerprint_version=2,
    ).model_dump(mode="json")


def _minimal() -> dict[str, Any]:
    """Only what FailureSignature requires: every row default comes from the model's defaults."""
    document = make_signature().model_dump(mode="json", exclude_defaults=True)
    for optional in ("agent", "error_type", "count", "fingerprint_version"):
        document.pop(optional, None)
    return document


@pytest.mark.parametrize("document", [_full(), _minimal()], ids=["full", "minimal"])
def test_a_row_from_the_document_is_the_row_of_the_signature(document: dict[str, Any]) -> None:
    expected = SignatureRow.of(FailureSignature.model_validate(document), [])
    row = StoredSignatureRow.model_validate(document)
    assert row.model_dump(mode="json") == expected.model_dump(mode="json")
    # Serialized where a SignatureRow is declared (a page's items) it adds nothing, the hourly map included.
    assert SignatureRow.model_validate(row).model_dump_json() == expected.model_dump_json()
    assert "counts_by_hour" not in row.model_dump()


def test_a_windowed_page_reads_the_hours_it_counts() -> None:
    assert StoredSignatureRow.model_validate(_full()).counts_by_hour == HOURS


def test_a_document_missing_a_required_field_is_refused_like_a_signature() -> None:
    document = _full()
    del document["severity"]
    with pytest.raises(ValueError, match="severity"):
        StoredSignatureRow.model_validate(document)

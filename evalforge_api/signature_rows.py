"""Signature queue rows validated straight from stored signature documents.

A queue page validated each stored signature as a `FailureSignature` and then built its `SignatureRow` from it,
validating every field twice. A `StoredSignatureRow` is the row validated once from the document; the page
builder then fills in the samples and the count in the window. It serializes as a `SignatureRow` (what the
route declares), and its defaults are `FailureSignature`'s, so it equals `SignatureRow.of` of the validated
signature field for field (tests/api/test_signature_rows.py).
"""

from __future__ import annotations

from pydantic import Field, SkipValidation

from evalforge_api.schemas import CaptureSummary, SignatureRow
from evalforge_assets.models import SignatureStatus


class StoredSignatureRow(SignatureRow):
    """A `SignatureRow` from a stored signature document, before its samples are read."""

    # Fields a stored signature may lack, with FailureSignature's defaults for them.
    fingerprint_version: int = 1
    agent: str | None = None
    error_type: str | None = None
    status: SignatureStatus = SignatureStatus.new
    count: int = 0
    sample_capture_ids: list[str] = Field(default_factory=list)
    merged_into: str | None = None
    merged_children: list[str] = Field(default_factory=list)
    # Filled in by the page builder: not in the stored document.
    count_in_window: int | None = None
    samples: list[CaptureSummary] = Field(default_factory=list)
    # Read only by a windowed page (which does not omit it) to count the window; never serialized. Taken as
    # stored: the store wrote it from a validated FailureSignature, and checking a week of hours again cost
    # more than the rest of the row.
    counts_by_hour: SkipValidation[dict[str, int]] = Field(default_factory=dict, exclude=True)

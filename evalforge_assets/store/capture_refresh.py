"""Re-ingesting a capture without touching what reviewers and later assets own on it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from evalforge_assets.models import FailureCapture

__all__ = ["CAPTURE_REVIEW_FIELDS", "CaptureRefresh", "versioned_writes", "with_review_fields"]

# Fields a reviewer or a later asset owns: re-ingesting a span must never reset them.
CAPTURE_REVIEW_FIELDS = ("detected_at", "lineage", "signature_id", "status", "assignee", "notes", "export_ids")


def with_review_fields(document: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    """`document` (a capture's fresh content) carrying the review fields of the `stored` capture."""
    return {**document, **{name: stored[name] for name in CAPTURE_REVIEW_FIELDS if name in stored}}


class CaptureRefresh:
    """The `Store.update` change that re-ingests one capture over whatever is stored when the write happens:
    its content from ingestion, its review fields from the store (read again on every attempt, so a review
    that landed meanwhile is kept). `wrote` says whether the last attempt had anything to write."""

    def __init__(self, capture: FailureCapture) -> None:
        self.document = capture.model_dump(mode="json")
        self.wrote = False

    def __call__(self, current: FailureCapture | None) -> FailureCapture | None:
        if current is None:  # deleted since the batch read: ingesting it again stores it as new
            self.wrote = True
            return FailureCapture.model_validate(self.document)
        stored = current.model_dump(mode="json")
        merged = with_review_fields(self.document, stored)
        self.wrote = merged != stored
        return FailureCapture.model_validate(merged) if self.wrote else None


def versioned_writes(changed: Sequence[FailureCapture], current: Mapping[str, tuple[dict[str, Any], int]]
                     ) -> tuple[list[tuple[dict[str, Any], int]], list[str], list[FailureCapture]]:
    """For captures whose content changed, given what is stored now (document, version): the compare-and-set
    writes to make (fresh content with the stored review fields, at the stored version), the ids that turn out
    unchanged, and the captures gone since they were read (to go through `Store.update`)."""
    writes: list[tuple[dict[str, Any], int]] = []
    unchanged: list[str] = []
    gone: list[FailureCapture] = []
    for capture in changed:
        if capture.capture_id not in current:
            gone.append(capture)
            continue
        stored, version = current[capture.capture_id]
        document = with_review_fields(capture.model_dump(mode="json"), stored)
        if document == stored:
            unchanged.append(capture.capture_id)
        else:
            writes.append((document, version))
    return writes, unchanged, gone

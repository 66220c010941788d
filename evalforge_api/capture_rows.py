"""Capture queue rows built straight from stored capture documents.

A list page or a signature's samples show eighteen fields of each capture. Validating the whole document as a
`FailureCapture` first (messages, evaluations, metadata, lineage) and then copying those fields cost about
0.55 ms per 50 rows, most of a captures page's validation; validating only the summary from the document costs
about 0.2 ms (docs/operations.md, "Load test"). The answer is the same `CaptureSummary`, field for field, as
`CaptureSummary.of` gives for the validated capture: defaults are `FailureCapture`'s.
"""

from __future__ import annotations

from typing import Any

from pydantic import model_validator

from evalforge_api.schemas import PREVIEW_CHARS, CaptureSummary
from evalforge_assets.models import CaptureStatus

# Summary fields a stored capture may lack, with FailureCapture's defaults for them.
_OPTIONAL = ("agent", "assignee", "signature_id", "error_type", "error_message")


class StoredCaptureSummary(CaptureSummary):
    """A `CaptureSummary` validated from a stored capture document (`store.queue_pages.capture_queue_page` and
    `capture_queue_rows`). It serializes as a `CaptureSummary`: it adds no field."""

    @model_validator(mode="before")
    @classmethod
    def _from_document(cls, document: Any) -> Any:
        if not isinstance(document, dict) or "source" not in document:
            return document  # already summary-shaped (or invalid, which the field validation reports)
        source = document["source"] if isinstance(document["source"], dict) else {}
        text = document.get("input_text", "")
        summary = {name: document.get(name) for name in _OPTIONAL}
        summary.update(
            capture_id=document.get("capture_id"), occurred_at=document.get("occurred_at"),
            detected_at=document.get("detected_at"), ml_app=document.get("ml_app"),
            failure_kind=document.get("failure_kind"), severity=document.get("severity"),
            status=document.get("status", CaptureStatus.new), reasons=document.get("reasons"),
            span_name=source.get("span_name"), trace_id=source.get("trace_id"), span_id=source.get("span_id"),
            datadog_url=source.get("url"), input_preview=text[:PREVIEW_CHARS] if isinstance(text, str) else text,
        )
        return summary

"""Capture queue rows built straight from stored capture documents.

A list page or a signature's samples show eighteen fields of each capture. Validating the whole document as a
`FailureCapture` first (messages, evaluations, metadata, lineage) and then copying those fields cost about
0.55 ms per 50 rows, most of a captures page's validation; validating only the summary from the document costs
less. The fields are picked out of the document by pydantic-core itself (`AliasPath`: `source.span_name` is the
row's `span_name`): a Python step per row that built the summary's dict first cost about as much as the
validation (docs/operations.md, "Load test"). The answer is the same `CaptureSummary`, field for field, as
`CaptureSummary.of` gives for the validated capture: defaults are `FailureCapture`'s.
"""

from __future__ import annotations

from pydantic import AliasChoices, AliasPath, Field, field_validator

from evalforge_api.schemas import PREVIEW_CHARS, CaptureSummary
from evalforge_assets.models import CaptureStatus


def _from_source(name: str, field: str) -> AliasChoices:
    """`source.<field>` of a stored capture, or `name` of an already summary-shaped row."""
    return AliasChoices(AliasPath("source", field), name)


class StoredCaptureSummary(CaptureSummary):
    """A `CaptureSummary` validated from a stored capture document (`store.queue_pages.capture_queue_page` and
    `capture_queue_rows`), or from a row already shaped like one. It serializes as a `CaptureSummary`: it adds
    no field, and its aliases are for reading only."""

    # Summary fields a stored capture may lack, with FailureCapture's defaults for them.
    agent: str | None = None
    assignee: str | None = None
    signature_id: str | None = None
    error_type: str | None = None
    error_message: str | None = None
    status: CaptureStatus = CaptureStatus.new
    # Fields of the capture's source, and the preview of its input.
    span_name: str = Field(validation_alias=_from_source("span_name", "span_name"))
    trace_id: str = Field(validation_alias=_from_source("trace_id", "trace_id"))
    span_id: str = Field(validation_alias=_from_source("span_id", "span_id"))
    datadog_url: str | None = Field(None, validation_alias=_from_source("datadog_url", "url"))
    input_preview: str = Field("", validation_alias=AliasChoices("input_text", "input_preview"))

    @field_validator("input_preview")
    @classmethod
    def _preview(cls, text: str) -> str:
        return text[:PREVIEW_CHARS]

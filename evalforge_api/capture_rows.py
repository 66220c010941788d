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

import threading
from collections import OrderedDict

from pydantic import AliasChoices, AliasPath, Field, field_validator

from evalforge_api.schemas import PREVIEW_CHARS, CaptureSummary
from evalforge_assets.models import CaptureStatus


def _from_source(name: str, field: str) -> AliasChoices:
    """`source.<field>` of a stored capture, or `name` of an already summary-shaped row."""
    return AliasChoices(AliasPath("source", field), name)


class StoredCaptureSummary(CaptureSummary):
    """A `CaptureSummary` validated from a stored capture document (its stored text, `CaptureRowMemo`), or from a
    row already shaped like one. It serializes as a `CaptureSummary`: it adds
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


# ---- rows remembered by stored text ------------------------------------------------------------------------------
# How many rows a process remembers: the pages reviewers open again (the newest captures, each filter's first
# pages, the samples of the top signatures) fit many times over. An entry is about 4 KB (the stored text it is
# keyed by, the row and its JSON), so this bounds the memo at about 16 MB per API process.
ROWS_REMEMBERED = 4096


class CaptureRowMemo:
    """The queue row made of each stored capture text, with its JSON, remembered (least recently used out first).

    A row is a pure function of the stored capture, and an edited capture is stored as a different text, so a
    remembered row is never stale. A row shown before costs a dictionary lookup instead of parsing the capture,
    validating its summary and serializing it (about 10 us a row; docs/operations.md, "Load test")."""

    def __init__(self, size: int = ROWS_REMEMBERED) -> None:
        self.size = size
        self._rows: OrderedDict[str, tuple[StoredCaptureSummary, bytes]] = OrderedDict()
        self._lock = threading.Lock()  # the event loop and threadpool threads (a Firestore store) share it

    def _entry(self, text: str) -> tuple[StoredCaptureSummary, bytes]:
        with self._lock:
            entry = self._rows.get(text)
            if entry is not None:
                self._rows.move_to_end(text)
                return entry
        row = StoredCaptureSummary.model_validate_json(text)
        entry = (row, _SUMMARY_SERIALIZER.to_json(row, by_alias=True))
        with self._lock:
            self._rows[text] = entry
            if len(self._rows) > self.size:
                self._rows.popitem(last=False)
        return entry

    def rows(self, texts: list[str]) -> list[StoredCaptureSummary]:
        """The rows of these stored captures, in order. For display only: never write one back."""
        return [self._entry(text)[0] for text in texts]

    def by_id(self, texts: list[str]) -> dict[str, StoredCaptureSummary]:
        """The rows of these stored captures by capture id."""
        return {row.capture_id: row for row in self.rows(texts)}

    def json_by_id(self, texts: list[str]) -> dict[str, bytes]:
        """Each row's JSON (see `rows_json`) by capture id."""
        return {row.capture_id: row_json for row, row_json in map(self._entry, texts)}

    def rows_json(self, texts: list[str]) -> list[bytes]:
        """Each row serialized as the `CaptureSummary` a page declares, in order."""
        return [self._entry(text)[1] for text in texts]


_SUMMARY_SERIALIZER = CaptureSummary.__pydantic_serializer__
CAPTURE_ROWS = CaptureRowMemo()  # one per process: rows depend only on the stored text and this code

"""Signature queue rows validated straight from stored signature documents.

A queue page validated each stored signature as a `FailureSignature` and then built its `SignatureRow` from it,
validating every field twice. A `StoredSignatureRow` is the row validated once from the document; the page
builder then fills in the samples and the count in the window. It serializes as a `SignatureRow` (what the
route declares), and its defaults are `FailureSignature`'s, so it equals `SignatureRow.of` of the validated
signature field for field (tests/api/test_signature_rows.py).

The queue's pages change only when signatures are written (grouping's hourly run, a reviewer's triage or
merge), while reviewers list them all day: `SignaturePageMemo` remembers each page's rows until the store's
count of signature writes moves.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar
from weakref import WeakKeyDictionary

from pydantic import Field, SkipValidation

from evalforge_api.schemas import CaptureSummary, SignatureRow
from evalforge_assets.models import SignatureStatus
from evalforge_assets.store import Store

# Pages remembered per store: every sort, filter and window a console or client asks for, and its first pages.
# A page of 50 rows is about 150 KB of objects, so this bounds the memo at about 20 MB per API process.
PAGES_REMEMBERED = 128


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


_ROW_SERIALIZER = SignatureRow.__pydantic_serializer__
_NO_SAMPLES = b'"samples":[]'


@dataclass(frozen=True)
class QueuePage:
    """One queue page: its rows before their samples, the store's cursor after them, and each row's JSON cut
    where its samples go. Remembered pages are shared by every request they serve, so nothing here is ever
    changed: a page's samples (read from captures on every request) go into copies or into the JSON."""

    rows: list[StoredSignatureRow]
    next_cursor: str | None
    row_json: list[tuple[bytes, bytes]]

    @classmethod
    def of(cls, rows: list[StoredSignatureRow], next_cursor: str | None) -> QueuePage:
        return cls(rows, next_cursor, [_cut_at_samples(row) for row in rows])

    def sample_ids(self, per_row: int) -> list[str]:
        """The captures shown as samples: each row's first `per_row`."""
        return [capture_id for row in self.rows for capture_id in row.sample_capture_ids[:per_row]]

    def rows_with_samples(self, samples: Mapping[str, CaptureSummary], per_row: int) -> list[StoredSignatureRow]:
        """Copies of the rows with their samples, for a caller that wants models (the console)."""
        return [row.model_copy(update={"samples": shown_samples(row, samples, per_row)}) for row in self.rows]

    def rows_json(self, samples: Mapping[str, bytes], per_row: int) -> list[bytes]:
        """Each row's JSON with its samples' JSON put in: the bytes `rows_with_samples`' rows serialize to as the
        `SignatureRow` a page declares (tests/api/test_signature_page_memo.py)."""
        return [before + b",".join(shown_samples(row, samples, per_row)) + after
                for row, (before, after) in zip(self.rows, self.row_json, strict=True)]


V = TypeVar("V")


def shown_samples(row: SignatureRow, samples: Mapping[str, V], per_row: int) -> list[V]:
    """What `row` shows of `samples` (by capture id): its first `per_row` sample captures that were found."""
    return [samples[capture_id] for capture_id in row.sample_capture_ids[:per_row] if capture_id in samples]


def _cut_at_samples(row: StoredSignatureRow) -> tuple[bytes, bytes]:
    """The row's JSON (as a `SignatureRow`) up to the inside of its samples list, and from the list's end on.
    The cut is unambiguous: inside a JSON string the quotes of `"samples":[]` would be escaped."""
    if row.samples:
        raise ValueError(f"Row {row.signature_id} already has samples; cut a row before they are put in.")
    before, found, after = _ROW_SERIALIZER.to_json(row, by_alias=True).partition(_NO_SAMPLES)
    if not found:
        raise ValueError(f"The JSON of row {row.signature_id} has no empty samples list to cut at.")
    return before + b'"samples":[', b"]" + after


class SignaturePageMemo:
    """Queue pages remembered per store while its signatures are unchanged (least recently used out first).

    A page is remembered under the store's count of signature writes (`SqliteStore.change_count`, kept by
    triggers, so a write by grouping in a Dagster process counts too) read before it was built, and only if the
    count was still the same after: a remembered page is what building it again would give. A store that cannot
    count its writes (Firestore) builds every page."""

    def __init__(self, size: int = PAGES_REMEMBERED) -> None:
        self.size = size
        self._pages: WeakKeyDictionary[Store, OrderedDict[Hashable, tuple[int, QueuePage]]] = WeakKeyDictionary()
        self._lock = threading.Lock()  # the event loop and threadpool threads (a Firestore store) share it

    def page(self, store: Store, key: Hashable, build: Callable[[], QueuePage]) -> QueuePage:
        """The page `key` names: remembered if the store's signatures are unchanged since, else `build()`."""
        change_count: Callable[[str], int] | None = getattr(store, "change_count", None)
        if change_count is None:
            return build()
        before = change_count("signatures")
        with self._lock:
            pages = self._pages.setdefault(store, OrderedDict())
            remembered = pages.get(key)
            if remembered is not None and remembered[0] == before:
                pages.move_to_end(key)
                return remembered[1]
        built = build()
        if change_count("signatures") == before:
            with self._lock:
                pages[key] = (before, built)
                pages.move_to_end(key)
                if len(pages) > self.size:
                    pages.popitem(last=False)
        return built


SIGNATURE_PAGES = SignaturePageMemo()  # one per process

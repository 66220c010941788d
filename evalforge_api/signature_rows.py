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
from collections.abc import Callable, Hashable
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


RowsPage = tuple[list[StoredSignatureRow], str | None]  # a page's rows (before samples) and the store cursor after


class SignaturePageMemo:
    """Queue pages remembered per store while its signatures are unchanged (least recently used out first).

    A page is remembered under the store's count of signature writes (`SqliteStore.change_count`, kept by
    triggers, so a write by grouping in a Dagster process counts too) read before it was built, and only if the
    count was still the same after: a remembered page is what building it again would give. A store that cannot
    count its writes (Firestore) builds every page. The rows handed out are copies, so filling in their samples
    never touches a remembered page."""

    def __init__(self, size: int = PAGES_REMEMBERED) -> None:
        self.size = size
        self._pages: WeakKeyDictionary[Store, OrderedDict[Hashable, tuple[int, RowsPage]]] = WeakKeyDictionary()
        self._lock = threading.Lock()  # the event loop and threadpool threads (a Firestore store) share it

    def page(self, store: Store, key: Hashable, build: Callable[[], RowsPage]) -> RowsPage:
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
        if remembered is not None and remembered[0] == before:
            return _copied(remembered[1])
        built = build()
        if change_count("signatures") == before:
            with self._lock:
                pages[key] = (before, _copied(built))
                pages.move_to_end(key)
                if len(pages) > self.size:
                    pages.popitem(last=False)
        return built


def _copied(page: RowsPage) -> RowsPage:
    rows, cursor = page
    return [row.model_copy() for row in rows], cursor


SIGNATURE_PAGES = SignaturePageMemo()  # one per process

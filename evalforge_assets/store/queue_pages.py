"""Pages of the signature and capture queues that leave out what a queue row does not show.

Kept beside the Store rather than on it (store/base.py is at its size limit); it uses the Store's own paging,
as any Store method would.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from evalforge_assets import fastjson
from evalforge_assets.models import FailureSignature
from evalforge_assets.store.base import CaptureFilter, M, Page, Store, _position_of
from evalforge_assets.store.query import COLLECTIONS, Filter, Query, encode_cursor, start_position

CAPTURE_ORDER = (("occurred_at", True),)  # Store.list_captures's order: newest first


def signature_queue_page(store: Store, filters: tuple[Filter, ...], order_by: tuple[tuple[str, bool], ...],
                         limit: int, cursor: str | None, omit: tuple[str, ...],
                         row: type[M] = FailureSignature) -> Page[M]:  # type: ignore[assignment]
    """`Store.list_signatures`, with the top-level fields in `omit` left at their model defaults (see
    `Query.omit`), each stored document validated as `row` (a display model of the caller's choosing, or the
    signature). For display only: a signature read this way must never be written back."""
    return store._page("signatures", row, filters, order_by, limit, cursor, omit)


# ---- the captures queue as stored texts --------------------------------------------------------------------------
# The captures queue shows eighteen fields of each capture, not a whole validated FailureCapture (messages,
# evaluations, metadata, lineage). A queue row is a pure function of the stored capture, and the same captures
# are listed again and again (the newest page, a signature's samples), so the API remembers the row it made of
# each stored text (evalforge_api.capture_rows) and skips parsing, validating and serializing a capture it has
# shown before. An edited capture is stored as a different text, so a remembered row is never stale.
@dataclass(frozen=True)
class TextPage:
    """A page of stored JSON texts, and the cursor after it (as `Page`)."""

    items: list[str]
    next_cursor: str | None


def capture_queue_texts(store: Store, where: CaptureFilter, limit: int, cursor: str | None) -> TextPage:
    """`Store.list_captures`'s captures (same order, filters and cursors) as stored JSON texts, unparsed. A store
    that keeps the text (SQLite) returns it as stored; any other serializes its documents. For display only."""
    spec = COLLECTIONS["captures"]
    query = Query("captures", where.filters(), CAPTURE_ORDER, limit + 1, start_position(cursor, CAPTURE_ORDER))
    query_texts = getattr(store, "query_texts", None)
    rows: list[tuple[str, tuple[Any, ...]]] = query_texts(spec, query) if query_texts is not None else [
        (fastjson.dumps(document).decode(), _position_of(document, spec, CAPTURE_ORDER))
        for document in store._query(spec, query)]
    next_cursor = encode_cursor(rows[limit - 1][1]) if len(rows) > limit else None
    return TextPage([text for text, _ in rows[:limit]], next_cursor)


def capture_queue_row_texts(store: Store, capture_ids: Sequence[str]) -> list[str]:
    """`Store.get_captures`'s captures (found ones, in the order asked) as stored JSON texts, unparsed."""
    spec = COLLECTIONS["captures"]
    get_many_texts = getattr(store, "get_many_texts", None)
    found: dict[str, str] = get_many_texts(spec, list(capture_ids)) if get_many_texts is not None else {
        capture_id: fastjson.dumps(document).decode()
        for capture_id, document in store._get_many(spec, list(capture_ids)).items()}
    return [found[capture_id] for capture_id in capture_ids if capture_id in found]

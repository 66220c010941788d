"""Pages of the signature and capture queues that leave out what a queue row does not show.

Kept beside the Store rather than on it (store/base.py is at its size limit); it uses the Store's own paging,
as any Store method would.
"""

from __future__ import annotations

from collections.abc import Sequence

from evalforge_assets.models import FailureSignature
from evalforge_assets.store.base import CaptureFilter, M, Page, Store
from evalforge_assets.store.query import COLLECTIONS, Filter

CAPTURE_ORDER = (("occurred_at", True),)  # Store.list_captures's order: newest first


def signature_queue_page(store: Store, filters: tuple[Filter, ...], order_by: tuple[tuple[str, bool], ...],
                         limit: int, cursor: str | None, omit: tuple[str, ...],
                         row: type[M] = FailureSignature) -> Page[M]:  # type: ignore[assignment]
    """`Store.list_signatures`, with the top-level fields in `omit` left at their model defaults (see
    `Query.omit`), each stored document validated as `row` (a display model of the caller's choosing, or the
    signature). For display only: a signature read this way must never be written back."""
    return store._page("signatures", row, filters, order_by, limit, cursor, omit)


# The captures queue: rows read as a display model of the caller's choosing, not as FailureCapture. Validating a
# whole capture (messages, evaluations, metadata, lineage) to show eighteen of its fields was most of the
# validation cost of a 50-row page (docs/operations.md, "Load test").
def capture_queue_page(store: Store, where: CaptureFilter, limit: int, cursor: str | None,
                       row: type[M]) -> Page[M]:
    """`Store.list_captures` (same order, filters and cursors), each stored document validated as `row`. For
    display only: a capture read this way must never be written back."""
    return store._page("captures", row, where.filters(), CAPTURE_ORDER, limit, cursor)


def capture_queue_rows(store: Store, capture_ids: Sequence[str], row: type[M]) -> list[M]:
    """`Store.get_captures` (found ones, in the order asked), each stored document validated as `row`."""
    found = store._get_many(COLLECTIONS["captures"], list(capture_ids))
    return [row.model_validate(found[capture_id]) for capture_id in capture_ids if capture_id in found]

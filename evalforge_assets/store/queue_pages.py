"""Pages of the signature queue that leave out what a queue row does not show.

Kept beside the Store rather than on it (store/base.py is at its size limit); it uses the Store's own paging,
as any Store method would.
"""

from __future__ import annotations

from evalforge_assets.models import FailureSignature
from evalforge_assets.store.base import Page, Store
from evalforge_assets.store.query import Filter


def signature_queue_page(store: Store, filters: tuple[Filter, ...], order_by: tuple[tuple[str, bool], ...],
                         limit: int, cursor: str | None, omit: tuple[str, ...]) -> Page[FailureSignature]:
    """`Store.list_signatures`, with the top-level fields in `omit` left at their model defaults (see
    `Query.omit`). For display only: a signature read this way must never be written back."""
    return store._page("signatures", FailureSignature, filters, order_by, limit, cursor, omit)

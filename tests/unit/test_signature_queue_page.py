"""A signature queue page may leave out the hourly maps a row does not show: everything else, the order and
the cursor are those of the full read."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets.store.query import Filter
from evalforge_assets.store.queue_pages import signature_queue_page
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.factories import make_signature

HOURS = {f"2026-01-15-{hour:02d}:00": hour + 1 for hour in range(24)}
BY_COUNT = (("count", True),)


@pytest.fixture
def store(tmp_path: Path):
    opened = SqliteStore(tmp_path / "store.db")
    opened.save_signatures([make_signature(signature_id=f"sig-{n}", count=n, counts_by_hour=HOURS,
                                           own_counts_by_hour=HOURS) for n in range(1, 8)])
    yield opened
    opened.close()


def test_omitted_maps_are_left_out_and_the_rest_is_the_full_read(store: SqliteStore) -> None:
    filters = (Filter("merged_into", "==", None),)
    full = store.list_signatures(filters, BY_COUNT, limit=3)
    lean = signature_queue_page(store, filters, BY_COUNT, 3, None, ("counts_by_hour", "own_counts_by_hour"))
    assert [s.signature_id for s in lean.items] == ["sig-7", "sig-6", "sig-5"]
    assert lean.next_cursor == full.next_cursor
    for whole, part in zip(full.items, lean.items, strict=True):
        assert whole.counts_by_hour == HOURS and part.counts_by_hour == {} and part.own_counts_by_hour == {}
        assert part.model_dump(exclude={"counts_by_hour", "own_counts_by_hour"}) == \
            whole.model_dump(exclude={"counts_by_hour", "own_counts_by_hour"})


def test_a_page_can_keep_one_map_and_omit_the_other(store: SqliteStore) -> None:
    page = signature_queue_page(store, (), BY_COUNT, 2, None, ("own_counts_by_hour",))
    assert all(s.counts_by_hour == HOURS and s.own_counts_by_hour == {} for s in page.items)


def test_only_field_names_can_be_omitted(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="only top-level field names"):
        signature_queue_page(store, (), BY_COUNT, 2, None, ("count') --",))

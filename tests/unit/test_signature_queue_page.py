"""A signature queue page may leave out the hourly maps a row does not show: everything else, the order and
the cursor are those of the full read."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from evalforge_assets.store.query import COLLECTIONS, CollectionSpec, Filter
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


# ---- where the hourly maps are stored: columns of their own beside the body ------------------------------------
def _columns_of(path: Path, signature_id: str) -> tuple[dict, dict[str, str | None]]:
    """A stored signature's body and its detached columns, read past the store."""
    raw = sqlite3.connect(path)
    try:
        body, hours, own = raw.execute("SELECT body, counts_by_hour_json, own_counts_by_hour_json FROM signatures "
                                       "WHERE id = ?", (signature_id,)).fetchone()
    finally:
        raw.close()
    return json.loads(body), {"counts_by_hour": hours, "own_counts_by_hour": own}


def _columns(path: Path) -> tuple[dict, dict[str, str | None]]:
    return _columns_of(path, "sig-7")


def test_the_hourly_maps_live_beside_the_body_and_every_read_puts_them_back(store: SqliteStore,
                                                                          tmp_path: Path) -> None:
    body, detached = _columns(tmp_path / "store.db")
    assert "counts_by_hour" not in body and "own_counts_by_hour" not in body and body["count"] == 7
    assert json.loads(detached["counts_by_hour"]) == HOURS
    # Each read path: one document, several, a versioned one, a page.
    assert store.get_signature("sig-7").counts_by_hour == HOURS
    assert store.get_signatures(["sig-7", "sig-6"])["sig-6"].own_counts_by_hour == HOURS
    document, version = store._get_versioned(COLLECTIONS["signatures"], "sig-7")
    assert document["counts_by_hour"] == HOURS and version == 1
    assert store.list_signatures((), BY_COUNT, limit=1).items[0].own_counts_by_hour == HOURS


def test_a_store_from_before_moves_the_maps_out_of_its_bodies_once(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    signature = make_signature(signature_id="sig-7", count=7, counts_by_hour=HOURS, own_counts_by_hour=HOURS)
    # The layout of earlier versions: the whole document in the body, no detached columns.
    columns = ", ".join(["id TEXT PRIMARY KEY", "body TEXT NOT NULL", *COLLECTIONS["signatures"].fields,
                         "_version INTEGER NOT NULL DEFAULT 0"])
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(f"CREATE TABLE signatures ({columns})")
        raw.execute("INSERT INTO signatures (id, body, count, _version) VALUES (?, ?, 7, 3)",
                    ("sig-7", signature.model_dump_json()))
    raw.close()
    reopened = SqliteStore(path)
    try:
        assert reopened.get_signature("sig-7") == signature
        body, detached = _columns(path)
        assert "counts_by_hour" not in body and json.loads(detached["own_counts_by_hour"]) == HOURS
        assert reopened._get_versioned(COLLECTIONS["signatures"], "sig-7")[1] == 3  # versions are kept
    finally:
        reopened.close()
    again = SqliteStore(path)  # a second open finds nothing left to move
    try:
        assert again.get_signature("sig-7") == signature
    finally:
        again.close()


def test_a_signature_without_maps_reads_back_with_empty_ones(tmp_path: Path) -> None:
    opened = SqliteStore(tmp_path / "store.db")
    try:
        opened.save_signatures([make_signature(signature_id="sig-1", count=1)])
        _, detached = _columns_of(tmp_path / "store.db", "sig-1")
        assert detached == {"counts_by_hour": "{}", "own_counts_by_hour": "{}"}
        assert opened.get_signature("sig-1").counts_by_hour == {}
    finally:
        opened.close()


def test_a_filtered_field_cannot_be_detached() -> None:
    with pytest.raises(ValueError, match="cannot be detached"):
        CollectionSpec("things", "thing_id", {"count": "count"}, detached=("count",))

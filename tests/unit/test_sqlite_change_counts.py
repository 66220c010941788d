"""SQLite counts the writes to signatures in the database itself, so a reader remembering a queue page can tell it
is still current, whichever process or write path changed it."""

from __future__ import annotations

from pathlib import Path

import pytest

from evalforge_assets.store.query import COLLECTIONS
from evalforge_assets.store.sqlite import SqliteStore
from tests.fixtures.factories import make_capture, make_signature, revise


@pytest.fixture
def store(tmp_path: Path):
    opened = SqliteStore(tmp_path / "store.db")
    yield opened
    opened.close()


def test_every_write_path_moves_the_count(store: SqliteStore) -> None:
    counts = [store.change_count("signatures")]
    store.save_signatures([make_signature(signature_id="sig-a"), make_signature(signature_id="sig-b")])
    counts.append(store.change_count("signatures"))
    store.update("signatures", type(make_signature()), "sig-a", lambda old: revise(old, count=old.count + 1))
    counts.append(store.change_count("signatures"))
    assert store.create("signatures", make_signature(signature_id="sig-c"))
    counts.append(store.change_count("signatures"))
    store._delete(COLLECTIONS["signatures"], "sig-b")
    counts.append(store.change_count("signatures"))
    assert counts == sorted(set(counts)), f"each write must move the count: {counts}"


def test_reads_and_other_collections_leave_it_alone(store: SqliteStore) -> None:
    store.save_signatures([make_signature(signature_id="sig-a")])
    before = store.change_count("signatures")
    store.list_signatures()
    store.get_signature("sig-a")
    store.save_captures([make_capture(capture_id="cap-1")])
    assert not store.create("signatures", make_signature(signature_id="sig-a")), "an id that exists is refused"
    assert store.change_count("signatures") == before


def test_a_write_through_another_connection_counts(store: SqliteStore, tmp_path: Path) -> None:
    before = store.change_count("signatures")
    other = SqliteStore(tmp_path / "store.db")  # as a Dagster step's store is, in another process
    try:
        other.save_signatures([make_signature(signature_id="sig-from-grouping")])
    finally:
        other.close()
    assert store.change_count("signatures") > before


def test_a_collection_whose_writes_are_not_counted_is_refused(store: SqliteStore) -> None:
    with pytest.raises(ValueError, match="not counted"):
        store.change_count("captures")

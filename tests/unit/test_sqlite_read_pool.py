"""SQLite reads use their own pooled connections: a read never queues behind a write in progress, and the pool
stays bounded however many threads read at once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evalforge_assets.store.sqlite import READ_CONNECTIONS, SqliteStore
from tests.fixtures.factories import make_capture


@pytest.fixture
def store(tmp_path: Path):
    opened = SqliteStore(tmp_path / "store.db")
    yield opened
    opened.close()


def test_a_read_does_not_wait_for_a_write_transaction_in_progress(store: SqliteStore) -> None:
    store.save_captures([make_capture(capture_id="cap-read")])
    inside, release = threading.Event(), threading.Event()

    def long_write() -> None:
        with store._transaction():  # holds the write connection and the database's write lock
            inside.set()
            release.wait(10)

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert inside.wait(5)
        with ThreadPoolExecutor(1) as pool:
            found = pool.submit(store.get_capture, "cap-read").result(timeout=3)
        assert found is not None and found.capture_id == "cap-read"
    finally:
        release.set()
        writer.join(10)


def test_reads_see_what_was_just_written(store: SqliteStore) -> None:
    store.save_captures([make_capture(capture_id="cap-fresh", status="new")])
    assert store.get_capture("cap-fresh").status.value == "new"
    store.save_captures([make_capture(capture_id="cap-fresh", status="triaged")])
    assert store.get_capture("cap-fresh").status.value == "triaged"
    assert store.count_captures() == 1


def test_read_connections_stay_bounded_under_many_concurrent_readers(store: SqliteStore) -> None:
    store.save_captures([make_capture() for _ in range(200)])
    start = threading.Barrier(READ_CONNECTIONS * 3)

    def read() -> int:
        start.wait(10)
        return len(store.list_captures(limit=200).items)

    with ThreadPoolExecutor(READ_CONNECTIONS * 3) as pool:
        counts = list(pool.map(lambda _: read(), range(READ_CONNECTIONS * 3)))
    assert counts == [200] * (READ_CONNECTIONS * 3)
    assert 1 <= len(store._readers) <= READ_CONNECTIONS


def test_close_closes_the_read_connections(store: SqliteStore) -> None:
    store.count_captures()
    readers = list(store._readers)
    assert readers
    store.close()
    for connection in readers:
        with pytest.raises(Exception, match="closed"):
            connection.execute("SELECT 1")

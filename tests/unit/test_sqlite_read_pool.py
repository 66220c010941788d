"""SQLite reads use their own pooled connections: a read never queues behind a write in progress, and the pool
stays bounded however many threads read at once."""

from __future__ import annotations

import queue
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from evalforge_assets.store.base import StoreUnavailable
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


def test_a_reader_borrowed_when_the_store_closes_finishes_its_read_and_is_closed_on_return(
        store: SqliteStore) -> None:
    store.save_captures([make_capture(capture_id="cap-late")])
    with store._reading() as borrowed:
        store.close()  # the API's teardown, while a request thread still reads
        # Closing it here, under a running statement, is what crashed the sqlite3 module.
        assert borrowed.execute("SELECT COUNT(*) FROM captures").fetchone()[0] == 1
    with pytest.raises(Exception, match="closed"):
        borrowed.execute("SELECT 1")
    assert store._readers == []


def test_a_read_after_close_is_a_clear_error(store: SqliteStore) -> None:
    store.close()
    with pytest.raises(StoreUnavailable, match="is closed; open a new one"):
        store.count_captures()


def test_a_reader_waiting_for_a_connection_is_released_by_close(store: SqliteStore) -> None:
    store.count_captures()
    held = [store._idle_readers.get_nowait()]
    while len(store._readers) < READ_CONNECTIONS:  # borrow every connection the pool may open
        held.append(store._new_reader())
    waiting = threading.Event()

    class WatchedQueue(queue.LifoQueue):
        def get(self, block: bool = True, timeout: float | None = None):
            waiting.set()
            return super().get(block, timeout)

    store._idle_readers = WatchedQueue()  # empty, as the real one is now: every connection is borrowed
    outcome: list[BaseException] = []

    def waiting_read() -> None:
        try:
            store.count_captures()
        except StoreUnavailable as exc:
            outcome.append(exc)

    waiter = threading.Thread(target=waiting_read)
    waiter.start()
    assert waiting.wait(5)
    store.close()
    waiter.join(5)
    assert not waiter.is_alive()
    assert "closed while this read waited" in str(outcome[0])
    for connection in held:
        store._give_back(connection)
    assert store._readers == []

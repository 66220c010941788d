"""Opening the SQLite store while another process holds the new database (API workers starting together)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from evalforge_assets.store.base import StoreUnavailable
from evalforge_assets.store.sqlite import SqliteStore

HELD_SECONDS = 0.3


def _hold_exclusively(path: Path) -> sqlite3.Connection:
    """Another connection holding the write lock of a new database still in SQLite's default journal mode, as the
    first of two workers opening a new store does: the second worker's switch to WAL needs the exclusive lock,
    and SQLite refuses it at once instead of calling the busy handler."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE created_first (x)")
    return holder


def test_a_store_opened_while_another_connection_creates_the_database_waits_for_it(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    holder = _hold_exclusively(path)
    release = threading.Timer(HELD_SECONDS, holder.execute, args=("COMMIT",))
    release.start()
    try:
        store = SqliteStore(path)
    finally:
        release.join()
        holder.close()
    try:
        assert store.list_captures().items == []
        mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
    finally:
        store.close()


def test_a_database_held_past_the_busy_timeout_is_a_clear_error(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evalforge_assets.store.sqlite.BUSY_TIMEOUT_MS", 200)
    path = tmp_path / "store.db"
    holder = _hold_exclusively(path)
    try:
        with pytest.raises(StoreUnavailable, match="Cannot open the SQLite store at .*database is locked"):
            SqliteStore(path)
    finally:
        holder.close()

"""SQLite store: the embedded default. One table per collection (id, JSON body, indexed columns, version),
WAL mode.

Reads and writes. Writes go through one connection under a lock: a write of one row (a compare-and-set, an
insert, an audit entry) is one autocommit statement, a batch runs in its own `BEGIN IMMEDIATE` transaction.
Reads borrow a connection from a small pool instead (up to READ_CONNECTIONS, one per concurrent reader): WAL
lets readers run beside the writer and each other without a lock, and sqlite3 releases the GIL while a
statement runs, so reads never queue behind one lock (under 32 concurrent clients that queue made throughput
fall; see docs/operations.md, "Load test"). The API runs them on its event loop (`reads_on_caller`). An
in-memory database exists only on the connection that made it, so it reads through the shared one.

Several processes (API workers, Dagster steps) share one database file. Every write takes the database's
write lock (a batch with `BEGIN IMMEDIATE`, a one-row write inside its statement), and the busy timeout makes a
writer wait for another process's transaction instead of failing; a compare-and-set is one statement that
writes only while the row's version is still the expected one.
"""

from __future__ import annotations

import json
import queue
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from evalforge_assets import fastjson
from evalforge_assets.private_files import create_private_file, ensure_private_dir, tighten
from evalforge_assets.store.base import Store, StoreUnavailable
from evalforge_assets.store.query import COLLECTIONS, CollectionSpec, Filter, Query, index_values

_SQL_OPS = {"==": "=", ">=": ">=", "<=": "<=", ">": ">", "<": "<"}
_CHUNK = 500  # stays under SQLite's bound-parameter limit
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for another process's transaction before giving up
WAL_SWITCH_RETRY_SECONDS = 0.01
# Read connections kept per store: beyond the CPU count more would only wait for the GIL, and each holds a page
# cache. A reader finding all of them busy waits for one to come back.
READ_CONNECTIONS = 8
READER_WAIT_SECONDS = 0.5  # how often a reader waiting for a pooled connection checks that the store is open
_CHANGES = "collection_changes"  # the write counts of `CollectionSpec.counts_changes` collections


def _to_sql(value: Any) -> Any:
    # Booleans and nested values are stored in a form that compares the same way they were written.
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def _detached_column(name: str) -> str:
    """The column holding a detached field's JSON (`CollectionSpec.detached`)."""
    return f"{name}_json"


def _stored_columns(spec: CollectionSpec) -> list[str]:
    """Every column a write sets, in `_row`'s order after the id."""
    return ["body", *spec.fields, *map(_detached_column, spec.detached)]


def _selected(spec: CollectionSpec, omit: tuple[str, ...] = ()) -> tuple[str, tuple[str, ...]]:
    """The select list of a read and the detached fields it brings back (`_document` puts them in the body).

    An omitted detached field is simply not selected; any other omitted field is removed from the body by
    SQLite (so Python never parses it), which costs SQLite a parse of the body."""
    for name in omit:
        if not name.isidentifier():
            raise ValueError(f"Cannot omit {name!r}: only top-level field names can be left out of a query.")
    removed = [name for name in omit if name not in spec.detached]
    body = "json_remove(body, " + ", ".join(f"'$.{name}'" for name in removed) + ")" if removed else "body"
    attached = tuple(name for name in spec.detached if name not in omit)
    return ", ".join([body, *map(_detached_column, attached)]), attached


def _document(body: str, attached: tuple[str, ...], values: Sequence[str | None]) -> dict[str, Any]:
    """A stored row's document: its body with the detached fields read beside it put back."""
    document = fastjson.loads(body)
    for name, value in zip(attached, values, strict=True):
        if value is not None:
            document[name] = fastjson.loads(value)
    return document


class SqliteStore(Store):
    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.url = f"sqlite:///{self.path}"
        try:
            # Owner-only: the store holds captured production text. SQLite gives the -wal and -shm files the
            # database file's permissions, so creating it 0600 before SQLite does covers all three.
            in_memory = str(path) == ":memory:"
            if not in_memory:
                ensure_private_dir(self.path.parent)
                create_private_file(self.path)
            # One shared connection guarded by a lock: FastAPI's thread pool and Dagster steps both use it.
            self._conn = self._connect()
            self._use_wal()
            for companion in ("-wal", "-shm") if not in_memory else ():
                # Left wider by an older version, from before the database file was created 0600.
                tighten(self.path.with_name(self.path.name + companion))
        except (OSError, sqlite3.Error) as exc:
            raise StoreUnavailable(
                f"Cannot open the SQLite store at {self.path}: {exc}. Check that the folder is writable "
                "or point EVALFORGE_STORE at another sqlite:///PATH."
            ) from exc
        self._lock = threading.RLock()
        self._in_memory = str(path) == ":memory:"
        # Reads of a file database are in-process work on a WAL snapshot, taking no lock, so an async caller
        # may run them on its event loop (evalforge_api/store_reads.py). An in-memory one reads through the
        # writers' connection and lock, so it says no.
        self.reads_on_caller = not self._in_memory
        self._idle_readers: queue.LifoQueue[sqlite3.Connection] = queue.LifoQueue()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._create_schema()

    def _use_wal(self) -> None:
        """Switch the database to WAL (a no-op once it is). The switch takes SQLite's exclusive lock without
        calling the busy handler, so while another process holds the new database (the other API worker opening
        it at the same moment) it fails at once: it is retried until the busy timeout, as a write would wait."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._conn.execute("PRAGMA journal_mode=WAL")
                return
            except sqlite3.OperationalError as exc:
                if exc.sqlite_errorcode not in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) \
                        or time.monotonic() >= deadline:
                    raise
                time.sleep(WAL_SWITCH_RETRY_SECONDS)

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(str(self.path), check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000,
                                     isolation_level=None)
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return connection

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        """A connection for reads: a pooled one of its own (see the module docstring), or the shared one for
        an in-memory database."""
        if self._in_memory:
            with self._lock:
                yield self._conn
            return
        try:
            connection = self._idle_readers.get_nowait()
        except queue.Empty:
            connection = self._new_reader()
        try:
            yield connection
        finally:
            self._give_back(connection)

    def _give_back(self, connection: sqlite3.Connection) -> None:
        # A reader borrowed before `close` is closed on its return, by the thread that used it: closing it
        # under a statement still running on another thread crashes the sqlite3 module.
        with self._readers_lock:
            if not self._closed:
                self._idle_readers.put(connection)
                return
            self._readers.remove(connection)
        connection.close()

    def _new_reader(self) -> sqlite3.Connection:
        with self._readers_lock:
            if self._closed:
                raise StoreUnavailable(f"The SQLite store at {self.path} is closed; open a new one to read.")
            if len(self._readers) < READ_CONNECTIONS:
                try:
                    connection = self._connect()
                except sqlite3.Error as exc:
                    raise StoreUnavailable(f"Cannot open another read connection to the SQLite store at "
                                           f"{self.path}: {exc}. Check that the file is still there.") from exc
                self._readers.append(connection)
                return connection
        while True:
            try:
                return self._idle_readers.get(timeout=READER_WAIT_SECONDS)
            except queue.Empty:
                if self._closed:
                    raise StoreUnavailable(
                        f"The SQLite store at {self.path} was closed while this read waited for a connection."
                    ) from None

    def _create_schema(self) -> None:
        # One transaction, so processes opening a new or older database at once never half-migrate it.
        with self._transaction():
            for spec in COLLECTIONS.values():
                columns = "".join(f", {name}" for name in spec.fields)
                detached = "".join(f", {_detached_column(name)} TEXT" for name in spec.detached)
                self._conn.execute(
                    f"CREATE TABLE IF NOT EXISTS {spec.name} (id TEXT PRIMARY KEY, body TEXT NOT NULL{columns}, "
                    f"_version INTEGER NOT NULL DEFAULT 0{detached})"
                )
                existing = {row[1] for row in self._conn.execute(f"PRAGMA table_info({spec.name})")}
                if "_version" not in existing:
                    # Tables from before versions: their rows start at 0 and the next write makes them 1.
                    self._conn.execute(f"ALTER TABLE {spec.name} ADD COLUMN _version INTEGER NOT NULL DEFAULT 0")
                for column, path in spec.fields.items():
                    if column not in existing:
                        # A field added to a collection later (signatures.assignee): filled from the stored
                        # bodies, so filters see old rows as their records say.
                        self._conn.execute(f"ALTER TABLE {spec.name} ADD COLUMN {column}")
                        self._conn.execute(f"UPDATE {spec.name} SET {column} = json_extract(body, ?)", (f"$.{path}",))
                self._detach_fields(spec, existing)
                for index in spec.indexes:
                    name = f"ix_{spec.name}_{'_'.join(index)}"
                    self._conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {spec.name} ({', '.join(index)}, id)")
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, type TEXT NOT NULL, "
                "payload TEXT NOT NULL, ts TEXT NOT NULL)"
            )
            self._count_changes()

    def _count_changes(self) -> None:
        """Triggers counting every write to the collections that ask for it (`CollectionSpec.counts_changes`), in
        the writer's own transaction, whichever process or path (a batch, a compare-and-set, a delete) wrote."""
        self._conn.execute(f"CREATE TABLE IF NOT EXISTS {_CHANGES} (collection TEXT PRIMARY KEY, "
                           "count INTEGER NOT NULL)")
        for spec in COLLECTIONS.values():
            if not spec.counts_changes:
                continue
            self._conn.execute(f"INSERT OR IGNORE INTO {_CHANGES} VALUES (?, 0)", (spec.name,))
            for event in ("INSERT", "UPDATE", "DELETE"):
                self._conn.execute(
                    f"CREATE TRIGGER IF NOT EXISTS {spec.name}_{event.lower()}_counted AFTER {event} ON {spec.name} "
                    f"BEGIN UPDATE {_CHANGES} SET count = count + 1 WHERE collection = '{spec.name}'; END"
                )

    def change_count(self, collection: str) -> int:
        """How many writes `collection` has had (any process's): equal counts mean nothing changed in between.
        Only for collections with `counts_changes`."""
        with self._reading() as connection:
            row = connection.execute(f"SELECT count FROM {_CHANGES} WHERE collection = ?", (collection,)).fetchone()
        if row is None:
            raise ValueError(f"Writes to {collection!r} are not counted; set counts_changes on its CollectionSpec.")
        return int(row[0])

    def _detach_fields(self, spec: CollectionSpec, existing: set[str]) -> None:
        """Move detached fields that older versions kept in the body into their own columns (in the schema's
        transaction, once per table)."""
        moved = [name for name in spec.detached if _detached_column(name) not in existing]
        if not moved:
            return
        for name in moved:
            self._conn.execute(f"ALTER TABLE {spec.name} ADD COLUMN {_detached_column(name)} TEXT")
        assignments = ", ".join(f"{_detached_column(name)} = json_extract(body, '$.{name}')" for name in moved)
        removed = ", ".join(f"'$.{name}'" for name in moved)
        self._conn.execute(f"UPDATE {spec.name} SET {assignments}, body = json_remove(body, {removed})")

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        """Hold this connection and the database's write lock; commit on success, roll back on any error."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _write_one(self, sql: str, params: Sequence[Any]) -> bool:
        """One write statement in autocommit mode: True when it changed a row.

        SQLite runs a lone statement as its own transaction, taking and releasing the database's write lock
        inside the one call, during which the GIL is released. An explicit BEGIN IMMEDIATE ... COMMIT around
        it held the lock across more calls, each of which must win the GIL back first; under load the API's
        event loop holds the GIL most of the time, so the lock stayed held for whole switch intervals while the
        other worker's writers slept in SQLite's busy handler (1, 2, 5, 10 ms ...). The
        process lock still guards the shared connection, so no other thread's statement joins an open
        transaction."""
        with self._lock:
            return self._conn.execute(sql, params).rowcount == 1

    @staticmethod
    def _row(spec: CollectionSpec, document: dict[str, Any]) -> tuple[Any, ...]:
        """The values of ["id", *_stored_columns(spec)] for `document`."""
        indexed = (_to_sql(v) for v in index_values(spec, document).values())
        if not spec.detached:
            return (document[spec.key], fastjson.dumps(document).decode(), *indexed)
        body = {name: value for name, value in document.items() if name not in spec.detached}
        detached = (fastjson.dumps(document[name]).decode() if name in document else None for name in spec.detached)
        return (document[spec.key], fastjson.dumps(body).decode(), *indexed, *detached)

    # ---- primitives -------------------------------------------------------------------------------------
    @staticmethod
    def _insert_sql(spec: CollectionSpec) -> str:
        columns = ["id", *_stored_columns(spec)]
        return (f"INSERT INTO {spec.name} ({', '.join(columns)}, _version) "
                f"VALUES ({', '.join('?' for _ in columns)}, 1)")

    def _put_many(self, spec: CollectionSpec, documents: Sequence[dict[str, Any]]) -> None:
        # A blind write still bumps the version, so an update that read the old one notices and retries.
        assignments = ", ".join(f"{name} = excluded.{name}" for name in _stored_columns(spec))
        sql = (f"{self._insert_sql(spec)} ON CONFLICT(id) DO UPDATE SET {assignments}, "
               f"_version = {spec.name}._version + 1")
        rows = [self._row(spec, doc) for doc in documents]
        if len(rows) == 1:
            self._write_one(sql, rows[0])  # an audit entry, a request: one statement is its own transaction
            return
        with self._transaction():
            self._conn.executemany(sql, rows)

    def _get_versioned(self, spec: CollectionSpec, doc_id: str) -> tuple[dict[str, Any] | None, int | None]:
        selected, attached = _selected(spec)
        with self._reading() as connection:
            found = connection.execute(f"SELECT _version, {selected} FROM {spec.name} WHERE id = ?",
                                       (doc_id,)).fetchone()
        return (None, None) if found is None else (_document(found[1], attached, found[2:]), int(found[0]))

    def _put_if_version(self, spec: CollectionSpec, document: dict[str, Any], expected: int | None) -> bool:
        # The compare and the set are one statement (an insert that yields to an existing row, or an update of
        # the row only at the expected version), so the statement is the whole transaction; see _write_one.
        if expected is None:
            return self._write_one(f"{self._insert_sql(spec)} ON CONFLICT(id) DO NOTHING", self._row(spec, document))
        assignments = ", ".join(f"{name} = ?" for name in _stored_columns(spec))
        doc_id, *values = self._row(spec, document)
        return self._write_one(f"UPDATE {spec.name} SET {assignments}, _version = ? WHERE id = ? AND _version = ?",
                               (*values, expected + 1, doc_id, expected))

    def _get_many_versioned(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, tuple[dict[str, Any], int]]:
        selected, attached = _selected(spec)
        return {doc_id: (_document(body, attached, values), int(version))
                for doc_id, version, body, *values in self._rows_by_id(spec, ids, f"_version, {selected}")}

    def _put_many_if_version(self, spec: CollectionSpec, writes: Sequence[tuple[dict[str, Any], int]]) -> list[bool]:
        # One transaction for the batch (a commit per document would cost far more than the writes); each row
        # is written only while its version is still the one given.
        assignments = ", ".join(f"{name} = ?" for name in _stored_columns(spec))
        sql = f"UPDATE {spec.name} SET {assignments}, _version = _version + 1 WHERE id = ? AND _version = ?"
        written: list[bool] = []
        with self._transaction():
            for document, expected in writes:
                doc_id, *values = self._row(spec, document)
                written.append(self._conn.execute(sql, (*values, doc_id, expected)).rowcount == 1)
        return written

    def _insert(self, spec: CollectionSpec, document: dict[str, Any]) -> bool:
        return self._write_one(f"{self._insert_sql(spec)} ON CONFLICT(id) DO NOTHING", self._row(spec, document))

    def _get_many(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        selected, attached = _selected(spec)
        return {doc_id: _document(body, attached, values)
                for doc_id, body, *values in self._rows_by_id(spec, ids, selected)}

    def _rows_by_id(self, spec: CollectionSpec, ids: Sequence[str], columns: str) -> list[tuple[Any, ...]]:
        """`SELECT id, <columns>` of the rows with these ids (each once), in chunks under SQLite's
        bound-parameter limit."""
        rows: list[tuple[Any, ...]] = []
        unique = list(dict.fromkeys(ids))
        with self._reading() as connection:
            for start in range(0, len(unique), _CHUNK):
                chunk = unique[start:start + _CHUNK]
                marks = ", ".join("?" for _ in chunk)
                rows += connection.execute(f"SELECT id, {columns} FROM {spec.name} WHERE id IN ({marks})", chunk)
        return rows

    @staticmethod
    def _where(filters: tuple[Filter, ...]) -> tuple[list[str], list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for flt in filters:
            if flt.op == "in":
                clauses.append(f"{flt.field} IN ({', '.join('?' for _ in flt.value)})")
                params.extend(_to_sql(v) for v in flt.value)
            elif flt.op == "array_contains":
                # Array fields live only in the JSON body (CollectionSpec.arrays), so no column needs migrating.
                clauses.append("EXISTS (SELECT 1 FROM json_each(body, ?) WHERE json_each.value = ?)")
                params.extend([f"$.{flt.field}", _to_sql(flt.value)])
            elif flt.value is None and flt.op == "==":
                clauses.append(f"{flt.field} IS NULL")
            else:
                clauses.append(f"{flt.field} {_SQL_OPS[flt.op]} ?")
                params.append(_to_sql(flt.value))
        return clauses, params

    def _query(self, spec: CollectionSpec, query: Query) -> list[dict[str, Any]]:
        selected, attached = _selected(spec, query.omit)
        with self._reading() as connection:
            rows = connection.execute(*self._select(spec, query, selected)).fetchall()
        if not attached:
            return [fastjson.loads(body) for (body,) in rows]
        return [_document(body, attached, values) for body, *values in rows]

    def query_texts(self, spec: CollectionSpec, query: Query) -> list[tuple[str, tuple[Any, ...]]]:
        """`_query`'s rows as their stored JSON text, unparsed, each with its keyset position (its order-by
        columns, then its id): for a reader that remembers what it made of each text (`queue_pages`). Only for
        collections whose whole document is the body, ordered by plain string or number fields."""
        if spec.detached or query.omit:
            raise ValueError(f"Rows of {spec.name} are not stored as one text; read them with _query.")
        columns = ", ".join(["body", *(name for name, _ in query.order_by), "id"])
        with self._reading() as connection:
            rows = connection.execute(*self._select(spec, query, columns)).fetchall()
        return [(body, tuple(position)) for body, *position in rows]

    def get_many_texts(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, str]:
        """`_get_many`'s documents as their stored JSON text, unparsed (see `query_texts`)."""
        if spec.detached:
            raise ValueError(f"Rows of {spec.name} are not stored as one text; read them with _get_many.")
        return dict(self._rows_by_id(spec, ids, "body"))

    def _select(self, spec: CollectionSpec, query: Query, columns: str) -> tuple[str, list[Any]]:
        """The SELECT of `columns` for `query` (filters, keyset position, order, limit) and its parameters."""
        clauses, params = self._where(query.filters)
        order = [*query.order_by, ("id", query.descending)]
        if query.start_after is not None:
            # Keyset pagination: rows strictly after the cursor in (order fields..., id) order.
            alternatives = []
            for depth in range(len(order)):
                parts = [f"{order[i][0]} = ?" for i in range(depth)]
                parts.append(f"{order[depth][0]} {'<' if order[depth][1] else '>'} ?")
                alternatives.append("(" + " AND ".join(parts) + ")")
                params.extend(_to_sql(v) for v in query.start_after[: depth + 1])
            clauses.append("(" + " OR ".join(alternatives) + ")")
        sql = f"SELECT {columns} FROM {spec.name}"
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY " + ", ".join(f"{name} {'DESC' if desc else 'ASC'}" for name, desc in order)
        if query.limit is not None:
            sql += f" LIMIT {int(query.limit)}"
        return sql, params

    def _count(self, spec: CollectionSpec, filters: tuple[Filter, ...]) -> int:
        clauses, params = self._where(filters)
        sql = f"SELECT COUNT(*) FROM {spec.name}" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        with self._reading() as connection:
            return int(connection.execute(sql, params).fetchone()[0])

    def _delete(self, spec: CollectionSpec, doc_id: str) -> None:
        with self._lock:
            self._conn.execute(f"DELETE FROM {spec.name} WHERE id = ?", (doc_id,))

    def _append_event(self, event_type: str, payload: dict[str, Any], ts: str) -> int:
        with self._lock:
            cursor = self._conn.execute(
                "INSERT INTO events (type, payload, ts) VALUES (?, ?, ?)",
                (event_type, json.dumps(payload, separators=(",", ":")), ts),
            )
            return int(cursor.lastrowid)

    def _events_after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        with self._reading() as connection:
            rows = connection.execute(
                "SELECT seq, type, payload, ts FROM events WHERE seq > ? ORDER BY seq LIMIT ?", (seq, limit)
            ).fetchall()
        return [{"seq": s, "type": t, "payload": json.loads(p), "ts": ts} for s, t, p, ts in rows]

    def last_event_seq(self) -> int:
        with self._reading() as connection:
            return int(connection.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])

    def ping(self) -> None:
        try:
            with self._lock:
                self._conn.execute("SELECT 1").fetchone()
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"The SQLite store at {self.path} does not answer: {exc}") from exc

    def close(self) -> None:
        """Close the idle readers now and the borrowed ones as they come back, then the writer."""
        with self._readers_lock:
            self._closed = True
            while True:
                try:
                    idle = self._idle_readers.get_nowait()
                except queue.Empty:
                    break
                self._readers.remove(idle)
                idle.close()
        with self._lock:
            self._conn.close()

"""The `Store`: typed reads and writes of every record, over a few primitives each backend implements.

All record logic (idempotent upserts that keep review state, cursor pagination, the event log, optimistic
concurrency) lives here once; `SqliteStore` and `FirestoreStore` only move documents.

Versions. Every stored document carries a version the store maintains next to the record body (a `_version`
column in SQLite, a `_version` field beside `body` in Firestore), never inside the record, so records
round-trip unchanged and callers never set it. It is 1 when a document is created and grows by one on every
write: `update`, and the blind `save_*`/`upsert_*`/`add_*` writes too, so an `update` racing a blind write
notices it. Documents written before versions existed count as version 0.

Concurrency. `update(collection, model, doc_id, change)` is a read-modify-write that never loses another
writer's change, across threads and processes: it reads the record and its version, calls `change`, and
writes only if the version is still the one it read (SQLite: one `BEGIN IMMEDIATE` transaction; Firestore:
a transaction that reads the document). Otherwise it re-reads and calls `change` again after a short
jittered pause, so `change` must be pure: it may run several times and only its last result is stored.
`create(collection, record)` inserts only if no document with that id exists.

Claims. The `claims` collection (model `Claim`, document id = a uniqueness key such as
"open-incident:checkout", body {key, owner, claimed_at}) gives services "at most one X" guarantees: whoever
`create`s a key, or `update`s an absent or released (owner None) claim to name itself, holds it until it
updates `owner` back to None.
"""

from __future__ import annotations

import abc
import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from evalforge_assets.models import (
    SEVERITY_RANK,
    AuditEntry,
    ExportPackage,
    FailureCapture,
    FailureSignature,
    IncidentRecord,
    PendingRequest,
    QuarantineRecord,
    StoredEvent,
    SystemStatus,
    TestRun,
    now_iso,
)
from evalforge_assets.store.capture_refresh import CaptureRefresh, versioned_writes, with_review_fields
from evalforge_assets.store.query import (
    COLLECTIONS,
    CollectionSpec,
    Filter,
    Query,
    encode_cursor,
    extract,
    start_position,
)

M = TypeVar("M", bound=BaseModel)

STATUS_DOC_ID = "current"

# Pauses between update attempts grow from RETRY_BASE_SECONDS and are capped, each drawn at random below the
# bound, so writers that collided once spread out instead of colliding again in lockstep.
RETRY_BASE_SECONDS = 0.002
RETRY_CAP_SECONDS = 0.1


class StoreUnavailable(RuntimeError):
    """The store could not be reached; the message says which store and what to check."""


class VersionConflict(RuntimeError):
    """The record changed between read and write (after all retries)."""


def _severity_rank(document: dict[str, Any]) -> dict[str, Any]:
    # The queue sorts signatures by severity; a stored rank lets both backends sort by a plain number.
    return {**document, "severity_rank": SEVERITY_RANK[document["severity"]]}


# Stored fields computed from a record, per collection, added on every write path alike.
_DERIVED: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"signatures": _severity_rank}


def _spec(collection: str) -> CollectionSpec:
    try:
        return COLLECTIONS[collection]
    except KeyError:
        raise ValueError(f"{collection!r} is not a store collection; use one of: "
                         f"{', '.join(sorted(COLLECTIONS))}.") from None


def _pause(attempt: int) -> None:
    time.sleep(random.uniform(0, min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** attempt)))


@dataclass
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


@dataclass
class UpsertResult:
    inserted: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class CaptureFilter:
    occurred_from: str | None = None
    occurred_to: str | None = None
    severity: tuple[str, ...] = ()
    agent: tuple[str, ...] = ()
    ml_app: tuple[str, ...] = ()
    failure_kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    signature_id: tuple[str, ...] = ()
    assignee: tuple[str, ...] = ()
    partition_key: str | None = None

    def filters(self) -> tuple[Filter, ...]:
        found: list[Filter] = []
        for name in ("severity", "agent", "ml_app", "failure_kind", "status", "signature_id", "assignee"):
            values = getattr(self, name)
            if len(values) == 1:
                found.append(Filter(name, "==", values[0]))
            elif values:
                found.append(Filter(name, "in", list(values)))
        if self.partition_key is not None:
            found.append(Filter("partition_key", "==", self.partition_key))
        if self.occurred_from:
            found.append(Filter("occurred_at", ">=", self.occurred_from))
        if self.occurred_to:
            found.append(Filter("occurred_at", "<", self.occurred_to))
        return tuple(found)


def _position_of(row: dict[str, Any], spec: CollectionSpec,
                 order_by: tuple[tuple[str, bool], ...]) -> tuple[Any, ...]:
    """Where a row sits in a keyset walk: its order-by values, then its id (what a cursor carries)."""
    return tuple(extract(row, spec.fields[name]) for name, _ in order_by) + (row[spec.key],)


class Store(abc.ABC):
    """Every read and write Evalforge makes. Subclasses implement the `_`-prefixed primitives."""

    url: str

    # ---- primitives -------------------------------------------------------------------------------------
    @abc.abstractmethod
    def _put_many(self, spec: CollectionSpec, documents: Sequence[dict[str, Any]]) -> None: ...

    @abc.abstractmethod
    def _get_many(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, dict[str, Any]]: ...

    @abc.abstractmethod
    def _query(self, spec: CollectionSpec, query: Query) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def _count(self, spec: CollectionSpec, filters: tuple[Filter, ...]) -> int: ...

    @abc.abstractmethod
    def _delete(self, spec: CollectionSpec, doc_id: str) -> None: ...

    @abc.abstractmethod
    def _get_versioned(self, spec: CollectionSpec, doc_id: str) -> tuple[dict[str, Any] | None, int | None]:
        """The document and its version, or (None, None) when absent."""

    @abc.abstractmethod
    def _put_if_version(self, spec: CollectionSpec, document: dict[str, Any], expected: int | None) -> bool:
        """Write `document` at version expected+1 (1 when expected is None) in one atomic step, only if the
        stored version is still `expected` (None: only if absent). False, writing nothing, otherwise."""

    def _get_many_versioned(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, tuple[dict[str, Any], int]]:
        """The present documents among `ids` with their versions (a backend may read them in one go)."""
        found = {doc_id: self._get_versioned(spec, doc_id) for doc_id in dict.fromkeys(ids)}
        return {doc_id: (doc, version) for doc_id, (doc, version) in found.items() if doc is not None and
                version is not None}

    def _put_many_if_version(self, spec: CollectionSpec, writes: Sequence[tuple[dict[str, Any], int]]) -> list[bool]:
        """`_put_if_version` for each (document, expected version), in order; a backend may batch them."""
        return [self._put_if_version(spec, document, expected) for document, expected in writes]

    @abc.abstractmethod
    def _insert(self, spec: CollectionSpec, document: dict[str, Any]) -> bool:
        """Insert `document` at version 1 unless its id exists, atomically; False when it existed."""

    @abc.abstractmethod
    def _append_event(self, event_type: str, payload: dict[str, Any], ts: str) -> int: ...

    @abc.abstractmethod
    def _events_after(self, seq: int, limit: int) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable when the store cannot be reached."""

    def close(self) -> None:
        """Release connections; the default holds none."""

    # ---- optimistic concurrency ---------------------------------------------------------------------------
    def update(self, collection: str, model: type[M], doc_id: str,
               change: Callable[[M | None], M | None], *, attempts: int = 20) -> M | None:
        """Read-modify-write one record without losing a concurrent writer's change.

        `change` receives the stored record (None when absent) and returns the record to store, or None to
        leave the store as it is (then the current record is returned). When another writer changed the
        record between the read and the write, the record is read again and `change` called again (so it
        must be pure), after a short jittered pause; after `attempts` tries VersionConflict is raised.
        Returns what is now stored.
        """
        spec = _spec(collection)
        if attempts < 1:
            raise ValueError(f"attempts={attempts} would never write; give update at least one attempt.")
        for attempt in range(attempts):
            if attempt:
                _pause(attempt)
            found, version = self._get_versioned(spec, doc_id)
            current = self._as_model(spec, model, found) if found is not None else None
            wanted = change(current)
            if wanted is None:
                return current
            document = self._document(spec, wanted, doc_id)
            if self._put_if_version(spec, document, version):
                return self._as_model(spec, model, document)
        raise VersionConflict(
            f"{collection}/{doc_id} was changed by another writer between read and write on each of "
            f"{attempts} attempts, so this change was not stored; try again, or give update more attempts "
            "if this record is written this often."
        )

    def create(self, collection: str, record: BaseModel) -> bool:
        """Insert `record` only if no record with its id exists, atomically across processes.

        True when this call inserted it; False when one existed (which is left untouched).
        """
        spec = _spec(collection)
        document = record.model_dump(mode="json")
        doc_id = document.get(spec.key)
        if not doc_id:
            raise ValueError(f"A {collection} record needs its id field {spec.key!r} set to be created; "
                             f"this {type(record).__name__} has {spec.key}={doc_id!r}.")
        return self._insert(spec, self._document(spec, record, str(doc_id)))

    def version(self, collection: str, doc_id: str) -> int | None:
        """The stored version of a record (1 after its creation, +1 per write), None when absent."""
        return self._get_versioned(_spec(collection), doc_id)[1]

    # ---- generic helpers --------------------------------------------------------------------------------
    @staticmethod
    def _document(spec: CollectionSpec, record: BaseModel, doc_id: str) -> dict[str, Any]:
        """The stored form of `record` under `doc_id`: its JSON, its id field, fields derived from it."""
        document = record.model_dump(mode="json")
        key = document.setdefault(spec.key, doc_id)
        if key != doc_id:
            raise ValueError(f"The {spec.name} record returned for id {doc_id!r} carries "
                             f"{spec.key}={key!r}; a record cannot change its id, so return one with "
                             f"{spec.key}={doc_id!r}.")
        derive = _DERIVED.get(spec.name)
        return derive(document) if derive else document

    @staticmethod
    def _as_model(spec: CollectionSpec, model: type[M], document: dict[str, Any]) -> M:
        # Collections whose id is not a field of their model (the status document) keep it out of the record.
        if spec.key not in model.model_fields:
            document = {name: value for name, value in document.items() if name != spec.key}
        return model.model_validate(document)

    def _save(self, collection: str, records: Iterable[BaseModel]) -> None:
        documents = [record.model_dump(mode="json") for record in records]
        derive = _DERIVED.get(collection)
        if derive:
            documents = [derive(document) for document in documents]
        if documents:
            self._put_many(COLLECTIONS[collection], documents)

    def _load(self, collection: str, model: type[M], doc_id: str) -> M | None:
        spec = COLLECTIONS[collection]
        found = self._get_many(spec, [doc_id]).get(doc_id)
        return self._as_model(spec, model, found) if found is not None else None

    def _page(
        self,
        collection: str,
        model: type[M],
        filters: tuple[Filter, ...],
        order_by: tuple[tuple[str, bool], ...],
        limit: int,
        cursor: str | None, omit: tuple[str, ...] = (),
    ) -> Page[M]:
        spec = COLLECTIONS[collection]
        start_after = start_position(cursor, order_by)
        rows = self._query(spec, Query(collection, filters, order_by, limit + 1, start_after, omit))
        items = [model.model_validate(row) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            next_cursor = encode_cursor(_position_of(rows[limit - 1], spec, order_by))
        return Page(items, next_cursor)

    def _documents(self, collection: str, filters: tuple[Filter, ...] = (),
                   order_by: tuple[tuple[str, bool], ...] = (), batch: int = 500) -> Iterator[dict[str, Any]]:
        """Every matching stored document, unvalidated, walking keyset pages of `batch`."""
        spec = COLLECTIONS[collection]
        start_after: tuple[Any, ...] | None = None
        while True:
            rows = self._query(spec, Query(collection, filters, order_by, batch, start_after))
            yield from rows
            if len(rows) < batch:
                return
            start_after = _position_of(rows[-1], spec, order_by)

    def _all(self, collection: str, model: type[M], filters: tuple[Filter, ...] = (),
             order_by: tuple[tuple[str, bool], ...] = (), batch: int = 500) -> Iterator[M]:
        return (model.model_validate(row) for row in self._documents(collection, filters, order_by, batch))

    # ---- captures ---------------------------------------------------------------------------------------
    def upsert_captures(self, captures: Sequence[FailureCapture]) -> UpsertResult:
        """Insert new captures; refresh content of known ones while keeping their review state and lineage.

        New captures are written in one batch (nobody can review a capture that does not exist yet). A known
        capture whose content changed is written by compare-and-set on the version it was read at (batched
        where the backend can), carrying the review fields of that read; one written meanwhile goes through
        `update`, which reads its review fields again, so a reviewer's change that lands between this call's
        read and its write is kept rather than overwritten. Unchanged captures are not written.
        """
        result = UpsertResult()
        spec = COLLECTIONS["captures"]
        existing = self._get_many(spec, [c.capture_id for c in captures])
        to_insert: list[dict[str, Any]] = []
        changed: list[FailureCapture] = []
        for capture in captures:
            document = capture.model_dump(mode="json")
            previous = existing.get(capture.capture_id)
            if previous is None:
                result.inserted.append(capture.capture_id)
                to_insert.append(document)
            elif with_review_fields(document, previous) == previous:
                result.unchanged.append(capture.capture_id)
            else:
                changed.append(capture)
        if to_insert:
            self._put_many(spec, to_insert)
        # Changed captures: one compare-and-set per capture on the version read here (batched where the backend
        # can); a capture written meanwhile goes through `update`, which reads its review fields again.
        current = self._get_many_versioned(spec, [c.capture_id for c in changed])
        writes, unchanged, contended = versioned_writes(changed, current)
        result.unchanged += unchanged
        for (document, _), written in zip(writes, self._put_many_if_version(spec, writes), strict=True):
            if written:
                result.updated.append(document["capture_id"])
            else:
                contended.append(FailureCapture.model_validate(document))
        for capture in contended:
            refreshed = CaptureRefresh(capture)
            self.update("captures", FailureCapture, capture.capture_id, refreshed)
            (result.updated if refreshed.wrote else result.unchanged).append(capture.capture_id)
        return result

    def save_captures(self, captures: Sequence[FailureCapture]) -> None:
        """Write captures as given (review changes, signature assignment)."""
        self._save("captures", captures)

    def get_capture(self, capture_id: str) -> FailureCapture | None:
        return self._load("captures", FailureCapture, capture_id)

    def get_captures(self, capture_ids: Sequence[str]) -> list[FailureCapture]:
        found = self._get_many(COLLECTIONS["captures"], list(capture_ids))
        return [FailureCapture.model_validate(found[i]) for i in capture_ids if i in found]

    def list_captures(self, where: CaptureFilter = CaptureFilter(), limit: int = 50,
                      cursor: str | None = None) -> Page[FailureCapture]:
        """Newest first; new captures arriving while a client pages land before its cursor, never inside it."""
        return self._page("captures", FailureCapture, where.filters(), (("occurred_at", True),), limit, cursor)

    def iter_captures(self, where: CaptureFilter = CaptureFilter()) -> Iterator[FailureCapture]:
        return self._all("captures", FailureCapture, where.filters(), (("occurred_at", True),))

    def iter_capture_documents(self, where: CaptureFilter = CaptureFilter()) -> Iterator[dict[str, Any]]:
        """Captures as stored JSON documents, skipping model validation: for bulk scans (the PII check,
        grouping) that read a few fields of every capture in an hour."""
        return self._documents("captures", where.filters(), (("occurred_at", True),))

    def count_captures(self, where: CaptureFilter = CaptureFilter()) -> int:
        return self._count(COLLECTIONS["captures"], where.filters())

    # ---- signatures -------------------------------------------------------------------------------------
    def save_signatures(self, signatures: Sequence[FailureSignature]) -> None:
        self._save("signatures", signatures)

    def get_signature(self, signature_id: str) -> FailureSignature | None:
        return self._load("signatures", FailureSignature, signature_id)

    def get_signatures(self, signature_ids: Sequence[str]) -> dict[str, FailureSignature]:
        found = self._get_many(COLLECTIONS["signatures"], list(signature_ids))
        return {key: FailureSignature.model_validate(doc) for key, doc in found.items()}

    def list_signatures(self, filters: tuple[Filter, ...] = (), order_by: tuple[tuple[str, bool], ...] = (
            ("count", True),), limit: int = 50, cursor: str | None = None) -> Page[FailureSignature]:
        return self._page("signatures", FailureSignature, filters, order_by, limit, cursor)

    def iter_signatures(self, filters: tuple[Filter, ...] = ()) -> Iterator[FailureSignature]:
        return self._all("signatures", FailureSignature, filters, (("last_seen", True),))

    # ---- quarantine -------------------------------------------------------------------------------------
    def save_quarantined(self, records: Sequence[QuarantineRecord]) -> None:
        self._save("quarantine", records)

    def list_quarantined(self, partition_key: str | None = None) -> list[QuarantineRecord]:
        filters = (Filter("partition_key", "==", partition_key),) if partition_key is not None else ()
        return list(self._all("quarantine", QuarantineRecord, filters, (("quarantined_at", False),)))

    # ---- exports and audit ------------------------------------------------------------------------------
    def save_export(self, package: ExportPackage) -> None:
        self._save("exports", [package])

    def get_export(self, export_id: str) -> ExportPackage | None:
        return self._load("exports", ExportPackage, export_id)

    def list_exports(self, filters: tuple[Filter, ...] = (), limit: int = 50,
                     cursor: str | None = None) -> Page[ExportPackage]:
        return self._page("exports", ExportPackage, filters, (("requested_at", True),), limit, cursor)

    def add_audit(self, entries: Sequence[AuditEntry]) -> None:
        self._save("audit", entries)

    def list_audit(self, filters: tuple[Filter, ...] = (), limit: int = 50,
                   cursor: str | None = None) -> Page[AuditEntry]:
        return self._page("audit", AuditEntry, filters, (("at", True),), limit, cursor)

    # ---- requests picked up by sensors ------------------------------------------------------------------
    def add_request(self, request: PendingRequest) -> None:
        self._save("requests", [request])

    def get_request(self, request_id: str) -> PendingRequest | None:
        return self._load("requests", PendingRequest, request_id)

    def pending_requests(self, kind: str, limit: int = 100, status: str = "pending") -> list[PendingRequest]:
        """Requests of `kind` in `status` (by default waiting for a sensor), oldest first."""
        filters = (Filter("kind", "==", kind), Filter("status", "==", status))
        return self._page("requests", PendingRequest, filters, (("created_at", False),), limit, None).items

    def save_request(self, request: PendingRequest) -> None:
        self._save("requests", [request])

    # ---- incidents, test runs, status -------------------------------------------------------------------
    def save_incident(self, incident: IncidentRecord) -> None:
        self._save("incidents", [incident])

    def get_incident(self, incident_id: str) -> IncidentRecord | None:
        return self._load("incidents", IncidentRecord, incident_id)

    def open_incident(self, service: str) -> IncidentRecord | None:
        filters = (Filter("service", "==", service), Filter("open", "==", True))
        rows = self._page("incidents", IncidentRecord, filters, (), 1, None).items
        return rows[0] if rows else None

    def list_incidents(self, limit: int = 50, cursor: str | None = None,
                       filters: tuple[Filter, ...] = ()) -> Page[IncidentRecord]:  # IncidentFilter.filters()
        return self._page("incidents", IncidentRecord, filters, (("detected_at", True),), limit, cursor)

    def save_test_run(self, run: TestRun) -> None:
        self._save("test_runs", [run])

    def get_test_run(self, run_id: str) -> TestRun | None:
        return self._load("test_runs", TestRun, run_id)

    def latest_test_run(self, incident_id: str) -> TestRun | None:
        page = self._page("test_runs", TestRun, (Filter("incident_id", "==", incident_id),),
                          (("started_at", True),), 1, None)
        return page.items[0] if page.items else None

    def get_status(self) -> SystemStatus | None:
        return self._load("status", SystemStatus, STATUS_DOC_ID)

    def save_status(self, status: SystemStatus) -> None:
        spec = COLLECTIONS["status"]
        self._put_many(spec, [self._document(spec, status, STATUS_DOC_ID)])

    # ---- events -----------------------------------------------------------------------------------------
    def append_event(self, event_type: str, payload: dict[str, Any]) -> StoredEvent:
        ts = now_iso()
        seq = self._append_event(event_type, payload, ts)
        return StoredEvent(seq=seq, type=event_type, payload=payload, ts=ts)

    def events_after(self, seq: int, limit: int = 500) -> list[StoredEvent]:
        return [StoredEvent.model_validate(row) for row in self._events_after(seq, limit)]

    @abc.abstractmethod
    def last_event_seq(self) -> int:
        """The newest event's sequence number, 0 when the log is empty."""

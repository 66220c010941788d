"""The `Store`: typed reads and writes of every record, over a few primitives each backend implements.

All record logic (idempotent upserts that keep review state, cursor pagination, the event log) lives here
once; `SqliteStore` and `FirestoreStore` only move documents.
"""

from __future__ import annotations

import abc
from collections.abc import Iterable, Iterator, Sequence
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
from evalforge_assets.store.query import (
    COLLECTIONS,
    CollectionSpec,
    Filter,
    InvalidCursor,
    Query,
    decode_cursor,
    encode_cursor,
    extract,
)

M = TypeVar("M", bound=BaseModel)

# Fields a reviewer or a later asset owns: re-ingesting a span must never reset them.
CAPTURE_REVIEW_FIELDS = ("detected_at", "lineage", "signature_id", "status", "assignee", "notes")
STATUS_DOC_ID = "current"


class StoreUnavailable(RuntimeError):
    """The store could not be reached; the message says which store and what to check."""


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
    def _append_event(self, event_type: str, payload: dict[str, Any], ts: str) -> int: ...

    @abc.abstractmethod
    def _events_after(self, seq: int, limit: int) -> list[dict[str, Any]]: ...

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StoreUnavailable when the store cannot be reached."""

    def close(self) -> None:
        """Release connections; the default holds none."""

    # ---- generic helpers --------------------------------------------------------------------------------
    def _save(self, collection: str, records: Iterable[BaseModel]) -> None:
        documents = [record.model_dump(mode="json") for record in records]
        if documents:
            self._put_many(COLLECTIONS[collection], documents)

    def _load(self, collection: str, model: type[M], doc_id: str) -> M | None:
        found = self._get_many(COLLECTIONS[collection], [doc_id]).get(doc_id)
        return model.model_validate(found) if found is not None else None

    def _page(
        self,
        collection: str,
        model: type[M],
        filters: tuple[Filter, ...],
        order_by: tuple[tuple[str, bool], ...],
        limit: int,
        cursor: str | None,
    ) -> Page[M]:
        spec = COLLECTIONS[collection]
        start_after = decode_cursor(cursor) if cursor else None
        if start_after is not None and len(start_after) != len(order_by) + 1:
            raise InvalidCursor("cursor belongs to a different sort order; start again without a cursor")
        if start_after is not None and not isinstance(start_after[-1], str):
            raise InvalidCursor("cursor is not one this API issued; start again without a cursor")
        rows = self._query(spec, Query(collection, filters, order_by, limit + 1, start_after))
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
        """Insert new captures; refresh content of known ones while keeping their review state and lineage."""
        result = UpsertResult()
        spec = COLLECTIONS["captures"]
        existing = self._get_many(spec, [c.capture_id for c in captures])
        to_write: list[dict[str, Any]] = []
        for capture in captures:
            document = capture.model_dump(mode="json")
            previous = existing.get(capture.capture_id)
            if previous is None:
                result.inserted.append(capture.capture_id)
                to_write.append(document)
                continue
            for name in CAPTURE_REVIEW_FIELDS:
                if name in previous:
                    document[name] = previous[name]
            if document == previous:
                result.unchanged.append(capture.capture_id)
            else:
                result.updated.append(capture.capture_id)
                to_write.append(document)
        if to_write:
            self._put_many(spec, to_write)
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
        documents = []
        for signature in signatures:
            document = signature.model_dump(mode="json")
            document["severity_rank"] = SEVERITY_RANK[signature.severity]
            documents.append(document)
        if documents:
            self._put_many(COLLECTIONS["signatures"], documents)

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

    def pending_requests(self, kind: str, limit: int = 100) -> list[PendingRequest]:
        filters = (Filter("kind", "==", kind), Filter("status", "==", "pending"))
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

    def list_incidents(self, limit: int = 50, cursor: str | None = None) -> Page[IncidentRecord]:
        return self._page("incidents", IncidentRecord, (), (("detected_at", True),), limit, cursor)

    def save_test_run(self, run: TestRun) -> None:
        self._save("test_runs", [run])

    def get_test_run(self, run_id: str) -> TestRun | None:
        return self._load("test_runs", TestRun, run_id)

    def latest_test_run(self, incident_id: str) -> TestRun | None:
        page = self._page("test_runs", TestRun, (Filter("incident_id", "==", incident_id),),
                          (("started_at", True),), 1, None)
        return page.items[0] if page.items else None

    def get_status(self) -> SystemStatus | None:
        found = self._get_many(COLLECTIONS["status"], [STATUS_DOC_ID]).get(STATUS_DOC_ID)
        if found is None:
            return None
        found.pop("status_id", None)
        return SystemStatus.model_validate(found)

    def save_status(self, status: SystemStatus) -> None:
        self._put_many(COLLECTIONS["status"], [{**status.model_dump(mode="json"), "status_id": STATUS_DOC_ID}])

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

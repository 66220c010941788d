"""Firestore store: the production backend, behaving exactly like `SqliteStore` under the same contract tests.

Document layout. Each record is one document whose id is the record key. The full record is kept as one JSON
string in `body`, and the collection's index fields (`CollectionSpec.fields`, via `query.index_values`) are
copied next to it as top-level native fields for filtering and sorting. Span metadata is arbitrary JSON: it
may hold nested arrays or keys Firestore rejects or rewrites (`__x__`, dotted or empty keys), so storing
records natively would need escaping on the way in and out. One JSON serialization keeps every round trip
exact and byte-for-byte the same as SQLite's, and `body` is exempted from indexing in firestore.indexes.json.
A `_version` field beside them counts the document's writes: blind writes merge with a server-side
increment. `create` uses the document's `create()`, which Firestore refuses when the document exists.

`update`'s compare-and-set is one commit guarded by a precondition on the document's update time, read
together with the version it checks: Firestore applies the write only if nothing wrote the document since,
atomically on the server. It is not a read-write transaction because those take a lock on every document
they read: two writers that both read a document each wait for the other's lock at commit, and the emulator
breaks that deadlock only after about 2 s (measured: 4 processes x 50 increments of one counter took 144 s
and starved a writer through 20 attempts; with the precondition, 2 x 20 increments take about 2 s).

Collections keep the `CollectionSpec` names. A `namespace` puts them under `evalforge_namespaces/{namespace}`
instead of at the root, so tests or tenants can share a project; the collection id (the "collection group"
Firestore indexes are declared for) stays the same, so one `firestore.indexes.json` serves every namespace.

Queries mirror SQLite's order exactly: the order fields, then the document id in the direction of the last
order field. `in` filters whose combination exceeds Firestore's 30-disjunction limit are split into
disjoint sub-queries whose pages are merged in that same order. The emulator does not enforce composite
indexes, so `required_index`/`uncovered_queries` model what production Firestore needs and the contract tests
check every query shape they issue against `firestore.indexes.json`.
"""

from __future__ import annotations

import json
import math
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from google.api_core.exceptions import AlreadyExists, FailedPrecondition, GoogleAPIError, NotFound
from google.auth.exceptions import GoogleAuthError
from google.cloud import firestore
from google.cloud.firestore_v1.base_query import FieldFilter

from evalforge_assets.store.base import Store, StoreUnavailable
from evalforge_assets.store.query import CollectionSpec, Filter, Query, extract, index_values

ASCENDING = "ASCENDING"
DESCENDING = "DESCENDING"
CONTAINS = "CONTAINS"  # an index entry's arrayConfig, listed in CompositeIndex.fields in place of a direction
DOCUMENT_ID = "__name__"
RANGE_OPS = frozenset({">=", "<=", ">", "<"})

MAX_BATCH_WRITES = 500  # Firestore's limit of writes per commit
MAX_BATCH_BYTES = 8 * 1024 * 1024  # stays under the 10 MiB request limit when bodies are large
GET_ALL_CHUNK = 300
MAX_DISJUNCTIONS = 30  # Firestore rejects a query whose `in` filters expand to more than 30 equality branches
PING_TIMEOUT_SECONDS = 3.0
EVENT_TRANSACTION_ATTEMPTS = 50  # appenders in different processes still contend on one counter document

NAMESPACE_COLLECTION = "evalforge_namespaces"
EVENTS_COLLECTION = "events"
COUNTERS_COLLECTION = "counters"
EVENT_COUNTER_DOC = "events"
EVENT_ID_DIGITS = 20  # zero-padded so document-id order is sequence order
VERSION_FIELD = "_version"


def _version_of(snapshot: Any) -> int:
    # Documents written before versions existed have no field: they count as version 0.
    return int((snapshot.to_dict() or {}).get(VERSION_FIELD, 0))


def _stored_value(value: Any) -> Any:
    """How an index field is stored and compared: nested values as sorted JSON, like SQLite's columns."""
    if isinstance(value, (dict, list)):
        return json.dumps(value, sort_keys=True)
    return value


def _order_rank(value: Any) -> tuple[int, Any]:
    """Firestore's cross-type order (null < booleans < numbers < strings) as a Python sort key."""
    if value is None:
        return (0, 0)
    if isinstance(value, bool):
        return (1, value)
    if isinstance(value, (int, float)):
        return (2, value)
    return (3, str(value))


def _range_fields(filters: Iterable[Filter]) -> list[str]:
    return list(dict.fromkeys(flt.field for flt in filters if flt.op in RANGE_OPS))


def _unique(values: Iterable[Any]) -> list[Any]:
    found: list[Any] = []
    for value in values:
        if value not in found:
            found.append(value)
    return found


def split_disjunctions(
    filters: tuple[Filter, ...], limit: int = MAX_DISJUNCTIONS
) -> list[tuple[Filter, ...]]:
    """Split `in` filters into disjoint filter sets that each expand to at most `limit` equality branches.

    The sets partition the original matches (each piece of a split `in` list holds different values), so the
    union of the sub-queries' results is the original result and their counts add up.
    """
    normalized = tuple(
        Filter(flt.field, "in", _unique(flt.value)) if flt.op == "in" else flt for flt in filters
    )
    sizes = [len(flt.value) if flt.op == "in" else 1 for flt in normalized]
    if math.prod(sizes) <= limit:
        return [normalized]
    widest = max(range(len(sizes)), key=lambda position: sizes[position])
    others = math.prod(sizes) // sizes[widest]
    chunk = max(1, limit // others)
    values = normalized[widest].value
    pieces: list[tuple[Filter, ...]] = []
    for start in range(0, len(values), chunk):
        piece = Filter(normalized[widest].field, "in", values[start:start + chunk])
        pieces.extend(split_disjunctions(normalized[:widest] + (piece,) + normalized[widest + 1:], limit))
    return pieces


# ---- composite index requirements --------------------------------------------------------------------------
@dataclass(frozen=True)
class IndexRequirement:
    """What a query needs from Firestore's indexes beyond the automatic single-field ones.

    `equality_fields` are the `==`/`in`/`array_contains` fields (their order in an index does not matter), of
    which `contains_fields` need an array-contains entry (`"arrayConfig": "CONTAINS"`); `order` is the
    sequence of (field, ASCENDING|DESCENDING) the query sorts on, a ranged field first.
    """

    collection_group: str
    equality_fields: frozenset[str]
    order: tuple[tuple[str, str], ...]
    contains_fields: frozenset[str] = frozenset()

    def exact_index(self) -> dict[str, Any]:
        """The `firestore.indexes.json` entry that serves this query on its own."""
        fields = [{"fieldPath": name, "arrayConfig": CONTAINS} if name in self.contains_fields
                  else {"fieldPath": name, "order": ASCENDING} for name in sorted(self.equality_fields)]
        fields += [{"fieldPath": name, "order": direction} for name, direction in self.order]
        return {"collectionGroup": self.collection_group, "queryScope": "COLLECTION", "fields": fields}


def _direction(descending: bool) -> str:
    return DESCENDING if descending else ASCENDING


def required_index(query: Query) -> IndexRequirement | None:
    """The composite index `query` needs in production Firestore, or None when single-field indexes serve it.

    Single-field indexes serve: equality filters alone (Firestore merges them, ordered by document id), and a
    sort or range on one field with no equality filter. Everything else needs a composite index ending in the
    query's order fields (the trailing document id is implicit in the direction of the last field).
    """
    contains = frozenset(flt.field for flt in query.filters if flt.op == "array_contains")
    equality = frozenset(flt.field for flt in query.filters if flt.op in ("==", "in")) | contains
    order = tuple((name, _direction(descending)) for name, descending in query.order_by)
    for name in _range_fields(query.filters):
        if name not in (field for field, _ in order):
            order = ((name, ASCENDING),) + order  # Firestore sorts a ranged field first, ascending by default
    if not order:
        return None
    if not equality and len(order) == 1:
        return None
    return IndexRequirement(query.collection, equality, order, contains)


@dataclass(frozen=True)
class CompositeIndex:
    collection_group: str
    fields: tuple[tuple[str, str], ...]  # (fieldPath, ASCENDING|DESCENDING), ending with __name__


def load_composite_indexes(path: str | Path) -> list[CompositeIndex]:
    """Read the `indexes` of a `firestore.indexes.json` (the Firebase CLI / gcloud format)."""
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    found: list[CompositeIndex] = []
    for entry in document.get("indexes", []):
        fields = [(field["fieldPath"], CONTAINS if field.get("arrayConfig") == CONTAINS
                   else field.get("order", ASCENDING)) for field in entry["fields"]]
        if fields and fields[-1][0] != DOCUMENT_ID:
            # Firestore appends the document id in the direction of the last field when it is not given.
            fields.append((DOCUMENT_ID, fields[-1][1]))
        found.append(CompositeIndex(entry["collectionGroup"], tuple(fields)))
    return found


def is_covered(requirement: IndexRequirement, indexes: Sequence[CompositeIndex]) -> bool:
    """Whether `indexes` serve the requirement, alone or merged.

    Firestore can merge composite indexes for queries whose other filters are equalities: every index used
    must end with exactly the query's order fields (and document id direction), and the equality fields in
    front of them must each be filtered on by the query; together they must cover every equality field.
    A range on the first order field only bounds each merged scan, so it is modelled like the sort alone;
    Query Explain against production can confirm a plan if Firestore's planner ever disagrees.
    """
    suffix = requirement.order + ((DOCUMENT_ID, requirement.order[-1][1]),)
    covered: set[str] = set()
    for index in indexes:
        if index.collection_group != requirement.collection_group or len(index.fields) < len(suffix):
            continue
        split = len(index.fields) - len(suffix)
        prefix, tail = index.fields[:split], index.fields[split:]
        prefix_fields = {name for name, _ in prefix}
        # An array-contains filter needs its field's CONTAINS entry, and a CONTAINS entry serves nothing else.
        kinds_match = all((direction == CONTAINS) == (name in requirement.contains_fields)
                          for name, direction in prefix)
        if tail == suffix and kinds_match and prefix_fields <= requirement.equality_fields:
            if not requirement.equality_fields:
                return True
            covered |= prefix_fields
    return bool(requirement.equality_fields) and covered == requirement.equality_fields


def uncovered_queries(queries: Iterable[Query], indexes: Sequence[CompositeIndex]) -> list[IndexRequirement]:
    """The distinct index requirements among `queries` that `indexes` do not serve."""
    missing: list[IndexRequirement] = []
    for query in queries:
        requirement = required_index(query)
        if requirement is not None and requirement not in missing and not is_covered(requirement, indexes):
            missing.append(requirement)
    return missing


# ---- the store ---------------------------------------------------------------------------------------------
class FirestoreStore(Store):
    def __init__(
        self,
        project: str,
        database: str = "(default)",
        client: firestore.Client | None = None,
        namespace: str = "",
        record_queries: bool = False,
    ) -> None:
        self.project = project
        self.database = database
        self.namespace = namespace
        self.url = f"firestore://{project}" + (f"/{database}" if database != "(default)" else "")
        # Tests set record_queries to check every query shape against firestore.indexes.json.
        self.recorded_queries: list[Query] | None = [] if record_queries else None
        self._owns_client = client is None
        if client is None:
            try:
                client = firestore.Client(project=project, database=database)
            except GoogleAuthError as exc:
                raise StoreUnavailable(f"Cannot connect to Firestore project {project!r}: {exc}. "
                                       f"{self._what_to_check()}") from exc
        self._client = client
        self._root: Any = client.document(NAMESPACE_COLLECTION, namespace) if namespace else client
        # Appends from one process queue here rather than contend for the counter document: Firestore settles
        # contention by aborting and retrying transactions (the emulator by holding locks for seconds).
        self._append_lock = threading.Lock()

    def _what_to_check(self) -> str:
        emulator = os.environ.get("FIRESTORE_EMULATOR_HOST")
        if emulator:
            return (f"FIRESTORE_EMULATOR_HOST is set to {emulator!r}: check that the Firestore emulator is "
                    f"running there, or unset it to use the real project.")
        return (f"Check that Google credentials for project {self.project!r} are available "
                "(GOOGLE_APPLICATION_CREDENTIALS or `gcloud auth application-default login`), that database "
                f"{self.database!r} exists, or set FIRESTORE_EMULATOR_HOST to use a local emulator.")

    def _collection(self, name: str) -> Any:
        return self._root.collection(name)

    def _record(self, query: Query) -> None:
        if self.recorded_queries is not None:
            self.recorded_queries.append(query)

    # ---- primitives -------------------------------------------------------------------------------------
    @staticmethod
    def _stored(spec: CollectionSpec, document: dict[str, Any]) -> dict[str, Any]:
        """The Firestore fields of a record: its JSON body and its index fields (every one, even when None)."""
        fields = {name: _stored_value(value) for name, value in index_values(spec, document).items()}
        # Array fields stay native arrays: `array_contains` only matches those.
        arrays = {name: list(document.get(name) or []) for name in spec.arrays}
        return {"body": json.dumps(document, separators=(",", ":")), **fields, **arrays}

    def _put_many(self, spec: CollectionSpec, documents: Sequence[dict[str, Any]]) -> None:
        collection = self._collection(spec.name)
        batch = self._client.batch()
        pending = pending_bytes = 0
        for document in documents:
            stored = self._stored(spec, document)
            size = len(stored["body"])
            if pending and (pending >= MAX_BATCH_WRITES or pending_bytes + size > MAX_BATCH_BYTES):
                batch.commit()
                batch = self._client.batch()
                pending = pending_bytes = 0
            # A merge that names every field replaces the record yet keeps `_version` for the increment, so a
            # blind write bumps it (from nothing to 1 on creation) and an update that read the old one retries.
            batch.set(collection.document(self._document_id(spec, document)),
                      {**stored, VERSION_FIELD: firestore.Increment(1)}, merge=True)
            pending += 1
            pending_bytes += size
        if pending:
            batch.commit()

    def _get_versioned(self, spec: CollectionSpec, doc_id: str) -> tuple[dict[str, Any] | None, int | None]:
        snapshot = self._collection(spec.name).document(doc_id).get()
        if not snapshot.exists:
            return None, None
        return json.loads(snapshot.get("body")), _version_of(snapshot)

    def _put_if_version(self, spec: CollectionSpec, document: dict[str, Any], expected: int | None) -> bool:
        if expected is None:
            return self._insert(spec, document)
        reference = self._collection(spec.name).document(self._document_id(spec, document))
        snapshot = reference.get()
        if not snapshot.exists or _version_of(snapshot) != expected:
            return False
        # Every write moves both the version and the update time, so "unchanged since this read" is
        # "still at the expected version"; the server checks it and writes in one step.
        unchanged = self._client.write_option(last_update_time=snapshot.update_time)
        try:
            reference.update({**self._stored(spec, document), VERSION_FIELD: expected + 1}, option=unchanged)
        except (FailedPrecondition, NotFound):
            return False
        return True

    def _insert(self, spec: CollectionSpec, document: dict[str, Any]) -> bool:
        reference = self._collection(spec.name).document(self._document_id(spec, document))
        try:
            reference.create({**self._stored(spec, document), VERSION_FIELD: 1})
        except AlreadyExists:
            return False
        return True

    @staticmethod
    def _document_id(spec: CollectionSpec, document: dict[str, Any]) -> str:
        key = document[spec.key]
        if not isinstance(key, str) or not key or "/" in key or key in (".", "..") or (
                key.startswith("__") and key.endswith("__")):
            raise ValueError(f"{spec.key}={key!r} cannot be a Firestore document id: ids are non-empty "
                             "strings without '/', not '.' or '..', and not of the form __name__.")
        return key

    def _get_many(self, spec: CollectionSpec, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        collection = self._collection(spec.name)
        unique = list(dict.fromkeys(ids))
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(unique), GET_ALL_CHUNK):
            references = [collection.document(doc_id) for doc_id in unique[start:start + GET_ALL_CHUNK]]
            for snapshot in self._client.get_all(references):
                if snapshot.exists:
                    found[snapshot.id] = json.loads(snapshot.get("body"))
        return found

    def _filtered(self, spec: CollectionSpec, filters: tuple[Filter, ...]) -> Any:
        query: Any = self._collection(spec.name)
        for flt in filters:
            value = [_stored_value(v) for v in flt.value] if flt.op == "in" else _stored_value(flt.value)
            query = query.where(filter=FieldFilter(flt.field, flt.op, value))
        return query

    @staticmethod
    def _check_shape(query: Query) -> None:
        ranged = _range_fields(query.filters)
        first_order = query.order_by[0][0] if query.order_by else None
        if len(ranged) > 1 or (ranged and ranged[0] != first_order):
            raise ValueError(
                f"Query on {query.collection!r} filters a range on {', '.join(ranged)} but sorts by "
                f"{first_order or 'document id'}: Firestore would sort by the ranged field first, so the "
                "order could not match SQLite's. Range-filter only the first order field."
            )

    def _query(self, spec: CollectionSpec, query: Query) -> list[dict[str, Any]]:
        self._check_shape(query)
        self._record(query)
        if any(flt.op == "in" and not flt.value for flt in query.filters):
            return []  # `x IN ()` matches nothing; Firestore refuses the empty list instead
        parts = split_disjunctions(query.filters)
        rows: list[dict[str, Any]] = []
        for filters in parts:
            rows.extend(self._run(spec, query, filters))
        if len(parts) > 1:
            rows = self._sorted(spec, query, rows)[: query.limit]
        return rows

    def _run(self, spec: CollectionSpec, query: Query, filters: tuple[Filter, ...]) -> list[dict[str, Any]]:
        firestore_query = self._filtered(spec, filters)
        for name, descending in query.order_by:
            firestore_query = firestore_query.order_by(name, direction=_direction(descending))
        firestore_query = firestore_query.order_by(DOCUMENT_ID, direction=_direction(query.descending))
        if query.start_after is not None:
            # Cursor values are the order values, then the document id (the client turns it into a reference).
            *order_values, doc_id = query.start_after
            firestore_query = firestore_query.start_after([_stored_value(v) for v in order_values] + [doc_id])
        if query.limit is not None:
            firestore_query = firestore_query.limit(query.limit)
        return [json.loads(snapshot.get("body")) for snapshot in firestore_query.stream()]

    @staticmethod
    def _sorted(spec: CollectionSpec, query: Query, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Rows of several sub-queries in the order one query would have returned them."""
        keys = [*((spec.fields[name], descending) for name, descending in query.order_by),
                (spec.key, query.descending)]
        ordered = list(rows)
        for path, descending in reversed(keys):  # stable sorts, least significant key first
            ordered.sort(key=lambda row, p=path: _order_rank(_stored_value(extract(row, p))),
                         reverse=descending)
        return ordered

    def _count(self, spec: CollectionSpec, filters: tuple[Filter, ...]) -> int:
        if any(flt.op == "in" and not flt.value for flt in filters):
            return 0
        # A ranged count sorts that field newest-first so it reuses the index the newest-first listing needs,
        # instead of needing an ascending twin of it.
        order_by = tuple((name, True) for name in _range_fields(filters))
        count_query = Query(spec.name, filters, order_by)
        self._check_shape(count_query)
        self._record(count_query)
        total = 0
        for part in split_disjunctions(filters):
            firestore_query = self._filtered(spec, part)
            for name, descending in order_by:
                firestore_query = firestore_query.order_by(name, direction=_direction(descending))
            result = firestore_query.count(alias="n").get()
            total += int(result[0][0].value)  # the emulator may answer with a float
        return total

    def _delete(self, spec: CollectionSpec, doc_id: str) -> None:
        self._collection(spec.name).document(doc_id).delete()

    def _append_event(self, event_type: str, payload: dict[str, Any], ts: str) -> int:
        counter = self._collection(COUNTERS_COLLECTION).document(EVENT_COUNTER_DOC)
        events = self._collection(EVENTS_COLLECTION)

        @firestore.transactional
        def append(transaction: firestore.Transaction) -> int:
            snapshot = counter.get(transaction=transaction)
            seq = int(snapshot.get("last_seq")) + 1 if snapshot.exists else 1
            body = json.dumps({"seq": seq, "type": event_type, "payload": payload, "ts": ts},
                              separators=(",", ":"))
            transaction.set(counter, {"last_seq": seq})
            transaction.create(events.document(f"{seq:0{EVENT_ID_DIGITS}d}"), {"seq": seq, "body": body})
            return seq

        with self._append_lock:
            return append(self._client.transaction(max_attempts=EVENT_TRANSACTION_ATTEMPTS))

    def _events_after(self, seq: int, limit: int) -> list[dict[str, Any]]:
        query = Query(EVENTS_COLLECTION, (Filter("seq", ">", seq),), (("seq", False),), limit)
        self._record(query)
        firestore_query = (self._collection(EVENTS_COLLECTION)
                           .where(filter=FieldFilter("seq", ">", seq))
                           .order_by("seq")
                           .limit(limit))
        return [json.loads(snapshot.get("body")) for snapshot in firestore_query.stream()]

    def last_event_seq(self) -> int:
        snapshot = self._collection(COUNTERS_COLLECTION).document(EVENT_COUNTER_DOC).get()
        return int(snapshot.get("last_seq")) if snapshot.exists else 0

    def ping(self) -> None:
        try:
            self._collection(COUNTERS_COLLECTION).document(EVENT_COUNTER_DOC).get(
                retry=None, timeout=PING_TIMEOUT_SECONDS)
        except (GoogleAPIError, GoogleAuthError) as exc:
            raise StoreUnavailable(
                f"The Firestore store for project {self.project!r} (database {self.database!r}) did not "
                f"answer within {PING_TIMEOUT_SECONDS:g} s: {type(exc).__name__}: {exc}. "
                f"{self._what_to_check()}"
            ) from exc

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

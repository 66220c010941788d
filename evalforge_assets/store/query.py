"""Backend-neutral query shapes and the collection catalogue both store implementations share."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any, Literal

# `array_contains`: a list field (one of the collection's `arrays`) holds the value.
Op = Literal["==", "in", ">=", "<=", ">", "<", "array_contains"]


@dataclass(frozen=True)
class Filter:
    field: str
    op: Op
    value: Any


@dataclass(frozen=True)
class Query:
    """Equality/`in` filters, at most one ranged field, an order (the document id breaks ties), a page."""

    collection: str
    filters: tuple[Filter, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    limit: int | None = None
    start_after: tuple[Any, ...] | None = None  # order values of the last row seen, then its id
    # Top-level fields the reader does not need: a backend may leave them out of the rows (they then take their
    # model defaults). A signature queue page shows no hourly maps, which are most of each signature's bytes
    # and validation time (a 50-row page: 1.9 -> 1.3 ms CPU). A record read this way must never be written back.
    omit: tuple[str, ...] = ()

    @property
    def descending(self) -> bool:
        return self.order_by[-1][1] if self.order_by else False


@dataclass(frozen=True)
class CollectionSpec:
    """A collection: the model field that is its id, and the fields copied out of the body to filter/sort on.

    `fields` maps a flat column name to a dotted path in the document, so nested values (lineage.partition_key)
    can be queried the same way in SQLite columns and Firestore top-level fields.
    """

    name: str
    key: str
    fields: dict[str, str] = field(default_factory=dict)
    indexes: tuple[tuple[str, ...], ...] = ()  # SQLite composite indexes; Firestore's live in firestore.indexes.json
    # Top-level list fields filtered with `array_contains`: SQLite reads them from the JSON body (no column, so
    # no migration), Firestore keeps a native array copy beside the body.
    arrays: tuple[str, ...] = ()
    # Large top-level fields a list reader usually omits (`Query.omit`): SQLite keeps each in a column of its
    # own beside a body that holds the rest, so a page that omits them never reads or parses their bytes.
    detached: tuple[str, ...] = ()
    # SQLite counts the writes to it in the database (triggers, so every process's writes count): a reader that
    # remembers a page it read can tell it is still current (`SqliteStore.change_count`).
    counts_changes: bool = False

    def __post_init__(self) -> None:
        # A detached field is not in the body, so nothing may filter on it there or copy a column out of it.
        for name in self.detached:
            if name in self.arrays or any(path.split(".")[0] == name for path in self.fields.values()):
                raise ValueError(f"Collection {self.name}: field {name!r} cannot be detached, it is filtered on.")


@dataclass(frozen=True)
class IncidentFilter:
    """Which incidents `Store.list_incidents` answers: any of `states`, one service, opened (the card's
    `detected_at`) in [opened_from, opened_to), and holding `alert_key` among its alert cycle keys."""

    states: tuple[str, ...] = ()
    service: str | None = None
    opened_from: str | None = None
    opened_to: str | None = None
    alert_key: str | None = None

    def filters(self) -> tuple[Filter, ...]:
        found: list[Filter] = []
        if len(self.states) == 1:
            found.append(Filter("state", "==", self.states[0]))
        elif self.states:
            found.append(Filter("state", "in", list(self.states)))
        if self.service is not None:
            found.append(Filter("service", "==", self.service))
        if self.alert_key is not None:
            found.append(Filter("alert_keys", "array_contains", self.alert_key))
        if self.opened_from:
            found.append(Filter("detected_at", ">=", self.opened_from))
        if self.opened_to:
            found.append(Filter("detected_at", "<", self.opened_to))
        return tuple(found)


CAPTURE_FILTERS = ("severity", "agent", "ml_app", "failure_kind", "status", "signature_id", "assignee")

COLLECTIONS: dict[str, CollectionSpec] = {
    spec.name: spec
    for spec in (
        CollectionSpec(
            "captures",
            "capture_id",
            {
                **{name: name for name in CAPTURE_FILTERS},
                "occurred_at": "occurred_at",
                "partition_key": "lineage.partition_key",
            },
            indexes=(("occurred_at",), ("partition_key", "occurred_at"))
            + tuple((name, "occurred_at") for name in CAPTURE_FILTERS),
        ),
        CollectionSpec(
            "signatures",
            "signature_id",
            {
                "ml_app": "ml_app",
                "agent": "agent",
                "failure_kind": "failure_kind",
                "severity": "severity",
                "severity_rank": "severity_rank",
                "status": "status",
                "count": "count",
                "first_seen": "first_seen",
                "last_seen": "last_seen",
                "merged_into": "merged_into",
                "assignee": "assignee",
            },
            # The queue hides merged signatures (merged_into IS NULL) and sorts: one index per sort order.
            indexes=(("count",), ("last_seen",), ("severity_rank",), ("status", "count"), ("merged_into",),
                     ("merged_into", "count"), ("merged_into", "last_seen"), ("merged_into", "severity_rank"),
                     ("assignee", "count")),
            # The hourly maps are nine tenths of a signature's bytes and no queue row shows them.
            detached=("counts_by_hour", "own_counts_by_hour"),
            # The queue changes when grouping runs or someone triages a signature; the API remembers its pages
            # in between (evalforge_api/signature_rows.py).
            counts_changes=True,
        ),
        CollectionSpec(
            "exports",
            "export_id",
            {"requested_at": "requested_at", "overall_status": "overall_status", "requested_by": "requested_by"},
            indexes=(("requested_at",), ("overall_status", "requested_at")),
            arrays=("capture_ids", "signature_ids"),
        ),
        CollectionSpec(
            "audit",
            "audit_id",
            {"at": "at", "actor": "actor", "action": "action", "resource_id": "resource_id",
             "resource_type": "resource_type"},
            indexes=(("at",), ("resource_id", "at"), ("actor", "at")),
        ),
        CollectionSpec(
            "incidents",
            "incident_id",
            {"service": "service", "open": "open", "state": "state", "detected_at": "card.detected_at"},
            indexes=(("service", "open"), ("detected_at",), ("service", "detected_at"),
                     ("state", "detected_at")),
            # Alert cycle keys: a replayed notification finds the (maybe closed) incident of its cycle.
            arrays=("alert_keys",),
        ),
        CollectionSpec("test_runs", "run_id", {"incident_id": "incident_id", "started_at": "started_at"},
                       indexes=(("incident_id", "started_at"),)),
        CollectionSpec("status", "status_id"),
        CollectionSpec(
            "requests",
            "request_id",
            {"kind": "kind", "status": "status", "created_at": "created_at"},
            indexes=(("kind", "status", "created_at"),),
        ),
        CollectionSpec(
            "quarantine",
            "quarantine_id",
            {"partition_key": "partition_key", "quarantined_at": "quarantined_at"},
            indexes=(("partition_key",), ("quarantined_at",)),
        ),
        # Uniqueness keys ("open-incident:checkout"), read and written only by id through create/update.
        CollectionSpec("claims", "key", {"owner": "owner"}),
        # Pipeline metric totals, one document per metric family (evalforge_assets/telemetry/stored.py), read
        # and written only by id.
        CollectionSpec("telemetry", "metric"),
        # API replicas share these, read and written only by id: fixed-window request counters (models.limits
        # RateWindow) and the cursor-signing secret generated once per store (StoredSecret).
        CollectionSpec("rate_limits", "counter_id"),
        CollectionSpec("api_secrets", "name"),
        # Slack war rooms, one per incident (models.war_rooms WarRoomRecord): the sensor lists the active ones.
        CollectionSpec("war_rooms", "incident_id", {"active": "active"}),
    )
}


def extract(document: dict[str, Any], path: str) -> Any:
    value: Any = document
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def index_values(spec: CollectionSpec, document: dict[str, Any]) -> dict[str, Any]:
    return {column: extract(document, path) for column, path in spec.fields.items()}


def encode_cursor(values: tuple[Any, ...]) -> str:
    return base64.urlsafe_b64encode(json.dumps(list(values), separators=(",", ":")).encode()).decode().rstrip("=")


class InvalidCursor(ValueError):
    pass


def start_position(cursor: str | None, order_by: tuple[tuple[str, bool], ...]) -> tuple[Any, ...] | None:
    """Where a page walked in `order_by` resumes: the keyset position `cursor` carries (None: from the start)."""
    start_after = decode_cursor(cursor) if cursor else None
    if start_after is not None and len(start_after) != len(order_by) + 1:
        raise InvalidCursor("cursor belongs to a different sort order; start again without a cursor")
    if start_after is not None and not isinstance(start_after[-1], str):
        raise InvalidCursor("cursor is not one this API issued; start again without a cursor")
    return start_after


def decode_cursor(cursor: str) -> tuple[Any, ...]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise InvalidCursor("cursor is not one this API issued; start again without a cursor") from exc
    if not isinstance(values, list) or not values:
        raise InvalidCursor("cursor is not one this API issued; start again without a cursor")
    return tuple(values)

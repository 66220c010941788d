"""Pipeline figures in the store: one `telemetry` document per metric family, holding all its series.

Each flush merges a process's pending increments into the family's document with `Store.update` (compare-and-
set with retry), so flushes from any number of Dagster run processes and API replicas add up without losing
an increment. Families are few and their labels bounded (sources, entity types, destinations, models), so a
document stays small; the API reads them all at scrape time (`read_families`).
"""

from __future__ import annotations

import logging

from pydantic import BaseModel, Field

from evalforge_assets.models import now_iso
from evalforge_assets.store import Store, StoreUnavailable, VersionConflict
from evalforge_assets.telemetry.catalog import FAMILIES, family
from evalforge_assets.telemetry.recorder import Delta, LabelKey, Recorder, merge_delta

COLLECTION = "telemetry"
# Many processes end their steps at the same moment (a backfill fans out), so allow more than the default.
FLUSH_ATTEMPTS = 100

log = logging.getLogger("evalforge.telemetry")


class StoredSeries(BaseModel):
    labels: dict[str, str] = Field(default_factory=dict)
    value: float = 0.0
    buckets: list[float] = Field(default_factory=list, description="Per-bucket counts (not cumulative), +Inf last.")
    sum: float = 0.0
    count: float = 0.0


class TelemetryFamily(BaseModel):
    """The stored totals of one metric family, keyed by its labels rendered as `name=value|...`."""

    metric: str
    series: dict[str, StoredSeries] = Field(default_factory=dict)
    updated_at: str = Field(default_factory=now_iso)


def _series_id(key: LabelKey) -> str:
    return "|".join(f"{name}={value}" for name, value in key)


def merged(current: TelemetryFamily | None, name: str, deltas: dict[LabelKey, Delta]) -> TelemetryFamily:
    """`current` with `deltas` added (a pure function: Store.update may call it more than once)."""
    kind = family(name).kind
    series = dict(current.series) if current else {}  # entries are replaced below, never changed in place
    for key, delta in deltas.items():
        sid = _series_id(key)
        stored = series.get(sid)
        # A new max gauge starts at its first reading (0 would hide a negative one); the rest start empty.
        total = Delta(value=delta.value if kind == "max_gauge" else 0.0) if stored is None else Delta(
            value=stored.value, buckets=list(stored.buckets), total=stored.sum, count=stored.count)
        merge_delta(kind, total, delta)  # the same addition the recorder does between flushes
        series[sid] = StoredSeries(labels=dict(key), value=total.value, buckets=total.buckets, sum=total.total,
                                   count=total.count)
    return TelemetryFamily(metric=name, series=series)


def flush_into(store: Store, recorder: Recorder) -> int:
    """Write the recorder's pending figures into the store, one update per changed family; returns how many
    families were written. What could not be written is kept for the next flush and logged, never raised:
    losing a metric must not fail the step that produced it."""
    taken = recorder.take()
    unwritten: dict[str, dict[LabelKey, Delta]] = {}
    for name, deltas in taken.items():
        try:
            store.update(COLLECTION, TelemetryFamily, name,
                         lambda current, name=name, deltas=deltas: merged(current, name, deltas),
                         attempts=FLUSH_ATTEMPTS)
        except (VersionConflict, StoreUnavailable) as exc:
            unwritten[name] = deltas
            log.warning("telemetry flush deferred", extra={"metric": name, "error": str(exc)})
    if unwritten:
        recorder.give_back(unwritten)
    return len(taken) - len(unwritten)


def read_families(store: Store) -> dict[str, TelemetryFamily]:
    """Every catalogued family as stored (families nobody has recorded yet are absent)."""
    found: dict[str, TelemetryFamily] = {}
    for name in FAMILIES:
        # Reading through update with a change that returns None writes nothing: the store's by-id read for
        # collections that have no typed accessor (as `claims` are read).
        stored = store.update(COLLECTION, TelemetryFamily, name, lambda _current: None)
        if stored is not None:
            found[name] = stored
    return found

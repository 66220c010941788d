"""The process-local recorder the pipeline calls: cheap in-memory aggregation, written out by `flush`.

Counting a span or a delivery is a dictionary update under a lock (well under a microsecond); nothing touches
the store until a step ends (see `steps.pipeline_step`) or the API is scraped, when each changed family is
merged into the store with one `Store.update`. Dagster runs are separate processes, so the store is what
adds up their figures (docs/operations.md, Metrics).
"""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field

from evalforge_assets.telemetry.catalog import family

LabelKey = tuple[tuple[str, str], ...]


@dataclass
class Delta:
    """What one series gained since the last flush: a counter's increment, a histogram's observations (per
    bucket, not cumulative), or a max gauge's highest value."""

    value: float = 0.0
    buckets: list[float] = field(default_factory=list)
    total: float = 0.0
    count: float = 0.0


class Recorder:
    """Pending increments per (family, labels); thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, dict[LabelKey, Delta]] = {}

    @staticmethod
    def _key(name: str, labels: dict[str, str]) -> LabelKey:
        wanted = family(name).labels
        if set(labels) != set(wanted):
            raise ValueError(f"{name} takes the labels {list(wanted)}, but was given {sorted(labels)}.")
        return tuple((label, str(labels[label])) for label in wanted)

    def count(self, name: str, amount: float = 1, **labels: str) -> None:
        if amount < 0:
            raise ValueError(f"{name} is a counter and only grows; {amount} cannot be added.")
        if not amount:
            return
        key = self._key(name, labels)
        with self._lock:
            delta = self._pending.setdefault(name, {}).setdefault(key, Delta())
            delta.value += amount

    def observe(self, name: str, value: float, **labels: str) -> None:
        bounds = family(name).buckets
        key = self._key(name, labels)
        slot = bisect.bisect_left(bounds, value)  # le semantics: a value equal to a bound falls in that bucket
        with self._lock:
            delta = self._pending.setdefault(name, {}).setdefault(key, Delta())
            if not delta.buckets:
                delta.buckets = [0.0] * (len(bounds) + 1)
            delta.buckets[slot] += 1
            delta.total += value
            delta.count += 1

    def raise_to(self, name: str, value: float, **labels: str) -> None:
        """A max gauge: keep the highest value seen (freshness moves forward only)."""
        key = self._key(name, labels)
        with self._lock:
            delta = self._pending.setdefault(name, {}).setdefault(key, Delta(value=value))
            delta.value = max(delta.value, value)

    def take(self) -> dict[str, dict[LabelKey, Delta]]:
        """Everything pending, leaving the recorder empty (give it back with `give_back` if it was not stored)."""
        with self._lock:
            taken, self._pending = self._pending, {}
        return taken

    def give_back(self, taken: dict[str, dict[LabelKey, Delta]]) -> None:
        """Return unflushed deltas, merged with whatever was recorded meanwhile, so no increment is lost."""
        with self._lock:
            for name, series in taken.items():
                kind = family(name).kind
                for key, delta in series.items():
                    mine = self._pending.setdefault(name, {}).get(key)
                    if mine is None:
                        self._pending[name][key] = delta
                    else:
                        merge_delta(kind, mine, delta)

    def pending(self) -> bool:
        with self._lock:
            return bool(self._pending)


def merge_delta(kind: str, into: Delta, other: Delta) -> None:
    """Add `other` into `into`: a max gauge keeps the higher value, anything else adds value, buckets, sum and
    count. Used between flushes and when a flush meets the stored totals."""
    if kind == "max_gauge":
        into.value = max(into.value, other.value)
        return
    into.value += other.value
    if other.buckets:
        into.buckets = [a + b for a, b in zip(into.buckets or [0.0] * len(other.buckets), other.buckets,
                                               strict=True)]
    into.total += other.total
    into.count += other.count

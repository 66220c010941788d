"""Evalforge's own telemetry (shared base): pipeline metrics through a process-local recorder flushed into the
store, and OpenTelemetry traces. docs/operations.md (Metrics, Traces) says why it works this way.

Pipeline code calls `count`/`observe`/`raise_to` where something happens (cheap, in memory); Dagster asset and
check bodies run inside `pipeline_step(...)`, which adds a span and writes the step's figures to the store when
the step ends; the API merges its own and reads everyone's at scrape time.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

from opentelemetry import trace

from evalforge_assets.store import Store
from evalforge_assets.telemetry.catalog import FAMILIES, Family
from evalforge_assets.telemetry.recorder import Recorder
from evalforge_assets.telemetry.steps import step_telemetry
from evalforge_assets.telemetry.stored import TelemetryFamily, flush_into, read_families
from evalforge_assets.telemetry.tracing import (
    configure_tracing,
    current_ids,
    force_flush,
    span,
    tracer,
    tracing_enabled,
)

# One recorder per process: Dagster runs each step in its own process, the API is one process per replica.
RECORDER = Recorder()


def count(name: str, amount: float = 1, **labels: str) -> None:
    """Add `amount` to the counter `name` (a family in telemetry/catalog.py) for these labels."""
    RECORDER.count(name, amount, **labels)


def observe(name: str, value: float, **labels: str) -> None:
    """Record one observation of the histogram `name`."""
    RECORDER.observe(name, value, **labels)


def raise_to(name: str, value: float, **labels: str) -> None:
    """Raise the max gauge `name` to `value` unless it is already higher."""
    RECORDER.raise_to(name, value, **labels)


def flush(store: Store) -> int:
    """Write this process's pending figures into `store` (families written; failures are kept for later)."""
    return flush_into(store, RECORDER)


def pipeline_step(step: str, store: Store, **attributes: Any) -> AbstractContextManager[trace.Span]:
    """Around an asset or check body: span `pipeline.<step>`, step outcome and duration, flush at the end."""
    return step_telemetry(RECORDER, step, store, **attributes)


def partition_range(keys: Sequence[str]) -> str:
    """`first..last` of a run's partition keys (a backfill may hold thousands; a span attribute stays short)."""
    if not keys:
        return ""
    return keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}"


def quarantine_reason(reason: str) -> str:
    """A bounded label for a quarantine reason: its kind before the first ':' (details vary per span)."""
    kind = reason.split(":", 1)[0].strip().lower()
    return kind[:60] or "unknown"


__all__ = [
    "FAMILIES", "RECORDER", "Family", "TelemetryFamily", "configure_tracing", "count", "current_ids", "flush",
    "force_flush", "observe", "partition_range", "pipeline_step", "quarantine_reason", "raise_to",
    "read_families", "span", "tracer", "tracing_enabled",
]

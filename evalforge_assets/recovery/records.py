"""Pure builders of what the incident service stores: a new incident, and the status a reading leads to."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from evalforge_assets.models import (
    DatadogSummary,
    IncidentCard,
    IncidentRecord,
    Link,
    Plan,
    SystemState,
    SystemStatus,
    parse_iso,
)
from evalforge_assets.recovery.readings import SignalReading
from evalforge_assets.recovery.states import open_timeline


def incident_id_for(service: str, detected_at: str) -> str:
    return "inc_" + hashlib.sha256(f"{service}|{detected_at}".encode()).hexdigest()[:16]


def new_incident(incident_id: str, service: str, reading: SignalReading, *, title: str, source: str, actor: str,
                 evidence: dict[str, Any], now: str, monitor_id: str | None, alert_key: str | None,
                 evidence_links: Sequence[Link], alerted_at: str | None = None) -> IncidentRecord:
    """An INCIDENT_ACTIVE incident detected `now`, with an empty plan (the planner adds one); `alerted_at` is
    the opening monitor alert's own time, when a monitor opened it."""
    card = IncidentCard(
        incident_id=incident_id,
        title=title,
        detected_at=now,
        datadog_summary=DatadogSummary(monitor_id=monitor_id, service=service, signal=reading.to_signal(),
                                       evidence_links=list(evidence_links)),
        plan=Plan(plan_id="", generated_at=now, items=[]),
    )
    return IncidentRecord(
        incident_id=incident_id, service=service, card=card, state=SystemState.INCIDENT_ACTIVE,
        alert_keys=[alert_key] if alert_key else [], timeline=open_timeline(actor, evidence, now), source=source,
        alerted_at=alerted_at,
    )


def time_to_detect(incident: IncidentRecord) -> float | None:
    """Seconds from the monitor's alert (`alerted_at`) to the incident opening here, never negative (the two
    clocks differ), or None when no monitor alert opened it. The one figure behind the war room's reports and
    the evalforge_incident_time_to_detect_seconds histogram."""
    if not incident.alerted_at:
        return None
    return max(0.0, (parse_iso(incident.card.detected_at) - parse_iso(incident.alerted_at)).total_seconds())


def status_from(previous: SystemStatus | None, incident: IncidentRecord | None, reading: SignalReading | None,
                now: str) -> SystemStatus:
    """The status for the open `incident` (None: HEALTHY) and the latest reading (None: keep the last numbers).

    `updated_at` moves to `now` only when something else changed: it is when the status last changed.
    """
    fresh = SystemStatus(
        status=incident.state if incident else SystemState.HEALTHY,
        error_rate_5m=reading.error_rate_5m if reading else (previous.error_rate_5m if previous else 0.0),
        p95_latency_ms_5m=reading.p95_latency_ms_5m if reading else (previous.p95_latency_ms_5m if previous else 0.0),
        active_incident_id=incident.incident_id if incident else None,
        updated_at=previous.updated_at if previous else now,
    )
    return fresh if previous is not None and fresh == previous else fresh.model_copy(update={"updated_at": now})


def meaningfully_changed(previous: SystemStatus | None, current: SystemStatus) -> bool:
    """State changes always count; rate jitter under a point (or 10% latency) does not flood the event log."""
    if previous is None or (previous.status, previous.active_incident_id) != (current.status,
                                                                              current.active_incident_id):
        return True
    latency_moved = abs(current.p95_latency_ms_5m - previous.p95_latency_ms_5m) > 0.1 * max(
        previous.p95_latency_ms_5m, 1.0)
    return abs(current.error_rate_5m - previous.error_rate_5m) >= 0.01 or latency_moved

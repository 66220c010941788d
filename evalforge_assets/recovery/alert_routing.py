"""Which incident a monitor alert belongs to, and what it does there: the pure rules behind
`IncidentService.apply_alert`, for every service Datadog monitors.

An incident opens per (service, alert cycle); Re-Triggered and Renotify of the cycle join it, and so does a new
cycle while the service has an incident open (at most one per service). A cycle whose incident is closed is
over: replaying any of its notifications changes nothing. Warn and No Data open nothing. Recovered applies to
the incident of its own cycle; the service decides what that means (validate, or close on the monitor's word).

`route_alert` takes the watched service's `IncidentService` (typed here as the `AlertTarget` it uses, so this
module does not import the service that imports it) and hands another service's alert to
`for_service(name)`: one code path for all services.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

from evalforge_assets import telemetry
from evalforge_assets.models import IncidentRecord, Link, PendingRequest
from evalforge_assets.recovery.alerts import (
    WEBHOOK_SOURCE,
    AlertOutcome,
    alert_actor,
    alert_record,
    incident_title,
    webhook_request_id,
)
from evalforge_assets.recovery.readings import SignalReading
from evalforge_assets.recovery.records import time_to_detect
from evalforge_assets.recovery.webhooks import AlertAction, MonitorAlert, alert_action
from evalforge_assets.store import IncidentFilter, Store

# What the service writes for a plan: open or join an incident, apply a monitor's recovery, or nothing.
AlertStep = Literal["open", "recover", "none"]


@dataclass(frozen=True)
class AlertPlan:
    """What one alert does: `step` for the service to take on `incident_id` (None with "open": the service
    opens one or joins its open one), `action` for the webhook's answer, and `note` for the stored alert."""

    action: AlertAction
    step: AlertStep
    incident_id: str | None
    note: str | None = None


def plan_alert(alert: MonitorAlert, *, cycle: IncidentRecord | None, current: IncidentRecord | None,
               validatable: bool) -> AlertPlan:
    """The plan for `alert`, given the incident of its cycle (`cycle`, open or closed, None when the cycle is
    new) and its service's open incident (`current`).

    A Recovered whose cycle is unknown goes to the open incident only where it just asks for validation (a
    validatable service: e.g. an incident opened by the metrics poller); elsewhere it would close an incident
    some other cycle opened, so it is only recorded.
    """
    action = alert_action(alert)
    key = alert.alert_cycle_key
    if action == "record":
        joined = cycle if cycle is not None and cycle.open else current
        return AlertPlan("record", "none", joined.incident_id if joined else None)
    if cycle is not None and not cycle.open:
        return AlertPlan("record", "none", cycle.incident_id,
                         note=f"Alert cycle {key!r} belongs to incident {cycle.incident_id}, which is closed; "
                              "a replay of a closed cycle changes nothing.")
    if action == "open":
        return AlertPlan("open", "open", None)
    target = cycle if cycle is not None else (current if validatable else None)
    if target is None:
        return AlertPlan("recover", "none", None,
                         note=f"No open incident of {alert.service or 'the watched service'} belongs to alert "
                              f"cycle {key!r}, so this recovery had nothing to apply to.")
    return AlertPlan("recover", "recover", target.incident_id)


def earlier_outcome(stored: PendingRequest) -> AlertOutcome:
    """The answer given to the first delivery of a notification, for an exact redelivery of it."""
    return AlertOutcome(action=stored.payload["action"], incident_id=stored.payload.get("incident_id"))


class AlertTarget(Protocol):
    """What routing needs of `IncidentService`."""

    store: Store
    service: str
    validatable: bool
    clock: Callable[[], str]

    def current(self) -> IncidentRecord | None: ...

    def for_service(self, name: str, *, validatable: bool = False) -> AlertTarget: ...

    def open_or_join(self, reading: SignalReading, *, source: str, actor: str, monitor_id: str | None = None,
                     alert_key: str | None = None, title: str | None = None,
                     evidence_links: Sequence[Link] = (),
                     alerted_at: str | None = None) -> tuple[IncidentRecord, bool]: ...

    def apply_monitor_recovery(self, incident_id: str, alert: MonitorAlert) -> IncidentRecord: ...


def incident_of_cycle(store: Store, service: str, alert_cycle_key: str) -> IncidentRecord | None:
    """The service's incident (open or closed) that a monitor alert cycle opened or joined, if any."""
    found = store.list_incidents(limit=1, filters=IncidentFilter(service=service, alert_key=alert_cycle_key)
                                 .filters()).items
    return found[0] if found else None


def route_alert(watched: AlertTarget, alert: MonitorAlert) -> AlertOutcome:
    """Apply a monitor notification for any service and store it with what it led to.

    An exact redelivery (Datadog retries) finds the notification stored and gets the first answer again,
    changing nothing; it is stored last, so a stored one was handled in full. An alert without a service tag
    is the watched service's, as before services were told apart.
    """
    delivered = watched.store.get_request(webhook_request_id(alert))
    if delivered is not None:
        return earlier_outcome(delivered)
    target = watched.for_service(alert.service) if alert.service else watched
    plan = plan_alert(alert, cycle=incident_of_cycle(target.store, target.service, alert.alert_cycle_key),
                      current=target.current(), validatable=target.validatable)
    incident_id = plan.incident_id
    if plan.step == "open":
        links = [Link(label="Datadog monitor alert", url=alert.link)] if alert.link else []
        incident, created = target.open_or_join(
            alert_reading(target), source=WEBHOOK_SOURCE, actor=alert_actor(alert), monitor_id=alert.monitor_id,
            alert_key=alert.alert_cycle_key, title=incident_title(alert), evidence_links=links,
            alerted_at=alert.date)
        incident_id = incident.incident_id
        detect = time_to_detect(incident) if created else None  # the same figure the war room reports
        if detect is not None:
            telemetry.observe("evalforge_incident_time_to_detect_seconds", detect)
    elif plan.step == "recover" and incident_id is not None:
        target.apply_monitor_recovery(incident_id, alert)
    outcome = "recorded" if plan.step == "none" else "processed"
    watched.store.add_request(alert_record(alert, plan.action, incident_id, outcome, watched.clock(),
                                           note=plan.note))
    return AlertOutcome(action=plan.action, incident_id=incident_id)


def alert_reading(target: AlertTarget) -> SignalReading:
    """A monitor alert carries no numbers, so the incident starts from the last known ones: the status
    document's, which are the watched service's; another service's incident starts from none."""
    known = target.store.get_status() if target.validatable else None
    return SignalReading(error_rate_5m=known.error_rate_5m if known else 0.0,
                         p95_latency_ms_5m=known.p95_latency_ms_5m if known else 0.0,
                         top_error=None, source=WEBHOOK_SOURCE)

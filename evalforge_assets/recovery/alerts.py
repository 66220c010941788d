"""What a Datadog monitor alert leaves behind: the stored notification, the incident's title, the timeline
note of a monitor's recovery, and the close of an incident Evalforge cannot validate. Pure builders;
`alert_routing.route_alert` decides and `IncidentService` writes."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from evalforge_assets.models import IncidentRecord, PendingRequest, RequestKind, SystemState, TimelineEntry
from evalforge_assets.recovery.webhooks import AlertAction, MonitorAlert

WEBHOOK_SOURCE = "datadog_monitor"
# The timeline event of a monitor's Recovered (on the incident of its cycle).
MONITOR_RECOVERED = "monitor recovered"
# Datadog prefixes event titles with markers such as "[P1]" or "[Triggered on {service:demo-app}]".
_TITLE_MARKERS = re.compile(r"^(\s*\[[^\]]*\])+\s*")


class AlertOutcome(BaseModel):
    """What the pipeline did with one alert (the webhook's answer)."""

    model_config = ConfigDict(frozen=True, json_schema_extra={"examples": [
        {"action": "open", "incident_id": "inc_5d41402abc4b2a76"}]})

    action: AlertAction = Field(description="open: opened or joined an incident; recover: noted the monitor's "
                                            "recovery (and queued validation); record: stored the alert only.")
    incident_id: str | None = Field(description="The incident the alert was applied to, if any.")


def webhook_request_id(alert: MonitorAlert) -> str:
    # Datadog retries deliveries: the same notification must land on the same record.
    raw = json.dumps(alert.raw, sort_keys=True, separators=(",", ":"), default=str)
    return "webhook-" + hashlib.sha256(raw.encode()).hexdigest()[:20]


def alert_actor(alert: MonitorAlert) -> str:
    return f"datadog monitor {alert.monitor_id}"


def incident_title(alert: MonitorAlert) -> str | None:
    return _TITLE_MARKERS.sub("", alert.title).strip() or None


def alert_record(alert: MonitorAlert, action: AlertAction, incident_id: str | None, outcome: str, now: str,
                 note: str | None = None) -> PendingRequest:
    """The stored notification (a `webhook` request), so what Datadog said stays visible next to what it did.

    The status is never "pending": the alert was handled when it arrived, so no sensor should pick it up again.
    """
    payload: dict[str, Any] = {
        "action": action, "incident_id": incident_id, "monitor_id": alert.monitor_id,
        "alert_cycle_key": alert.alert_cycle_key, "transition": alert.transition.value, "title": alert.title,
        "service": alert.service, "link": alert.link, "date": alert.date, "raw": alert.raw,
    }
    if note:
        payload["note"] = note
    return PendingRequest(request_id=webhook_request_id(alert), kind=RequestKind.webhook, payload=payload,
                          created_at=now, status=outcome)


def _recovery_evidence(alert: MonitorAlert) -> dict[str, Any]:
    return {"event": MONITOR_RECOVERED, "monitor_id": alert.monitor_id, "alert_cycle_key": alert.alert_cycle_key,
            "link": alert.link, "title": alert.title}


def with_recovery_note(incident: IncidentRecord, alert: MonitorAlert, now: str) -> IncidentRecord:
    """A monitor's recovery is evidence, not a state change: recovery still needs passing checks and a low
    signal, so it goes on the timeline as an entry that stays in the current state."""
    entry = TimelineEntry(at=now, from_state=incident.state.value, to_state=incident.state.value,
                          actor=alert_actor(alert), evidence=_recovery_evidence(alert))
    return incident.model_copy(update={"timeline": [*incident.timeline, entry]})


def cycles_still_alerting(incident: IncidentRecord) -> list[str]:
    """The incident's alert cycles no monitor recovery has been noted for yet, in the order they joined."""
    recovered = {entry.evidence.get("alert_cycle_key") for entry in incident.timeline
                 if entry.evidence.get("event") == MONITOR_RECOVERED}
    return [key for key in incident.alert_keys if key not in recovered]


def closed_by_monitor(incident: IncidentRecord, alert: MonitorAlert, now: str) -> IncidentRecord:
    """The incident of a service Evalforge cannot validate, closed as RECOVERED on its monitor's word.

    The state machine's rule (RECOVERED only after a validation run) holds where Evalforge has checks to run;
    for any other service the monitor's Recovered is the only evidence there will be, so the incident moves
    straight to RECOVERED with the monitor as actor and is closed, which frees the service for its next cycle.
    """
    evidence = {**_recovery_evidence(alert),
                "reason": f"The monitor recovered and {incident.service} has no check target Evalforge can "
                          "validate, so the monitor's recovery is the evidence."}
    entry = TimelineEntry(at=now, from_state=incident.state.value, to_state=SystemState.RECOVERED.value,
                          actor=alert_actor(alert), evidence=evidence)
    return incident.model_copy(update={"state": SystemState.RECOVERED, "open": False, "resolved_at": now,
                                       "timeline": [*incident.timeline, entry]}, deep=True)


def recovered_by_monitor(incident: IncidentRecord, alert: MonitorAlert, now: str) -> IncidentRecord | None:
    """A monitor's Recovered on an incident Evalforge cannot validate: noted, and closed as RECOVERED once no
    alert cycle of it is still alerting. None (nothing to write) when it is closed or the cycle already
    recovered."""
    if not incident.open or alert.alert_cycle_key not in cycles_still_alerting(incident):
        return None
    noted = with_recovery_note(incident, alert, now)
    return noted if cycles_still_alerting(noted) else closed_by_monitor(incident, alert, now)

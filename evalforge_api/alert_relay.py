"""Alerts about Evalforge itself, from Alertmanager to Slack: the webhook payload (version 4) and the relay.

Alertmanager posts a group of alerts; the relay writes one Slack message for it in EVALFORGE_SLACK_ALERTS_CHANNEL
through the war room's Slack gateway, and records the notification in the audit trail either way, so an alert
that could not be forwarded (no Slack configured) is still on record at GET /v1/audit?actor=alertmanager.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from evalforge_assets.models import AuditEntry, now_iso
from evalforge_assets.recovery.warroom.slack_errors import SlackFailure
from evalforge_assets.recovery.warroom.slack_gateway import SlackGateway
from evalforge_assets.store import Store

ACTOR = "alertmanager"
MAX_ALERTS = 1000  # Alertmanager's max_alerts is 50 here (alertmanager.yml); this bounds a hand-made payload
_SHOWN_ALERTS = 20  # a Slack message lists this many; the rest are counted


class AlertmanagerAlert(BaseModel):
    """One alert of a notification (Alertmanager webhook payload, version 4)."""

    model_config = ConfigDict(extra="ignore")

    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: str
    endsAt: str | None = None
    generatorURL: str = ""
    fingerprint: str = ""


class AlertmanagerNotification(BaseModel):
    """What Alertmanager's webhook receiver posts (https://prometheus.io/docs/alerting/latest/configuration/
    #webhook_config): a group of alerts that share `groupLabels`."""

    model_config = ConfigDict(extra="ignore")

    version: Literal["4"]
    groupKey: str = Field(max_length=2000)
    truncatedAlerts: int = Field(default=0, ge=0)
    status: Literal["firing", "resolved"]
    receiver: str
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[AlertmanagerAlert] = Field(min_length=1, max_length=MAX_ALERTS)

    @field_validator("truncatedAlerts", mode="before")
    @classmethod
    def _a_count_not_a_flag(cls, value: object) -> object:
        # Alertmanager sends a count; pydantic would read `false` as 0, which is not its payload.
        if isinstance(value, bool):
            raise ValueError("truncatedAlerts is a count of the alerts left out, not true or false")  # noqa: TRY004 - pydantic reports only ValueError as a 422
        return value


class RelayOutcome(BaseModel):
    """What became of a notification: forwarded to Slack (with the message's channel and ts) or only stored."""

    forwarded: bool
    channel: str | None = None
    ts: str | None = None
    alerts: int
    audit_id: str
    detail: str


class AlertNotForwarded(RuntimeError):
    """Slack refused or could not be reached; the notification is on record and Alertmanager should retry."""


def message_text(notification: AlertmanagerNotification) -> str:
    """The Slack text: one headline for the group, then one line per alert (its summary, or its labels)."""
    labels = notification.commonLabels
    name = labels.get("alertname") or notification.groupLabels.get("alertname") or "Evalforge alert"
    severity = labels.get("severity")
    firing = sum(1 for alert in notification.alerts if alert.status == "firing")
    headline = (f"[{notification.status.upper()}{f':{firing}' if notification.status == 'firing' else ''}] {name}"
                f"{f' ({severity})' if severity else ''}")
    lines = [headline]
    for alert in notification.alerts[:_SHOWN_ALERTS]:
        what = alert.annotations.get("summary") or ", ".join(f"{k}={v}" for k, v in sorted(alert.labels.items()))
        runbook = alert.annotations.get("runbook")
        lines.append(f"• {'resolved: ' if alert.status == 'resolved' else ''}{what} (since {alert.startsAt})"
                     f"{f' — runbook: {runbook}' if runbook else ''}")
    hidden = len(notification.alerts) - _SHOWN_ALERTS + notification.truncatedAlerts
    if hidden > 0:
        lines.append(f"… and {hidden} more alert(s); see Alertmanager at {notification.externalURL or 'its UI'}.")
    return "\n".join(lines)


def _blocks(text: str) -> Sequence[dict[str, Any]]:
    # Slack caps a section's text at 3,000 characters; the plain `text` keeps the whole message.
    return [{"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}]


class AlertRelay:
    """Forwards Alertmanager notifications to Slack when a gateway and a channel are configured."""

    def __init__(self, store: Store, slack: SlackGateway | None, channel: str | None,
                 clock: Callable[[], str] = now_iso) -> None:
        self._store = store
        self._slack = slack
        self._channel = channel
        self._clock = clock

    def _why_not(self) -> str | None:
        if self._slack is None:
            return ("The alert was stored but not forwarded: no Slack is configured; set SLACK_BOT_TOKEN (or "
                    "SLACK_WEBHOOK_URL) and EVALFORGE_SLACK_ALERTS_CHANNEL on the API.")
        if not self._channel and self._slack.can_manage_channels:
            return ("The alert was stored but not forwarded: EVALFORGE_SLACK_ALERTS_CHANNEL is not set; set it to "
                    "the channel (id or name) alerts should go to.")
        return None

    def relay(self, notification: AlertmanagerNotification) -> RelayOutcome:
        """Post the notification to Slack (or not, saying why) and record it; AlertNotForwarded when Slack fails."""
        text = message_text(notification)
        group = hashlib.sha256(notification.groupKey.encode()).hexdigest()[:16]
        audit_id = f"alert-{uuid.uuid4().hex}"
        summary = [{"alertname": alert.labels.get("alertname"), "severity": alert.labels.get("severity"),
                    "status": alert.status, "summary": alert.annotations.get("summary"),
                    "starts_at": alert.startsAt, "fingerprint": alert.fingerprint}
                   for alert in notification.alerts]
        detail: dict[str, Any] = {"status": notification.status, "group_labels": notification.groupLabels,
                                  "alerts": summary, "channel": self._channel}

        def record(status: str, **more: Any) -> None:
            self._store.add_audit([AuditEntry(audit_id=audit_id, at=self._clock(), actor=ACTOR,
                                              action=f"alert.{notification.status}", resource_type="alert_group",
                                              resource_id=group, destination="slack", status=status,
                                              detail={**detail, **more})])

        why_not = self._why_not()
        if why_not is not None:
            record("not_forwarded", reason=why_not)
            return RelayOutcome(forwarded=False, channel=self._channel, alerts=len(notification.alerts),
                                audit_id=audit_id, detail=why_not)
        assert self._slack is not None  # _why_not said so
        try:
            ts = self._slack.post(self._channel, text, _blocks(text))
        except SlackFailure as failure:
            record("failed", error=str(failure))
            raise AlertNotForwarded(f"Slack did not take the alert: {failure} The alert is on record "
                                    f"({audit_id}); Alertmanager will send it again.") from failure
        record("forwarded", ts=ts)
        return RelayOutcome(forwarded=True, channel=self._channel, ts=ts or None, alerts=len(notification.alerts),
                            audit_id=audit_id, detail=f"Forwarded to Slack channel {self._channel or '(webhook)'}.")

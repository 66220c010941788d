"""Datadog monitor webhooks: from a notification payload to a `MonitorAlert` and what to do with it.

Datadog fills the webhook's payload template with `$VARIABLES`, and every value arrives as a string. The
template is the user's to edit, so parsing accepts both Datadog's default template
(`id`, `event_type`, `title`, `date`, `body`, `last_updated`, `org`) and the recommended one below, takes each
field from the first key that carries it, and treats empty values and unexpanded `$VARIABLES` as missing.

The recommended payload is `RECOMMENDED_PAYLOAD` below (Integrations > Webhooks > your webhook > Payload;
`evalforge datadog setup` installs it), with the custom header
`{"X-Evalforge-Webhook-Secret": "<EVALFORGE_WEBHOOK_SECRET>"}`: Datadog does not sign webhooks, so a shared
secret header is what authenticates them (`verify_webhook_secret`).

With the default template there is no monitor id or transition field: the monitor id is then read from a
`/monitors/<id>` link in the body, and the transition from the `[Triggered]`-style marker Datadog puts in
event titles. Without `$ALERT_CYCLE_KEY` the dedupe key falls back to `$AGGREG_KEY`, then to the monitor id
(a monitor has one open alert cycle at a time).
"""

from __future__ import annotations

import hmac
import math
import re
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

# Every field the parser reads first, so alerts carry the monitor id, transition, dedupe key and tags
# explicitly instead of being guessed from the title (a superset of the template in docs/recovery.md).
RECOMMENDED_PAYLOAD: dict[str, Any] = {
    "alert_id": "$ALERT_ID",
    "alert_cycle_key": "$ALERT_CYCLE_KEY",
    "alert_transition": "$ALERT_TRANSITION",
    "alert_type": "$ALERT_TYPE",
    "alert_status": "$ALERT_STATUS",
    "aggreg_key": "$AGGREG_KEY",
    "tags": "$TAGS",
    "link": "$LINK",
    "title": "$EVENT_TITLE",
    "body": "$EVENT_MSG",
    "date": "$DATE",
    "event_type": "$EVENT_TYPE",
    "id": "$ID",
    "org": {"id": "$ORG_ID", "name": "$ORG_NAME"},
}

from evalforge_assets.models import iso

WEBHOOK_SECRET_HEADER = "X-Evalforge-Webhook-Secret"

AlertAction = Literal["open", "recover", "record"]


class WebhookPayloadError(ValueError):
    """A webhook payload that cannot become a `MonitorAlert`; the message names the field and why."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class AlertTransition(str, Enum):
    """`$ALERT_TRANSITION` values."""

    TRIGGERED = "Triggered"
    RE_TRIGGERED = "Re-Triggered"
    RECOVERED = "Recovered"
    WARN = "Warn"
    NO_DATA = "No Data"
    RENOTIFY = "Renotify"


def _normalized(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


_TRANSITIONS_BY_KEY: dict[str, AlertTransition] = {_normalized(t.value): t for t in AlertTransition} | {
    "warning": AlertTransition.WARN,
}
# `$ALERT_TYPE` Datadog would send for each transition, used when the template does not carry it.
_DEFAULT_ALERT_TYPE = {
    AlertTransition.TRIGGERED: "error",
    AlertTransition.RE_TRIGGERED: "error",
    AlertTransition.RENOTIFY: "error",
    AlertTransition.RECOVERED: "success",
    AlertTransition.WARN: "warning",
    AlertTransition.NO_DATA: "info",
}
_ACTIONS: dict[AlertTransition, AlertAction] = {
    AlertTransition.TRIGGERED: "open",
    AlertTransition.RE_TRIGGERED: "open",
    AlertTransition.RENOTIFY: "open",
    AlertTransition.RECOVERED: "recover",
    AlertTransition.WARN: "record",
    AlertTransition.NO_DATA: "record",
}
_UNEXPANDED_VARIABLE = re.compile(r"\$[A-Z][A-Z0-9_]*")
_TITLE_MARKER = re.compile(r"\[([^\]]+)\]")
_MONITOR_LINK = re.compile(r"/monitors[/#](\d+)")
# Epoch values below this are seconds ($DATE_POSIX); above, milliseconds ($DATE).
_SECONDS_OR_MILLISECONDS_BOUNDARY = 10**11


class MonitorAlert(BaseModel):
    """One monitor notification, normalised. `raw` is the payload exactly as received."""

    monitor_id: str
    alert_cycle_key: str = Field(description="Same for a trigger and its recovery: the dedupe key.")
    transition: AlertTransition
    alert_type: str = Field(description="error | warning | success | info (Datadog's $ALERT_TYPE).")
    alert_status: str | None = None
    title: str
    body: str
    date: str | None = Field(description="ISO-8601 UTC time of the event, from $DATE (epoch ms).")
    tags: list[str] = Field(default_factory=list)
    link: str | None = None
    service: str | None = None
    aggreg_key: str | None = None
    event_id: str | None = Field(default=None, description="$ID: the id of this notification's event.")
    raw: dict[str, Any]


def parse_monitor_webhook(payload: dict[str, Any]) -> MonitorAlert:
    """The alert in a Datadog monitor webhook payload; raises `WebhookPayloadError` naming what is wrong."""
    if not isinstance(payload, dict):
        raise WebhookPayloadError(
            f"The webhook payload must be a JSON object, but it is a {type(payload).__name__}; set the webhook's "
            "payload to a JSON object template (see evalforge_assets/recovery/webhooks.py)."
        )
    title = _text(payload, "title", "alert_title", "event_title") or ""
    body = _text(payload, "body", "text_only_msg", "event_msg") or ""
    link = _text(payload, "link")
    monitor_id = _monitor_id(payload, link, body)
    transition = _transition(payload, title)
    tags = _tags(payload)
    aggreg_key = _text(payload, "aggreg_key")
    return MonitorAlert(
        monitor_id=monitor_id,
        alert_cycle_key=_text(payload, "alert_cycle_key") or aggreg_key or f"monitor-{monitor_id}",
        transition=transition,
        alert_type=(_text(payload, "alert_type") or _DEFAULT_ALERT_TYPE[transition]).lower(),
        alert_status=_text(payload, "alert_status"),
        title=title,
        body=body,
        date=_date(payload),
        tags=tags,
        link=link,
        service=_service(payload, tags, title),
        aggreg_key=aggreg_key,
        event_id=_text(payload, "id", "event_id"),
        raw=payload,
    )


def alert_action(alert: MonitorAlert) -> AlertAction:
    """What the incident pipeline does with an alert: open (or keep open) an incident, recover it, or only
    record the notification. Deduplication by `alert_cycle_key` is the caller's job."""
    return _ACTIONS[alert.transition]


def verify_webhook_secret(header_value: str | None, expected: str) -> bool:
    """Whether a request's secret header matches `expected`, in constant time.

    A `Bearer ` prefix is accepted, so the secret can also travel in an Authorization header. An empty
    `expected` never matches: an unconfigured secret must not let everyone in.
    """
    if not expected or header_value is None:
        return False
    presented = header_value.strip()
    if presented[:7].lower() == "bearer ":
        presented = presented[7:].strip()
    return hmac.compare_digest(presented.encode("utf-8"), expected.encode("utf-8"))


# -- field readers ------------------------------------------------------------------------------------------


def _text(payload: dict[str, Any], *names: str) -> str | None:
    """The first of `names` holding a usable value, as a stripped string; None if none does."""
    for name in names:
        value = payload.get(name)
        if value is None or isinstance(value, bool):
            continue
        if isinstance(value, int | float):
            value = str(value)
        if not isinstance(value, str):
            raise WebhookPayloadError(
                f"The field {name!r} should be a string but is a {type(value).__name__} ({_excerpt(value)}); "
                "check the webhook payload template.",
                field=name,
            )
        value = value.strip()
        if value and not _UNEXPANDED_VARIABLE.fullmatch(value):
            return value
    return None


def _monitor_id(payload: dict[str, Any], link: str | None, body: str) -> str:
    explicit = _text(payload, "alert_id", "monitor_id")
    if explicit:
        return explicit
    for text in (link or "", body):
        found = _MONITOR_LINK.search(text)
        if found:
            return found.group(1)
    raise WebhookPayloadError(
        'The payload has no monitor id: there is no "alert_id" field and no /monitors/<id> link in "link" or '
        '"body". Add "alert_id": "$ALERT_ID" to the webhook payload template.',
        field="alert_id",
    )


def _transition(payload: dict[str, Any], title: str) -> AlertTransition:
    explicit = _text(payload, "alert_transition", "transition")
    if explicit is not None:
        transition = _TRANSITIONS_BY_KEY.get(_normalized(explicit))
        if transition is None:
            raise WebhookPayloadError(
                f"The field 'alert_transition' is {explicit!r}, which is not a Datadog monitor transition; "
                f"expected one of {', '.join(t.value for t in AlertTransition)}.",
                field="alert_transition",
            )
        return transition
    # Default template: Datadog titles carry the transition, e.g. "[P1] [Triggered on {service:x}] High errors".
    for marker in _TITLE_MARKER.findall(title):
        transition = _TRANSITIONS_BY_KEY.get(_normalized(marker.split(" on ", 1)[0]))
        if transition is not None:
            return transition
    raise WebhookPayloadError(
        'The payload has no transition: there is no "alert_transition" field and the title '
        f"{title!r} has no [Triggered] / [Recovered] / ... marker. Add "
        '"alert_transition": "$ALERT_TRANSITION" to the webhook payload template.',
        field="alert_transition",
    )


def _date(payload: dict[str, Any]) -> str | None:
    for name in ("date", "date_posix", "last_updated"):
        text = _text(payload, name)
        if text is None:
            continue
        try:
            epoch = float(text)
        except ValueError:
            raise WebhookPayloadError(
                f"The field {name!r} should be an epoch time in milliseconds (Datadog's $DATE) but is "
                f"{text!r}, which is not a number.",
                field=name,
            ) from None
        if not math.isfinite(epoch) or epoch < 0:
            raise WebhookPayloadError(
                f"The field {name!r} should be an epoch time in milliseconds but is {text!r}.", field=name
            )
        seconds = epoch if epoch < _SECONDS_OR_MILLISECONDS_BOUNDARY else epoch / 1000.0
        try:
            return iso(datetime.fromtimestamp(seconds, tz=UTC))
        except (OverflowError, OSError, ValueError):
            raise WebhookPayloadError(
                f"The field {name!r} is {text!r}, too large to be an epoch time in milliseconds.", field=name
            ) from None
    return None


def _tags(payload: dict[str, Any]) -> list[str]:
    value = payload.get("tags")
    if isinstance(value, list):
        parts = [str(item) for item in value]
    else:
        parts = (_text(payload, "tags") or "").split(",")
    return [tag for tag in (part.strip() for part in parts) if tag]


def _service(payload: dict[str, Any], tags: list[str], title: str) -> str | None:
    """From a `service:X` tag, else a `service` field, else the alert scope (`$ALERT_SCOPE`, or the
    `[Triggered on {service:x,env:y}]` title marker of the default template)."""
    for tag in tags:
        found = _service_tag_value(tag)
        if found:
            return found
    explicit = _text(payload, "service")
    if explicit:
        return explicit
    scopes = [_text(payload, "alert_scope") or ""]
    scopes += [
        marker.split(" on ", 1)[1].strip("{} ") for marker in _TITLE_MARKER.findall(title) if " on " in marker
    ]
    for scope in scopes:
        for tag in scope.split(","):
            found = _service_tag_value(tag)
            if found:
                return found
    return None


def _service_tag_value(tag: str) -> str | None:
    key, separator, value = tag.partition(":")
    if not separator or key.strip() != "service":
        return None
    return value.strip() or None


def _excerpt(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."

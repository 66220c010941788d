"""`evalforge datadog setup`, the apply step: compare a `SetupPlan` with what Datadog has, and create or
update only what differs (through `MonitorsApi` and `WebhooksIntegrationApi`), so a second run changes
nothing.

Each Datadog call goes through `_Calls`, which turns a failure into a `DatadogSetupError` saying what to fix:
the permission the application key lacks (403 "Failed permission authorization checks"), the site or keys
(401, a bare 403, no answer at all), or Datadog's own words for anything else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal, TypeVar

import urllib3
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.monitors_api import MonitorsApi
from datadog_api_client.v1.api.webhooks_integration_api import WebhooksIntegrationApi
from datadog_api_client.v1.model.monitor import Monitor
from datadog_api_client.v1.model.monitor_options import MonitorOptions
from datadog_api_client.v1.model.monitor_thresholds import MonitorThresholds
from datadog_api_client.v1.model.monitor_type import MonitorType
from datadog_api_client.v1.model.monitor_update_request import MonitorUpdateRequest
from datadog_api_client.v1.model.webhooks_integration import WebhooksIntegration
from datadog_api_client.v1.model.webhooks_integration_encoding import WebhooksIntegrationEncoding
from datadog_api_client.v1.model.webhooks_integration_update_request import WebhooksIntegrationUpdateRequest
from pydantic import BaseModel, Field

from evalforge_assets.datadog_client import DatadogConnection, open_api_client
from evalforge_assets.recovery.datadog_setup import (
    CREATE_WEBHOOK,
    MANAGED_TAG,
    MONITOR_KEY_TAG,
    READ_MONITORS,
    READ_WEBHOOK,
    UPDATE_WEBHOOK,
    WRITE_MONITORS,
    DatadogSetupError,
    MonitorPlan,
    SetupPlan,
    WebhookPlan,
)

MONITOR_PAGE_SIZE = 100

Action = Literal["create", "update", "unchanged"]
_T = TypeVar("_T")


class PlannedChange(BaseModel):
    """What happened (or, in a dry run, would happen) to one planned object."""

    target: Literal["webhook", "monitor"]
    name: str
    action: Action
    differences: list[str] = Field(default_factory=list, description="Fields that differed from the plan.")
    monitor_id: int | None = None
    detail: str = ""


class SetupReport(BaseModel):
    """What `apply_plan` did (or, in a dry run, would do)."""

    base_url: str
    dry_run: bool
    changes: list[PlannedChange]
    unplanned_monitors: list[str] = Field(
        default_factory=list, description="Monitors tagged managed-by:evalforge that the plan does not have."
    )
    notes: list[str] = Field(default_factory=list)

    @property
    def changed(self) -> int:
        return sum(change.action != "unchanged" for change in self.changes)

    def lines(self) -> list[str]:
        """The report as printed by the CLI."""
        verbs = {
            "create": "would create" if self.dry_run else "created",
            "update": "would update" if self.dry_run else "updated",
            "unchanged": "unchanged",
        }
        dry = " (dry run: nothing changed)" if self.dry_run else ""
        lines = [f"Datadog set-up at {self.base_url}{dry}"]
        for change in self.changes:
            where = f" [id {change.monitor_id}]" if change.monitor_id is not None else ""
            differs = f" (differs: {', '.join(change.differences)})" if change.differences else ""
            lines.append(f"  {verbs[change.action]}: {change.detail or change.name}{where}{differs}")
        lines += [
            f"  left alone: {name} is tagged {MANAGED_TAG} but not planned; delete it in Datadog if unwanted"
            for name in self.unplanned_monitors
        ]
        lines += [f"  note: {note}" for note in self.notes]
        lines.append(f"{self.changed} change(s)" + (" to make." if self.dry_run else " made."))
        return lines


def apply_plan(plan: SetupPlan, connection: DatadogConnection, *, dry_run: bool = False) -> SetupReport:
    """Create or update what differs from `plan` in Datadog (only read, in a dry run). The webhook goes first
    so the monitors' `@webhook-` handle resolves from their first notification on."""
    calls = _Calls(connection)
    with open_api_client(connection) as client:
        changes = [_sync_webhook(plan.webhook, WebhooksIntegrationApi(client), calls, dry_run)]
        monitors_api = MonitorsApi(client)
        existing = _managed_monitors(monitors_api, calls)
        for monitor in plan.monitors:
            found = existing.get(monitor.key, [])
            changes.append(_sync_monitor(monitor, found, monitors_api, calls, dry_run))
    planned = {monitor.key for monitor in plan.monitors}
    unplanned = [
        f"{found['name']!r} [id {found['id']}]"
        for key, group in sorted(existing.items())
        if key not in planned
        for found in group
    ]
    return SetupReport(
        base_url=connection.base_url, dry_run=dry_run, changes=changes, unplanned_monitors=unplanned,
        notes=plan.notes,
    )  # fmt: skip


# -- comparing --------------------------------------------------------------------------------------------


def webhook_differences(plan: WebhookPlan, existing: Mapping[str, Any]) -> list[str]:
    """The fields of `existing` (Datadog's answer) that differ from `plan`; JSON texts compare as JSON."""
    differences = []
    if existing.get("url") != plan.url:
        differences.append("url")
    if str(existing.get("encode_as") or "json") != plan.encode_as:
        differences.append("encode_as")
    if not _same_json(existing.get("payload"), plan.payload):
        differences.append("payload")
    if not _same_json(existing.get("custom_headers"), plan.custom_headers.get_secret_value()):
        differences.append("custom_headers")
    return differences


def monitor_differences(plan: MonitorPlan, existing: Mapping[str, Any]) -> list[str]:
    """The planned fields `existing` does not match. Options count only where the plan sets them (Datadog
    fills in defaults); tags compare as sets, since their order means nothing."""
    differences = [
        name
        for name in ("name", "type", "query", "message", "priority")
        if str(existing.get(name)) != str(getattr(plan, name))
    ]
    if {str(tag).lower() for tag in existing.get("tags") or []} != set(plan.tags):
        differences.append("tags")
    if not _contains(existing.get("options") or {}, plan.options):
        differences.append("options")
    return differences


def _same_json(stored: Any, planned: str) -> bool:
    if stored is None:
        return False
    try:
        return json.loads(stored) == json.loads(planned)
    except (TypeError, ValueError):
        return stored == planned


def _contains(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping):
        return isinstance(actual, Mapping) and all(_contains(actual.get(k), v) for k, v in wanted.items())
    if isinstance(wanted, float) and isinstance(actual, int | float) and not isinstance(actual, bool):
        return math.isclose(actual, wanted, rel_tol=1e-9)
    return actual == wanted


# -- applying ---------------------------------------------------------------------------------------------


def _sync_webhook(
    plan: WebhookPlan, api: WebhooksIntegrationApi, calls: _Calls, dry_run: bool
) -> PlannedChange:
    found = calls.find(
        f"read the webhook integration {plan.name!r}", READ_WEBHOOK,
        lambda: api.get_webhooks_integration(plan.name),
    )  # fmt: skip
    headers = plan.custom_headers.get_secret_value()
    encoding = WebhooksIntegrationEncoding(plan.encode_as)
    if found is None:
        if not dry_run:
            body = WebhooksIntegration(
                name=plan.name, url=plan.url, payload=plan.payload, custom_headers=headers, encode_as=encoding
            )
            calls.run(
                f"create the webhook integration {plan.name!r}", CREATE_WEBHOOK,
                lambda: api.create_webhooks_integration(body),
            )  # fmt: skip
        return PlannedChange(target="webhook", name=plan.name, action="create", detail=plan.shown())
    differences = webhook_differences(plan, found.to_dict())
    if differences and not dry_run:
        update = WebhooksIntegrationUpdateRequest(
            url=plan.url, payload=plan.payload, custom_headers=headers, encode_as=encoding
        )
        calls.run(
            f"update the webhook integration {plan.name!r}", UPDATE_WEBHOOK,
            lambda: api.update_webhooks_integration(plan.name, update),
        )  # fmt: skip
    return PlannedChange(
        target="webhook", name=plan.name, action="update" if differences else "unchanged",
        differences=differences, detail=plan.shown(),
    )  # fmt: skip


def _managed_monitors(api: MonitorsApi, calls: _Calls) -> dict[str, list[dict[str, Any]]]:
    """Monitors tagged managed-by:evalforge, by their key tag (lowest id first, should there be copies)."""
    found: list[dict[str, Any]] = []
    page = 0
    while True:
        batch = calls.run(
            f"list the monitors tagged {MANAGED_TAG}", READ_MONITORS,
            lambda page=page: api.list_monitors(
                monitor_tags=MANAGED_TAG, page=page, page_size=MONITOR_PAGE_SIZE
            ),
        )  # fmt: skip
        found += [monitor.to_dict() for monitor in batch]
        if len(batch) < MONITOR_PAGE_SIZE:
            break
        page += 1
    by_key: dict[str, list[dict[str, Any]]] = {}
    for monitor in sorted(found, key=lambda item: item["id"]):
        for tag in monitor.get("tags") or []:
            name, _, value = str(tag).partition(":")
            if name == MONITOR_KEY_TAG and value:
                by_key.setdefault(value.lower(), []).append(monitor)
    return by_key


def _sync_monitor(
    plan: MonitorPlan, found: list[dict[str, Any]], api: MonitorsApi, calls: _Calls, dry_run: bool
) -> PlannedChange:
    options = MonitorOptions(
        thresholds=MonitorThresholds(**plan.options["thresholds"]),
        **{name: value for name, value in plan.options.items() if name != "thresholds"},
    )
    if not found:
        monitor_id = None
        if not dry_run:
            body = Monitor(
                name=plan.name, type=MonitorType(plan.type), query=plan.query, message=plan.message,
                tags=plan.tags, priority=plan.priority, options=options,
            )  # fmt: skip
            created = calls.run(
                f"create the monitor {plan.name!r}", WRITE_MONITORS, lambda: api.create_monitor(body)
            )
            monitor_id = created.id
        return PlannedChange(
            target="monitor", name=plan.name, action="create", monitor_id=monitor_id, detail=plan.shown()
        )
    current = found[0]
    differences = monitor_differences(plan, current)
    if differences and not dry_run:
        update = MonitorUpdateRequest(
            name=plan.name, type=MonitorType(plan.type), query=plan.query, message=plan.message,
            tags=plan.tags, priority=plan.priority, options=options,
        )  # fmt: skip
        calls.run(
            f"update the monitor {plan.name!r} (id {current['id']})", WRITE_MONITORS,
            lambda: api.update_monitor(current["id"], update),
        )  # fmt: skip
    copies = f"; {len(found) - 1} copy(ies) with the same key tag left alone" if len(found) > 1 else ""
    return PlannedChange(
        target="monitor", name=plan.name, action="update" if differences else "unchanged",
        differences=differences, monitor_id=current["id"], detail=plan.shown() + copies,
    )  # fmt: skip


class _NotFound(DatadogSetupError):
    """Datadog answered 404: what was asked for does not exist (yet)."""


class _Calls:
    """Runs one Datadog call and turns its failure into a sentence saying what to fix."""

    def __init__(self, connection: DatadogConnection) -> None:
        self.connection = connection

    def find(self, what: str, permission: str, call: Callable[[], _T]) -> _T | None:
        """`call`'s answer, or None when Datadog answers 404 (it does not exist yet)."""
        try:
            return self.run(what, permission, call)
        except _NotFound:
            return None

    def run(self, what: str, permission: str, call: Callable[[], _T]) -> _T:
        try:
            return call()
        except ApiException as error:
            failure = _NotFound if error.status == 404 else DatadogSetupError
            raise failure(self._explain(what, permission, error)) from None
        except urllib3.exceptions.HTTPError as error:
            raise DatadogSetupError(
                f"Could not reach Datadog at {self.connection.base_url} to {what} ({type(error).__name__}): "
                f"check DD_SITE (now {self.connection.site!r}; e.g. datadoghq.com, datadoghq.eu, "
                "us5.datadoghq.com) and the network, then run the set-up again."
            ) from None

    def _explain(self, what: str, permission: str, error: ApiException) -> str:
        detail = _error_detail(error)
        where = f"{self.connection.base_url} (DD_SITE={self.connection.site})"
        if error.status == 401:
            return (
                f"Datadog did not accept the keys (HTTP 401: {detail}) at {where} when asked to {what}: "
                "check DD_SITE (keys only work on their own org's site) and that DD_API_KEY and DD_APP_KEY "
                "are current, then run the set-up again."
            )
        if error.status == 403 and "permission" in detail.lower():
            return (
                f"Datadog refused to {what} (HTTP 403: {detail}): the application key lacks the "
                f"`{permission}` permission. Grant `{permission}` to the role of the key's owner (or add it "
                "to the key's scopes if the key is scoped), then run the set-up again."
            )
        if error.status == 403:
            return (
                f"Datadog refused to {what} (HTTP 403: {detail}) at {where}: the keys are not valid there. "
                "Check DD_SITE (keys only work on their own org's site) and DD_API_KEY / DD_APP_KEY; if they "
                f"are right, the application key may lack the `{permission}` permission."
            )
        return (
            f"Datadog answered HTTP {error.status} when asked to {what}: {detail}. Fix the cause and run the "
            "set-up again; what is already in place is kept and not repeated."
        )


def _error_detail(error: ApiException) -> str:
    """Datadog's error texts (`{"errors": [...]}`, plain strings or JSON:API objects), joined."""
    body = error.body
    try:
        parsed = json.loads(body) if isinstance(body, str | bytes) else body
    except ValueError:
        parsed = body
    errors = parsed.get("errors") if isinstance(parsed, dict) else None
    if isinstance(errors, list) and errors:
        return "; ".join(
            str(item.get("detail") or item.get("title") or item) if isinstance(item, dict) else str(item)
            for item in errors
        )
    return str(error.reason or body or "no detail")

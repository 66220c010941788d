"""`evalforge datadog setup`, the plan: which Datadog monitors and webhook integration detection relies on.

A `SetupPlan` says what should exist: the webhook integration that posts monitor notifications to Evalforge's
`POST /internal/datadog/webhook` (the payload template `webhooks.py` parses, the secret header it checks), and
one monitor per signal (error rate and p95 latency of DD_SERVICE in DD_ENV, LLM span error rate per ml_app),
each notifying `@webhook-<name>`. Monitors carry the tags `managed-by:evalforge` and
`evalforge-monitor:<key>`, which is how `datadog_apply.apply_plan` finds them again (never by name, so a
monitor renamed in the UI is repaired rather than duplicated). Problems become `DatadogSetupError`s whose
message says what to fix.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlparse

from pydantic import BaseModel, Field, SecretStr

from evalforge_assets.datadog_client import DatadogConfigError, DatadogConnection
from evalforge_assets.recovery.datadog_metrics import DatadogQueries
from evalforge_assets.recovery.metrics_signal import DEFAULT_SPAN_NAME
from evalforge_assets.recovery.webhooks import RECOMMENDED_PAYLOAD, WEBHOOK_SECRET_HEADER

if TYPE_CHECKING:
    from evalforge_assets.settings import Settings

MANAGED_TAG = "managed-by:evalforge"
MONITOR_KEY_TAG = "evalforge-monitor"
DEFAULT_WEBHOOK_NAME = "evalforge"
WEBHOOK_PATH = "/internal/datadog/webhook"
# The 5-minute window matches the contract's error_rate_5m / p95_latency_ms_5m.
MONITOR_WINDOW = "last_5m"
# Datadog's permission names per operation (the spec's x-permission), for messages that say what to grant.
READ_MONITORS, WRITE_MONITORS = "monitors_read", "monitors_write"
READ_WEBHOOK, CREATE_WEBHOOK, UPDATE_WEBHOOK = "integrations_read", "create_webhooks", "manage_integrations"
PERMISSIONS = (READ_MONITORS, WRITE_MONITORS, READ_WEBHOOK, CREATE_WEBHOOK, UPDATE_WEBHOOK)
_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


class DatadogSetupError(Exception):
    """Set-up cannot go on; the message is a sentence saying what was wrong and what to do."""


class WebhookPlan(BaseModel):
    """The webhook integration that should exist."""

    name: str
    url: str
    payload: str = Field(description="The JSON payload template, as the text Datadog stores.")
    custom_headers: SecretStr = Field(description="JSON object text carrying the webhook secret header.")
    encode_as: Literal["json", "form"] = "json"

    def shown(self) -> str:
        return f"webhook {self.name} -> {self.url} (payload template, header {WEBHOOK_SECRET_HEADER})"


class MonitorPlan(BaseModel):
    """One monitor that should exist; `key` is what finds it again (tag `evalforge-monitor:<key>`)."""

    key: str
    name: str
    type: str = "query alert"
    query: str
    message: str
    tags: list[str]
    priority: int = Field(ge=1, le=5)
    options: dict[str, Any]

    def shown(self) -> str:
        return f"monitor {self.name!r}: {self.query}"


class SetupPlan(BaseModel):
    """Everything detection needs in Datadog, plus notes for the person running the set-up."""

    webhook: WebhookPlan
    monitors: list[MonitorPlan]
    notes: list[str] = Field(default_factory=list)


# -- the plan -----------------------------------------------------------------------------------------------


def build_plan(
    settings: Settings,
    *,
    api_url: str,
    webhook_name: str = DEFAULT_WEBHOOK_NAME,
    ml_apps: Sequence[str] | None = None,
) -> SetupPlan:
    """What should exist for `settings` (DD_SERVICE, DD_ENV, thresholds, DD_ML_APP, EVALFORGE_WEBHOOK_SECRET).

    api_url: the public base URL at which Datadog reaches Evalforge's API. ml_apps: the LLM applications to
    watch; None means DD_ML_APP (comma-separated).
    """
    secret = (settings.secret_value("webhook_secret") or "").strip()
    if not secret:
        raise DatadogSetupError(
            "EVALFORGE_WEBHOOK_SECRET is not set: set it to a long random string (the API refuses webhooks "
            "without it, and Datadog sends it in the webhook's secret header), then run the set-up again."
        )
    webhook = WebhookPlan(
        name=_webhook_name(webhook_name),
        url=_webhook_url(api_url),
        payload=json.dumps(RECOMMENDED_PAYLOAD, indent=2),
        custom_headers=SecretStr(json.dumps({WEBHOOK_SECRET_HEADER: secret})),
    )
    apps = _ml_apps(settings, ml_apps)
    monitors = service_monitors(settings, webhook.name)
    monitors += [llm_monitor(settings, app, webhook.name) for app in apps]
    notes = []
    if not apps:
        notes.append("no ml_app is configured (DD_ML_APP or --ml-app), so no LLM span error-rate monitor.")
    host = urlparse(webhook.url).hostname or ""
    if host in _LOCAL_HOSTS or host.endswith(".local"):
        notes.append(
            f"Datadog cannot reach {webhook.url} from the internet; pass a public URL (or a tunnel's) as "
            "--api-url for alerts to arrive."
        )
    return SetupPlan(webhook=webhook, monitors=monitors, notes=notes)


def service_monitors(settings: Settings, webhook_name: str) -> list[MonitorPlan]:
    """Error rate and p95 latency of DD_SERVICE in DD_ENV, from the APM trace metrics the poller reads."""
    service, env = settings.dd_service, settings.dd_env
    try:
        queries = DatadogQueries.build(DEFAULT_SPAN_NAME, service, env)
    except ValueError as error:
        raise DatadogSetupError(str(error)) from None
    rate = settings.error_rate_threshold
    latency_ms = settings.latency_threshold_ms
    errors = f"sum:trace.{DEFAULT_SPAN_NAME}.errors{{service:{service},env:{env}}}.as_count()"
    scope_tags = [f"service:{service}", f"env:{env}"]
    error_rate = _monitor(
        key=f"service-error-rate.{service}.{env}",
        title=f"{service} error rate above {rate:.0%} ({env})",
        query=f"sum({MONITOR_WINDOW}):{errors} / {queries.hits} > {rate:g}",
        critical=rate,
        scope_tags=scope_tags,
        summary=f"More than {rate:.0%} of {service}'s requests in {env} failed over 5 minutes.",
        webhook_name=webhook_name,
        priority=2,
    )
    latency = _monitor(
        key=f"service-p95-latency.{service}.{env}",
        title=f"{service} p95 latency above {latency_ms:g} ms ({env})",
        # trace.<span> is a latency distribution in seconds.
        query=f"avg({MONITOR_WINDOW}):{queries.p95} > {latency_ms / 1000.0:g}",
        critical=latency_ms / 1000.0,
        scope_tags=scope_tags,
        summary=f"{service}'s p95 request latency in {env} is above {latency_ms:g} ms.",
        webhook_name=webhook_name,
        priority=3,
    )
    return [error_rate, latency]


def llm_monitor(settings: Settings, ml_app: str, webhook_name: str) -> MonitorPlan:
    """The share of an LLM application's spans that errored, from LLM Observability's ml_obs.span metrics."""
    rate = settings.error_rate_threshold
    scope = f"{{ml_app:{ml_app}}}"
    return _monitor(
        key=f"llm-span-error-rate.{ml_app}",
        title=f"{ml_app} LLM span error rate above {rate:.0%}",
        query=(
            f"sum({MONITOR_WINDOW}):sum:ml_obs.span.error{scope}.as_count() / "
            f"sum:ml_obs.span{scope}.as_count() > {rate:g}"
        ),
        critical=rate,
        scope_tags=[f"ml_app:{ml_app}"],
        summary=f"More than {rate:.0%} of {ml_app}'s LLM spans errored over 5 minutes.",
        webhook_name=webhook_name,
        priority=2,
    )


def _monitor(
    *,
    key: str,
    title: str,
    query: str,
    critical: float,
    scope_tags: list[str],
    summary: str,
    webhook_name: str,
    priority: int,
) -> MonitorPlan:
    key = key.lower()
    message = (
        f"{summary}\n\nEvalforge opens an incident on a trigger and validates the fix on recovery.\n"
        "Managed by `evalforge datadog setup`: edits made here are undone by its next run.\n"
        # Outside any {{#is_...}} block, the handle is notified on triggers and recoveries alike.
        f"@webhook-{webhook_name}"
    )
    return MonitorPlan(
        key=key,
        name=f"[evalforge] {title}",
        query=query,
        message=message,
        # Lower case because Datadog lower-cases tags; the service tag is how an alert finds its service.
        tags=sorted({MANAGED_TAG, f"{MONITOR_KEY_TAG}:{key}", *(tag.lower() for tag in scope_tags)}),
        priority=priority,
        # require_full_window off: as_count() ratios of sparse request metrics would otherwise never evaluate.
        options={
            "thresholds": {"critical": critical},
            "notify_no_data": False,
            "require_full_window": False,
            "include_tags": True,
            "notify_audit": False,
        },
    )


def _webhook_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned or not all(ch.isalnum() or ch in "-_" for ch in cleaned):
        raise DatadogSetupError(
            f"The webhook name {name!r} cannot be used in an @webhook- handle: use letters, digits, '-' and "
            "'_' only."
        )
    return cleaned


def _webhook_url(api_url: str) -> str:
    parsed = urlparse(api_url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise DatadogSetupError(
            f"--api-url {api_url!r} is not an http(s) URL: pass the public base URL of Evalforge's API, e.g. "
            "https://evalforge.example.com."
        )
    return api_url.strip().rstrip("/") + WEBHOOK_PATH


def _ml_apps(settings: Settings, given: Sequence[str] | None) -> list[str]:
    raw = list(given) if given else (settings.dd_ml_app or "").split(",")
    apps = sorted({app.strip() for app in raw if app.strip()})
    for app in apps:
        try:  # the same tag-value rule as the poller's metric queries
            DatadogQueries.build(DEFAULT_SPAN_NAME, app, "env")
        except ValueError:
            raise DatadogSetupError(
                f"The ml_app {app!r} cannot be used in a Datadog metric query: use letters, digits and "
                "_ . : / - only (check DD_ML_APP or --ml-app)."
            ) from None
    return apps


def connection_for_setup(settings: Settings) -> DatadogConnection:
    """The Datadog connection from settings, with a set-up specific sentence when a key is missing."""
    keys = (("DD_API_KEY", settings.dd_api_key), ("DD_APP_KEY", settings.dd_app_key))
    missing = [name for name, value in keys if value is None or not value.get_secret_value().strip()]
    if missing:
        raise DatadogSetupError(
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: set DD_API_KEY and "
            f"DD_APP_KEY (an application key with {', '.join(PERMISSIONS)}) and DD_SITE, in the environment "
            "or .env, then run the set-up again."
        )
    try:
        return DatadogConnection.from_settings(settings)
    except DatadogConfigError as error:
        raise DatadogSetupError(str(error)) from None

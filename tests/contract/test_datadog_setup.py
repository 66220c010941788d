"""`evalforge datadog setup` against the local Datadog double, with every exchange checked against Datadog's
OpenAPI spec: a fresh org gets everything, a second run changes nothing, drift is repaired, a dry run writes
nothing, and refusals say what to fix."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from click.testing import CliRunner

from evalforge_assets.cli import main
from evalforge_assets.datadog_client import DatadogConnection
from evalforge_assets.recovery.datadog_apply import SetupReport, apply_plan
from evalforge_assets.recovery.datadog_setup import (
    MANAGED_TAG,
    DatadogSetupError,
    SetupPlan,
    build_plan,
    connection_for_setup,
)
from evalforge_assets.recovery.webhooks import (
    RECOMMENDED_PAYLOAD,
    WEBHOOK_SECRET_HEADER,
    alert_action,
    parse_monitor_webhook,
)
from evalforge_assets.settings import Settings
from tests.doubles.datadog_double import DEFAULT_API_KEY, DEFAULT_APP_KEY, DatadogDouble
from tests.doubles.datadog_spec import DatadogOpenAPI

SECRET = "s3cret-webhook-value"
API_URL = "https://evalforge.example.com"
WRITES = ("create_monitor", "update_monitor", "create_webhooks_integration", "update_webhooks_integration")
ALL_PERMISSIONS = frozenset(
    {"monitors_read", "monitors_write", "integrations_read", "create_webhooks", "manage_integrations"}
)


def settings_for(double: DatadogDouble, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "dd_api_key": DEFAULT_API_KEY, "dd_app_key": DEFAULT_APP_KEY, "dd_api_host": double.base_url,
        "dd_service": "demo-app", "dd_env": "staging", "dd_ml_app": "support-bot,shop-assistant",
        "webhook_secret": SECRET, "error_rate_threshold": 0.05, "latency_threshold_ms": 1500.0,
    }  # fmt: skip
    values.update(overrides)
    return Settings.of(**values)


@pytest.fixture
def settings(datadog_double: DatadogDouble) -> Settings:
    return settings_for(datadog_double)


@pytest.fixture
def plan(settings: Settings) -> SetupPlan:
    return build_plan(settings, api_url=API_URL)


@pytest.fixture
def connection(settings: Settings) -> DatadogConnection:
    return connection_for_setup(settings)


@pytest.fixture(autouse=True)
def traffic_matches_the_spec(
    datadog_double: DatadogDouble, datadog_openapi: DatadogOpenAPI
) -> Iterator[None]:
    """After each test, every request sent and every documented answer given match Datadog's OpenAPI spec."""
    yield
    exchanges = datadog_double.exchanges
    for exchange in exchanges:
        request = exchange.request
        assert exchange.operation is not None, f"no route for {request.method} {request.path}"
        datadog_openapi.validate_request(exchange.request)
        datadog_openapi.validate_response(exchange.request, exchange.response, undocumented_status_ok=True)


def writes(double: DatadogDouble) -> list[str]:
    return [exchange.operation for exchange in double.exchanges if exchange.operation in WRITES]


def actions(report: SetupReport) -> dict[str, str]:
    return {change.name: change.action for change in report.changes}


def test_a_fresh_org_gets_the_webhook_and_every_monitor(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    report = apply_plan(plan, connection)

    assert set(actions(report).values()) == {"create"} and len(report.changes) == 5
    webhook = datadog_double.webhooks["evalforge"]
    assert webhook["url"] == f"{API_URL}/internal/datadog/webhook"
    assert json.loads(webhook["payload"]) == RECOMMENDED_PAYLOAD
    assert json.loads(webhook["custom_headers"]) == {WEBHOOK_SECRET_HEADER: SECRET}
    assert webhook["encode_as"] == "json"
    monitors = sorted(datadog_double.monitors.values(), key=lambda monitor: monitor["name"])
    assert [monitor["query"] for monitor in monitors] == [
        ("sum(last_5m):sum:trace.fastapi.request.errors{service:demo-app,env:staging}.as_count() / "
        "sum:trace.fastapi.request.hits{service:demo-app,env:staging}.as_count() > 0.05"),
        "avg(last_5m):p95:trace.fastapi.request{service:demo-app,env:staging} > 1.5",
        ("sum(last_5m):sum:ml_obs.span.error{ml_app:shop-assistant}.as_count() / "
        "sum:ml_obs.span{ml_app:shop-assistant}.as_count() > 0.05"),
        ("sum(last_5m):sum:ml_obs.span.error{ml_app:support-bot}.as_count() / "
        "sum:ml_obs.span{ml_app:support-bot}.as_count() > 0.05"),
    ]
    for monitor in monitors:
        assert monitor["message"].rstrip().endswith("@webhook-evalforge")
        assert MANAGED_TAG in monitor["tags"]
        assert monitor["type"] == "query alert"
    service_tags = [tag for monitor in monitors for tag in monitor["tags"] if tag.startswith("service:")]
    assert service_tags == ["service:demo-app", "service:demo-app"]
    assert [c.monitor_id for c in report.changes[1:]] == sorted(datadog_double.monitors)
    # The webhook exists before any monitor names it.
    assert writes(datadog_double)[0] == "create_webhooks_integration"


def test_a_second_run_changes_nothing(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    apply_plan(plan, connection)
    stored = json.loads(json.dumps([datadog_double.monitors, datadog_double.webhooks]))
    first_run = len(datadog_double.exchanges)

    report = apply_plan(build_plan(settings_for(datadog_double), api_url=API_URL), connection)

    assert set(actions(report).values()) == {"unchanged"} and report.changed == 0
    second_run = [exchange.operation for exchange in datadog_double.exchanges[first_run:]]
    assert second_run == ["get_webhooks_integration", "list_monitors"]
    assert json.loads(json.dumps([datadog_double.monitors, datadog_double.webhooks])) == stored


def test_a_drifted_monitor_and_webhook_are_updated_and_nothing_else(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    apply_plan(plan, connection)
    drifted_id = min(datadog_double.monitors)
    untouched = {k: dict(v) for k, v in datadog_double.monitors.items() if k != drifted_id}
    with datadog_double.lock:
        monitor = datadog_double.monitors[drifted_id]
        monitor["query"] = monitor["query"].replace("> 0.05", "> 0.5")
        monitor["options"]["thresholds"] = {"critical": 0.5}
        monitor["name"] = "renamed in the UI"
        monitor["tags"] = list(reversed(monitor["tags"]))  # order alone is no drift
        datadog_double.webhooks["evalforge"]["payload"] = json.dumps({"body": "$EVENT_MSG"})
    before = len(datadog_double.exchanges)

    report = apply_plan(plan, connection)

    changed = {change.name: change.differences for change in report.changes if change.action == "update"}
    assert changed == {"evalforge": ["payload"], plan.monitors[0].name: ["name", "query", "options"]}
    later = datadog_double.exchanges[before:]
    assert [(e.operation, e.request.path) for e in later if e.operation in WRITES] == [
        ("update_webhooks_integration", "/api/v1/integration/webhooks/configuration/webhooks/evalforge"),
        ("update_monitor", f"/api/v1/monitor/{drifted_id}"),
    ]
    repaired = datadog_double.monitors[drifted_id]
    assert (repaired["name"], repaired["query"]) == (plan.monitors[0].name, plan.monitors[0].query)
    assert repaired["options"]["thresholds"] == {"critical": 0.05}
    assert json.loads(datadog_double.webhooks["evalforge"]["payload"]) == RECOMMENDED_PAYLOAD
    assert {k: v for k, v in datadog_double.monitors.items() if k != drifted_id} == untouched


def test_a_dry_run_reads_but_writes_nothing(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    report = apply_plan(plan, connection, dry_run=True)

    assert set(actions(report).values()) == {"create"} and report.changed == 5
    assert writes(datadog_double) == []
    assert datadog_double.monitors == {} and datadog_double.webhooks == {}
    assert {e.operation for e in datadog_double.exchanges} == {"get_webhooks_integration", "list_monitors"}
    text = "\n".join(report.lines())
    assert "dry run" in text and "would create" in text and SECRET not in text


def test_the_cli_dry_run_prints_the_plan_and_a_real_run_applies_it(datadog_double: DatadogDouble) -> None:
    env = {
        "DD_API_KEY": DEFAULT_API_KEY, "DD_APP_KEY": DEFAULT_APP_KEY, "DD_API_HOST": datadog_double.base_url,
        "DD_SERVICE": "demo-app", "DD_ENV": "staging", "DD_ML_APP": "", "EVALFORGE_WEBHOOK_SECRET": SECRET,
    }  # fmt: skip
    args = ["datadog", "setup", "--api-url", API_URL, "--ml-app", "support-bot"]

    dry = CliRunner().invoke(main, [*args, "--dry-run"], env=env)

    assert dry.exit_code == 0, dry.output
    assert "would create: monitor '[evalforge] support-bot LLM span error rate above 5%'" in dry.output
    assert "4 change(s) to make." in dry.output and SECRET not in dry.output
    assert datadog_double.monitors == {} and datadog_double.webhooks == {}

    real = CliRunner().invoke(main, args, env=env)
    again = CliRunner().invoke(main, args, env=env)

    assert real.exit_code == 0 and "4 change(s) made." in real.output, real.output
    assert again.exit_code == 0 and "0 change(s) made." in again.output, again.output
    assert len(datadog_double.monitors) == 3 and list(datadog_double.webhooks) == ["evalforge"]


def test_an_app_key_without_monitors_write_is_told_to_get_it(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    datadog_double.app_key_permissions = ALL_PERMISSIONS - {"monitors_write"}

    with pytest.raises(DatadogSetupError) as raised:
        apply_plan(plan, connection)

    message = str(raised.value)
    assert "HTTP 403" in message and "lacks the `monitors_write` permission" in message
    assert "Failed permission authorization checks" in message
    assert datadog_double.monitors == {} and list(datadog_double.webhooks) == ["evalforge"]


def test_an_app_key_without_the_webhook_permission_is_told_which_one(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    datadog_double.app_key_permissions = ALL_PERMISSIONS - {"create_webhooks"}

    with pytest.raises(DatadogSetupError, match="lacks the `create_webhooks` permission"):
        apply_plan(plan, connection)

    # The refused write is the last call: nothing after it is attempted.
    assert datadog_double.webhooks == {} and writes(datadog_double) == ["create_webhooks_integration"]
    assert datadog_double.exchanges[-1].response.status == 403


def test_a_401_says_to_check_the_site_and_keys(
    datadog_double: DatadogDouble, plan: SetupPlan, connection: DatadogConnection
) -> None:
    datadog_double.inject(401, {"errors": ["Unauthorized"]}, operation="get_webhooks_integration")

    with pytest.raises(DatadogSetupError) as raised:
        apply_plan(plan, connection)

    message = str(raised.value)
    assert "HTTP 401" in message and "DD_SITE" in message
    assert "DD_API_KEY" in message and "DD_APP_KEY" in message
    assert writes(datadog_double) == []


def test_keys_of_another_site_say_to_check_the_site_and_keys(
    datadog_double: DatadogDouble, plan: SetupPlan
) -> None:
    wrong = connection_for_setup(settings_for(datadog_double, dd_app_key="key-of-another-site"))

    with pytest.raises(DatadogSetupError) as raised:
        apply_plan(plan, wrong)

    message = str(raised.value)
    assert "HTTP 403" in message and "Check DD_SITE" in message and "DD_API_KEY / DD_APP_KEY" in message


def test_an_unreachable_site_says_to_check_dd_site(plan: SetupPlan) -> None:
    nowhere = DatadogConnection.create("k", "a", site="datadoghq.invalid", host="http://127.0.0.1:9",
                                       request_timeout_seconds=5)

    with pytest.raises(DatadogSetupError, match="Could not reach Datadog at http://127.0.0.1:9.*DD_SITE"):
        apply_plan(plan, nowhere)


def test_missing_keys_and_secret_name_the_variable_to_set(datadog_double: DatadogDouble) -> None:
    with pytest.raises(DatadogSetupError, match="^DD_APP_KEY is not set: set DD_API_KEY and DD_APP_KEY"):
        connection_for_setup(settings_for(datadog_double, dd_app_key=""))
    with pytest.raises(DatadogSetupError, match="^DD_API_KEY and DD_APP_KEY are not set"):
        connection_for_setup(Settings.of(dd_service="demo-app"))
    with pytest.raises(DatadogSetupError, match="^EVALFORGE_WEBHOOK_SECRET is not set"):
        build_plan(Settings.of(dd_service="demo-app"), api_url=API_URL)
    with pytest.raises(DatadogSetupError, match="--api-url 'evalforge.example.com' is not an http"):
        build_plan(settings_for(datadog_double), api_url="evalforge.example.com")


def test_the_payload_template_is_what_the_webhook_parser_reads(plan: SetupPlan) -> None:
    """Datadog fills every $VARIABLE with a string; the result parses into the alert the pipeline needs."""
    values = {
        "$ALERT_ID": "4000001", "$ALERT_CYCLE_KEY": "cycle-77", "$ALERT_TRANSITION": "Triggered",
        "$ALERT_TYPE": "error", "$ALERT_STATUS": "sum(last_5m) > 0.05", "$AGGREG_KEY": "agg-1",
        "$TAGS": "env:staging,managed-by:evalforge,service:demo-app",
        "$LINK": "https://app.datadoghq.com/monitors/4000001",
        "$EVENT_TITLE": "[Triggered] demo-app error rate", "$EVENT_MSG": "More than 5% failed",
        "$DATE": "1767261600000", "$EVENT_TYPE": "query_alert_monitor", "$ID": "991", "$ORG_ID": "1",
        "$ORG_NAME": "Shop",
    }  # fmt: skip
    text = plan.webhook.payload
    for variable in sorted(values, key=len, reverse=True):  # $ALERT_ID must not eat $ALERT_ID_X first
        text = text.replace(variable, values[variable])

    alert = parse_monitor_webhook(json.loads(text))

    assert (alert.monitor_id, alert.alert_cycle_key) == ("4000001", "cycle-77")
    assert alert.transition.value == "Triggered" and alert.service == "demo-app"
    assert alert.date == "2026-01-01T10:00:00.000000Z" and alert.event_id == "991"
    assert alert_action(alert) == "open"

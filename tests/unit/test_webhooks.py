"""Datadog monitor webhook payloads become MonitorAlerts, with clear errors for payloads that cannot."""

from __future__ import annotations

from typing import Any

import pytest

from evalforge_assets.recovery.webhooks import (
    AlertTransition,
    MonitorAlert,
    WebhookPayloadError,
    alert_action,
    parse_monitor_webhook,
    verify_webhook_secret,
)


def custom_payload(**overrides: Any) -> dict[str, Any]:
    """The recommended template as Datadog fills it: every value a string."""
    payload: dict[str, Any] = {
        "alert_id": "48213377",
        "alert_cycle_key": "7356712993876341891",
        "alert_transition": "Triggered",
        "alert_type": "error",
        "alert_status": "sum(last_5m):errors/hits > 0.05 was > 0.05 on service:demo-app",
        "aggreg_key": "9bd4ac313a4d1e8fae2482df7b77628",
        "tags": "env:local,monitor,service:demo-app,team:shop",
        "link": "https://app.datadoghq.com/monitors/48213377?group=service%3Ademo-app",
        "title": "[Triggered on {service:demo-app}] demo-app error rate above 5%",
        "body": "%%%\nError rate is 41.2% on demo-app.\n%%%",
        "date": "1760600000123",
        "event_type": "query_alert_monitor",
        "id": "8112233445566778899",
        "org": {"id": "123456", "name": "Evalforge Demo"},
    }
    payload.update(overrides)
    return payload


def default_payload(**overrides: Any) -> dict[str, Any]:
    """Datadog's default template: no monitor id or transition field."""
    payload: dict[str, Any] = {
        "body": "%%%\nError rate is high on demo-app.\n\n"
        "[[Monitor Status](https://app.datadoghq.com/monitors/48213377?to_ts=1760600000000)]\n%%%",
        "last_updated": "1760600000000",
        "event_type": "query_alert_monitor",
        "title": "[P1] [Triggered on {env:local,service:demo-app}] demo-app error rate above 5%",
        "date": "1760600000123",
        "org": {"id": "123456", "name": "Evalforge Demo"},
        "id": "8112233445566778899",
    }
    payload.update(overrides)
    return payload


def test_custom_template_is_parsed_field_by_field() -> None:
    alert = parse_monitor_webhook(custom_payload())

    assert isinstance(alert, MonitorAlert)
    assert alert.monitor_id == "48213377"
    assert alert.alert_cycle_key == "7356712993876341891"
    assert alert.transition is AlertTransition.TRIGGERED
    assert alert.alert_type == "error"
    assert alert.alert_status.startswith("sum(last_5m)")
    assert alert.tags == ["env:local", "monitor", "service:demo-app", "team:shop"]
    assert alert.service == "demo-app"
    assert alert.link.startswith("https://app.datadoghq.com/monitors/48213377")
    assert alert.date == "2025-10-16T07:33:20.123000Z"
    assert alert.aggreg_key == "9bd4ac313a4d1e8fae2482df7b77628"
    assert alert.event_id == "8112233445566778899"
    assert alert.raw == custom_payload()


@pytest.mark.parametrize(
    ("value", "expected", "action"),
    [
        ("Triggered", AlertTransition.TRIGGERED, "open"),
        ("Re-Triggered", AlertTransition.RE_TRIGGERED, "open"),
        ("Renotify", AlertTransition.RENOTIFY, "open"),
        ("Recovered", AlertTransition.RECOVERED, "recover"),
        ("Warn", AlertTransition.WARN, "record"),
        ("No Data", AlertTransition.NO_DATA, "record"),
    ],
)
def test_every_transition_maps_to_its_action(value: str, expected: AlertTransition, action: str) -> None:
    alert = parse_monitor_webhook(custom_payload(alert_transition=value))

    assert alert.transition is expected
    assert alert_action(alert) == action


def test_transition_spelling_is_forgiving_about_case_and_separators() -> None:
    assert parse_monitor_webhook(custom_payload(alert_transition="re_triggered")).transition is (
        AlertTransition.RE_TRIGGERED
    )
    assert (
        parse_monitor_webhook(custom_payload(alert_transition="NO_DATA")).transition
        is AlertTransition.NO_DATA
    )


def test_alert_type_defaults_from_the_transition_when_the_template_lacks_it() -> None:
    recovered = custom_payload(alert_transition="Recovered")
    del recovered["alert_type"]

    assert parse_monitor_webhook(recovered).alert_type == "success"


def test_trigger_and_recovery_share_the_cycle_key() -> None:
    trigger = parse_monitor_webhook(custom_payload())
    recovery = parse_monitor_webhook(
        custom_payload(alert_transition="Recovered", alert_type="success", id="8112233445566779999")
    )

    assert trigger.alert_cycle_key == recovery.alert_cycle_key
    assert trigger.event_id != recovery.event_id


def test_default_template_reads_monitor_transition_and_service_from_body_and_title() -> None:
    alert = parse_monitor_webhook(default_payload())

    assert alert.monitor_id == "48213377"
    assert alert.transition is AlertTransition.TRIGGERED
    assert alert.service == "demo-app"
    assert alert.alert_cycle_key == "monitor-48213377"
    assert alert.date == "2025-10-16T07:33:20.123000Z"
    assert alert.tags == []


def test_default_template_recovery_is_recognised_from_the_title() -> None:
    alert = parse_monitor_webhook(default_payload(title="[P1] [Recovered] demo-app error rate above 5%"))

    assert alert.transition is AlertTransition.RECOVERED
    assert alert_action(alert) == "recover"
    assert alert.alert_cycle_key == parse_monitor_webhook(default_payload()).alert_cycle_key


def test_cycle_key_falls_back_to_the_aggregation_key() -> None:
    payload = custom_payload()
    del payload["alert_cycle_key"]

    assert parse_monitor_webhook(payload).alert_cycle_key == "9bd4ac313a4d1e8fae2482df7b77628"


def test_service_comes_from_a_service_field_when_tags_have_none() -> None:
    alert = parse_monitor_webhook(custom_payload(tags="env:local,team:shop", service="checkout-api"))

    assert alert.service == "checkout-api"


def test_tags_tolerate_spaces_and_empty_items() -> None:
    alert = parse_monitor_webhook(custom_payload(tags=" env:local , ,service:demo-app,"))

    assert alert.tags == ["env:local", "service:demo-app"]


def test_unexpanded_template_variables_count_as_missing() -> None:
    alert = parse_monitor_webhook(custom_payload(alert_cycle_key="$ALERT_CYCLE_KEY", link="$LINK", date=""))

    assert alert.alert_cycle_key == "9bd4ac313a4d1e8fae2482df7b77628"
    assert alert.link is None
    assert alert.date is None


def test_numbers_sent_unquoted_are_accepted_as_strings() -> None:
    alert = parse_monitor_webhook(custom_payload(alert_id=48213377, date=1760600000123))

    assert alert.monitor_id == "48213377"
    assert alert.date == "2025-10-16T07:33:20.123000Z"


def test_posix_seconds_date_is_accepted() -> None:
    payload = custom_payload(date_posix="1760600000")
    del payload["date"]

    assert parse_monitor_webhook(payload).date == "2025-10-16T07:33:20.000000Z"


def test_missing_monitor_id_is_explained() -> None:
    payload = custom_payload(link="https://app.datadoghq.com/event/explorer", body="no link here")
    del payload["alert_id"]

    with pytest.raises(WebhookPayloadError, match=r"no monitor id.*\$ALERT_ID") as caught:
        parse_monitor_webhook(payload)
    assert caught.value.field == "alert_id"


def test_missing_transition_is_explained() -> None:
    payload = custom_payload(title="demo-app error rate above 5%")
    del payload["alert_transition"]

    with pytest.raises(WebhookPayloadError, match=r"no transition.*\$ALERT_TRANSITION") as caught:
        parse_monitor_webhook(payload)
    assert caught.value.field == "alert_transition"


def test_unknown_transition_is_refused_with_the_accepted_values() -> None:
    with pytest.raises(WebhookPayloadError, match=r"'Exploded'.*Triggered, Re-Triggered, Recovered"):
        parse_monitor_webhook(custom_payload(alert_transition="Exploded"))


def test_non_numeric_date_is_refused_naming_the_field() -> None:
    with pytest.raises(WebhookPayloadError, match=r"'date'.*'yesterday'.*not a number") as caught:
        parse_monitor_webhook(custom_payload(date="yesterday"))
    assert caught.value.field == "date"


def test_structured_value_where_a_string_belongs_is_refused() -> None:
    with pytest.raises(WebhookPayloadError, match=r"'alert_id' should be a string but is a dict"):
        parse_monitor_webhook(custom_payload(alert_id={"id": 1}))


def test_a_payload_that_is_not_an_object_is_refused() -> None:
    with pytest.raises(WebhookPayloadError, match="must be a JSON object, but it is a list"):
        parse_monitor_webhook([custom_payload()])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("header", "expected", "accepted"),
    [
        ("s3cret-value", "s3cret-value", True),
        ("  s3cret-value ", "s3cret-value", True),
        ("Bearer s3cret-value", "s3cret-value", True),
        ("s3cret-valuE", "s3cret-value", False),
        ("", "s3cret-value", False),
        (None, "s3cret-value", False),
        ("", "", False),
        ("anything", "", False),
        ("sécret", "sécret", True),
    ],
)
def test_webhook_secret_check(header: str | None, expected: str, accepted: bool) -> None:
    assert verify_webhook_secret(header, expected) is accepted

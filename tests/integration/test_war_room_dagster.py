"""The war_room asset and war_room_sensor in a real (in-process) Dagster instance, against the Slack double."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest

from demo_app.main import app as demo_app
from evalforge_assets import parts
from evalforge_assets.definitions import build_definitions
from evalforge_assets.recovery.service import SignalReading
from evalforge_assets.settings import Settings
from evalforge_assets.store.war_rooms import get_war_room
from tests.api.uvicorn_server import serving
from tests.doubles.slack_api import TOKEN, SlackApiDouble
from tests.integration.dagster_helpers import materialization_metadata

HIGH = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500", error_rate_recent=0.5)


@pytest.fixture
def demo_url() -> Iterator[str]:
    with serving(demo_app) as url:
        yield url


def location(tmp_path: Path, demo_url: str, **slack: str) -> tuple[dg.Definitions, Settings]:
    settings = Settings.of(evalforge_home=tmp_path, store_url=f"sqlite:///{tmp_path / 'evalforge.db'}",
                           demo_app_url=demo_url, dd_service="demo-app", **slack)
    return build_definitions(settings), settings


def new_incident(settings: Settings, instance: dg.DagsterInstance) -> str:
    incident, created = parts.build_incident_service(settings, parts.store(settings)).open_or_join(
        HIGH, source="simulate", actor="test")
    assert created
    instance.add_dynamic_partitions("incidents", [incident.incident_id])
    return incident.incident_id


def run(defs: dg.Definitions, instance: dg.DagsterInstance, incident_id: str,
        assets: list[str] | None = None) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def("incident_job")
    selection = [dg.AssetKey(a) for a in assets] if assets else None
    return job.execute_in_process(instance=instance, partition_key=incident_id, asset_selection=selection,
                                  raise_on_error=False)


def tick(defs: dg.Definitions, instance: dg.DagsterInstance) -> str:
    sensor = defs.resolve_sensor_def("war_room_sensor")
    with dg.build_sensor_context(instance=instance, resources=defs.resources, definitions=defs) as context:
        result = sensor(context)
    assert isinstance(result, dg.SkipReason)
    return result.skip_message or ""


def test_war_room_opens_in_the_incident_job_and_a_second_materialization_is_a_no_op_for_slack(
        tmp_path: Path, demo_url: str, slack_api: SlackApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", TOKEN)  # resources hold secrets as environment references
    defs, settings = location(tmp_path, demo_url, slack_bot_token=TOKEN, slack_api_url=slack_api.api_url)
    with dg.instance_for_test() as instance:
        incident_id = new_incident(settings, instance)
        first = run(defs, instance, incident_id)
        assert first.success, [e.message for e in first.all_events if e.is_failure]
        metadata = materialization_metadata(first, "war_room")
        # In-process, steps run one by one: the war room is ready before the validation run, not after it.
        steps = [(e.event_type_value, e.step_key) for e in first.all_events if e.step_key]
        assert steps.index(("STEP_SUCCESS", "war_room")) < steps.index(("STEP_START", "validation_runs"))
        channel = slack_api.channels[metadata["channel_id"]]
        assert metadata["channel_name"] == channel.name and metadata["card_ts"]
        assert metadata["invited"] == [] and metadata["unresolved"] == []
        calls = len(slack_api.calls)

        second = run(defs, instance, incident_id, ["war_room"])
        assert second.success
        assert materialization_metadata(second, "war_room")["card_ts"] == metadata["card_ts"]
        assert len(slack_api.calls) == calls  # the re-run called Slack for nothing: all of it is in the ledger

        # The sensor posts what the run's changes call for (plan, VALIDATING, the run's results, ...) once.
        assert "0 failing" in tick(defs, instance)
        thread = [m for m in slack_api.messages_in(channel.id) if m.thread_ts == metadata["card_ts"]]
        assert thread and thread[0].text.startswith("*Recovery plan*")
        assert tick(defs, instance).startswith("1 active war room(s): 0 repl(ies) posted, 0 card update(s)")
        assert len([m for m in slack_api.messages_in(channel.id) if m.thread_ts]) == len(thread)


def test_slack_refusing_fails_only_the_war_room_and_recovery_goes_on(
        tmp_path: Path, demo_url: str, slack_api: SlackApiDouble, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-revoked")
    defs, settings = location(tmp_path, demo_url, slack_bot_token="xoxb-revoked", slack_api_url=slack_api.api_url)
    with dg.instance_for_test() as instance:
        incident_id = new_incident(settings, instance)
        result = run(defs, instance, incident_id)
        failed = [e for e in result.all_events if e.is_step_failure]
        assert [e.step_key for e in failed] == ["war_room"]
        assert "SLACK_BOT_TOKEN" in failed[0].step_failure_data.error.message
        materialized = {e.asset_key.to_user_string() for e in result.get_asset_materialization_events()}
        assert {"incident_context", "recovery_plan", "validation_runs"} <= materialized
        store = parts.store(settings)
        assert store.get_test_run(store.get_incident(incident_id).latest_run_id).status.value == "COMPLETED"
        assert "SLACK_BOT_TOKEN" in get_war_room(store, incident_id).last_error


def test_without_slack_the_war_room_notes_it_and_does_nothing(tmp_path: Path, demo_url: str) -> None:
    defs, settings = location(tmp_path, demo_url)
    with dg.instance_for_test() as instance:
        incident_id = new_incident(settings, instance)
        result = run(defs, instance, incident_id, ["war_room"])
        assert result.success
        assert "Slack is not configured" in materialization_metadata(result, "war_room")["slack"]
        assert "Slack is not configured" in tick(defs, instance)


def test_war_room_is_after_context_and_not_upstream_of_the_plan(tmp_path: Path, demo_url: str) -> None:
    defs, _ = location(tmp_path, demo_url)
    graph = defs.resolve_asset_graph()
    assert graph.get(dg.AssetKey("war_room")).parent_keys == {dg.AssetKey("incident_context")}
    assert graph.get(dg.AssetKey("recovery_plan")).parent_keys == {dg.AssetKey("incident_context")}
    assert defs.resolve_assets_def("war_room").op.retry_policy is not None


def test_slack_secrets_reach_the_resource_as_environment_references(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value")
    monkeypatch.setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.invalid/secret-path")
    settings = Settings(_env_file=None, EVALFORGE_HOME=str(tmp_path))  # type: ignore[call-arg]
    slack = build_definitions(settings).resources["slack"]
    assert slack.slack_bot_token == dg.EnvVar("SLACK_BOT_TOKEN")
    assert "xoxb-secret-value" not in repr(slack) and "secret-path" not in repr(slack)
    with dg.build_resources({"slack": slack}) as built:
        assert built.slack.settings().secret_value("slack_bot_token") == "xoxb-secret-value"

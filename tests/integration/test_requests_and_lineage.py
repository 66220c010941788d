"""One request → run mechanism, for real: requests become runs through the sensors (run key = request id, a
cursor, never marked launched before Dagster has the run), a run the API launched is not launched again, and
the run closes its own request. And the lineage the asset graph shows from raw spans to exports and recovery."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import dagster as dg
import httpx
import pytest

from demo_app.main import app as demo_app
from evalforge_assets import parts
from evalforge_assets.definitions import build_definitions
from evalforge_assets.defs.requests import LAUNCH_GRACE_SECONDS
from evalforge_assets.models import PendingRequest, RequestKind, SystemState, iso, utc_now
from evalforge_assets.orchestration import REQUEST_TAG, DagsterClient, close_request, launch_request, run_spec
from evalforge_assets.recovery.service import SignalReading
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store
from tests.api.uvicorn_server import serving
from tests.fixtures.factories import make_capture, make_export, make_request

HIGH = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500", error_rate_recent=0.5)


@dataclass
class Location:
    """The code location as build_definitions makes it, an instance, and a store, ticking sensors as the daemon
    does and running what they ask for in-process."""

    settings: Settings
    defs: dg.Definitions
    instance: dg.DagsterInstance
    store: Store
    cursors: dict[str, str | None]

    def tick(self, sensor_name: str) -> dg.SensorResult:
        sensor = self.defs.resolve_sensor_def(sensor_name)
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursors.get(sensor_name),
                                     resources=self.defs.resources, definitions=self.defs) as context:
            result = sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursors[sensor_name] = result.cursor
        return result

    def launch(self, result: dg.SensorResult) -> list[dg.ExecuteInProcessResult]:
        for request in result.dynamic_partitions_requests or []:
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        return [self.defs.resolve_job_def(r.job_name).execute_in_process(
                    instance=self.instance, partition_key=r.partition_key, tags=dict(r.tags),
                    run_config=r.run_config, raise_on_error=False)
                for r in result.run_requests or []]


@pytest.fixture
def location(tmp_path: Path) -> Iterator[Location]:
    with serving(demo_app) as demo_url, dg.instance_for_test() as instance:
        settings = Settings.of(evalforge_home=tmp_path, store_url=f"sqlite:///{tmp_path / 'evalforge.db'}",
                               demo_app_url=demo_url, dd_service="demo-app")
        store = parts.store(settings)
        yield Location(settings, build_definitions(settings), instance, store, {})
        store.close()


def request_of(store: Store, request_id: str) -> PendingRequest:
    request = store.get_request(request_id)
    assert request is not None
    return request


# ---- recovery: incident and validation requests ---------------------------------------------------------------
def test_a_new_incident_becomes_one_run_that_closes_its_own_request(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, created = service.open_or_join(HIGH, source="simulate", actor="test")
    assert created
    [pending] = location.store.pending_requests(RequestKind.incident.value)

    tick = location.tick("service_health_sensor")
    [run_request] = tick.run_requests
    assert (run_request.run_key, run_request.job_name, run_request.partition_key) == (
        pending.request_id, "incident_job", incident.incident_id)
    assert run_request.tags[REQUEST_TAG] == pending.request_id
    # Nothing is marked before Dagster has the run: a tick that failed here would lose nothing.
    assert request_of(location.store, pending.request_id).status == "pending"
    assert location.tick("service_health_sensor").run_requests == []  # the cursor remembers it
    lost = dict(location.cursors, service_health_sensor=None)
    location.cursors = lost
    assert [r.run_key for r in location.tick("service_health_sensor").run_requests] == [pending.request_id]

    [run] = location.launch(tick)
    assert run.success, [e.message for e in run.all_events if e.is_failure]
    closed = request_of(location.store, pending.request_id)
    assert (closed.status, closed.run_id) == ("done", run.run_id)
    saved = location.store.get_incident(incident.incident_id)
    assert saved is not None and len(saved.card.plan.items) == 5
    validation = location.store.get_test_run(saved.latest_run_id or "")
    assert validation is not None and validation.status.value == "COMPLETED"
    assert location.tick("service_health_sensor").run_requests == []
    assert json.loads(location.cursors["service_health_sensor"] or "[]") == []


def test_the_sensor_validates_a_reopened_incident_again_once_the_service_is_healthy(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    [first] = location.launch(location.tick("service_health_sensor"))
    assert first.success, [e.message for e in first.all_events if e.is_failure]
    assert location.store.get_incident(incident.incident_id).state is SystemState.RECOVERED
    first_run_id = location.store.get_incident(incident.incident_id).latest_run_id
    # A poller reading that still holds errors from before the fix reopens it (a recurrence in the cooldown).
    assert service.observe(HIGH).state is SystemState.INCIDENT_ACTIVE

    # The next tick reads the healthy demo app: it queues a validation run and launches it in the same tick.
    tick = location.tick("service_health_sensor")
    [run_request] = tick.run_requests
    assert (run_request.job_name, run_request.partition_key) == ("validation_job", incident.incident_id)
    [rerun] = location.launch(tick)
    assert rerun.success, [e.message for e in rerun.all_events if e.is_failure]
    recovered = location.store.get_incident(incident.incident_id)
    assert recovered.state is SystemState.RECOVERED and recovered.latest_run_id != first_run_id
    assert location.store.get_test_run(recovered.latest_run_id or "").status.value == "COMPLETED"
    assert location.tick("service_health_sensor").run_requests == []
    # The sensor's readings say how far back they reach, which is how a stale window is told from a recurrence.
    reading = location.defs.resources["recovery"].read_signal()
    assert reading.window_seconds is not None and reading.recent_window_seconds is not None


def test_a_run_the_api_launched_is_not_launched_again_and_a_dead_run_fails_its_request(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    location.store.save_request(request_of(location.store, f"incident-{incident.incident_id}").model_copy(
        update={"status": "done"}))  # this test is about the validation request only
    service.request_test_run(incident.incident_id, actor="reviewer")
    [request] = location.store.pending_requests(RequestKind.test_run.value)
    spec = run_spec(request)
    # The API launched it (same job, run key and tag) and Dagster has not started it yet.
    run = location.instance.create_run_for_job(
        job_def=location.defs.resolve_job_def(spec.job_name), run_config=spec.run_config,
        tags={**spec.tags, "dagster/partition": spec.partition_key})
    assert location.tick("service_health_sensor").run_requests == []
    assert request_of(location.store, request.request_id).status == "pending"

    # The run dies without closing its request (a killed process): the next tick fails the request, naming it.
    location.instance.report_run_failed(location.instance.get_run_by_id(run.run_id))
    assert location.tick("service_health_sensor").run_requests == []
    failed = request_of(location.store, request.request_id)
    assert (failed.status, failed.run_id) == ("failed", run.run_id)
    assert run.run_id in failed.model_extra["error"] and "request it again" in failed.model_extra["error"]


def launching_since(store: Store, request_id: str, seconds: float) -> PendingRequest:
    """The request as an API that marked it "launching" `seconds` ago and then died would have left it."""
    request = request_of(store, request_id).model_copy(update={
        "status": "launching", "created_at": iso(utc_now() - timedelta(seconds=seconds))})
    store.save_request(request)
    return request


def test_a_launch_the_api_abandoned_is_launched_by_the_sensor_after_the_grace_period(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    request_id = f"incident-{incident.incident_id}"
    launching_since(location.store, request_id, LAUNCH_GRACE_SECONDS - 20)

    # Within the grace period the API may still be launching it: the sensor leaves it alone.
    assert location.tick("service_health_sensor").run_requests == []

    launching_since(location.store, request_id, LAUNCH_GRACE_SECONDS + 1)
    tick = location.tick("service_health_sensor")
    assert [(r.run_key, r.job_name, r.partition_key) for r in tick.run_requests] == [
        (request_id, "incident_job", incident.incident_id)]
    assert location.tick("service_health_sensor").run_requests == []  # sent once: the cursor remembers it

    [run] = location.launch(tick)
    assert run.success, [e.message for e in run.all_events if e.is_failure]
    closed = request_of(location.store, request_id)
    assert (closed.status, closed.run_id) == ("done", run.run_id)
    assert location.tick("service_health_sensor").run_requests == []


def test_an_abandoned_launch_that_reached_dagster_is_found_by_its_tag_and_closed(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    request = launching_since(location.store, f"incident-{incident.incident_id}", LAUNCH_GRACE_SECONDS + 1)
    spec = run_spec(request)
    # The API's launch got through (same job, run key and tag) but the API died before recording it.
    run = location.instance.create_run_for_job(
        job_def=location.defs.resolve_job_def(spec.job_name), run_config=spec.run_config,
        tags={**spec.tags, "dagster/partition": spec.partition_key})

    assert location.tick("service_health_sensor").run_requests == []  # not launched a second time
    location.instance.report_run_failed(location.instance.get_run_by_id(run.run_id))
    assert location.tick("service_health_sensor").run_requests == []
    failed = request_of(location.store, request.request_id)
    assert (failed.status, failed.run_id) == ("failed", run.run_id)


def test_a_launched_request_whose_run_dies_unclosed_is_failed_by_the_sensor(location: Location) -> None:
    service = parts.build_incident_service(location.settings, location.store)
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    request = request_of(location.store, f"incident-{incident.incident_id}")
    spec = run_spec(request)
    # The API launched it and recorded "launched"; then the run's process was killed before closing it.
    run = location.instance.create_run_for_job(
        job_def=location.defs.resolve_job_def(spec.job_name), run_config=spec.run_config,
        tags={**spec.tags, "dagster/partition": spec.partition_key})
    location.store.save_request(request.model_copy(update={"status": "launched", "run_id": run.run_id}))

    assert location.tick("service_health_sensor").run_requests == []  # its run exists: not launched again
    assert request_of(location.store, request.request_id).status == "launched"
    location.instance.report_run_failed(location.instance.get_run_by_id(run.run_id))
    assert location.tick("service_health_sensor").run_requests == []
    failed = request_of(location.store, request.request_id)
    assert (failed.status, failed.run_id) == ("failed", run.run_id)


def test_a_failing_run_closes_its_request_as_failed_with_the_reason(location: Location) -> None:
    location.store.add_request(make_request(request_id="test_run-missing", kind="test_run",
                                            payload={"incident_id": "inc-nope", "run_id": "run-nope"}))
    [run] = location.launch(location.tick("service_health_sensor"))
    assert not run.success
    closed = request_of(location.store, "test_run-missing")
    assert (closed.status, closed.run_id) == ("failed", run.run_id)
    assert "validation_runs failed" in closed.model_extra["error"] and "run-nope" in closed.model_extra["error"]


def test_a_closed_request_is_never_reopened_by_a_late_run(tmp_path: Path) -> None:
    store = parts.store(Settings.of(evalforge_home=tmp_path))
    store.add_request(make_request(request_id="req-1"))
    assert close_request(store, "req-1", run_id="run-a").status == "done"
    late = close_request(store, "req-1", run_id="run-b", error="duplicate failed")
    assert (late.status, late.run_id) == ("done", "run-a")
    assert close_request(store, "req-unknown", run_id="run-c") is None
    store.close()


def test_the_api_launches_the_same_run_the_sensor_would() -> None:
    sent: list[dict] = []

    def dagster(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"data": {"launchRun": {"__typename": "LaunchRunSuccess",
                                                                "run": {"runId": "run-123"}}}})

    request = make_request(request_id="test_run-run_1", kind="test_run",
                           payload={"incident_id": "inc_1", "run_id": "run_1"})
    client = DagsterClient("http://dagster.test", transport=httpx.MockTransport(dagster))
    assert launch_request(client, request) == "run-123"
    params = sent[0]["variables"]["params"]
    assert params["selector"]["jobName"] == "validation_job"
    assert {t["key"]: t["value"] for t in params["executionMetadata"]["tags"]} == {
        REQUEST_TAG: "test_run-run_1", "dagster/partition": "inc_1", "dagster/run_key": "test_run-run_1"}
    assert params["runConfigData"] == {"ops": {"validation_runs": {"config": {"run_id": "run_1"}}}}
    with pytest.raises(ValueError, match="only incident, test_run and export requests become runs"):
        run_spec(make_request(kind="webhook"))


# ---- lineage --------------------------------------------------------------------------------------------------
def test_the_asset_graph_tells_the_story_from_spans_to_exports_and_recovery(tmp_path: Path) -> None:
    defs = build_definitions(Settings.of(evalforge_home=tmp_path))
    graph = defs.resolve_asset_graph()

    def parents(asset: str) -> set[str]:
        return {key.to_user_string() for key in graph.get(dg.AssetKey(asset)).parent_keys}

    assert parents("failure_captures") == {"raw_llm_spans"}
    assert parents("failure_signatures") == {"failure_captures"}
    assert parents("export_packages") == {"failure_signatures"}
    assert parents("incident_context") == {"failure_signatures"}
    assert parents("recovery_plan") == {"incident_context"}
    assert parents("validation_runs") == {"recovery_plan"}
    # Exports and incidents read the signatures as they stand (the newest hour), not every hour ever grouped.
    for asset in ("export_packages", "incident_context"):
        mapping = graph.get(dg.AssetKey(asset)).assets_def.get_partition_mapping(dg.AssetKey("failure_signatures"))
        assert isinstance(mapping, dg.LastPartitionMapping)


def test_an_export_materializes_without_any_hour_of_signatures_materialized(location: Location) -> None:
    location.store.save_captures([make_capture(capture_id="cap-1", status="ready", signature_id=None)])
    location.store.save_export(make_export(export_id="exp-1", capture_ids=["cap-1"], destinations=["eval_dataset"]))
    location.store.add_request(make_request(request_id="req-exp-1", payload={"export_id": "exp-1"}))
    [run] = location.launch(location.tick("export_request_sensor"))
    assert run.success, [e.message for e in run.all_events if e.is_failure]
    assert not location.instance.get_materialized_partitions(dg.AssetKey("failure_signatures"))
    assert request_of(location.store, "req-exp-1").status == "done"
    assert (Path(location.settings.exports_dir) / "exp-1" / "eval_cases.jsonl").exists()

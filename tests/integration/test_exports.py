"""Exports for real: API request → export sensor tick → export_packages partition materialized in Dagster →
files on disk, Datadog datasets (the local double, checked against Datadog's spec), a signed webhook to a real
local receiver, statuses, captures and audit. On SQLite and on the Firestore emulator."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import threading
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_assets.defs.exports.assets import export_packages
from evalforge_assets.defs.exports.resources import (
    ArtifactGeneratorResource,
    ExportDeliveryResource,
    build_export_resources,
)
from evalforge_assets.defs.exports.sensors import export_job, export_request_sensor
from evalforge_assets.defs.resources import build_resources
from evalforge_assets.exports.datadog_datasets import RECORD_KEY
from evalforge_assets.exports.delivery import DELIVERY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER
from evalforge_assets.models import FailureCapture
from evalforge_assets.orchestration import REQUEST_TAG
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store
from evalforge_assets.store.query import CollectionSpec
from tests.doubles.datadog_datasets import LLMObsDatasets, datadog_datasets  # noqa: F401 - fixture
from tests.doubles.datadog_double import DEFAULT_API_KEY, DEFAULT_APP_KEY, DatadogDouble
from tests.fixtures.factories import make_capture, make_signature

LEAD_KEY = "lead-key-exports"
LEAD = {"Authorization": f"Bearer {LEAD_KEY}"}
WEBHOOK_SECRET = "receiver-shared-secret"
ALL_FILE_DESTINATIONS = ["eval_dataset", "guardrail", "runbook"]


# ---- a real webhook receiver ---------------------------------------------------------------------------------
@dataclass
class ReceivedPost:
    headers: dict[str, str]
    body: bytes
    signature_valid: bool
    answered: int

    def json(self) -> Any:
        return json.loads(self.body)


class WebhookReceiver:
    """An HTTP server on 127.0.0.1 that checks Evalforge's signature on its own (plain hmac, not Evalforge's
    helper): a bad signature gets 401; a good one gets the next scripted status (200 when none is left)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.received: list[ReceivedPost] = []
        self.statuses: deque[int] = deque()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                headers = {name.lower(): value for name, value in self.headers.items()}
                valid = receiver.signature_is_valid(headers, body)
                status = (receiver.statuses.popleft() if receiver.statuses else 200) if valid else 401
                receiver.received.append(ReceivedPost(headers, body, valid, status))
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"accepted" if status < 300 else b"receiver failure")

            def log_message(self, *args: object) -> None:
                return  # keep pytest output clean; requests are recorded above

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, name="webhook-receiver", daemon=True)

    def signature_is_valid(self, headers: dict[str, str], body: bytes) -> bool:
        timestamp = headers.get(TIMESTAMP_HEADER.lower(), "")
        expected = hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(f"sha256={expected}", headers.get(SIGNATURE_HEADER.lower(), ""))

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/evalforge"


@pytest.fixture
def receiver() -> Iterator[WebhookReceiver]:
    server = WebhookReceiver(WEBHOOK_SECRET)
    server.thread.start()
    yield server
    server.server.shutdown()
    server.server.server_close()
    server.thread.join(timeout=10)


# ---- the world an export runs in --------------------------------------------------------------------------------
def seed(store: Store) -> dict[str, Any]:
    """Two signatures: a timeout (two reviewable captures and one ignored) and a failing evaluation."""
    timeout = make_signature(signature_id="sig-timeout", title="ToolTimeoutError: lookup_order timed out",
                             fingerprint={"version": 1, "ml_app": "shop-assistant", "agent": "support-agent",
                                          "failure_kind": "error", "error_type": "ToolTimeoutError",
                                          "message": "lookup_order timed out after <duration>", "evaluations": [],
                                          "stack": []},
                             error_type="ToolTimeoutError", severity="critical", count=3,
                             counts_by_hour={"2026-01-15-10:00": 3})
    faith = make_signature(signature_id="sig-faith", title="failing evaluation: faithfulness", failure_kind="eval_fail",
                           error_type=None, severity="high", count=2,
                           fingerprint={"version": 1, "ml_app": "support-bot", "agent": "answerer",
                                        "failure_kind": "eval_fail", "error_type": None, "message": None,
                                        "evaluations": ["faithfulness"], "stack": []})
    captures = [
        make_capture(capture_id=f"cap-to-{n}", signature_id="sig-timeout", status=status,
                     error_type="ToolTimeoutError", error_message=f"lookup_order timed out after {ms}ms",
                     occurred_at=f"2026-01-15T10:0{n}:00.000000Z",
                     source={"trace_id": f"trace-to-{n}", "span_id": f"span-to-{n}", "ml_app": "shop-assistant",
                             "span_name": "support_agent", "span_kind": "agent",
                             "start_time": f"2026-01-15T10:0{n}:00.000000Z",
                             "url": f"https://app.datadoghq.com/llm/traces?query=%40trace_id%3Atrace-to-{n}"})
        for n, (status, ms) in enumerate([("new", 8423), ("triaged", 12), ("ignored", 5)])
    ] + [
        make_capture(capture_id=f"cap-fa-{n}", signature_id="sig-faith", ml_app="support-bot", agent="answerer",
                     failure_kind="eval_fail", severity="high", status="triaged", error_type=None, error_message=None,
                     input_text=f"Can I return shoes after {40 + n} days?",
                     output_text="Yes, returns are accepted up to 90 days.",
                     reasons=[{"kind": "eval_fail", "rule": "evaluation_failed",
                               "detail": "faithfulness assessment=fail", "evaluation": "faithfulness"}],
                     evaluations=[{"label": "faithfulness", "assessment": "fail", "value": 0.1,
                                   "reasoning": "Context says 30 days; the answer claims 90."}])
        for n in range(2)
    ]
    store.save_signatures([timeout, faith])
    store.save_captures(captures)
    return {"captures": captures}


@dataclass
class ExportWorld:
    store: Store
    api: TestClient
    defs: dg.Definitions
    instance: dg.DagsterInstance
    exports_dir: Path
    resources: dict[str, Any]
    cursor: str | None = None

    def request(self, **body: Any) -> dict[str, Any]:
        answer = self.api.post("/v1/exports", json=body, headers=LEAD)
        assert answer.status_code == 202, answer.text
        return answer.json()

    def tick(self) -> dg.SensorResult:
        """One evaluation of the export sensor, as the daemon would run it, carrying the cursor forward."""
        with dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources,
                                     definitions=self.defs) as context:
            result = export_request_sensor(context)
        assert isinstance(result, dg.SensorResult)
        self.cursor = result.cursor
        return result

    def launch(self, result: dg.SensorResult) -> list[dg.ExecuteInProcessResult]:
        """What the daemon does with a tick: add the partitions, then run each request (skipping run keys seen)."""
        for request in result.dynamic_partitions_requests or []:
            self.instance.add_dynamic_partitions(request.partitions_def_name, list(request.partition_keys))
        runs = []
        job = self.defs.resolve_job_def("export_job")
        for run_request in result.run_requests or []:
            runs.append(job.execute_in_process(instance=self.instance, partition_key=run_request.partition_key,
                                               tags=dict(run_request.tags), raise_on_error=False))
        return runs

    def export(self, export_id: str) -> dict[str, Any]:
        answer = self.api.get(f"/v1/exports/{export_id}", headers=LEAD)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def audit(self, resource_id: str) -> list[dict[str, Any]]:
        answer = self.api.get("/v1/audit", params={"resource_id": resource_id, "limit": 200}, headers=LEAD)
        assert answer.status_code == 200, answer.text
        return answer.json()["items"]

    def files(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.exports_dir)): p.read_bytes()
                for p in sorted(self.exports_dir.rglob("*")) if p.is_file()}


def build_world(store: Store, tmp_path: Path, **delivery: Any) -> Iterator[ExportWorld]:
    settings = Settings(_env_file=None, EVALFORGE_HOME=str(tmp_path), EVALFORGE_STORE=store.url,  # type: ignore[call-arg]
                        EVALFORGE_API_KEYS=f"{LEAD_KEY}=lead", EVALFORGE_RATE_LIMIT_PER_MINUTE=100_000)
    exports_dir = tmp_path / "exports"
    resources = {
        **build_resources(settings),
        "export_delivery": ExportDeliveryResource(exports_dir=str(exports_dir), retry_base_seconds=0.0, **delivery),
        "artifact_generator": ArtifactGeneratorResource(kind="deterministic"),
    }
    defs = dg.Definitions(assets=[export_packages], jobs=[export_job], sensors=[export_request_sensor],
                          resources=resources)
    app = create_app(settings, store)
    with TestClient(app, client=("127.0.0.1", 50000)) as api, dg.DagsterInstance.ephemeral() as instance:
        yield ExportWorld(store, api, defs, instance, exports_dir, resources)


@pytest.fixture
def world(store_backend, tmp_path: Path, receiver: WebhookReceiver) -> Iterator[ExportWorld]:
    store = store_backend.open()
    seed(store)
    yield from build_world(store, tmp_path, webhook_url=receiver.url, webhook_secret=WEBHOOK_SECRET)


def statuses(store: Store, capture_ids: list[str]) -> dict[str, str]:
    return {c.capture_id: c.status.value for c in store.get_captures(capture_ids)}


def links(store: Store, capture_ids: list[str]) -> dict[str, list[str]]:
    return {c.capture_id: c.export_ids for c in store.get_captures(capture_ids)}


# ---- end to end ----------------------------------------------------------------------------------------------
def test_an_export_goes_from_api_request_to_files_statuses_captures_and_audit(world: ExportWorld,
                                                                              receiver: WebhookReceiver) -> None:
    accepted = world.request(signature_ids=["sig-timeout", "sig-faith"],
                             destinations=[*ALL_FILE_DESTINATIONS, "webhook"])
    export_id = accepted["export_id"]
    covered = ["cap-to-0", "cap-to-1", "cap-fa-0", "cap-fa-1"]
    assert sorted(accepted["capture_ids"]) == sorted(covered)
    assert accepted["skipped"] == [{"capture_id": "cap-to-2", "reason": "ignored by a reviewer"}]
    assert set(statuses(world.store, covered).values()) == {"ready"}
    assert world.export(export_id)["overall_status"] == "pending"

    tick = world.tick()
    [run_request] = tick.run_requests
    assert run_request.partition_key == export_id
    request_id = world.store.get_export(export_id).model_extra["request_id"]
    assert run_request.run_key == request_id and run_request.tags[REQUEST_TAG] == request_id
    [run] = world.launch(tick)
    assert run.success

    view = world.export(export_id)
    assert view["overall_status"] == "delivered" and view["delivered_at"]
    assert view["run_id"] == run.run_id
    assert {d["destination"]: (d["status"], d["attempts"], d["error"]) for d in view["deliveries"]} == {
        "eval_dataset": ("delivered", 1, None), "guardrail": ("delivered", 1, None),
        "runbook": ("delivered", 1, None), "webhook": ("delivered", 1, None)}
    assert set(statuses(world.store, covered).values()) == {"exported"}
    assert statuses(world.store, ["cap-to-2"]) == {"cap-to-2": "ignored"}

    files = world.files()
    assert sorted(files) == sorted([
        f"{export_id}/eval_cases.jsonl", f"{export_id}/eval_cases.csv",
        f"{export_id}/guardrails/sig-faith.json", f"{export_id}/guardrails/sig-faith.yaml",
        f"{export_id}/guardrails/sig-timeout.json", f"{export_id}/guardrails/sig-timeout.yaml",
        f"{export_id}/runbooks/sig-faith.md", f"{export_id}/runbooks/sig-timeout.md"])
    cases = [json.loads(line) for line in files[f"{export_id}/eval_cases.jsonl"].decode().splitlines()]
    assert sorted(c["metadata"]["capture_id"] for c in cases) == sorted(covered)
    rows = list(csv.DictReader(io.StringIO(files[f"{export_id}/eval_cases.csv"].decode())))
    assert sorted(row["capture_id"] for row in rows) == sorted(covered)
    rule = json.loads(files[f"{export_id}/guardrails/sig-timeout.json"])
    assert rule["action"] == "block" and {c["target"] for c in rule["checks"]} == {"error_type", "error_message"}
    assert "## Probable causes" in files[f"{export_id}/runbooks/sig-timeout.md"].decode()
    locations = {a["location"] for d in view["deliveries"] for a in d["artifacts"]}
    assert str(world.exports_dir / export_id / "eval_cases.jsonl") in locations

    [post] = receiver.received
    assert post.signature_valid and post.headers[DELIVERY_HEADER.lower()] == export_id
    package = post.json()
    assert package["export_id"] == export_id and len(package["eval_cases"]) == 4
    assert {a["kind"] for a in package["artifacts"]} >= {"eval_cases_jsonl", "guardrail_yaml", "runbook_markdown"}

    audit = world.audit(export_id)
    deliveries = {e["destination"]: e for e in audit if e["action"] == "export.deliver"}
    assert {d: e["status"] for d, e in deliveries.items()} == {
        "eval_dataset": "delivered", "guardrail": "delivered", "runbook": "delivered", "webhook": "delivered"}
    assert all(e["actor"] == "evalforge:export_packages" and e["detail"]["requested_by"] == "key-" + hashlib.sha256(
        LEAD_KEY.encode()).hexdigest()[:10] for e in deliveries.values())
    [requested] = [e for e in audit if e["action"] == "export.request"]
    assert requested["actor"] == deliveries["webhook"]["detail"]["requested_by"]
    assert [e["status"] for e in audit if e["action"] == "export.complete"] == ["delivered"]
    exported = [e for e in world.audit("cap-to-0") if e["action"] == "capture.status"]
    assert [e["status"] for e in exported] == ["exported", "ready"]  # newest first

    # Done: the request is closed, so the next tick launches nothing.
    assert world.store.get_request(world.store.get_export(export_id).model_extra["request_id"]).status == "done"
    assert world.tick().run_requests == []


def test_a_failing_webhook_is_retried_then_failed_while_the_other_destinations_deliver(
        world: ExportWorld, receiver: WebhookReceiver) -> None:
    receiver.statuses.extend([500, 500, 500])
    export_id = world.request(capture_ids=["cap-to-0", "cap-fa-0"],
                              destinations=[*ALL_FILE_DESTINATIONS, "webhook"])["export_id"]
    [run] = world.launch(world.tick())
    assert not run.success  # a failed destination fails the run, so Dagster shows it

    view = world.export(export_id)
    deliveries = {d["destination"]: d for d in view["deliveries"]}
    assert view["overall_status"] == "failed" and view["delivered_at"] is None
    assert [d for d in deliveries if deliveries[d]["status"] == "delivered"] == ALL_FILE_DESTINATIONS
    webhook = deliveries["webhook"]
    assert (webhook["status"], webhook["attempts"], webhook["artifacts"]) == ("failed", 3, [])
    assert webhook["error"].startswith("webhook failed after 3 attempts; last error: POST ")
    assert "HTTP 500" in webhook["error"]
    assert [post.answered for post in receiver.received] == [500, 500, 500]
    # Not every requested destination was delivered, so no capture counts as exported (or carried) yet.
    assert statuses(world.store, ["cap-to-0", "cap-fa-0"]) == {"cap-to-0": "ready", "cap-fa-0": "ready"}
    assert links(world.store, ["cap-to-0", "cap-fa-0"]) == {"cap-to-0": [], "cap-fa-0": []}
    assert len(world.files()) == 2 + 2 * 2 + 2  # the delivered destinations' files are all there

    audit = world.audit(export_id)
    assert {(e["destination"], e["status"]) for e in audit if e["action"] == "export.deliver"} == {
        ("eval_dataset", "delivered"), ("guardrail", "delivered"), ("runbook", "delivered"), ("webhook", "failed")}
    [failed] = [e for e in audit if e["action"] == "export.deliver" and e["status"] == "failed"]
    assert failed["detail"]["attempts"] == 3 and len(failed["detail"]["attempt_errors"]) == 3
    [complete] = [e for e in audit if e["action"] == "export.complete"]
    assert complete["status"] == "failed" and complete["detail"]["failed"] == ["webhook"]

    # The receiver is fixed: a retry delivers everything again, duplicates nothing and exports the captures.
    before = world.files()
    retried = world.api.post(f"/v1/exports/{export_id}/retry", headers=LEAD)
    assert retried.status_code == 202, retried.text
    assert world.export(export_id)["overall_status"] == "pending"
    [rerun] = world.launch(world.tick())
    assert rerun.success
    view = world.export(export_id)
    assert view["overall_status"] == "delivered"
    assert {d["destination"]: d["attempts"] for d in view["deliveries"]}["webhook"] == 1
    assert world.files() == before
    assert statuses(world.store, ["cap-to-0", "cap-fa-0"]) == {"cap-to-0": "exported", "cap-fa-0": "exported"}
    assert links(world.store, ["cap-to-0", "cap-fa-0"]) == {"cap-to-0": [export_id], "cap-fa-0": [export_id]}
    assert [post.answered for post in receiver.received][-1] == 200
    assert {post.headers[DELIVERY_HEADER.lower()] for post in receiver.received} == {export_id}


def test_captures_list_the_exports_that_carried_them_and_exports_are_listed_by_capture_and_signature(
        world: ExportWorld) -> None:
    first = world.request(capture_ids=["cap-to-0", "cap-fa-0"], destinations=ALL_FILE_DESTINATIONS)["export_id"]
    assert all(run.success for run in world.launch(world.tick()))
    second = world.request(signature_ids=["sig-timeout"], destinations=["runbook"])["export_id"]
    assert all(run.success for run in world.launch(world.tick()))
    # Re-materializing a partition (Dagster's "re-execute") links nothing twice.
    again = world.defs.resolve_job_def("export_job").execute_in_process(instance=world.instance,
                                                                        partition_key=first)
    assert again.success

    assert links(world.store, ["cap-to-0", "cap-to-1", "cap-to-2", "cap-fa-0", "cap-fa-1"]) == {
        "cap-to-0": [first, second], "cap-to-1": [second], "cap-to-2": [], "cap-fa-0": [first], "cap-fa-1": []}
    detail = world.api.get("/v1/captures/cap-to-0", headers=LEAD)
    assert detail.status_code == 200 and detail.json()["export_ids"] == [first, second]

    def listed(**params: str) -> list[str]:
        answer = world.api.get("/v1/exports", params=params, headers=LEAD)
        assert answer.status_code == 200, answer.text
        return [item["export_id"] for item in answer.json()["items"]]

    newest_first = [second, first]
    assert listed(capture_id="cap-to-0") == newest_first
    assert listed(capture_id="cap-fa-0") == [first]
    assert listed(capture_id="cap-to-2") == []  # ignored, so the signature's export skipped it
    assert listed(signature_id="sig-timeout") == newest_first  # the first carried one of its captures
    assert listed(signature_id="sig-faith", status="delivered") == [first]


def test_linking_a_capture_to_its_export_keeps_a_reviewers_concurrent_change(
        world: ExportWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    export_id = world.request(capture_ids=["cap-to-0"], destinations=["runbook"])["export_id"]
    store = world.store
    backend = type(store)  # the run opens its own handle on the store, so the class is what both share
    put_if_version = backend._put_if_version
    interleaved: list[str] = []

    def reviewer_writes_first(handle: Store, spec: CollectionSpec, document: dict[str, Any],
                              expected: int | None) -> bool:
        # The run read the capture and is about to write it: a reviewer's write lands in between, once.
        if spec.name == "captures" and document.get("export_ids") and not interleaved:
            interleaved.append(document["capture_id"])
            reviewed = FailureCapture.model_validate(
                {**store.get_captures([document["capture_id"]])[0].model_dump(mode="json"),
                 "assignee": "ana@example.com", "notes": [{"text": "Seen in the on-call review."}]})
            assert put_if_version(handle, spec, reviewed.model_dump(mode="json"), expected)
        return put_if_version(handle, spec, document, expected)

    monkeypatch.setattr(backend, "_put_if_version", reviewer_writes_first)
    assert all(run.success for run in world.launch(world.tick()))

    assert interleaved == ["cap-to-0"]
    [capture] = store.get_captures(["cap-to-0"])
    assert capture.export_ids == [export_id] and capture.status.value == "exported"
    assert capture.assignee == "ana@example.com" and capture.notes == [{"text": "Seen in the on-call review."}]


def test_a_receiver_that_rejects_the_signature_fails_the_webhook_without_retries(
        store_backend, tmp_path: Path, receiver: WebhookReceiver) -> None:
    store = store_backend.open()
    seed(store)
    for world in build_world(store, tmp_path, webhook_url=receiver.url, webhook_secret="not-the-receivers-secret"):
        export_id = world.request(capture_ids=["cap-to-0"], destinations=["webhook"])["export_id"]
        [run] = world.launch(world.tick())
        assert not run.success
        [delivery] = world.export(export_id)["deliveries"]
        assert (delivery["status"], delivery["attempts"]) == ("failed", 1)
        assert "HTTP 401" in delivery["error"] and "verifies the signature" in delivery["error"]
        assert [(post.signature_valid, post.answered) for post in receiver.received] == [(False, 401)]


def test_the_sensor_sends_each_request_once_and_its_run_key_is_stable(world: ExportWorld) -> None:
    export_id = world.request(capture_ids=["cap-fa-0"], destinations=["runbook"])["export_id"]
    first = world.tick()
    [run_request] = first.run_requests
    assert [r.partition_key for r in first.run_requests] == [export_id]
    assert [list(r.partition_keys) for r in first.dynamic_partitions_requests] == [[export_id]]
    assert world.tick().run_requests == []  # launched, not yet run: the cursor remembers it
    world.cursor = None  # a lost cursor re-sends the same run key, which Dagster never launches twice
    assert [r.run_key for r in world.tick().run_requests] == [run_request.run_key]


# ---- Datadog datasets, against the double --------------------------------------------------------------------
@pytest.fixture
def datadog_world(tmp_path: Path, datadog_double: DatadogDouble,
                  datadog_datasets: LLMObsDatasets) -> Iterator[ExportWorld]:  # noqa: F811 - fixture
    from evalforge_assets.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "evalforge.db")
    seed(store)
    yield from build_world(store, tmp_path, dd_api_key=DEFAULT_API_KEY, dd_app_key=DEFAULT_APP_KEY,
                           dd_api_host=datadog_double.base_url)
    store.close()


def assert_spec_valid(double: DatadogDouble, datadog_openapi) -> None:
    exchanges = [e for e in double.exchanges if e.operation is not None]
    assert exchanges
    for exchange in exchanges:
        datadog_openapi.validate_request(exchange.request)
        # Datadog's spec documents no 5xx answers; those the test injects are skipped, every other is checked.
        datadog_openapi.validate_response(exchange.request, exchange.response, undocumented_status_ok=True)


def test_eval_cases_reach_a_datadog_dataset_per_app_with_spec_valid_traffic(
        datadog_world: ExportWorld, datadog_double: DatadogDouble, datadog_datasets: LLMObsDatasets,  # noqa: F811
        datadog_openapi) -> None:
    export_id = datadog_world.request(signature_ids=["sig-timeout", "sig-faith"],
                                      destinations=["eval_dataset"])["export_id"]
    [run] = datadog_world.launch(datadog_world.tick())
    assert run.success
    assert [p["name"] for p in datadog_datasets.projects.values()] == ["evalforge"]
    shop = datadog_datasets.records_of("evalforge-shop-assistant")
    bot = datadog_datasets.records_of("evalforge-support-bot")
    assert sorted(r["metadata"][RECORD_KEY] for r in shop) == ["evalforge-case-cap-to-0", "evalforge-case-cap-to-1"]
    assert sorted(r["metadata"]["capture_id"] for r in bot) == ["cap-fa-0", "cap-fa-1"]
    record = next(r for r in bot if r["metadata"]["capture_id"] == "cap-fa-0")
    assert record["input"] == {"messages": [{"role": "user", "content": "Can I return shoes after 40 days?"}]}
    assert "faithfulness" in record["expected_output"]["expected"]
    assert record["metadata"]["failed_output"] == "Yes, returns are accepted up to 90 days."
    datasets = [a for d in datadog_world.export(export_id)["deliveries"] for a in d["artifacts"]
                if a["kind"] == "datadog_dataset"]
    assert sorted((a["dataset_name"], a["records_created"], a["records_skipped"]) for a in datasets) == [
        ("evalforge-shop-assistant", 2, 0), ("evalforge-support-bot", 2, 0)]
    assert_spec_valid(datadog_double, datadog_openapi)


def test_rerunning_an_export_never_duplicates_files_or_dataset_records(
        datadog_world: ExportWorld, datadog_double: DatadogDouble, datadog_datasets: LLMObsDatasets,  # noqa: F811
        datadog_openapi) -> None:
    export_id = datadog_world.request(signature_ids=["sig-timeout", "sig-faith"],
                                      destinations=ALL_FILE_DESTINATIONS)["export_id"]
    assert datadog_world.launch(datadog_world.tick())[0].success
    files = datadog_world.files()
    records = {name: datadog_datasets.records_of(name) for name in ("evalforge-shop-assistant",
                                                                     "evalforge-support-bot")}
    # Re-materialize the same partition, as "re-execute" in the Dagster UI does.
    again = datadog_world.defs.resolve_job_def("export_job").execute_in_process(
        instance=datadog_world.instance, partition_key=export_id)
    assert again.success
    assert datadog_world.files() == files
    assert {name: datadog_datasets.records_of(name) for name in records} == records
    assert len(datadog_double.exchanges_for("create_llm_obs_dataset")) == 2  # found by name the second time
    assert len(datadog_double.exchanges_for("create_llm_obs_dataset_records")) == 2
    datasets = [a for d in datadog_world.export(export_id)["deliveries"] for a in d["artifacts"]
                if a["kind"] == "datadog_dataset"]
    assert sorted((a["records_created"], a["records_skipped"]) for a in datasets) == [(0, 2), (0, 2)]
    assert len([e for e in datadog_world.audit(export_id) if e["action"] == "export.complete"]) == 2
    assert_spec_valid(datadog_double, datadog_openapi)


def test_records_already_in_a_dataset_are_skipped_and_a_datadog_outage_is_retried(
        datadog_world: ExportWorld, datadog_double: DatadogDouble, datadog_datasets: LLMObsDatasets,  # noqa: F811
        datadog_openapi) -> None:
    first = datadog_world.request(capture_ids=["cap-to-0"], destinations=["eval_dataset"])["export_id"]
    assert datadog_world.launch(datadog_world.tick())[0].success
    datadog_double.inject(503, {"errors": ["Service Unavailable"]}, operation="create_llm_obs_dataset_records")
    second = datadog_world.request(capture_ids=["cap-to-0", "cap-to-1"], destinations=["eval_dataset"])["export_id"]
    assert datadog_world.launch(datadog_world.tick())[0].success
    [delivery] = datadog_world.export(second)["deliveries"]
    assert (delivery["status"], delivery["attempts"]) == ("delivered", 2)
    [dataset] = [a for a in delivery["artifacts"] if a["kind"] == "datadog_dataset"]
    assert (dataset["records_created"], dataset["records_skipped"]) == (1, 1)
    keys = [r["metadata"][RECORD_KEY] for r in datadog_datasets.records_of("evalforge-shop-assistant")]
    assert sorted(keys) == ["evalforge-case-cap-to-0", "evalforge-case-cap-to-1"]
    assert first != second
    [retry_audit] = [e for e in datadog_world.audit(second) if e["action"] == "export.deliver"]
    assert "HTTP 503" in retry_audit["detail"]["attempt_errors"][0]
    assert_spec_valid(datadog_double, datadog_openapi)


def test_wrong_datadog_keys_fail_the_dataset_destination_at_once(
        tmp_path: Path, datadog_double: DatadogDouble, datadog_datasets: LLMObsDatasets) -> None:  # noqa: F811
    from evalforge_assets.store.sqlite import SqliteStore

    store = SqliteStore(tmp_path / "evalforge.db")
    seed(store)
    for world in build_world(store, tmp_path, dd_api_key="wrong", dd_app_key="wrong",
                             dd_api_host=datadog_double.base_url):
        export_id = world.request(capture_ids=["cap-to-0"], destinations=["eval_dataset", "runbook"])["export_id"]
        assert not world.launch(world.tick())[0].success
        deliveries = {d["destination"]: d for d in world.export(export_id)["deliveries"]}
        assert deliveries["runbook"]["status"] == "delivered"
        assert (deliveries["eval_dataset"]["status"], deliveries["eval_dataset"]["attempts"]) == ("failed", 1)
        assert "HTTP 403" in deliveries["eval_dataset"]["error"] and "DD_APP_KEY" in deliveries["eval_dataset"]["error"]
    store.close()


# ---- wiring ---------------------------------------------------------------------------------------------------
def test_the_export_definitions_load_with_resources_built_from_settings(tmp_path: Path,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EVALFORGE_EXPORT_WEBHOOK_SECRET", "from-the-environment")
    settings = Settings(_env_file=None, EVALFORGE_HOME=str(tmp_path),  # type: ignore[call-arg]
                        EVALFORGE_EXPORT_WEBHOOK_URL="https://hooks.example.com/in",
                        EVALFORGE_EXPORT_WEBHOOK_SECRET="from-the-environment")
    resources = {**build_resources(settings), **build_export_resources(settings)}
    defs = dg.Definitions(assets=[export_packages], jobs=[export_job], sensors=[export_request_sensor],
                          resources=resources)
    assert defs.resolve_job_def("export_job").partitions_def.name == "exports"
    assert defs.resolve_sensor_def("export_request_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    delivery = resources["export_delivery"]
    assert isinstance(delivery, ExportDeliveryResource)
    assert delivery.exports_dir == str(settings.exports_dir) and delivery.dd_api_key is None
    # The secret reaches Dagster as an environment reference, never as its value.
    assert "from-the-environment" not in repr(delivery)

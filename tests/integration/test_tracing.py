"""Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, an API request and the capture pipeline's steps reach a real
OTLP/HTTP receiver as spans with the right names, attributes and parent links, and log lines carry the trace
ids; with it unset nothing is installed. Each case runs in its own Python process, because OpenTelemetry's
tracer provider can be set only once per process (as in production: one per API or Dagster process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.doubles.otlp_receiver import OtlpReceiver, ReceivedSpan

ROOT = Path(__file__).resolve().parents[2]
HOUR = "2026-03-02-10:00"

API_SCRIPT = """
import sys
from fastapi.testclient import TestClient
from evalforge_api.app import create_app
from evalforge_assets import telemetry
from evalforge_assets.settings import Settings

app = create_app(Settings())
with TestClient(app, client=("127.0.0.1", 5000)) as client:
    assert client.get("/v1/captures/cap-404").status_code == 404
    assert client.get("/v1/captures", params={"limit": 5}).status_code == 200
assert telemetry.force_flush()
"""

PIPELINE_SCRIPT = """
import sys
from pathlib import Path
from evalforge_assets import telemetry
from tests.integration.dagster_helpers import capture_settings, run_capture

home = Path(sys.argv[1])
result = run_capture(capture_settings(home, f"sqlite:///{home / 'evalforge.db'}"), sys.argv[2])
assert result.success
assert telemetry.force_flush()
"""

UNSET_SCRIPT = """
import sys, threading
from fastapi.testclient import TestClient
from opentelemetry import trace
from evalforge_api.app import create_app
from evalforge_assets import telemetry
from evalforge_assets.settings import Settings

app = create_app(Settings())
with TestClient(app, client=("127.0.0.1", 5000)) as client:
    assert client.get("/v1/captures").status_code == 200
print("provider", type(trace.get_tracer_provider()).__name__)
print("enabled", telemetry.tracing_enabled())
print("sdk_loaded", "opentelemetry.sdk.trace" in sys.modules)
print("threads", sorted(t.name for t in threading.enumerate()))
"""


def _run(script: str, tmp_path: Path, endpoint: str | None, *args: str) -> subprocess.CompletedProcess[str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith(("OTEL_", "EVALFORGE_"))}
    env.update({"EVALFORGE_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)})
    if endpoint:
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = endpoint
    done = subprocess.run([sys.executable, "-c", script, *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=240, check=False)
    assert done.returncode == 0, f"the script failed:\n{done.stdout}\n{done.stderr[-4000:]}"
    return done


def _one(spans: list[ReceivedSpan], name: str) -> ReceivedSpan:
    found = [span for span in spans if span.name == name]
    assert len(found) == 1, f"expected one {name!r} span, got {len(found)} among {sorted({s.name for s in spans})}"
    return found[0]


def test_an_api_request_is_a_server_span_named_by_its_route_template(tmp_path: Path) -> None:
    with OtlpReceiver() as receiver:
        _run(API_SCRIPT, tmp_path, receiver.endpoint)
        spans = receiver.wait_for({"GET /v1/captures/{capture_id}", "GET /v1/captures"})
    request = _one(spans, "GET /v1/captures/{capture_id}")
    assert request.service_name == "evalforge-api"
    assert request.parent_span_id is None
    assert request.attributes["http.route"] == "/v1/captures/{capture_id}"
    assert request.attributes.get("http.status_code", request.attributes.get("http.response.status_code")) == 404
    # The ASGI instrumentation's send spans are children of the request span, in its trace.
    children = [s for s in spans if s.parent_span_id == request.span_id]
    assert children and {c.trace_id for c in children} == {request.trace_id}
    assert _one(spans, "GET /v1/captures").trace_id != request.trace_id


def test_pipeline_steps_are_spans_with_their_hours_as_children_and_log_lines_carry_the_trace(
        tmp_path: Path) -> None:
    with OtlpReceiver() as receiver:
        done = _run(PIPELINE_SCRIPT, tmp_path, receiver.endpoint, str(tmp_path), HOUR)
        spans = receiver.wait_for({"pipeline.raw_llm_spans", "pipeline.failure_captures", "capture.hour",
                                   "pipeline.failure_signatures", "pipeline.captures_are_pii_free"})
    step = _one(spans, "pipeline.failure_captures")
    assert step.service_name == "evalforge-dagster"
    assert step.attributes["evalforge.step"] == "failure_captures"
    assert step.attributes["partitions"] == HOUR
    hour = _one(spans, "capture.hour")
    assert hour.parent_span_id == step.span_id and hour.trace_id == step.trace_id
    assert hour.attributes["evalforge.partition"] == HOUR
    # Ingestion logs a line per captured span; those lines keep the monitored span's own trace_id and carry
    # ours as evalforge_trace_id / evalforge_span_id.
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    captured = [line for line in lines if line.get("msg") == "captured"]
    assert captured, "no 'captured' log line was written"
    assert {line["evalforge_trace_id"] for line in captured} == {step.trace_id}
    assert {line["evalforge_span_id"] for line in captured} == {hour.span_id}
    assert all(line["trace_id"] != step.trace_id for line in captured)


def test_without_an_endpoint_no_exporter_or_thread_is_installed(tmp_path: Path) -> None:
    done = _run(UNSET_SCRIPT, tmp_path, None)
    report = dict(line.split(" ", 1) for line in done.stdout.splitlines())
    assert report["provider"] == "ProxyTracerProvider"
    assert report["enabled"] == "False"
    assert report["sdk_loaded"] == "False"
    assert "Otel" not in report["threads"] and "otel" not in report["threads"]

"""Reviewer API latency over real HTTP: p50 / p95 / p99 per endpoint (target: p99 < 30 ms for the list
endpoints on SQLite with 100k captures and 3k signatures), then the same figures on the Firestore emulator.

    python3 -m uv run python benchmarks/api.py [--captures 100000] [--signatures 3000] [--requests 2000]
                                               [--firestore-captures 10000] [--no-firestore]

The store is seeded directly through `Store`, then the API runs as a uvicorn subprocess on a free 127.0.0.1
port (stopped by its PID) and one keep-alive client sends a fixed, seeded mix of queue requests.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the Firestore emulator helper lives with the tests

from evalforge_assets.models import (
    SEVERITY_RANK,
    FailureCapture,
    FailureSignature,
    Severity,
    iso,
)
from evalforge_assets.review.rules import hour_key
from evalforge_assets.store import Store, open_store
from tests.fixtures.processes import free_port, stop_process  # the API started and stopped as the tests do

API_KEY = "benchmark-lead-key"
LIST_ENDPOINTS = ("GET /v1/captures", "GET /v1/captures filtered", "GET /v1/captures next page",
                  "GET /v1/signatures", "GET /v1/signatures windowed", "GET /v1/signatures by severity")
TARGET_P99_MS = 30.0
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
SEED_BATCH = 2000
END = datetime(2026, 1, 15, 12, tzinfo=UTC)
SPAN = timedelta(days=7)

SEVERITIES = ["critical", "high", "medium", "low"]
KINDS = ["error", "eval_fail", "low_quality", "user_feedback"]
STATUSES = ["new"] * 6 + ["triaged", "triaged", "ready", "ignored"]
REVIEWERS = [None, None, None, "ana@example.com", "bo@example.com", "chen@example.com"]
AGENTS = [f"agent-{n}" for n in range(12)]
APPS = ["shop-assistant", "support-bot", "search"]


# ---- seeding -----------------------------------------------------------------------------------------------
def capture(rng: random.Random, number: int, signature_id: str, agent: str, app: str, kind: str,
            severity: str) -> FailureCapture:
    occurred = END - SPAN * rng.random()
    capture_id = f"cap-{number:07d}"
    return FailureCapture.model_validate({
        "capture_id": capture_id,
        "source": {"trace_id": f"{number:032x}", "span_id": str(10**15 + number), "ml_app": app,
                   "span_name": "answer_question", "span_kind": "llm", "start_time": iso(occurred)},
        "detected_at": iso(occurred + timedelta(minutes=65)), "occurred_at": iso(occurred), "ml_app": app,
        "failure_kind": kind, "reasons": [{"kind": kind, "rule": "benchmark", "detail": "seeded"}],
        "severity": severity, "agent": agent, "error_type": "TimeoutError" if kind == "error" else None,
        "error_message": f"upstream call {number % 97} timed out" if kind == "error" else None,
        "input_text": "Where is my order? " * 5, "output_text": "I could not find it. " * 5,
        "signature_id": signature_id, "status": rng.choice(STATUSES), "assignee": rng.choice(REVIEWERS),
        "lineage": {"run_id": "benchmark", "partition_key": hour_key(occurred), "asset": "failure_captures"},
    })


def signature_of(signature_id: str, captures: list[FailureCapture]) -> FailureSignature:
    hours = Counter(hour_key(datetime.fromisoformat(c.occurred_at)) for c in captures)
    first = captures[0]
    ordered = sorted(captures, key=lambda c: c.occurred_at)
    return FailureSignature.model_validate({
        "signature_id": signature_id,
        "title": f"{first.error_type or first.failure_kind.value} in {first.agent}",
        "fingerprint": {"version": 1, "agent": first.agent, "failure_kind": first.failure_kind.value},
        "ml_app": first.ml_app, "agent": first.agent, "failure_kind": first.failure_kind,
        "error_type": first.error_type,
        "severity": min((c.severity for c in captures), key=lambda s: SEVERITY_RANK[Severity(s)]),
        "count": len(captures), "first_seen": ordered[0].occurred_at, "last_seen": ordered[-1].occurred_at,
        "counts_by_hour": dict(sorted(hours.items())), "own_counts_by_hour": dict(sorted(hours.items())),
        "status": "new", "sample_capture_ids": [c.capture_id for c in ordered[:5]],
    })


def seed(store: Store, captures: int, signatures: int, seed_value: int = 7) -> tuple[list[str], list[str]]:
    """Captures over a week and over signatures with a long tail; returns (capture ids, signature ids)."""
    rng = random.Random(seed_value)
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(signatures)]  # a few big signatures, many small
    owners = rng.choices(range(signatures), weights=weights, k=captures)
    for index in range(signatures):  # every signature has at least one capture
        owners[index] = index
    traits = [(rng.choice(AGENTS), rng.choice(APPS), rng.choice(KINDS), rng.choice(SEVERITIES))
              for _ in range(signatures)]
    by_signature: dict[int, list[FailureCapture]] = defaultdict(list)
    batch: list[FailureCapture] = []
    for number, owner in enumerate(owners):
        agent, app, kind, severity = traits[owner]
        item = capture(rng, number, f"sig-{owner:05d}", agent, app, kind, severity)
        by_signature[owner].append(item)
        batch.append(item)
        if len(batch) == SEED_BATCH:
            store.save_captures(batch)
            batch = []
    store.save_captures(batch)
    grouped = [signature_of(f"sig-{owner:05d}", items) for owner, items in sorted(by_signature.items())]
    for start in range(0, len(grouped), SEED_BATCH):
        store.save_signatures(grouped[start:start + SEED_BATCH])
    return [f"cap-{n:07d}" for n in range(captures)], [s.signature_id for s in grouped]


# ---- the server --------------------------------------------------------------------------------------------
@contextmanager
def api_server(store_url: str, workdir: Path, extra_env: dict[str, str]) -> Iterator[str]:
    """uvicorn serving evalforge_api.main:app over `store_url`; yields its base URL, stops it by PID."""
    port = free_port()
    env = {**os.environ, **extra_env, "EVALFORGE_STORE": store_url, "EVALFORGE_HOME": str(workdir),
           "EVALFORGE_API_KEYS": f"{API_KEY}=lead", "EVALFORGE_RATE_LIMIT_PER_MINUTE": "10000000",
           "EVALFORGE_DAGSTER_URL": f"http://127.0.0.1:{free_port()}", "EVALFORGE_LOG_LEVEL": "WARNING"}
    env.pop("DD_API_KEY", None)  # /health must not call Datadog from a benchmark
    log_path = workdir / f"uvicorn-{port}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "evalforge_api.main:app", "--host", "127.0.0.1",
             "--port", str(port), "--no-access-log", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"uvicorn exited with code {process.returncode}:\n"
                                   f"{log_path.read_text()[-3000:]}")
            if _answers(base):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not answer within {START_TIMEOUT_SECONDS:.0f} s:\n"
                                   f"{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base
    finally:
        stop_process(process, STOP_TIMEOUT_SECONDS)


# ---- the request mix ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Request:
    label: str
    method: str
    path: str
    params: dict[str, Any] | None = None
    body: dict[str, Any] | None = None


def _answers(base: str) -> bool:
    """Whether the API answers its health check yet (False while it is not listening)."""
    try:
        return httpx.get(f"{base}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False


def request_mix(rng: random.Random, capture_ids: list[str], signature_ids: list[str],
                next_page: str | None) -> Callable[[], Request]:
    window_start = iso(END - timedelta(hours=24))
    choices: list[tuple[float, Callable[[], Request]]] = [
        (0.20, lambda: Request("GET /v1/captures", "GET", "/v1/captures")),
        (0.12, lambda: Request("GET /v1/captures filtered", "GET", "/v1/captures",
                               {"status": "new", "severity": "critical,high", "limit": 50})),
        (0.08, lambda: Request("GET /v1/captures next page", "GET", "/v1/captures",
                               {"cursor": next_page} if next_page else None)),
        (0.15, lambda: Request("GET /v1/signatures", "GET", "/v1/signatures", {"sort": "count"})),
        (0.10, lambda: Request("GET /v1/signatures windowed", "GET", "/v1/signatures",
                               {"sort": "last_seen", "from": window_start})),
        (0.05, lambda: Request("GET /v1/signatures by severity", "GET", "/v1/signatures",
                               {"sort": "severity", "status": "new"})),
        (0.12, lambda: Request("GET /v1/signatures/{id}", "GET",
                               f"/v1/signatures/{rng.choice(signature_ids)}")),
        (0.10, lambda: Request("GET /v1/captures/{id}", "GET", f"/v1/captures/{rng.choice(capture_ids)}")),
        (0.08, lambda: Request("PATCH /v1/captures/{id}", "PATCH", f"/v1/captures/{rng.choice(capture_ids)}",
                               body={"assignee": rng.choice(["ana@example.com", "bo@example.com"]),
                                     "note": "benchmark triage note"})),
    ]
    weights = [weight for weight, _ in choices]
    makers = [maker for _, maker in choices]
    return lambda: rng.choices(makers, weights=weights)[0]()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))]


def run_requests(base: str, capture_ids: list[str], signature_ids: list[str],
                 count: int) -> dict[str, list[float]]:
    rng = random.Random(11)
    timings: dict[str, list[float]] = defaultdict(list)
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30.0) as client:
        first_page = client.get("/v1/captures").json()
        next_request = request_mix(rng, capture_ids, signature_ids, first_page["next_cursor"])
        for _ in range(20):  # warm-up: connection, caches, lazy imports
            warm = next_request()
            client.request(warm.method, warm.path, params=warm.params, json=warm.body)
        for _ in range(count):
            request = next_request()
            started = time.perf_counter()
            response = client.request(request.method, request.path, params=request.params, json=request.body)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise RuntimeError(f"{request.label} answered {response.status_code}: {response.text[:300]}")
            timings[request.label].append(elapsed)
    return timings


def report(title: str, timings: dict[str, list[float]], with_target: bool) -> None:
    print(f"\n{title}")
    print(f"{'endpoint':34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    missed = []
    for label in sorted(timings, key=lambda name: (name not in LIST_ENDPOINTS, name)):
        values = timings[label]
        p99 = percentile(values, 0.99)
        flag = ""
        if with_target and label in LIST_ENDPOINTS:
            flag = "  list" if p99 < TARGET_P99_MS else "  list, over target"
            if p99 >= TARGET_P99_MS:
                missed.append(label)
        print(f"{label:34} {len(values):5d} {percentile(values, 0.5):8.1f} {percentile(values, 0.95):8.1f} "
              f"{p99:8.1f}{flag}")
    if with_target:
        verdict = "met" if not missed else f"NOT met by {', '.join(missed)}"
        print(f"target p99 < {TARGET_P99_MS:g} ms for the list endpoints: {verdict}")


def bench(title: str, store_url: str, captures: int, signatures: int, requests: int, workdir: Path,
          extra_env: dict[str, str], with_target: bool) -> None:
    store = open_store(store_url)
    started = time.perf_counter()
    capture_ids, signature_ids = seed(store, captures, signatures)
    store.close()
    print(f"\n{title}: seeded {captures:,} captures and {len(signature_ids):,} signatures in "
          f"{time.perf_counter() - started:.1f} s")
    with api_server(store_url, workdir, extra_env) as base:
        timings = run_requests(base, capture_ids, signature_ids, requests)
    report(f"{title}: {requests:,} requests over HTTP (uvicorn, one keep-alive client)", timings, with_target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=100_000)
    parser.add_argument("--signatures", type=int, default=3_000)
    parser.add_argument("--requests", type=int, default=2_000)
    parser.add_argument("--firestore-captures", type=int, default=10_000)
    parser.add_argument("--firestore-signatures", type=int, default=300)
    parser.add_argument("--no-firestore", action="store_true", help="Only the SQLite figures.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evalforge-api-bench-") as directory:
        workdir = Path(directory)
        bench("SQLite", f"sqlite:///{workdir / 'bench.db'}", args.captures, args.signatures, args.requests,
              workdir, {}, with_target=True)
        if args.no_firestore:
            return
        from tests.fixtures.firestore_emulator import EmulatorUnavailable, running_firestore_emulator

        project = "demo-evalforge-bench"
        try:
            with running_firestore_emulator(project) as host:
                os.environ["FIRESTORE_EMULATOR_HOST"] = host
                bench("Firestore emulator", f"firestore://{project}", args.firestore_captures,
                      args.firestore_signatures, args.requests, workdir, {"FIRESTORE_EMULATOR_HOST": host},
                      with_target=False)
        except EmulatorUnavailable as exc:
            print(f"\nFirestore emulator: skipped ({exc})")


if __name__ == "__main__":
    main()

"""Incident guarantees across processes: two real uvicorn processes of `evalforge_api.main:app` share one store
(SQLite, then the Firestore emulator) and are hit by concurrent requests, as a hostile tester would.

Each round checks: 20 concurrent `simulate INCIDENT_ON` split over both processes leave exactly one open
incident; 10 concurrent `POST /api/tests/run` for it answer one run id and queue one run; once the incident is
RECOVERED a run request is a 409 naming the state. The round ends by closing the incident, so the next round
races to open a new one.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from evalforge_assets.models import TestRunStatus, TestStatus, now_iso
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.store import Store, open_store
from tests.fixtures.firestore_emulator import TEST_PROJECT
from tests.fixtures.processes import stop_process

REPO = Path(__file__).resolve().parents[2]
SERVICE = "demo-app"
ROUNDS = 3
OPENERS = 20
RUNNERS = 10
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
LOW = SignalReading(error_rate_5m=0.0, p95_latency_ms_5m=80.0, error_rate_recent=0.0)


@dataclass
class ApiProcess:
    url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])


def _closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}"


def _answers(url: str) -> bool:
    try:
        # /health needs no key (as the readiness probe in deploy/k8s/api.yaml), so callers may configure keys.
        return httpx.get(f"{url}/health", timeout=5.0).status_code == 200
    except httpx.HTTPError:
        return False  # not listening yet


def _stop(api: ApiProcess) -> None:
    """SIGTERM the one process we started (by its PID); SIGKILL that same PID only if it does not exit."""
    stop_process(api.process, STOP_TIMEOUT_SECONDS)


@contextmanager
def api_process(home: Path, store_url: str, extra_env: dict[str, str], name: str) -> Iterator[ApiProcess]:
    """`uvicorn evalforge_api.main:app` on a socket bound here (so no one can take its port), until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(128)
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EVALFORGE_", "DD_", "MINIMAX_", "DEMO_APP_", "FIRESTORE_EMULATOR_HOST"))}
    env.update({"EVALFORGE_HOME": str(home), "EVALFORGE_STORE": store_url, "DD_SERVICE": SERVICE,
                # Nothing listens there: direct launches fail fast and requests wait for a sensor, as designed.
                "EVALFORGE_DAGSTER_URL": _closed_port_url(), "EVALFORGE_LOG_LEVEL": "WARNING",
                "PYTHONPATH": str(REPO), **extra_env})
    log_path = home / f"{name}.log"
    with log_path.open("wb") as log:
        # cwd is the test's own folder, so no developer .env file is read.
        process = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", "evalforge_api.main:app", "--fd", str(listener.fileno()),
             "--log-level", "warning"],
            env=env, cwd=home, stdout=log, stderr=subprocess.STDOUT, pass_fds=(listener.fileno(),),
            start_new_session=True)
    api = ApiProcess(url, process, log_path)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited with code {process.returncode} during start-up:\n{api.log_tail()}")
            if _answers(url):
                break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{name} did not answer within {START_TIMEOUT_SECONDS:.0f} s:\n{api.log_tail()}")
            time.sleep(0.1)
        yield api
    finally:
        _stop(api)
        listener.close()


Call = tuple[str, str, dict[str, str]]  # (base URL, path, JSON body) of one POST


def concurrently(calls: list[Call]) -> list[httpx.Response]:
    """POST every call at the same moment and return the responses in order.

    Each caller opens its connection (and makes one read) before a barrier releases them all together, so the
    requests reach the servers within a millisecond or so instead of trickling in behind connection set-up.
    """
    gate = threading.Barrier(len(calls))

    def fire(call: Call) -> httpx.Response:
        url, path, body = call
        with httpx.Client(base_url=url, timeout=30.0) as client:
            client.get("/api/status").raise_for_status()
            gate.wait()
            return client.post(path, json=body)

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(fire, calls))


def open_incidents(store: Store) -> list[str]:
    return [incident.incident_id for incident in store.list_incidents(limit=500).items
            if incident.open and incident.service == SERVICE]


def run_rounds(urls: list[str], store: Store) -> None:
    service = IncidentService(store, service=SERVICE)
    for round_number in range(1, ROUNDS + 1):
        where = f"round {round_number}"
        opened = concurrently([(urls[i % 2], "/api/incidents/simulate", {"mode": "INCIDENT_ON"})
                               for i in range(OPENERS)])
        assert [r.status_code for r in opened] == [200] * OPENERS, f"{where}: {[r.text for r in opened]}"
        answered = {r.json()["incident_id"] for r in opened}
        assert len(answered) == 1, f"{where}: simulate answered several incidents: {answered}"
        assert open_incidents(store) == list(answered), f"{where}: open incidents {open_incidents(store)}"
        [incident_id] = answered

        service.attach_plan(incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, now_iso()))
        runs = concurrently([(urls[i % 2], "/api/tests/run", {"incident_id": incident_id})
                             for i in range(RUNNERS)])
        assert [r.status_code for r in runs] == [202] * RUNNERS, f"{where}: {[r.text for r in runs]}"
        run_ids = {r.json()["run_id"] for r in runs}
        assert len(run_ids) == 1, f"{where}: one incident got several active runs: {run_ids}"
        [run_id] = run_ids
        assert store.get_incident(incident_id).latest_run_id == run_id
        queued = [r for r in store.pending_requests("test_run", limit=500) if r.payload["incident_id"] == incident_id]
        assert [r.payload["run_id"] for r in queued] == [run_id], f"{where}: queued {queued}"

        # What a validation run does when every check passes and the signal is low: the incident recovers.
        run = service.start_validation(store.get_test_run(run_id), actor="race-test")
        passed = run.model_copy(update={"status": TestRunStatus.COMPLETED, "tests": [
            test.model_copy(update={"status": TestStatus.PASS}) for test in run.tests]})
        assert service.finish_validation(passed, LOW, actor="race-test").state.value == "RECOVERED"
        refused = httpx.post(f"{urls[round_number % 2]}/api/tests/run", json={"incident_id": incident_id},
                             timeout=30.0)
        assert refused.status_code == 409, refused.text
        assert "RECOVERED" in refused.json()["detail"]

        closed = httpx.post(f"{urls[0]}/api/incidents/simulate", json={"mode": "INCIDENT_OFF"}, timeout=30.0)
        assert closed.status_code == 200 and closed.json() is None, closed.text
        assert open_incidents(store) == []


def race_two_processes(home: Path, store_url: str, extra_env: dict[str, str]) -> None:
    with ExitStack() as stack:
        apis = [stack.enter_context(api_process(home, store_url, extra_env, f"api-{n}")) for n in (1, 2)]
        store = stack.enter_context(_closing(open_store(store_url)))
        try:
            run_rounds([api.url for api in apis], store)
        except (AssertionError, httpx.HTTPError) as failure:
            logs = "\n".join(f"--- {api.log_path.name}\n{api.log_tail()}" for api in apis)
            raise AssertionError(f"{failure!r}\n{logs}") from failure


@contextmanager
def _closing(store: Store) -> Iterator[Store]:
    try:
        yield store
    finally:
        store.close()


def test_two_api_processes_on_one_sqlite_store_keep_one_open_incident_and_one_active_run(tmp_path: Path) -> None:
    race_two_processes(tmp_path, f"sqlite:///{tmp_path / 'evalforge.db'}", {})


@pytest.mark.firestore
def test_two_api_processes_on_the_firestore_emulator_keep_one_open_incident_and_one_active_run(
        tmp_path: Path, fresh_firestore: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", fresh_firestore)
    race_two_processes(tmp_path, f"firestore://{TEST_PROJECT}", {"FIRESTORE_EMULATOR_HOST": fresh_firestore})

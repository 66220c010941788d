"""/metrics with several API workers, started as `evalforge up` starts them
(api_command, with the environment api_environment prepares) answers the same request count on every scrape,
whichever worker takes it; WebSocket clients add up across workers; workers leave no live-gauge file behind.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from websockets.sync.client import connect

from evalforge_api.metrics import forget_dead_workers, multiprocess_dir
from evalforge_assets.cli.api_metrics import MULTIPROC_ENV, api_environment, api_metrics_dir
from tests.fixtures.api_workers import api_workers
from tests.fixtures.processes import stop_process

WORKERS = 2
STOP_TIMEOUT_SECONDS = 20.0
SETTLE_SECONDS = 10.0
ROUTE = "/v1/captures"
SCRAPES = 12


def _pids(directory: Path, prefix: str) -> set[int]:
    return {int(path.stem.rsplit("_", 1)[1]) for path in directory.glob(f"{prefix}_*.db")}


def _scrape(url: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    # A new connection per scrape, so the scrapes spread over the workers like Prometheus' would.
    response = httpx.get(f"{url}/metrics", timeout=10.0, headers={"Connection": "close"})
    assert response.status_code == 200, response.text
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.text) for sample in family.samples}


REQUESTS = ("evalforge_http_requests_total", (("method", "GET"), ("route", ROUTE), ("status", "200")))
DURATIONS = ("evalforge_http_request_duration_seconds_count", (("method", "GET"), ("route", ROUTE)))
WEBSOCKETS = ("evalforge_websocket_clients", ())


def _settled(url: str, key: tuple, expected: float) -> None:
    """Wait until a scrape shows `expected` (a worker records a request just after answering it)."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while (seen := _scrape(url).get(key)) != expected:
        assert time.monotonic() < deadline, f"{key} is {seen}, expected {expected}"
        time.sleep(0.05)


def test_every_scrape_counts_the_requests_of_both_workers(tmp_path: Path) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        url, directory = api.url, api.metrics_dir
        assert directory == api_metrics_dir(tmp_path.resolve(), int(url.rsplit(":", 1)[1]))
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
        sent = 0
        # New connections until both workers have counted some (the kernel hands each accept to either). The
        # fixture's readiness probes may already have made both counter files, so one batch is always sent.
        while sent == 0 or len(_pids(directory, "counter")) < WORKERS:
            assert sent < 400, f"one worker answered all {sent} requests"
            for _ in range(20):
                response = httpx.get(f"{url}{ROUTE}", timeout=10.0, headers={"Connection": "close"})
                assert response.status_code == 200, response.text
                sent += 1
        _settled(url, REQUESTS, sent)
        for _ in range(SCRAPES):
            metrics = _scrape(url)
            assert metrics[REQUESTS] == sent
            assert metrics[DURATIONS] == sent


def test_websocket_clients_add_up_across_workers_and_workers_leave_no_live_files(tmp_path: Path) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        url, directory = api.url, api.metrics_dir
        ws_url = url.replace("http://", "ws://") + "/ws"
        with connect(ws_url, open_timeout=10.0), connect(ws_url, open_timeout=10.0):
            _settled(url, WEBSOCKETS, 2)
            for _ in range(SCRAPES):
                assert _scrape(url)[WEBSOCKETS] == 2
        _settled(url, WEBSOCKETS, 0)
        stop_process(api.process, STOP_TIMEOUT_SECONDS)
        assert not list(directory.glob("gauge_live*.db")), "a stopped worker left its WebSocket gauge behind"
        assert _pids(directory, "counter"), "the workers' request counts must outlive them"


GAUGE_WRITER = """
import os, sys, time
from prometheus_client import Gauge
Gauge("evalforge_websocket_clients", "clients", multiprocess_mode="livesum").inc(3)
print("ready", flush=True)
if sys.argv[1] == "crash":
    os._exit(0)  # no clean-up, as a killed worker
time.sleep(60)
"""


def _gauge_writer(directory: Path, how: str) -> subprocess.Popen[str]:
    process = subprocess.Popen([sys.executable, "-c", GAUGE_WRITER, how], stdout=subprocess.PIPE, text=True,
                               env={**os.environ, MULTIPROC_ENV: str(directory)})
    assert process.stdout is not None and process.stdout.readline() == "ready\n"
    return process


def _summed_gauge(directory: Path) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry.get_sample_value("evalforge_websocket_clients") or 0.0


def test_a_crashed_workers_websocket_clients_are_forgotten_and_a_live_ones_kept(tmp_path: Path) -> None:
    crashed = _gauge_writer(tmp_path, "crash")
    crashed.wait(timeout=10)
    alive = _gauge_writer(tmp_path, "stay")
    try:
        assert _summed_gauge(tmp_path) == 6
        forget_dead_workers(tmp_path)
        assert _summed_gauge(tmp_path) == 3
        assert _pids(tmp_path, "gauge_livesum") == {alive.pid}
    finally:
        stop_process(alive, STOP_TIMEOUT_SECONDS, first=signal.SIGKILL)


def test_one_worker_keeps_the_in_process_registry_and_a_stale_directory_is_cleared(tmp_path: Path) -> None:
    env = api_environment({MULTIPROC_ENV: "/elsewhere", "prometheus_multiproc_dir": "/old", "KEEP": "1"},
                          tmp_path, 8000, 1)
    assert env == {"KEEP": "1"}
    stale = api_metrics_dir(tmp_path.resolve(), 8000)
    stale.mkdir(parents=True)
    (stale / "counter_99999.db").write_bytes(b"left by an earlier run")
    env = api_environment({}, tmp_path, 8000, 3)
    assert Path(env[MULTIPROC_ENV]) == stale and not any(stale.iterdir())
    assert stat.S_IMODE(stale.stat().st_mode) == 0o700


def test_a_metrics_variable_naming_no_directory_is_refused_with_a_sentence(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="not a directory. Create it empty"):
        multiprocess_dir()
    monkeypatch.delenv(MULTIPROC_ENV)
    assert multiprocess_dir() is None

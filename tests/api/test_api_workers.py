"""The API's workers as `evalforge up` starts them (evalforge_api.workers): each listens on a socket of its own,
kept-open connections spread over them, a killed worker is replaced on its socket, a worker that cannot start
stops the API, a taken port is a sentence. Real processes on 127.0.0.1, read through Linux's /proc."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from evalforge_api.workers import ReusePortWorkers, Worker, reuse_port_spreads_connections
from evalforge_assets.cli.up import GRACEFUL_SHUTDOWN_SECONDS, api_command
from tests.fixtures.api_workers import HOST, REPO, api_workers
from tests.fixtures.proc_sockets import connections_per_worker, listening_children, wait_until_exited
from tests.fixtures.processes import free_port, stop_process

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads Linux's /proc")

WORKERS = 2
CONNECTIONS = 64
# Each connection lands on either socket by a hash of its addresses, so a worker's share of 64 is binomial
# (mean 32, standard deviation 4); fewer than 12 is five deviations out, about one run in a million.
FEWEST_PER_WORKER = 12
REPLACE_TIMEOUT_SECONDS = 60.0


def _get_health(connection: socket.socket) -> bytes:
    connection.sendall(b"GET /health HTTP/1.1\r\nHost: evalforge.test\r\n\r\n")
    return connection.recv(64)


def test_api_command_gives_each_worker_a_socket_on_linux_and_uvicorns_shared_socket_elsewhere(
        monkeypatch: pytest.MonkeyPatch) -> None:
    assert api_command(HOST, 8000, 2)[1:] == [
        "-m", "evalforge_api.workers", "--host", HOST, "--port", "8000", "--workers", "2",
        "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)]
    assert api_command(HOST, 8000, 1)[1:4] == ["-m", "uvicorn", "evalforge_api.main:app"]
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not reuse_port_spreads_connections()
    command = api_command(HOST, 8000, 2)
    assert command[1:4] == ["-m", "uvicorn", "evalforge_api.main:app"] and command[-2:] == ["--workers", "2"]


def test_each_worker_listens_on_a_socket_of_its_own(tmp_path: Path) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        workers = listening_children(api.process.pid, api.port)
        assert len(workers) == WORKERS, f"listening children: {workers}"
        sockets = list(workers.values())
        assert all(len(inodes) == 1 for inodes in sockets), sockets
        assert len(set.union(*sockets)) == WORKERS, f"the workers share a listening socket: {sockets}"


def test_kept_open_connections_spread_over_the_workers(tmp_path: Path) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        # All connected before any is used, as a browser or a proxy opens its pool: with one shared socket the
        # worker that wakes first accepts the whole burst.
        connections = [socket.create_connection((HOST, api.port), timeout=30) for _ in range(CONNECTIONS)]
        try:
            for connection in connections:
                assert _get_health(connection).startswith(b"HTTP/1.1 200"), "a kept-open connection was not served"
            shares = connections_per_worker(api.process.pid, api.port)
            assert sum(shares.values()) == CONNECTIONS, shares
            assert min(shares.values()) >= FEWEST_PER_WORKER, f"connections per worker: {shares}"
        finally:
            for connection in connections:
                connection.close()


def test_a_killed_worker_is_replaced_on_its_socket_and_no_connection_fails(tmp_path: Path) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        before = listening_children(api.process.pid, api.port)
        killed, its_socket = next(iter(before.items()))
        os.kill(killed, signal.SIGKILL)
        # A connection the worker accepted in the moment before the kill landed is reset when it dies, so what is
        # tested starts once it is dead: connections hashed to the dead worker's socket wait in its queue (the
        # supervisor keeps it open) and are answered by the replacement.
        wait_until_exited(killed, REPLACE_TIMEOUT_SECONDS)
        failures = [failure for _ in range(20) if (failure := _health_or_failure(api.url)) is not None]
        # Killed before the supervisor had asked whether it serves, the worker was once taken for one that cannot
        # start, and the whole API stopped: connections reset, then refused (three CI runs met it).
        assert failures == [], f"{failures}\n{api.log_tail()}"
        deadline = time.monotonic() + REPLACE_TIMEOUT_SECONDS
        while killed in (after := listening_children(api.process.pid, api.port)) or len(after) < WORKERS:
            assert time.monotonic() < deadline, f"no replacement for worker {killed}: {after}"
            time.sleep(0.1)
        replacement = next(pid for pid in after if pid not in before)
        assert after[replacement] == its_socket
        assert "stopped (exit code -9); starting another on its socket" in api.log_tail()
        assert httpx.get(f"{api.url}/health", timeout=10.0).status_code == 200


def _health_or_failure(url: str) -> str | None:
    """None when /health answers 200 on a new connection; the error's text when the connection was refused, reset
    or closed by the peer. A timeout or another status fails the test."""
    try:
        response = httpx.get(f"{url}/health", timeout=REPLACE_TIMEOUT_SECONDS, headers={"Connection": "close"})
    except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError) as error:
        return repr(error)
    assert response.status_code == 200, response.text
    return None


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda sig: sig.name)
def test_a_stop_signal_ends_the_supervisor_and_its_workers(tmp_path: Path, stop: signal.Signals) -> None:
    with api_workers(tmp_path, WORKERS) as api:
        workers = list(listening_children(api.process.pid, api.port))
        assert not stop_process(api.process, 20.0, first=stop), f"the API had to be killed after {stop.name}"
        assert api.process.returncode == 0
        assert not [pid for pid in workers if os.path.exists(f"/proc/{pid}")], "a worker outlived its supervisor"


def _workers_module(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "evalforge_api.workers", *args], check=False, capture_output=True,
                          text=True, cwd=REPO, env=env, timeout=120)


def test_a_taken_port_is_a_sentence_and_nothing_starts() -> None:
    with socket.socket() as holder:  # no SO_REUSEPORT: nobody may join it
        holder.bind((HOST, 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _workers_module("--host", HOST, "--port", str(port), "--workers", "2")
    assert result.returncode == 1
    assert f"The API cannot listen on {HOST}:{port} (Address already in use). Stop what holds that port" in result.stderr


def test_an_address_that_is_not_this_machines_is_a_sentence() -> None:
    result = _workers_module("--host", "192.0.2.1", "--port", "8000", "--workers", "2")  # TEST-NET-1, nobody's
    assert result.returncode == 1
    assert "The API cannot listen on 192.0.2.1:8000 (Cannot assign requested address)." in result.stderr
    assert "Traceback" not in result.stderr


def test_a_worker_that_cannot_start_stops_the_api_instead_of_restarting_forever(tmp_path: Path) -> None:
    env = {**os.environ, "EVALFORGE_HOME": str(tmp_path), "PYTHONPATH": str(REPO),
           # The app refuses a metrics directory that does not exist, so every worker fails at import.
           "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "missing")}
    result = _workers_module("--host", HOST, "--port", str(free_port()), "--workers", "2", env=env)
    assert result.returncode == 3, result.stderr[-2000:]
    assert "did not start serving" in result.stderr and "stopping the API" in result.stderr
    assert result.stderr.count("not a directory") >= 1


def test_workers_below_one_are_a_usage_error() -> None:
    result = _workers_module("--workers", "0")
    assert result.returncode == 2
    assert "--workers must be 1 or more, not 0." in result.stderr


class _ExitedWorkerProcess:
    """A worker process that is gone before the supervisor asks whether it serves."""

    pid = 4242

    def __init__(self, exitcode: int) -> None:
        self.exitcode = exitcode

    def wait_until_ready(self, timeout: float, should_exit: object = None) -> bool:
        return False


@pytest.mark.parametrize(("exitcode", "first_start", "serving"), [
    (-signal.SIGKILL, True, True),  # killed at once after the start: started again by the loop, not a start failure
    (1, True, False),  # the app could not import or the store not open: the API stops (exit code 3)
    (-signal.SIGKILL, False, False),  # a replacement killed before it serves stops the API rather than looping
])
def test_only_a_worker_that_cannot_start_stops_the_api(exitcode: int, first_start: bool, serving: bool) -> None:
    supervisor = ReusePortWorkers.__new__(ReusePortWorkers)  # no sockets bound, no process started
    supervisor.should_exit = threading.Event()
    worker = Worker(sock=socket.socket(), process=_ExitedWorkerProcess(exitcode))  # type: ignore[arg-type]
    try:
        assert supervisor._serving(worker, first_start=first_start) is serving
    finally:
        worker.sock.close()

"""`evalforge up` as a real process tree on free loopback ports, for end-to-end tests and the benchmark."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Stack:
    home: Path
    process: subprocess.Popen[bytes]
    dagster_url: str
    api_url: str
    demo_url: str
    log_path: Path

    @property
    def ws_url(self) -> str:
        return self.api_url.replace("http://", "ws://") + "/ws"

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self, timeout: float = 60.0) -> int:
        """SIGTERM to `evalforge up` itself: it must stop everything it started."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # only our own process group, never by name
                self.process.wait()
        return self.process.returncode


def wait_until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except (httpx.HTTPError, OSError, KeyError, ValueError) as exc:
            last_error = exc
        time.sleep(interval)
    raise TimeoutError(f"Timed out after {timeout:.0f}s waiting for {what} (last error: {last_error})")


def start_stack(home: Path, *, bootstrap: bool = True, extra_env: dict[str, str] | None = None,
                ready_timeout: float = 180.0) -> Stack:
    ports = {"dagster": free_port(), "api": free_port(), "demo": free_port()}
    env = {**os.environ, "EVALFORGE_HOME": str(home), "EVALFORGE_BOOTSTRAP_HOURS": "2",
           "EVALFORGE_LOG_LEVEL": "WARNING", **(extra_env or {})}
    for name in ("EVALFORGE_STORE", "DAGSTER_HOME", "DEMO_APP_URL", "DD_API_KEY", "DD_APP_KEY", "MINIMAX_API_KEY"):
        env.pop(name, None)
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "up.log"
    argv = [sys.executable, "-m", "evalforge_assets.cli", "up", "--dagster-port", str(ports["dagster"]),
            "--api-port", str(ports["api"]), "--demo-port", str(ports["demo"])]
    if not bootstrap:
        argv.append("--no-bootstrap")
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    stack = Stack(home, process, f"http://127.0.0.1:{ports['dagster']}", f"http://127.0.0.1:{ports['api']}",
                  f"http://127.0.0.1:{ports['demo']}", log_path)
    try:
        wait_until(lambda: process.poll() is None and b"running; press Ctrl-C" in log_path.read_bytes(),
                   ready_timeout, "evalforge up to report it is running")
    except TimeoutError:
        stack.stop()
        raise RuntimeError(f"evalforge up did not start:\n{stack.log_tail()}") from None
    return stack

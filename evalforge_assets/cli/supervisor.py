"""Starting and stopping the long-running processes of `evalforge up` as one unit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field

import httpx


@dataclass
class ManagedProcess:
    name: str
    argv: list[str]
    ready_url: str | None  # None: ready as soon as it is running
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        # A new session per child: SIGTERM reaches the child's own children (dagster dev's daemon and
        # code server) through its process group, and Ctrl-C in our terminal is handled once, by us.
        self.process = subprocess.Popen(self.argv, env=env, start_new_session=True)

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, deadline: float) -> bool:
        while time.monotonic() < deadline:
            if not self.running():
                return False
            if self.ready_url is None:
                return True
            try:
                if httpx.get(self.ready_url, timeout=1.0).status_code < 500:
                    return True
            except httpx.HTTPError:
                pass  # not listening yet
            time.sleep(0.3)
        return False

    def stop(self, grace_seconds: float = 10.0) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        pgid = os.getpgid(self.process.pid)
        os.killpg(pgid, signal.SIGTERM)
        try:
            self.process.wait(timeout=grace_seconds)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.process.wait()


class Supervisor:
    """Runs a set of processes; any of them dying, Ctrl-C or SIGTERM stops them all."""

    def __init__(self, processes: list[ManagedProcess], env: dict[str, str]) -> None:
        self.processes = processes
        self.env = env
        self._stopping = False

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def start_all(self, ready_timeout: float = 120.0) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        for proc in self.processes:
            proc.start(self.env)
        deadline = time.monotonic() + ready_timeout
        for proc in self.processes:
            if not proc.wait_ready(deadline):
                self.stop_all()
                raise SystemExit(f"{proc.name} did not become ready at {proc.ready_url}; see its output above.")

    def wait(self) -> int:
        """Block until a signal or a child exits; returns the exit code for `evalforge up`."""
        while not self._stopping:
            for proc in self.processes:
                if not proc.running():
                    print(f"evalforge: {proc.name} exited unexpectedly; stopping the rest.", file=sys.stderr)
                    self.stop_all()
                    return 1
            time.sleep(0.5)
        self.stop_all()
        return 0

    def stop_all(self) -> None:
        for proc in reversed(self.processes):
            proc.stop()

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

from tests.fixtures.processes import free_ports

RUNNING_LINE = b"running; press Ctrl-C"


def port_open(url: str) -> bool:
    host, port = url.removeprefix("http://").split(":")
    with socket.socket() as sock:
        return sock.connect_ex((host, int(port))) == 0


# A process is its pid plus its start time (field 22 of /proc/PID/stat), so a recycled pid is never mistaken
# for a process the stack started.
ProcessId = tuple[int, int]


def _stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, start time, state) of a live process, or None once it is gone or a zombie."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2:].split()  # the name in parentheses may hold spaces
    state, ppid, start = fields[0], int(fields[1]), int(fields[19])
    return None if state in ("Z", "X") else (ppid, start, state)


def process_tree(root: int) -> set[ProcessId]:
    """The live descendants of `root` (not `root` itself), found by parent pid in /proc."""
    parents: dict[int, list[int]] = {}
    starts: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))):
            parents.setdefault(stat[0], []).append(int(entry.name))
            starts[int(entry.name)] = stat[1]
    found: set[ProcessId] = set()
    todo = list(parents.get(root, []))
    while todo:
        pid = todo.pop()
        found.add((pid, starts[pid]))
        todo.extend(parents.get(pid, []))
    return found


def alive(processes: set[ProcessId]) -> set[ProcessId]:
    return {(pid, start) for pid, start in processes if (stat := _stat(pid)) and stat[1] == start}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def kill_survivors(processes: set[ProcessId]) -> None:
    """Clean up after a failed expectation: SIGKILL each listed process that still lives, by pid."""
    for pid, _start in alive(processes):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue  # it ended between the check and the kill


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

    def wait_running(self, timeout: float = 180.0) -> None:
        try:
            wait_until(lambda: self.process.poll() is None and RUNNING_LINE in self.log_path.read_bytes(),
                       timeout, "evalforge up to report it is running", interval=0.1)
        except TimeoutError:
            self.stop()
            raise RuntimeError(f"evalforge up did not start:\n{self.log_tail()}") from None

    def processes(self) -> set[ProcessId]:
        """Everything `evalforge up` started that is still running (its watchdog included)."""
        return process_tree(self.process.pid)

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

    def kill(self) -> None:
        """SIGKILL to `evalforge up` alone, as an OOM killer or `kill -9` would: no chance to clean up."""
        self.process.kill()
        self.process.wait()


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


def stack_environment(home: Path, extra_env: dict[str, str] | None = None) -> dict[str, str]:
    # The hourly schedule asks for every missing hour of TRACE_LOOKBACK_HOURS (24 by default): a test that runs
    # across its tick would compete with ~20 capture runs at once. The same 2 hours as the bootstrap keeps a
    # tick to the one new hour.
    env = {**os.environ, "EVALFORGE_HOME": str(home), "EVALFORGE_BOOTSTRAP_HOURS": "2",
           "TRACE_LOOKBACK_HOURS": "2", "EVALFORGE_LOG_LEVEL": "WARNING", **(extra_env or {})}
    for name in ("EVALFORGE_STORE", "DAGSTER_HOME", "DEMO_APP_URL", "DD_API_KEY", "DD_APP_KEY", "MINIMAX_API_KEY"):
        env.pop(name, None)
    return env


def launch_stack(home: Path, *, bootstrap: bool = True, extra_env: dict[str, str] | None = None,
                 ports: dict[str, int] | None = None) -> Stack:
    """Start `evalforge up` and return at once (see `Stack.wait_running`)."""
    ports = ports or dict(zip(("dagster", "api", "demo"), free_ports(3), strict=True))
    home.mkdir(parents=True, exist_ok=True)
    log_path = home / "up.log"
    argv = [sys.executable, "-m", "evalforge_assets.cli", "up", "--dagster-port", str(ports["dagster"]),
            "--api-port", str(ports["api"]), "--demo-port", str(ports["demo"])]
    if not bootstrap:
        argv.append("--no-bootstrap")
    with log_path.open("wb") as log:
        process = subprocess.Popen(argv, env=stack_environment(home, extra_env), stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    return Stack(home, process, f"http://127.0.0.1:{ports['dagster']}", f"http://127.0.0.1:{ports['api']}",
                 f"http://127.0.0.1:{ports['demo']}", log_path)


def start_stack(home: Path, *, bootstrap: bool = True, extra_env: dict[str, str] | None = None,
                ready_timeout: float = 180.0) -> Stack:
    stack = launch_stack(home, bootstrap=bootstrap, extra_env=extra_env)
    stack.wait_running(ready_timeout)
    return stack

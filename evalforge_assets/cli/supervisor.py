"""Starting and stopping the long-running processes of `evalforge up` as one unit.

Three layers make sure nothing outlives `evalforge up`: a clean stop (SIGTERM to every process group at once,
SIGKILL after a short grace), PR_SET_PDEATHSIG on each child (the kernel signals it when the supervisor dies),
and a watchdog process (cli/watchdog.py) that stops whole process groups, grandchildren included, once the
supervisor is gone, even after a SIGKILL that left it no chance to clean up.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from evalforge_assets.cli import watchdog

# SIGTERM to SIGKILL: long enough for uvicorn (run with --timeout-graceful-shutdown 1) and dagster dev to exit
# cleanly on an idle machine, short enough that a stop stays within about 3 s.
STOP_GRACE_SECONDS = 2.0
_PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that has the kernel SIGTERM the child when its parent dies (Linux), or None elsewhere."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None  # not Linux: the watchdog alone covers a supervisor that dies
    parent = os.getpid()

    def preexec() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl took effect: nobody would signal us
            os._exit(1)

    return preexec


@dataclass
class ManagedProcess:
    name: str
    argv: list[str]
    ready_url: str | None  # None: ready as soon as it is running
    # A one-shot process (the bootstrap) is expected to finish; its exit does not stop the others.
    oneshot: bool = False
    # Started only once this holds (polled while the others start); None: at once.
    start_when: Callable[[], bool] | None = field(default=None, repr=False)
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    reported: bool = field(default=False, repr=False)
    # This process's own environment instead of the supervisor's shared one (the API's metrics directory).
    env: dict[str, str] | None = field(default=None, repr=False)

    def start(self, env: dict[str, str]) -> None:
        # A new session per child: its own children (dagster dev's webserver, daemon, code server and run
        # workers) share its process group, so one killpg reaches them all; Ctrl-C in our terminal is ours alone.
        # preexec_fn is safe here: the supervisor starts children from its only thread, and the function makes
        # one system call.
        self.process = subprocess.Popen(self.argv, env=env if self.env is None else self.env, start_new_session=True,
                                        preexec_fn=die_with_parent())  # noqa: PLW1509

    @property
    def pgid(self) -> int:
        assert self.process is not None, f"{self.name} was never started"
        return self.process.pid  # start_new_session makes the child its group's leader

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def finished(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def group_alive(self) -> bool:
        """True while any process of the child's group lives (the child may have exited before its children)."""
        if self.process is None:
            return False
        self.process.poll()  # reap the leader, or it lingers as a zombie and keeps the group "alive"
        try:
            os.killpg(self.pgid, 0)
        except ProcessLookupError:
            return False
        return True

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.pgid, signum)
        except ProcessLookupError:
            return  # already gone

    def ready(self) -> bool:
        """One look: a one-shot child counts as ready from the start (its exit is reported, not waited for)."""
        if self.oneshot or self.ready_url is None:
            return True
        try:
            return httpx.get(self.ready_url, timeout=2.0).status_code < 500
        except httpx.HTTPError:
            return False  # not listening yet


class Supervisor:
    """Runs a set of processes; any of them dying, Ctrl-C or SIGTERM stops them all.

    `first_to_stop` names processes stopped before the rest: the traffic generator, whose keep-alive
    connections would otherwise hold the demo app's graceful shutdown open."""

    def __init__(self, processes: list[ManagedProcess], env: dict[str, str],
                 first_to_stop: tuple[str, ...] = ()) -> None:
        self.processes = processes
        self.env = env
        self.first_to_stop = first_to_stop
        self._stopping = False
        self._watchdog: subprocess.Popen[bytes] | None = None

    def _on_signal(self, signum: int, _frame: object) -> None:
        self._stopping = True

    def _tell_watchdog(self, line: str) -> None:
        if self._watchdog is None or self._watchdog.stdin is None:
            return
        try:
            self._watchdog.stdin.write(f"{line}\n".encode())
            self._watchdog.stdin.flush()
        except BrokenPipeError:
            print("evalforge: the watchdog exited; children may outlive a killed `evalforge up`.", file=sys.stderr)
            self._watchdog = None

    def start_all(self, ready_timeout: float = 120.0) -> None:
        signal.signal(signal.SIGTERM, self._on_signal)
        signal.signal(signal.SIGINT, self._on_signal)
        self._watchdog = subprocess.Popen([sys.executable, "-I", str(Path(watchdog.__file__))],
                                          stdin=subprocess.PIPE, start_new_session=True)
        deadline = time.monotonic() + ready_timeout
        pending = list(self.processes)
        while pending:
            for proc in pending:
                if proc.process is None and (proc.start_when is None or proc.start_when()):
                    proc.start(self.env)
                    self._tell_watchdog(f"+{proc.pgid}")
            if self._stopping:
                self.stop_all()
                raise SystemExit(0)  # Ctrl-C or SIGTERM while starting: a clean stop, not a failure
            failed = self._failed_child()
            if failed is not None:  # e.g. the API failing to import: say so now, not when its turn comes
                self.stop_all()
                raise SystemExit(f"{failed.name} exited while starting (exit code {failed.process.returncode}); "
                                 "see its output above.")
            if time.monotonic() > deadline:
                self.stop_all()
                late = pending[0]
                what = f"become ready at {late.ready_url}" if late.process else "start (its condition never held)"
                raise SystemExit(f"{late.name} did not {what} within {ready_timeout:.0f} s; see its output above.")
            pending = [proc for proc in pending if proc.process is None or not proc.ready()]
            time.sleep(0.1)

    def wait_for(self, condition: Callable[[], bool], timeout: float) -> bool:
        """Poll `condition` while watching the children: True once it holds, False after `timeout`. A signal
        or a child exiting meanwhile stops everything, as `wait` would."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._stopping or self._failed_child():
                raise SystemExit(self.wait())
            if condition():
                return True
            time.sleep(0.2)
        return False

    def _report_oneshot(self, proc: ManagedProcess) -> None:
        proc.reported = True
        code = proc.process.returncode if proc.process else None
        if code != 0:
            print(f"evalforge: {proc.name} failed (exit code {code}); see its output above. The rest keeps "
                  "running.", file=sys.stderr)

    def _failed_child(self) -> ManagedProcess | None:
        """The first long-running child that has exited (a one-shot child's exit is only reported)."""
        for proc in self.processes:
            if proc.process is None or proc.running():
                continue  # not started yet, or still running
            if not proc.oneshot:
                return proc
            if not proc.reported:
                self._report_oneshot(proc)
        return None

    def wait(self) -> int:
        """Block until a signal or a child exits, stop everything; returns the exit code for `evalforge up`."""
        while not self._stopping:
            failed = self._failed_child()
            if failed is not None:
                print(f"evalforge: {failed.name} exited unexpectedly; stopping the rest.", file=sys.stderr)
                self.stop_all()
                return 1
            time.sleep(0.1)
        self.stop_all()
        return 0

    def _stop_groups(self, procs: list[ManagedProcess], deadline: float) -> None:
        for proc in procs:
            proc.signal_group(signal.SIGTERM)
        while time.monotonic() < deadline and any(proc.group_alive() for proc in procs):
            time.sleep(0.05)
        for proc in procs:
            if proc.group_alive():
                proc.signal_group(signal.SIGKILL)
        for proc in procs:
            if proc.process is not None:
                proc.process.wait()
                self._tell_watchdog(f"-{proc.pgid}")

    def stop_all(self, grace_seconds: float = STOP_GRACE_SECONDS) -> None:
        """SIGTERM every group at once (the ones in `first_to_stop` first), SIGKILL what is left after the grace."""
        deadline = time.monotonic() + grace_seconds
        first = [proc for proc in self.processes if proc.name in self.first_to_stop]
        rest = [proc for proc in self.processes if proc.name not in self.first_to_stop]
        # The first ones get a fraction of the grace: they hold connections the others would wait for.
        self._stop_groups(first, min(deadline, time.monotonic() + grace_seconds / 4))
        self._stop_groups(rest, deadline)
        if self._watchdog is not None and self._watchdog.stdin is not None:
            self._watchdog.stdin.close()  # nothing left for it to stop: it reads EOF and exits
            self._watchdog.wait(timeout=5)
            self._watchdog = None

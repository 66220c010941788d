"""tests/fixtures/processes.stop_process: the signal asked for first, SIGKILL of the same PID only when ignored."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tests.fixtures.processes import stop_process

# A child that says it is ready, then either exits on SIGTERM (Python's default) or ignores it.
_CHILD = """
import signal, sys, time
if sys.argv[1] == "ignore":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
print("ready", flush=True)
time.sleep(60)
"""


def child(mode: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen([sys.executable, "-c", _CHILD, mode], stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)  # a KeyboardInterrupt traceback is expected noise
    assert process.stdout is not None and process.stdout.readline() == b"ready\n"
    return process


def test_a_process_that_honours_sigterm_exits_on_it_and_is_not_killed() -> None:
    process = child("obey")
    assert stop_process(process, 10) is False
    assert process.returncode == -signal.SIGTERM


def test_a_process_that_ignores_sigterm_is_killed_after_the_timeout() -> None:
    process = child("ignore")
    started = time.monotonic()
    assert stop_process(process, 0.5) is True
    assert process.returncode == -signal.SIGKILL and time.monotonic() - started >= 0.5


def test_the_first_signal_is_the_one_asked_for() -> None:
    process = child("ignore")  # SIGTERM ignored, SIGINT is Python's KeyboardInterrupt
    assert stop_process(process, 10, first=signal.SIGINT) is False
    assert process.returncode != -signal.SIGKILL


def test_a_finished_process_is_left_alone() -> None:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait(timeout=30)
    assert stop_process(process, 1) is False and process.returncode == 0

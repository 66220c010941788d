"""`evalforge up`'s supervisor with real processes (no Dagster, so these take seconds): what it started
dies with it, grandchildren included, whether it is stopped with SIGTERM or killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.stack import ProcessId, alive, kill_survivors, process_tree, wait_until
from tests.e2e.supervised import family

pytestmark = pytest.mark.e2e


@pytest.fixture
def started() -> Iterator[set[ProcessId]]:
    """Every process a test saw started; whatever a failing test leaves alive is killed by pid afterwards."""
    seen: set[ProcessId] = set()
    yield seen
    kill_survivors(seen)


def _supervise(tmp_path: Path, children: list[dict], first_to_stop: tuple[str, ...] = (),
               env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"children": children, "first_to_stop": list(first_to_stop)}))
    process = subprocess.Popen([sys.executable, "-m", "tests.e2e.supervised", str(spec)], env=env,
                               stdout=subprocess.PIPE, start_new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline() == b"supervising\n"
    return process


def _tree_of(supervisor: subprocess.Popen[bytes], size: int) -> set[ProcessId]:
    """The supervisor's descendants (its watchdog included), once there are `size` of them."""

    def grown() -> set[ProcessId] | None:
        tree = process_tree(supervisor.pid)
        return tree if len(tree) >= size else None

    return wait_until(grown, 15, f"{size} processes under the supervisor", interval=0.05)


def _whole_family(supervisor: subprocess.Popen[bytes], children: int) -> set[ProcessId]:
    """Each child, its grandchild, and the watchdog."""
    return _tree_of(supervisor, 2 * children + 1)


def test_sigkill_of_the_supervisor_takes_children_and_grandchildren_with_it(
        tmp_path: Path, started: set[ProcessId]) -> None:
    supervisor = _supervise(tmp_path, [{"name": "a", "argv": family("a")}, {"name": "b", "argv": family("b")}])
    started |= _whole_family(supervisor, children=2)

    supervisor.kill()
    supervisor.wait()

    wait_until(lambda: not alive(started), 15, "every process the supervisor started to exit after its SIGKILL",
               interval=0.1)


def test_a_child_that_ignores_sigterm_is_killed_and_the_supervisor_exits_cleanly(
        tmp_path: Path, started: set[ProcessId]) -> None:
    supervisor = _supervise(tmp_path, [{"name": "stubborn", "argv": family("stubborn", ignore_sigterm=True)}])
    started |= _whole_family(supervisor, children=1)

    supervisor.send_signal(signal.SIGTERM)

    assert supervisor.wait(timeout=30) == 0
    assert not alive(started), "SIGTERM must escalate to SIGKILL for a child that ignores it"


def test_the_processes_named_first_are_stopped_before_the_rest(tmp_path: Path, started: set[ProcessId]) -> None:
    log = tmp_path / "stopped.txt"
    supervisor = _supervise(tmp_path, [{"name": name, "argv": family(name)} for name in ("demo", "traffic", "api")],
                            first_to_stop=("traffic",), env={**os.environ, "STOP_LOG": str(log)})
    started |= _whole_family(supervisor, children=3)

    supervisor.send_signal(signal.SIGTERM)

    assert supervisor.wait(timeout=30) == 0
    order = log.read_text().split()
    assert order[0] == "traffic", order
    assert sorted(order) == ["api", "demo", "traffic"]


def test_a_one_shot_child_that_finishes_leaves_the_others_running(tmp_path: Path, started: set[ProcessId]) -> None:
    supervisor = _supervise(tmp_path, [
        {"name": "bootstrap", "argv": [sys.executable, "-c", "pass"], "oneshot": True},
        {"name": "server", "argv": family("server")},
    ])
    started |= _whole_family(supervisor, children=1)
    wait_until(lambda: len(alive(started)) == 3, 15, "the one-shot child to finish", interval=0.05)

    assert supervisor.poll() is None, "a finished one-shot child must not stop the supervisor"
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0
    assert not alive(started)


def test_a_long_running_child_that_exits_stops_the_rest_with_an_error(
        tmp_path: Path, started: set[ProcessId]) -> None:
    supervisor = _supervise(tmp_path, [
        {"name": "crashes", "argv": [sys.executable, "-c", "import time; time.sleep(2); raise SystemExit(3)"]},
        {"name": "server", "argv": family("server")},
    ])
    # Both children, the server's grandchild and the watchdog.
    started |= _tree_of(supervisor, 4)

    assert supervisor.wait(timeout=30) == 1
    assert not alive(started)



def test_a_child_that_dies_while_another_is_still_starting_fails_the_start_at_once(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"children": [
        # Never ready: nothing listens there, so without watching the others the start would wait its timeout.
        {"name": "slow server", "argv": family("slow"), "ready_url": "http://127.0.0.1:9/health"},
        {"name": "api", "argv": [sys.executable, "-c", "raise SystemExit(3)"]},
    ]}))

    result = subprocess.run([sys.executable, "-m", "tests.e2e.supervised", str(spec)], check=False,
                            capture_output=True, text=True, timeout=60)

    assert result.returncode == 1
    assert "api exited while starting (exit code 3)" in result.stderr, result.stderr
    assert "supervising" not in result.stdout


def test_a_child_with_a_start_condition_starts_only_once_it_holds(tmp_path: Path, started: set[ProcessId]) -> None:
    """As Dagster waits for the bootstrap to have created the instance's storage."""
    ready, began = tmp_path / "instance-ready", tmp_path / "dagster-began"
    supervisor = _supervise(tmp_path, [
        {"name": "bootstrap", "oneshot": True, "argv": [
            sys.executable, "-c", f"import time; time.sleep(1.5); open({str(ready)!r}, 'w').close()"]},
        {"name": "dagster", "start_after_file": str(ready), "argv": [
            sys.executable, "-c", f"import time; open({str(began)!r}, 'w').close(); time.sleep(600)"]},
    ])
    started |= process_tree(supervisor.pid)

    wait_until(began.exists, 15, "the waiting child to start", interval=0.05)
    assert ready.stat().st_mtime_ns <= began.stat().st_mtime_ns, "it started before its condition held"
    started |= process_tree(supervisor.pid)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0

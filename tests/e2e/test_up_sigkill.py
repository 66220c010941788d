"""`evalforge up` killed with SIGKILL (no chance to clean up): nothing it started survives, Dagster's own
subprocesses included, and its ports are free for the next `evalforge up`."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.e2e.stack import alive, command_line, kill_survivors, port_open, start_stack

pytestmark = pytest.mark.e2e
EXIT_TIMEOUT_SECONDS = 30.0


def test_nothing_up_started_survives_its_sigkill(tmp_path: Path) -> None:
    stack = start_stack(tmp_path / "home", bootstrap=False)
    started = stack.processes()
    assert any("dagster" in command_line(pid) and "daemon" in command_line(pid) for pid, _ in started), (
        "the Dagster daemon (a grandchild of evalforge up) must be among the processes watched")

    stack.kill()

    # Waited for by hand rather than with wait_until, so a timeout reaches the assertion naming the survivors.
    deadline = time.monotonic() + EXIT_TIMEOUT_SECONDS
    while (survivors := alive(started)) and time.monotonic() < deadline:
        time.sleep(0.2)
    described = [command_line(pid)[:120] for pid, _ in survivors]
    kill_survivors(survivors)
    assert not survivors, f"still running after evalforge up was killed: {described}"
    for url in (stack.api_url, stack.demo_url, stack.dagster_url):
        assert not port_open(url), f"{url} is still listening after evalforge up was killed"

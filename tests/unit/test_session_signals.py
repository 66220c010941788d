"""tests/fixtures/signals: children of a session started with SIGINT ignored can still be stopped by SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Iterator

import dagster as dg
import pytest

from tests.fixtures.signals import restore_default_interrupts

_REPORT = "import signal; print(int(signal.getsignal(signal.SIGINT) is signal.SIG_IGN), int(signal.getsignal(signal.SIGTERM)))"


@dg.asset
def one() -> int:
    return 1


@pytest.fixture
def started_in_the_background() -> Iterator[None]:
    """This process as `bash .ci/run &` starts it: SIGINT ignored (restored afterwards)."""
    saved = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    yield
    signal.signal(signal.SIGINT, saved[0])
    signal.signal(signal.SIGTERM, saved[1])


def child_dispositions() -> str:
    """'<SIGINT ignored> <SIGTERM handler>' as a child started now sees them (0 is SIG_DFL, 1 SIG_IGN)."""
    return subprocess.run([sys.executable, "-c", _REPORT], capture_output=True, text=True, check=True,
                          timeout=60).stdout.strip()


def test_a_dagster_run_in_a_process_that_ignores_sigint_makes_its_children_ignore_sigterm(
        started_in_the_background: None) -> None:
    assert dg.materialize([one]).success
    assert child_dispositions() == "1 1"  # the inheritance the plugin undoes


def test_after_the_restore_a_dagster_run_leaves_children_the_default_sigterm(started_in_the_background: None) -> None:
    assert restore_default_interrupts() == ["SIGINT"]
    assert dg.materialize([one]).success
    assert child_dispositions() == "0 0"
    assert restore_default_interrupts() == []

"""`evalforge up` on a port another process holds: it names that process and how to stop it, and starts
nothing (a real listener process, a real `evalforge up`)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalforge_assets.cli.ports import find_holder, port_in_use
from tests.e2e.stack import stack_environment
from tests.fixtures.processes import free_port, free_ports

pytestmark = pytest.mark.e2e

LISTENER = """
import socket, sys, time
sock = socket.socket()
sock.bind(("127.0.0.1", int(sys.argv[1])))
sock.listen()
print("listening", flush=True)
time.sleep(600)
"""


@pytest.fixture
def squatter() -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "-c", LISTENER, str(port)], stdout=subprocess.PIPE)
    assert process.stdout is not None and process.stdout.readline() == b"listening\n"
    yield process, port
    process.kill()
    process.wait()


def test_the_holder_of_a_port_is_found_by_pid_and_name(squatter: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = squatter

    holder = find_holder(port)

    assert port_in_use("127.0.0.1", port)
    assert holder.pid == process.pid
    assert holder.name and holder.name.startswith("python")
    assert holder.command and LISTENER.strip().splitlines()[0] in holder.command


def test_a_free_port_is_not_in_use() -> None:
    assert not port_in_use("127.0.0.1", free_port())


def test_up_refuses_a_taken_port_naming_its_holder_before_starting_anything(
        tmp_path: Path, squatter: tuple[subprocess.Popen[bytes], int]) -> None:
    process, port = squatter
    home = tmp_path / "home"
    dagster_port, demo_port = free_ports(2)
    argv = [sys.executable, "-m", "evalforge_assets.cli", "up", "--api-port", str(port),
            "--dagster-port", str(dagster_port), "--demo-port", str(demo_port)]

    result = subprocess.run(argv, env=stack_environment(home), check=False, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode != 0
    message = result.stderr
    assert f"Port {port} (the API) is already in use by python" in message, message
    assert f"pid {process.pid}" in message and f"kill {process.pid}" in message, message
    assert "--api-port" in message, message
    assert not (home / "dagster").exists(), "nothing may start, not even the Dagster home, when a port is taken"
    assert process.poll() is None, "the process holding the port is left alone"


def test_up_refuses_one_port_given_to_two_servers_before_starting_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    shared, dagster_port = free_ports(2)
    argv = [sys.executable, "-m", "evalforge_assets.cli", "up", "--api-port", str(shared), "--demo-port", str(shared),
            "--dagster-port", str(dagster_port)]

    result = subprocess.run(argv, env=stack_environment(home), check=False, capture_output=True, text=True,
                            timeout=120)

    assert result.returncode != 0
    assert f"Port {shared} is given to --api-port and --demo-port" in result.stderr, result.stderr
    assert not (home / "dagster").exists()


def test_free_ports_are_distinct() -> None:
    assert len(set(free_ports(20))) == 20

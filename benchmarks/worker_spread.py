"""How kept-open connections spread over the API's workers: the busiest worker's share when 8 or 32 clients
connect at once, for the API as `evalforge up` starts it and for uvicorn's shared socket, in turns.

    python3 -m uv run python benchmarks/worker_spread.py [--workers 2] [--bursts 20] [--clients 8,32]

Each burst opens its connections one after another with nothing sent, then sends one `GET /health` on each (as
a browser or a proxy fills its pool, then uses it), reads which worker holds each from /proc, and closes them.
An even spread over 2 workers is half each; the busiest worker's share is what sets the API's queueing under
load (docs/operations.md, "Connections spread over the workers"). Linux only: it reads /proc.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evalforge_assets.cli.api_metrics import api_environment  # after the path above
from evalforge_assets.cli.up import GRACEFUL_SHUTDOWN_SECONDS, api_command
from tests.fixtures.api_workers import HOST, answers
from tests.fixtures.proc_sockets import connections_per_worker, listening_children
from tests.fixtures.processes import free_port, stop_process

START_TIMEOUT_SECONDS = 60.0


def shared_socket_command(port: int, workers: int) -> list[str]:
    """uvicorn's own workers on one socket: what `evalforge up` runs where SO_REUSEPORT does not spread."""
    return [sys.executable, "-m", "uvicorn", "evalforge_api.main:app", "--host", HOST, "--port", str(port),
            "--no-access-log", "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS), "--workers",
            str(workers)]


def busiest_shares(command: list[str], port: int, workers: int, clients: int, bursts: int, home: Path) -> list[int]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("EVALFORGE_", "DD_"))}
    env.update({"EVALFORGE_HOME": str(home), "EVALFORGE_STORE": f"sqlite:///{home / 'store.db'}",
                "EVALFORGE_LOG_LEVEL": "WARNING", "PYTHONPATH": str(REPO)})
    env = api_environment(env, home, port, workers)
    with (home / "api.log").open("wb") as log:
        process = subprocess.Popen(command, env=env, cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not answers(f"http://{HOST}:{port}") or len(listening_children(process.pid, port)) < workers:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"The API did not start:\n{(home / 'api.log').read_text()[-3000:]}")
            time.sleep(0.2)
        time.sleep(2.0)  # every worker past its start-up, waiting for connections
        shares = []
        for _ in range(bursts):
            connections = [socket.create_connection((HOST, port), timeout=30) for _ in range(clients)]
            try:
                for connection in connections:
                    connection.sendall(b"GET /health HTTP/1.1\r\nHost: spread.bench\r\n\r\n")
                    connection.recv(64)
                shares.append(max(connections_per_worker(process.pid, port).values()))
            finally:
                for connection in connections:
                    connection.close()
            time.sleep(0.3)
        return shares
    finally:
        stop_process(process, 20.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--clients", default="8,32", help="comma-separated client counts")
    args = parser.parse_args()
    counts = [int(count) for count in args.clients.split(",")]
    print(f"{args.workers} workers, {args.bursts} bursts per client count; busiest worker's connections per burst")
    for name, make in (("evalforge up (a socket per worker)", lambda port: api_command(HOST, port, args.workers)),
                       ("uvicorn --workers (one shared socket)",
                        lambda port: shared_socket_command(port, args.workers))):
        with tempfile.TemporaryDirectory() as home:
            for clients in counts:
                port = free_port()
                shares = busiest_shares(make(port), port, args.workers, clients, args.bursts, Path(home))
                print(f"{name:40s} {clients:3d} clients: median {statistics.median(shares):5.1f}, "
                      f"worst {max(shares):3d} (even: {clients / args.workers:.0f})  {shares}")


if __name__ == "__main__":
    main()

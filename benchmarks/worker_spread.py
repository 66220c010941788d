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
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from evalforge_assets.cli.up import api_command, shared_socket_command  # after the path above
from tests.fixtures.api_workers import HOST, api_workers
from tests.fixtures.proc_sockets import connections_per_worker

SETTLE_SECONDS = 2.0  # every worker past its start-up, waiting for connections


def busiest_shares(command: Callable[[str, int, int], list[str]], workers: int, clients: int, bursts: int,
                   home: Path) -> list[int]:
    """The busiest worker's connections in each of `bursts` bursts of `clients` connections."""
    with api_workers(home, workers, command) as api:
        time.sleep(SETTLE_SECONDS)
        shares = []
        for _ in range(bursts):
            connections = [socket.create_connection((HOST, api.port), timeout=30) for _ in range(clients)]
            try:
                for connection in connections:
                    connection.sendall(b"GET /health HTTP/1.1\r\nHost: spread.bench\r\n\r\n")
                    connection.recv(64)
                shares.append(max(connections_per_worker(api.process.pid, api.port).values()))
            finally:
                for connection in connections:
                    connection.close()
            time.sleep(0.3)
        return shares


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--bursts", type=int, default=20)
    parser.add_argument("--clients", default="8,32", help="comma-separated client counts")
    args = parser.parse_args()
    counts = [int(count) for count in args.clients.split(",")]
    print(f"{args.workers} workers, {args.bursts} bursts per client count; busiest worker's connections per burst")
    for name, command in (("evalforge up (a socket per worker)", api_command),
                          ("uvicorn --workers (one shared socket)", shared_socket_command)):
        for clients in counts:
            with tempfile.TemporaryDirectory() as home:
                shares = busiest_shares(command, args.workers, clients, args.bursts, Path(home))
            print(f"{name:40s} {clients:3d} clients: median {statistics.median(shares):5.1f}, "
                  f"worst {max(shares):3d} (even: {clients / args.workers:.0f})  {shares}")


if __name__ == "__main__":
    main()

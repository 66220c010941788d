"""The API's worker processes, each listening on a socket of its own (`python -m evalforge_api.workers`).

uvicorn's `--workers N` binds one socket in its parent and hands that one socket to every worker, so all of them
wait on one accept queue and whichever wakes first takes the whole burst of new connections. Reviewers' browsers,
proxies and load balancers keep their connections open, so the split lasts as long as they do: in the load test,
8 clients' connections all landed on one of two workers and 32 split 22 / 10, leaving one worker a full core
behind the other (docs/operations.md, "Connections spread over the workers"). Here every worker gets its own
listening socket bound to the same address with `SO_REUSEPORT`, and Linux spreads new connections over those
sockets by a hash of each connection's addresses.

The supervisor is small on purpose: it binds the sockets, starts one uvicorn worker per socket (uvicorn's own
worker process, with its health pings), starts a worker again on the same socket when one dies, and stops them
all on SIGINT, SIGTERM or SIGHUP (uvicorn's own supervisor restarts its workers on SIGHUP; this one has no reload).
A dead worker's socket stays open in the supervisor, so connections that arrive for it wait in its queue for the
replacement instead of being refused. A worker killed by a signal before the supervisor first asked whether it
serves is replaced too; only one that exits by itself before serving, or a replacement that never serves, stops
the API. Off Linux, where `SO_REUSEPORT` does not spread connections, `evalforge up`
keeps uvicorn's shared socket (`reuse_port_spreads_connections`).
"""

from __future__ import annotations

import argparse
import signal
import socket
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Process

APP = "evalforge_api.main:app"
BACKLOG = 2048  # uvicorn's default: far above the clients one replica serves
CHECK_INTERVAL_SECONDS = 0.5
START_TIMEOUT_SECONDS = 60.0  # importing the app and opening the store, on a busy host


def reuse_port_spreads_connections() -> bool:
    """Linux (3.9 and later) spreads the connections of one address over the sockets bound with SO_REUSEPORT;
    other systems accept the option but send every connection to one socket."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def bind_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` listening sockets on one address. Port 0 takes a free port for the first and binds the rest to it.

    Raises OSError with a sentence naming the address when it cannot be bound (in use, not this machine's, or a
    name that does not resolve)."""
    sockets: list[socket.socket] = []
    try:
        family, _, _, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
        for _ in range(count):
            # IPPROTO_TCP, not 0: an accepted socket inherits it, and asyncio sets TCP_NODELAY only on sockets that
            # say they are TCP (without it every keep-alive response after the first waits for a delayed ACK).
            sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind(address)
            sock.listen(BACKLOG)
            address = sock.getsockname()  # the port the first one got, when asked for port 0
    except OSError as error:
        for sock in sockets:
            sock.close()
        raise OSError(error.errno, f"The API cannot listen on {host}:{port} ({error.strerror}). Stop what holds "
                                   f"that port or choose another (evalforge up --api-port).") from error
    return sockets


@dataclass
class Worker:
    """One uvicorn worker process and the socket that is its own."""

    sock: socket.socket
    process: Process


class ReusePortWorkers:
    """Starts one uvicorn worker per socket, replaces a worker that dies on the same socket, stops all on a signal.

    A worker that exits before it serves (the app cannot import, the store cannot open) stops the API rather than
    being started again and again: its replacement would fail the same way."""

    def __init__(self, config: Config, sockets: Sequence[socket.socket]) -> None:
        self.config = config
        self.should_exit = threading.Event()
        # Before the first worker starts, so no stop finds them unwatched. SIGHUP (a closed terminal) stops too: its
        # default would end this process alone and leave the workers serving without a supervisor.
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, lambda *_: self.should_exit.set())
        self.workers = [self._start(sock) for sock in sockets]

    def _start(self, sock: socket.socket) -> Worker:
        process = Process(self.config, [sock])
        process.start()
        return Worker(sock, process)

    def _serving(self, worker: Worker, first_start: bool = False) -> bool:
        if worker.process.wait_until_ready(START_TIMEOUT_SECONDS, self.should_exit) or self.should_exit.is_set():
            return True
        if first_start and (worker.process.exitcode or 0) < 0:
            # Killed by a signal before this loop asked whether it serves (an operator's kill, the OOM killer), not a
            # worker that cannot start: the loop below starts it again, and that replacement must serve.
            return True
        print(f"API worker {worker.process.pid} did not start serving within {START_TIMEOUT_SECONDS:.0f} s "
              f"(exit code {worker.process.exitcode}); stopping the API. Its log above says why.", file=sys.stderr)
        return False

    def run(self) -> int:
        """Supervise until SIGINT, SIGTERM or SIGHUP; returns 0, or STARTUP_FAILURE when a worker could not start."""
        started = all(self._serving(worker, first_start=True) for worker in self.workers)
        while started and not self.should_exit.wait(CHECK_INTERVAL_SECONDS):
            started = self.replace_dead_workers()
        self.stop()
        return 0 if started else STARTUP_FAILURE

    def replace_dead_workers(self) -> bool:
        """Start a worker again on the socket of each that died or hangs; False when a replacement cannot start."""
        for index, worker in enumerate(self.workers):
            if self.should_exit.is_set() or worker.process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            worker.process.kill()  # it may be hung rather than dead: it did not answer its health ping
            worker.process.join()
            print(f"API worker {worker.process.pid} stopped (exit code {worker.process.exitcode}); starting "
                  f"another on its socket.", file=sys.stderr)
            self.workers[index] = self._start(worker.sock)
            if not self._serving(self.workers[index]):
                return False
        return True

    def stop(self) -> None:
        for worker in self.workers:
            worker.process.terminate()
        for worker in self.workers:
            worker.process.join()
            worker.sock.close()


def worker_config(host: str, port: int, graceful_shutdown_seconds: int) -> Config:
    """The options `uvicorn APP --no-access-log --timeout-graceful-shutdown N` gives each of its workers."""
    return Config(APP, host=host, port=port, access_log=False, timeout_graceful_shutdown=graceful_shutdown_seconds)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evalforge_api.workers", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=2, help="worker processes, each with its own socket")
    parser.add_argument("--timeout-graceful-shutdown", type=int, default=1, dest="graceful_shutdown_seconds")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error(f"--workers must be 1 or more, not {args.workers}.")
    if not reuse_port_spreads_connections():
        parser.error("SO_REUSEPORT spreads connections over sockets only on Linux; run "
                     f"`uvicorn {APP} --workers N` here instead (evalforge up does).")
    try:
        sockets = bind_sockets(args.host, args.port, args.workers)
    except OSError as error:
        print(error.strerror, file=sys.stderr)
        return 1
    config = worker_config(args.host, sockets[0].getsockname()[1], args.graceful_shutdown_seconds)
    return ReusePortWorkers(config, sockets).run()


if __name__ == "__main__":
    sys.exit(main())

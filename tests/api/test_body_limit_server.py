"""A 200 MB body sent with no key to a real uvicorn process is refused with 413 at once, and the server's memory
does not grow: it never reads the body (before the limit, the same request took 3.7 s and 270 MB to get a 401)."""

from __future__ import annotations

import os
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.api.conftest import KEYS
from tests.fixtures.processes import free_port, stop_process

BODY_BYTES = 200 * 1024 * 1024
CHUNK = 64 * 1024
START_TIMEOUT_SECONDS = 60.0
ANSWER_TIMEOUT_SECONDS = 10.0
# A 200 MB body read into memory would add at least 200 MB; what the server may add answering a few requests.
MAX_RSS_GROWTH_KIB = 40 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, int]]:
    """(pid, port) of `uvicorn evalforge_api.main:app` in its own process, stopped by its pid afterwards."""
    home = tmp_path_factory.mktemp("body-limit")
    port = free_port()
    env = {**os.environ, "EVALFORGE_HOME": str(home), "EVALFORGE_STORE": f"sqlite:///{home / 'evalforge.db'}",
           "EVALFORGE_API_KEYS": f"{KEYS['viewer']}=viewer", "EVALFORGE_CORS_ORIGINS": ""}
    # cwd is the empty home, so no developer .env is read.
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "evalforge_api.main:app", "--host", "127.0.0.1",
                                "--port", str(port), "--log-level", "warning"], cwd=home, env=env)
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/v1/captures", timeout=2.0)
                break
            except httpx.TransportError:
                if process.poll() is not None:
                    pytest.fail(f"uvicorn exited with {process.returncode} during start-up; see its log above.")
                if time.monotonic() > deadline:
                    pytest.fail(f"uvicorn did not answer on port {port} within {START_TIMEOUT_SECONDS:.0f} s.")
                time.sleep(0.1)
        yield process.pid, port
    finally:
        stop_process(process, 15)


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError(f"/proc/{pid}/status has no VmRSS line")


def _send_until_answered(port: int, head: bytes, body_chunk: bytes, total: int) -> tuple[bytes, int, float]:
    """Send `head`, then `body_chunk`s up to `total` bytes while watching for an answer; (answer, body bytes
    sent, seconds to the answer). Sending stops as soon as the server answers or closes the connection."""
    started = time.monotonic()
    sent = 0
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT_SECONDS) as connection:
        connection.sendall(head)
        while time.monotonic() - started < ANSWER_TIMEOUT_SECONDS:
            readable, writable, _ = select.select([connection], [connection] if sent < total else [], [], 1.0)
            if readable:
                while chunk := connection.recv(65536):
                    answer += chunk
                    if b"\r\n\r\n" in answer and answer.endswith(b"}"):
                        break
                break
            if writable:
                try:
                    sent += connection.send(body_chunk)
                except (BrokenPipeError, ConnectionResetError):
                    continue  # the server closed its side; its answer is (or was) readable
    return answer, sent, time.monotonic() - started


def test_a_200_mb_body_with_no_key_is_refused_at_once_without_being_read(server: tuple[int, int]) -> None:
    pid, port = server
    before = _rss_kib(pid)
    head = (f"PATCH /v1/captures/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {BODY_BYTES}\r\n\r\n").encode()
    answer, sent, seconds = _send_until_answered(port, head, b" " * CHUNK, BODY_BYTES)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"larger than this endpoint accepts (1 MiB)" in answer
    assert sent < BODY_BYTES // 4, f"the client could push {sent} bytes before the answer"
    assert seconds < ANSWER_TIMEOUT_SECONDS
    assert _rss_kib(pid) - before < MAX_RSS_GROWTH_KIB


def test_a_chunked_body_is_cut_off_once_it_passes_the_limit(server: tuple[int, int]) -> None:
    pid, port = server
    before = _rss_kib(pid)
    head = (f"PATCH /v1/captures/x HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\n\r\n").encode()
    chunk = f"{CHUNK:x}\r\n".encode() + b" " * CHUNK + b"\r\n"
    answer, sent, _ = _send_until_answered(port, head, chunk, BODY_BYTES)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert sent < BODY_BYTES // 4, f"the server kept reading: {sent} bytes were sent"
    assert _rss_kib(pid) - before < MAX_RSS_GROWTH_KIB

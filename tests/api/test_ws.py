"""`WS /ws` against a real uvicorn server, with the `websockets` client: the opening status, order, events written
by other processes, a slow client that never reads, and auth.

The server opens its own SQLite store; the tests write through a second handle on the same file (or from a
separate process), exactly as Dagster run processes do. Timeouts here bound waiting, they never measure speed.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import ClientConnection, connect

from evalforge_api.app import create_app
from evalforge_api.ws import EventHub
from evalforge_assets.models import CopilotAnswer, now_iso
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import KEYS, auth, make_settings
from tests.api.uvicorn_server import serving

RECEIVE_TIMEOUT_SECONDS = 30.0
HIGH = SignalReading(error_rate_5m=0.4, p95_latency_ms_5m=120.0, top_error="POST /checkout 500", error_rate_recent=0.5)


@dataclass
class LiveApi:
    ws_url: str
    port: int
    store: SqliteStore
    hub: EventHub

    def connect(self, **options: Any) -> ClientConnection:
        options.setdefault("additional_headers", auth("viewer"))
        return connect(self.ws_url, open_timeout=RECEIVE_TIMEOUT_SECONDS, **options)


@contextmanager
def live_api(tmp_path: Path, hub: EventHub | None = None) -> Iterator[LiveApi]:
    database = tmp_path / "evalforge.db"
    app = create_app(make_settings(tmp_path, EVALFORGE_STORE=f"sqlite:///{database}"))
    if hub is not None:
        app.state.event_hub = hub
    store = SqliteStore(database)
    try:
        with serving(app) as url:
            port = int(url.rsplit(":", 1)[1])
            yield LiveApi(url.replace("http://", "ws://") + "/ws", port, store, app.state.event_hub)
    finally:
        store.close()


@pytest.fixture
def api(tmp_path: Path) -> Iterator[LiveApi]:
    with live_api(tmp_path) as running:
        yield running


def receive(client: ClientConnection) -> dict[str, Any]:
    return json.loads(client.recv(timeout=RECEIVE_TIMEOUT_SECONDS))


def answer_event(question: str, answer: str = "It is the payment client.") -> dict[str, Any]:
    return CopilotAnswer(incident_id=None, question=question, answer=answer, citations=[],
                         created_at=now_iso()).model_dump(mode="json")


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + RECEIVE_TIMEOUT_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting: {what}")
        time.sleep(0.02)


def test_a_client_joining_mid_incident_gets_the_status_then_each_later_event_once_in_order(api: LiveApi) -> None:
    service = IncidentService(api.store, service="demo-app")
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="test")
    before_connecting = api.store.last_event_seq()

    with api.connect() as client:
        first = receive(client)
        assert first["type"] == "system.status"
        assert first["payload"]["status"] == "INCIDENT_ACTIVE"
        assert first["payload"]["active_incident_id"] == incident.incident_id

        service.attach_plan(incident.incident_id, deterministic_plan("http://127.0.0.1:8001", None, None, now_iso()))
        run = service.request_test_run(incident.incident_id, actor="test")
        service.start_validation(run, actor="test")
        for number in range(5):
            api.store.append_event("copilot.answer", answer_event(f"question {number}"))
        expected = api.store.events_after(before_connecting)
        api.store.append_event("copilot.answer", answer_event("the last one"))

        received = [receive(client) for _ in expected]
        assert [(m["type"], m["payload"], m["ts"]) for m in received] == [(e.type, e.payload, e.ts) for e in expected]
        assert [m["type"] for m in received[:4]] == ["plan.generated", "tests.updated", "system.status",
                                                     "tests.updated"]
        # The next message is the one written last: nothing was sent twice, nothing from before connecting.
        assert receive(client)["payload"]["question"] == "the last one"


def test_events_written_by_another_process_reach_clients(api: LiveApi) -> None:
    writer = (
        "import sys\n"
        "from evalforge_assets.store.sqlite import SqliteStore\n"
        "from evalforge_assets.models import SystemStatus\n"
        "store = SqliteStore(sys.argv[1])\n"
        "for n in range(3):\n"
        "    status = SystemStatus(status='HEALTHY', error_rate_5m=n / 100, p95_latency_ms_5m=80.0,\n"
        "                          active_incident_id=None, updated_at='2026-03-02T10:00:00.000000Z')\n"
        "    store.append_event('system.status', status.model_dump(mode='json'))\n"
        "store.close()\n"
    )
    with api.connect() as client:
        assert receive(client)["type"] == "system.status"
        subprocess.run([sys.executable, "-c", writer, str(api.store.path)], check=True,
                       timeout=RECEIVE_TIMEOUT_SECONDS)
        rates = [receive(client)["payload"]["error_rate_5m"] for _ in range(3)]
    assert rates == [0.0, 0.01, 0.02]


def test_an_event_breaking_the_contract_is_not_sent(api: LiveApi) -> None:
    with api.connect() as client:
        receive(client)
        api.store.append_event("system.status", {"status": "ON_FIRE"})
        api.store.append_event("export.delivered", {"export_id": "e1"})
        api.store.append_event("copilot.answer", answer_event("after the bad ones"))
        assert receive(client)["payload"]["question"] == "after the bad ones"


def slow_reader(live: LiveApi) -> ClientConnection:
    """A client that never reads: a tiny receive buffer and no client-side queue, so the server's sends back up.

    Compression is off (here and for the fast client) so that large messages stay large on the wire.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", live.port))
    return live.connect(sock=sock, max_queue=1, compression=None)


def test_a_client_that_never_reads_is_cut_off_without_holding_up_another(tmp_path: Path) -> None:
    big_answer = "x" * 256 * 1024
    chunk, most_events = 4, 200  # 50 MB at most: far beyond what the kernel's socket buffers can hold
    with (live_api(tmp_path, EventHub(poll_interval=0.05, queue_size=8, batch_size=4)) as live,
          slow_reader(live) as slow, live.connect(max_size=2**21, compression=None) as fast):
        wait_until(lambda: live.hub.subscribers == 2, "both clients subscribed")
        before = live.store.last_event_seq()

        def read_fast() -> list[dict[str, Any]]:
            messages = []
            while not messages or messages[-1]["payload"].get("question") != "end":
                messages.append(receive(fast))
            return messages

        with ThreadPoolExecutor(1) as pool:
            fast_messages = pool.submit(read_fast)
            written = 0
            while live.hub.subscribers == 2:
                assert written < most_events, "the client that never reads was never cut off"
                for _ in range(chunk):
                    live.store.append_event("copilot.answer", answer_event(f"q{written}", big_answer))
                    written += 1
                wait_until(lambda: live.hub.last_seq >= live.store.last_event_seq(), "the hub caught up")
            live.store.append_event("copilot.answer", answer_event("end"))
            received = fast_messages.result(timeout=RECEIVE_TIMEOUT_SECONDS * 4)

        expected = [event.payload["question"] for event in live.store.events_after(before)]
        assert received[0]["type"] == "system.status"
        assert [m["payload"]["question"] for m in received[1:]] == expected

        slow_got: list[dict[str, Any]] = []
        with pytest.raises(ConnectionClosed):
            while True:
                slow_got.append(receive(slow))
        assert slow_got[0]["type"] == "system.status"
        slow_questions = [m["payload"]["question"] for m in slow_got[1:]]
        assert slow_questions == expected[:len(slow_questions)]  # what it got before the cut: in order, no gap
        assert len(slow_questions) < written


def test_a_client_without_a_key_is_refused(api: LiveApi) -> None:
    with pytest.raises(InvalidStatus) as refused, api.connect(additional_headers={}):
        pass
    assert refused.value.response.status_code == 401
    assert b"Authorization" in refused.value.response.body


def test_a_browser_can_send_its_key_as_a_subprotocol(api: LiveApi) -> None:
    with api.connect(additional_headers={}, subprotocols=["evalforge", f"bearer.{KEYS['viewer']}"]) as client:
        assert client.subprotocol == "evalforge"
        assert receive(client)["type"] == "system.status"

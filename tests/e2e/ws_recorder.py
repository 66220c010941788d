"""A WebSocket client on its own thread that records every envelope with the time it arrived."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Self

from websockets.sync.client import connect


@dataclass
class Received:
    at: float  # time.monotonic() on arrival
    type: str
    payload: dict[str, Any]
    ts: str


@dataclass
class WsRecorder:
    url: str
    events: list[Received] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Self:
        ready = threading.Event()

        def run() -> None:
            with connect(self.url, open_timeout=10) as ws:
                ready.set()
                while not self._stop.is_set():
                    try:
                        message = ws.recv(timeout=0.5)
                    except TimeoutError:
                        continue
                    envelope = json.loads(message)
                    with self._lock:
                        self.events.append(Received(time.monotonic(), envelope["type"], envelope["payload"],
                                                    envelope["ts"]))

        self._thread = threading.Thread(target=run, name="ws-recorder", daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError(f"Could not connect to {self.url}")
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)

    def snapshot(self) -> list[Received]:
        with self._lock:
            return list(self.events)

    def wait_for(self, predicate, timeout: float, what: str) -> Received:
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline:
            events = self.snapshot()
            for event in events[seen:]:
                if predicate(event):
                    return event
            seen = len(events)
            time.sleep(0.1)
        types = [e.type for e in self.snapshot()]
        raise TimeoutError(f"No {what} within {timeout:.0f}s; received: {types[-30:]}")


def checkout_failed(event: Received) -> bool:
    return event.type == "tests.updated" and any(
        t["status"] == "FAIL" and "checkout" in (t["test_id"] + t["name"]).lower()
        for t in event.payload.get("tests", []))


def status_is(state: str):
    return lambda event: event.type == "system.status" and event.payload.get("status") == state

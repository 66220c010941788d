"""`WS /ws`: every incident event, in order, as `{type, payload, ts}` envelopes.

The store's event log is the source of truth: Dagster run processes append events there too, so one
`EventHub` task per app tails `store.events_after(last_seq)` and fans each event out to a bounded queue per
client. A client that falls `queue_size` events behind is disconnected (close code 1013, "try again later")
instead of slowing the hub or anyone else; it reconnects and starts again from the current status.

A new client first gets a `system.status` with the current status, then every event appended after it
connected, each exactly once and in sequence order.

Auth follows the HTTP API: with EVALFORGE_API_KEYS unset only loopback clients may connect; with keys, send
`Authorization: Bearer <key>`, or, from a browser (which cannot set headers on a WebSocket), offer the
subprotocols `["evalforge", "bearer.<key>"]`; the server then answers with `evalforge`. A console page (the
incident board) is let in by its session cookie when the handshake's Origin is this server.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import urlsplit

import anyio
from fastapi import APIRouter, FastAPI, HTTPException, Request, WebSocket
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, ValidationError
from starlette.websockets import WebSocketDisconnect, WebSocketDisconnected

from evalforge_api.auth import CONSOLE_COOKIE, Authenticator, Principal
from evalforge_api.deps import incident_service_for
from evalforge_assets.models import (
    Contract,
    CopilotAnswer,
    EventEnvelope,
    IncidentCard,
    Plan,
    StoredEvent,
    SystemStatus,
    TestRun,
    now_iso,
)
from evalforge_assets.store import Store

logger = logging.getLogger("evalforge.api.ws")

DEFAULT_POLL_INTERVAL_SECONDS = 0.15
DEFAULT_BATCH_SIZE = 100
# Several batches deep, so a burst of events never cuts off a client that keeps up.
DEFAULT_QUEUE_SIZE = 1000
# After a store error the hub waits this long before reading again, so a store outage is not hammered.
ERROR_BACKOFF_SECONDS = 2.0
# Closing a client that stopped reading may never complete (its socket buffer is full); give up after this.
CLOSE_TIMEOUT_SECONDS = 1.0

CLOSE_GOING_AWAY = 1001
CLOSE_POLICY_VIOLATION = 1008
CLOSE_INTERNAL_ERROR = 1011
CLOSE_TRY_AGAIN_LATER = 1013
BROWSER_SUBPROTOCOL = "evalforge"
BEARER_SUBPROTOCOL_PREFIX = "bearer."

router = APIRouter()


class PlanGenerated(Contract):
    incident_id: str
    plan: Plan


# What each event type's payload must be: an event the front end could not read is logged, not sent.
PAYLOAD_MODELS: dict[str, type[BaseModel]] = {
    "system.status": SystemStatus,
    "incident.created": IncidentCard,
    "plan.generated": PlanGenerated,
    "tests.updated": TestRun,
    "copilot.answer": CopilotAnswer,
}


def envelope_text(event: StoredEvent) -> str | None:
    """The event as the JSON text clients receive, or None (logged) when it breaks the contract."""
    model = PAYLOAD_MODELS.get(event.type)
    try:
        if model is None:
            raise ValueError(f"unknown event type {event.type!r}")
        model.model_validate(event.payload)
        return EventEnvelope(type=cast(Any, event.type), payload=event.payload, ts=event.ts).model_dump_json()
    except (ValueError, ValidationError) as exc:
        logger.error("event not sent: it does not match the incident contract",
                     extra={"seq": event.seq, "type": event.type, "error": str(exc)})
        return None


@dataclass(eq=False)
class Subscription:
    """One client's place in the stream: a bounded queue of envelope texts and why it was cut off, if it was."""

    queue: asyncio.Queue[str]
    ended: asyncio.Event = field(default_factory=asyncio.Event)
    close_code: int = CLOSE_GOING_AWAY
    close_reason: str = ""

    def end(self, code: int, reason: str) -> None:
        self.close_code, self.close_reason = code, reason
        self.ended.set()


class EventHub:
    """Tails the store's event log in one background task and hands each event to every subscription."""

    def __init__(self, *, poll_interval: float = DEFAULT_POLL_INTERVAL_SECONDS, queue_size: int = DEFAULT_QUEUE_SIZE,
                 batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if queue_size < 2 * batch_size:
            raise ValueError(f"queue_size ({queue_size}) must hold at least two batches ({2 * batch_size}), or a "
                             "client that keeps up could be cut off by one burst of events.")
        self.poll_interval = poll_interval
        self.queue_size = queue_size
        self.batch_size = batch_size
        self.last_seq = 0
        self._store: Store | None = None
        self._opening: Callable[[], str] | None = None
        self._subscriptions: set[Subscription] = set()
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    @property
    def subscribers(self) -> int:
        return len(self._subscriptions)

    async def start(self, store: Store, opening: Callable[[], str]) -> None:
        """Start tailing after the newest event; `opening` (a blocking call) gives each new client's first message."""
        self._store, self._opening = store, opening
        self.last_seq = await anyio.to_thread.run_sync(store.last_event_seq)
        self._task = asyncio.create_task(self._tail(), name="evalforge-event-hub")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        for subscription in list(self._subscriptions):
            self._end(subscription, CLOSE_GOING_AWAY, "The server is shutting down; reconnect shortly.")

    async def subscribe(self) -> Subscription:
        """A subscription whose queue starts with the opening message, then gets every event after this moment.

        Under the hub's lock the backlog is handed out first (to the clients already there), so `last_seq` is
        "now": the opening status is read after it, this client gets no event older than that status, and every
        later event exactly once.
        """
        assert self._opening is not None, "subscribe() before start()"
        subscription = Subscription(asyncio.Queue(self.queue_size))
        async with self._lock:
            while await self._hand_out_next_batch() == self.batch_size:
                continue
            subscription.queue.put_nowait(await anyio.to_thread.run_sync(self._opening))
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscriptions.discard(subscription)

    def _end(self, subscription: Subscription, code: int, reason: str) -> None:
        self._subscriptions.discard(subscription)
        subscription.end(code, reason)

    async def _tail(self) -> None:
        while True:
            try:
                fetched = await self.poll_once()
            except Exception:
                # A store outage must not end the stream for good: log, back off, read again.
                logger.exception("reading the event log failed; retrying", extra={"after_seq": self.last_seq})
                await asyncio.sleep(ERROR_BACKOFF_SECONDS)
                continue
            if fetched < self.batch_size:
                await asyncio.sleep(self.poll_interval)

    async def poll_once(self) -> int:
        """Hand out the next batch of events after `last_seq`; returns how many were read."""
        async with self._lock:
            return await self._hand_out_next_batch()

    async def _hand_out_next_batch(self) -> int:
        assert self._store is not None, "the hub reads the store only after start()"
        events = await anyio.to_thread.run_sync(self._store.events_after, self.last_seq, self.batch_size)
        for event in events:
            text = envelope_text(event)
            if text is not None:
                self._fan_out(text)
            self.last_seq = event.seq
        return len(events)

    def _fan_out(self, text: str) -> None:
        for subscription in list(self._subscriptions):
            try:
                subscription.queue.put_nowait(text)
            except asyncio.QueueFull:
                self._end(subscription, CLOSE_TRY_AGAIN_LATER,
                          f"Too slow: {self.queue_size} events were waiting unread; reconnect to resume from the "
                          "current status.")


def status_opening(app: FastAPI) -> Callable[[], str]:
    """The first message of every connection: the current status as a `system.status` envelope."""

    def opening() -> str:
        service = incident_service_for(app.state.settings, app.state.store, app.state.http_transport)
        status = service.current_status(announce=False)
        return EventEnvelope(type="system.status", payload=status.model_dump(mode="json"), ts=now_iso()).model_dump_json()

    return opening


def install_event_stream(app: FastAPI, hub: EventHub | None = None) -> None:
    """Add `/ws` and its hub (`app.state.event_hub`); run the hub with `event_stream_running` in the lifespan."""
    app.state.event_hub = hub or EventHub()
    app.include_router(router)


@asynccontextmanager
async def event_stream_running(app: FastAPI) -> AsyncIterator[None]:
    hub: EventHub = app.state.event_hub
    await hub.start(app.state.store, status_opening(app))
    try:
        yield
    finally:
        await hub.stop()


# ---- the endpoint -----------------------------------------------------------------------------------------
def _presented_key(websocket: WebSocket) -> tuple[str | None, str | None]:
    """(key, subprotocol to answer): from the Authorization header, else from a `bearer.<key>` subprotocol."""
    header = websocket.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    offered = websocket.scope.get("subprotocols") or []
    answer = BROWSER_SUBPROTOCOL if BROWSER_SUBPROTOCOL in offered else None
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip(), answer
    for protocol in offered:
        if protocol.startswith(BEARER_SUBPROTOCOL_PREFIX):
            return protocol[len(BEARER_SUBPROTOCOL_PREFIX):], answer
    return None, answer


def _console_session(websocket: WebSocket, authenticator: Authenticator) -> Principal | None:
    """The console's session, for a board page: its cookie on a handshake whose Origin is this very server.

    Browsers send cookies on cross-site WebSocket handshakes too and a page cannot add the console header to
    one, so the same-origin check is what keeps another site's page from riding a signed-in session.
    """
    token = websocket.cookies.get(CONSOLE_COOKIE)
    origin, host = websocket.headers.get("origin"), websocket.headers.get("host")
    if authenticator.open or not token or not origin or not host or urlsplit(origin).netloc != host:
        return None
    return authenticator.session_principal(token)


def _authenticate(websocket: WebSocket) -> str | None | HTTPException:
    """The subprotocol to accept with, or the HTTPException that refuses the client."""
    authenticator: Authenticator = websocket.app.state.auth
    key, subprotocol = _presented_key(websocket)
    credentials = HTTPAuthorizationCredentials(scheme="Bearer", credentials=key) if key else None
    try:
        session = None if key else _console_session(websocket, authenticator)
        # The authenticator reads only the client address and headers, which a WebSocket has like a Request.
        principal = session or authenticator.authenticate(cast(Request, websocket), credentials)
        authenticator.check_rate(principal)
    except HTTPException as refusal:
        return refusal
    return subprotocol


async def _refuse(websocket: WebSocket, status_code: int, detail: str, close_code: int) -> None:
    """Answer the handshake with an HTTP error when the server can (uvicorn can), else close before accepting."""
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(JSONResponse({"detail": detail}, status_code=status_code))
    else:
        await websocket.close(close_code, detail[:120])


async def _send_events(websocket: WebSocket, subscription: Subscription) -> None:
    while True:
        await websocket.send_text(await subscription.queue.get())


async def _until_disconnect(websocket: WebSocket, _subscription: Subscription) -> None:
    # Clients have nothing to say; reading is how a closed connection is noticed.
    while (await websocket.receive())["type"] != "websocket.disconnect":
        continue


async def _until_cut_off(_websocket: WebSocket, subscription: Subscription) -> None:
    await subscription.ended.wait()


async def _close(websocket: WebSocket, code: int, reason: str) -> None:
    try:
        with anyio.fail_after(CLOSE_TIMEOUT_SECONDS):
            await websocket.close(code, reason[:120])
    except (TimeoutError, WebSocketDisconnect, WebSocketDisconnected):
        logger.info("client gone before its close frame", extra={"code": code})


async def _pump(websocket: WebSocket, subscription: Subscription) -> None:
    """Send queued events until the client leaves, a send fails, or the hub cuts the client off."""

    async with anyio.create_task_group() as group:
        async def run_until_done(part: Callable[[WebSocket, Subscription], Awaitable[None]]) -> None:
            try:
                await part(websocket, subscription)
            except (WebSocketDisconnect, WebSocketDisconnected):
                logger.debug("client disconnected")
            group.cancel_scope.cancel()

        for part in (_send_events, _until_disconnect, _until_cut_off):
            group.start_soon(run_until_done, part)


@router.websocket("/ws", name="events")
async def events(websocket: WebSocket) -> None:
    hub: EventHub = websocket.app.state.event_hub
    subprotocol = _authenticate(websocket)
    if isinstance(subprotocol, HTTPException):
        await _refuse(websocket, subprotocol.status_code, str(subprotocol.detail), CLOSE_POLICY_VIOLATION)
        return
    if not hub.running:
        await _refuse(websocket, 503, "The event stream is not running; the API must be started with its lifespan "
                                      "(uvicorn does this).", CLOSE_INTERNAL_ERROR)
        return
    await websocket.accept(subprotocol=subprotocol)
    subscription = await hub.subscribe()
    try:
        await _pump(websocket, subscription)
    finally:
        hub.unsubscribe(subscription)
    if subscription.ended.is_set():
        await _close(websocket, subscription.close_code, subscription.close_reason)

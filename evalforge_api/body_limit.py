"""Refuse request bodies over a size limit with 413, before anything reads, parses or authenticates them.

FastAPI reads and parses a body before it runs the dependencies that authenticate, so without this a client
with no key could make the server hold any amount of data (a 200 MB PATCH took 3.7 s and 270 MB of RSS to be
answered 401). This is plain ASGI, outside routing: a declared Content-Length over the limit is answered at
once without reading a byte; a chunked body is counted as it streams and answered 413 the moment it passes the
limit, after which the application sees the client as gone and whatever it answers is dropped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MIB = 1024 * 1024


def _describe(limit: int) -> str:
    return f"{limit / MIB:g} MiB" if limit >= MIB else f"{limit} bytes"


class BodyLimitMiddleware:
    """413 for bodies over `default_limit` bytes, or over the limit of the longest matching path prefix in
    `path_limits` (the webhooks and exports may take more or less than other endpoints)."""

    def __init__(self, app: ASGIApp, default_limit: int, path_limits: Mapping[str, int] | None = None) -> None:
        self.app = app
        self.default_limit = default_limit
        # Longest prefix first, so /v1/exports/x/retry is not judged by a shorter prefix's limit.
        self.path_limits = sorted((path_limits or {}).items(), key=lambda item: len(item[0]), reverse=True)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.path_limits:
            if path.startswith(prefix):
                return limit
        return self.default_limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _send_413(send, limit)
            return
        await self.app(scope, *_counting(receive, send, limit))


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None  # not a number: the server itself refuses such a request
    return None


def _counting(receive: Receive, send: Send, limit: int) -> tuple[Receive, Send]:
    """receive/send for the application that stop a body at `limit` bytes and answer 413 in its place."""
    received = 0
    response_started = False
    refused = False

    async def counted_receive() -> Message:
        nonlocal received, refused
        if refused:
            return {"type": "http.disconnect"}
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                refused = True
                if not response_started:
                    await _send_413(send, limit)
                # The application stops reading as if the client had left; it never holds the rest.
                return {"type": "http.disconnect"}
        return message

    async def guarded_send(message: Message) -> None:
        nonlocal response_started
        if refused:
            return  # the 413 was the answer; the application's reaction to the "disconnect" is not sent
        if message["type"] == "http.response.start":
            response_started = True
        await send(message)

    return counted_receive, guarded_send


async def _send_413(send: Send, limit: int) -> None:
    body = json.dumps({"detail": f"The request body is larger than this endpoint accepts ({_describe(limit)}); "
                                 "send a smaller body, or split the request."}).encode()
    # Connection: close, because the rest of the body is never read, so the connection cannot serve another.
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})

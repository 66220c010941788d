"""Serve an ASGI app with a real uvicorn server on a free 127.0.0.1 port, in a thread stopped by its handle."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

START_TIMEOUT_SECONDS = 30.0
STOP_TIMEOUT_SECONDS = 30.0


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """Run `app` (with its lifespan) until the block ends; yields its base URL, e.g. http://127.0.0.1:41234.

    The listening socket is bound here and handed to uvicorn, so no other process can take the port between
    choosing it and serving on it.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError(f"uvicorn on port {port} exited during start-up; see the log above.")
            if time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn on port {port} did not start within {START_TIMEOUT_SECONDS:.0f} s.")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_TIMEOUT_SECONDS)
        listener.close()
        if thread.is_alive():
            raise RuntimeError(f"uvicorn on port {port} did not stop within {STOP_TIMEOUT_SECONDS:.0f} s.")

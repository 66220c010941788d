"""Reviewer API test setup: an in-process client over the parametrized `store`, with one key per role."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store

KEYS = {"viewer": "viewer-key-7Qx", "reviewer": "reviewer-key-9Pz", "lead": "lead-key-3Mw"}


def auth(role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {KEYS[role]}"}


def closed_port_url() -> str:
    """A local URL nothing listens on: the port was free a moment ago and is not handed out again at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "EVALFORGE_HOME": str(tmp_path),
        "EVALFORGE_API_KEYS": ",".join(f"{key}={role}" for role, key in KEYS.items()),
        "EVALFORGE_RATE_LIMIT_PER_MINUTE": 100_000,
        # Generated requests (Schemathesis) send many wrong keys; throttle tests lower this themselves.
        "EVALFORGE_AUTH_FAILURE_LIMIT": 100_000,
        "EVALFORGE_DAGSTER_URL": closed_port_url(),
    }
    values.update(overrides)
    # No .env file: a developer's local settings must not leak into tests.
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


ClientFactory = Callable[..., TestClient]


@pytest.fixture
def client_factory(store: Store, tmp_path: Path) -> Iterator[ClientFactory]:
    """Build clients over the test's store with settings overrides; each is closed at teardown."""
    opened: list[TestClient] = []

    def build(transport: httpx.BaseTransport | None = None, client_address: tuple[str, int] | None = None,
              **overrides: Any) -> TestClient:
        app = create_app(make_settings(tmp_path, **overrides), store, http_transport=transport)
        client = TestClient(app, client=client_address or ("testclient", 50000))
        client.__enter__()
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def api(client_factory: ClientFactory) -> TestClient:
    return client_factory()

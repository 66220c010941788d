"""Hardening at the API boundary: body limits before authentication, the failed-authentication throttle,
signed cursors, CORS, and limits that two API instances over one store enforce together."""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_api.cursors import CursorSigner
from evalforge_api.rate_limits import FailedAuthThrottle, SharedRateLimiter, block_size
from evalforge_assets.models.limits import RateWindow
from evalforge_assets.store import InvalidCursor, Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import auth, make_settings
from tests.fixtures.factories import make_capture

WRONG = {"Authorization": "Bearer not-a-configured-key"}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "shared.db"


@pytest.fixture
def replicas(tmp_path: Path, db_path: Path) -> Iterator[Any]:
    """Build API instances that each open their own connection to one SQLite file, as replicas would."""
    opened: list[tuple[TestClient, Store]] = []

    def build(address: str = "10.0.0.7", **overrides: Any) -> TestClient:
        store = SqliteStore(db_path)
        client = TestClient(create_app(make_settings(tmp_path, **overrides), store), client=(address, 50000))
        client.__enter__()
        opened.append((client, store))
        return client

    yield build
    for client, store in opened:
        client.__exit__(None, None, None)
        store.close()


def _seed(db_path: Path, count: int) -> None:
    store = SqliteStore(db_path)
    try:
        store.save_captures([make_capture(capture_id=f"cap-{n:03d}", occurred_at=f"2026-03-01T10:{n:02d}:00.000000Z")
                             for n in range(count)])
    finally:
        store.close()


# ---- body limits --------------------------------------------------------------------------------------------
def test_a_declared_body_over_the_limit_is_413_before_authentication(replicas: Any) -> None:
    api = replicas(EVALFORGE_MAX_BODY_BYTES=1000)
    answer = api.patch("/v1/captures/x", content=b"{" + b" " * 5000 + b"}",
                       headers={"Content-Type": "application/json"})  # and no key at all
    assert answer.status_code == 413
    assert "larger than this endpoint accepts (1000 bytes)" in answer.json()["detail"]
    small = api.patch("/v1/captures/x", json={"note": "fits"})
    assert small.status_code == 401  # under the limit the request goes on to authentication


def test_a_streamed_body_is_cut_off_at_the_limit(replicas: Any) -> None:
    api = replicas(EVALFORGE_MAX_BODY_BYTES=10_000)
    def chunks() -> Iterator[bytes]:
        for _ in range(100):  # 100 KB in 1 KB chunks, with no Content-Length (test_body_limit_server.py streams
            yield b" " * 1000  # from a real socket and checks the server stops reading)

    answer = api.patch("/v1/captures/x", content=chunks(), headers={**auth("reviewer"),
                                                                    "Content-Type": "application/json"})
    assert answer.status_code == 413
    assert "10000 bytes" in answer.json()["detail"]


def test_webhook_and_export_endpoints_have_their_own_limits(replicas: Any) -> None:
    api = replicas(EVALFORGE_MAX_BODY_BYTES=1000, EVALFORGE_MAX_EXPORT_BODY_BYTES=50_000,
                   EVALFORGE_MAX_WEBHOOK_BODY_BYTES=200)
    body = b'{"capture_ids": [' + b",".join(b'"cap-%05d"' % n for n in range(400)) + b"]}"
    assert 1000 < len(body) < 50_000
    assert api.post("/v1/exports", content=body, headers={"Content-Type": "application/json"}).status_code == 401
    assert api.post("/v1/captures", content=body, headers={"Content-Type": "application/json"}).status_code == 413
    webhook = api.post("/internal/datadog/webhook", content=b"{" + b" " * 300 + b"}")
    assert webhook.status_code == 413 and "200 bytes" in webhook.json()["detail"]


# ---- failed-authentication throttle -------------------------------------------------------------------------
def test_wrong_keys_from_one_address_are_throttled_and_other_addresses_are_not(replicas: Any) -> None:
    attacker = replicas(address="10.0.0.66", EVALFORGE_AUTH_FAILURE_LIMIT=3)
    neighbour = replicas(address="10.0.0.8", EVALFORGE_AUTH_FAILURE_LIMIT=3)
    assert [attacker.get("/v1/captures", headers=WRONG).status_code for _ in range(3)] == [401, 401, 401]
    refused = attacker.get("/v1/captures", headers=WRONG)
    assert refused.status_code == 429
    assert 290 <= int(refused.headers["Retry-After"]) <= 300
    assert "unknown API key" in refused.json()["detail"]
    # A right key from the blocked address is refused too: otherwise a guesser could tell right (200) from
    # wrong (429) and keep guessing at full speed.
    assert attacker.get("/v1/captures", headers=auth("viewer")).status_code == 429
    assert neighbour.get("/v1/captures", headers=auth("viewer")).status_code == 200


def test_successful_requests_do_not_count_towards_the_throttle(replicas: Any) -> None:
    api = replicas(EVALFORGE_AUTH_FAILURE_LIMIT=2)
    assert api.get("/v1/captures", headers=WRONG).status_code == 401
    for _ in range(5):
        assert api.get("/v1/captures", headers=auth("viewer")).status_code == 200
    assert api.get("/v1/captures").status_code == 401  # no key at all is not a guess either
    assert api.get("/v1/captures", headers=auth("viewer")).status_code == 200


def test_a_replica_refuses_an_address_another_replica_blocked(replicas: Any) -> None:
    first = replicas(address="10.0.0.66", EVALFORGE_AUTH_FAILURE_LIMIT=3)
    second = replicas(address="10.0.0.66", EVALFORGE_AUTH_FAILURE_LIMIT=3)
    statuses = [client.get("/v1/captures", headers=WRONG).status_code for client in (first, second, first)]
    assert statuses == [401, 401, 401]
    # The second replica has never blocked this address itself; its next wrong key finds the store's block.
    assert second.get("/v1/captures", headers=WRONG).status_code == 429
    assert second.get("/v1/captures", headers=auth("viewer")).status_code == 429


def test_throttle_window_passes_and_counting_starts_again(db_path: Path) -> None:
    store = SqliteStore(db_path)
    now = [10_000.0]
    throttle = FailedAuthThrottle(lambda: store, max_failures=2, window_seconds=60, clock=lambda: now[0])
    assert throttle.record_failure("a") is None and throttle.blocked_for("a") is None
    assert throttle.record_failure("a") is None  # the failure that reaches the limit is still answered 401
    assert throttle.blocked_for("a") == pytest.approx(60.0)
    now[0] += 61
    assert throttle.blocked_for("a") is None
    assert throttle.record_failure("a") is None and throttle.blocked_for("a") is None
    store.close()


# ---- rate limits shared through the store -------------------------------------------------------------------
def _clear_of_a_minute_boundary(seconds: float = 10.0) -> None:
    """Limits count per wall-clock minute: start a test that must stay in one minute well inside one."""
    into_minute = time.time() % 60
    if into_minute > 60 - seconds:
        time.sleep(60 - into_minute + 0.1)


def test_two_api_instances_over_one_store_share_one_rate_limit(replicas: Any) -> None:
    first = replicas(EVALFORGE_RATE_LIMIT_PER_MINUTE=6)
    second = replicas(EVALFORGE_RATE_LIMIT_PER_MINUTE=6)
    _clear_of_a_minute_boundary()
    answers = [client.get("/v1/captures", headers=auth("viewer")).status_code
               for _ in range(4) for client in (first, second)]
    # Each alone would allow all 8; together they allow the key's 6 a minute.
    assert answers == [200] * 6 + [429] * 2
    limited = second.get("/v1/captures", headers=auth("viewer"))
    assert limited.status_code == 429 and "6 requests per minute" in limited.json()["detail"]
    assert 1 <= int(limited.headers["Retry-After"]) <= 60


def test_the_limiter_reserves_blocks_so_most_requests_do_not_touch_the_store(db_path: Path) -> None:
    store = SqliteStore(db_path)
    now = [6_000.0]  # the start of a minute
    limiter = SharedRateLimiter(lambda: store, per_window=1000, clock=lambda: now[0])
    assert limiter.block == block_size(1000) == 20
    assert all(limiter.acquire("k") is None for _ in range(100))
    # 100 requests, 6 reservations of 20: the first, then one each time half a block (10) is left.
    assert store.version("rate_limits", "key:k") == 6
    other = SharedRateLimiter(lambda: store, per_window=1000, clock=lambda: now[0])
    # The first replica's 20 unused requests are lost to the second: admissions never pass the limit.
    assert sum(other.acquire("k") is None for _ in range(1000)) == 880
    assert other.acquire("k") == pytest.approx(60.0)
    now[0] += 60  # a new window: the count starts again
    assert other.acquire("k") is None
    stored = store.update("rate_limits", RateWindow, "key:k", lambda current: None)
    assert stored is not None and stored.window_start == 6060 and stored.count == 20
    store.close()


def test_concurrent_requests_on_two_replicas_never_pass_the_limit(db_path: Path) -> None:
    stores = [SqliteStore(db_path), SqliteStore(db_path)]
    limiters = [SharedRateLimiter(lambda store=store: store, per_window=1000, clock=lambda: 6_000.0)
                for store in stores]

    def hammer(limiter: SharedRateLimiter) -> int:
        return sum(limiter.acquire("k") is None for _ in range(200))

    with ThreadPoolExecutor(max_workers=8) as pool:
        admitted = sum(pool.map(hammer, [limiters[n % 2] for n in range(8)]))
    # 1,600 asked for a limit of 1,000: never more, and at most a block and a half (30) per replica left unused.
    assert 1000 - 2 * 30 <= admitted <= 1000
    stored = stores[0].update("rate_limits", RateWindow, "key:k", lambda current: None)
    assert stored is not None and stored.count <= 1000
    for store in stores:
        store.close()


# ---- signed cursors -----------------------------------------------------------------------------------------
def test_cursors_are_signed_and_an_edited_one_is_a_400(replicas: Any, db_path: Path) -> None:
    _seed(db_path, 5)
    api = replicas()
    first = api.get("/v1/captures", params={"limit": 2}, headers=auth("viewer")).json()
    cursor = first["next_cursor"]
    payload, _, mac = cursor.rpartition(".")
    assert payload and len(mac) == 22
    assert api.get("/v1/captures", params={"limit": 2, "cursor": cursor}, headers=auth("viewer")).status_code == 200
    edited = ("A" if payload[0] != "A" else "B") + payload[1:] + "." + mac
    for bad in (edited, payload, payload + ".", cursor[:-1] + ("x" if cursor[-1] != "x" else "y")):
        answer = api.get("/v1/captures", params={"limit": 2, "cursor": bad}, headers=auth("viewer"))
        assert answer.status_code == 400, bad
        assert answer.json()["detail"] == ("The cursor cannot be used: it was not issued by this API or has been "
                                           "changed; start again without a cursor.")


def test_replicas_over_one_store_accept_each_others_cursors(replicas: Any, db_path: Path) -> None:
    _seed(db_path, 5)
    first, second = replicas(), replicas()
    cursor = first.get("/v1/signatures", params={"limit": 1}, headers=auth("viewer")).json()["next_cursor"]
    page = second.get("/v1/captures", params={"limit": 2}, headers=auth("viewer")).json()
    assert second.get("/v1/captures", params={"limit": 2, "cursor": page["next_cursor"]},
                      headers=auth("viewer")).status_code == 200
    on_first = first.get("/v1/captures", params={"limit": 2, "cursor": page["next_cursor"]}, headers=auth("viewer"))
    assert on_first.status_code == 200 and [c["capture_id"] for c in on_first.json()["items"]] == ["cap-002",
                                                                                                   "cap-001"]
    assert cursor is None or second.get("/v1/signatures", params={"limit": 1, "cursor": cursor},
                                        headers=auth("viewer")).status_code == 200


def test_a_configured_cursor_secret_is_used_and_other_secrets_are_refused(tmp_path: Path) -> None:
    never: Any = lambda: pytest.fail("a configured secret must not read the store")
    ours = CursorSigner.from_settings(make_settings(tmp_path, EVALFORGE_CURSOR_SECRET="s3cret"), never)
    same = CursorSigner.from_settings(make_settings(tmp_path, EVALFORGE_CURSOR_SECRET="s3cret"), never)
    theirs = CursorSigner.from_settings(make_settings(tmp_path, EVALFORGE_CURSOR_SECRET="other"), never)
    signed = ours.sign("WyIyMDI2Il0")
    assert signed is not None and same.open(signed) == "WyIyMDI2Il0"
    assert ours.sign(None) is None and ours.open(None) is None
    with pytest.raises(InvalidCursor):
        theirs.open(signed)


# ---- CORS ---------------------------------------------------------------------------------------------------
PREFLIGHT = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "authorization"}


def test_no_cross_origin_access_by_default(replicas: Any) -> None:
    api = replicas()
    answer = api.get("/v1/captures", headers={**auth("viewer"), "Origin": "https://console.example"})
    assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in api.options(
        "/v1/captures", headers={**PREFLIGHT, "Origin": "https://console.example"}).headers


def test_configured_origins_may_call_the_api_and_others_may_not(replicas: Any) -> None:
    api = replicas(EVALFORGE_CORS_ORIGINS="https://console.example, http://localhost:5173")
    preflight = api.options("/v1/captures", headers={**PREFLIGHT, "Origin": "http://localhost:5173"})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "authorization" in preflight.headers["access-control-allow-headers"].lower()
    answer = api.get("/v1/captures", headers={**auth("viewer"), "Origin": "https://console.example"})
    assert answer.headers["access-control-allow-origin"] == "https://console.example"
    refused = api.options("/v1/captures", headers={**PREFLIGHT, "Origin": "https://evil.example"})
    assert refused.status_code == 400 and "access-control-allow-origin" not in refused.headers

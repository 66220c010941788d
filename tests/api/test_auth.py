"""Keys, roles, the open-on-loopback mode and per-key rate limits.

The role matrix needs no second store: auth runs before any store call, so these tests use SQLite only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_api import auth as auth_module
from evalforge_api.app import create_app
from evalforge_api.auth import ApiKeyConfigError, Role, parse_api_keys
from evalforge_assets.store import Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import KEYS, ClientFactory, auth, make_settings
from tests.fixtures.factories import make_capture, make_signature


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """Overrides the two-backend `store`: one SQLite store with a capture and two signatures."""
    sqlite = SqliteStore(tmp_path / "auth.db")
    sqlite.upsert_captures([make_capture(capture_id="cap-1", signature_id="sig-1")])
    sqlite.save_signatures([make_signature(signature_id="sig-1"), make_signature(signature_id="sig-2")])
    yield sqlite
    sqlite.close()


ENDPOINTS: list[tuple[str, str, dict[str, Any] | None, Role]] = [
    ("GET", "/v1/captures", None, Role.viewer),
    ("GET", "/v1/captures/cap-1", None, Role.viewer),
    ("PATCH", "/v1/captures/cap-1", {"note": "seen"}, Role.reviewer),
    ("GET", "/v1/signatures", None, Role.viewer),
    ("GET", "/v1/signatures/sig-1", None, Role.viewer),
    ("PATCH", "/v1/signatures/sig-1", {"status": "triaged"}, Role.reviewer),
    ("POST", "/v1/signatures/sig-1/merge", {"signature_ids": ["sig-2"]}, Role.lead),
    ("POST", "/v1/signatures/sig-1/unmerge", {"signature_ids": ["sig-2"]}, Role.lead),
    ("POST", "/ingestion/run-once", {"hours": 1}, Role.lead),
]
CALLERS = [None, "unknown", "viewer", "reviewer", "lead"]


def call(api: TestClient, method: str, path: str, body: dict[str, Any] | None,
         headers: dict[str, str] | None = None) -> Any:
    return api.request(method, path, json=body, headers=headers or {})


@pytest.mark.parametrize(("method", "path", "body", "needed"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
@pytest.mark.parametrize("caller", CALLERS)
def test_role_matrix(api: TestClient, method: str, path: str, body: dict[str, Any] | None, needed: Role,
                     caller: str | None) -> None:
    headers = {} if caller is None else {"Authorization": f"Bearer {KEYS.get(caller, 'no-such-key')}"}
    response = call(api, method, path, body, headers)
    if caller in (None, "unknown"):
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"] == "Bearer"
    elif not Role(caller).allows(needed):
        assert response.status_code == 403
        assert f"needs the {needed.value} role" in response.json()["detail"]
        assert f"your key has the {caller} role" in response.json()["detail"]
    else:
        assert response.status_code not in (401, 403), response.text


def test_401_bodies_say_what_is_missing(api: TestClient) -> None:
    missing = api.get("/v1/captures")
    assert "Authorization header is missing" in missing.json()["detail"]
    wrong_scheme = api.get("/v1/captures", headers={"Authorization": f"Basic {KEYS['lead']}"})
    assert wrong_scheme.status_code == 401
    assert "not of the form `Bearer <key>`" in wrong_scheme.json()["detail"]
    unknown = api.get("/v1/captures", headers={"Authorization": "Bearer guess"})
    assert "not recognised" in unknown.json()["detail"]


def test_health_and_docs_need_no_key(api: TestClient) -> None:
    assert api.get("/health").status_code == 200
    assert api.get("/openapi.json").status_code == 200
    assert api.get("/docs").status_code == 200


def test_every_configured_key_is_compared_whatever_matches(api: TestClient,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = auth_module.hmac.compare_digest

    def counting(a: bytes, b: bytes) -> bool:
        calls.append(1)
        return real(a, b)

    monkeypatch.setattr(auth_module.hmac, "compare_digest", counting)
    for presented in (KEYS["viewer"], KEYS["lead"], "wrong"):
        calls.clear()
        api.get("/v1/captures", headers={"Authorization": f"Bearer {presented}"})
        assert len(calls) == len(KEYS)


def test_open_mode_serves_loopback_only_and_says_so_at_start(client_factory: ClientFactory,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("evalforge.api.auth")
    logger.addHandler(caplog.handler)
    try:
        local = client_factory(client_address=("127.0.0.1", 40000), EVALFORGE_API_KEYS=None)
    finally:
        logger.removeHandler(caplog.handler)
    assert any("only requests from 127.0.0.1" in record.getMessage() for record in caplog.records)
    assert local.get("/v1/captures").status_code == 200
    assert local.post("/v1/signatures/sig-1/merge", json={"signature_ids": ["sig-2"]}).status_code == 200
    ipv6 = client_factory(client_address=("::1", 40000), EVALFORGE_API_KEYS="")
    assert ipv6.get("/v1/captures").status_code == 200
    remote = client_factory(client_address=("10.1.2.3", 40000), EVALFORGE_API_KEYS=None)
    response = remote.get("/v1/captures")
    assert response.status_code == 403
    assert "no keys configured" in response.json()["detail"]
    assert "EVALFORGE_API_KEYS" in response.json()["detail"]


def test_keys_never_reach_the_logs(client_factory: ClientFactory, caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("evalforge")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG, logger="evalforge")
    try:
        api = client_factory()
        for role in KEYS:
            api.get("/v1/captures", headers=auth(role))
        api.get("/v1/captures", headers={"Authorization": "Bearer not-a-key-5Rt"})
    finally:
        logger.removeHandler(caplog.handler)
    assert any("API keys configured: 3" in record.getMessage() for record in caplog.records)
    logged = caplog.text + " ".join(str(record.__dict__) for record in caplog.records)
    for secret in [*KEYS.values(), "not-a-key-5Rt"]:
        assert secret not in logged


def test_rate_limit_is_per_key_with_retry_after(client_factory: ClientFactory) -> None:
    api = client_factory(EVALFORGE_RATE_LIMIT_PER_MINUTE=3)
    answers = [api.get("/v1/captures", headers=auth("viewer")).status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    limited = api.get("/v1/captures", headers=auth("viewer"))
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert "3 requests per minute" in limited.json()["detail"]
    assert api.get("/v1/captures", headers=auth("reviewer")).status_code == 200


def test_parse_api_keys_reads_pairs_and_keeps_no_plain_keys() -> None:
    keys = parse_api_keys(" a1=viewer , b2==lead,,c3=reviewer ")
    assert [key.role for key in keys] == [Role.viewer, Role.lead, Role.reviewer]
    assert all(len(key.digest) == 32 for key in keys)
    assert not any("a1" in repr(key) or "b2=" in repr(key) for key in keys)
    assert parse_api_keys(None) == [] and parse_api_keys("  ") == []


@pytest.mark.parametrize(("raw", "words"), [
    ("secret-one=admin", "entry 1 has the role 'admin'"),
    ("ok=viewer,secret-one", "entry 2 is not of the form key=role"),
    ("secret-one=viewer,secret-one=lead", "entry 2 repeats an earlier key"),
])
def test_bad_key_lists_stop_start_up_without_echoing_keys(tmp_path: Path, store: Store, raw: str,
                                                          words: str) -> None:
    with pytest.raises(ApiKeyConfigError) as error:
        create_app(make_settings(tmp_path, EVALFORGE_API_KEYS=raw), store)
    assert words in str(error.value)
    assert "secret-one" not in str(error.value)

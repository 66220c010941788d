"""Read-only routes read the store on the event loop when the store says its reads never wait (SQLite over a file),
and in the threadpool otherwise (Firestore, an in-memory SQLite); a triage always writes in a thread. Their
bodies, now serialized by the routes themselves, are what FastAPI's own response path makes of the same model."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.routing import APIRoute, serialize_response
from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_api.routes import captures, signatures
from evalforge_api.schemas import PageQuery
from evalforge_api.store_reads import reads_on_caller
from evalforge_assets.review.service import ReviewService
from evalforge_assets.store import Store
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import auth, make_settings
from tests.api.test_signatures_api import failure, group, queue  # noqa: F401  (queue: the three-signature fixture)

VIEWER = auth("viewer")
REVIEWER = auth("reviewer")
POOL_THREAD = "AnyIO worker thread"  # the name anyio gives FastAPI's threadpool threads


def _record_threads(store: Store, monkeypatch: pytest.MonkeyPatch, *primitives: str) -> dict[str, set[str]]:
    """The names of the threads each store primitive ran on for captures and signatures, from now on (auth's
    rate-limit reservations write in a thread of their own and are left out)."""
    seen: dict[str, set[str]] = {name: set() for name in primitives}
    for name in primitives:
        original = getattr(store, name)

        def recorded(spec: Any, *args: Any, _name: str = name, _original: Any = original, **kwargs: Any) -> Any:
            if spec.name in ("captures", "signatures"):
                seen[_name].add(threading.current_thread().name)
            return _original(spec, *args, **kwargs)

        monkeypatch.setattr(store, name, recorded)
    return seen


def _read_everything(api: TestClient, signature_id: str, capture_id: str) -> None:
    for path, params in [("/v1/captures", {}), ("/v1/signatures", {"samples": 3}),
                         (f"/v1/captures/{capture_id}", {}), (f"/v1/signatures/{signature_id}", {"limit": 2})]:
        answer = api.get(path, params=params, headers=VIEWER)
        assert answer.status_code == 200, answer.text


def test_sqlite_file_reads_run_on_the_event_loop_and_writes_in_a_thread(
        api: TestClient, store: Store, queue: dict[str, str],  # noqa: F811  (the fixture imported above)
        monkeypatch: pytest.MonkeyPatch) -> None:
    expected_inline = isinstance(store, SqliteStore)  # the parametrized store: SQLite file or Firestore
    assert reads_on_caller(store) is expected_inline
    seen = _record_threads(store, monkeypatch, "_query", "_get_many", "_put_if_version")
    _read_everything(api, queue["Alpha"], "a1")
    read_threads = seen["_query"] | seen["_get_many"]
    assert read_threads
    assert (POOL_THREAD not in " ".join(read_threads)) is expected_inline, read_threads
    answer = api.patch("/v1/captures/a1", json={"assignee": "ana"}, headers=REVIEWER)
    assert answer.status_code == 200, answer.text
    assert seen["_put_if_version"] and all(name.startswith(POOL_THREAD) for name in seen["_put_if_version"])


def test_a_store_that_does_not_say_its_reads_never_wait_is_read_in_the_threadpool(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    in_memory = SqliteStore(":memory:")  # reads share the writers' connection and lock, so it says no
    try:
        assert reads_on_caller(in_memory) is False
        group(in_memory, [failure(f"a{i}", f"2026-01-15T10:{i:02d}:00.000000Z", "Alpha") for i in range(3)])
        signature_id = next(iter(in_memory.iter_signatures())).signature_id
        seen = _record_threads(in_memory, monkeypatch, "_query", "_get_many")
        with TestClient(create_app(make_settings(tmp_path), in_memory)) as api:
            _read_everything(api, signature_id, "a1")
        read_threads = seen["_query"] | seen["_get_many"]
        assert read_threads and all(name.startswith(POOL_THREAD) for name in read_threads), read_threads
    finally:
        in_memory.close()


def _route(router: Any, path: str, method: str) -> APIRoute:
    return next(r for r in router.routes if isinstance(r, APIRoute) and r.path == path and method in r.methods)


def _fastapi_body(route: APIRoute, model: Any) -> Any:
    return asyncio.run(serialize_response(field=route.response_field, response_content=model))


@pytest.mark.usefixtures("queue")
def test_detail_and_triage_bodies_are_what_fastapi_would_have_serialized(
        api: TestClient, store: Store, queue: dict[str, str]) -> None:  # noqa: F811  (the fixture above)
    review = ReviewService(store)
    cursors = api.app.state.cursors  # type: ignore[attr-defined]
    answer = api.get("/v1/captures/a1", headers=VIEWER)
    assert answer.status_code == 200 and answer.headers["content-type"] == "application/json"
    assert answer.json() == _fastapi_body(_route(captures.router, "/v1/captures/{capture_id}", "GET"),
                                          captures.capture_detail(review, "a1"))
    answer = api.get(f"/v1/signatures/{queue['Alpha']}", params={"limit": 2}, headers=VIEWER)
    assert answer.status_code == 200
    expected = signatures.signature_detail(queue["Alpha"], PageQuery(limit=2), store, review, cursors)
    body = answer.json()
    # The captures' next_cursor is signed anew for each answer; everything else must match exactly.
    assert body["captures"].pop("next_cursor") and expected.captures.next_cursor
    wanted = _fastapi_body(_route(signatures.router, "/v1/signatures/{signature_id}", "GET"), expected)
    wanted["captures"].pop("next_cursor")
    assert body == wanted
    answer = api.patch("/v1/captures/a2", json={"status": "triaged", "note": "seen"}, headers=REVIEWER)
    assert answer.status_code == 200, answer.text
    assert answer.json() == _fastapi_body(_route(captures.router, "/v1/captures/{capture_id}", "PATCH"),
                                          captures.capture_detail(review, "a2"))
    assert answer.json()["status"] == "triaged" and answer.json()["history"]

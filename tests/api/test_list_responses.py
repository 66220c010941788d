"""The list endpoints return their page as a serialized Response (evalforge_api.responses), skipping FastAPI's
validation of the returned model (a thread hop for a def route): their bodies must stay exactly what FastAPI's
own response path makes of the same page, for first and later pages, filters, windows and sample counts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, serialize_response
from fastapi.testclient import TestClient

from evalforge_api.cursors import CursorSigner
from evalforge_api.routes import captures, signatures
from evalforge_api.routes.captures import capture_filter, checked_cursor
from evalforge_api.routes.signatures import signature_page
from evalforge_api.schemas import CaptureListQuery, CaptureSummary, ListResponse, SignatureListQuery
from evalforge_assets.store import Store
from tests.api.conftest import auth
from tests.api.test_signatures_api import queue  # noqa: F401  (the three-signature fixture)

VIEWER = auth("viewer")
LISTS: list[tuple[str, dict[str, Any]]] = [
    ("/v1/captures", {}),
    ("/v1/captures", {"severity": "low,high", "limit": 2}),
    ("/v1/captures", {"from": "2026-01-15T10:00:00Z", "to": "2026-01-15T12:00:00Z", "limit": 3}),
    ("/v1/signatures", {"sort": "count", "samples": 3}),
    ("/v1/signatures", {"sort": "last_seen", "from": "2026-01-15T11:00:00Z", "limit": 1}),
    ("/v1/signatures", {"sort": "severity", "status": "new", "limit": 2}),
]


def _fastapi_body(app: FastAPI, path: str, params: dict[str, Any], store: Store) -> Any:
    """What FastAPI's response path (validate against response_model, then serialize) makes of the page."""
    routes = [*captures.router.routes, *signatures.router.routes]
    route = next(r for r in routes if isinstance(r, APIRoute) and r.path == path and "GET" in r.methods)
    cursors = app.state.cursors
    page = (_capture_page(CaptureListQuery.model_validate(params), store, cursors) if path == "/v1/captures"
            else signature_page(SignatureListQuery.model_validate(params), store, cursors))
    return asyncio.run(serialize_response(field=route.response_field, response_content=page))


def _capture_page(query: CaptureListQuery, store: Store, cursors: CursorSigner) -> ListResponse[CaptureSummary]:
    """The captures page built the plain way: whole validated captures from `Store.list_captures`, each summary
    made by `CaptureSummary.of` (the route serializes rows it remembers by stored text)."""
    page = store.list_captures(capture_filter(query), limit=query.limit,
                               cursor=checked_cursor(cursors.open(query.cursor)))
    return ListResponse[CaptureSummary](items=[CaptureSummary.of(c) for c in page.items],
                                        next_cursor=cursors.sign(page.next_cursor))


@pytest.mark.usefixtures("queue")
@pytest.mark.parametrize(("path", "params"), LISTS)
def test_list_bodies_are_what_fastapi_would_have_serialized(api: TestClient, store: Store, path: str,
                                                             params: dict[str, Any]) -> None:
    seen = 0
    while True:  # every page of the walk, so signed cursors are compared too
        answer = api.get(path, params=params, headers=VIEWER)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/json"
        body = answer.json()
        assert body == _fastapi_body(api.app, path, params, store)  # type: ignore[arg-type]
        seen += len(body["items"])
        if body["next_cursor"] is None:
            break
        params = {**params, "cursor": body["next_cursor"]}
    assert seen > 0  # the fixture's data reached the comparison

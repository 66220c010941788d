"""Error responses: every 4xx/5xx body says what was wrong and what to do, in one of two shapes.

- `{"detail": "sentence"}` for everything but validation (401, 403, 404, 409, 429, 502, 503, ...). Services
  raise domain errors (RecordNotFound: 404, ReviewError: 409); the handlers here turn them into answers, so
  routes only parse and call.
- `{"message": "sentence", "detail": [{"field": "query.limit", "reason": "..."}]}` for 422, naming each field.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, NoReturn

from fastapi import FastAPI, HTTPException, Request, status
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from evalforge_api.schemas import ErrorBody, ValidationErrorBody
from evalforge_assets.orchestration import DagsterRequestFailed, DagsterUnavailable
from evalforge_assets.review.rules import RecordNotFound, ReviewError
from evalforge_assets.store import InvalidCursor, StoreUnavailable
from evalforge_assets.store.base import VersionConflict

logger = logging.getLogger("evalforge.api")

_MAX_SHOWN_INPUT = 80

# Documented on every authenticated endpoint, so clients (and Schemathesis) know every answer they may get.
AUTH_RESPONSES: dict[int | str, dict[str, object]] = {
    400: {"model": ErrorBody, "description": "A cursor the list did not issue, or an unreadable body."},
    401: {"model": ErrorBody, "description": "No API key, or one that is not configured."},
    403: {"model": ErrorBody, "description": "The key's role is too low, or the API serves 127.0.0.1 only."},
    422: {"model": ValidationErrorBody, "description": "A parameter or body field is invalid; each named."},
    429: {"model": ErrorBody, "description": "The key's rate limit is used up, or too many wrong keys came from "
                                             "your address; see Retry-After.",
          "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}}},
    503: {"model": ErrorBody, "description": "The store is not reachable."},
}
NOT_FOUND: dict[int | str, dict[str, object]] = {404: {"model": ErrorBody, "description": "No such record."}}
CONFLICT: dict[int | str, dict[str, object]] = {
    409: {"model": ErrorBody, "description": "The change is not allowed from the record's current state."}}


def not_found(kind: str, identifier: str) -> NoReturn:
    raise HTTPException(status.HTTP_404_NOT_FOUND,
                        f"No {kind} with id {identifier!r} exists; list them at /v1/{kind}s to find valid "
                        "ids.")


def invalid_field(location: tuple[str, ...], reason: str, value: Any = None) -> NoReturn:
    """Reject one request field with the same 422 shape FastAPI's own validation produces."""
    raise RequestValidationError([{"type": "value_error", "loc": location, "msg": reason, "input": value}])


def field_name(location: Sequence[Any]) -> str:
    """`("query", "severity", 0)` -> `query.severity`; `("body", "items", 2, "id")` -> `body.items[2].id`.

    Query parameters are flattened lists (repeated or comma-separated), so their positions say nothing useful.
    """
    parts: list[str] = []
    for part in location:
        if isinstance(part, int):
            if location and location[0] != "query" and parts:
                parts[-1] += f"[{part}]"
            continue
        parts.append(str(part))
    return ".".join(parts) or "request"


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN_INPUT else text[:_MAX_SHOWN_INPUT] + "...'"


def field_reason(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "this endpoint has no such parameter or field; see /docs for the ones it takes"
    if kind == "missing":
        return "this field is required"
    if kind == "json_invalid":
        return f"the body is not valid JSON ({error.get('ctx', {}).get('error', 'parse error')})"
    reason = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    if "input" in error and error["input"] is not None and not isinstance(error["input"], dict):
        reason += f" (got {_shown(error['input'])})"
    return reason


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [{"field": field_name(error.get("loc", ())), "reason": field_reason(error)}
               for error in exc.errors()]
    names = ", ".join(dict.fromkeys(item["field"] for item in details))
    count = len(details)
    message = f"The request has {count} invalid field{'s' if count != 1 else ''}: {names}."
    return JSONResponse(status_code=status.HTTP_422_UNPROCESSABLE_CONTENT, content={"message": message,
                                                                                    "detail": details})


async def _invalid_cursor(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_400_BAD_REQUEST,
                        content={"detail": f"The cursor cannot be used: {exc}."})


async def _review_error(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)})


async def _version_conflict(_request: Request, exc: Exception) -> JSONResponse:
    # Another writer kept changing the record; the message names it and says to try again.
    return JSONResponse(status_code=status.HTTP_409_CONFLICT, content={"detail": str(exc)},
                        headers={"Retry-After": "1"})


async def _record_not_found(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_404_NOT_FOUND, content={"detail": str(exc)})


async def _store_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    logger.error("store unavailable", extra={"error": str(exc)})
    return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
                        content={"detail": f"The store is not reachable right now: {exc}"},
                        headers={"Retry-After": "30"})


async def _dagster_unavailable(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_503_SERVICE_UNAVAILABLE, content={"detail": str(exc)},
                        headers={"Retry-After": "30"})


async def _dagster_refused(_request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(status_code=status.HTTP_502_BAD_GATEWAY,
                        content={"detail": f"Dagster refused the request: {exc}"})


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code != status.HTTP_405_METHOD_NOT_ALLOWED:
        return await http_exception_handler(request, exc)
    # Starlette names only the methods of the first route on the path; a path served by several routes
    # (GET and PATCH /v1/captures/{id}) must list them all.
    allowed: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "__none__"})
        if match is not Match.NONE:
            allowed |= set(getattr(route, "methods", None) or ())
    methods = ", ".join(sorted(allowed))
    return JSONResponse(status_code=exc.status_code, headers={"Allow": methods},
                        content={"detail": f"{request.method} is not allowed on {request.url.path}; "
                                           f"it answers {methods}."})


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(InvalidCursor, _invalid_cursor)
    app.add_exception_handler(ReviewError, _review_error)
    app.add_exception_handler(RecordNotFound, _record_not_found)
    app.add_exception_handler(VersionConflict, _version_conflict)
    app.add_exception_handler(StoreUnavailable, _store_unavailable)
    app.add_exception_handler(DagsterUnavailable, _dagster_unavailable)
    app.add_exception_handler(DagsterRequestFailed, _dagster_refused)

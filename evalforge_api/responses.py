"""A response model serialized by the route itself, for the hot list endpoints.

When a plain `def` route returns a model, FastAPI validates it against `response_model` with
`run_in_threadpool`: one more thread hop per request, after the one that ran the route (the serialization
itself is already pydantic-core's `dump_json`). A route that returns a `Response` skips that step. The list
routes build their page as the very model they declare as `response_model` (which still drives /docs and the
OpenAPI schema), so the body is the same and the validation had nothing to check.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel
from pydantic_core import to_json


def model_json_response(model: BaseModel) -> Response:
    """`model` as an application/json response, serialized by pydantic-core as FastAPI would (by alias)."""
    return Response(content=model.model_dump_json(by_alias=True), media_type="application/json")


def list_json_response(items: list[bytes], next_cursor: str | None) -> Response:
    """A `ListResponse` whose items are serialized already (each as the model the route declares): the same
    bytes `model_json_response` gives for the page built as a model (tests/api/test_capture_row_memo.py)."""
    body = b"".join((b'{"items":[', b",".join(items), b'],"next_cursor":', to_json(next_cursor), b"}"))
    return Response(content=body, media_type="application/json")

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


def model_json_response(model: BaseModel) -> Response:
    """`model` as an application/json response, serialized by pydantic-core as FastAPI would (by alias)."""
    return Response(content=model.model_dump_json(by_alias=True), media_type="application/json")

"""A response model serialized once, for the hot list endpoints.

FastAPI answers a returned model by dumping it to Python objects, validating those against `response_model`
and serializing the result, so a page is walked three times. The list routes build their page as the very
model they declare as `response_model` (which still drives /docs and the OpenAPI schema), so serializing it
straight to JSON bytes gives the same body for less CPU per request.
"""

from __future__ import annotations

from fastapi import Response
from pydantic import BaseModel


def model_json_response(model: BaseModel) -> Response:
    """`model` as an application/json response, serialized by pydantic-core as FastAPI would (by alias)."""
    return Response(content=model.model_dump_json(by_alias=True), media_type="application/json")

"""Schemas written into the OpenAPI document by hand (`openapi_extra`), in a form the document can resolve."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


def self_contained_schema(model: type[BaseModel]) -> dict[str, Any]:
    """`model`'s JSON schema with every `#/$defs/...` reference replaced by the definition it names.

    For a schema put into the OpenAPI document by hand (`openapi_extra`): there a `#/$defs/...` reference is
    resolved against the document's root, where pydantic's `$defs` are not, so clients and Schemathesis could
    not read the body's nested models. The models given here are not recursive."""
    schema = model.model_json_schema()
    definitions = schema.pop("$defs", {})

    def inline(node: Any) -> Any:
        if isinstance(node, dict):
            reference = node.get("$ref")
            if isinstance(reference, str) and reference.startswith("#/$defs/"):
                return inline(definitions[reference.removeprefix("#/$defs/")])
            return {key: inline(value) for key, value in node.items()}
        if isinstance(node, list):
            return [inline(item) for item in node]
        return node

    return inline(schema)

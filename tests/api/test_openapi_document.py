"""The OpenAPI document clients and generators read: every reference in it resolves inside the document."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient


def references(node: Any) -> list[str]:
    if isinstance(node, dict):
        found = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return found + [ref for value in node.values() for ref in references(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in references(item)]
    return []


def resolve(document: dict[str, Any], reference: str) -> Any:
    assert reference.startswith("#/"), f"{reference} points outside the document"
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        assert isinstance(node, dict) and part in node, f"{reference} does not resolve (no {part!r})"
        node = node[part]
    return node


def test_every_reference_in_the_openapi_document_resolves(api: TestClient) -> None:
    document = api.get("/openapi.json").json()
    found = references(document)
    assert any(ref.startswith("#/components/schemas/") for ref in found)  # the walk does see references
    for reference in found:
        resolve(document, reference)


def test_the_alertmanager_body_documents_its_alerts_inline(api: TestClient) -> None:
    body = api.get("/openapi.json").json()["paths"]["/v1/alerts/alertmanager"]["post"]["requestBody"]
    schema = body["content"]["application/json"]["schema"]
    alert = schema["properties"]["alerts"]["items"]
    assert alert["properties"]["status"]["enum"] == ["firing", "resolved"]
    assert "$defs" not in schema

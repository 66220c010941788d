"""LLM Observability projects, datasets and dataset records for the Datadog test double.

Registered on a `DatadogDouble` through its route registry (`register_llm_obs_dataset_routes`), with state kept
on the double and cleared by its `reset()`. Shapes follow Datadog's OpenAPI spec (tests validate both sides of
every exchange against it). Where the spec is silent the double is deliberately strict, so client mistakes
show up here rather than in production:

- `filter[name]` matches case-insensitively as a substring (Datadog does not document exact matching), so a
  client must still compare names itself;
- creating a project whose name exists answers 200 with the existing project (documented); creating a
  dataset whose name exists in the project is refused with 400 (undocumented: a client that creates
  duplicates fails here);
- listings are newest first and paged with `page[limit]` / `page[cursor]`, `meta.after` null on the last page;
- `deduplicate` (default true) skips appended records whose input and expected output equal an existing one's.
"""

from __future__ import annotations

import base64
import itertools
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.doubles.datadog_double import DatadogDouble, DoubleHTTPError, DoubleRequest, DoubleResponse, Route

PROJECTS_PATH = "/api/v2/llm-obs/v1/projects"
DATASETS_PATH = "/api/v2/llm-obs/v1/{project_id}/datasets"
RECORDS_PATH = "/api/v2/llm-obs/v1/{project_id}/datasets/{dataset_id}/records"
DEFAULT_PAGE_LIMIT = 100
MAX_PAGE_LIMIT = 1000


@dataclass
class LLMObsDatasets:
    """The double's projects, datasets and records; tests read it to assert on what was stored."""

    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    datasets: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> dataset incl. project_id
    records: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # dataset id -> records
    _clock: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    def clear(self) -> None:
        self.projects.clear()
        self.datasets.clear()
        self.records.clear()

    def timestamp(self) -> str:
        # Strictly increasing, so "newest first" is well defined even within one millisecond.
        moment = datetime(2026, 1, 1, tzinfo=UTC).timestamp() + next(self._clock)
        return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def dataset_named(self, name: str) -> dict[str, Any] | None:
        return next((d for d in self.datasets.values() if d["name"] == name), None)

    def records_of(self, name: str) -> list[dict[str, Any]]:
        dataset = self.dataset_named(name)
        return list(self.records.get(dataset["id"], [])) if dataset else []


def register_llm_obs_dataset_routes(double: DatadogDouble) -> LLMObsDatasets:
    """Add the project/dataset/record operations to `double` (once) and return their state."""
    existing = getattr(double, "llm_obs_datasets", None)
    if isinstance(existing, LLMObsDatasets):
        return existing
    state = LLMObsDatasets()
    double.llm_obs_datasets = state  # type: ignore[attr-defined]
    double.on_reset(state.clear)
    routes = (
        ("list_llm_obs_projects", "GET", PROJECTS_PATH, _list_projects),
        ("create_llm_obs_project", "POST", PROJECTS_PATH, _create_project),
        ("list_llm_obs_datasets", "GET", DATASETS_PATH, _list_datasets),
        ("create_llm_obs_dataset", "POST", DATASETS_PATH, _create_dataset),
        ("list_llm_obs_dataset_records", "GET", RECORDS_PATH, _list_records),
        ("create_llm_obs_dataset_records", "POST", RECORDS_PATH, _create_records),
    )
    for operation, method, path, handler in routes:
        double.add_route(Route(operation, method, path,
                               lambda request, handler=handler: _locked(double, state, handler, request)))
    return state


def _locked(double: DatadogDouble, state: LLMObsDatasets, handler: Any, request: DoubleRequest) -> DoubleResponse:
    with double.lock:
        return handler(state, request)


# -- helpers -------------------------------------------------------------------------------------------------
def _body(request: DoubleRequest, resource_type: str) -> dict[str, Any]:
    try:
        payload = request.recorded.json()
    except ValueError:
        raise DoubleHTTPError(400, "Bad Request", "The request body is not valid JSON.") from None
    data = payload.get("data") if isinstance(payload, dict) else None
    if not isinstance(data, dict) or data.get("type") != resource_type or not isinstance(data.get("attributes"), dict):
        raise DoubleHTTPError(400, "Bad Request",
                              f'The body must be {{"data": {{"type": "{resource_type}", "attributes": {{...}}}}}}.')
    return data["attributes"]


def _page(request: DoubleRequest, items: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], str | None]:
    query = request.recorded.query_dict()
    try:
        limit = int(query.get("page[limit]") or DEFAULT_PAGE_LIMIT)
    except ValueError:
        raise DoubleHTTPError(400, "Bad Request", "page[limit] must be an integer.", "page[limit]") from None
    if not 1 <= limit <= MAX_PAGE_LIMIT:
        raise DoubleHTTPError(400, "Bad Request", f"page[limit] must be 1 to {MAX_PAGE_LIMIT}.", "page[limit]")
    offset = 0
    if query.get("page[cursor]"):
        try:
            cursor = query["page[cursor]"]
            offset = int(json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))))
        except (ValueError, TypeError):
            raise DoubleHTTPError(400, "Bad Request", "page[cursor] is not a cursor this API issued.",
                                  "page[cursor]") from None
    page = items[offset:offset + limit]
    end = offset + len(page)
    after = base64.urlsafe_b64encode(json.dumps(end).encode()).decode().rstrip("=") if end < len(items) else None
    return page, after


def _newest_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(items, key=lambda item: (item["created_at"], item["id"]), reverse=True)


def _name_filter(request: DoubleRequest, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    query = request.recorded.query_dict()
    if query.get("filter[id]"):
        items = [item for item in items if item["id"] == query["filter[id]"]]
    wanted = (query.get("filter[name]") or "").lower()
    return [item for item in items if wanted in item["name"].lower()]


def _project_json(project: dict[str, Any]) -> dict[str, Any]:
    return {"id": project["id"], "type": "projects",
            "attributes": {key: project[key] for key in ("name", "description", "created_at", "updated_at")}}


def _dataset_json(dataset: dict[str, Any]) -> dict[str, Any]:
    keys = ("name", "description", "metadata", "current_version", "created_at", "updated_at")
    return {"id": dataset["id"], "type": "datasets", "attributes": {key: dataset[key] for key in keys}}


def _project(state: LLMObsDatasets, request: DoubleRequest) -> dict[str, Any]:
    project = state.projects.get(request.path_params["project_id"])
    if project is None:
        raise DoubleHTTPError(404, "Not Found", f"Project {request.path_params['project_id']} does not exist.")
    return project


def _dataset(state: LLMObsDatasets, request: DoubleRequest) -> dict[str, Any]:
    project = _project(state, request)
    dataset = state.datasets.get(request.path_params["dataset_id"])
    if dataset is None or dataset["project_id"] != project["id"]:
        raise DoubleHTTPError(404, "Not Found",
                              f"Dataset {request.path_params['dataset_id']} does not exist in this project.")
    return dataset


# -- handlers ------------------------------------------------------------------------------------------------
def _list_projects(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    items, after = _page(request, _newest_first(_name_filter(request, list(state.projects.values()))))
    return DoubleResponse(200, {"data": [_project_json(p) for p in items], "meta": {"after": after}})


def _create_project(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    attributes = _body(request, "projects")
    name = attributes.get("name")
    if not isinstance(name, str) or not name:
        raise DoubleHTTPError(400, "Bad Request", "attributes.name is required.")
    existing = next((p for p in state.projects.values() if p["name"] == name), None)
    if existing is not None:
        return DoubleResponse(200, {"data": _project_json(existing)})
    now = state.timestamp()
    project = {"id": str(uuid.uuid4()), "name": name, "description": attributes.get("description", ""),
               "created_at": now, "updated_at": now}
    state.projects[project["id"]] = project
    return DoubleResponse(201, {"data": _project_json(project)})


def _list_datasets(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    project = _project(state, request)
    mine = [d for d in state.datasets.values() if d["project_id"] == project["id"]]
    items, after = _page(request, _newest_first(_name_filter(request, mine)))
    return DoubleResponse(200, {"data": [_dataset_json(d) for d in items], "meta": {"after": after}})


def _create_dataset(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    project = _project(state, request)
    attributes = _body(request, "datasets")
    name = attributes.get("name")
    if not isinstance(name, str) or not name:
        raise DoubleHTTPError(400, "Bad Request", "attributes.name is required.")
    if any(d["name"] == name and d["project_id"] == project["id"] for d in state.datasets.values()):
        raise DoubleHTTPError(400, "Bad Request", f"A dataset named {name!r} already exists in this project.")
    now = state.timestamp()
    dataset = {"id": str(uuid.uuid4()), "project_id": project["id"], "name": name,
               "description": attributes.get("description", ""), "metadata": attributes.get("metadata") or {},
               "current_version": 0, "created_at": now, "updated_at": now}
    state.datasets[dataset["id"]] = dataset
    state.records[dataset["id"]] = []
    return DoubleResponse(201, {"data": _dataset_json(dataset)})


def _list_records(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    dataset = _dataset(state, request)
    items, after = _page(request, _newest_first(state.records[dataset["id"]]))
    return DoubleResponse(200, {"data": items, "meta": {"after": after}})


def _create_records(state: LLMObsDatasets, request: DoubleRequest) -> DoubleResponse:
    dataset = _dataset(state, request)
    attributes = _body(request, "records")
    records = attributes.get("records")
    if not isinstance(records, list) or not all(isinstance(r, dict) and "input" in r for r in records):
        raise DoubleHTTPError(400, "Bad Request", "attributes.records must be a list of records, each with input.")
    stored = state.records[dataset["id"]]
    deduplicate = attributes.get("deduplicate", True)
    added: list[dict[str, Any]] = []
    for record in records:
        if deduplicate and any(r["input"] == record["input"] and r["expected_output"] == record.get("expected_output")
                               for r in stored):
            continue
        now = state.timestamp()
        added.append({"id": f"rec-{uuid.uuid4()}", "dataset_id": dataset["id"], "input": record["input"],
                      "expected_output": record.get("expected_output"), "metadata": record.get("metadata") or {},
                      "created_at": now, "updated_at": now})
    stored.extend(added)
    if added:
        dataset["current_version"] += 1
        dataset["updated_at"] = state.timestamp()
    return DoubleResponse(200, {"data": [{"records": added}]})


# -- pytest fixture ------------------------------------------------------------------------------------------
@pytest.fixture
def datadog_datasets(datadog_double: DatadogDouble) -> LLMObsDatasets:
    """The running double with the dataset routes registered and no projects, datasets or records."""
    return register_llm_obs_dataset_routes(datadog_double)

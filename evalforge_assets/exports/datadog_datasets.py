"""Eval cases into Datadog LLM Observability datasets, idempotently.

In Datadog, a dataset belongs to a project (`/api/v2/llm-obs/v1/{project_id}/datasets`), so publishing is:
find or create the project by name, find or create one dataset per ML app by name, list the records already
there, and append only the cases whose stable key (`metadata.evalforge_case_id`) is not among them. Running
the same export twice therefore adds nothing the second time.

Every call goes through `datadog-api-client`'s `AgentObservabilityApi` (all of these operations are
"unstable" there and are opted into explicitly). Responses are read as raw JSON rather than the client's
models: records hold arbitrary JSON (`AnyValue`), which the generated models do not round-trip reliably.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import urllib3
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.agent_observability_api import AgentObservabilityApi
from datadog_api_client.v2.model.llm_obs_dataset_data_attributes_request import (
    LLMObsDatasetDataAttributesRequest,
)
from datadog_api_client.v2.model.llm_obs_dataset_data_request import LLMObsDatasetDataRequest
from datadog_api_client.v2.model.llm_obs_dataset_record_item import LLMObsDatasetRecordItem
from datadog_api_client.v2.model.llm_obs_dataset_records_data_attributes_request import (
    LLMObsDatasetRecordsDataAttributesRequest,
)
from datadog_api_client.v2.model.llm_obs_dataset_records_data_request import LLMObsDatasetRecordsDataRequest
from datadog_api_client.v2.model.llm_obs_dataset_records_request import LLMObsDatasetRecordsRequest
from datadog_api_client.v2.model.llm_obs_dataset_request import LLMObsDatasetRequest
from datadog_api_client.v2.model.llm_obs_dataset_type import LLMObsDatasetType
from datadog_api_client.v2.model.llm_obs_project_data_attributes_request import (
    LLMObsProjectDataAttributesRequest,
)
from datadog_api_client.v2.model.llm_obs_project_data_request import LLMObsProjectDataRequest
from datadog_api_client.v2.model.llm_obs_project_request import LLMObsProjectRequest
from datadog_api_client.v2.model.llm_obs_project_type import LLMObsProjectType
from datadog_api_client.v2.model.llm_obs_record_type import LLMObsRecordType

from evalforge_assets.datadog_client import DatadogConnection, open_api_client
from evalforge_assets.exports.artifacts import EvalCase
from evalforge_assets.exports.delivery import DeliveryError, PermanentDeliveryError
from evalforge_assets.models import Artifact, Destination

log = logging.getLogger("evalforge.exports.datadog")

DATASET_OPERATIONS = (
    "list_llm_obs_projects",
    "create_llm_obs_project",
    "list_llm_obs_datasets",
    "create_llm_obs_dataset",
    "list_llm_obs_dataset_records",
    "create_llm_obs_dataset_records",
)
RECORD_KEY = "evalforge_case_id"
_RETRYABLE_STATUSES = frozenset({408, 429})
_ERROR_EXCERPT_CHARS = 300


def dataset_name_for(prefix: str, ml_app: str) -> str:
    """One dataset per ML app, so a team runs its experiments against its own application's cases."""
    return f"{prefix}-{ml_app}"


def dataset_record(case: EvalCase) -> LLMObsDatasetRecordItem:
    """A case as a dataset record; `metadata.evalforge_case_id` is the key re-exports are matched on."""
    meta = case.metadata
    return LLMObsDatasetRecordItem(
        input={"messages": [message.model_dump() for message in case.messages]},
        expected_output={"expected": case.expected, "criteria": list(case.criteria)},
        metadata={
            RECORD_KEY: case.case_id, "capture_id": case.capture_id, "signature_id": meta.signature_id,
            "failure_kind": meta.failure_kind.value, "severity": meta.severity.value, "agent": meta.agent,
            "span_name": meta.span_name, "error_type": meta.error_type, "failed_output": case.failed_output,
            "source_url": meta.source_url, "trace_id": meta.trace_id, "span_id": meta.span_id,
            "occurred_at": meta.occurred_at, "generator": meta.generator,
        },
    )


@dataclass(frozen=True)
class PublishedDataset:
    project_id: str
    dataset_id: str
    name: str
    dataset_created: bool
    records_created: int
    records_skipped: int

    def artifact(self) -> Artifact:
        return Artifact(
            destination=Destination.eval_dataset, kind="datadog_dataset",
            location=f"datadog://llm-obs/projects/{self.project_id}/datasets/{self.dataset_id}",
            count=self.records_created + self.records_skipped, dataset_name=self.name,
            records_created=self.records_created, records_skipped=self.records_skipped,
        )


class DatadogDatasetPublisher:
    """Publishes eval cases to `<dataset_prefix>-<ml_app>` datasets in the project `project_name`."""

    def __init__(self, connection: DatadogConnection, *, project_name: str = "evalforge",
                 dataset_prefix: str = "evalforge", page_size: int = 100, batch_size: int = 100,
                 client_factory: Callable[[], ApiClient] | None = None) -> None:
        self.connection = connection
        self.project_name = project_name
        self.dataset_prefix = dataset_prefix
        self.page_size = page_size
        self.batch_size = batch_size
        self._client_factory = client_factory or (
            lambda: open_api_client(connection, unstable_operations=DATASET_OPERATIONS, raw_responses=True))

    def __repr__(self) -> str:
        return f"DatadogDatasetPublisher(project={self.project_name!r}, connection={self.connection!r})"

    def publish(self, cases: Sequence[EvalCase]) -> list[Artifact]:
        """Append the cases not yet in their app's dataset; one artifact per dataset touched."""
        by_app: dict[str, dict[str, EvalCase]] = {}
        for case in cases:
            by_app.setdefault(case.metadata.ml_app, {})[case.case_id] = case
        if not by_app:
            return []
        with self._client_factory() as client:
            api = AgentObservabilityApi(client)
            project_id = self._project_id(api)
            published = [self._publish_app(api, project_id, app, list(app_cases.values()))
                         for app, app_cases in sorted(by_app.items())]
        return [dataset.artifact() for dataset in published]

    def _publish_app(self, api: AgentObservabilityApi, project_id: str, ml_app: str,
                     cases: list[EvalCase]) -> PublishedDataset:
        name = dataset_name_for(self.dataset_prefix, ml_app)
        dataset_id, created = self._dataset_id(api, project_id, name, ml_app)
        present = set() if created else self._existing_keys(api, project_id, dataset_id)
        missing = [case for case in sorted(cases, key=lambda c: c.case_id) if case.case_id not in present]
        appended = 0
        for start in range(0, len(missing), self.batch_size):
            batch = missing[start:start + self.batch_size]
            # Datadog's own de-duplication compares content, and two captures can share an input and an
            # expected behaviour (the same question failing twice): each is still its own case. Records
            # already present are skipped above, by case id, so Datadog's is switched off.
            body = LLMObsDatasetRecordsRequest(data=LLMObsDatasetRecordsDataRequest(
                type=LLMObsRecordType.RECORDS,
                attributes=LLMObsDatasetRecordsDataAttributesRequest(
                    records=[dataset_record(case) for case in batch], deduplicate=False)))
            answer = self._call("append records to", name,
                                lambda body=body: api.create_llm_obs_dataset_records(project_id, dataset_id, body))
            appended += sum(len(item.get("records") or []) for item in answer.get("data") or [])
        if appended != len(missing):
            log.warning("datadog stored a different number of records than sent",
                        extra={"dataset": name, "sent": len(missing), "stored": appended})
        log.info("eval cases published to datadog", extra={
            "dataset": name, "dataset_id": dataset_id, "records_created": appended,
            "records_skipped": len(cases) - len(missing)})
        return PublishedDataset(project_id, dataset_id, name, created, appended, len(cases) - len(missing))

    # -- project and dataset ---------------------------------------------------------------------------------
    def _project_id(self, api: AgentObservabilityApi) -> str:
        for project in self._pages("list projects", self.project_name,
                                   lambda cursor: api.list_llm_obs_projects(**_paging(
                                       self.page_size, cursor, filter_name=self.project_name))):
            if project.get("attributes", {}).get("name") == self.project_name:
                return str(project["id"])
        body = LLMObsProjectRequest(data=LLMObsProjectDataRequest(
            type=LLMObsProjectType.PROJECTS,
            attributes=LLMObsProjectDataAttributesRequest(
                name=self.project_name, description="Eval cases exported by Evalforge from production failures.")))
        answer = self._call("create the project", self.project_name, lambda: api.create_llm_obs_project(body))
        return str(answer["data"]["id"])

    def _dataset_id(self, api: AgentObservabilityApi, project_id: str, name: str,
                    ml_app: str) -> tuple[str, bool]:
        for dataset in self._pages("list datasets", name, lambda cursor: api.list_llm_obs_datasets(
                project_id, **_paging(self.page_size, cursor, filter_name=name))):
            if dataset.get("attributes", {}).get("name") == name:
                return str(dataset["id"]), False
        body = LLMObsDatasetRequest(data=LLMObsDatasetDataRequest(
            type=LLMObsDatasetType.DATASETS,
            attributes=LLMObsDatasetDataAttributesRequest(
                name=name, description=f"Evalforge eval cases for {ml_app}: one record per exported failure.",
                metadata={"source": "evalforge", "ml_app": ml_app, "record_key": f"metadata.{RECORD_KEY}"})))
        answer = self._call("create the dataset", name, lambda: api.create_llm_obs_dataset(project_id, body))
        return str(answer["data"]["id"]), True

    def _existing_keys(self, api: AgentObservabilityApi, project_id: str, dataset_id: str) -> set[str]:
        keys: set[str] = set()
        for record in self._pages("list records of", dataset_id, lambda cursor: api.list_llm_obs_dataset_records(
                project_id, dataset_id, **_paging(self.page_size, cursor))):
            key = (record.get("metadata") or {}).get(RECORD_KEY)
            if isinstance(key, str):
                keys.add(key)
        return keys

    # -- transport ----------------------------------------------------------------------------------------------
    def _pages(self, what: str, name: str, fetch: Callable[[str | None], Any]) -> Iterator[dict[str, Any]]:
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page = self._call(what, name, lambda cursor=cursor: fetch(cursor))
            yield from page.get("data") or []
            cursor = ((page.get("meta") or {}).get("after")) or None
            if cursor is None or cursor in seen:
                return
            seen.add(cursor)  # a server repeating a cursor must not make this loop forever

    def _call(self, what: str, name: str, request: Callable[[], Any]) -> dict[str, Any]:
        try:
            response = request()
        except ApiException as error:
            raise _api_error(what, name, error, self.connection.base_url) from error
        except urllib3.exceptions.HTTPError as error:
            raise DeliveryError(f"Datadog ({self.connection.base_url}) gave no answer when asked to {what} "
                                f"{name!r}: {type(error).__name__}: {error}") from error
        try:
            return json.loads(response.data)
        except (ValueError, AttributeError) as error:
            raise DeliveryError(f"Datadog answered the request to {what} {name!r} with something that is not "
                                f"JSON: {error}") from error


def _paging(limit: int, cursor: str | None, **filters: str) -> dict[str, Any]:
    arguments: dict[str, Any] = {"page_limit": limit, **filters}
    if cursor:
        arguments["page_cursor"] = cursor
    return arguments


def _api_error(what: str, name: str, error: ApiException, base_url: str) -> DeliveryError:
    body = error.body if isinstance(error.body, str) else json.dumps(error.body) if error.body else ""
    described = f"Datadog ({base_url}) refused to {what} {name!r}: HTTP {error.status}" + \
        (f": {body[:_ERROR_EXCERPT_CHARS]}" if body else "")
    status = error.status or 0
    if status >= 500 or status in _RETRYABLE_STATUSES:
        return DeliveryError(described)
    if status in (401, 403):
        return PermanentDeliveryError(described + ". Check DD_API_KEY and DD_APP_KEY, and that the application "
                                                  "key may write LLM Observability datasets.")
    return PermanentDeliveryError(described)

"""Talking to a running Dagster webserver over GraphQL (plain httpx: the API uses this without importing Dagster)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx

from evalforge_assets.models import PendingRequest

LOCATION_NAME = "evalforge"
REPOSITORY_NAME = "__repository__"

_LAUNCH_BACKFILL = """
mutation LaunchBackfill($params: LaunchBackfillParams!) {
  launchPartitionBackfill(backfillParams: $params) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
    ... on UnauthorizedError { message }
    ... on PartitionSetNotFoundError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { invalidOutputName }
    ... on RunConflict { message }
    ... on NoModeProvidedError { message }
    ... on InvalidSubsetError { message }
    ... on ConflictingExecutionParamsError { message }
    ... on PresetNotFoundError { message }
    ... on RunConfigValidationInvalid { errors { message } }
  }
}"""

_LAUNCH_RUN = """
mutation LaunchRun($params: ExecutionParams!) {
  launchRun(executionParams: $params) {
    __typename
    ... on LaunchRunSuccess { run { runId } }
    ... on PythonError { message }
    ... on RunConfigValidationInvalid { errors { message } }
    ... on InvalidSubsetError { message }
    ... on JobNotFoundError { message }
    ... on RunConflict { message }
    ... on UnauthorizedError { message }
    ... on ConflictingExecutionParamsError { message }
    ... on PresetNotFoundError { message }
    ... on NoModeProvidedError { message }
    ... on InvalidStepError { invalidStepKey }
    ... on InvalidOutputError { invalidOutputName }
  }
}"""


class DagsterUnavailable(RuntimeError):
    """The Dagster webserver did not answer; the message says where it was looked for."""


class DagsterRequestFailed(RuntimeError):
    """Dagster answered but refused the request; the message carries Dagster's own reason."""


class DagsterClient:
    def __init__(self, url: str, timeout: float = 10.0, transport: httpx.BaseTransport | None = None) -> None:
        """`transport` replaces the network (tests pass an `httpx.MockTransport` speaking Dagster's GraphQL)."""
        self.url = url.rstrip("/")
        self._timeout = timeout
        self._transport = transport

    def _graphql(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            with httpx.Client(transport=self._transport, timeout=self._timeout) as client:
                response = client.post(f"{self.url}/graphql", json={"query": query, "variables": variables})
        except httpx.HTTPError as exc:
            raise DagsterUnavailable(
                f"Dagster is not reachable at {self.url} ({exc.__class__.__name__}). Start it with "
                "`evalforge up` or point EVALFORGE_DAGSTER_URL at the webserver."
            ) from exc
        if response.status_code != 200:
            raise DagsterUnavailable(f"Dagster at {self.url} answered HTTP {response.status_code} to a GraphQL call.")
        body = response.json()
        if body.get("errors"):
            raise DagsterRequestFailed("; ".join(e.get("message", str(e)) for e in body["errors"]))
        return body["data"]

    def ping(self) -> str:
        """Dagster's version, or DagsterUnavailable."""
        return self._graphql("{ version }", {})["version"]

    def launch_backfill(self, asset_keys: Sequence[str], partition_keys: Sequence[str], title: str) -> str:
        """Launch an asset backfill (shown under Backfills in the UI) and return its id."""
        params = {
            "assetSelection": [{"path": key.split("/")} for key in asset_keys],
            "partitionNames": list(partition_keys),
            "title": title,
            "fromFailure": False,
        }
        result = self._graphql(_LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        if result["__typename"] != "LaunchBackfillSuccess":
            raise DagsterRequestFailed(f"Dagster refused the backfill ({result['__typename']}): {_reason(result)}")
        return result["backfillId"]

    def launch_run(self, job_name: str, tags: dict[str, str] | None = None,
                   run_config: dict[str, Any] | None = None) -> str:
        """Submit a run of a job in the evalforge location; partitions travel as dagster/partition tags."""
        params = {
            "selector": {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                         "jobName": job_name},
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
            "runConfigData": run_config or {},
        }
        result = self._graphql(_LAUNCH_RUN, {"params": params})["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise DagsterRequestFailed(f"Dagster refused the run of {job_name} ({result['__typename']}): "
                                       f"{_reason(result)}")
        return result["run"]["runId"]


def _reason(result: dict[str, Any]) -> str:
    if "errors" in result:
        return "; ".join(e["message"] for e in result["errors"])
    return str(result.get("message") or {k: v for k, v in result.items() if k != "__typename"})


def validation_run_launcher(client: DagsterClient) -> Callable[[PendingRequest], str | None]:
    """Launch a requested validation run right away; None (the sensor takes over) when Dagster refuses."""

    def launch(request: PendingRequest) -> str | None:
        try:
            return client.launch_run(
                "validation_job",
                tags={"dagster/partition": request.payload["incident_id"], "evalforge/request": request.request_id},
                run_config={"ops": {"validation_runs": {"config": {"run_id": request.payload["run_id"]}}}},
            )
        except (DagsterUnavailable, DagsterRequestFailed):
            return None

    return launch

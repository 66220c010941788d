"""How a request becomes a Dagster run, and talking to a running Dagster webserver over GraphQL (plain httpx:
the API uses this without importing Dagster).

One mechanism for every request (incident, validation run, export): the API or a detector records a
`PendingRequest`; `run_spec` says which run serves it (job, partition, run key = request id, the request tag);
the request sensors in defs/ turn pending requests into those runs, and the API may launch the same run at
once through `launch_request` (same run key and tag, so the sensor sees it and does not launch a second);
the run itself closes its request with `close_request` when it finishes. A request is never marked as
launched before Dagster has the run.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import httpx
from pydantic import BaseModel, Field

from evalforge_assets.models import PendingRequest, RequestKind, now_iso
from evalforge_assets.store import Store

LOCATION_NAME = "evalforge"
REPOSITORY_NAME = "__repository__"
# Every run that serves a request carries its id under this tag (and as its run key).
REQUEST_TAG = "evalforge/request"
PARTITION_TAG = "dagster/partition"
# Requests still open: recorded (pending) or, for an API that marks its own direct launches, launching/launched.
OPEN_REQUEST_STATUSES = ("pending", "launching", "launched")

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
    ... on PipelineNotFoundError { message }
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
            "assetSelection": _asset_selection(asset_keys),
            "partitionNames": list(partition_keys),
            "title": title,
            "fromFailure": False,
        }
        result = self._graphql(_LAUNCH_BACKFILL, {"params": params})["launchPartitionBackfill"]
        if result["__typename"] != "LaunchBackfillSuccess":
            raise DagsterRequestFailed(f"Dagster refused the backfill ({result['__typename']}): {_reason(result)}")
        return result["backfillId"]

    def launch_run(self, job_name: str, tags: dict[str, str] | None = None,
                   run_config: dict[str, Any] | None = None, asset_keys: Sequence[str] | None = None) -> str:
        """Submit a run of a job in the evalforge location; partitions travel as dagster/partition tags.
        `asset_keys` (e.g. ["war_room"]) materializes only those assets of the job, as a re-execution of one
        step does; None runs the whole job."""
        selector: dict[str, Any] = {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                                    "jobName": job_name}
        if asset_keys is not None:
            selector["assetSelection"] = _asset_selection(asset_keys)
        params = {
            "selector": selector,
            "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
            "runConfigData": run_config or {},
        }
        result = self._graphql(_LAUNCH_RUN, {"params": params})["launchRun"]
        if result["__typename"] != "LaunchRunSuccess":
            raise DagsterRequestFailed(f"Dagster refused the run of {job_name} ({result['__typename']}): "
                                       f"{_reason(result)}")
        return result["run"]["runId"]


def _asset_selection(asset_keys: Sequence[str]) -> list[dict[str, list[str]]]:
    # GraphQL takes an asset key as its path parts; evalforge names nested keys with "/".
    return [{"path": key.split("/")} for key in asset_keys]


def _reason(result: dict[str, Any]) -> str:
    if "errors" in result:
        return "; ".join(e["message"] for e in result["errors"])
    return str(result.get("message") or {k: v for k, v in result.items() if k != "__typename"})


class RunSpec(BaseModel):
    """The run that serves one request."""

    request_id: str
    job_name: str
    partition_key: str
    partitions_name: str = Field(description="The dynamic partitions the partition key must exist in.")
    tags: dict[str, str]
    run_config: dict[str, Any] = Field(default_factory=dict)

    @property
    def run_key(self) -> str:
        return self.request_id


def run_spec(request: PendingRequest) -> RunSpec:
    """The one mapping from a request to its run; the sensors and the API's direct launch both use it.

    Raises ValueError for a request kind no run serves (webhook events are recorded, not run)."""
    tags = {REQUEST_TAG: request.request_id}
    payload = request.payload
    if request.kind is RequestKind.incident:
        return RunSpec(request_id=request.request_id, job_name="incident_job", partitions_name="incidents",
                       partition_key=str(payload["incident_id"]), tags=tags)
    if request.kind is RequestKind.test_run:
        return RunSpec(request_id=request.request_id, job_name="validation_job", partitions_name="incidents",
                       partition_key=str(payload["incident_id"]), tags=tags,
                       run_config={"ops": {"validation_runs": {"config": {"run_id": payload["run_id"]}}}})
    if request.kind is RequestKind.export:
        return RunSpec(request_id=request.request_id, job_name="export_job", partitions_name="exports",
                       partition_key=str(payload["export_id"]),
                       tags={**tags, "evalforge/export_id": str(payload["export_id"])})
    raise ValueError(f"No Dagster run serves a {request.kind.value!r} request ({request.request_id}); only incident, "
                     "test_run and export requests become runs.")


def launch_request(client: DagsterClient, request: PendingRequest) -> str:
    """Launch the run that serves `request` now (its partition must exist), with the run key and request tag
    the sensor checks, so the sensor does not launch it again. Returns Dagster's run id; raises
    DagsterUnavailable or DagsterRequestFailed."""
    spec = run_spec(request)
    tags = {**spec.tags, PARTITION_TAG: spec.partition_key, "dagster/run_key": spec.run_key}
    return client.launch_run(spec.job_name, tags=tags, run_config=spec.run_config)


def validation_run_launcher(client: DagsterClient) -> Callable[[PendingRequest], str | None]:
    """Launch a requested validation run right away; None (the sensor takes over) when Dagster refuses."""

    def launch(request: PendingRequest) -> str | None:
        try:
            return launch_request(client, request)
        except (DagsterUnavailable, DagsterRequestFailed):
            return None

    return launch


def close_request(store: Store, request_id: str, *, run_id: str, error: str | None = None) -> PendingRequest | None:
    """The run that served a request marks it `done` (or `failed`, with the error) and records its run id.

    A request already closed (done, failed, superseded) is left as it is, so a re-executed run or a late
    duplicate cannot reopen or relabel it. Returns the stored request (None when there is none)."""

    def change(current: PendingRequest | None) -> PendingRequest | None:
        if current is None or current.status not in OPEN_REQUEST_STATUSES:
            return None
        closed = {"status": "failed" if error else "done", "run_id": run_id, "closed_at": now_iso()}
        return PendingRequest.model_validate({**current.model_dump(mode="json"), **closed,
                                              **({"error": error} if error else {})})

    return store.update("requests", PendingRequest, request_id, change)

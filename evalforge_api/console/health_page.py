"""The ingestion and health page (`/ingestion`): last captured hours, quarantine counts with reasons, the PII
check's findings, links into the Dagster UI for each run, and the checks `/health` makes.

Dagster is asked over HTTP (the API never imports Dagster): the latest runs with their partitions, and the
post-write PII check's latest evaluations (counts and capture ids only; the check never stores values). When
Dagster cannot be reached the page still shows what the store knows, with a sentence saying why runs are
missing.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from evalforge_api.console.pages import ConsoleViewer, render
from evalforge_api.deps import settings_of, store_of, transport_of
from evalforge_api.routes.health import get_health
from evalforge_assets.orchestration import DagsterClient, DagsterRequestFailed, DagsterUnavailable
from evalforge_assets.store import Store

router = APIRouter(include_in_schema=False)

CAPTURE_JOB = "capture_job"
CAPTURE_ASSET = ["failure_captures"]
PII_CHECK = "captures_are_pii_free"
PARTITION_TAG = "dagster/partition"
# A backfill (the bootstrap's, or one launched in the UI) runs several hours in one run, tagged with its range.
RANGE_START_TAG = "dagster/asset_partition_range_start"
RANGE_END_TAG = "dagster/asset_partition_range_end"
RUNS_SHOWN = 25
PII_EVALUATIONS_SHOWN = 12
# The page must answer even when Dagster hangs; a slow Dagster is reported, not waited for.
DAGSTER_TIMEOUT_SECONDS = 3.0

_RUNS = """
query ConsoleRuns($limit: Int) {
  runsOrError(limit: $limit) {
    __typename
    ... on Runs { results { runId jobName status startTime endTime tags { key value } } }
    ... on PythonError { message }
  }
}"""

_PII_EXECUTIONS = """
query ConsolePiiCheck($asset: AssetKeyInput!, $check: String!, $limit: Int!) {
  assetCheckExecutions(assetKey: $asset, checkName: $check, limit: $limit) {
    runId
    partition
    timestamp
    evaluation {
      success
      description
      partition
      metadataEntries {
        label
        ... on IntMetadataEntry { intRepr }
        ... on JsonMetadataEntry { jsonString }
      }
    }
  }
}"""


class RunRow(BaseModel):
    run_id: str
    job: str
    partition: str | None
    status: str
    started_at: str | None
    url: str


class QuarantineReason(BaseModel):
    reason: str
    count: int


class PiiFinding(BaseModel):
    partition: str | None
    run_id: str
    run_url: str
    checked_at: str | None
    passed: bool
    scanned: int | None
    captures_flagged: int
    redacted_again: int | None
    by_type: dict[str, int]
    flagged_ids: list[str]
    description: str | None


class IngestionView(BaseModel):
    dagster_url: str
    dagster_problem: str | None
    captured_hours: list[RunRow]
    runs: list[RunRow]
    quarantine_total: int
    quarantine_reasons: list[QuarantineReason]
    pii_findings: list[PiiFinding]


class _DagsterReader(DagsterClient):
    """The read-only queries this page needs, over the project's Dagster client (its errors and transport)."""

    def recent_runs(self, limit: int) -> list[dict[str, Any]]:
        result = self._graphql(_RUNS, {"limit": limit})["runsOrError"]
        if result["__typename"] != "Runs":
            raise DagsterRequestFailed(f"Dagster could not list runs: {result.get('message', result['__typename'])}")
        return result["results"]

    def pii_executions(self, limit: int) -> list[dict[str, Any]]:
        return self._graphql(_PII_EXECUTIONS, {"asset": {"path": CAPTURE_ASSET}, "check": PII_CHECK,
                                               "limit": limit})["assetCheckExecutions"]


def _when(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def run_url(dagster_url: str, run_id: str) -> str:
    """The run's page in the Dagster UI."""
    return f"{dagster_url.rstrip('/')}/runs/{run_id}"


def _run_row(dagster_url: str, run: dict[str, Any]) -> RunRow:
    tags = {tag["key"]: tag["value"] for tag in run.get("tags") or []}
    partition = tags.get(PARTITION_TAG)
    if partition is None and RANGE_START_TAG in tags:
        start, end = tags[RANGE_START_TAG], tags.get(RANGE_END_TAG, tags[RANGE_START_TAG])
        partition = start if start == end else f"{start} to {end}"
    return RunRow(run_id=run["runId"], job=run["jobName"], partition=partition,
                  status=run["status"], started_at=_when(run.get("startTime")),
                  url=run_url(dagster_url, run["runId"]))


def _metadata(entries: list[dict[str, Any]]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for entry in entries:
        if "intRepr" in entry:
            values[entry["label"]] = int(entry["intRepr"])
        elif "jsonString" in entry:
            values[entry["label"]] = json.loads(entry["jsonString"])
    return values


def _pii_finding(dagster_url: str, execution: dict[str, Any]) -> PiiFinding | None:
    evaluation = execution.get("evaluation")
    if evaluation is None:
        return None  # still running, or skipped: nothing found yet
    meta = _metadata(evaluation.get("metadataEntries") or [])
    flagged = meta.get("flagged") or {}
    return PiiFinding(
        partition=evaluation.get("partition") or execution.get("partition"), run_id=execution["runId"],
        run_url=run_url(dagster_url, execution["runId"]), checked_at=_when(execution.get("timestamp")),
        passed=bool(evaluation["success"]), scanned=meta.get("scanned"),
        captures_flagged=int(meta.get("captures_flagged", len(flagged))), redacted_again=meta.get("redacted_again"),
        by_type={str(k): int(v) for k, v in (meta.get("by_type") or {}).items()},
        flagged_ids=sorted(str(capture_id) for capture_id in flagged), description=evaluation.get("description"))


def quarantine_summary(store: Store) -> tuple[int, list[QuarantineReason]]:
    """How many spans are quarantined, and how many for each reason (most frequent first)."""
    reasons = Counter(record.reason for record in store.list_quarantined())
    return sum(reasons.values()), [QuarantineReason(reason=r, count=n) for r, n in reasons.most_common()]


def ingestion_view(store: Store, dagster_url: str, transport: httpx.BaseTransport | None = None) -> IngestionView:
    """Everything the ingestion page shows; Dagster's part is empty (and explained) when it cannot be read."""
    reader = _DagsterReader(dagster_url, timeout=DAGSTER_TIMEOUT_SECONDS, transport=transport)
    runs: list[RunRow] = []
    findings: list[PiiFinding] = []
    problem = None
    try:
        runs = [_run_row(reader.url, run) for run in reader.recent_runs(RUNS_SHOWN)]
        findings = [found for execution in reader.pii_executions(PII_EVALUATIONS_SHOWN)
                    if (found := _pii_finding(reader.url, execution)) is not None]
    except (DagsterUnavailable, DagsterRequestFailed) as exc:
        problem = f"Runs and PII check results come from Dagster, which could not be read: {exc}"
    captured = [run for run in runs if run.job == CAPTURE_JOB and run.partition is not None]
    hours_of_run = {run.run_id: run.partition for run in runs}
    # A check over a backfill's range has no single partition; name the run's hours instead.
    findings = [found if found.partition else found.model_copy(update={"partition": hours_of_run.get(found.run_id)})
                for found in findings]
    total, reasons = quarantine_summary(store)
    return IngestionView(dagster_url=reader.url, dagster_problem=problem, captured_hours=captured, runs=runs,
                         quarantine_total=total, quarantine_reasons=reasons, pii_findings=findings)


@router.get("/ingestion", response_class=HTMLResponse)
def ingestion_page(request: Request, principal: ConsoleViewer) -> HTMLResponse:
    view = ingestion_view(store_of(request), settings_of(request).dagster_url, transport_of(request))
    return render(request, principal, "health.html", view=view, health=get_health(request))

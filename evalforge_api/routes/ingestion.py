"""The seed contract: launch ingestion of the latest closed hour(s) as Dagster runs (no Dagster import)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
from fastapi import APIRouter, Body, Depends, Request, status

from evalforge_api.auth import Lead
from evalforge_api.deps import get_http_transport, get_settings, settings_of, transport_of
from evalforge_api.errors import AUTH_RESPONSES
from evalforge_api.schemas import ErrorBody, RunOnceRequest, RunOnceResponse
from evalforge_assets.hours import closed_hours
from evalforge_assets.orchestration import DagsterClient, DagsterRequestFailed, DagsterUnavailable
from evalforge_assets.settings import Settings

CAPTURE_JOB = "capture_job"
PARTITION_TAG = "dagster/partition"
LAUNCH_TIMEOUT_SECONDS = 10.0

router = APIRouter(tags=["ingestion"], responses=AUTH_RESPONSES)


def dagster_client(request: Request, timeout: float) -> DagsterClient:
    """A Dagster client for the app serving `request` (its settings, and its test transport if any)."""
    return _client(settings_of(request), transport_of(request), timeout)


def _client(settings: Settings, transport: httpx.BaseTransport | None, timeout: float) -> DagsterClient:
    return DagsterClient(settings.dagster_url, timeout=timeout, transport=transport)


@router.post(
    "/ingestion/run-once", response_model=RunOnceResponse, status_code=status.HTTP_202_ACCEPTED,
    summary="Ingest the latest closed hour(s) now, as Dagster runs",
    responses={502: {"model": ErrorBody, "description": "Dagster refused the run; its reason is quoted."},
               503: {"model": ErrorBody, "description": "Dagster (or the store) is not reachable."}},
)
def run_once(settings: Annotated[Settings, Depends(get_settings)],
             transport: Annotated[httpx.BaseTransport | None, Depends(get_http_transport)], _principal: Lead,
             body: Annotated[RunOnceRequest | None, Body()] = None) -> RunOnceResponse:
    """Launches one `capture_job` run per hour (fetch, capture and group its failures) for the newest
    closed hours, after the ingestion lag. Watch the runs in the Dagster UI. Needs the lead role."""
    hours = (body or RunOnceRequest()).hours
    partitions = closed_hours(datetime.now(UTC), timedelta(minutes=settings.ingest_lag_minutes), hours)
    client = _client(settings, transport, LAUNCH_TIMEOUT_SECONDS)
    run_ids: list[str] = []
    for partition in partitions:
        try:
            run_ids.append(client.launch_run(CAPTURE_JOB, tags={PARTITION_TAG: partition}))
        except (DagsterUnavailable, DagsterRequestFailed) as exc:
            if not run_ids:
                raise
            launched = ", ".join(f"{key} (run {run_id})"
                                 for key, run_id in zip(partitions, run_ids, strict=False))
            raise type(exc)(f"{exc} Already launched before this failure: {launched}.") from exc
    return RunOnceResponse(run_ids=run_ids, partitions=partitions)

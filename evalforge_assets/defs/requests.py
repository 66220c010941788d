"""The Dagster half of the one request → run mechanism (see evalforge_assets/orchestration.py).

`request_tick` is what every request sensor does: each pending request becomes one RunRequest whose run key is
the request id (Dagster never launches a run key twice for a sensor) and whose tag names the request. The cursor
remembers requests already sent until their run closes them, so they are not sent again; requests the API
launched itself are found by their tag and not sent at all. Nothing is written to the store here: a failed
tick loses nothing, because the request stays pending until the run that served it closes it
(`closing_request`). A run that died without closing its request (a killed process) is noticed here and the
request marked failed, naming the run.

The API marks a request it launches itself "launching" while it calls Dagster, so this tick leaves it alone
meanwhile. If the API process dies mid-launch the mark would stay forever; so a request still "launching"
LAUNCH_GRACE_SECONDS after it was made is treated as pending: its run is found by its tag when the launch got
through, and launched here when it did not, and either way the run closes it.
"""

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta

import dagster as dg

from evalforge_assets.models import PendingRequest, RequestKind, iso, utc_now
from evalforge_assets.orchestration import REQUEST_TAG, close_request, run_spec
from evalforge_assets.store import Store

MAX_REQUESTS_PER_TICK = 200
# How long an API-side launch may hold a request as "launching": far above the API's 3 s Dagster timeout, so
# a launch still in flight is never sent a second time.
LAUNCH_GRACE_SECONDS = 30.0
_ENDED_UNCLOSED = (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)


def _sent(cursor: str | None) -> set[str]:
    if not cursor:
        return set()
    try:
        value = json.loads(cursor)
    except ValueError:
        return set()  # an unreadable cursor only costs re-sent run requests, which their run keys de-duplicate
    return set(value) if isinstance(value, list) else set()


def _runs_by_request(instance: dg.DagsterInstance, request_ids: Sequence[str]) -> dict[str, list[dg.DagsterRun]]:
    if not request_ids:
        return {}
    records = instance.get_run_records(filters=dg.RunsFilter(tags={REQUEST_TAG: list(request_ids)}))
    runs: dict[str, list[dg.DagsterRun]] = {}
    for record in records:
        runs.setdefault(record.dagster_run.tags[REQUEST_TAG], []).append(record.dagster_run)
    return runs


def _close_abandoned(db: Store, pending: dict[str, PendingRequest], runs: dict[str, list[dg.DagsterRun]]) -> set[str]:
    """Requests whose every run ended (failed or canceled) without closing them: marked failed, ids returned."""
    closed = set()
    for request_id, served_by in runs.items():
        if request_id in pending and served_by and all(r.status in _ENDED_UNCLOSED for r in served_by):
            last = served_by[0]
            close_request(db, request_id, run_id=last.run_id,
                          error=f"Dagster run {last.run_id} ended {last.status.value} before closing this request; "
                                "see the run's logs, then request it again.")
            closed.add(request_id)
    return closed


def _open_requests(db: Store, kinds: Sequence[RequestKind]) -> dict[str, PendingRequest]:
    """Pending requests of `kinds`, those left "launching" for longer than the grace period, and those the API
    launched itself (watched so that a run that dies without closing its request still closes it)."""
    # Stored times are one ISO form whose string order is time order (models.iso).
    stale = iso(utc_now() - timedelta(seconds=LAUNCH_GRACE_SECONDS))
    found: dict[str, PendingRequest] = {}
    for kind in kinds:
        found.update((r.request_id, r) for r in db.pending_requests(kind.value, limit=MAX_REQUESTS_PER_TICK))
        found.update((r.request_id, r) for r in db.pending_requests(kind.value, limit=MAX_REQUESTS_PER_TICK,
                                                                    status="launching") if r.created_at < stale)
        found.update((r.request_id, r) for r in db.pending_requests(kind.value, limit=MAX_REQUESTS_PER_TICK,
                                                                    status="launched"))
    return found


def request_tick(context: dg.SensorEvaluationContext, db: Store, kinds: Sequence[RequestKind],
                 skip_reason: str) -> dg.SensorResult:
    """RunRequests for the pending requests of `kinds` (and launches abandoned mid-way) not yet sent, with the
    partitions they need, and the cursor that remembers what was sent."""
    pending = _open_requests(db, kinds)
    sent = _sent(context.cursor) & pending.keys()
    runs = _runs_by_request(context.instance, sorted(pending))
    # Any open request whose every run ended unclosed is failed, whoever launched it (sensor or API).
    closed = _close_abandoned(db, pending, runs)
    fresh = [r for i, r in pending.items() if i not in sent and i not in runs]
    specs = [run_spec(r) for r in fresh]
    partitions: dict[str, list[str]] = {}
    for spec in specs:
        partitions.setdefault(spec.partitions_name, [])
        if spec.partition_key not in partitions[spec.partitions_name]:
            partitions[spec.partitions_name].append(spec.partition_key)
    # Requests with a run already (the API launched it) count as sent, so they are not looked up again.
    still_open = sorted((sent | {s.request_id for s in specs} | (runs.keys() & pending.keys())) - closed)
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=s.run_key, job_name=s.job_name, partition_key=s.partition_key,
                                    tags=s.tags, run_config=s.run_config) for s in specs],
        dynamic_partitions_requests=[dg.AddDynamicPartitionsRequest(name, keys) for name, keys in partitions.items()],
        cursor=json.dumps(still_open),
        skip_reason=None if specs else skip_reason,
    )


@contextmanager
def closing_request(context: dg.AssetExecutionContext, db: Store, *, last_step: bool) -> Iterator[None]:
    """Close the request this run serves (if it serves one): failed when the step raises, done when the run's
    last step finishes. Runs nobody requested (a backfill, a re-run from the UI without the tag) close nothing."""
    request_id = context.run.tags.get(REQUEST_TAG)
    try:
        yield
    except BaseException as error:
        if request_id:
            close_request(db, request_id, run_id=context.run.run_id,
                          error=f"{context.asset_key.to_user_string()} failed: {error}")
        raise
    if request_id and last_step:
        close_request(db, request_id, run_id=context.run.run_id)

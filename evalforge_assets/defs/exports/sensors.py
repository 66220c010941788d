"""The export sensor: each pending export request becomes a dynamic partition and one run of export_job."""


import json

import dagster as dg

from evalforge_assets.defs.exports.assets import export_packages
from evalforge_assets.defs.exports.partitions import export_partitions
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.models import RequestKind

MAX_REQUESTS_PER_TICK = 200
EXPORT_ID_TAG = "evalforge/export_id"
REQUEST_ID_TAG = "evalforge/request_id"

export_job = dg.define_asset_job("export_job", selection=[export_packages],
                                 description="Build and deliver one export package (one partition per export).")


def _launched(cursor: str | None) -> set[str]:
    if not cursor:
        return set()
    try:
        value = json.loads(cursor)
    except ValueError:
        return set()  # an unreadable cursor only costs re-sent run requests, which their run keys de-duplicate
    return set(value) if isinstance(value, list) else set()


@dg.sensor(job=export_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Turns export requests recorded by the API into export_packages runs.")
def export_request_sensor(context: dg.SensorEvaluationContext, store: StoreResource) -> dg.SensorResult:
    """Idempotent twice over: the run key is the request id (Dagster never launches one twice), and the cursor
    remembers requests already launched until the run marks them done, so they are not even re-sent."""
    pending = store.get().pending_requests(RequestKind.export.value, limit=MAX_REQUESTS_PER_TICK)
    launched = _launched(context.cursor)
    fresh = [request for request in pending if request.request_id not in launched]
    export_ids = list(dict.fromkeys(str(request.payload["export_id"]) for request in fresh))
    run_requests = [
        dg.RunRequest(run_key=f"export:{request.request_id}", partition_key=str(request.payload["export_id"]),
                      tags={EXPORT_ID_TAG: str(request.payload["export_id"]), REQUEST_ID_TAG: request.request_id})
        for request in fresh
    ]
    # Only requests still pending are remembered, so the cursor stays as small as the queue.
    still_pending = sorted({r.request_id for r in pending} & (launched | {r.request_id for r in fresh}))
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[export_partitions.build_add_request(export_ids)] if export_ids else [],
        cursor=json.dumps(still_pending),
        skip_reason=None if run_requests else "No new export requests.",
    )

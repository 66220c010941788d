"""The export sensor: each pending export request becomes a dynamic partition and one run of export_job."""


import dagster as dg

from evalforge_assets.defs.exports.assets import export_packages
from evalforge_assets.defs.requests import request_tick
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.models import RequestKind

# One step: a process of its own for it would only add an interpreter start to every export.
export_job = dg.define_asset_job("export_job", selection=[export_packages], executor_def=dg.in_process_executor,
                                 description="Build and deliver one export package (one partition per export).")


@dg.sensor(job=export_job, minimum_interval_seconds=15, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Turns export requests recorded by the API into export_packages runs.")
def export_request_sensor(context: dg.SensorEvaluationContext, store: StoreResource) -> dg.SensorResult:
    """Idempotent twice over: the run key is the request id (Dagster never launches one twice), and the cursor
    remembers requests already launched until their run closes them, so they are not even re-sent."""
    return request_tick(context, store.get(), (RequestKind.export,), skip_reason="No new export requests.")

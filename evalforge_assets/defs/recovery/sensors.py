"""Sensors of the recovery loop: polling the service's health, and launching runs the API asked for."""

import dagster as dg

from evalforge_assets.defs.recovery.jobs import incident_job, validation_job
from evalforge_assets.defs.recovery.partitions import incident_partitions
from evalforge_assets.defs.recovery.resources import RecoveryResource
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.models import RequestKind
from evalforge_assets.recovery.service_metrics import MetricsUnavailableError
from evalforge_assets.settings import get_settings
from evalforge_assets.store import Store

_settings = get_settings()


def launch_pending_requests(db: Store) -> dg.SensorResult | None:
    """Runs for requests the API or a detector left: an incident_job per new incident (with its partition),
    a validation_job per requested test run. Run keys are the request ids, so nothing launches twice."""
    run_requests: list[dg.RunRequest] = []
    new_partitions: list[str] = []
    for request in db.pending_requests(RequestKind.incident.value):
        incident_id = request.payload["incident_id"]
        new_partitions.append(incident_id)
        run_requests.append(dg.RunRequest(run_key=request.request_id, job_name=incident_job.name,
                                          partition_key=incident_id))
        db.save_request(request.model_copy(update={"status": "launched"}))
    for request in db.pending_requests(RequestKind.test_run.value):
        run_requests.append(dg.RunRequest(
            run_key=request.request_id, job_name=validation_job.name,
            partition_key=request.payload["incident_id"],
            run_config={"ops": {"validation_runs": {"config": {"run_id": request.payload["run_id"]}}}},
        ))
        db.save_request(request.model_copy(update={"status": "launched"}))
    if not run_requests:
        return None
    return dg.SensorResult(
        run_requests=run_requests,
        dynamic_partitions_requests=[incident_partitions.build_add_request(sorted(set(new_partitions)))]
        if new_partitions else [],
    )


# Dagster's sensor daemon evaluates at most every 5 s, so the detecting tick launches the incident's run itself
# rather than leaving it to the next tick of recovery_requests_sensor.
@dg.sensor(jobs=[incident_job, validation_job], minimum_interval_seconds=_settings.poll_interval_seconds,
           default_status=dg.DefaultSensorStatus.RUNNING)
def service_health_sensor(context: dg.SensorEvaluationContext, store: StoreResource,
                          recovery: RecoveryResource) -> dg.SensorResult | dg.SkipReason:
    """Read the service's error rate and p95; open, advance or close the incident; refresh the status."""
    try:
        reading = recovery.read_signal()
    except MetricsUnavailableError as exc:
        return dg.SkipReason(f"Could not read {recovery.service}'s metrics: {exc}")
    db = store.get()
    incident = recovery.incident_service(db).observe(reading)
    state = incident.state.value if incident else "HEALTHY"
    launched = launch_pending_requests(db)
    summary = (f"{recovery.service}: {state}, error rate {reading.acting_error_rate:.1%} "
               f"(5m {reading.error_rate_5m:.1%}), p95 {reading.p95_latency_ms_5m:.0f} ms")
    return launched if launched is not None else dg.SkipReason(summary)


@dg.sensor(jobs=[incident_job, validation_job], minimum_interval_seconds=1,
           default_status=dg.DefaultSensorStatus.RUNNING)
def recovery_requests_sensor(context: dg.SensorEvaluationContext,
                             store: StoreResource) -> dg.SensorResult | dg.SkipReason:
    """New incidents get a partition and an incident_job run; requested test runs a validation_job run."""
    launched = launch_pending_requests(store.get())
    return launched if launched is not None else dg.SkipReason("No new incidents or requested validation runs.")

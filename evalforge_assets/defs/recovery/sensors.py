"""The recovery sensor: polling the service's health, and turning incident and validation requests into runs."""

import dagster as dg

from evalforge_assets.defs.recovery.jobs import incident_job, validation_job
from evalforge_assets.defs.recovery.resources import RecoveryResource
from evalforge_assets.defs.requests import request_tick
from evalforge_assets.defs.resources import StoreResource
from evalforge_assets.models import RequestKind
from evalforge_assets.recovery.service_metrics import MetricsUnavailableError
from evalforge_assets.settings import Settings

RECOVERY_REQUESTS = (RequestKind.incident, RequestKind.test_run)


def service_health_sensor(settings: Settings) -> dg.SensorDefinition:
    """Evaluated every EVALFORGE_POLL_INTERVAL_SECONDS (Dagster's daemon loops at most every few seconds).

    One sensor both detects and launches, so an incident opened in a tick gets its run in that same tick, and
    no second sensor can send the same request under another sensor name (Dagster de-duplicates run keys per
    sensor)."""

    @dg.sensor(name="service_health_sensor", jobs=[incident_job, validation_job],
               minimum_interval_seconds=settings.poll_interval_seconds,
               default_status=dg.DefaultSensorStatus.RUNNING)
    def sensor(context: dg.SensorEvaluationContext, store: StoreResource,
               recovery: RecoveryResource) -> dg.SensorResult:
        """Read the service's error rate and p95; open, advance or close the incident; refresh the status; then
        launch a run for each new incident and each requested validation run."""
        db = store.get()
        try:
            reading = recovery.read_signal()
        except MetricsUnavailableError as exc:
            summary = f"Could not read {recovery.service}'s metrics: {exc}"
        else:
            incident = recovery.incident_service(db).observe(reading)
            state = incident.state.value if incident else "HEALTHY"
            summary = (f"{recovery.service}: {state}, error rate {reading.acting_error_rate:.1%} "
                       f"(5m {reading.error_rate_5m:.1%}), p95 {reading.p95_latency_ms_5m:.0f} ms")
        # Requests the API recorded (validation runs, webhook incidents) launch even while metrics are down.
        return request_tick(context, db, RECOVERY_REQUESTS, skip_reason=summary)

    return sensor

"""The one Definitions object of the Evalforge code location."""

from __future__ import annotations

import dagster as dg

from evalforge_assets.defs.capture.assets import failure_captures, raw_llm_spans
from evalforge_assets.defs.capture.checks import captures_are_pii_free
from evalforge_assets.defs.capture.jobs import capture_job
from evalforge_assets.defs.capture.schedules import hourly_capture_schedule
from evalforge_assets.defs.exports.assets import export_packages
from evalforge_assets.defs.exports.resources import build_export_resources
from evalforge_assets.defs.exports.sensors import export_job, export_request_sensor
from evalforge_assets.defs.recovery.assets import incident_context, recovery_plan, validation_runs
from evalforge_assets.defs.recovery.jobs import incident_job, validation_job
from evalforge_assets.defs.recovery.sensors import recovery_requests_sensor, service_health_sensor
from evalforge_assets.defs.resources import build_resources
from evalforge_assets.defs.review.assets import failure_signatures
from evalforge_assets.logs import configure_logging
from evalforge_assets.settings import Settings, get_settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Everything in the code location, wired to the resources these settings choose."""
    return dg.Definitions(
        assets=[raw_llm_spans, failure_captures, failure_signatures,
                incident_context, recovery_plan, validation_runs, export_packages],
        asset_checks=[captures_are_pii_free],
        jobs=[capture_job, incident_job, validation_job, export_job],
        schedules=[hourly_capture_schedule],
        sensors=[service_health_sensor, recovery_requests_sensor, export_request_sensor],
        resources={**build_resources(settings), **build_export_resources(settings)},
    )


configure_logging()
defs = build_definitions(get_settings())

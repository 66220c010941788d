"""The one Definitions object of the Evalforge code location, and the one place Dagster reads settings."""

from __future__ import annotations

import dagster as dg

from evalforge_assets import parts
from evalforge_assets.defs.capture.assets import capture_assets
from evalforge_assets.defs.capture.checks import pii_check
from evalforge_assets.defs.capture.jobs import capture_job, raw_retention_job
from evalforge_assets.defs.capture.schedules import hourly_capture_schedule, raw_retention_schedule
from evalforge_assets.defs.exports.assets import export_packages
from evalforge_assets.defs.exports.resources import build_export_resources
from evalforge_assets.defs.exports.sensors import export_job, export_request_sensor
from evalforge_assets.defs.partitions import hourly_partitions
from evalforge_assets.defs.recovery.assets import incident_context, recovery_plan, validation_runs
from evalforge_assets.defs.recovery.jobs import incident_job, validation_job
from evalforge_assets.defs.recovery.sensors import service_health_sensor
from evalforge_assets.defs.recovery.war_room import WarRoomResource, war_room, war_room_sensor
from evalforge_assets.defs.resources import build_resources
from evalforge_assets.defs.review.assets import failure_signatures_asset
from evalforge_assets.logs import configure_logging
from evalforge_assets.settings import Settings, get_settings


def build_definitions(settings: Settings) -> dg.Definitions:
    """Everything in the code location, with partitions, schedule, sensors and resources built from `settings`
    (nothing under defs/ reads settings on its own)."""
    hours = hourly_partitions(settings)
    return dg.Definitions(
        assets=[*capture_assets(hours), failure_signatures_asset(hours),
                incident_context, recovery_plan, validation_runs, war_room, export_packages],
        asset_checks=[pii_check(hours)],
        jobs=[capture_job, raw_retention_job, incident_job, validation_job, export_job],
        schedules=[hourly_capture_schedule(settings), raw_retention_schedule(settings)],
        sensors=[service_health_sensor(settings), war_room_sensor(settings), export_request_sensor],
        resources={**build_resources(settings), **build_export_resources(settings),
                   "slack": WarRoomResource.for_settings(settings)},
    )


configure_logging()
# Every Dagster process loads this module (code server, daemon, each run), so each exports its spans when
# OTEL_EXPORTER_OTLP_ENDPOINT is set.
parts.tracing(get_settings(), "evalforge-dagster")
defs = build_definitions(get_settings())

"""Incident jobs run in-process: a recovery loop should not pay for a process per step."""

import dagster as dg

from evalforge_assets.defs.recovery.assets import incident_context, recovery_plan, validation_runs
from evalforge_assets.defs.recovery.war_room import war_room

incident_job = dg.define_asset_job(
    "incident_job",
    # war_room depends on incident_context only, so the plan never waits for Slack, nor fails with it.
    selection=dg.AssetSelection.assets(incident_context, recovery_plan, validation_runs, war_room),
    executor_def=dg.in_process_executor,
    description="Context, plan, Slack war room and first validation run of a new incident.",
)

validation_job = dg.define_asset_job(
    "validation_job",
    selection=dg.AssetSelection.assets(validation_runs),
    executor_def=dg.in_process_executor,
    description="One requested validation run of an incident's plan.",
)

"""Hourly ingestion: each closed hour once its lag margin has passed, catching up on missed hours."""


from datetime import timedelta

import dagster as dg

from evalforge_assets.defs.capture.jobs import capture_job
from evalforge_assets.hours import closed_hours
from evalforge_assets.settings import Settings


def missing_hours(context: dg.ScheduleEvaluationContext, lag_minutes: int, lookback_hours: int) -> list[str]:
    """Closed hours in the lookback window that failure_captures has not materialized yet."""
    now = context.scheduled_execution_time
    wanted = closed_hours(now, timedelta(minutes=lag_minutes), lookback_hours)
    done = context.instance.get_materialized_partitions(dg.AssetKey("failure_captures"))
    return [key for key in wanted if key not in done]


def hourly_capture_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """Runs EVALFORGE_INGEST_LAG_MINUTES past each hour, for the hours of TRACE_LOOKBACK_HOURS not yet captured."""
    lag_minutes, lookback_hours = settings.ingest_lag_minutes, settings.trace_lookback_hours

    @dg.schedule(
        name="hourly_capture_schedule",
        job=capture_job,
        cron_schedule=f"{lag_minutes % 60} * * * *",
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def schedule(context: dg.ScheduleEvaluationContext) -> list[dg.RunRequest] | dg.SkipReason:
        """Ingest every closed hour (plus lag) not yet captured within TRACE_LOOKBACK_HOURS."""
        keys = missing_hours(context, lag_minutes, lookback_hours)
        if not keys:
            return dg.SkipReason("Every closed hour in the lookback window is already captured.")
        # The partition key is the run key, so a re-evaluated tick never launches the same hour twice.
        return [dg.RunRequest(run_key=key, partition_key=key) for key in keys]

    return schedule

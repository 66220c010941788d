"""Hourly ingestion (each closed hour once its lag margin has passed, catching up on missed hours) and the
hourly expiry of raw span files."""


from datetime import timedelta

import dagster as dg

from evalforge_assets.defs.capture.jobs import ExpireRawSpansConfig, capture_job, raw_retention_job
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


def raw_retention_schedule(settings: Settings) -> dg.ScheduleDefinition:
    """Every hour, deletes raw span files written more than EVALFORGE_RAW_RETENTION_HOURS before the tick."""
    retention = timedelta(hours=settings.raw_retention_hours)

    @dg.schedule(
        name="raw_retention_schedule",
        job=raw_retention_job,
        cron_schedule="30 * * * *",  # away from the capture schedule's minute, so the two rarely overlap
        execution_timezone="UTC",
        default_status=dg.DefaultScheduleStatus.RUNNING,
    )
    def schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
        """Expire raw span files older than the retention period."""
        cutoff = (context.scheduled_execution_time - retention).isoformat()
        return dg.RunRequest(
            run_key=f"expire-before-{cutoff}",
            run_config=dg.RunConfig(ops={"expire_raw_spans": ExpireRawSpansConfig(written_before=cutoff)}),
            tags={"evalforge/retention_hours": str(settings.raw_retention_hours)},
        )

    return schedule

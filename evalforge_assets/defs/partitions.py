"""Partition definitions shared by the capture and grouping assets."""


from datetime import datetime, timedelta, timezone

import dagster as dg

from evalforge_assets.settings import get_settings

HOUR_FORMAT = "%Y-%m-%d-%H:%M"

hourly_partitions = dg.HourlyPartitionsDefinition(
    start_date=get_settings().partition_start, end_offset=0, timezone="UTC", fmt=HOUR_FORMAT
)


def hour_window(partition_key: str) -> tuple[datetime, datetime]:
    """The [start, end) UTC window of one hourly partition key."""
    start = datetime.strptime(partition_key, HOUR_FORMAT).replace(tzinfo=timezone.utc)
    return start, start + timedelta(hours=1)


def hour_key(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0).strftime(HOUR_FORMAT)


def closed_hours(now: datetime, lag: timedelta, lookback_hours: int) -> list[str]:
    """Keys of the hours that closed at least `lag` ago, newest `lookback_hours` of them, oldest first."""
    newest_end = (now - lag).replace(minute=0, second=0, microsecond=0)
    return [hour_key(newest_end - timedelta(hours=n)) for n in range(lookback_hours, 0, -1)]

"""Hour arithmetic shared by the hourly partitions, the signature counts and the API (no Dagster import)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

HOUR_FORMAT = "%Y-%m-%d-%H:%M"  # the hourly partition key format, also the keys of counts_by_hour


def hour_key(moment: datetime) -> str:
    """The key of the UTC hour `moment` falls in."""
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0).strftime(HOUR_FORMAT)


def hour_key_of(timestamp: str) -> str:
    """`2026-01-01T13:05:00.000000Z` → `2026-01-01-13:00`, straight from the stored ISO form."""
    return f"{timestamp[:10]}-{timestamp[11:13]}:00"


def hour_window(partition_key: str) -> tuple[datetime, datetime]:
    """The [start, end) UTC window of one hourly partition key."""
    start = datetime.strptime(partition_key, HOUR_FORMAT).replace(tzinfo=UTC)
    return start, start + timedelta(hours=1)


def closed_hours(now: datetime, lag: timedelta, count: int) -> list[str]:
    """Keys of the newest `count` hours that closed at least `lag` ago, oldest first."""
    newest_end = (now - lag).replace(minute=0, second=0, microsecond=0)
    return [hour_key(newest_end - timedelta(hours=n)) for n in range(count, 0, -1)]

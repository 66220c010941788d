"""Partition definitions that follow from settings: the hourly partitions of the capture and grouping assets."""

import dagster as dg

from evalforge_assets.hours import HOUR_FORMAT
from evalforge_assets.settings import Settings


def hourly_partitions(settings: Settings) -> dg.HourlyPartitionsDefinition:
    """One partition per UTC hour from EVALFORGE_PARTITION_START up to the last closed hour."""
    return dg.HourlyPartitionsDefinition(start_date=settings.partition_start, end_offset=0, timezone="UTC",
                                         fmt=HOUR_FORMAT)

"""Partition definitions shared by the capture and grouping assets."""

import dagster as dg

from evalforge_assets.hours import HOUR_FORMAT
from evalforge_assets.settings import get_settings

hourly_partitions = dg.HourlyPartitionsDefinition(
    start_date=get_settings().partition_start, end_offset=0, timezone="UTC", fmt=HOUR_FORMAT
)

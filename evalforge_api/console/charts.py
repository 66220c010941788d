"""Counts by hour as a small server-rendered SVG bar chart (no chart library, no script)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from evalforge_assets.hours import HOUR_FORMAT, hour_key


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str  # "2026-01-15-10:00: 3", the bar's <title>, read by screen readers and shown on hover


@dataclass(frozen=True)
class HourChart:
    width: int
    height: int
    bars: list[Bar]
    total: int
    peak: int
    first_hour: str
    last_hour: str

    @property
    def description(self) -> str:
        return (f"{self.total} captures in the {len(self.bars)} hours from {self.first_hour} to {self.last_hour} "
                f"UTC; at most {self.peak} in one hour")


def hour_chart(counts_by_hour: dict[str, int], end: datetime, hours: int = 24, width: int = 120,
               height: int = 28) -> HourChart:
    """Bars for the `hours` whole UTC hours ending with the hour of `end`, scaled to the highest one."""
    last = datetime.strptime(hour_key(end), HOUR_FORMAT).replace(tzinfo=end.tzinfo)
    keys = [(last - timedelta(hours=offset)).strftime(HOUR_FORMAT) for offset in range(hours - 1, -1, -1)]
    values = [counts_by_hour.get(key, 0) for key in keys]
    peak = max(values, default=0)
    slot = width / hours
    bars = []
    for index, (key, value) in enumerate(zip(keys, values, strict=True)):
        # A non-zero hour is at least one pixel high, so a single capture is visible next to a peak of hundreds.
        bar_height = 0.0 if not peak or not value else max(1.0, height * value / peak)
        bars.append(Bar(x=round(index * slot, 2), y=round(height - bar_height, 2), width=round(max(slot - 1, 1), 2),
                        height=round(bar_height, 2), label=f"{key}: {value}"))
    return HourChart(width=width, height=height, bars=bars, total=sum(values), peak=peak, first_hour=keys[0],
                     last_hour=keys[-1])

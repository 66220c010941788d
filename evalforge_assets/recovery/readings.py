"""What a detector saw: the signal readings that open, join and close incidents, and the simulated one."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from evalforge_assets.models import Signal, parse_iso

# A simulated incident should look like the failure it stands for: well above the threshold, whatever it is.
SIMULATED_ERROR_RATE = 0.25
SIMULATED_P95_LATENCY_MS = 850.0
SIMULATED_TOP_ERROR = "POST /checkout 500 (simulated)"


@dataclass(frozen=True)
class SignalReading:
    """What a detector saw: the contract's 5-minute numbers plus the short window detection acts on."""

    error_rate_5m: float
    p95_latency_ms_5m: float
    top_error: str | None = None
    error_rate_recent: float | None = None
    source: str = "polling"
    # How many seconds back each rate reaches (math.inf: since the service started); None when not known.
    window_seconds: float | None = None
    recent_window_seconds: float | None = None

    @property
    def acting_error_rate(self) -> float:
        """The rate that opens and closes incidents: the recent one when there is recent traffic.

        The 5-minute rate lags a fix by up to five minutes; the short window shows recovery within seconds.
        """
        return self.error_rate_recent if self.error_rate_recent is not None else self.error_rate_5m

    def reaches_back_before(self, moment: str, now: str) -> bool:
        """Whether the window of `acting_error_rate`, ending `now`, began before `moment`, so every error it
        counts may have happened before then; False when the window is not known."""
        window = self.recent_window_seconds if self.error_rate_recent is not None else self.window_seconds
        return window is not None and (parse_iso(now) - parse_iso(moment)).total_seconds() < window

    def to_signal(self) -> Signal:
        return Signal(error_rate_5m=self.error_rate_5m, p95_latency_ms_5m=self.p95_latency_ms_5m,
                      top_error=self.top_error)


def simulated_reading(threshold: float) -> SignalReading:
    """A reading clearly above `threshold`, for `simulate INCIDENT_ON`."""
    rate = min(1.0, max(SIMULATED_ERROR_RATE, 2 * threshold))
    return SignalReading(error_rate_5m=rate, p95_latency_ms_5m=SIMULATED_P95_LATENCY_MS,
                         top_error=SIMULATED_TOP_ERROR, error_rate_recent=rate, source="simulate")


class SimulateMode(str, Enum):
    """`simulate`'s two moves: open an incident without a real failure, or walk the open one to HEALTHY."""

    INCIDENT_ON = "INCIDENT_ON"
    INCIDENT_OFF = "INCIDENT_OFF"

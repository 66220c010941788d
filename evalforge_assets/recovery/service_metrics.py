"""How healthy the watched service is right now: error rate, p95 latency and top error over a short window.

Two sources give the same `ServiceSignal`, chosen by `evalforge_assets.parts.metrics_source`:

- `PrometheusMetricsSource` scrapes the service's own `/metrics` (the demo app's request counter and latency
  histogram) and computes rates from the difference between scrapes it keeps in memory. It is the default,
  needing nothing but the service.
- `DatadogMetricsSource` asks Datadog for the service's APM trace metrics (`trace.<span>.hits|errors` and the
  `trace.<span>` latency distribution) through `MetricsApi.query_metrics`, when Datadog keys are configured.

Why two windows. The `*_5m` numbers answer "how was the service over the last five minutes" (what the
incident contract shows). A detector that only looked at them would be slow both ways: after the bug turns on,
a 5-minute average diluted by healthy traffic takes tens of seconds to cross 5%, and after the fix it stays
above the threshold for up to five minutes although every new request succeeds. So each signal also carries
`error_rate_recent` / `p95_latency_ms_recent` over a short window (15 s for Prometheus polled every few
seconds; 60 s for Datadog, whose metrics arrive with some delay): detection and recovery should use those, and
show the 5-minute numbers. Both windows are also shortened to the history actually available (a source that
started polling 20 s ago reports a 20 s window), so a fresh poller reacts at once instead of waiting.

This module holds the Prometheus source (the composition root, `evalforge_assets.parts`, chooses between
the two); the Datadog source is in
`datadog_metrics` and the shared signal, interface and error in `metrics_signal` (all re-exported here).
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from evalforge_assets.models import now_iso

# Re-exported: callers import every metrics name from this module.
from evalforge_assets.recovery.datadog_metrics import (
    DatadogMetricsSource,
    DatadogQueries,
    MetricSeries,
    parse_query_series,
    signal_from_datadog_series,
)
from evalforge_assets.recovery.metrics_signal import (
    DATADOG_RECENT_WINDOW_SECONDS,
    DEFAULT_SPAN_NAME,
    DEFAULT_WINDOW_SECONDS,
    MAX_SCRAPES_KEPT,
    P95,
    PROMETHEUS_RECENT_WINDOW_SECONDS,
    MetricsUnavailableError,
    ServiceMetricsSource,
    ServiceSignal,
)

__all__ = [
    "DATADOG_RECENT_WINDOW_SECONDS",
    "DEFAULT_SPAN_NAME",
    "DEFAULT_WINDOW_SECONDS",
    "MAX_SCRAPES_KEPT",
    "P95",
    "PROMETHEUS_RECENT_WINDOW_SECONDS",
    "DatadogMetricsSource",
    "DatadogQueries",
    "MetricSeries",
    "MetricsUnavailableError",
    "PrometheusMetricsSource",
    "RequestKey",
    "ServiceMetricsSource",
    "ServiceSignal",
    "TextFetcher",
    "histogram_quantile",
    "http_text_fetcher",
    "parse_prometheus_scrape",
    "parse_query_series",
    "signal_from_datadog_series",
]

logger = logging.getLogger("evalforge.service_metrics")


def histogram_quantile(quantile: float, cumulative_buckets: Mapping[float, float]) -> float | None:
    """The `quantile` of a cumulative histogram `{upper bound: count}`, interpolating linearly inside the
    bucket that holds it, as Prometheus' histogram_quantile does; None when the histogram is empty.

    The lowest bucket is taken to start at 0. A quantile falling in the +Inf bucket is reported as the highest
    finite bound, since nothing is known above it.
    """
    if not 0.0 <= quantile <= 1.0:
        raise ValueError(f"quantile must be between 0 and 1; got {quantile}.")
    bounds = sorted(cumulative_buckets.items())
    if not bounds:
        return None
    # Counts of one scrape are read while requests are being served, so force them to be cumulative.
    monotone: list[tuple[float, float]] = []
    running = 0.0
    for bound, count in bounds:
        running = max(running, count)
        monotone.append((bound, running))
    total = monotone[-1][1]
    if total <= 0:
        return None
    rank = quantile * total
    lower_bound, count_below = 0.0, 0.0
    for upper_bound, count in monotone:
        if count >= rank and count > count_below:
            if math.isinf(upper_bound):
                return lower_bound
            return lower_bound + (upper_bound - lower_bound) * (rank - count_below) / (count - count_below)
        lower_bound, count_below = upper_bound, count
    return lower_bound


# -- Prometheus ------------------------------------------------------------------------------------------

# (method, route, status) as labelled by the demo app.
RequestKey = tuple[str, str, str]


@dataclass(frozen=True)
class _Scrape:
    """Cumulative counters of one scrape, at a `clock` time."""

    at: float
    requests: Mapping[RequestKey, float]
    latency_buckets: Mapping[float, float]  # upper bound (s) -> cumulative count, summed over routes

    def went_backwards_since(self, older: _Scrape) -> bool:
        """True when a counter decreased: the service restarted and its counters began again at zero."""
        # A restarted service also lacks series it had before, which .get(key, 0.0) counts as a decrease.
        return any(self.requests.get(key, 0.0) < count for key, count in older.requests.items())


@dataclass(frozen=True)
class _Rates:
    """What happened between two scrapes (or since the service started)."""

    requests: Mapping[RequestKey, float]
    latency_buckets: Mapping[float, float]
    seconds: float | None

    @classmethod
    def between(cls, newer: _Scrape, older: _Scrape | None) -> _Rates:
        if older is None:
            return cls(newer.requests, newer.latency_buckets, None)
        return cls(
            requests=_difference(newer.requests, older.requests),
            latency_buckets=_difference(newer.latency_buckets, older.latency_buckets),
            seconds=newer.at - older.at,
        )

    @property
    def total(self) -> float:
        return sum(self.requests.values())

    @property
    def server_errors(self) -> float:
        return sum(count for (_, _, status), count in self.requests.items() if status.startswith("5"))

    def error_rate(self) -> float | None:
        total = self.total
        return min(1.0, self.server_errors / total) if total > 0 else None

    def p95_ms(self) -> float | None:
        seconds = histogram_quantile(P95, self.latency_buckets)
        return None if seconds is None else seconds * 1000.0

    def top_error(self) -> str | None:
        failing = [
            (count, key) for key, count in self.requests.items() if key[2].startswith("5") and count > 0
        ]
        if not failing:
            return None
        # Most failures first; ties broken by name so the answer does not depend on dict order.
        _, (method, route, status) = min(failing, key=lambda item: (-item[0], item[1]))
        return f"{method} {route} {status}"


def _difference(newer: Mapping[Any, float], older: Mapping[Any, float]) -> dict[Any, float]:
    return {key: max(0.0, value - older.get(key, 0.0)) for key, value in newer.items()}


def parse_prometheus_scrape(
    text: str,
    *,
    requests_metric: str = "demo_http_requests",
    latency_metric: str = "demo_http_request_duration_seconds",
) -> tuple[dict[RequestKey, float], dict[float, float]]:
    """The request counts by (method, route, status) and the latency histogram summed over routes, from a
    Prometheus text exposition. Raises `ValueError` when the text does not expose both metrics."""
    requests: dict[RequestKey, float] = {}
    buckets: dict[float, float] = {}
    seen: set[str] = set()
    for family in text_string_to_metric_families(text):
        if family.name == requests_metric:
            seen.add(requests_metric)
            for sample in family.samples:
                if sample.name == f"{requests_metric}_total":
                    key = (
                        sample.labels.get("method", ""),
                        sample.labels.get("route", ""),
                        sample.labels.get("status", ""),
                    )
                    requests[key] = requests.get(key, 0.0) + sample.value
        elif family.name == latency_metric:
            seen.add(latency_metric)
            for sample in family.samples:
                if sample.name == f"{latency_metric}_bucket":
                    bound = float(sample.labels["le"])
                    buckets[bound] = buckets.get(bound, 0.0) + sample.value
    missing = [name for name in (requests_metric, latency_metric) if name not in seen]
    if missing:
        raise ValueError(f"the scrape has no {' or '.join(missing)} metric")
    return requests, buckets


TextFetcher = Callable[[str], str]


def http_text_fetcher(timeout_seconds: float = 5.0) -> TextFetcher:
    """GET a URL and return its body, raising on transport errors and non-2xx answers."""

    def fetch(url: str) -> str:
        response = httpx.get(url, timeout=timeout_seconds, follow_redirects=False)
        response.raise_for_status()
        return response.text

    return fetch


class PrometheusMetricsSource:
    """`ServiceMetricsSource` over a service's Prometheus endpoint (the demo app's `/metrics`).

    Each `read` scrapes once and keeps the scrape in a ring covering the window. Rates come from counter
    differences between the new scrape and a baseline: the latest earlier scrape at least the window old, or,
    when the ring does not reach that far back, the oldest one kept (so the window shrinks to the history
    available). The recent window works the same way with `recent_window_seconds`. Until a second scrape
    exists, the counters since the service started are used as they are. A counter that goes backwards means the service restarted: the ring
    is cleared and the reading starts over from the new counters.

    The endpoint serves one service, so `read`'s `service` only names it in errors and logs.
    """

    name = "prometheus"

    def __init__(
        self,
        metrics_url: str,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        *,
        recent_window_seconds: float = PROMETHEUS_RECENT_WINDOW_SECONDS,
        fetch: TextFetcher | None = None,
        timeout_seconds: float = 5.0,
        requests_metric: str = "demo_http_requests",
        latency_metric: str = "demo_http_request_duration_seconds",
        max_scrapes_kept: int = MAX_SCRAPES_KEPT,
    ) -> None:
        """
        clock: seconds, only ever compared with itself (tests pass a fake one).
        fetch: url -> body text (tests pass one backed by a TestClient); default: an HTTP GET.
        """
        if not 0 < recent_window_seconds <= window_seconds:
            raise ValueError(
                f"recent_window_seconds must be above 0 and at most window_seconds ({window_seconds}); "
                f"got {recent_window_seconds}."
            )
        if max_scrapes_kept < 2:
            raise ValueError(f"max_scrapes_kept must be at least 2 to compute rates; got {max_scrapes_kept}.")
        self.metrics_url = metrics_url
        self.window_seconds = float(window_seconds)
        self.recent_window_seconds = float(recent_window_seconds)
        self._clock = clock
        self._fetch = fetch if fetch is not None else http_text_fetcher(timeout_seconds)
        self._requests_metric = requests_metric
        self._latency_metric = latency_metric
        self._scrapes: deque[_Scrape] = deque(maxlen=max_scrapes_kept)
        # A sensor and the API may share one source; scrapes must enter the ring in time order.
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"PrometheusMetricsSource(metrics_url={self.metrics_url!r}, window_seconds={self.window_seconds:g})"

    def read(self, service: str | None = None) -> ServiceSignal:
        with self._lock:
            scrape = self._scrape(service)
            if self._scrapes and scrape.went_backwards_since(self._scrapes[-1]):
                logger.info(
                    "metrics counters of %s went backwards (service restarted); history cleared",
                    self.metrics_url,
                )
                self._scrapes.clear()
            self._scrapes.append(scrape)
            self._forget_older_than(scrape.at - self.window_seconds)
            window = _Rates.between(scrape, self._baseline(scrape.at - self.window_seconds))
            recent = _Rates.between(scrape, self._baseline(scrape.at - self.recent_window_seconds))
        return ServiceSignal(
            error_rate_5m=window.error_rate() or 0.0,
            p95_latency_ms_5m=window.p95_ms() or 0.0,
            top_error=window.top_error(),
            requests_5m=round(window.total),
            source=self.name,
            read_at=now_iso(),
            window_seconds=window.seconds,
            error_rate_recent=recent.error_rate(),
            p95_latency_ms_recent=recent.p95_ms(),
            requests_recent=round(recent.total),
            recent_window_seconds=recent.seconds,
        )

    def _scrape(self, service: str | None) -> _Scrape:
        what = f"metrics of {service!r}" if service else "service metrics"
        try:
            text = self._fetch(self.metrics_url)
        except httpx.HTTPStatusError as error:
            raise MetricsUnavailableError(
                f"Could not read {what} from {self.metrics_url}: it answered HTTP {error.response.status_code}. "
                "Check that DEMO_APP_URL points at the demo app (its /metrics endpoint)."
            ) from error
        except httpx.HTTPError as error:
            raise MetricsUnavailableError(
                f"Could not read {what} from {self.metrics_url} ({type(error).__name__}: {error}). Check that the "
                "demo app is running (uvicorn demo_app.main:app --port 8001) and that DEMO_APP_URL points at it."
            ) from error
        at = self._clock()
        try:
            requests, buckets = parse_prometheus_scrape(
                text, requests_metric=self._requests_metric, latency_metric=self._latency_metric
            )
        except ValueError as error:
            raise MetricsUnavailableError(
                f"Could not read {what} from {self.metrics_url}: {error}. Check that the URL is the demo app's "
                "/metrics endpoint (set DEMO_APP_URL), or pass the metric names this service exposes."
            ) from error
        return _Scrape(at=at, requests=requests, latency_buckets=buckets)

    def _forget_older_than(self, cutoff: float) -> None:
        # Keep the newest scrape at or before the cutoff: it is the baseline that spans the whole window.
        while len(self._scrapes) >= 2 and self._scrapes[1].at <= cutoff:
            self._scrapes.popleft()

    def _baseline(self, cutoff: float) -> _Scrape | None:
        """The newest earlier scrape at or before `cutoff`; failing that the oldest one (a shorter window);
        None when the newest scrape is the only one (then counters since the service started are used)."""
        earlier = list(self._scrapes)[:-1]
        if not earlier:
            return None
        at_or_before = [scrape for scrape in earlier if scrape.at <= cutoff]
        return at_or_before[-1] if at_or_before else earlier[0]


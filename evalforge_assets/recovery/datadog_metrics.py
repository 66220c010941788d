"""Service metrics from Datadog: request, error and latency series of the service's APM spans, read through
the metrics query API and turned into the same `ServiceSignal` the Prometheus source gives.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import urllib3
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v1.api.metrics_api import MetricsApi

from evalforge_assets.models import now_iso
from evalforge_assets.recovery.metrics_signal import (
    DATADOG_RECENT_WINDOW_SECONDS,
    DEFAULT_SPAN_NAME,
    DEFAULT_WINDOW_SECONDS,
    MetricsUnavailableError,
    ServiceSignal,
)

if TYPE_CHECKING:
    from datadog_api_client import ApiClient

_TAG_VALUE = re.compile(r"[A-Za-z0-9_.:/\-]+")


@dataclass(frozen=True)
class DatadogQueries:
    """The three `/api/v1/query` queries behind one reading."""

    hits: str
    errors: str
    p95: str

    @classmethod
    def build(cls, span_name: str, service: str, env: str) -> DatadogQueries:
        for label, value in (("span name", span_name), ("service", service), ("env", env)):
            if not _TAG_VALUE.fullmatch(value):
                raise ValueError(
                    f"The {label} {value!r} cannot be used in a Datadog metric query: use letters, digits and "
                    "_ . : / - only (check DD_SERVICE and DD_ENV)."
                )
        scope = f"{{service:{service},env:{env}}}"
        return cls(
            hits=f"sum:trace.{span_name}.hits{scope}.as_count()",
            errors=f"sum:trace.{span_name}.errors{scope} by {{resource_name,http.status_code}}.as_count()",
            # trace.<span> is a latency distribution in seconds.
            p95=f"p95:trace.{span_name}{scope}",
        )


@dataclass(frozen=True)
class MetricSeries:
    """One series of a metric query: its group tags (from `scope`) and its non-null points."""

    tags: Mapping[str, str]
    points: list[tuple[float, float]]  # (epoch ms, value), nulls dropped

    def total(self, since_ms: float | None = None) -> float:
        return sum(value for at, value in self.points if since_ms is None or at >= since_ms)


def parse_query_series(response: Mapping[str, Any], query: str) -> list[MetricSeries]:
    """The series of a `/api/v1/query` answer (`MetricsQueryResponse.to_dict()` or the raw JSON)."""
    if response.get("status") not in (None, "ok"):
        raise MetricsUnavailableError(
            f"Datadog could not run the metric query {query!r}: {response.get('error') or response.get('status')}."
        )
    series: list[MetricSeries] = []
    for item in response.get("series") or []:
        points = [
            (float(point[0]), float(point[1]))
            for point in item.get("pointlist") or []
            if point is not None and len(point) == 2 and point[0] is not None and point[1] is not None
        ]
        series.append(MetricSeries(tags=_scope_tags(item.get("scope") or ""), points=points))
    return series


def _scope_tags(scope: str) -> dict[str, str]:
    """`"env:local,resource_name:post_/checkout,service:demo-app"` -> tag dict (first ':' splits)."""
    tags: dict[str, str] = {}
    for part in scope.split(","):
        key, separator, value = part.strip().partition(":")
        if separator:
            tags[key] = value
    return tags


def _mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None


def signal_from_datadog_series(
    hits: list[MetricSeries],
    errors: list[MetricSeries],
    p95: list[MetricSeries],
    *,
    window_seconds: float,
    recent_since_ms: float,
    recent_window_seconds: float,
) -> ServiceSignal:
    """One `ServiceSignal` from parsed hits, errors (grouped by resource and status) and p95 series.

    Counts are summed over the window. The p95 over the window is the mean of Datadog's p95 points, which is
    what a Datadog monitor on `avg(last_5m):p95:trace...` evaluates; latencies arrive in seconds.
    """
    total_hits = sum(series.total() for series in hits)
    total_errors = sum(series.total() for series in errors)
    recent_hits = sum(series.total(recent_since_ms) for series in hits)
    recent_errors = sum(series.total(recent_since_ms) for series in errors)
    p95_points = [value for series in p95 for _, value in series.points]
    recent_p95_points = [value for series in p95 for at, value in series.points if at >= recent_since_ms]
    p95_seconds = _mean(p95_points)
    recent_p95_seconds = _mean(recent_p95_points)
    return ServiceSignal(
        error_rate_5m=min(1.0, total_errors / total_hits) if total_hits > 0 else 0.0,
        p95_latency_ms_5m=(p95_seconds or 0.0) * 1000.0,
        top_error=_top_datadog_error(errors),
        requests_5m=round(total_hits),
        source=DatadogMetricsSource.name,
        read_at=now_iso(),
        window_seconds=window_seconds,
        error_rate_recent=min(1.0, recent_errors / recent_hits) if recent_hits > 0 else None,
        p95_latency_ms_recent=None if recent_p95_seconds is None else recent_p95_seconds * 1000.0,
        requests_recent=round(recent_hits),
        recent_window_seconds=recent_window_seconds,
    )


def _top_datadog_error(errors: list[MetricSeries]) -> str | None:
    counted = [(series.total(), series.tags) for series in errors if series.total() > 0]
    if not counted:
        return None
    labelled = [
        (count, " ".join(part for part in (tags.get("resource_name"), tags.get("http.status_code")) if part))
        for count, tags in counted
    ]
    _, label = min(labelled, key=lambda item: (-item[0], item[1]))
    return label or "errors (no resource tag)"


class DatadogMetricsSource:
    """`ServiceMetricsSource` over Datadog APM trace metrics, through v1 `MetricsApi.query_metrics`.

    One reading is three queries (hits, errors by resource and status, p95) over the last `window_seconds`.
    There are no retries here: the poller reads again within seconds, and a retry would only delay detection.
    """

    name = "datadog"

    def __init__(
        self,
        api_client_factory: Callable[[], ApiClient],
        service: str,
        env: str,
        *,
        span_name: str = DEFAULT_SPAN_NAME,
        window_seconds: float = DEFAULT_WINDOW_SECONDS,
        recent_window_seconds: float = DATADOG_RECENT_WINDOW_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """
        api_client_factory: returns a fresh `datadog_api_client.ApiClient` (closed after each reading), e.g.
            `lambda: open_api_client(connection)` from `evalforge_assets.datadog_client`.
        clock: epoch seconds (Datadog's query window is in epoch seconds).
        """
        if not 0 < recent_window_seconds <= window_seconds:
            raise ValueError(
                f"recent_window_seconds must be above 0 and at most window_seconds ({window_seconds}); "
                f"got {recent_window_seconds}."
            )
        DatadogQueries.build(span_name, service, env)  # refuse unusable names now, not at the first poll
        self._api_client_factory = api_client_factory
        self.service = service
        self.env = env
        self.span_name = span_name
        self.window_seconds = float(window_seconds)
        self.recent_window_seconds = float(recent_window_seconds)
        self._clock = clock

    def __repr__(self) -> str:
        return (
            f"DatadogMetricsSource(service={self.service!r}, env={self.env!r}, span_name={self.span_name!r}, "
            f"window_seconds={self.window_seconds:g})"
        )

    def read(self, service: str | None = None) -> ServiceSignal:
        """The signal of `service` (default: the one this source was built for) in its env."""
        queries = DatadogQueries.build(self.span_name, service or self.service, self.env)
        now = self._clock()
        window = (int(now - self.window_seconds), int(now))
        with self._api_client_factory() as api_client:
            api = MetricsApi(api_client)
            hits = parse_query_series(self._query(api, queries.hits, window), queries.hits)
            errors = parse_query_series(self._query(api, queries.errors, window), queries.errors)
            p95 = parse_query_series(self._query(api, queries.p95, window), queries.p95)
        return signal_from_datadog_series(
            hits,
            errors,
            p95,
            window_seconds=self.window_seconds,
            recent_since_ms=(now - self.recent_window_seconds) * 1000.0,
            recent_window_seconds=self.recent_window_seconds,
        )

    def _query(self, api: MetricsApi, query: str, window: tuple[int, int]) -> Mapping[str, Any]:
        try:
            response = api.query_metrics(_from=window[0], to=window[1], query=query)
        except ApiException as error:
            advice = (
                "Check that DD_API_KEY and DD_APP_KEY are valid for DD_SITE and that the application key may "
                "read metrics."
                if error.status in (401, 403)
                else "Datadog may be degraded; the next poll will try again."
            )
            raise MetricsUnavailableError(
                f"Datadog answered HTTP {error.status} to the metric query {query!r}. {advice}"
            ) from error
        except urllib3.exceptions.HTTPError as error:
            raise MetricsUnavailableError(
                f"Could not reach Datadog for the metric query {query!r} ({type(error).__name__}: {error}). "
                "Check DD_SITE / DD_API_HOST and the network; the next poll will try again."
            ) from error
        return response.to_dict() if hasattr(response, "to_dict") else response


# -- choosing a source -----------------------------------------------------------------------------------

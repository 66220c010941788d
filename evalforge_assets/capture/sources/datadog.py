"""Datadog LLM Observability spans for a time window, through the official client's span export endpoint.

`GET /api/v2/llm-obs/v1/spans/events` is paged with an opaque cursor (`meta.page.after`). Items are handed
on exactly as Datadog sent them (`{id, type, attributes}` with unknown keys kept): the client is asked for
the raw HTTP response instead of its models, so nothing is renamed, coerced or dropped on the way.
Parsing and validation happen later, in `evalforge_assets.capture.spans`.

Transient failures (429, 5xx, dropped connections) are retried here rather than inside the client, so that
each wait can be counted in `FetchStats`, logged as a JSON line, and done through an injectable `sleep`.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import urllib3
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.agent_observability_api import AgentObservabilityApi
from pydantic import SecretStr

from evalforge_assets import telemetry
from evalforge_assets.capture.sources.base import FetchStats, SpanFetch
from evalforge_assets.datadog_client import DatadogConnection, open_api_client

if TYPE_CHECKING:
    from evalforge_assets.settings import Settings

logger = logging.getLogger("evalforge.datadog")

LIST_SPANS_OPERATION = "list_llm_obs_spans"
MAX_PAGE_SIZE = 5000
# What an org without any LLM Observability data has been seen to answer (HTTP 500): it means "no data".
EMPTY_ORG_MARKER = "No valid indexes specified"
# The statuses datadog-api-client itself treats as transient (408, 429, 500-512 except 508).
RETRYABLE_STATUSES = frozenset({408, 429, *range(500, 513)} - {508})
_BODY_EXCERPT_CHARS = 300


class DatadogFetchError(RuntimeError):
    """Spans for a window could not be read from Datadog; the message says which window and what to do."""

    def __init__(self, message: str, *, status: int | None, window: tuple[str, str], ml_app: str | None):
        super().__init__(message)
        self.status = status
        self.window = window
        self.ml_app = ml_app


class DatadogAuthError(DatadogFetchError):
    """Datadog refused the API or application key (HTTP 401/403); retrying cannot help."""


@dataclass(frozen=True)
class _Window:
    """A fetch window as Datadog filter values: ISO 8601 UTC with milliseconds, the documented format."""

    start: str
    end: str

    @classmethod
    def from_datetimes(cls, start: datetime, end: datetime) -> _Window:
        for label, value in (("start", start), ("end", end)):
            if value.tzinfo is None or value.utcoffset() is None:
                raise ValueError(
                    f"DatadogSpanSource.fetch needs timezone-aware datetimes, but {label}={value.isoformat()} "
                    "has no timezone; pass e.g. datetime(..., tzinfo=timezone.utc)."
                )
        if end <= start:
            raise ValueError(
                f"DatadogSpanSource.fetch got an empty window: end {end.isoformat()} is not after "
                f"start {start.isoformat()}."
            )
        return cls(start=_iso_utc(start), end=_iso_utc(end))

    def describe(self) -> str:
        return f"{self.start} to {self.end}"


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class _Failure:
    """One failed attempt, reduced to what retry decisions and messages need."""

    status: int | None  # None when no HTTP answer arrived at all
    headers: Mapping[str, str]
    body_text: str

    @classmethod
    def from_api_exception(cls, error: ApiException) -> _Failure:
        body = error.body
        body_text = body if isinstance(body, str) else json.dumps(body) if body is not None else ""
        return cls(status=error.status, headers=dict(error.headers or {}), body_text=body_text)

    @classmethod
    def from_transport_error(cls, error: urllib3.exceptions.HTTPError) -> _Failure:
        return cls(status=None, headers={}, body_text=f"{type(error).__name__}: {error}")

    def header(self, name: str) -> str | None:
        # Header names arrive in whatever case the server used; HTTP says they are case-insensitive.
        wanted = name.lower()
        return next((value for key, value in self.headers.items() if key.lower() == wanted), None)

    @property
    def is_empty_org(self) -> bool:
        return self.status == 500 and EMPTY_ORG_MARKER in self.body_text

    @property
    def is_retryable(self) -> bool:
        return self.status is None or self.status in RETRYABLE_STATUSES

    def describe(self) -> str:
        if self.status is None:
            return f"no HTTP answer ({self.body_text[:_BODY_EXCERPT_CHARS]})"
        excerpt = self.body_text[:_BODY_EXCERPT_CHARS]
        return f"HTTP {self.status}" + (f": {excerpt}" if excerpt else "")


class DatadogSpanSource:
    """`SpanSource` over Datadog's LLM Observability span export (`AgentObservabilityApi.list_llm_obs_spans`)."""

    name = "datadog"

    def __init__(
        self,
        api_key: str | SecretStr | None,
        app_key: str | SecretStr | None,
        *,
        site: str = "datadoghq.com",
        host: str | None = None,
        ml_app: str | None = None,
        page_size: int = 500,
        max_retries: int = 5,
        sleep: Callable[[float], None] = time.sleep,
        backoff_base_seconds: float = 2.0,
        backoff_max_seconds: float = 60.0,
        max_rate_limit_wait_seconds: float = 300.0,
        request_timeout_seconds: float = 60.0,
    ) -> None:
        """
        host: base URL replacing the site's (a proxy, or "http://127.0.0.1:PORT" for a test double).
        ml_app: only spans of this LLM application (`filter[ml_app]`); None reads every application.
        page_size: spans per request, 1..5000; Datadog caps responses at 50 MB, so a few hundred is best.
        max_retries: extra attempts per page after a 429, 5xx or dropped connection.
        sleep: how to wait between attempts (tests pass a recorder).
        max_rate_limit_wait_seconds: a 429 whose `X-RateLimit-Reset` is longer than this fails the fetch
            instead of blocking the run; rerun the window later.
        """
        if not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(
                f"page_size must be between 1 and {MAX_PAGE_SIZE} (Datadog's limit); got {page_size}."
            )
        if max_retries < 0:
            raise ValueError(f"max_retries must be 0 or more; got {max_retries}.")
        self._connection = DatadogConnection.create(
            api_key, app_key, site=site, host=host, request_timeout_seconds=request_timeout_seconds
        )
        self.ml_app = ml_app or None
        self.page_size = page_size
        self.max_retries = max_retries
        self._sleep = sleep
        self._backoff_base_seconds = backoff_base_seconds
        self._backoff_max_seconds = backoff_max_seconds
        self._max_rate_limit_wait_seconds = max_rate_limit_wait_seconds

    @classmethod
    def from_settings(
        cls, settings: Settings, *, sleep: Callable[[float], None] = time.sleep
    ) -> DatadogSpanSource:
        """The source configured by DD_API_KEY, DD_APP_KEY, DD_SITE, DD_API_HOST, DD_ML_APP, DD_PAGE_SIZE and
        DD_MAX_RETRIES; raises `DatadogConfigError` naming what is missing."""
        return cls(
            settings.dd_api_key,
            settings.dd_app_key,
            site=settings.dd_site,
            host=settings.dd_api_host,
            ml_app=settings.dd_ml_app,
            page_size=settings.dd_page_size,
            max_retries=settings.dd_max_retries,
            sleep=sleep,
        )

    def __repr__(self) -> str:
        return (
            f"DatadogSpanSource(base_url={self._connection.base_url!r}, ml_app={self.ml_app!r}, "
            f"page_size={self.page_size}, max_retries={self.max_retries})"
        )

    def fetch(self, start: datetime, end: datetime) -> SpanFetch:
        """Every span Datadog returns for [start, end), page by page, as raw export dicts.

        Datadog does not document whether `filter[to]` is inclusive, so a span starting exactly at `end` may
        also appear in the next window; captures are upserted by trace and span id, so that is harmless,
        while trimming the window could lose spans.
        """
        window = _Window.from_datetimes(start, end)
        result = SpanFetch()
        cursor: str | None = None
        with open_api_client(
            self._connection, unstable_operations=[LIST_SPANS_OPERATION], raw_responses=True
        ) as api_client:
            api = AgentObservabilityApi(api_client)
            while True:
                page = self._fetch_page(api, window, cursor, result.stats)
                if page is None:
                    break
                result.stats.pages += 1
                result.items.extend(page["data"])
                next_cursor = _next_cursor(page)
                if next_cursor is not None and next_cursor == cursor:
                    raise DatadogFetchError(
                        f"Datadog returned the same page cursor twice while exporting spans for "
                        f"{window.describe()} ({self._describe_filter()}); stopping instead of looping. "
                        "Rerun the window; if it repeats, report it to Datadog support.",
                        status=200,
                        window=(window.start, window.end),
                        ml_app=self.ml_app,
                    )
                if next_cursor is None:
                    break
                cursor = next_cursor
        self._log(
            logging.INFO,
            "datadog_spans_fetched",
            window,
            spans=len(result.items),
            pages=result.stats.pages,
            api_calls=result.stats.api_calls,
            retries=result.stats.retries,
            rate_limit_waits=result.stats.rate_limit_waits,
            waited_seconds=result.stats.waited_seconds,
        )
        return result

    def _fetch_page(
        self, api: AgentObservabilityApi, window: _Window, cursor: str | None, stats: FetchStats
    ) -> dict[str, Any] | None:
        """One page as decoded JSON, retrying transient failures; None when the org has no LLM Obs data."""
        request: dict[str, Any] = {
            "filter_from": window.start,
            "filter_to": window.end,
            "page_limit": self.page_size,
        }
        if self.ml_app:
            request["filter_ml_app"] = self.ml_app
        if cursor is not None:
            request["page_cursor"] = cursor

        failures: list[_Failure] = []
        while True:
            stats.api_calls += 1
            try:
                response = api.list_llm_obs_spans(**request)
            except ApiException as error:
                failure = _Failure.from_api_exception(error)
            except urllib3.exceptions.HTTPError as error:
                failure = _Failure.from_transport_error(error)
            else:
                if failures:
                    self._log(
                        logging.INFO,
                        "datadog_retry_outcome",
                        window,
                        attempt=len(failures) + 1,
                        outcome="succeeded",
                        status=response.status,
                    )
                return self._decode_page(response, window)

            if failures:
                self._log(
                    logging.WARNING,
                    "datadog_retry_outcome",
                    window,
                    attempt=len(failures) + 1,
                    outcome="failed",
                    status=failure.status,
                )
            failures.append(failure)
            # An empty org answers this on its first page; after data has been seen, it can only be a glitch.
            if failure.is_empty_org and cursor is None:
                self._log(logging.INFO, "datadog_org_has_no_llm_obs_data", window, status=failure.status)
                return None
            try:
                self._raise_if_final(failure, failures, window)
                delay, rate_limited = self._delay_before_retry(failure, attempt=len(failures), window=window)
            except DatadogFetchError:
                self._log(
                    logging.ERROR,
                    "datadog_fetch_failed",
                    window,
                    attempts=len(failures),
                    status=failure.status,
                    reason=failure.describe()[:120],
                )
                raise
            self._log(
                logging.WARNING,
                "datadog_retry_scheduled",
                window,
                attempt=len(failures) + 1,
                status=failure.status,
                reason=failure.describe()[:120],
                wait_seconds=delay,
                rate_limited=rate_limited,
            )
            self._sleep(delay)
            stats.retries += 1
            stats.waited_seconds += delay
            if rate_limited:
                stats.rate_limit_waits += 1

    def _decode_page(self, response: urllib3.BaseHTTPResponse, window: _Window) -> dict[str, Any]:
        try:
            raw = response.data
        finally:
            response.release_conn()
        try:
            page = json.loads(raw)
        except ValueError as error:
            raise self._error(
                f"Datadog answered HTTP {response.status} with a body that is not JSON ({error})",
                status=response.status,
                window=window,
                advice="Check that DD_SITE / DD_API_HOST point at the Datadog API and not at a web page or proxy.",
            ) from error
        if not isinstance(page, dict) or not isinstance(page.get("data"), list):
            raise self._error(
                f"Datadog answered HTTP {response.status} without a `data` list "
                f"({raw[:_BODY_EXCERPT_CHARS].decode('utf-8', 'replace')})",
                status=response.status,
                window=window,
                advice="Check that DD_SITE / DD_API_HOST point at the Datadog API.",
            )
        return page

    def _raise_if_final(self, failure: _Failure, failures: list[_Failure], window: _Window) -> None:
        if failure.status in (401, 403):
            raise DatadogAuthError(
                f"Datadog refused the credentials ({failure.describe()}) while exporting LLM Observability "
                f"spans for {window.describe()} ({self._describe_filter()}) from {self._connection.base_url}. "
                f"Check that DD_API_KEY and DD_APP_KEY belong to the org on DD_SITE={self._connection.site} "
                "and that the application key may read LLM Observability data.",
                status=failure.status,
                window=(window.start, window.end),
                ml_app=self.ml_app,
            )
        if not failure.is_retryable:
            raise self._error(
                f"Datadog rejected the span export request ({failure.describe()})",
                status=failure.status,
                window=window,
                advice="This is not transient: check DD_ML_APP, DD_SITE and DD_API_HOST, then rerun the window.",
            )
        if len(failures) > self.max_retries:
            telemetry.count("evalforge_datadog_retries_exhausted_total", api="spans")
            raise self._error(
                f"Datadog kept failing after {len(failures)} attempts; the last answer was {failure.describe()}",
                status=failure.status,
                window=window,
                advice=(
                    "Datadog may be degraded or rate limiting this org: rerun the window later, or raise "
                    f"DD_MAX_RETRIES (now {self.max_retries})."
                ),
            )

    def _delay_before_retry(self, failure: _Failure, *, attempt: int, window: _Window) -> tuple[float, bool]:
        """Seconds to wait before the next attempt, and whether the wait is a rate-limit wait."""
        backoff = min(self._backoff_base_seconds * 2 ** (attempt - 1), self._backoff_max_seconds)
        if failure.status != 429:
            return backoff, False
        reset = _seconds(failure.header("X-RateLimit-Reset"))
        if reset is None:
            return backoff, True
        if reset > self._max_rate_limit_wait_seconds:
            raise self._error(
                f"Datadog's rate limit resets in {reset:g} s, longer than the {self._max_rate_limit_wait_seconds:g} s "
                "this source waits",
                status=429,
                window=window,
                advice="Rerun the window after the limit resets, or lower how often spans are exported.",
            )
        return reset, True

    def _error(self, what: str, *, status: int | None, window: _Window, advice: str) -> DatadogFetchError:
        return DatadogFetchError(
            f"{what}, while exporting LLM Observability spans for {window.describe()} "
            f"({self._describe_filter()}) from {self._connection.base_url}. {advice}",
            status=status,
            window=(window.start, window.end),
            ml_app=self.ml_app,
        )

    def _describe_filter(self) -> str:
        return f"ml_app={self.ml_app}" if self.ml_app else "all ml_apps"

    def _log(self, level: int, event_name: str, window: _Window, **fields: Any) -> None:
        event = {
            "event": event_name,
            "source": self.name,
            "window_from": window.start,
            "window_to": window.end,
            "ml_app": self.ml_app,
            **fields,
        }
        logger.log(level, json.dumps(event, sort_keys=True, default=str), extra={"event": event})


def _next_cursor(page: Mapping[str, Any]) -> str | None:
    """`meta.page.after`, tolerating `page: null`, `page: {}` and a missing meta, all meaning "last page"."""
    meta = page.get("meta")
    page_info = meta.get("page") if isinstance(meta, dict) else None
    after = page_info.get("after") if isinstance(page_info, dict) else None
    return after if isinstance(after, str) and after else None


def _seconds(header_value: str | None) -> float | None:
    """A numeric `X-RateLimit-Reset`; anything else (absent, a date, garbage) means "unknown"."""
    if header_value is None:
        return None
    try:
        seconds = float(header_value.strip())
    except ValueError:
        return None
    return seconds if math.isfinite(seconds) and seconds >= 0 else None

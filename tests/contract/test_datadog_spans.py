"""DatadogSpanSource against a local Datadog double, with the traffic checked against Datadog's OpenAPI spec."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
import pytest

from evalforge_assets.capture.sources.base import SpanSource
from evalforge_assets.capture.sources.datadog import DatadogAuthError, DatadogFetchError, DatadogSpanSource
from evalforge_assets.datadog_client import DatadogConfigError
from evalforge_assets.settings import Settings
from tests.doubles import datadog_double as double_module
from tests.doubles import datadog_spec as spec_module
from tests.doubles.datadog_double import DEFAULT_API_KEY, DEFAULT_APP_KEY, DatadogDouble
from tests.doubles.datadog_spec import DatadogOpenAPI, SpecMismatch

# Shared Datadog fixtures; pytest finds fixtures by module attribute. Once tests/conftest.py lists
# tests.doubles.datadog_double and tests.doubles.datadog_spec in pytest_plugins, these lines can go.
datadog_double_server = double_module.datadog_double_server
datadog_double = double_module.datadog_double
datadog_openapi = spec_module.datadog_openapi

WINDOW_START = datetime(2026, 1, 1, 10, tzinfo=UTC)
WINDOW_END = WINDOW_START + timedelta(hours=1)
WINDOW_FROM_TEXT = "2026-01-01T10:00:00.000Z"
WINDOW_TO_TEXT = "2026-01-01T11:00:00.000Z"
LIST_SPANS = "list_llm_obs_spans"


def export_span(
    index: int, *, ml_app: str = "support-bot", start: datetime | None = None, ms: bool = False
) -> dict:
    """A span in Datadog's export shape, with keys Evalforge does not know about that must survive."""
    moment = start or WINDOW_START + timedelta(seconds=index * 7)
    start_ns = int(moment.timestamp()) * 10**9 + index
    span_id = str(5837261940283746512 + index)
    return {
        "id": span_id,
        "type": "span",
        "attributes": {
            "span_id": span_id,
            "trace_id": f"68f0a1c200000000b3e9d4f1{index:08x}",
            "parent_id": "undefined",
            "name": "support_agent",
            "span_kind": "agent",
            "ml_app": ml_app,
            "start_ns": start_ns // 10**6 if ms else start_ns,
            "duration": 8423000000.0,
            "status": "error" if index % 3 == 0 else "ok",
            "input": {"value": f"question {index}"},
            "output": {"value": ""},
            "tags": [f"ml_app:{ml_app}", "env:prod", f"error:{int(index % 3 == 0)}"],
            "a_future_datadog_field": {"nested": [index, "kept"]},
        },
    }


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_source(datadog_double: DatadogDouble, sleeps: list[float]) -> Callable[..., DatadogSpanSource]:
    def build(**overrides: Any) -> DatadogSpanSource:
        options: dict[str, Any] = {
            "api_key": DEFAULT_API_KEY,
            "app_key": DEFAULT_APP_KEY,
            "host": datadog_double.base_url,
            "page_size": 10,
            "max_retries": 3,
            "sleep": sleeps.append,
        }
        options.update(overrides)
        return DatadogSpanSource(**options)

    return build


def response_bodies(double: DatadogDouble) -> list[Any]:
    return [exchange.response.json() for exchange in double.exchanges_for(LIST_SPANS)]


def test_the_source_is_a_span_source(make_source: Callable[..., DatadogSpanSource]) -> None:
    assert isinstance(make_source(), SpanSource)


def test_multi_page_fetch_returns_every_span_in_the_window_exactly_once(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource]
) -> None:
    inside = [export_span(i) for i in range(23)] + [export_span(100, ms=True)]
    outside = [
        export_span(200, start=WINDOW_START - timedelta(seconds=1)),
        export_span(201, start=WINDOW_END),
    ]
    datadog_double.add_spans(inside + outside)

    fetched = make_source().fetch(WINDOW_START, WINDOW_END)

    ids = [item["id"] for item in fetched.items]
    assert len(ids) == len(set(ids)) == len(inside)
    assert sorted(fetched.items, key=lambda item: item["id"]) == sorted(inside, key=lambda item: item["id"])
    assert (fetched.stats.pages, fetched.stats.api_calls, fetched.stats.retries) == (3, 3, 0)
    cursors_sent = [
        exchange.request.query_value("page[cursor]") for exchange in datadog_double.exchanges_for(LIST_SPANS)
    ]
    cursors_received = [body["meta"]["page"].get("after") for body in response_bodies(datadog_double)]
    assert cursors_sent == [None, *cursors_received[:-1]]
    assert cursors_received[-1] is None


def test_window_ml_app_and_page_size_reach_the_server(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource]
) -> None:
    datadog_double.add_spans([export_span(i, ml_app="support-bot") for i in range(12)])
    datadog_double.add_spans([export_span(50 + i, ml_app="billing-bot") for i in range(5)])

    fetched = make_source(ml_app="support-bot", page_size=7).fetch(WINDOW_START, WINDOW_END)

    assert {item["attributes"]["ml_app"] for item in fetched.items} == {"support-bot"}
    assert len(fetched.items) == 12
    requests = datadog_double.requests
    assert len(requests) == 2
    for request in requests:
        assert request.method == "GET"
        assert request.path == "/api/v2/llm-obs/v1/spans/events"
        assert request.query_value("filter[ml_app]") == "support-bot"
        assert request.query_value("filter[from]") == WINDOW_FROM_TEXT
        assert request.query_value("filter[to]") == WINDOW_TO_TEXT
        assert request.query_value("page[limit]") == "7"


def test_without_an_ml_app_filter_none_is_sent(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource]
) -> None:
    datadog_double.add_spans([export_span(1, ml_app="a"), export_span(2, ml_app="b")])

    fetched = make_source().fetch(WINDOW_START, WINDOW_END)

    assert len(fetched.items) == 2
    assert datadog_double.requests[0].query_value("filter[ml_app]") is None


def test_a_timezone_offset_window_is_sent_in_utc(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource]
) -> None:
    paris = WINDOW_START.astimezone(timezone(timedelta(hours=1)))

    make_source().fetch(paris, paris + timedelta(hours=1))

    assert datadog_double.requests[0].query_value("filter[from]") == WINDOW_FROM_TEXT


def test_naive_datetimes_are_refused_rather_than_guessed(
    make_source: Callable[..., DatadogSpanSource],
) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make_source().fetch(datetime(2026, 1, 1, 10), datetime(2026, 1, 1, 11))


@pytest.mark.parametrize("end_of_results", ["empty", "null", "absent"])
def test_every_way_of_saying_last_page_ends_the_fetch(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], end_of_results: str
) -> None:
    datadog_double.end_of_results = end_of_results  # type: ignore[assignment]
    datadog_double.add_spans([export_span(i) for i in range(15)])

    fetched = make_source().fetch(WINDOW_START, WINDOW_END)

    assert len(fetched.items) == 15
    assert fetched.stats.pages == 2
    last_meta = response_bodies(datadog_double)[-1]["meta"]
    expected_page = {"empty": {}, "null": None, "absent": "missing"}[end_of_results]
    assert last_meta.get("page", "missing") == expected_page


def test_429_waits_exactly_the_rate_limit_reset_then_succeeds(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.add_spans([export_span(i) for i in range(4)])
    datadog_double.inject_rate_limit(7)

    fetched = make_source().fetch(WINDOW_START, WINDOW_END)

    assert len(fetched.items) == 4
    assert sleeps == [7.0]
    assert fetched.stats.rate_limit_waits == 1
    assert fetched.stats.retries == 1
    assert fetched.stats.waited_seconds == 7.0
    assert fetched.stats.api_calls == 2
    assert [exchange.response.status for exchange in datadog_double.exchanges] == [429, 200]


def test_429_without_a_numeric_reset_backs_off_instead(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.inject_rate_limit("soon")

    fetched = make_source(backoff_base_seconds=3.0).fetch(WINDOW_START, WINDOW_END)

    assert sleeps == [3.0]
    assert fetched.stats.rate_limit_waits == 1


def test_a_rate_limit_reset_longer_than_the_source_waits_fails_at_once(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.inject_rate_limit(3600)

    with pytest.raises(DatadogFetchError, match="rate limit resets in 3600 s") as raised:
        make_source(max_rate_limit_wait_seconds=300).fetch(WINDOW_START, WINDOW_END)

    assert sleeps == []
    assert raised.value.status == 429


def test_server_errors_are_retried_with_exponential_backoff(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.add_spans([export_span(i) for i in range(3)])
    datadog_double.inject_server_error(500)
    datadog_double.inject_server_error(503)
    datadog_double.inject_server_error(502)

    fetched = make_source(backoff_base_seconds=2.0).fetch(WINDOW_START, WINDOW_END)

    assert len(fetched.items) == 3
    assert sleeps == [2.0, 4.0, 8.0]
    assert (fetched.stats.retries, fetched.stats.rate_limit_waits, fetched.stats.api_calls) == (3, 0, 4)
    assert fetched.stats.waited_seconds == 14.0


def test_each_retry_is_logged_as_json_with_its_outcome(
    datadog_double: DatadogDouble,
    make_source: Callable[..., DatadogSpanSource],
    caplog: pytest.LogCaptureFixture,
) -> None:
    datadog_double.inject_server_error(503)
    datadog_double.inject_rate_limit(1)
    caplog.set_level(logging.INFO, logger="evalforge.datadog")

    make_source(ml_app="support-bot").fetch(WINDOW_START, WINDOW_END)

    events = [
        json.loads(record.getMessage()) for record in caplog.records if record.name == "evalforge.datadog"
    ]
    assert [record.event for record in caplog.records if record.name == "evalforge.datadog"] == events  # type: ignore[attr-defined]
    retry_events = [
        (e["event"], e.get("status"), e.get("outcome"))
        for e in events
        if e["event"].startswith("datadog_retry")
    ]
    assert retry_events == [
        ("datadog_retry_scheduled", 503, None),
        ("datadog_retry_outcome", 429, "failed"),
        ("datadog_retry_scheduled", 429, None),
        ("datadog_retry_outcome", 200, "succeeded"),
    ]
    assert all(e["ml_app"] == "support-bot" and e["window_from"] == WINDOW_FROM_TEXT for e in events)


def test_exhausted_retries_raise_an_error_naming_window_filter_and_status(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.inject_server_error(503, times=3)

    with pytest.raises(DatadogFetchError) as raised:
        make_source(ml_app="support-bot", max_retries=2).fetch(WINDOW_START, WINDOW_END)

    message = str(raised.value)
    assert WINDOW_FROM_TEXT in message and WINDOW_TO_TEXT in message
    assert "ml_app=support-bot" in message
    assert "HTTP 503" in message
    assert "DD_MAX_RETRIES" in message
    assert raised.value.status == 503
    assert raised.value.window == (WINDOW_FROM_TEXT, WINDOW_TO_TEXT)
    assert len(sleeps) == 2
    assert datadog_double.pending_faults == 0


def test_an_org_without_llm_obs_data_yields_no_spans_without_retrying(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.inject_empty_org()

    fetched = make_source().fetch(WINDOW_START, WINDOW_END)

    assert fetched.items == []
    assert (fetched.stats.pages, fetched.stats.api_calls, fetched.stats.retries) == (0, 1, 0)
    assert sleeps == []
    assert b"No valid indexes specified" in datadog_double.exchanges[0].response.body


def test_other_client_errors_are_not_retried(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    datadog_double.inject(
        400, {"errors": [{"status": "400", "title": "Bad Request", "detail": "bad filter"}]}
    )

    with pytest.raises(DatadogFetchError, match="HTTP 400") as raised:
        make_source().fetch(WINDOW_START, WINDOW_END)

    assert sleeps == []
    assert raised.value.status == 400


def test_missing_keys_are_a_clear_configuration_error() -> None:
    with pytest.raises(DatadogConfigError, match="DD_APP_KEY is not set"):
        DatadogSpanSource("an-api-key", None)
    with pytest.raises(DatadogConfigError, match="DD_API_KEY and DD_APP_KEY are not set"):
        DatadogSpanSource.from_settings(Settings(_env_file=None, DD_API_KEY=None, DD_APP_KEY=None))


def test_from_settings_reads_every_datadog_setting(datadog_double: DatadogDouble) -> None:
    settings = Settings(
        _env_file=None,
        DD_API_KEY=DEFAULT_API_KEY,
        DD_APP_KEY=DEFAULT_APP_KEY,
        DD_API_HOST=datadog_double.base_url,
        DD_ML_APP="support-bot",
        DD_PAGE_SIZE=3,
        DD_MAX_RETRIES=0,
    )
    datadog_double.add_spans([export_span(i) for i in range(4)])

    fetched = DatadogSpanSource.from_settings(settings).fetch(WINDOW_START, WINDOW_END)

    assert len(fetched.items) == 4 and fetched.stats.pages == 2
    assert datadog_double.requests[0].query_value("page[limit]") == "3"
    assert datadog_double.requests[0].query_value("filter[ml_app]") == "support-bot"


def test_rejected_keys_fail_at_once_with_an_auth_error(
    datadog_double: DatadogDouble, make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    with pytest.raises(DatadogAuthError) as raised:
        make_source(app_key="not-the-right-key").fetch(WINDOW_START, WINDOW_END)

    assert raised.value.status == 403
    assert "DD_API_KEY" in str(raised.value) and "DD_APP_KEY" in str(raised.value)
    assert sleeps == []
    assert [exchange.response.status for exchange in datadog_double.exchanges] == [403]


def test_the_double_refuses_requests_without_both_key_headers(datadog_double: DatadogDouble) -> None:
    url = f"{datadog_double.base_url}/api/v2/llm-obs/v1/spans/events"

    only_api_key = httpx.get(url, headers={"DD-API-KEY": DEFAULT_API_KEY})
    no_keys = httpx.get(url)

    for response in (only_api_key, no_keys):
        assert response.status_code == 403
        assert isinstance(response.json()["errors"], list) and response.json()["errors"]


def test_keys_never_appear_in_logs_repr_or_errors(
    datadog_double: DatadogDouble,
    make_source: Callable[..., DatadogSpanSource],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, including urllib3 and datadog_api_client
    datadog_double.add_spans([export_span(i) for i in range(12)])
    datadog_double.inject_rate_limit(1)
    datadog_double.inject_server_error(503)
    source = make_source(ml_app="support-bot")
    source.fetch(WINDOW_START, WINDOW_END)
    datadog_double.inject_server_error(503, times=2)
    with pytest.raises(DatadogFetchError) as raised:
        make_source(max_retries=1).fetch(WINDOW_START, WINDOW_END)
    with pytest.raises(DatadogAuthError) as refused:
        make_source(api_key="wrong-" + DEFAULT_API_KEY).fetch(WINDOW_START, WINDOW_END)

    assert caplog.records, "the fetch should have logged something for this check to mean anything"
    visible = "\n".join([caplog.text, repr(source), str(source), str(raised.value), str(refused.value)])
    for key in (DEFAULT_API_KEY, DEFAULT_APP_KEY):
        assert key not in visible
    # The keys really were sent, so their absence above is not an accident of the setup.
    assert datadog_double.requests[0].headers["dd-api-key"] == DEFAULT_API_KEY


def test_every_request_the_source_sends_matches_datadogs_openapi_spec(
    datadog_double: DatadogDouble,
    make_source: Callable[..., DatadogSpanSource],
    datadog_openapi: DatadogOpenAPI,
) -> None:
    datadog_double.add_spans([export_span(i) for i in range(25)])
    datadog_double.inject_rate_limit(2)
    datadog_double.inject_server_error(503)

    make_source(ml_app="support-bot").fetch(WINDOW_START, WINDOW_END)

    requests = datadog_double.requests
    assert len(requests) == 5
    for request in requests:
        datadog_openapi.validate_request(request)


def test_every_answer_of_the_double_matches_datadogs_openapi_spec(
    datadog_double: DatadogDouble,
    make_source: Callable[..., DatadogSpanSource],
    datadog_openapi: DatadogOpenAPI,
) -> None:
    datadog_double.add_spans([export_span(i) for i in range(25)])
    datadog_double.inject_rate_limit(2)
    datadog_double.inject_server_error(503)
    make_source(ml_app="support-bot").fetch(WINDOW_START, WINDOW_END)
    with pytest.raises(DatadogAuthError):
        make_source(app_key="wrong").fetch(WINDOW_START, WINDOW_END)
    search = httpx.post(
        f"{datadog_double.base_url}/api/v2/llm-obs/v1/spans/events/search",
        headers={"DD-API-KEY": DEFAULT_API_KEY, "DD-APPLICATION-KEY": DEFAULT_APP_KEY},
        json={
            "data": {
                "type": "spans",
                "attributes": {
                    "filter": {"from": WINDOW_FROM_TEXT, "to": WINDOW_TO_TEXT, "ml_app": "support-bot"},
                    "page": {"limit": 20},
                },
            }
        },
    )
    assert search.status_code == 200 and len(search.json()["data"]) == 20
    rejected = httpx.get(
        f"{datadog_double.base_url}/api/v2/llm-obs/v1/spans/events",
        headers={"DD-API-KEY": DEFAULT_API_KEY, "DD-APPLICATION-KEY": DEFAULT_APP_KEY},
        params={"page[limit]": "6000"},
    )
    assert rejected.status_code == 400

    checked_statuses = []
    for exchange in datadog_double.exchanges:
        if exchange.request.path.endswith("/search"):
            datadog_openapi.validate_request(exchange.request)
        if datadog_openapi.validate_response(
            exchange.request, exchange.response, undocumented_status_ok=True
        ):
            checked_statuses.append(exchange.response.status)
    # 503 is not in Datadog's spec; everything else the double said was checked.
    assert sorted(checked_statuses) == [200, 200, 200, 200, 400, 403, 429]


# openapi-core warns when it falls back to the spec's alternative OAuth scheme for the request without keys.
@pytest.mark.filterwarnings("ignore:Unsupported scheme type")
def test_spec_validation_catches_shape_mistakes(
    datadog_double: DatadogDouble,
    make_source: Callable[..., DatadogSpanSource],
    datadog_openapi: DatadogOpenAPI,
) -> None:
    # `page: null` is outside Datadog's published schema: the validator must say so, which is also why the
    # double only sends it when a test asks for it.
    datadog_double.end_of_results = "null"
    make_source().fetch(WINDOW_START, WINDOW_END)
    exchange = datadog_double.exchanges[0]
    with pytest.raises(SpecMismatch, match="page"):
        datadog_openapi.validate_response(exchange.request, exchange.response)

    url = f"{datadog_double.base_url}/api/v2/llm-obs/v1/spans/events"
    keys = {"DD-API-KEY": DEFAULT_API_KEY, "DD-APPLICATION-KEY": DEFAULT_APP_KEY}
    httpx.get(url, params={"page[limit]": "ten"}, headers=keys)
    with pytest.raises(SpecMismatch, match=r"page\[limit\]"):
        datadog_openapi.validate_request(datadog_double.exchanges[-1].request)
    httpx.get(url, params={"page[limit]": "10"}, headers={"DD-API-KEY": DEFAULT_API_KEY})
    with pytest.raises(SpecMismatch, match="DD-APPLICATION-KEY"):
        datadog_openapi.validate_request(datadog_double.exchanges[-1].request)

    span_without_required_fields = {
        "data": [{"id": "1", "type": "span", "attributes": {"name": "x"}}],
        "meta": {"elapsed": 1, "request_id": "r", "status": "done", "page": {}},
    }
    datadog_double.inject(200, span_without_required_fields)
    make_source().fetch(WINDOW_START, WINDOW_END)
    exchange = datadog_double.exchanges[-1]
    with pytest.raises(SpecMismatch, match="span_id"):
        datadog_openapi.validate_response(exchange.request, exchange.response)


def test_a_dropped_connection_is_retried_then_reported_with_the_window(
    make_source: Callable[..., DatadogSpanSource], sleeps: list[float]
) -> None:
    # Port 1 on loopback refuses connections: no HTTP answer at all.
    with pytest.raises(DatadogFetchError, match="no HTTP answer") as raised:
        make_source(host="http://127.0.0.1:1", max_retries=1).fetch(WINDOW_START, WINDOW_END)

    assert sleeps == [2.0]
    assert raised.value.status is None
    assert WINDOW_FROM_TEXT in str(raised.value)


SPEC_USER_TEST = """
def test_needs_the_spec(datadog_openapi):
    assert datadog_openapi
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_an_unobtainable_spec_skips_locally_and_fails_under_ci(tmp_path: Path, ci: str, outcome: str) -> None:
    (tmp_path / "test_user.py").write_text(SPEC_USER_TEST)
    env = {
        **os.environ,
        "CI": ci,
        spec_module.CACHE_ROOT_ENV: str(tmp_path / "empty-cache"),
        "PIP_NO_INDEX": "1",  # pip fails at once instead of reaching the registry
        "PYTHONPATH": str(spec_module.REPO_ROOT),
    }
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.doubles.datadog_spec", "-q", "-rs", "-p", "no:cacheprovider",
         str(tmp_path / "test_user.py")],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    assert outcome in result.stdout, result.stdout + result.stderr
    assert "pip could not download" in result.stdout

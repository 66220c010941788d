"""The demo app: endpoints, the checkout contract (guests, wrong tokens, invalid bodies), bug switch, metrics,
OpenAPI, tracing opt-in, traffic generator."""

from __future__ import annotations

import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
import types
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

import demo_app.main as demo_main
from demo_app.main import BUG_SWITCH, CATALOG, BugSwitch, create_app
from demo_app.traffic import TRAFFIC_MIX, run_traffic

REPO_ROOT = Path(__file__).resolve().parents[2]
AUTH = {"Authorization": "Bearer demo-token"}
VALID_ORDER = {"sku": "SKU-1002", "quantity": 3, "payment_token": "tok_visa_4242"}


@pytest.fixture
def client() -> Iterator[TestClient]:
    with TestClient(create_app(bug_switch=BugSwitch(), token="demo-token")) as test_client:
        yield test_client


def request_counts(client: TestClient) -> dict[tuple[str, str, str], float]:
    counts: dict[tuple[str, str, str], float] = {}
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if sample.name == "demo_http_requests_total":
                counts[(sample.labels["method"], sample.labels["route"], sample.labels["status"])] = (
                    sample.value
                )
    return counts


def latency_count(client: TestClient, route: str, method: str) -> float:
    for family in text_string_to_metric_families(client.get("/metrics").text):
        for sample in family.samples:
            if (
                sample.name == "demo_http_request_duration_seconds_count"
                and sample.labels["route"] == route
                and sample.labels["method"] == method
            ):
                return sample.value
    return 0.0


def record_checkout_orders(client: TestClient) -> list[dict]:
    """The orders checkout answers through `client` from now on."""
    orders: list[dict] = []

    def keep(response: httpx.Response) -> None:
        if response.request.url.path == "/checkout":
            response.read()
            orders.append(response.json())

    client.event_hooks["response"].append(keep)
    return orders


# -- endpoints ----------------------------------------------------------------------------------------------


def test_health_is_200_even_while_the_bug_is_on(client: TestClient) -> None:
    client.post("/admin/bug", json={"enabled": True})

    response = client.get("/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_catalog_lists_products_with_sku_name_and_price(client: TestClient) -> None:
    response = client.get("/catalog")

    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == len(CATALOG) >= 2
    assert all(set(item) == {"sku", "name", "price"} for item in items)
    assert {item["sku"] for item in items} == {product.sku for product in CATALOG}


def test_checkout_returns_an_order_when_healthy(client: TestClient) -> None:
    response = client.post("/checkout", json=VALID_ORDER, headers=AUTH)

    assert response.status_code == 200
    order = response.json()
    assert order["sku"] == "SKU-1002"
    assert order["quantity"] == 3
    assert order["total"] == pytest.approx(3 * 14.0)
    assert order["status"] == "confirmed"
    assert order["order_id"].startswith("ord_")


# How a client that follows the incident contract calls checkout: no token, and `{}` or no body at all.
GUEST_REQUESTS = {
    "no body": {},
    "empty object": {"json": {}},
    "json null": {"content": b"null", "headers": {"content-type": "application/json"}},
    "empty json body": {"content": b"", "headers": {"content-type": "application/json"}},
}


@pytest.mark.parametrize("request_kwargs", GUEST_REQUESTS.values(), ids=GUEST_REQUESTS.keys())
def test_a_guest_checkout_without_token_or_body_buys_one_of_the_first_item(
    client: TestClient, request_kwargs: dict
) -> None:
    response = client.post("/checkout", **request_kwargs)

    assert response.status_code == 200, response.text
    order = response.json()
    assert (order["sku"], order["quantity"], order["buyer"]) == (CATALOG[0].sku, 1, "guest")
    assert order["total"] == pytest.approx(CATALOG[0].price)


@pytest.mark.parametrize("request_kwargs", GUEST_REQUESTS.values(), ids=GUEST_REQUESTS.keys())
def test_a_guest_checkout_is_500_while_the_bug_is_on_and_200_after_the_fix(
    client: TestClient, request_kwargs: dict
) -> None:
    client.post("/admin/bug", json={"enabled": True})
    broken = client.post("/checkout", **request_kwargs)
    client.post("/admin/bug", json={"enabled": False})
    fixed = client.post("/checkout", **request_kwargs)

    assert broken.status_code == 500 and "demo bug is on" in broken.json()["error"]
    assert fixed.status_code == 200


def test_a_guest_may_name_the_item_and_quantity(client: TestClient) -> None:
    response = client.post("/checkout", json={"sku": "SKU-1003", "quantity": 2})

    assert response.status_code == 200
    assert (response.json()["sku"], response.json()["quantity"], response.json()["buyer"]) == ("SKU-1003", 2, "guest")


def test_the_right_token_checks_out_as_an_account(client: TestClient) -> None:
    response = client.post("/checkout", json={}, headers=AUTH)

    assert response.status_code == 200
    assert response.json()["buyer"] == "account"


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "Basic ZGVtbzpkZW1v"},
        {"Authorization": "Bearer"},
        {"Authorization": ""},
        {"Authorization": "demo-token"},
    ],
    ids=["wrong token", "not bearer", "bearer without token", "empty header", "token without scheme"],
)
def test_a_token_that_is_present_but_wrong_is_401(client: TestClient, headers: dict[str, str]) -> None:
    response = client.post("/checkout", json=VALID_ORDER, headers=headers)

    assert response.status_code == 401
    assert "Invalid bearer token" in response.json()["error"]
    assert "no Authorization header at all to check out as a guest" in response.json()["error"]
    assert response.headers["www-authenticate"] == "Bearer"


def test_a_wrong_token_is_401_even_while_the_bug_is_on(client: TestClient) -> None:
    client.post("/admin/bug", json={"enabled": True})

    assert client.post("/checkout", json={}, headers={"Authorization": "Bearer wrong-token"}).status_code == 401


def test_authentication_is_checked_before_the_body(client: TestClient) -> None:
    response = client.post("/checkout", json={"quantity": "lots"}, headers={"Authorization": "Bearer wrong"})

    assert response.status_code == 401


def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEMO_APP_TOKEN", "rotated-token")
    client = TestClient(create_app(bug_switch=BugSwitch()))

    assert client.post("/checkout", json=VALID_ORDER, headers=AUTH).status_code == 401
    accepted = client.post("/checkout", json=VALID_ORDER, headers={"Authorization": "Bearer rotated-token"})
    assert accepted.status_code == 200 and accepted.json()["buyer"] == "account"
    assert client.post("/checkout", json=VALID_ORDER).json()["buyer"] == "guest"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"sku": "SKU-1001", "quantity": 0, "payment_token": "tok"}, "quantity"),
        ({"sku": "SKU-1001", "quantity": -2, "payment_token": "tok"}, "quantity"),
        ({"sku": "SKU-1001", "quantity": "two", "payment_token": "tok"}, "quantity"),
        ({"quantity": 101}, "quantity"),
        ({"sku": "SKU-1001", "payment_token": ""}, "payment_token"),
        ({"sku": "", "quantity": 1, "payment_token": "tok"}, "sku"),
        ({"sku": "SKU-1001", "qty": 2}, "qty"),
    ],
)
@pytest.mark.parametrize("headers", [{}, AUTH], ids=["guest", "account"])
def test_invalid_checkout_body_is_422_naming_the_field(
    client: TestClient, body: dict, field: str, headers: dict[str, str]
) -> None:
    response = client.post("/checkout", json=body, headers=headers)

    assert response.status_code == 422
    assert [error["loc"][-1] for error in response.json()["detail"]] == [field]


@pytest.mark.parametrize(
    "request_kwargs",
    [{"json": []}, {"json": "SKU-1001"}, {"content": b"sku=SKU-1001"},
     {"content": b"{not json", "headers": {"content-type": "application/json"}}],
    ids=["json array", "json string", "form text", "broken json"],
)
def test_a_body_that_is_present_but_not_an_order_is_422(client: TestClient, request_kwargs: dict) -> None:
    client.post("/admin/bug", json={"enabled": True})  # the negative case holds whatever the bug does

    assert client.post("/checkout", **request_kwargs).status_code == 422


def test_invalid_body_is_still_422_while_the_bug_is_on(client: TestClient) -> None:
    client.post("/admin/bug", json={"enabled": True})

    response = client.post(
        "/checkout", json={"sku": "SKU-1001", "quantity": 0, "payment_token": "t"}, headers=AUTH
    )

    assert response.status_code == 422


def test_unknown_sku_is_404_with_an_error(client: TestClient) -> None:
    response = client.post("/checkout", json={**VALID_ORDER, "sku": "SKU-0000"}, headers=AUTH)

    assert response.status_code == 404
    assert "SKU-0000" in response.json()["error"]


def test_bug_switch_breaks_and_fixes_checkout(client: TestClient) -> None:
    assert client.get("/admin/bug").json() == {"bug_enabled": False}

    assert client.post("/admin/bug", json={"enabled": True}).json() == {"bug_enabled": True}
    assert client.get("/admin/bug").json() == {"bug_enabled": True}
    broken = client.post("/checkout", json=VALID_ORDER, headers=AUTH)
    assert broken.status_code == 500
    assert set(broken.json()) == {"error"}
    assert "demo bug is on" in broken.json()["error"]

    assert client.post("/admin/bug", json={"enabled": False}).json() == {"bug_enabled": False}
    assert client.post("/checkout", json=VALID_ORDER, headers=AUTH).status_code == 200


def test_bug_toggle_body_is_validated(client: TestClient) -> None:
    assert client.post("/admin/bug", json={"enabled": "maybe"}).status_code == 422
    assert client.post("/admin/bug", json={}).status_code == 422
    assert client.get("/admin/bug").json() == {"bug_enabled": False}


def test_apps_with_their_own_switch_do_not_share_the_bug() -> None:
    first = TestClient(create_app(bug_switch=BugSwitch()))
    second = TestClient(create_app(bug_switch=BugSwitch()))

    first.post("/admin/bug", json={"enabled": True})

    assert first.get("/admin/bug").json() == {"bug_enabled": True}
    assert second.get("/admin/bug").json() == {"bug_enabled": False}


def test_module_app_uses_the_process_wide_switch() -> None:
    client = TestClient(demo_main.app)
    try:
        client.post("/admin/bug", json={"enabled": True})
        assert BUG_SWITCH.enabled is True
    finally:
        BUG_SWITCH.set(False)
    assert client.get("/admin/bug").json() == {"bug_enabled": False}


# -- metrics ------------------------------------------------------------------------------------------------


def test_request_counter_moves_by_route_method_and_status(client: TestClient) -> None:
    client.get("/health")
    client.get("/catalog")
    client.post("/checkout", json=VALID_ORDER, headers=AUTH)
    client.post("/checkout", json=VALID_ORDER, headers={"Authorization": "Bearer wrong"})  # 401
    client.post("/admin/bug", json={"enabled": True})
    client.post("/checkout", json=VALID_ORDER, headers=AUTH)  # 500
    client.post("/checkout", json=VALID_ORDER, headers=AUTH)  # 500
    client.get("/no-such-page")

    counts = request_counts(client)

    assert counts[("GET", "/health", "200")] == 1
    assert counts[("GET", "/catalog", "200")] == 1
    assert counts[("POST", "/checkout", "200")] == 1
    assert counts[("POST", "/checkout", "401")] == 1
    assert counts[("POST", "/checkout", "500")] == 2
    assert counts[("POST", "/admin/bug", "200")] == 1
    assert counts[("GET", "unmatched", "404")] == 1


def test_metric_scrapes_are_not_counted_as_traffic(client: TestClient) -> None:
    client.get("/metrics")
    client.get("/metrics")

    assert not any(route == "/metrics" for _, route, _ in request_counts(client))


def test_latency_histogram_observes_each_request(client: TestClient) -> None:
    assert latency_count(client, "/catalog", "GET") == 0

    for _ in range(3):
        client.get("/catalog")

    assert latency_count(client, "/catalog", "GET") == 3
    families = {family.name: family for family in text_string_to_metric_families(client.get("/metrics").text)}
    histogram = families["demo_http_request_duration_seconds"]
    assert histogram.type == "histogram"
    assert any(
        sample.name.endswith("_bucket") and sample.labels["le"] == "+Inf" and sample.value == 3
        for sample in histogram.samples
        if sample.labels.get("route") == "/catalog"
    )


def test_bug_gauge_follows_the_switch(client: TestClient) -> None:
    client.post("/admin/bug", json={"enabled": True})

    assert "demo_bug_enabled 1.0" in client.get("/metrics").text


def test_each_app_has_its_own_metric_registry() -> None:
    first = TestClient(create_app(bug_switch=BugSwitch()))
    second = TestClient(create_app(bug_switch=BugSwitch()))

    first.get("/health")

    assert request_counts(first)[("GET", "/health", "200")] == 1
    assert ("GET", "/health", "200") not in request_counts(second)


# -- OpenAPI ------------------------------------------------------------------------------------------------


def test_openapi_describes_every_route() -> None:
    app: FastAPI = create_app(bug_switch=BugSwitch())
    spec = TestClient(app).get("/openapi.json").json()
    documented = {(path, method.upper()) for path, item in spec["paths"].items() for method in item}
    served = {
        (route.path, method)
        for route in app.routes
        if getattr(route, "include_in_schema", False)
        for method in route.methods
        if method != "HEAD"
    }

    assert served == documented
    assert {path for path, _ in documented} == {"/health", "/catalog", "/checkout", "/admin/bug", "/metrics"}
    assert all(spec["paths"][path][method.lower()].get("summary") for path, method in documented)


def test_openapi_checkout_has_schema_examples_optional_auth_and_error_answers() -> None:
    spec = TestClient(create_app(bug_switch=BugSwitch())).get("/openapi.json").json()
    checkout = spec["paths"]["/checkout"]["post"]

    assert not checkout["requestBody"].get("required", False)  # no body is a guest order of the first item
    body = checkout["requestBody"]["content"]["application/json"]
    assert {"$ref": "#/components/schemas/CheckoutRequest"} in body["schema"]["anyOf"]
    assert body["examples"]["valid"]["value"] == {
        "sku": "SKU-1001",
        "quantity": 1,
        "payment_token": "tok_visa_4242",
    }
    assert body["examples"]["guest_default"]["value"] == {}
    assert body["examples"]["zero_quantity"]["value"]["quantity"] == 0
    request_schema = spec["components"]["schemas"]["CheckoutRequest"]
    assert request_schema.get("required", []) == []
    assert request_schema["properties"]["sku"]["default"] == CATALOG[0].sku
    assert request_schema["properties"]["quantity"]["exclusiveMinimum"] == 0
    assert request_schema["additionalProperties"] is False
    assert {"200", "401", "404", "422", "500"} <= set(checkout["responses"])
    # OpenAPI's "credentials optional": the bearer scheme or the empty requirement.
    assert sorted(checkout["security"], key=len) == [{}, {"DemoBearer": []}]
    assert spec["components"]["securitySchemes"]["DemoBearer"]["scheme"] == "bearer"


def test_every_documented_checkout_example_gets_the_answer_it_promises(client: TestClient) -> None:
    examples = client.get("/openapi.json").json()["paths"]["/checkout"]["post"]["requestBody"]["content"][
        "application/json"]["examples"]
    promised = {"valid": 200, "guest_default": 200, "zero_quantity": 422, "unknown_field": 422, "unknown_sku": 404}

    assert set(examples) == set(promised)
    assert {name: client.post("/checkout", json=example["value"]).status_code
            for name, example in examples.items()} == promised


def test_openapi_bug_switch_has_schema_and_examples() -> None:
    spec = TestClient(create_app(bug_switch=BugSwitch())).get("/openapi.json").json()
    post = spec["paths"]["/admin/bug"]["post"]

    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/BugToggle"
    }
    examples = post["requestBody"]["content"]["application/json"]["examples"]
    assert {example["value"]["enabled"] for example in examples.values()} == {True, False}
    assert "get" in spec["paths"]["/admin/bug"]


# -- optional tracing ----------------------------------------------------------------------------------------


def test_tracing_stays_off_unless_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    patched: list[dict] = []
    monkeypatch.setitem(sys.modules, "ddtrace", types.SimpleNamespace(patch=lambda **kw: patched.append(kw)))
    monkeypatch.delenv("DD_TRACE_ENABLED", raising=False)

    demo_main._start_tracing_if_requested()

    assert patched == []


def test_tracing_patches_fastapi_when_enabled_and_ddtrace_is_present(monkeypatch: pytest.MonkeyPatch) -> None:
    patched: list[dict] = []
    monkeypatch.setitem(sys.modules, "ddtrace", types.SimpleNamespace(patch=lambda **kw: patched.append(kw)))
    monkeypatch.setenv("DD_TRACE_ENABLED", "true")

    demo_main._start_tracing_if_requested()

    assert patched == [{"fastapi": True}]


def test_tracing_requested_without_ddtrace_only_warns(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setitem(sys.modules, "ddtrace", None)  # makes `import ddtrace` raise ImportError
    monkeypatch.setenv("DD_TRACE_ENABLED", "true")

    with caplog.at_level(logging.WARNING, logger="demo_app"):
        demo_main._start_tracing_if_requested()

    assert "ddtrace is not installed" in caplog.text


# -- traffic generator ----------------------------------------------------------------------------------------


def test_traffic_mixes_health_catalog_and_guest_checkout(client: TestClient) -> None:
    orders = record_checkout_orders(client)

    stats = run_traffic("http://testserver", rate_per_second=50, client=client, max_requests=8)

    assert stats.sent == 8
    assert stats.by_status == {"200": 8}
    counts = request_counts(client)
    assert counts[("GET", "/health", "200")] == 2
    assert counts[("GET", "/catalog", "200")] == 2
    assert counts[("POST", "/checkout", "200")] == 4
    assert {order["buyer"] for order in orders} == {"guest"}


def test_traffic_does_not_depend_on_the_apps_token(monkeypatch: pytest.MonkeyPatch) -> None:
    # A stack whose traffic generator and demo app disagree on the token must still show the bug.
    monkeypatch.setenv("DEMO_APP_TOKEN", "a-token-the-app-does-not-use")
    client = TestClient(create_app(bug_switch=BugSwitch(enabled=True), token="the-apps-token"))

    stats = run_traffic("http://testserver", rate_per_second=50, client=client, max_requests=4)

    assert stats.by_status == {"200": 2, "500": 2}


def test_traffic_with_a_token_checks_out_as_an_account(client: TestClient) -> None:
    orders = record_checkout_orders(client)

    stats = run_traffic("http://testserver", rate_per_second=50, client=client, max_requests=4, token="demo-token")

    assert stats.by_status == {"200": 4}
    assert [order["buyer"] for order in orders] == ["account", "account"]


def test_traffic_error_rate_reflects_the_bug(client: TestClient) -> None:
    client.post("/admin/bug", json={"enabled": True})

    stats = run_traffic(
        "http://testserver", rate_per_second=50, client=client, max_requests=2 * len(TRAFFIC_MIX)
    )

    assert stats.server_errors == stats.by_status["500"] == stats.sent // 2


def test_traffic_stops_at_once_when_the_stop_event_is_set(client: TestClient) -> None:
    stop = threading.Event()
    stop.set()

    stats = run_traffic("http://testserver", rate_per_second=1, stop_event=stop, client=client)

    assert stats.sent == 0


def test_traffic_counts_connection_errors_instead_of_crashing() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    # Nothing listens on the port now; two attempts, the second after a short back-off.
    stats = run_traffic(f"http://127.0.0.1:{port}", rate_per_second=50, max_requests=2)

    assert stats.by_status == {"connection_error": 2}


@pytest.mark.parametrize(
    ("url", "rate", "message"),
    [
        ("127.0.0.1:8001", 5, "http"),
        ("http://127.0.0.1:8001", 0, "above 0"),
        ("http://127.0.0.1:8001", 500, "at most 50"),
    ],
)
def test_traffic_refuses_bad_arguments(url: str, rate: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        run_traffic(url, rate_per_second=rate, max_requests=1)


class _DemoServer:
    """The demo app served by uvicorn on a free loopback port, in a thread this object starts and stops."""

    def __init__(self) -> None:
        self.app = create_app(bug_switch=BugSwitch(), token="demo-token")
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self.base_url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="off")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._listener]}, daemon=True
        )

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("The demo app's uvicorn server did not start.")
            time.sleep(0.02)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._listener.close()


@pytest.fixture
def demo_server() -> Iterator[_DemoServer]:
    server = _DemoServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.e2e
def test_traffic_command_runs_against_a_real_server_until_sigterm(demo_server: _DemoServer) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "demo_app.traffic", "--url", demo_server.base_url, "--rate", "20"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        metrics = TestClient(demo_server.app)
        deadline = time.monotonic() + 60
        while not request_counts(metrics).get(("POST", "/checkout", "200")):
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            assert time.monotonic() < deadline, "no checkout arrived from the traffic generator within 60 s"
            time.sleep(0.1)

        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    assert process.returncode == 0, stderr
    summary = json.loads(stdout.strip().splitlines()[-1])
    assert summary["sent"] >= 3
    assert set(summary["by_status"]) == {"200"}

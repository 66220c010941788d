"""The httpx check runner against an in-process app and mock transports (the TestSprite runner has its own
tests: tests/unit/test_testsprite_files.py and tests/integration/test_testsprite_*.py)."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from evalforge_assets import models
from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType
from evalforge_assets.models import TestStatus as Status  # aliased so pytest does not try to collect it
from evalforge_assets.recovery.checks import HttpxTestRunner
from evalforge_assets.recovery.plan import deterministic_plan

NOW = "2026-01-15T10:00:00.000000Z"
SHOP = "http://testserver"


# ------------------------------------------------------------------------------------------------- a shop app


class CheckoutBody(BaseModel):
    sku: str = Field(min_length=1, examples=["SKU-1001"])
    quantity: int = Field(gt=0, examples=[1])
    payment_token: str = Field(min_length=1, examples=["tok_visa_4242"])


class Product(BaseModel):
    sku: str = Field(examples=["SKU-1001"])
    name: str
    price: float


class Catalog(BaseModel):
    items: list[Product]


class Order(BaseModel):
    order_id: str
    sku: str
    quantity: int


BEARER = HTTPBearer(auto_error=False)


def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
    if credentials is None or credentials.credentials != "demo-token":
        raise HTTPException(status_code=401, detail="Missing or invalid bearer token.")


def shop_app(bug: dict[str, bool]) -> FastAPI:
    """A small stand-in for the demo shop: bearer auth on checkout, 422 on bad bodies, 500 while `bug["on"]`."""
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/catalog")
    def catalog() -> Catalog:
        return Catalog(items=[Product(sku="SKU-1001", name="Trail running shoes", price=89.5)])

    @app.post("/checkout", dependencies=[Depends(require_token)],
              responses={401: {"description": "No or a wrong bearer token."}, 500: {"description": "Bug on."}})
    def checkout(body: CheckoutBody) -> Order:
        if bug["on"]:
            raise HTTPException(status_code=500, detail="KeyError: 'authorization_code'")
        return Order(order_id="ord_0001", sku=body.sku, quantity=body.quantity)

    return app


@pytest.fixture()
def bug() -> dict[str, bool]:
    return {"on": False}


@pytest.fixture()
def shop(bug: dict[str, bool]) -> Iterator[TestClient]:
    with TestClient(shop_app(bug), base_url=SHOP) as client:
        yield client


def shop_plan(client: TestClient) -> Plan:
    signal = {"error_rate_5m": 0.5, "p95_latency_ms_5m": 40.0, "top_error": "POST /checkout 500"}
    return deterministic_plan(SHOP, client.app.openapi(), signal, NOW)


class Recorder:
    """Collects every update the runner reports, in order."""

    def __init__(self) -> None:
        self.updates: list[models.TestResult] = []

    def __call__(self, result: models.TestResult) -> None:
        self.updates.append(result)

    def statuses(self, test_id: str) -> list[Status]:
        return [update.status for update in self.updates if update.test_id == test_id]


def final(results: list[models.TestResult]) -> dict[str, models.TestResult]:
    return {result.test_id: result for result in results}


# ------------------------------------------------------------------------------------------------- httpx runner


def test_healthy_shop_passes_every_check(shop: TestClient) -> None:
    results = HttpxTestRunner(shop).run(shop_plan(shop), Recorder())
    assert [result.status for result in results] == [Status.PASS] * 5, [r.details for r in results]
    assert re.fullmatch(r"POST http://testserver/checkout answered 200 in \d+ ms; status == 200 and "
                        r"json.order_id exists and latency_ms < 1500 held\.", results[0].details)


def test_a_500_checkout_fails_with_the_failing_clause_and_the_body(shop: TestClient, bug: dict[str, bool]) -> None:
    bug["on"] = True
    results = final(HttpxTestRunner(shop).run(shop_plan(shop), Recorder()))
    checkout = results["checkout-valid-order"]
    assert checkout.status is Status.FAIL
    assert checkout.details.startswith("status == 200 failed: status was 500; json.order_id exists failed: "
                                       "json.order_id was missing (json has no key 'order_id')")
    assert "KeyError: 'authorization_code'" in checkout.details
    # The bug only breaks valid orders: bad input and missing credentials are still refused properly.
    others = [results[test_id].status for test_id in ("checkout-rejects-invalid-body", "checkout-requires-auth",
                                                       "health-up", "catalog-lists-products")]
    assert others == [Status.PASS] * 4


def test_callback_sees_pending_then_running_then_a_verdict_for_each_check(
    shop: TestClient, bug: dict[str, bool],
) -> None:
    bug["on"] = True
    plan = shop_plan(shop)
    recorder = Recorder()
    HttpxTestRunner(shop).run(plan, recorder)
    for check in plan.items:
        expected_end = Status.FAIL if check.test_id == "checkout-valid-order" else Status.PASS
        assert recorder.statuses(check.test_id) == [Status.PENDING, Status.RUNNING, expected_end]
    first_five = [update.status for update in recorder.updates[:5]]
    assert first_five == [Status.PENDING] * 5  # the whole plan is shown before anything runs
    assert [update.test_id for update in recorder.updates[:5]] == [check.test_id for check in plan.items]


def plan_of(*items: PlanItem) -> Plan:
    return Plan(plan_id="plan-test", generated_at=NOW, items=list(items))


def check(test_id: str, url: str, criteria: str = "status == 200", *, priority: int = 1,
          method: HttpMethod = HttpMethod.GET, body: dict[str, Any] | None = None) -> PlanItem:
    return PlanItem(test_id=test_id, name=test_id, type=PlanItemType.API, priority=priority,
                    what_it_checks="why", pass_criteria=criteria,
                    target=CheckTarget(method=method, url=url, body_json=body or {}))


def test_checks_run_concurrently() -> None:
    # Every request waits at a barrier that only opens once all five are in flight at the same time.
    barrier = threading.Barrier(5, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        return httpx.Response(200, json={"ok": True})

    plan = plan_of(*(check(f"c{n}", f"http://svc/{n}", priority=n) for n in range(1, 6)))
    results = HttpxTestRunner(transport=httpx.MockTransport(handler), concurrency=5).run(plan, Recorder())
    assert [result.status for result in results] == [Status.PASS] * 5, [r.details for r in results]


def test_unreachable_service_fails_with_a_connection_sentence() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    [result] = HttpxTestRunner(transport=httpx.MockTransport(handler)).run(
        plan_of(check("health", "http://svc/health")), Recorder())
    assert result.status is Status.FAIL
    assert result.details == ("Could not connect for GET http://svc/health: Connection refused. Check that the "
                              "service is running and that the URL is right.")


def test_a_timeout_fails_with_the_timeout_in_the_sentence() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    [result] = HttpxTestRunner(transport=httpx.MockTransport(handler), timeout=2.5).run(
        plan_of(check("health", "http://svc/health")), Recorder())
    assert result.details == "GET http://svc/health did not answer within 2.5 s."


def test_post_sends_the_json_body_and_get_sends_none() -> None:
    seen: dict[str, bytes] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.method] = request.content
        return httpx.Response(200)

    plan = plan_of(check("get", "http://svc/a"),
                   check("post", "http://svc/b", method=HttpMethod.POST, body={"quantity": 0}, priority=2))
    HttpxTestRunner(transport=httpx.MockTransport(handler)).run(plan, Recorder())
    assert seen == {"GET": b"", "POST": b'{"quantity":0}'}


def test_a_criteria_that_does_not_parse_fails_the_check_instead_of_the_run() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    [result] = HttpxTestRunner(transport=transport).run(plan_of(check("x", "http://svc/", "status = 200")),
                                                        Recorder())
    assert result.status is Status.FAIL
    assert result.details.startswith("The pass_criteria cannot be evaluated: use '==' to compare")


def test_timestamps_come_from_the_clock() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    ticks = iter(f"2026-01-15T10:00:0{n}.000000Z" for n in range(10))
    recorder = Recorder()
    HttpxTestRunner(transport=transport, clock=lambda: next(ticks)).run(
        plan_of(check("x", "http://svc/")), recorder)
    assert [update.last_update_at[:19] for update in recorder.updates] == [
        "2026-01-15T10:00:00", "2026-01-15T10:00:01", "2026-01-15T10:00:02"]

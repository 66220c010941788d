"""Recovery plans: the strict PlanDraft schema, its messages, coverage, and the deterministic planner, including
its verdicts against the real demo app (the incident contract's checkout: guests, wrong tokens, invalid bodies)."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from demo_app.main import BugSwitch, create_app
from evalforge_assets.models import CheckTarget, HttpMethod, PlanItem, PlanItemType, TestStatus
from evalforge_assets.recovery.checks import HttpxTestRunner
from evalforge_assets.recovery.criteria import parse_criteria
from evalforge_assets.recovery.plan import (
    REQUIRED_COVERAGE,
    WRONG_TOKEN,
    OpenApiDocument,
    PlanDraft,
    coverage_of,
    deterministic_plan,
    validate_plan,
)

BASE = "http://127.0.0.1:8001"
NOW = "2026-01-15T10:00:00.000000Z"
CHECKOUT_SIGNAL = {"error_rate_5m": 0.42, "p95_latency_ms_5m": 830.0, "top_error": "POST /checkout 500"}


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}}


# An OpenAPI 3.1 document shaped like the one FastAPI writes for a shop whose checkout requires a bearer token
# (the demo shop itself takes guests; its own document is tested against the real app below).
SHOP_OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {"title": "Demo shop", "version": "1.0.0"},
    "paths": {
        "/health": {"get": {"operationId": "health", "responses": {"200": {
            "description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}}}},
        "/catalog": {"get": {"operationId": "catalog", "responses": {"200": {
            "description": "OK", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Catalog"}}}}}}},
        "/checkout": {"post": {
            "operationId": "checkout",
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/CheckoutRequest"},
                "examples": {
                    "valid": {"summary": "A valid order",
                              "value": {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}},
                    "zero_quantity": {"summary": "Invalid: quantity 0",
                                      "value": {"sku": "SKU-1001", "quantity": 0, "payment_token": "tok_visa_4242"}},
                },
            }}},
            "responses": {
                "200": {"description": "OK", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/Order"}}}},
                "401": _error_response("No or a wrong bearer token."),
                "404": _error_response("Unknown sku."),
                "422": {"description": "Validation Error", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/HTTPValidationError"}}}},
                "500": _error_response("The bug is on."),
            },
            "security": [{"DemoBearer": []}],
        }},
        "/admin/bug": {"post": {"operationId": "set_bug", "requestBody": {"content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/BugToggle"}}}}, "responses": {"200": {"description": "OK"}}}},
        "/metrics": {"get": {"operationId": "metrics", "responses": {"200": {
            "description": "Prometheus text", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
    },
    "components": {
        "schemas": {
            "Health": {"type": "object", "required": ["status"],
                       "properties": {"status": {"type": "string", "const": "ok"}}},
            "Product": {"type": "object", "required": ["sku", "name", "price"], "properties": {
                "sku": {"type": "string", "examples": ["SKU-1001"]},
                "name": {"type": "string"}, "price": {"type": "number"}}},
            "Catalog": {"type": "object", "required": ["items"], "properties": {
                "items": {"type": "array", "items": {"$ref": "#/components/schemas/Product"}}}},
            "CheckoutRequest": {"type": "object", "required": ["sku", "quantity", "payment_token"], "properties": {
                "sku": {"type": "string", "minLength": 1},
                "quantity": {"type": "integer", "exclusiveMinimum": 0.0, "maximum": 100.0},
                "payment_token": {"type": "string", "minLength": 1}}},
            "Order": {"type": "object", "required": ["order_id", "sku", "quantity", "total"], "properties": {
                "order_id": {"type": "string"}, "sku": {"type": "string"},
                "quantity": {"type": "integer"}, "total": {"type": "number"}}},
            "ErrorBody": {"type": "object", "required": ["error"], "properties": {"error": {"type": "string"}}},
            "BugToggle": {"type": "object", "required": ["enabled"], "properties": {"enabled": {"type": "boolean"}}},
            "HTTPValidationError": {"type": "object", "properties": {"detail": {"type": "array"}}},
        },
        "securitySchemes": {"DemoBearer": {"type": "http", "scheme": "bearer"}},
    },
}


def item(test_id: str, method: str, path: str, criteria: str, priority: int, *,
         headers: dict[str, str] | None = None, body: dict[str, Any] | None = None) -> PlanItem:
    return PlanItem(
        test_id=test_id, name=test_id.replace("-", " "), type=PlanItemType.API, priority=priority,
        what_it_checks=f"Why {test_id} matters.", pass_criteria=criteria,
        target=CheckTarget(method=HttpMethod(method), url=BASE + path, headers=headers or {},
                           body_json=body or {}),
    )


def good_items() -> list[PlanItem]:
    auth = {"Authorization": "Bearer demo-token"}
    return [
        item("checkout-ok", "POST", "/checkout", "status == 200 and json.order_id exists", 1, headers=auth,
             body={"sku": "SKU-1001", "quantity": 1, "payment_token": "tok"}),
        item("checkout-bad-body", "POST", "/checkout", "status == 422", 2, headers=auth, body={"quantity": 0}),
        item("checkout-no-auth", "POST", "/checkout", "status == 401", 3, body={"sku": "SKU-1001"},
             headers={"Authorization": "Bearer wrong-token"}),
        item("health", "GET", "/health", "status == 200", 4),
        item("catalog", "GET", "/catalog", "status == 200 and json.items.length > 0", 5),
    ]


def draft_error(items: list[Any]) -> str:
    with pytest.raises(ValidationError) as caught:
        PlanDraft.model_validate({"items": items})
    return str(caught.value)


# ------------------------------------------------------------------------------------------------- PlanDraft


def test_a_complete_plan_is_accepted() -> None:
    draft = PlanDraft(items=good_items())
    assert validate_plan(draft) == []
    assert coverage_of(draft.items) == set(REQUIRED_COVERAGE)


@pytest.mark.parametrize(("count", "advice"), [(4, "add 1"), (6, "remove 1")])
def test_plans_with_other_than_five_checks_are_refused_with_a_sentence(count: int, advice: str) -> None:
    items = good_items()
    items = items[:4] if count == 4 else [*items, item("extra", "GET", "/health", "status == 200", 5)]
    message = draft_error([i.model_dump(mode="json") for i in items])
    assert f"A plan must have exactly 5 checks, but this one has {count}; {advice}" in message


def test_the_schema_still_declares_exactly_five_items_for_the_model() -> None:
    schema = PlanDraft.model_json_schema()["properties"]["items"]
    assert (schema["minItems"], schema["maxItems"]) == (5, 5)


def test_duplicate_and_missing_priorities_are_named() -> None:
    items = good_items()
    items[4] = items[4].model_copy(update={"priority": 4})
    message = draft_error([i.model_dump(mode="json") for i in items])
    assert "priority 4 is used by 'health' and 'catalog'" in message
    assert "priority 5 is not used" in message


def test_duplicate_test_ids_are_named() -> None:
    items = good_items()
    items[4] = items[4].model_copy(update={"test_id": "health"})
    assert "test_id 'health' is used by 2 checks" in draft_error([i.model_dump(mode="json") for i in items])


def test_unparsable_criteria_is_refused_with_the_parser_message() -> None:
    items = good_items()
    items[3] = items[3].model_copy(update={"pass_criteria": "status = 200"})
    message = draft_error([i.model_dump(mode="json") for i in items])
    assert "Check 'health' has a pass_criteria that does not parse: use '==' to compare for equality. " \
           "(position 7 of 'status = 200')" in message


def test_relative_urls_are_refused() -> None:
    items = good_items()
    items[3] = items[3].model_copy(update={"target": CheckTarget(method=HttpMethod.GET, url="/health")})
    message = draft_error([i.model_dump(mode="json") for i in items])
    assert "Check 'health' has target.url '/health', which is not an absolute http(s) URL" in message


@pytest.mark.parametrize(("index", "replacement", "missing"), [
    (3, item("health", "GET", "/healthz", "status == 200", 4), "health"),
    (4, item("catalog", "GET", "/catalog", "json.items.length > 0", 5), "catalog"),  # status not pinned
    (0, item("checkout-ok", "POST", "/checkout", "status == 200 or status == 500", 1), "checkout"),
    (1, item("checkout-bad-body", "POST", "/checkout", "status == 500", 2), "checkout negative"),
    (2, item("checkout-no-auth", "GET", "/catalog", "status == 200", 3), "auth"),
])
def test_missing_coverage_is_named_with_what_to_add(index: int, replacement: PlanItem, missing: str) -> None:
    items = good_items()
    items[index] = replacement
    problems = validate_plan(items)
    assert any(problem.startswith(f"The plan has no {missing} check; add ") for problem in problems), problems
    assert f"The plan has no {missing} check" in draft_error([i.model_dump(mode="json") for i in items])


def test_an_auth_rejection_does_not_count_as_the_negative_checkout_case() -> None:
    items = good_items()
    items[1] = item("checkout-bad-body", "POST", "/checkout", "status == 401", 2)
    assert "checkout_negative" not in coverage_of(items)


def test_an_auth_check_that_sends_no_credentials_does_not_count() -> None:
    # Against a service that takes guests, a request without credentials is a guest order, not a refusal.
    items = good_items()
    items[2] = item("checkout-no-auth", "POST", "/checkout", "status == 401", 3, body={"sku": "SKU-1001"})
    assert "auth" not in coverage_of(items)
    problems = validate_plan(items)
    assert any(problem.startswith("The plan has no auth check; add an auth check: a request that sends wrong "
                                  "credentials (for example the header `Authorization: Bearer ") for problem in problems)


@pytest.mark.parametrize("header", ["Authorization", "X-API-Key", "X-Auth-Token"])
def test_wrong_credentials_in_any_credential_header_count_as_the_auth_case(header: str) -> None:
    check = item("wrong-key", "POST", "/checkout", "status in [401, 403]", 3, headers={header: "nope"})
    assert coverage_of([check]) == {"auth"}


def test_a_mock_header_counts_as_the_auth_or_mock_case() -> None:
    mocked = item("payment-declined", "POST", "/checkout", "status == 402", 3,
                  headers={"X-Mock-Payment": "decline"})
    assert "auth" in coverage_of([mocked])


def test_base_url_check_refuses_calls_to_other_hosts() -> None:
    items = good_items()
    items[3] = items[3].model_copy(update={"target": CheckTarget(method=HttpMethod.GET,
                                                                  url="http://elsewhere:9000/health")})
    assert validate_plan(items) == []
    assert any("outside the service under test" in p for p in validate_plan(items, base_url=BASE))


# ------------------------------------------------------------------------------------------------- planner


def by_id(plan: Any) -> dict[str, PlanItem]:
    return {check.test_id: check for check in plan.items}


def test_deterministic_plan_from_openapi_is_valid_and_covers_the_contract() -> None:
    plan = deterministic_plan(BASE, SHOP_OPENAPI, CHECKOUT_SIGNAL, NOW)
    PlanDraft(items=plan.items)  # raises if anything is off
    assert coverage_of(plan.items) == set(REQUIRED_COVERAGE)
    assert [check.priority for check in plan.items] == [1, 2, 3, 4, 5]
    assert plan.generated_at == NOW


def test_deterministic_plan_is_deterministic_and_its_id_hashes_the_inputs() -> None:
    first = deterministic_plan(BASE, SHOP_OPENAPI, CHECKOUT_SIGNAL, NOW)
    again = deterministic_plan(BASE, copy.deepcopy(SHOP_OPENAPI), dict(CHECKOUT_SIGNAL), NOW)
    assert first == again
    other_signal = deterministic_plan(BASE, SHOP_OPENAPI, {**CHECKOUT_SIGNAL, "error_rate_5m": 0.1}, NOW)
    assert other_signal.plan_id != first.plan_id
    assert first.plan_id.startswith("plan-")


def test_checks_come_from_the_openapi_document() -> None:
    checks = by_id(deterministic_plan(BASE, SHOP_OPENAPI, None, NOW))
    valid = checks["checkout-valid-order"]
    assert valid.target.body_json == {"sku": "SKU-1001", "quantity": 1, "payment_token": "tok_visa_4242"}
    assert valid.target.headers == {"Authorization": "Bearer demo-token"}
    assert valid.pass_criteria == "status == 200 and json.order_id exists and latency_ms < 1500"
    negative = checks["checkout-rejects-invalid-body"]
    assert negative.target.body_json["quantity"] == 0
    assert negative.pass_criteria == "status == 422"
    assert "'zero_quantity'" in negative.what_it_checks
    assert "quantity must be greater than 0 but is 0" in negative.what_it_checks
    auth = checks["checkout-requires-auth"]
    assert auth.target.headers == {"Authorization": f"Bearer {WRONG_TOKEN}"}
    assert auth.name == "POST /checkout refuses a wrong bearer token"
    assert auth.pass_criteria == "status == 401"
    assert "requires DemoBearer security and documents a 401 response" in auth.what_it_checks
    assert checks["health-up"].pass_criteria == "status == 200 and json.status == 'ok' and latency_ms < 1500"
    assert checks["catalog-lists-products"].pass_criteria == (
        "status == 200 and json.items.length > 0 and latency_ms < 1500")


def test_failing_route_comes_first_and_its_checks_say_why() -> None:
    plan = deterministic_plan(BASE, SHOP_OPENAPI, CHECKOUT_SIGNAL, NOW)
    assert [check.test_id for check in plan.items] == [
        "checkout-valid-order", "checkout-rejects-invalid-body", "checkout-requires-auth", "health-up",
        "catalog-lists-products"]
    first = plan.items[0].what_it_checks
    assert first.startswith("POST /checkout was failing during the incident (top error 'POST /checkout 500', "
                            "5-minute error rate 42.0%, p95 latency 830 ms).")
    assert "the route that failed during the incident" in plan.items[1].what_it_checks


def test_without_a_signal_the_health_check_leads() -> None:
    plan = deterministic_plan(BASE, SHOP_OPENAPI, None, NOW)
    assert [check.test_id for check in plan.items][:2] == ["health-up", "catalog-lists-products"]
    assert "during the incident" not in " ".join(check.what_it_checks for check in plan.items)


def test_a_catalog_incident_puts_the_catalog_first() -> None:
    signal = {"error_rate_5m": 0.2, "p95_latency_ms_5m": 2400.0, "top_error": "GET /catalog timed out"}
    plan = deterministic_plan(BASE, SHOP_OPENAPI, signal, NOW)
    assert plan.items[0].test_id == "catalog-lists-products"


def test_without_openapi_the_contract_endpoints_are_used() -> None:
    plan = deterministic_plan(BASE + "/", None, CHECKOUT_SIGNAL, NOW)
    PlanDraft(items=plan.items)
    urls = {check.target.url for check in plan.items}
    assert urls == {f"{BASE}/health", f"{BASE}/catalog", f"{BASE}/checkout"}
    checks = by_id(plan)
    assert checks["checkout-rejects-invalid-body"].pass_criteria == "status in [400, 422]"
    assert checks["checkout-requires-auth"].pass_criteria == "status in [401, 403]"
    # The contract's checkout takes guests, so without a document no check depends on knowing the token.
    assert checks["checkout-valid-order"].target.headers == {}
    assert checks["checkout-rejects-invalid-body"].target.headers == {}
    assert checks["checkout-requires-auth"].target.headers == {"Authorization": f"Bearer {WRONG_TOKEN}"}
    assert "refuses a wrong bearer token" in checks["checkout-requires-auth"].what_it_checks


def test_token_is_an_argument() -> None:
    plan = deterministic_plan(BASE, SHOP_OPENAPI, None, NOW, token="s3cret")
    assert by_id(plan)["checkout-valid-order"].target.headers == {"Authorization": "Bearer s3cret"}
    assert by_id(plan)["checkout-rejects-invalid-body"].target.headers == {"Authorization": "Bearer s3cret"}


def test_the_wrong_token_never_equals_the_real_one() -> None:
    auth = by_id(deterministic_plan(BASE, SHOP_OPENAPI, None, NOW, token=WRONG_TOKEN))["checkout-requires-auth"]
    assert auth.target.headers["Authorization"] != f"Bearer {WRONG_TOKEN}"


def test_without_examples_bodies_are_built_from_the_schema_and_the_catalog() -> None:
    document = copy.deepcopy(SHOP_OPENAPI)
    del document["paths"]["/checkout"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    checks = by_id(deterministic_plan(BASE, document, None, NOW))
    body = checks["checkout-valid-order"].target.body_json
    assert body["sku"] == "SKU-1001"  # a real sku, taken from the catalog's example product
    assert body["quantity"] == 1  # the smallest integer above the exclusive minimum 0
    assert OpenApiDocument(document).schema_problems({"$ref": "#/components/schemas/CheckoutRequest"}, body) == []
    negative = checks["checkout-rejects-invalid-body"]
    assert negative.target.body_json == {**body, "quantity": 0}
    assert "quantity must be greater than 0 but is 0" in negative.what_it_checks


def test_an_api_without_declared_security_still_gets_an_auth_check_that_says_so() -> None:
    document = copy.deepcopy(SHOP_OPENAPI)
    checkout = document["paths"]["/checkout"]["post"]
    del checkout["security"]
    del checkout["responses"]["401"]
    auth = by_id(deterministic_plan(BASE, document, None, NOW))["checkout-requires-auth"]
    assert auth.pass_criteria == "status in [401, 403]"
    assert "declares no security" in auth.what_it_checks


def test_generated_criteria_all_parse_and_pin_the_expected_statuses() -> None:
    checks = by_id(deterministic_plan(BASE, SHOP_OPENAPI, CHECKOUT_SIGNAL, NOW))
    assert parse_criteria(checks["checkout-valid-order"].pass_criteria).accepted_statuses() == {200}
    assert parse_criteria(checks["checkout-requires-auth"].pass_criteria).accepted_statuses() == {401}


def test_a_relative_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="is not an absolute http"):
        deterministic_plan("127.0.0.1:8001", None, None, NOW)


@pytest.mark.parametrize(("schema", "value", "problem"), [
    ({"type": "integer", "minimum": 1}, 0, "must be at least 1 but is 0"),
    ({"type": "integer", "minimum": 0, "exclusiveMinimum": True}, 0, "must be greater than 0 but is 0"),
    ({"type": "string", "maxLength": 3}, "abcd", "must have at most 3 characters"),
    ({"type": "string", "pattern": "^SKU-"}, "X-1", "must match '^SKU-'"),
    ({"enum": ["a", "b"]}, "c", 'must be one of ["a", "b"]'),
    ({"type": "array", "items": {"type": "integer"}}, [1, "x"], 'the body[1] must be of type integer'),
    ({"anyOf": [{"type": "string"}, {"type": "boolean"}]}, 3, "matches none of the allowed shapes"),
    # A nullable schema is explained by its non-null shape, as FastAPI writes an optional body.
    ({"anyOf": [{"type": "string"}, {"type": "null"}]}, 3, "the body must be of type string but is 3"),
    ({"type": "object", "required": ["a"]}, {}, "a is required but missing"),
])
def test_schema_problems_cover_the_request_body_subset(schema: dict, value: Any, problem: str) -> None:
    problems = OpenApiDocument(None).schema_problems(schema, value)
    assert problems and problem in problems[0]


# ------------------------------------------------------------------------------------------------- the demo app


@pytest.fixture(scope="module")
def demo_openapi() -> dict[str, Any]:
    return create_app(bug_switch=BugSwitch()).openapi()


def test_the_demo_apps_plan_checks_out_as_a_guest_and_presents_a_wrong_token(demo_openapi: dict[str, Any]) -> None:
    checks = by_id(deterministic_plan(BASE, demo_openapi, CHECKOUT_SIGNAL, NOW))
    valid, negative = checks["checkout-valid-order"], checks["checkout-rejects-invalid-body"]
    auth = checks["checkout-requires-auth"]
    assert valid.target.headers == {} and "as a guest (no Authorization header)" in valid.what_it_checks
    assert negative.target.headers == {}
    assert negative.target.body_json == {"sku": "SKU-1001", "quantity": 0, "payment_token": "tok_visa_4242"}
    assert "quantity must be greater than 0 but is 0" in negative.what_it_checks  # read through the nullable body
    assert auth.target.headers == {"Authorization": f"Bearer {WRONG_TOKEN}"}
    assert "accepts optional DemoBearer security and documents a 401 response" in auth.what_it_checks


def test_without_examples_the_demo_apps_negative_body_is_built_through_its_nullable_schema(
    demo_openapi: dict[str, Any],
) -> None:
    document = copy.deepcopy(demo_openapi)
    del document["paths"]["/checkout"]["post"]["requestBody"]["content"]["application/json"]["examples"]
    negative = by_id(deterministic_plan(BASE, document, None, NOW))["checkout-rejects-invalid-body"]
    assert negative.target.body_json["quantity"] == 0
    assert "quantity must be greater than 0 but is 0" in negative.what_it_checks


def test_a_field_the_body_does_not_accept_is_a_schema_problem() -> None:
    schema = {"type": "object", "properties": {"sku": {"type": "string"}}, "additionalProperties": False}
    assert OpenApiDocument(None).schema_problems(schema, {"sku": "a", "qty": 2}) == [
        "qty is not a field this body accepts"]


def verdicts(app_client: TestClient, plan: Any) -> dict[str, TestStatus]:
    return {result.test_id: result.status for result in HttpxTestRunner(app_client).run(plan, lambda _: None)}


@pytest.mark.parametrize("with_openapi", [True, False], ids=["from its OpenAPI", "from the contract alone"])
@pytest.mark.parametrize("planner_token", ["demo-token", "a-stale-token"], ids=["right token", "stale token"])
def test_against_the_demo_app_only_checkout_fails_while_the_bug_is_on(with_openapi: bool,
                                                                       planner_token: str) -> None:
    switch = BugSwitch()
    app = create_app(bug_switch=switch, token="demo-token")
    with TestClient(app, base_url=BASE) as shop:
        plan = deterministic_plan(BASE, app.openapi() if with_openapi else None, CHECKOUT_SIGNAL, NOW,
                                  token=planner_token)
        switch.set(True)
        broken = verdicts(shop, plan)
        switch.set(False)
        fixed = verdicts(shop, plan)

    assert broken == {check.test_id: TestStatus.FAIL if check.test_id == "checkout-valid-order" else TestStatus.PASS
                      for check in plan.items}
    assert set(fixed.values()) == {TestStatus.PASS}

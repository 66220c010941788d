"""Recovery validation plans: the strict schema a planner must fill (`PlanDraft`) and the deterministic planner.

The rules a plan obeys (five checks covering the incident contract) live in plan_rules.py and are re-exported
here. The LLM planner returns a `PlanDraft`; every problem `validate_plan` finds becomes a validation error
sentence that Strands hands back to the model as a tool error, so the model can fix it and retry.
`deterministic_plan` is the planner used without an LLM (and the fallback when the LLM fails): it reads the
service's OpenAPI document so the checks call real paths with bodies the service really accepts or rejects.
The contract's checkout takes guests (no Authorization header) and refuses a token that is present but wrong,
so the auth case sends a wrong bearer token: that is refused whether or not the service lets guests in, while a
request with no credentials at all proves nothing about such a service.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType, Signal

# OpenApiDocument is re-exported: callers have long imported it from here.
from evalforge_assets.recovery.openapi import AUTH_STATUSES, OpenApiDocument, Operation, show_value

# The rules are re-exported: callers import the plan vocabulary from this module.
from evalforge_assets.recovery.plan_rules import (
    CONTRACT_CHECKOUT_BODY,
    CONTRACT_PATHS,
    COVERAGE_ADVICE,
    COVERAGE_AUTH,
    COVERAGE_CATALOG,
    COVERAGE_CHECKOUT,
    COVERAGE_CHECKOUT_NEGATIVE,
    COVERAGE_HEALTH,
    DEFAULT_LATENCY_BUDGET_MS,
    DEFAULT_TOKEN,
    PLAN_SIZE,
    REQUIRED_COVERAGE,
    WRONG_TOKEN,
    count_problem,
    coverage_of,
    is_absolute_http_url,
    validate_plan,
)

__all__ = [
    "COVERAGE_ADVICE", "COVERAGE_CHECKOUT_NEGATIVE", "DEFAULT_TOKEN", "PLAN_SIZE", "REQUIRED_COVERAGE",
    "OpenApiDocument", "PlanDraft", "coverage_of", "deterministic_plan", "validate_plan",
]


class PlanDraft(BaseModel):
    """A recovery validation plan: exactly 5 HTTP checks of the service under test, priorities 1 to 5 (1 = most
    important, each used once), unique test_ids and absolute URLs. Together the checks must cover GET /health,
    GET /catalog, a valid POST /checkout expecting 2xx, an invalid POST /checkout expecting a 4xx such as 422,
    and a request with a wrong bearer token expecting 401/403. pass_criteria is an expression such as
    `status == 200 and json.items.length > 0 and latency_ms < 1500` over status, latency_ms, json.<path>,
    header.<name> and body, with == != < <= > >= contains matches exists in [...] and/or/not."""

    model_config = ConfigDict(extra="forbid")

    items: list[PlanItem] = Field(
        min_length=PLAN_SIZE,
        max_length=PLAN_SIZE,
        description="Exactly 5 checks, one per priority 1..5.",
    )

    @field_validator("items", mode="before")
    @classmethod
    def _exactly_five(cls, value: Any) -> Any:
        # Runs before the length constraint so the model reads a sentence instead of "List should have...".
        if isinstance(value, list) and len(value) != PLAN_SIZE:
            raise ValueError(count_problem(len(value)))
        return value

    @model_validator(mode="after")
    def _plan_is_coherent(self) -> PlanDraft:
        problems = validate_plan(self)
        if problems:
            raise ValueError(f"The plan has {len(problems)} problem(s): " + " ".join(problems))
        return self

    def to_plan(self, *, plan_id: str, generated_at: str) -> Plan:
        return Plan(plan_id=plan_id, generated_at=generated_at,
                    items=sorted(self.items, key=lambda item: item.priority))



# ------------------------------------------------------------------------------------------------- planner


@dataclass(frozen=True)
class _IncidentSignal:
    top_error: str | None = None
    error_rate: float | None = None
    p95_ms: float | None = None

    @classmethod
    def of(cls, signal: Mapping[str, Any] | Signal | None) -> _IncidentSignal:
        if signal is None:
            return cls()
        values = signal.model_dump() if isinstance(signal, Signal) else dict(signal)
        return cls(values.get("top_error"), values.get("error_rate_5m"), values.get("p95_latency_ms_5m"))

    def summary(self) -> str:
        parts = []
        if self.top_error:
            parts.append(f"top error {self.top_error!r}")
        if self.error_rate is not None:
            parts.append(f"5-minute error rate {self.error_rate:.1%}")
        if self.p95_ms is not None:
            parts.append(f"p95 latency {self.p95_ms:.0f} ms")
        return ", ".join(parts)


@dataclass
class _Check:
    key: str
    test_id: str
    name: str
    method: HttpMethod
    path: str
    criteria: str
    why: str
    route: str  # the contract route the check exercises, for "failing route first" ordering ("" if none)
    headers: dict[str, str] = field(default_factory=dict)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class _Endpoints:
    """The three contract operations as the OpenAPI document describes them (None: not described)."""

    health: Operation | None
    catalog: Operation | None
    checkout: Operation | None

    def path(self, key: str) -> str:
        operation = getattr(self, key)
        return operation.path if operation is not None else CONTRACT_PATHS[key]


def _criteria_literal(value: Any) -> str:
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return json.dumps(value)


def _status_expectation(codes: Sequence[int]) -> str:
    return f"status == {codes[0]}" if len(codes) == 1 else f"status in [{', '.join(map(str, codes))}]"


def _failing_route(signal: _IncidentSignal, endpoints: _Endpoints) -> str | None:
    """The contract route the signal's top error names first (by path or by name), if any."""
    if not signal.top_error:
        return None
    text = signal.top_error.lower()
    found: list[tuple[int, str]] = []
    for key in (COVERAGE_HEALTH, COVERAGE_CATALOG, COVERAGE_CHECKOUT):
        path = endpoints.path(key).lower()
        name = path.rstrip("/").rsplit("/", 1)[-1]
        positions = [text.find(path)] + [match.start() for match in re.finditer(rf"\b{re.escape(name)}\b", text)]
        positions = [position for position in positions if position >= 0]
        if positions:
            found.append((min(positions), key))
    return min(found)[1] if found else None


def _health_check(doc: OpenApiDocument, endpoints: _Endpoints, budget: int) -> _Check:
    operation, path = endpoints.health, endpoints.path(COVERAGE_HEALTH)
    code = doc.success_status(operation) if operation else 200
    fixed = doc.fixed_response_fields(operation) if operation else []
    clauses = [f"status == {code}"] + [f"json.{name} == {_criteria_literal(value)}" for name, value in fixed]
    clauses.append(f"latency_ms < {budget}")
    return _Check(
        key=COVERAGE_HEALTH, test_id="health-up", name="Service answers its health check",
        method=HttpMethod.GET, path=path, criteria=" and ".join(clauses), route=COVERAGE_HEALTH,
        why=f"GET {path} must answer {code} within {budget} ms: if the service itself is down or slow, no other "
            "result means anything (on its own it proves little, since a shallow health check can stay green "
            "while a route fails).",
    )


def _catalog_check(doc: OpenApiDocument, endpoints: _Endpoints, budget: int) -> _Check:
    operation, path = endpoints.catalog, endpoints.path(COVERAGE_CATALOG)
    code = doc.success_status(operation) if operation else 200
    array_path = doc.response_array_path(operation) if operation else "items"
    clauses = [f"status == {code}"]
    listed = ""
    if array_path is not None:
        listed = f"json.{array_path}.length" if array_path else "json.length"
        clauses.append(f"{listed} > 0")
    clauses.append(f"latency_ms < {budget}")
    content = f" with at least one product ({listed} > 0)" if listed else ""
    return _Check(
        key=COVERAGE_CATALOG, test_id="catalog-lists-products", name="Catalog lists products",
        method=HttpMethod.GET, path=path, route=COVERAGE_CATALOG, criteria=" and ".join(clauses),
        why=f"GET {path} must answer {code}{content} within {budget} ms: shoppers reach checkout through the "
            "catalog, and an empty list would hide a broken data source behind a 200.",
    )


def _checkout_body(doc: OpenApiDocument, endpoints: _Endpoints) -> dict[str, Any]:
    if endpoints.checkout is None:
        return dict(CONTRACT_CHECKOUT_BODY)
    # Ids the catalog example lists (a real sku) make a generated body one the service accepts.
    hints = doc.first_array_element_example(endpoints.catalog) if endpoints.catalog else {}
    body = doc.valid_request_example(endpoints.checkout, hints)
    return body if isinstance(body, dict) else dict(CONTRACT_CHECKOUT_BODY)


def _credentials(doc: OpenApiDocument, endpoints: _Endpoints, token: str) -> dict[str, str]:
    """The token for checkout only where the document says a call without it is refused: the contract's
    checkout takes guests, and a check that needs no secret cannot fail over a stale one."""
    if endpoints.checkout is None or not doc.needs_credentials(endpoints.checkout):
        return {}
    return {"Authorization": f"Bearer {token}"}


def _as_whom(headers: Mapping[str, str]) -> str:
    return "with a valid bearer token" if headers else "as a guest (no Authorization header)"


def _checkout_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any], headers: dict[str, str],
                    budget: int) -> _Check:
    operation, path = endpoints.checkout, endpoints.path(COVERAGE_CHECKOUT)
    code = doc.success_status(operation) if operation else 200
    id_field = doc.response_id_field(operation) if operation else "order_id"
    clauses = [f"status == {code}"] + ([f"json.{id_field} exists"] if id_field else []) + [f"latency_ms < {budget}"]
    answer = f"{code} with an {id_field}" if id_field else str(code)
    return _Check(
        key=COVERAGE_CHECKOUT, test_id="checkout-valid-order", name="Checkout accepts a valid order",
        method=HttpMethod.POST, path=path, route=COVERAGE_CHECKOUT, body=body, headers=dict(headers),
        criteria=" and ".join(clauses),
        why=f"A valid order {show_value(body)} sent {_as_whom(headers)} must answer {answer} within {budget} ms: "
            "checkout is the route that earns money, so it has to work for recovery to count.",
    )


def _negative_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any],
                    headers: dict[str, str]) -> _Check:
    operation, path = endpoints.checkout, endpoints.path(COVERAGE_CHECKOUT)
    codes: Sequence[int]
    if operation is None:
        invalid, reason = {**body, "quantity": 0}, "it sends quantity 0, and an order needs at least one unit"
        codes = (400, 422)
    else:
        invalid, reason = doc.invalid_request_example(operation, body)
        declared = doc.declared_statuses(operation)
        codes = [code for code in (422, 400) if code in declared][:1] or (400, 422)
    return _Check(
        key=COVERAGE_CHECKOUT_NEGATIVE, test_id="checkout-rejects-invalid-body",
        name="Checkout rejects an invalid order", method=HttpMethod.POST, path=path, route=COVERAGE_CHECKOUT,
        body=invalid, headers=dict(headers), criteria=_status_expectation(codes),
        why=f"An invalid order must be refused with {' or '.join(map(str, codes))}, not a 5xx: {reason}. A fix "
            "that crashes on bad input would keep the error rate up and page people again.",
    )


def _auth_check(doc: OpenApiDocument, endpoints: _Endpoints, body: dict[str, Any], token: str) -> _Check:
    protected = doc.protected_operation(prefer=endpoints.checkout)
    codes: Sequence[int]
    if protected is None:
        path, method, request_body, codes = endpoints.path(COVERAGE_CHECKOUT), HttpMethod.POST, body, (401, 403)
        reason = ("the OpenAPI document declares no security for it, but the contract says checkout refuses a "
                  "wrong bearer token" if doc.present else "the contract says checkout refuses a wrong bearer token")
    else:
        path, method = protected.path, HttpMethod(protected.method.upper())
        request_body = body if protected == endpoints.checkout else doc.valid_request_example(protected, {})
        codes = sorted(doc.declared_statuses(protected) & AUTH_STATUSES) or (401, 403)
        reason = doc.auth_reason(protected)
    endpoint = path.rstrip("/").rsplit("/", 1)[-1] or "root"
    wrong = WRONG_TOKEN if token != WRONG_TOKEN else WRONG_TOKEN + "-2"
    return _Check(
        key=COVERAGE_AUTH, test_id=f"{endpoint}-requires-auth", name=f"{method.value} {path} refuses a wrong "
        "bearer token", method=method, path=path, headers={"Authorization": f"Bearer {wrong}"},
        route=COVERAGE_CHECKOUT if path == endpoints.path(COVERAGE_CHECKOUT) else "",
        body=request_body if isinstance(request_body, dict) else {}, criteria=_status_expectation(codes),
        why=f"{method.value} {path} with a wrong bearer token must be refused with "
            f"{' or '.join(map(str, codes))} because {reason}: a fix must not let made-up credentials in.",
    )


def _with_incident_context(check: _Check, failing: str | None, signal: _IncidentSignal) -> _Check:
    """Say why the check matters for this incident when it exercises the route that failed."""
    if failing is None or check.route != failing:
        return check
    summary = signal.summary()
    if check.key == failing:
        incident = f"{check.method.value} {check.path} was failing during the incident" + (
            f" ({summary})" if summary else "")
        check.why = f"{incident}. {check.why}"
    else:
        check.why = f"{check.why} It exercises {check.path}, the route that failed during the incident."
    return check


def _plan_id(base_url: str, openapi: Mapping[str, Any] | None, signal: _IncidentSignal, token: str,
             budget: int) -> str:
    # `now` is left out on purpose: the id names the plan's content, so regenerating the plan for the same
    # inputs upserts the same plan instead of adding another.
    payload = json.dumps(
        {"base_url": base_url, "openapi": openapi, "signal": signal.__dict__, "token": token, "budget": budget},
        sort_keys=True, default=str,
    )
    return "plan-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def deterministic_plan(
    base_url: str,
    openapi: Mapping[str, Any] | None,
    signal: Mapping[str, Any] | Signal | None,
    now: str,
    *,
    token: str = DEFAULT_TOKEN,
    latency_budget_ms: int = DEFAULT_LATENCY_BUDGET_MS,
) -> Plan:
    """The five-check plan for the service at `base_url`, grounded in its OpenAPI document when given.

    Paths, success statuses, response fields and request bodies come from the document (falling back to the
    contract's /health, /catalog and /checkout); checkout checks send `token` only where the document says
    calls without credentials are refused (the contract's checkout takes guests); the negative case sends a
    body the request schema forbids and the auth case a wrong bearer token to an operation that declares
    security or a 401 (the contract's checkout without a document). Checks of the route
    the signal's top error names come first. The same inputs always give the same plan; `plan_id` hashes them.
    """
    if not is_absolute_http_url(base_url):
        raise ValueError(f"base_url {base_url!r} is not an absolute http(s) URL; pass the service's address, "
                         "such as http://127.0.0.1:8001.")
    doc = OpenApiDocument(openapi)
    endpoints = _Endpoints(
        health=doc.find_operation("get", CONTRACT_PATHS[COVERAGE_HEALTH]),
        catalog=doc.find_operation("get", CONTRACT_PATHS[COVERAGE_CATALOG]),
        checkout=doc.find_operation("post", CONTRACT_PATHS[COVERAGE_CHECKOUT]),
    )
    incident = _IncidentSignal.of(signal)
    body, headers = _checkout_body(doc, endpoints), _credentials(doc, endpoints, token)
    checks = [
        _health_check(doc, endpoints, latency_budget_ms),
        _catalog_check(doc, endpoints, latency_budget_ms),
        _checkout_check(doc, endpoints, body, headers, latency_budget_ms),
        _negative_check(doc, endpoints, body, headers),
        _auth_check(doc, endpoints, body, token),
    ]
    failing = _failing_route(incident, endpoints)
    checks = [_with_incident_context(check, failing, incident) for check in checks]
    checks.sort(key=lambda check: 0 if failing is not None and check.route == failing else 1)  # stable

    root = base_url.rstrip("/")
    items = [
        PlanItem(
            test_id=check.test_id, name=check.name, type=PlanItemType.API, priority=priority,
            what_it_checks=check.why, pass_criteria=check.criteria,
            target=CheckTarget(method=check.method, url=root + check.path, headers=check.headers,
                               body_json=check.body),
        )
        for priority, check in enumerate(checks, start=1)
    ]
    draft = PlanDraft(items=items)  # the deterministic plan obeys the same rules as the LLM's
    return draft.to_plan(plan_id=_plan_id(base_url, openapi, incident, token, latency_budget_ms), generated_at=now)

"""The planner agent: a real Strands loop over a scripted model, its retries, and the deterministic fallback."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from demo_app.main import create_app
from evalforge_assets.models import FailureKind, FailureSignature, Link, Severity, Signal
from evalforge_assets.recovery import planner
from evalforge_assets.recovery.plan import WRONG_TOKEN, PlanDraft, deterministic_plan, validate_plan
from evalforge_assets.recovery.planner import (
    MAX_REPROMPTS,
    PlanningContext,
    RelatedSignature,
    generate_plan,
)
from tests.doubles.scripted_model import ScriptedModel, call, say

BASE = "http://127.0.0.1:8001"
NOW = "2026-03-02T10:00:00.000000Z"
SIGNAL = Signal(error_rate_5m=0.42, p95_latency_ms_5m=830.0, top_error="POST /checkout 500")


@pytest.fixture(scope="module")
def openapi() -> dict[str, Any]:
    return create_app().openapi()


@pytest.fixture
def context(openapi: dict[str, Any]) -> PlanningContext:
    return PlanningContext(
        incident_id="inc_1", base_url=BASE, service="demo-app", signal=SIGNAL, openapi=openapi,
        evidence_links=[Link(label="Datadog monitor", url="https://app.datadoghq.com/monitors/1")],
        related_signatures=[{"title": "Checkout timeout", "signature_id": "sig_1", "count": 12}],
    )


def draft_for(base_url: str = BASE) -> PlanDraft:
    """A valid plan as the model would submit it (the deterministic plan's checks, for another base URL)."""
    plan = deterministic_plan(base_url, create_app().openapi(), SIGNAL, NOW)
    return PlanDraft(items=plan.items)


def as_input(draft: PlanDraft, keep: int | None = None) -> dict[str, Any]:
    items = [item.model_dump(mode="json") for item in draft.items]
    return {"items": items[:keep] if keep is not None else items}


def test_model_reads_the_openapi_tool_then_its_valid_plan_is_used(context: PlanningContext) -> None:
    draft = draft_for()
    model = ScriptedModel([call("get_service_openapi"), call("PlanDraft", as_input(draft))])

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "llm" and outcome.attempts == 1 and outcome.fallback_reason is None
    assert outcome.plan.items == sorted(draft.items, key=lambda item: item.priority)
    assert outcome.plan.generated_at == NOW and outcome.plan.plan_id.startswith("plan-")
    assert validate_plan(outcome.plan, base_url=BASE) == []
    # The tool really ran: its result (the OpenAPI document) is in the conversation the model saw next.
    tool_result = model.requests[1].tool_results()[0]
    assert tool_result["status"] == "success"
    assert json.loads(tool_result["content"][0]["text"])["paths"].keys() >= {"/health", "/catalog", "/checkout"}
    assert {"get_incident_context", "get_service_openapi", "PlanDraft"} <= set(model.requests[0].tool_names)
    assert BASE in (model.requests[0].system_prompt or "")


def test_incident_context_tool_shows_the_signal_and_redacted_signatures(openapi: dict[str, Any]) -> None:
    signature = FailureSignature(
        signature_id="sig_9", title="Refund refused for jane.doe@example.com", fingerprint={}, ml_app="shop",
        failure_kind=FailureKind.error, severity=Severity.high, count=7, first_seen=NOW, last_seen=NOW)
    context = PlanningContext(incident_id="inc_2", base_url=BASE, service="demo-app", signal=SIGNAL,
                              openapi=openapi, related_signatures=[RelatedSignature.of(signature)])
    model = ScriptedModel([call("get_incident_context"), call("PlanDraft", as_input(draft_for()))])

    generate_plan(context, model, now=NOW)

    shown = json.loads(model.requests[1].tool_results()[0]["content"][0]["text"])
    assert shown["top_error"] == "POST /checkout 500" and shown["signal"]["error_rate_5m"] == 0.42
    assert shown["related_signatures"][0]["title"] == "Refund refused for <EMAIL>"
    assert "openapi" not in shown
    assert "jane.doe@example.com" not in model.requests[1].text()


def test_a_four_check_plan_is_refused_and_the_corrected_one_counts_as_the_second_attempt(
        context: PlanningContext) -> None:
    draft = draft_for()
    model = ScriptedModel([call("PlanDraft", as_input(draft, keep=4)), call("PlanDraft", as_input(draft))])

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "llm" and outcome.attempts == 2
    refusal = model.requests[1].tool_results()[-1]
    assert refusal["status"] == "error"
    assert "exactly 5 checks, but this one has 4" in refusal["content"][0]["text"]


def test_a_plan_for_another_host_is_sent_back_with_the_problem_then_fixed(context: PlanningContext) -> None:
    model = ScriptedModel([call("PlanDraft", as_input(draft_for("http://10.0.0.9:9000"))),
                           call("PlanDraft", as_input(draft_for()))])

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "llm" and outcome.attempts == 2
    reprompt = model.requests[1].messages[-1]["content"][0]["text"]
    assert "outside the service under test" in reprompt and BASE in reprompt


def test_a_model_that_keeps_targeting_another_host_falls_back_after_bounded_reprompts(
        context: PlanningContext) -> None:
    wrong = as_input(draft_for("http://10.0.0.9:9000"))
    model = ScriptedModel([call("PlanDraft", wrong)] * (1 + MAX_REPROMPTS))

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "deterministic" and outcome.attempts == 1 + MAX_REPROMPTS
    assert "still had problems after 3 attempts" in (outcome.fallback_reason or "")
    assert outcome.plan == deterministic_plan(BASE, context.openapi, SIGNAL, NOW)


def test_a_model_that_keeps_failing_falls_back_to_the_deterministic_plan_with_the_reason(
        context: PlanningContext) -> None:
    model = ScriptedModel([ConnectionError("MiniMax is unreachable")], repeat_last=True)

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "deterministic" and outcome.attempts == 0
    assert outcome.fallback_reason == "The model call failed (ConnectionError: MiniMax is unreachable)."
    assert outcome.plan == deterministic_plan(BASE, context.openapi, SIGNAL, NOW)


class SlowModel(ScriptedModel):
    """Answers only after `delay` seconds, like a provider that hangs."""

    def __init__(self, turns, delay: float) -> None:
        super().__init__(turns)
        self.delay = delay

    async def stream(self, *args, **kwargs):
        await asyncio.sleep(self.delay)
        async for event in super().stream(*args, **kwargs):
            yield event


def test_a_model_slower_than_the_planning_deadline_falls_back(context: PlanningContext,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(planner, "PLANNING_DEADLINE_SECONDS", 0.05)
    model = SlowModel([call("PlanDraft", as_input(draft_for()))], delay=0.5)

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "deterministic"
    assert outcome.fallback_reason == "Planning ran out of its 0.05 s before the model gave a usable plan."


def test_a_model_that_keeps_sending_invalid_plans_is_cut_off_and_falls_back(context: PlanningContext) -> None:
    model = ScriptedModel([call("PlanDraft", as_input(draft_for(), keep=4))], repeat_last=True)

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "deterministic"
    assert outcome.attempts == model.calls  # every call was a refused plan, and the calls were bounded
    assert "without a valid plan" in (outcome.fallback_reason or "")


def test_a_model_that_only_talks_falls_back(context: PlanningContext) -> None:
    model = ScriptedModel([say("I think the checkout route is broken.")], repeat_last=True)

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "deterministic" and outcome.attempts == 0
    assert "StructuredOutputException" in (outcome.fallback_reason or "")
    assert model.requests[-1].tool_names == ["PlanDraft"]  # Strands' forced retry offered only the plan tool


def test_an_auth_check_without_credentials_is_sent_back_then_fixed(context: PlanningContext) -> None:
    # The demo contract takes guests: a check that omits the header would see 200/500, never the 401 it expects.
    draft = draft_for()
    unauthenticated = as_input(draft)
    for check in unauthenticated["items"]:
        if check["test_id"] == "checkout-requires-auth":
            check["target"]["headers"] = {}
    model = ScriptedModel([call("PlanDraft", unauthenticated), call("PlanDraft", as_input(draft))])

    outcome = generate_plan(context, model, now=NOW)

    assert outcome.source == "llm" and outcome.attempts == 2
    refusal = model.requests[1].tool_results()[-1]
    assert refusal["status"] == "error"
    assert "The plan has no auth check; add an auth check: a request that sends wrong credentials" in (
        refusal["content"][0]["text"])
    prompt = model.requests[0].system_prompt or ""
    assert f"Authorization: Bearer {WRONG_TOKEN}" in prompt and "is a guest" in prompt


def test_without_a_model_the_deterministic_plan_is_used(context: PlanningContext) -> None:
    outcome = generate_plan(context, None, now=NOW)

    assert outcome.source == "deterministic" and outcome.attempts == 0 and outcome.fallback_reason is None
    assert outcome.plan == deterministic_plan(BASE, context.openapi, SIGNAL, NOW)
    assert validate_plan(outcome.plan, base_url=BASE) == []


def test_top_error_defaults_to_the_signal_and_related_signatures_accept_evidence_links() -> None:
    context = PlanningContext(incident_id="i", base_url=BASE, service="demo-app", signal=SIGNAL,
                              related_signatures=[{"title": "Call +1 415 555 0100", "url": "/v1/signatures/s"}])
    assert context.top_error == "POST /checkout 500"
    assert context.related_signatures[0].title == "Call <PHONE>"

"""The recovery planner: an LLM agent that writes the incident's five-check validation plan, or the
deterministic planner when there is no model or the model fails.

With a model, a Strands agent reads the incident and the service's OpenAPI document through two tools and
returns a `PlanDraft` as structured output. Strands hands every `PlanDraft` validation error (wrong number of
checks, duplicate priorities, unparsable criteria, missing coverage) back to the model as a tool error, and
the model tries again. The accepted draft is then checked once more against the service's base URL; if that
finds problems the model is re-prompted with them, a bounded number of times. Whatever goes wrong (an
exception from the provider, a timeout, no valid plan within the bounds) the deterministic plan is used and
`fallback_reason` says why, so an incident always gets a plan.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from strands import tool
from strands.agent import Agent
from strands.models import Model
from strands.types.content import Messages

from evalforge_assets import telemetry
from evalforge_assets.capture.pii import redact_text
from evalforge_assets.llm import AgentDeadlineExceeded, invoke, new_agent
from evalforge_assets.models import FailureSignature, IncidentRecord, Link, Plan, Signal, now_iso
from evalforge_assets.recovery.plan import (
    DEFAULT_TOKEN,
    WRONG_TOKEN,
    PlanDraft,
    deterministic_plan,
    validate_plan,
)

log = logging.getLogger("evalforge.agents.planner")

MAX_REPROMPTS = 2  # re-prompts after a draft that passed PlanDraft but failed the base-URL check
TURNS_PER_ROUND = 6  # model calls per round: reading the two tools plus a few corrected drafts
PLANNING_DEADLINE_SECONDS = 300.0  # all rounds together; the deterministic plan is used after that
PLAN_TOOL_NAME = PlanDraft.__name__


class RelatedSignature(BaseModel):
    """A failure signature shown to an agent: ids, counts and a redacted title, never captured text.

    Built from a stored `FailureSignature` (`of`), from `pipeline.related.rising_signatures` output, or from an
    evidence link `{title, url}`; unknown keys are ignored.
    """

    model_config = ConfigDict(extra="ignore")

    title: str
    signature_id: str | None = None
    url: str | None = None
    count: int | None = None
    during: int | None = Field(default=None, description="Captures in the incident's hour.")
    baseline_per_hour: float | None = None
    severity: str | None = None
    failure_kind: str | None = None
    error_type: str | None = None
    last_seen: str | None = None

    @field_validator("title", "error_type")
    @classmethod
    def _redacted(cls, value: str | None) -> str | None:
        # Titles come from sanitized captures already; redacting again costs little and guards old data.
        return redact_text(value) if value else value

    @classmethod
    def of(cls, signature: FailureSignature) -> RelatedSignature:
        return cls(signature_id=signature.signature_id, title=signature.title,
                   url=f"/v1/signatures/{signature.signature_id}", count=signature.count,
                   severity=signature.severity.value, failure_kind=signature.failure_kind.value,
                   error_type=signature.error_type, last_seen=signature.last_seen)


class PlanningContext(BaseModel):
    """Everything a planner needs about one incident. Only sanitized data: it is sent to the LLM."""

    model_config = ConfigDict(frozen=True)

    incident_id: str
    base_url: str = Field(description="The service under test; every check must call it.")
    service: str
    signal: Signal
    top_error: str | None = Field(default=None, description="Defaults to the signal's top error.")
    evidence_links: list[Link] = Field(default_factory=list)
    openapi: dict[str, Any] | None = None
    related_signatures: list[RelatedSignature] = Field(default_factory=list)
    auth_token: str = Field(default=DEFAULT_TOKEN, description="Bearer token the checks send where valid "
                                                                 "credentials are needed.")

    @model_validator(mode="before")
    @classmethod
    def _top_error_from_signal(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("top_error") is None:
            signal = data.get("signal")
            top_error = signal.top_error if isinstance(signal, Signal) else (signal or {}).get("top_error")
            data = {**data, "top_error": top_error}
        return data

    @classmethod
    def for_incident(cls, incident: IncidentRecord, *, base_url: str, openapi: dict[str, Any] | None = None,
                     signatures: Sequence[FailureSignature] = (), auth_token: str = DEFAULT_TOKEN,
                     ) -> PlanningContext:
        summary = incident.card.datadog_summary
        return cls(incident_id=incident.incident_id, base_url=base_url, service=incident.service,
                   signal=summary.signal, evidence_links=summary.evidence_links, openapi=openapi,
                   related_signatures=[RelatedSignature.of(signature) for signature in signatures],
                   auth_token=auth_token)

    def incident_view(self) -> dict[str, Any]:
        """What `get_incident_context` shows the model (the OpenAPI document has its own tool)."""
        return self.model_dump(mode="json", exclude={"openapi"}, exclude_none=True)


class PlanOutcome(BaseModel):
    """The plan and how it was made. `attempts` counts the plans the model submitted (0 without a model)."""

    plan: Plan
    source: Literal["llm", "deterministic"]
    attempts: int
    fallback_reason: str | None = None


class PlanningFailed(RuntimeError):
    """The model gave no usable plan within the bounds."""


# ------------------------------------------------------------------------------------------- prompts and tools

SYSTEM_PROMPT = """You are the recovery planner of an incident response system. An incident is open on a web \
service; write the validation plan that will prove the service has recovered.

First call get_incident_context (the failing signal, the top error, evidence and related failure signatures) and \
get_service_openapi (the service's API). Then call the {tool} tool once with exactly 5 HTTP checks:
- every target.url is an absolute URL under {base_url} that exists in the OpenAPI document;
- priorities 1 to 5, each used once, 1 for the check closest to the failing route;
- together they cover GET /health, GET /catalog, a valid POST /checkout expecting 2xx, an invalid POST /checkout \
the API must reject with a 4xx such as 422, and a request with a wrong bearer token (the header \
"Authorization: Bearer {wrong_token}") expecting 401 or 403;
- a request with no Authorization header is a guest where the OpenAPI document marks credentials optional (an \
empty security requirement), so it is not an auth check; only requests that need valid credentials send the \
header "Authorization: Bearer {token}";
- request bodies follow the OpenAPI schemas and examples; pass_criteria uses the expression language the tool \
describes;
- what_it_checks says in one sentence why the check matters for this incident.
If the tool reports errors, fix every one of them and call it again."""


def _first_prompt(context: PlanningContext) -> str:
    what = context.top_error or "an elevated error rate"
    return (f"Incident {context.incident_id} on service {context.service}: {what}. Read the incident and the "
            f"OpenAPI document with your tools, then return the recovery validation plan.")


def _problems_prompt(problems: list[str]) -> str:
    listed = "\n".join(f"- {problem}" for problem in problems)
    return (f"The plan you returned cannot be used yet:\n{listed}\nFix every problem and call the "
            f"{PLAN_TOOL_NAME} tool again with the complete corrected plan.")


def _context_tools(context: PlanningContext) -> list[Any]:
    incident = json.dumps(context.incident_view(), sort_keys=True)
    openapi = json.dumps(context.openapi, sort_keys=True) if context.openapi else json.dumps(
        {"available": False, "note": "The service publishes no OpenAPI document; use GET /health, GET /catalog "
                                     "and POST /checkout with a JSON body {sku, quantity, payment_token} and no "
                                     "Authorization header (a guest checkout; a wrong bearer token is a 401)."})

    @tool
    def get_incident_context() -> str:
        """The open incident as JSON: service, base_url, signal (5-minute error rate, p95 latency, top error),
        evidence links and related failure signatures with their counts."""
        return incident

    @tool
    def get_service_openapi() -> str:
        """The OpenAPI document of the service under test as JSON: its paths, request bodies, examples,
        response statuses and security requirements."""
        return openapi

    return [get_incident_context, get_service_openapi]


# ------------------------------------------------------------------------------------------- planning


def _plan_submissions(messages: Messages) -> int:
    return sum(1 for message in messages if message["role"] == "assistant"
               for block in message["content"] if block.get("toolUse", {}).get("name") == PLAN_TOOL_NAME)


def _llm_plan_id(context: PlanningContext, draft: PlanDraft) -> str:
    payload = json.dumps({"incident_id": context.incident_id, "draft": draft.model_dump(mode="json")},
                         sort_keys=True)
    return "plan-" + hashlib.sha256(payload.encode()).hexdigest()[:16]


def _draft_round(agent: Agent, prompt: str, deadline: float) -> PlanDraft:
    out_of_time = PlanningFailed(f"Planning ran out of its {PLANNING_DEADLINE_SECONDS:g} s before the model gave "
                                 "a usable plan.")
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise out_of_time
    try:
        result = invoke(agent, prompt, deadline_seconds=remaining, structured_output_model=PlanDraft,
                        limits={"turns": TURNS_PER_ROUND})
    except AgentDeadlineExceeded as error:
        raise out_of_time from error
    draft = result.structured_output
    if not isinstance(draft, PlanDraft):
        attempts = _plan_submissions(agent.messages)
        raise PlanningFailed(f"The model stopped ({result.stop_reason}) without a valid plan after {attempts} "
                             f"submitted plan(s) in {TURNS_PER_ROUND} turns.")
    return draft


def _planner_agent(context: PlanningContext, model: Model) -> Agent:
    system_prompt = SYSTEM_PROMPT.format(tool=PLAN_TOOL_NAME, base_url=context.base_url, token=context.auth_token,
                                         wrong_token=WRONG_TOKEN)
    return new_agent(model, system_prompt=system_prompt, tools=_context_tools(context))


def _plan_with_model(context: PlanningContext, agent: Agent, now: str) -> PlanOutcome:
    prompt = _first_prompt(context)
    deadline = time.monotonic() + PLANNING_DEADLINE_SECONDS
    problems: list[str] = []
    for _ in range(1 + MAX_REPROMPTS):
        draft = _draft_round(agent, prompt, deadline)
        problems = validate_plan(draft, base_url=context.base_url)
        if not problems:
            plan = draft.to_plan(plan_id=_llm_plan_id(context, draft), generated_at=now)
            return PlanOutcome(plan=plan, source="llm", attempts=_plan_submissions(agent.messages))
        prompt = _problems_prompt(problems)
    attempts = _plan_submissions(agent.messages)
    raise PlanningFailed(f"The model's plan still had problems after {attempts} attempts: " + " ".join(problems))


def _deterministic(context: PlanningContext, now: str) -> Plan:
    signal = context.signal.model_copy(update={"top_error": context.top_error})
    return deterministic_plan(context.base_url, context.openapi, signal, now, token=context.auth_token)


def generate_plan(context: PlanningContext, model: Model | None, *, now: str | None = None) -> PlanOutcome:
    """The validation plan for `context`'s incident: the model's when it gives a valid one, else the
    deterministic plan with `fallback_reason` saying what went wrong. Never raises for model failures."""
    now = now or now_iso()
    if model is None:
        return PlanOutcome(plan=_deterministic(context, now), source="deterministic", attempts=0)
    agent = _planner_agent(context, model)
    try:
        return _plan_with_model(context, agent, now)
    except PlanningFailed as failure:
        reason = str(failure)
    except Exception as error:  # any provider failure falls back; the reason is kept and logged
        reason = f"The model call failed ({type(error).__name__}: {error})."
        log.warning("planner model failed", exc_info=True, extra={"incident_id": context.incident_id})
    attempts = _plan_submissions(agent.messages)
    telemetry.count("evalforge_llm_fallbacks_total", component="planner")
    log.warning("planner fell back to the deterministic plan",
                extra={"incident_id": context.incident_id, "reason": reason})
    return PlanOutcome(plan=_deterministic(context, now), source="deterministic", attempts=attempts,
                       fallback_reason=reason)

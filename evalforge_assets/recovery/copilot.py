"""The incident copilot: answers questions about the current incident from what the store holds, with citations.

With a model, a Strands agent reads the incident, its plan, the latest validation run, the failure signatures
and the system status through tools, and answers in text; the citations are the API resources (and the
Datadog and Dagster pages) behind the tools it actually called, so every link points at something the answer
was based on. Without a model, or when the model fails, a deterministic answerer covers the common questions
from the same facts: what is failing, which checks fail and why, whether the incident has recovered, and what
the plan checks; anything else gets a short list of what it can answer.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from strands import tool
from strands.models import Model

from evalforge_assets import telemetry
from evalforge_assets.capture.pii import redact_text
from evalforge_assets.llm import final_text, invoke, new_agent
from evalforge_assets.models import (
    CopilotAnswer,
    IncidentRecord,
    Link,
    SystemState,
    SystemStatus,
    TestRun,
    TestStatus,
    now_iso,
)
from evalforge_assets.recovery.planner import RelatedSignature
from evalforge_assets.recovery.states import recovery_decision
from evalforge_assets.store import Store

log = logging.getLogger("evalforge.agents.copilot")

MAX_SIGNATURES = 5
COPILOT_DEADLINE_SECONDS = 120.0  # someone is waiting for the answer in the UI
COPILOT_TURNS = 8

STATUS_LINK = Link(label="System status", url="/api/status")
CURRENT_INCIDENT_URL = "/api/incidents/current"


# ------------------------------------------------------------------------------------------- the facts


@dataclass(frozen=True)
class IncidentFacts:
    """What the copilot knows about one incident, read from the store once per question."""

    incident: IncidentRecord
    run: TestRun | None
    status: SystemStatus | None
    signatures: list[RelatedSignature]
    signatures_are_linked: bool  # True: the incident's own evidence links them; False: the most frequent overall
    error_rate_threshold: float
    dagster_url: str

    @property
    def error_rate(self) -> float:
        if self.status is not None and self.status.active_incident_id == self.incident.incident_id:
            return self.status.error_rate_5m
        return self.incident.card.datadog_summary.signal.error_rate_5m

    # -- citations, one group per kind of fact
    def incident_links(self) -> list[Link]:
        if not self.incident.open:
            return []
        return [Link(label=f"Incident {self.incident.incident_id}", url=CURRENT_INCIDENT_URL)]

    def evidence_links(self) -> list[Link]:
        return list(self.incident.card.datadog_summary.evidence_links)

    def run_links(self) -> list[Link]:
        if self.run is None:
            return []
        links = [Link(label=f"Validation run {self.run.run_id}", url=f"/api/tests/runs/{self.run.run_id}")]
        dagster_run = _dagster_run_of(self.incident, self.run)
        if dagster_run:
            links.append(Link(label=f"Dagster run {dagster_run}",
                              url=f"{self.dagster_url.rstrip('/')}/runs/{dagster_run}"))
        return links

    def signature_links(self) -> list[Link]:
        return [Link(label=f"Signature: {signature.title}", url=signature.url)
                for signature in self.signatures if signature.url]


def _dagster_run_of(incident: IncidentRecord, run: TestRun) -> str | None:
    """The Dagster run that executed `run`: validation runs act as `dagster:<run id>` in the timeline."""
    extra = (incident.model_extra or {}).get("dagster_run_id")
    for entry in reversed(incident.timeline):
        if entry.evidence.get("run_id") == run.run_id and entry.actor.startswith("dagster:"):
            return entry.actor.removeprefix("dagster:")
    return extra if isinstance(extra, str) and extra else None


def _signature_ids(incident: IncidentRecord) -> list[str]:
    prefix = "/v1/signatures/"
    return [link.url.removeprefix(prefix) for link in incident.card.datadog_summary.evidence_links
            if link.url.startswith(prefix)]


def _signatures(store: Store, incident: IncidentRecord) -> tuple[list[RelatedSignature], bool]:
    linked_ids = _signature_ids(incident)[:MAX_SIGNATURES]
    if linked_ids:
        found = store.get_signatures(linked_ids)
        return [RelatedSignature.of(found[i]) for i in linked_ids if i in found], True
    top = store.list_signatures(limit=MAX_SIGNATURES).items
    return [RelatedSignature.of(signature) for signature in top], False


def _find_incident(store: Store, settings: Any, incident_id: str | None) -> IncidentRecord | None:
    if incident_id:
        return store.get_incident(incident_id)
    incident = store.open_incident(settings.dd_service)
    if incident is None:
        status = store.get_status()
        if status is not None and status.active_incident_id:
            incident = store.get_incident(status.active_incident_id)
    return incident


def gather_facts(store: Store, settings: Any, incident_id: str | None) -> IncidentFacts | None:
    """The facts about `incident_id` (default: the open incident of the watched service); None when none."""
    incident = _find_incident(store, settings, incident_id)
    if incident is None:
        return None
    run = store.get_test_run(incident.latest_run_id) if incident.latest_run_id else None
    run = run or store.latest_test_run(incident.incident_id)
    signatures, linked = _signatures(store, incident)
    return IncidentFacts(incident=incident, run=run, status=store.get_status(), signatures=signatures,
                         signatures_are_linked=linked, error_rate_threshold=settings.error_rate_threshold,
                         dagster_url=settings.dagster_url)


# ------------------------------------------------------------------------------------------- deterministic


@dataclass
class Reply:
    text: str
    citations: list[Link] = field(default_factory=list)


def _percent(value: float) -> str:
    return f"{value:.1%}"


def _failing_tests(run: TestRun) -> list[Any]:
    return [test for test in run.tests if test.status is TestStatus.FAIL]


def _run_summary(run: TestRun | None) -> str:
    if run is None:
        return "No validation run has been requested yet."
    counts = {status: sum(1 for t in run.tests if t.status is status) for status in TestStatus}
    done = f"{counts[TestStatus.PASS]} passed, {counts[TestStatus.FAIL]} failed"
    waiting = counts[TestStatus.PENDING] + counts[TestStatus.RUNNING]
    return (f"Validation run {run.run_id} is {run.status.value}: {done}"
            + (f", {waiting} not finished" if waiting else "") + f" of {len(run.tests)} checks.")


def what_is_failing(facts: IncidentFacts) -> Reply:
    incident, signal = facts.incident, facts.incident.card.datadog_summary.signal
    parts = [f"{incident.card.title}. Service {incident.service} is {incident.state.value}."]
    parts.append(f"Top error: {signal.top_error}." if signal.top_error else "No top error was reported.")
    parts.append(f"The 5-minute error rate is {_percent(facts.error_rate)} (threshold "
                 f"{_percent(facts.error_rate_threshold)}) and p95 latency {signal.p95_latency_ms_5m:.0f} ms.")
    if facts.run is not None and (failing := _failing_tests(facts.run)):
        names = ", ".join(test.name for test in failing)
        parts.append(f"{len(failing)} of {len(facts.run.tests)} checks of validation run {facts.run.run_id} fail: "
                     f"{names}.")
    else:
        parts.append(_run_summary(facts.run))
    if facts.signatures_are_linked and facts.signatures:
        parts.append("Failure signatures that rose with it: "
                     + "; ".join(f"{s.title} ({s.count} captures)" for s in facts.signatures) + ".")
    links = [*facts.incident_links(), STATUS_LINK, *facts.evidence_links(), *facts.run_links()]
    return Reply(" ".join(parts), links)


def which_checks_fail(facts: IncidentFacts) -> Reply:
    run = facts.run
    if run is None:
        count = len(facts.incident.card.plan.items)
        text = (f"No validation run has been requested yet; the plan has {count} checks. Start one with "
                "POST /api/tests/run." if count else "No plan and no validation run exist yet for this incident.")
        return Reply(text, facts.incident_links())
    failing = _failing_tests(run)
    if not failing:
        return Reply(f"No check fails. {_run_summary(run)}", [*facts.run_links(), *facts.incident_links()])
    lines = [f"{len(failing)} of {len(run.tests)} checks of validation run {run.run_id} fail:"]
    lines += [f"- {test.name} ({test.test_id}): {test.details or 'no details were recorded'}" for test in failing]
    return Reply("\n".join(lines), [*facts.run_links(), *facts.incident_links()])


def _recorded_recovery_reasons(incident: IncidentRecord) -> list[str]:
    """The reasons of the recovery decision that moved the incident to RECOVERED, as the service recorded them."""
    for entry in reversed(incident.timeline):
        reasons = entry.evidence.get("reasons")
        if entry.to_state == SystemState.RECOVERED.value and isinstance(reasons, list):
            return [str(reason) for reason in reasons]
    return []


def is_it_recovered(facts: IncidentFacts) -> Reply:
    incident = facts.incident
    rule = (f"Recovery needs both: every check of a completed validation run passes, and the error rate is under "
            f"{_percent(facts.error_rate_threshold)}.")
    recovered = incident.state in (SystemState.RECOVERED, SystemState.HEALTHY)
    if recovered:
        since = f" since {incident.resolved_at}" if incident.resolved_at else ""
        verdict = f"Yes: the incident is {incident.state.value}{since}."
    else:
        verdict = f"Not yet: the incident is {incident.state.value}."
    # Once recovered, the decision the service made (on the short-window error rate) is the answer; before
    # that, the conditions are evaluated now, on the latest run and the status's 5-minute error rate.
    conditions = _recorded_recovery_reasons(incident) if recovered else []
    if not conditions and facts.run is None:
        conditions = ["No validation run has been requested yet, so no check shows the service works.",
                      f"The error rate is {_percent(facts.error_rate)}."]
    elif not conditions and facts.run is not None:
        conditions = recovery_decision(facts.run, facts.error_rate, facts.error_rate_threshold).reasons
    text = "\n".join([verdict, rule, *(f"- {condition}" for condition in conditions)])
    return Reply(text, [*facts.incident_links(), STATUS_LINK, *facts.run_links()])


def what_the_plan_checks(facts: IncidentFacts) -> Reply:
    plan = facts.incident.card.plan
    if not plan.items:
        return Reply("The validation plan has not been generated yet.", facts.incident_links())
    lines = [f"The validation plan {plan.plan_id} has {len(plan.items)} checks:"]
    lines += [f"{item.priority}. {item.name}: {item.target.method.value} {item.target.url}, passes when "
              f"{item.pass_criteria}" for item in plan.items]
    return Reply("\n".join(lines), facts.incident_links())


def what_i_can_answer(facts: IncidentFacts) -> Reply:
    text = ("I can answer: what is failing; which checks fail and why; whether the incident has recovered; and "
            f"what the validation plan checks. Right now incident {facts.incident.incident_id} is "
            f"{facts.incident.state.value}. {_run_summary(facts.run)}")
    return Reply(text, [*facts.incident_links(), STATUS_LINK])


def no_incident(store: Store, incident_id: str | None) -> Reply:
    status = store.get_status()
    state = (f" The service is {status.status.value} with a {_percent(status.error_rate_5m)} error rate."
             if status is not None else "")
    missing = f"There is no incident {incident_id}, and there" if incident_id else "There"
    return Reply(f"{missing} is no active incident.{state}", [STATUS_LINK])


# Checked in order: a question about recovery often mentions checks too, and most mention the incident.
_INTENTS: tuple[tuple[re.Pattern[str], Callable[[IncidentFacts], Reply]], ...] = (
    (re.compile(r"\b(recover\w*|resolved?|fixed|healthy|back to normal|is it over|closed?)\b"), is_it_recovered),
    (re.compile(r"\b(checks?|tests?|validation|passing|passed)\b"), which_checks_fail),
    (re.compile(r"\bplan\b"), what_the_plan_checks),
    (re.compile(r"\b(fail\w*|errors?|wrong|broken|down|happen\w*|caus\w*|issues?|problems?|status)\b"),
     what_is_failing),
)


def deterministic_reply(facts: IncidentFacts, question: str) -> Reply:
    lowered = question.lower()
    for pattern, answer in _INTENTS:
        if pattern.search(lowered):
            return answer(facts)
    return what_i_can_answer(facts)


# ------------------------------------------------------------------------------------------- the LLM copilot

SYSTEM_PROMPT = """You are the incident copilot of a recovery dashboard. Answer the operator's question about \
incident {incident_id} briefly and precisely, in plain text (no Markdown tables). Use the tools to read the \
facts before answering, and say only what they show: the incident and its timeline, the validation plan, the \
latest validation run, failure signatures, and the system status with the recovery rule. Name checks and \
numbers exactly as the tools report them. If the tools do not show something, say so."""


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _redacted(value: Any) -> Any:
    """Free text shown to the LLM passes the PII redactor again (belt and braces: the store is sanitized)."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {key: _redacted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_redacted(item) for item in value]
    return value


class _CopilotTools:
    """The tools over one incident's facts; remembers which citations the tools that ran stand for."""

    def __init__(self, facts: IncidentFacts) -> None:
        self.facts = facts
        self.cited: list[Link] = []

    def _read(self, links: list[Link], payload: Any) -> str:
        self.cited += links
        return _json(_redacted(payload))

    def tools(self) -> list[Any]:
        facts = self.facts

        @tool
        def get_incident() -> str:
            """The incident card (title, detection time, Datadog signal, top error, evidence links), its current
            state and its timeline of state changes with actor and evidence."""
            card = facts.incident.card.model_dump(mode="json", exclude={"plan"})
            timeline = [entry.model_dump(mode="json") for entry in facts.incident.timeline]
            return self._read([*facts.incident_links(), *facts.evidence_links()],
                              {"card": card, "state": facts.incident.state.value, "open": facts.incident.open,
                               "resolved_at": facts.incident.resolved_at, "timeline": timeline})

        @tool
        def get_plan() -> str:
            """The recovery validation plan: each check's priority, target request and pass criteria."""
            return self._read(facts.incident_links(), facts.incident.card.plan.model_dump(mode="json"))

        @tool
        def get_latest_test_run() -> str:
            """The latest validation run of the plan: its status and every check's status and details."""
            if facts.run is None:
                return self._read([], {"run": None, "note": "No validation run has been requested yet."})
            return self._read(facts.run_links(), facts.run.model_dump(mode="json"))

        @tool
        def get_failure_signatures() -> str:
            """Failure signatures of the monitored LLM apps: the ones linked to this incident, else the most
            frequent ones, with their capture counts."""
            relation = "linked to this incident" if facts.signatures_are_linked else "most frequent overall"
            return self._read(facts.signature_links(),
                              {"relation": relation,
                               "signatures": [s.model_dump(mode="json", exclude_none=True)
                                              for s in facts.signatures]})

        @tool
        def get_system_status() -> str:
            """The system status (state, 5-minute error rate, p95 latency) and the recovery rule with whether
            each of its two conditions currently holds."""
            decision = (recovery_decision(facts.run, facts.error_rate, facts.error_rate_threshold).model_dump()
                        if facts.run is not None else None)
            status = facts.status.model_dump(mode="json") if facts.status else None
            return self._read([STATUS_LINK, *facts.run_links()],
                              {"status": status, "error_rate_threshold": facts.error_rate_threshold,
                               "recovery_rule": "every check of a completed run passes AND the error rate is under "
                                                "the threshold",
                               "recovery_decision": decision})

        return [get_incident, get_plan, get_latest_test_run, get_failure_signatures, get_system_status]


def _model_reply(facts: IncidentFacts, question: str, model: Model) -> Reply:
    tools = _CopilotTools(facts)
    agent = new_agent(model, system_prompt=SYSTEM_PROMPT.format(incident_id=facts.incident.incident_id),
                      tools=tools.tools())
    result = invoke(agent, question, deadline_seconds=COPILOT_DEADLINE_SECONDS, limits={"turns": COPILOT_TURNS})
    text = final_text(result)
    if result.stop_reason != "end_turn" or not text:
        raise RuntimeError(f"The model gave no answer (it stopped with {result.stop_reason}).")
    return Reply(text, [*facts.incident_links(), *tools.cited])


def _unique(links: list[Link]) -> list[Link]:
    return list({link.url: link for link in links}.values())


def answer_question(store: Store, settings: Any, incident_id: str | None, question: str,
                    model: Model | None) -> CopilotAnswer:
    """Answer `question` about `incident_id` (default: the open incident of `settings.dd_service`).

    `model` is the caller's (`evalforge_assets.parts.llm_model(settings)`: MiniMax when `MINIMAX_API_KEY` is
    set); None answers deterministically, and a failing model falls back to the deterministic answer. Blocks
    until answered (call it from a worker thread, as FastAPI does for sync routes)."""
    facts = gather_facts(store, settings, incident_id)
    if facts is None:
        reply = no_incident(store, incident_id)
    elif model is None:
        reply = deterministic_reply(facts, question)
    else:
        try:
            reply = _model_reply(facts, question, model)
        except Exception:  # any model failure gets the deterministic answer; logged with cause
            telemetry.count("evalforge_llm_fallbacks_total", component="copilot")
            log.warning("copilot model failed; answering deterministically", exc_info=True,
                        extra={"incident_id": facts.incident.incident_id})
            reply = deterministic_reply(facts, question)
    return CopilotAnswer(incident_id=facts.incident.incident_id if facts else incident_id, question=question,
                         answer=reply.text, citations=_unique(reply.citations), created_at=now_iso())

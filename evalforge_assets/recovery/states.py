"""The incident state machine: which moves are allowed, the timeline they leave, and when an incident recovers.

    HEALTHY ──► INCIDENT_ACTIVE ──► VALIDATING ──► RECOVERED ──► HEALTHY (closed)
                      ▲                  │              │
                      └── checks fail ───┘              │
                      ▲                                 │
                      └── recurrence (from RECOVERED or HEALTHY) ──┘

No state is skipped: an incident cannot go from INCIDENT_ACTIVE to RECOVERED without a validation run, and
RECOVERED requires both every check passing and the error signal back under its threshold. Every move is a
timeline entry with its actor, evidence and time, in time order.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel

from evalforge_assets.models import (
    IncidentRecord,
    SystemState,
    TestRun,
    TestRunStatus,
    TestStatus,
    TimelineEntry,
    parse_iso,
)

ALLOWED_TRANSITIONS: dict[SystemState, tuple[SystemState, ...]] = {
    SystemState.HEALTHY: (SystemState.INCIDENT_ACTIVE,),
    SystemState.INCIDENT_ACTIVE: (SystemState.VALIDATING,),
    SystemState.VALIDATING: (SystemState.RECOVERED, SystemState.INCIDENT_ACTIVE),
    SystemState.RECOVERED: (SystemState.HEALTHY, SystemState.INCIDENT_ACTIVE),
}


class InvalidTransition(ValueError):
    """A move the state machine refuses; the message names both states and what is allowed instead."""

    def __init__(self, incident_id: str, from_state: SystemState, to_state: SystemState, reason: str) -> None:
        self.incident_id = incident_id
        self.from_state = from_state
        self.to_state = to_state
        super().__init__(reason)


def allowed_next_states(state: SystemState) -> tuple[SystemState, ...]:
    return ALLOWED_TRANSITIONS[state]


def _refusal(record: IncidentRecord, to: SystemState) -> str:
    allowed = " or ".join(state.value for state in ALLOWED_TRANSITIONS[record.state])
    return (f"Incident {record.incident_id} cannot move from {record.state.value} to {to.value}; from "
            f"{record.state.value} it can only move to {allowed}.")


def open_timeline(actor: str, evidence: dict[str, Any], now: str) -> list[TimelineEntry]:
    """The timeline of a newly detected incident: its first entry enters INCIDENT_ACTIVE from nothing."""
    return [TimelineEntry(at=now, from_state=None, to_state=SystemState.INCIDENT_ACTIVE.value, actor=actor,
                          evidence=dict(evidence))]


def transition(
    record: IncidentRecord, to: SystemState, actor: str, evidence: dict[str, Any], now: str
) -> IncidentRecord:
    """A copy of `record` moved to `to`, with a timeline entry appended; `record` itself is left unchanged.

    Reaching RECOVERED stamps `resolved_at`; HEALTHY closes the incident; going back to INCIDENT_ACTIVE from
    RECOVERED or HEALTHY reopens it (a recurrence). Raises InvalidTransition for a move the machine does not
    allow, or when `now` is earlier than the last timeline entry (timelines are in time order).
    """
    if to not in ALLOWED_TRANSITIONS[record.state]:
        raise InvalidTransition(record.incident_id, record.state, to, _refusal(record, to))
    if record.timeline and parse_iso(now) < parse_iso(record.timeline[-1].at):
        raise InvalidTransition(
            record.incident_id, record.state, to,
            f"Incident {record.incident_id} cannot move to {to.value} at {now}: its last timeline entry is at "
            f"{record.timeline[-1].at}, and entries must be in time order.",
        )
    entry = TimelineEntry(at=now, from_state=record.state.value, to_state=to.value, actor=actor,
                          evidence=dict(evidence))
    changes: dict[str, Any] = {"state": to, "timeline": [*record.timeline, entry]}
    if to is SystemState.RECOVERED:
        changes["resolved_at"] = now
    elif to is SystemState.HEALTHY:
        changes["open"] = False
    elif to is SystemState.INCIDENT_ACTIVE and record.state in (SystemState.RECOVERED, SystemState.HEALTHY):
        changes.update(open=True, resolved_at=None)
    return record.model_copy(update=changes, deep=True)


class RecoveryDecision(BaseModel):
    """Whether an incident may move to RECOVERED, with every reason; `model_dump()` is timeline evidence.
    `checks_pass` and `signal_ok` say which half held it back (the poller reads `signal_ok` back, see
    `IncidentService.observe`)."""

    recovered: bool
    reasons: list[str]
    checks_pass: bool
    signal_ok: bool


def _check_problems(test_run: TestRun) -> list[str]:
    problems: list[str] = []
    if test_run.status is not TestRunStatus.COMPLETED:
        problems.append(f"Validation run {test_run.run_id} is {test_run.status.value}, not COMPLETED.")
    if not test_run.tests:
        problems.append(f"Validation run {test_run.run_id} has no checks, so nothing shows the service works.")
    for test in test_run.tests:
        if test.status is TestStatus.FAIL:
            problems.append(f"Check {test.test_id} ({test.name}) failed: {test.details or 'no details'}")
        elif test.status is not TestStatus.PASS:
            problems.append(f"Check {test.test_id} ({test.name}) has not finished (it is {test.status.value}).")
    return problems


def recovery_decision(test_run: TestRun, error_rate: float, threshold: float) -> RecoveryDecision:
    """RECOVERED needs both: every check of a completed run passed, and the error rate under its threshold."""
    reasons = _check_problems(test_run)
    checks_pass = not reasons
    if checks_pass:
        reasons.append(f"All {len(test_run.tests)} checks of validation run {test_run.run_id} passed.")
    signal_ok = not math.isnan(error_rate) and error_rate < threshold
    if signal_ok:
        reasons.append(f"The error rate {error_rate:.2%} is under the {threshold:.2%} threshold.")
    elif math.isnan(error_rate):
        reasons.append("The error rate is unknown, so the signal cannot show recovery.")
    else:
        reasons.append(f"The error rate {error_rate:.2%} is not under the {threshold:.2%} threshold yet.")
    return RecoveryDecision(recovered=checks_pass and signal_ok, reasons=reasons, checks_pass=checks_pass,
                            signal_ok=signal_ok)


def is_recurrence(previous_resolved_at: str | None, now: str, cooldown_seconds: int) -> bool:
    """Whether a new alert at `now` reopens the incident resolved at `previous_resolved_at` (a regression)
    rather than opening a new one: it does when it comes at most `cooldown_seconds` after the resolution."""
    if previous_resolved_at is None:
        return False
    elapsed = (parse_iso(now) - parse_iso(previous_resolved_at)).total_seconds()
    return elapsed <= cooldown_seconds

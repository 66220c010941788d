"""The incident state machine: every allowed and refused move, the timeline, recovery and recurrence."""

from __future__ import annotations

import itertools
import math

import pytest

from evalforge_assets.models import IncidentRecord, SystemState
from evalforge_assets.models import TestRunStatus as RunStatus  # aliased so pytest does not try to collect it
from evalforge_assets.models import TestStatus as Status  # aliased so pytest does not try to collect it
from evalforge_assets.recovery.states import (
    ALLOWED_TRANSITIONS,
    InvalidTransition,
    allowed_next_states,
    is_recurrence,
    open_timeline,
    recovery_decision,
    transition,
)
from tests.fixtures.factories import make_incident, make_test_run

T0 = "2026-01-15T10:00:00.000000Z"
T1 = "2026-01-15T10:05:00.000000Z"
T2 = "2026-01-15T10:10:00.000000Z"

ALLOWED = {
    (SystemState.HEALTHY, SystemState.INCIDENT_ACTIVE),
    (SystemState.INCIDENT_ACTIVE, SystemState.VALIDATING),
    (SystemState.VALIDATING, SystemState.RECOVERED),
    (SystemState.VALIDATING, SystemState.INCIDENT_ACTIVE),
    (SystemState.RECOVERED, SystemState.HEALTHY),
    (SystemState.RECOVERED, SystemState.INCIDENT_ACTIVE),
}
REFUSED = sorted(set(itertools.product(SystemState, SystemState)) - ALLOWED)


def incident_in(state: SystemState) -> IncidentRecord:
    return make_incident(incident_id="inc-7", state=state.value,
                         timeline=[entry.model_dump() for entry in open_timeline("detector", {}, T0)])


def test_the_table_is_exactly_the_documented_lifecycle() -> None:
    table = {(start, end) for start, ends in ALLOWED_TRANSITIONS.items() for end in ends}
    assert table == ALLOWED


@pytest.mark.parametrize(("start", "end"), sorted(ALLOWED))
def test_allowed_transitions_move_and_append_a_timeline_entry(start: SystemState, end: SystemState) -> None:
    record = incident_in(start)
    moved = transition(record, end, actor="validator", evidence={"run_id": "run-1"}, now=T1)
    assert moved.state is end
    assert len(moved.timeline) == 2
    entry = moved.timeline[-1]
    assert (entry.at, entry.from_state, entry.to_state, entry.actor, entry.evidence) == (
        T1, start.value, end.value, "validator", {"run_id": "run-1"})
    assert record.state is start and len(record.timeline) == 1  # the input is left untouched


@pytest.mark.parametrize(("start", "end"), REFUSED)
def test_every_other_transition_is_refused_with_a_sentence(start: SystemState, end: SystemState) -> None:
    with pytest.raises(InvalidTransition) as caught:
        transition(incident_in(start), end, actor="validator", evidence={}, now=T1)
    allowed = " or ".join(state.value for state in allowed_next_states(start))
    assert str(caught.value) == (f"Incident inc-7 cannot move from {start.value} to {end.value}; from "
                                 f"{start.value} it can only move to {allowed}.")
    assert (caught.value.from_state, caught.value.to_state) == (start, end)


def test_skipping_validation_is_refused() -> None:
    with pytest.raises(InvalidTransition, match="from INCIDENT_ACTIVE to RECOVERED; from INCIDENT_ACTIVE it can "
                                                "only move to VALIDATING"):
        transition(incident_in(SystemState.INCIDENT_ACTIVE), SystemState.RECOVERED, "validator", {}, T1)


def test_recovered_stamps_resolved_at_and_healthy_closes() -> None:
    validating = incident_in(SystemState.VALIDATING)
    recovered = transition(validating, SystemState.RECOVERED, "validator", {}, T1)
    assert recovered.resolved_at == T1 and recovered.open
    closed = transition(recovered, SystemState.HEALTHY, "alice", {"reason": "closed by hand"}, T2)
    assert not closed.open
    assert closed.resolved_at == T1


def test_recurrence_reopens_the_incident() -> None:
    recovered = transition(incident_in(SystemState.VALIDATING), SystemState.RECOVERED, "validator", {}, T1)
    reopened = transition(recovered, SystemState.INCIDENT_ACTIVE, "detector", {"recurrence": True}, T2)
    assert reopened.open and reopened.resolved_at is None
    assert [entry.to_state for entry in reopened.timeline] == ["INCIDENT_ACTIVE", "RECOVERED", "INCIDENT_ACTIVE"]


def test_failed_validation_goes_back_to_active_and_can_validate_again() -> None:
    record = incident_in(SystemState.INCIDENT_ACTIVE)
    for state, moment in ((SystemState.VALIDATING, T1), (SystemState.INCIDENT_ACTIVE, T1),
                          (SystemState.VALIDATING, T2), (SystemState.RECOVERED, T2)):
        record = transition(record, state, "validator", {}, moment)
    assert record.state is SystemState.RECOVERED
    assert [entry.from_state for entry in record.timeline] == [
        None, "INCIDENT_ACTIVE", "VALIDATING", "INCIDENT_ACTIVE", "VALIDATING"]


def test_a_move_dated_before_the_last_entry_is_refused() -> None:
    record = transition(incident_in(SystemState.INCIDENT_ACTIVE), SystemState.VALIDATING, "validator", {}, T2)
    with pytest.raises(InvalidTransition, match="its last timeline entry is at 2026-01-15T10:10:00"):
        transition(record, SystemState.RECOVERED, "validator", {}, T1)


def test_open_timeline_starts_from_nothing() -> None:
    [entry] = open_timeline("webhook", {"monitor_id": "123"}, T0)
    assert (entry.from_state, entry.to_state, entry.actor, entry.evidence) == (
        None, "INCIDENT_ACTIVE", "webhook", {"monitor_id": "123"})


# ------------------------------------------------------------------------------------------------- recovery


def run_with(*statuses: Status, run_status: RunStatus = RunStatus.COMPLETED) -> object:
    tests = [{"test_id": f"t{n}", "name": f"check {n}", "status": status.value, "last_update_at": T1,
              "details": "status == 200 failed: status was 500" if status is Status.FAIL else None}
             for n, status in enumerate(statuses, start=1)]
    return make_test_run(run_id="run-9", status=run_status.value, tests=tests)


def test_recovered_when_every_check_passes_and_the_error_rate_is_under_threshold() -> None:
    decision = recovery_decision(run_with(*[Status.PASS] * 5), error_rate=0.01, threshold=0.05)
    assert decision.recovered
    assert decision.reasons == ["All 5 checks of validation run run-9 passed.",
                                "The error rate 1.00% is under the 5.00% threshold."]


def test_passing_checks_are_not_enough_while_the_error_rate_is_high() -> None:
    decision = recovery_decision(run_with(*[Status.PASS] * 5), error_rate=0.2, threshold=0.05)
    assert not decision.recovered
    assert "The error rate 20.00% is not under the 5.00% threshold yet." in decision.reasons


def test_an_error_rate_at_the_threshold_is_not_under_it() -> None:
    assert not recovery_decision(run_with(Status.PASS), error_rate=0.05, threshold=0.05).recovered


def test_a_low_error_rate_is_not_enough_while_a_check_fails() -> None:
    decision = recovery_decision(run_with(Status.PASS, Status.FAIL), error_rate=0.0, threshold=0.05)
    assert not decision.recovered
    assert "Check t2 (check 2) failed: status == 200 failed: status was 500" in decision.reasons


def test_unfinished_runs_and_checks_are_not_recovery() -> None:
    decision = recovery_decision(run_with(Status.PASS, Status.RUNNING, run_status=RunStatus.RUNNING),
                                 error_rate=0.0, threshold=0.05)
    assert not decision.recovered
    assert "Validation run run-9 is RUNNING, not COMPLETED." in decision.reasons
    assert "Check t2 (check 2) has not finished (it is RUNNING)." in decision.reasons


def test_a_run_without_checks_is_not_recovery() -> None:
    decision = recovery_decision(run_with(), error_rate=0.0, threshold=0.05)
    assert not decision.recovered
    assert "Validation run run-9 has no checks, so nothing shows the service works." in decision.reasons


def test_an_unknown_error_rate_is_not_recovery() -> None:
    decision = recovery_decision(run_with(Status.PASS), error_rate=math.nan, threshold=0.05)
    assert not decision.recovered
    assert "The error rate is unknown, so the signal cannot show recovery." in decision.reasons


def test_the_decision_serialises_as_timeline_evidence() -> None:
    decision = recovery_decision(run_with(Status.PASS), error_rate=0.0, threshold=0.05)
    moved = transition(incident_in(SystemState.VALIDATING), SystemState.RECOVERED, "validator",
                       decision.model_dump(), T1)
    assert moved.timeline[-1].evidence["recovered"] is True


# ------------------------------------------------------------------------------------------------- recurrence


@pytest.mark.parametrize(("resolved_at", "now", "expected"), [
    (None, T1, False),
    (T0, "2026-01-15T10:04:59.000000Z", True),
    (T0, "2026-01-15T10:05:00.000000Z", True),  # exactly at the end of the cooldown still counts
    (T0, "2026-01-15T10:05:01.000000Z", False),
    (T1, T0, True),  # an alert stamped before the resolution (clock skew) is the same incident coming back
    ("2026-01-15T10:00:00+00:00", "2026-01-15T10:01:00Z", True),  # either ISO spelling
])
def test_recurrence_window(resolved_at: str | None, now: str, expected: bool) -> None:
    assert is_recurrence(resolved_at, now, cooldown_seconds=300) is expected

"""The metric poller's decisions about a service's incident, one tick at a time (`IncidentService.observe`).

A mixin of `IncidentService` (recovery/service.py), kept apart because these decisions read best together: when
a reading opens, reopens, validates again, recovers or closes an incident. They write only through the service's
own methods (`_change`, `open_or_join`, `revalidate`, `refresh_status`), so its cross-process guarantees hold.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from evalforge_assets.models import (
    IncidentRecord,
    PendingRequest,
    RequestKind,
    SystemState,
    TestRun,
    TestRunStatus,
)
from evalforge_assets.recovery.readings import SignalReading
from evalforge_assets.recovery.runs import ACTIVE_RUN_STATUSES
from evalforge_assets.recovery.states import is_recurrence, recovery_decision, transition
from evalforge_assets.store import IncidentFilter, Store

if TYPE_CHECKING:
    from evalforge_assets.recovery.claims import OpenIncidentSlot


class PollingDecisions:
    """`observe` and the decisions it takes; the attributes and methods below are `IncidentService`'s."""

    store: Store
    service: str
    threshold: float
    cooldown_seconds: int
    clock: Callable[[], str]
    slot: OpenIncidentSlot
    current: Callable[[], IncidentRecord | None]
    refresh_status: Callable[..., object]
    open_or_join: Callable[..., tuple[IncidentRecord, bool]]
    revalidate: Callable[[IncidentRecord, str], TestRun | None]
    _change: Callable[..., IncidentRecord]
    _close: Callable[..., IncidentRecord]

    def observe(self, reading: SignalReading, actor: str = "metrics-poller") -> IncidentRecord | None:
        """One detector tick: open an incident on a high error rate, finish a recovery once the signal falls,
        validate an active incident again once its signal falls (`_revalidate_on_low_signal`), and close a
        recovered incident once its cooldown passed quietly."""
        incident = self.current()
        high = reading.acting_error_rate >= self.threshold
        if high and incident is not None and incident.state is SystemState.RECOVERED and incident.resolved_at \
                and reading.reaches_back_before(incident.resolved_at, self.clock()):
            # Its errors may all come from before the recovery (another reader decided it on a window after the
            # fix): that is no recurrence. A reading whose window lies wholly after the recovery decides.
            self.refresh_status(reading)
            return incident
        if high and (incident is None or incident.state is SystemState.RECOVERED):
            recurring = self._resolved_within_cooldown() if incident is None else None
            if recurring is not None:
                return self._reopen(recurring, reading, actor)
            incident, _ = self.open_or_join(reading, source=reading.source, actor=actor)
            return incident
        if incident is None:
            self.refresh_status(reading)
            return None
        if incident.state is SystemState.VALIDATING and not high and incident.latest_run_id:
            run = self.store.get_test_run(incident.latest_run_id)
            if run is not None and run.status is TestRunStatus.COMPLETED:
                incident = self._recover_on_low_signal(incident.incident_id, run, reading, actor)
        elif incident.state is SystemState.INCIDENT_ACTIVE and not high:
            self._revalidate_on_low_signal(incident, actor)
        elif incident.state is SystemState.RECOVERED and not high and incident.resolved_at \
                and not is_recurrence(incident.resolved_at, self.clock(), self.cooldown_seconds):
            incident = self._close(incident.incident_id, actor, f"quiet for {self.cooldown_seconds}s after recovery",
                                   only_from=SystemState.RECOVERED)
        self.refresh_status(reading)
        return incident

    def _recover_on_low_signal(self, incident_id: str, run: TestRun, reading: SignalReading,
                               actor: str) -> IncidentRecord:
        decision = recovery_decision(run, reading.acting_error_rate, self.threshold)

        def recover(current: IncidentRecord) -> IncidentRecord | None:
            if not decision.recovered or current.state is not SystemState.VALIDATING \
                    or current.latest_run_id != run.run_id:
                return None
            return transition(current, SystemState.RECOVERED, actor, decision.model_dump(), self.clock())

        return self._change(incident_id, recover)

    def _revalidate_on_low_signal(self, incident: IncidentRecord, actor: str) -> TestRun | None:
        """Queue a validation run for an INCIDENT_ACTIVE incident whose signal has fallen, so a fix is checked
        without another click however it arrived: the bug switched off before the plan existed (the switch had
        nothing to validate then), or a fix after the poller reopened a recovered incident.

        Only once the incident job planned and its runs finished (a QUEUED or RUNNING run will decide anyway),
        and not after a run whose checks failed while the signal was already low: those checks fail for a
        reason the signal does not show, and running them again every tick would not change that (a person
        asks again: POST /api/tests/run, or the bug switch). So the bug still on never loops: its signal is high.
        """
        if not incident.card.plan.items or not incident.latest_run_id or _failed_on_a_low_signal(incident):
            return None
        run = self.store.get_test_run(incident.latest_run_id)
        if run is None or run.status in ACTIVE_RUN_STATUSES:
            return None
        return self.revalidate(incident, actor)

    def _resolved_within_cooldown(self) -> IncidentRecord | None:
        """The service's latest incident when it was resolved less than the cooldown ago, else None."""
        last = self.store.list_incidents(limit=1, filters=IncidentFilter(service=self.service).filters()).items
        if last and is_recurrence(
                last[0].resolved_at, self.clock(), self.cooldown_seconds):
            return last[0]
        return None

    def _reopen(self, incident: IncidentRecord, reading: SignalReading, actor: str) -> IncidentRecord:
        """A recurrence within the cooldown reopens the closed incident, if it can claim the service's slot;
        when another process opened or reopened one first, this joins that one instead."""
        if self.slot.acquire(incident.incident_id) != incident.incident_id:
            joined, _ = self.open_or_join(reading, source=reading.source, actor=actor)
            return joined
        evidence = {"reason": "recurrence within the cooldown", "error_rate": reading.acting_error_rate}
        reopened = self._change(incident.incident_id, lambda current: None if current.open else transition(
            current, SystemState.INCIDENT_ACTIVE, actor, evidence, self.clock()))
        self.refresh_status(reading)
        now = self.clock()
        self.store.add_request(PendingRequest(request_id=f"incident-{incident.incident_id}-{now}",
                                              kind=RequestKind.incident,
                                              payload={"incident_id": incident.incident_id}, created_at=now))
        return reopened


def _failed_on_a_low_signal(incident: IncidentRecord) -> bool:
    """Whether the incident last became INCIDENT_ACTIVE because a validation run's checks failed while the
    error signal was already under its threshold (the decision's `signal_ok`, see `finish_validation`)."""
    entered = next((entry for entry in reversed(incident.timeline)
                    if entry.to_state == SystemState.INCIDENT_ACTIVE.value), None)
    return entered is not None and entered.from_state == SystemState.VALIDATING.value \
        and entered.evidence.get("signal_ok") is True

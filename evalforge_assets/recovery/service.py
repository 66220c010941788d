"""The incident service: open or join an incident, attach plans, track validation runs, decide recovery.

Every detection path (monitor webhook, metric polling, simulate) calls `open_or_join`, so deduplication,
recurrence and events behave the same whichever noticed the problem first. Every state change goes through
`states.transition` (validated, timestamped, with actor and evidence) and is appended to the store's event log,
which the API's WebSocket fans out in order. No Dagster import: the API uses this too.

Several processes (API workers, Dagster runs, sensors) write the same incidents, so every write of an incident
is a read-modify-write through `Store.update`, and two guarantees hold across processes: at most one open
incident per service (the `OpenIncidentSlot` claim) and at most one QUEUED or RUNNING validation run per
incident (run ids chained per incident, created with insert-if-absent; see `runs.py`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from evalforge_assets.models import (
    DatadogSummary,
    IncidentRecord,
    Link,
    PendingRequest,
    Plan,
    RequestKind,
    SystemState,
    SystemStatus,
    TestRun,
    TestRunStatus,
    TestStatus,
    now_iso,
)
from evalforge_assets.recovery.alert_routing import route_alert
from evalforge_assets.recovery.alerts import (
    AlertOutcome,
    alert_actor,
    recovered_by_monitor,
    with_recovery_note,
)
from evalforge_assets.recovery.claims import OpenIncidentSlot
from evalforge_assets.recovery.errors import IncidentNotFound, PlanNotReady, ValidationRefused
from evalforge_assets.recovery.polling import PollingDecisions
from evalforge_assets.recovery.readings import SignalReading, SimulateMode, simulated_reading
from evalforge_assets.recovery.records import incident_id_for, meaningfully_changed, new_incident, status_from
from evalforge_assets.recovery.runs import ACTIVE_RUN_STATUSES, next_run_id, queued_run
from evalforge_assets.recovery.states import recovery_decision, transition
from evalforge_assets.recovery.webhooks import MonitorAlert
from evalforge_assets.store import Store

log = logging.getLogger("evalforge.incidents")

__all__ = ["ACTIVE_RUN_STATUSES", "IncidentService", "SignalReading", "incident_id_for"]

# Rounds of read → decide → compare-and-set before giving up; each round only repeats when another process
# changed the same incident or run in between, so a handful is plenty.
RACE_ROUNDS = 20
# The remaining path of `simulate INCIDENT_OFF` from each state to HEALTHY.
_CLOSING_PATH = {SystemState.INCIDENT_ACTIVE: (SystemState.VALIDATING, SystemState.RECOVERED, SystemState.HEALTHY),
                 SystemState.VALIDATING: (SystemState.RECOVERED, SystemState.HEALTHY),
                 SystemState.RECOVERED: (SystemState.HEALTHY,)}


class IncidentService(PollingDecisions):
    def __init__(self, store: Store, *, service: str, error_rate_threshold: float = 0.05,
                 cooldown_seconds: int = 300,
                 clock: Callable[[], str] = now_iso,
                 launcher: Callable[[PendingRequest], str | None] | None = None, validatable: bool = True) -> None:
        """`launcher` starts a requested validation run at once (the API passes a Dagster GraphQL launcher) and
        returns its run id, or None to leave the request to the sensor, whose next tick may be 5 s away.

        `validatable`: the service has a check target (the watched service, DD_SERVICE at DEMO_APP_URL), so its
        incidents get a plan and validation runs and it owns the status document. Any other service's
        incidents are closed by their monitor's Recovered instead (see `for_service`)."""
        self.store = store
        self.service = service
        self.validatable = validatable
        self.threshold = error_rate_threshold
        self.cooldown_seconds = cooldown_seconds
        self.clock = clock
        self.launcher = launcher
        self.slot = OpenIncidentSlot(store, service, clock=clock)

    @classmethod
    def from_settings(cls, store: Store, settings: Any) -> IncidentService:
        return cls(store, service=settings.dd_service, error_rate_threshold=settings.error_rate_threshold,
                   cooldown_seconds=settings.recurrence_cooldown_seconds)

    def for_service(self, name: str, *, validatable: bool = False) -> IncidentService:
        """The incident service of another monitored service, on the same store, clock and thresholds (this
        one for its own name), so alerts of every service go through one code path."""
        if name == self.service:
            return self
        return IncidentService(self.store, service=name, error_rate_threshold=self.threshold,
                               cooldown_seconds=self.cooldown_seconds, clock=self.clock, validatable=validatable)

    # ---- events, status and the one way incidents are written -------------------------------------------------
    def emit(self, event_type: str, payload: dict[str, Any]) -> None:
        self.store.append_event(event_type, payload)

    def current(self) -> IncidentRecord | None:
        return self.store.open_incident(self.service)

    def refresh_status(self, reading: SignalReading | None = None, *, emit: bool | None = None) -> SystemStatus:
        """Write the status document from the open incident and the latest reading; emit it when it changed.

        Recomputed inside the compare-and-set, so a writer that read the incidents before another process
        changed them never puts its older picture back over the newer one. A status identical to the stored
        one is not written again (unless `emit` is true), so many processes agreeing on it do not contend for
        the document: `updated_at` is when the status last changed.
        """
        if not self.validatable:
            # The status document means the watched service (the seed contract); no other service writes it.
            return self.store.get_status() or status_from(None, None, reading, self.clock())
        seen: list[SystemStatus | None] = []

        def recompute(previous: SystemStatus | None) -> SystemStatus | None:
            seen.append(previous)
            now = self.clock()
            fresh = status_from(previous, self.current(), reading, now)
            if fresh != previous:
                return fresh
            return fresh.model_copy(update={"updated_at": now}) if emit else None

        status = self.store.update("status", SystemStatus, "current", recompute)
        assert status is not None  # recompute leaves the store unchanged only when a status is stored
        if emit or (emit is None and meaningfully_changed(seen[-1], status)):
            self.emit("system.status", status.model_dump(mode="json"))
        return status

    def current_status(self, *, announce: bool = True) -> SystemStatus:
        """The status document, written first from the incidents when no detector has written one yet.

        A first write is announced as `system.status` unless `announce` is false: a WebSocket client's opening
        status is that status already, and the event would reach it a second time.
        """
        return self.store.get_status() or self.refresh_status(emit=None if announce else False)

    def _change(self, incident_id: str,
                change: Callable[[IncidentRecord], IncidentRecord | None]) -> IncidentRecord:
        """Read-modify-write one incident (`change` returns None to leave it); raises IncidentNotFound."""

        def guarded(current: IncidentRecord | None) -> IncidentRecord | None:
            if current is None:
                raise IncidentNotFound(incident_id)
            return change(current)

        stored = self.store.update("incidents", IncidentRecord, incident_id, guarded)
        if stored is None:
            raise IncidentNotFound(incident_id)
        return stored

    def _require(self, incident_id: str) -> IncidentRecord:
        incident = self.store.get_incident(incident_id)
        if incident is None:
            raise IncidentNotFound(incident_id)
        return incident

    def _close(self, incident_id: str, actor: str, reason: str, *, only_from: SystemState | None = None
               ) -> IncidentRecord:
        """Walk the incident to HEALTHY (closed) and free the service's slot for the next incident."""

        def walk(current: IncidentRecord) -> IncidentRecord | None:
            if not current.open or (only_from is not None and current.state is not only_from):
                return None
            now = self.clock()
            for state in _CLOSING_PATH.get(current.state, ()):
                current = transition(current, state, actor, {"reason": reason}, now)
            return current

        closed = self._change(incident_id, walk)
        if not closed.open:
            self.slot.release(incident_id)
        return closed

    # ---- detection ------------------------------------------------------------------------------------------
    def open_or_join(
        self,
        reading: SignalReading,
        *,
        source: str,
        actor: str,
        monitor_id: str | None = None,
        alert_key: str | None = None,
        title: str | None = None,
        evidence_links: Sequence[Link] = (),
        alerted_at: str | None = None,
    ) -> tuple[IncidentRecord, bool]:
        """The one way an incident starts. Returns (incident, created); a repeat alert joins the open one.
        `alerted_at` (a monitor's alert time) is kept on an incident it creates, for the time to detect.

        Across processes only the holder of the service's open-incident claim creates; everyone else joins it.
        """
        evidence = {"source": source, "error_rate_5m": reading.error_rate_5m,
                    "error_rate_recent": reading.error_rate_recent, "top_error": reading.top_error,
                    "monitor_id": monitor_id, "alert_key": alert_key}
        for _ in range(RACE_ROUNDS):
            incident = self.current()
            if incident is None:
                now = self.clock()
                candidate = incident_id_for(self.service, now)
                holder = self.slot.acquire(candidate)
                if holder == candidate:
                    created = self._create(candidate, reading, source=source, actor=actor, evidence=evidence,
                                           now=now, monitor_id=monitor_id, alert_key=alert_key, title=title,
                                           evidence_links=evidence_links, alerted_at=alerted_at)
                    if created is not None:
                        return created, True
                incident = self.store.get_incident(holder)
            if incident is not None:
                joined = self._join(incident.incident_id, actor, evidence, alert_key)
                if joined is not None:
                    self.refresh_status(reading)
                    return joined, False
        raise RuntimeError(f"Could not open or join an incident for {self.service} in {RACE_ROUNDS} rounds: other "
                           "processes kept opening and closing incidents at the same moment; try again.")

    def _join(self, incident_id: str, actor: str, evidence: dict[str, Any],
              alert_key: str | None) -> IncidentRecord | None:
        """Add an alert to the open incident (a RECOVERED one becomes active again); None if it closed meanwhile."""

        def join(current: IncidentRecord) -> IncidentRecord | None:
            # Nothing to write when it closed meanwhile, or for the same alert cycle again (a webhook retry or
            # a re-trigger), or for a plain repeat: writing anyway would only make joiners contend.
            if not current.open or (alert_key and alert_key in current.alert_keys):
                return None
            if current.state is not SystemState.RECOVERED and not alert_key:
                return None
            if current.state is SystemState.RECOVERED:
                current = transition(current, SystemState.INCIDENT_ACTIVE, actor,
                                     {**evidence, "reason": "recurrence within the cooldown"}, self.clock())
            if alert_key:
                current = current.model_copy(update={"alert_keys": [*current.alert_keys, alert_key]})
            return current

        joined = self._change(incident_id, join)
        return joined if joined.open else None

    def _create(self, incident_id: str, reading: SignalReading, *, source: str, actor: str,
                evidence: dict[str, Any], now: str, monitor_id: str | None, alert_key: str | None,
                title: str | None, evidence_links: Sequence[Link],
                alerted_at: str | None = None) -> IncidentRecord | None:
        """Write the new incident the caller holds the claim for; None when an incident with its id exists."""
        incident = new_incident(incident_id, self.service, reading, title=title or self._title(reading), source=source,
                                actor=actor, evidence=evidence, now=now, monitor_id=monitor_id, alert_key=alert_key,
                                evidence_links=evidence_links, alerted_at=alerted_at)
        if not self.store.create("incidents", incident):
            return None  # another process picked the same id in the same microsecond: join it instead
        self.emit("incident.created", incident.card.model_dump(mode="json"))
        self.refresh_status(reading)
        if self.validatable:  # elsewhere there is nothing to plan checks against
            # The incident sensor picks this up and materializes context → plan → first validation run.
            self.store.add_request(PendingRequest(request_id=f"incident-{incident_id}", kind=RequestKind.incident,
                                                  payload={"incident_id": incident_id}, created_at=now))
        log.info("incident opened", extra={"incident_id": incident_id, "source": source,
                                           "error_rate": reading.acting_error_rate})
        return incident

    def _title(self, reading: SignalReading) -> str:
        what = reading.top_error or "errors"
        return f"{self.service}: {what} at {reading.acting_error_rate:.0%} error rate"

    def resolve_by_operator(self, actor: str) -> IncidentRecord | None:
        """`simulate INCIDENT_OFF`: walk the open incident through the remaining states to HEALTHY."""
        incident = self.current()
        if incident is None:
            return None
        closed = self._close(incident.incident_id, actor, "closed by simulate INCIDENT_OFF")
        self.refresh_status()
        return closed

    # ---- use cases behind the API --------------------------------------------------------------------------
    def simulate(self, mode: SimulateMode, actor: str) -> IncidentRecord | None:
        """INCIDENT_ON opens an incident from a synthetic reading (or joins the open one) and returns it;
        INCIDENT_OFF walks the open incident through the remaining states to HEALTHY and returns None."""
        if mode is SimulateMode.INCIDENT_ON:
            incident, _created = self.open_or_join(simulated_reading(self.threshold), source="simulate", actor=actor,
                                                   title=f"Simulated incident: {self.service} checkout failing")
            return incident
        self.resolve_by_operator(actor=actor)
        return self.current()

    def apply_alert(self, alert: MonitorAlert) -> AlertOutcome:
        """A Datadog monitor notification for any service: see `alert_routing.route_alert`."""
        return route_alert(self, alert)

    def apply_monitor_recovery(self, incident_id: str, alert: MonitorAlert) -> IncidentRecord:
        """A monitor's Recovered on the incident of its cycle. Validatable: noted, and a validation run is
        requested (the recovery rule decides). Otherwise noted, and once every alert cycle of the incident has
        recovered it is closed as RECOVERED and the service's slot is freed for its next cycle."""
        if self.validatable:
            noted = self._change(incident_id, lambda fresh: with_recovery_note(fresh, alert, self.clock()))
            self.revalidate(noted, actor=f"{alert_actor(alert)} recovered")
            return noted
        incident = self._change(incident_id, lambda fresh: recovered_by_monitor(fresh, alert, self.clock()))
        if not incident.open:
            self.slot.release(incident_id)
        return incident

    def switch_demo_bug(self, switch: Callable[[bool], None], enabled: bool, actor: str) -> SystemStatus:
        """Flip the demo app's bug (raises DemoAppUnreachable, changing nothing, when it cannot) and announce the
        status. Switching it off while an incident with a plan is open queues a validation run, so the fix is
        checked without another click."""
        switch(enabled)
        status = self.refresh_status(emit=True)
        incident = self.current()
        if not enabled and incident is not None:
            self.revalidate(incident, actor=actor)
        return status

    def request_validation(self, incident_id: str, actor: str) -> TestRun:
        """Queue a validation run of the incident's plan, or return the one already QUEUED or RUNNING.

        Raises IncidentNotFound, ValidationRefused (RECOVERED or closed) or PlanNotReady.
        """
        incident = self._require(incident_id)
        if not incident.open or incident.state is SystemState.RECOVERED:
            raise ValidationRefused(incident.incident_id, incident.state, incident.open)
        if not incident.card.plan.items:
            raise PlanNotReady(incident.incident_id)
        return self.request_test_run(incident_id, actor=actor)

    def revalidate(self, incident: IncidentRecord, actor: str) -> TestRun | None:
        """After a fix or a monitor's recovery: the run that will check it, or None when there is nothing to
        validate yet (no plan) or any more (RECOVERED or closed)."""
        try:
            return self.request_validation(incident.incident_id, actor)
        except (ValidationRefused, PlanNotReady):
            return None

    # ---- plan and validation ----------------------------------------------------------------------------------
    def attach_plan(self, incident_id: str, plan: Plan) -> IncidentRecord:
        incident = self._change(incident_id, lambda current: current.model_copy(
            update={"card": current.card.model_copy(update={"plan": plan})}))
        self.emit("plan.generated", {"incident_id": incident_id, "plan": plan.model_dump(mode="json")})
        return incident

    def set_datadog_summary(self, incident_id: str, summary: DatadogSummary) -> IncidentRecord:
        """Replace only the card's Datadog summary (the context asset's finding): a state change another process
        made while the context was gathered is kept."""
        return self._change(incident_id, lambda current: current.model_copy(
            update={"card": current.card.model_copy(update={"datadog_summary": summary})}))

    def request_test_run(self, incident_id: str, actor: str, *, enqueue: bool = True) -> TestRun:
        """Queue a validation run of the incident's plan, or return the run already QUEUED or RUNNING; the
        validation sensor (or the launcher) turns a new one into a Dagster run.

        `enqueue=False` when the caller runs it itself (the first run, in the same Dagster run as the plan)."""
        for _ in range(RACE_ROUNDS):
            incident = self._require(incident_id)
            previous_id = incident.latest_run_id
            previous = self.store.get_test_run(previous_id) if previous_id else None
            if previous is not None and previous.status in ACTIVE_RUN_STATUSES:
                return previous
            run = queued_run(incident, next_run_id(incident_id, previous_id), self.clock())
            created = self.store.create("test_runs", run)
            if not created:
                # Another process created this very run first: point the incident at it (it may have died
                # before doing so) and look again; it is usually still QUEUED, and then it is the answer.
                self._point_at_run(incident_id, previous_id, run.run_id)
                continue
            self._point_at_run(incident_id, previous_id, run.run_id)
            if enqueue:
                self._enqueue(PendingRequest(request_id=f"test_run-{run.run_id}", kind=RequestKind.test_run,
                                             payload={"incident_id": incident_id, "run_id": run.run_id,
                                                      "actor": actor},
                                             created_at=run.started_at))
            self.emit("tests.updated", run.model_dump(mode="json"))
            return run
        raise RuntimeError(f"Could not queue a validation run for incident {incident_id} in {RACE_ROUNDS} rounds: "
                           "its runs kept changing underneath; try again.")

    def _point_at_run(self, incident_id: str, previous_id: str | None, run_id: str) -> None:
        """Move the incident's latest run from `previous_id` to `run_id` (a no-op if it already moved on)."""
        self._change(incident_id, lambda current: current.model_copy(update={"latest_run_id": run_id})
                     if current.latest_run_id == previous_id else None)

    def _enqueue(self, request: PendingRequest) -> None:
        if self.launcher is None:
            self.store.add_request(request)
            return
        # "launching" is invisible to the sensor for defs/requests.LAUNCH_GRACE_SECONDS, so the run cannot start
        # twice; a failed launch falls back to it at once, and a launch this process died in after the grace.
        self.store.add_request(request.model_copy(update={"status": "launching"}))
        run_id = self.launcher(request)
        outcome = {"status": "launched" if run_id else "pending", "run_id": run_id}
        # Only from "launching": a fast run may already have closed its request, which must stay closed.
        self.store.update("requests", PendingRequest, request.request_id, lambda current: current.model_copy(
            update=outcome) if current is not None and current.status == "launching" else None)

    def start_validation(self, run: TestRun, actor: str) -> TestRun:
        """The run begins: the incident enters VALIDATING (from INCIDENT_ACTIVE) and the run is RUNNING."""

        def begin(current: IncidentRecord) -> IncidentRecord | None:
            if current.state is not SystemState.INCIDENT_ACTIVE:
                return None
            return transition(current, SystemState.VALIDATING, actor, {"run_id": run.run_id}, self.clock())

        before = self._require(run.incident_id)
        if self._change(run.incident_id, begin).state is not before.state:
            self.refresh_status()
        running = run.model_copy(update={"status": TestRunStatus.RUNNING})
        self.update_test_run(running)
        return running

    def update_test_run(self, run: TestRun) -> None:
        self.store.save_test_run(run)
        self.emit("tests.updated", run.model_dump(mode="json"))

    def finish_validation(self, run: TestRun, reading: SignalReading, actor: str) -> IncidentRecord:
        """Apply the recovery rule. Failing checks send the incident back to INCIDENT_ACTIVE; passing checks
        with the signal still high keep it VALIDATING until `observe` sees the signal fall."""
        self.update_test_run(run)
        decision = recovery_decision(run, reading.acting_error_rate, self.threshold)
        failed = any(t.status is TestStatus.FAIL for t in run.tests) or run.status is TestRunStatus.FAILED

        evidence = {**decision.model_dump(), "run_id": run.run_id}

        def decide(current: IncidentRecord) -> IncidentRecord | None:
            if current.state is not SystemState.VALIDATING:
                return None
            if decision.recovered:
                return transition(current, SystemState.RECOVERED, actor, evidence, self.clock())
            if failed:
                return transition(current, SystemState.INCIDENT_ACTIVE, actor, evidence, self.clock())
            return None

        before = self._require(run.incident_id)
        incident = self._change(run.incident_id, decide)
        if before.state is SystemState.VALIDATING:
            self.refresh_status(reading)
        return incident

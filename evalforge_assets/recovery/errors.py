"""What the incident use cases refuse, as domain errors the API maps to HTTP statuses (404, 409, 502).

Each message is a sentence a user can act on: what was wrong and what to do instead.
"""

from __future__ import annotations

from evalforge_assets.models import SystemState


class IncidentError(Exception):
    """Base of every refusal of an incident use case."""


class IncidentNotFound(IncidentError, LookupError):
    """No incident has the given id."""

    def __init__(self, incident_id: str) -> None:
        self.incident_id = incident_id
        super().__init__(f"No incident with id {incident_id!r} exists; GET /api/incidents/current shows the open "
                         "one.")


class ValidationRefused(IncidentError):
    """A validation run was asked for an incident whose state does not allow one (RECOVERED or closed)."""

    def __init__(self, incident_id: str, state: SystemState, is_open: bool) -> None:
        self.incident_id = incident_id
        self.state = state
        if is_open:
            why = (f"Incident {incident_id} is {state.value}: its checks passed and its signal is back to normal, "
                   "so there is nothing to validate; simulate INCIDENT_OFF closes it, and a new alert reopens it.")
        else:
            why = (f"Incident {incident_id} is closed ({state.value}); validation runs check open incidents only.")
        super().__init__(why)


class PlanNotReady(IncidentError):
    """A validation run was asked before the planner wrote the incident's plan."""

    def __init__(self, incident_id: str) -> None:
        self.incident_id = incident_id
        super().__init__(f"Incident {incident_id} has no validation plan yet; the planner writes one shortly after "
                         "detection (`plan.generated` on /ws), then run the tests again.")


class DemoAppUnreachable(IncidentError):
    """The demo app did not switch its bug; the message says whether it was down or refused, and what to do."""

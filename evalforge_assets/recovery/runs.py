"""Validation runs of an incident's plan: which run comes next, and what a queued run looks like.

Run ids form a chain per incident: the run after run R is `next_run_id(incident, R)`. Two processes that
both see R as the incident's latest (finished) run therefore pick the same next id, and the store's
insert-if-absent lets exactly one of them create it: an incident never has two runs queued or running.
"""

from __future__ import annotations

import hashlib

from evalforge_assets.models import IncidentRecord, TestResult, TestRun, TestRunStatus, TestStatus

# A run in one of these states will still check the service, so a new request returns it instead of queueing.
ACTIVE_RUN_STATUSES = (TestRunStatus.QUEUED, TestRunStatus.RUNNING)


def next_run_id(incident_id: str, previous_run_id: str | None) -> str:
    after = previous_run_id or "first"
    return "run_" + hashlib.sha256(f"{incident_id}|after|{after}".encode()).hexdigest()[:16]


def queued_run(incident: IncidentRecord, run_id: str, now: str) -> TestRun:
    """A QUEUED run of every check in the incident's plan, each PENDING."""
    return TestRun(
        run_id=run_id, incident_id=incident.incident_id, started_at=now, status=TestRunStatus.QUEUED,
        tests=[TestResult(test_id=item.test_id, name=item.name, status=TestStatus.PENDING, last_update_at=now,
                          details=None) for item in incident.card.plan.items],
    )

"""The store contract for listing incidents of every service: by state, service, opened-time window and alert
cycle key, newest first, with cursor paging. Runs on SQLite and the Firestore emulator; the Firestore handles
also check that every query shape is served by `firestore.indexes.json` (see tests/fixtures/stores.py).
"""

from __future__ import annotations

import pytest

from evalforge_assets.models import IncidentRecord, SystemState
from evalforge_assets.store import IncidentFilter, Store
from tests.fixtures.factories import make_incident

SERVICES = ("checkout", "billing", "search")
STATES = ("INCIDENT_ACTIVE", "VALIDATING", "RECOVERED", "HEALTHY")


def incidents_dataset() -> list[IncidentRecord]:
    """Twelve incidents over three services and four states, one per 10 minutes, two pairs opened at the same
    moment (ties broken by id), each with one or two alert cycle keys."""
    incidents = []
    for n in range(12):
        minute = (n - (n in (5, 9))) * 10  # incidents 4 and 5, 8 and 9 share an opened time
        state = STATES[n % 4]
        incidents.append(make_incident(
            incident_id=f"inc-{(n * 7) % 12:02d}", service=SERVICES[n % 3], state=state, open=state != "HEALTHY",
            detected_at=f"2026-03-01T{8 + minute // 60:02d}:{minute % 60:02d}:00.000000Z",
            alert_keys=[f"cycle-{n}"] + ([f"cycle-shared-{n % 2}"] if n % 4 == 0 else []),
        ))
    return incidents


def expected(incidents: list[IncidentRecord], where: IncidentFilter) -> list[str]:
    chosen = [i for i in incidents
              if (not where.states or i.state.value in where.states)
              and (where.service is None or i.service == where.service)
              and (where.alert_key is None or where.alert_key in i.alert_keys)
              and (where.opened_from is None or i.card.detected_at >= where.opened_from)
              and (where.opened_to is None or i.card.detected_at < where.opened_to)]
    chosen.sort(key=lambda i: (i.card.detected_at, i.incident_id), reverse=True)
    return [i.incident_id for i in chosen]


def walk(store: Store, where: IncidentFilter, limit: int) -> list[str]:
    seen: list[str] = []
    cursor = None
    for _ in range(20):
        page = store.list_incidents(limit=limit, cursor=cursor, filters=where.filters())
        seen += [i.incident_id for i in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen
    raise AssertionError(f"paging never ended; saw {seen}")


FILTERS = [
    IncidentFilter(),
    IncidentFilter(states=("RECOVERED",)),
    IncidentFilter(states=("INCIDENT_ACTIVE", "VALIDATING")),
    IncidentFilter(service="billing"),
    IncidentFilter(service="checkout", states=("INCIDENT_ACTIVE", "HEALTHY")),
    IncidentFilter(opened_from="2026-03-01T08:30:00.000000Z", opened_to="2026-03-01T09:20:00.000000Z"),
    IncidentFilter(service="search", opened_from="2026-03-01T08:40:00.000000Z"),
    IncidentFilter(states=("VALIDATING", "RECOVERED"), opened_to="2026-03-01T09:00:00.000000Z"),
    IncidentFilter(alert_key="cycle-shared-0"),
    IncidentFilter(service="checkout", alert_key="cycle-shared-0"),
    IncidentFilter(service="billing", alert_key="cycle-7"),
]


@pytest.mark.parametrize("where", FILTERS, ids=lambda where: repr(where.filters()))
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_incidents_listed_by_filter_newest_first_in_pages(store: Store, where: IncidentFilter,
                                                           limit: int) -> None:
    incidents = incidents_dataset()
    for incident in incidents:
        store.save_incident(incident)
    assert walk(store, where, limit) == expected(incidents, where)


def test_the_dataset_makes_every_filter_choose() -> None:
    """Each filter above picks some incidents but not all, so none of them can pass by ignoring its filter."""
    incidents = incidents_dataset()
    for where in FILTERS[1:]:
        assert 0 < len(expected(incidents, where)) < len(incidents), where


def test_an_incident_is_found_by_its_alert_cycle_once_closed_and_after_it_joined_another_cycle(
        store: Store) -> None:
    incident = make_incident(incident_id="inc-a", service="billing", alert_keys=["c-1"])
    store.save_incident(incident)
    store.update("incidents", IncidentRecord, "inc-a", lambda current: current.model_copy(
        update={"alert_keys": [*current.alert_keys, "c-2"], "open": False, "state": SystemState.RECOVERED}))
    found = store.list_incidents(filters=IncidentFilter(service="billing", alert_key="c-2").filters()).items
    assert [(i.incident_id, i.open) for i in found] == [("inc-a", False)]
    assert store.list_incidents(filters=IncidentFilter(service="search", alert_key="c-2").filters()).items == []

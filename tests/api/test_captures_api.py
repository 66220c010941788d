"""GET/PATCH /v1/captures over both stores: shape, every filter, pagination, validation and triage."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_api.deps import get_review_service
from evalforge_assets.models import FailureCapture
from evalforge_assets.review.rules import CapturePatch
from evalforge_assets.review.service import ReviewService
from evalforge_assets.store import Filter, Store
from evalforge_assets.store.base import VersionConflict
from evalforge_assets.store.query import encode_cursor
from tests.api.conftest import auth
from tests.fixtures.factories import make_capture

LEAD, REVIEWER, VIEWER = auth("lead"), auth("reviewer"), auth("viewer")


def at(minute: int, hour: int = 10) -> str:
    return f"2026-01-15T{hour:02d}:{minute:02d}:00.000000Z"


def seed_varied(store: Store) -> list[FailureCapture]:
    """Twelve captures that differ in every filterable field, one minute apart."""
    severities = ["critical", "high", "medium", "low"]
    kinds = ["error", "eval_fail", "low_quality", "user_feedback"]
    statuses = ["new", "triaged", "ready"]
    captures = [
        make_capture(
            capture_id=f"cap-{i:02d}", occurred_at=at(i), severity=severities[i % 4],
            failure_kind=kinds[i % 4], agent=f"agent-{i % 3}", ml_app=f"app-{i % 2}", status=statuses[i % 3],
            signature_id=f"sig-{i % 3}", assignee=[None, "ana@example.com", "bo@example.com"][i % 3],
        )
        for i in range(12)
    ]
    store.upsert_captures(captures)
    return captures


def walk(api: TestClient, params: dict[str, Any], headers: dict[str, str] = LEAD) -> list[str]:
    """Every capture id a client sees by following next_cursor to the end."""
    seen: list[str] = []
    cursor: str | None = None
    while True:
        response = api.get("/v1/captures", params={**params, **({"cursor": cursor} if cursor else {})},
                           headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert set(body) == {"items", "next_cursor"}
        seen += [item["capture_id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return seen


def newest_first(captures: list[FailureCapture]) -> list[str]:
    return [c.capture_id for c in sorted(captures, key=lambda c: (c.occurred_at, c.capture_id), reverse=True)]


def test_list_is_newest_first_in_the_list_shape(api: TestClient, store: Store) -> None:
    captures = seed_varied(store)
    response = api.get("/v1/captures", params={"limit": 5}, headers=VIEWER)
    assert response.status_code == 200
    body = response.json()
    assert [item["capture_id"] for item in body["items"]] == newest_first(captures)[:5]
    assert isinstance(body["next_cursor"], str)
    first = body["items"][0]
    assert first["trace_id"] == "trace-cap-11" and first["input_preview"] == "Where is my order?"


def test_walking_every_page_returns_each_capture_exactly_once(api: TestClient, store: Store) -> None:
    captures = seed_varied(store)
    assert walk(api, {"limit": 5}) == newest_first(captures)


def test_captures_arriving_during_a_walk_never_duplicate_or_displace_others(api: TestClient,
                                                                           store: Store) -> None:
    captures = seed_varied(store)
    first = api.get("/v1/captures", params={"limit": 4}, headers=LEAD).json()
    # Newer captures arrive between pages, including one at the exact time of the newest seen capture.
    store.upsert_captures([make_capture(capture_id=f"late-{i}", occurred_at=at(30 + i)) for i in range(5)]
                          + [make_capture(capture_id="cap-99", occurred_at=at(11))])
    rest = walk(api, {"limit": 4, "cursor": first["next_cursor"]})
    seen = [item["capture_id"] for item in first["items"]] + rest
    assert len(seen) == len(set(seen))
    assert set(newest_first(captures)) <= set(seen)


def expected(captures: list[FailureCapture], field: str, values: list[str]) -> list[str]:
    def value_of(capture: FailureCapture) -> Any:
        raw = getattr(capture, field)
        return getattr(raw, "value", raw)

    return newest_first([c for c in captures if value_of(c) in values])


@pytest.mark.parametrize(("field", "values"), [
    ("severity", ["critical"]),
    ("severity", ["high", "low"]),
    ("failure_kind", ["eval_fail"]),
    ("failure_kind", ["error", "user_feedback"]),
    ("status", ["triaged"]),
    ("status", ["new", "ready"]),
    ("agent", ["agent-1"]),
    ("ml_app", ["app-0"]),
    ("signature_id", ["sig-2"]),
    ("assignee", ["ana@example.com", "bo@example.com"]),
])
def test_every_filter_selects_exactly_its_captures(api: TestClient, store: Store, field: str,
                                                   values: list[str]) -> None:
    captures = seed_varied(store)
    want = expected(captures, field, values)
    assert want, "the seed must hold matching captures"
    assert walk(api, {field: ",".join(values), "limit": 3}) == want
    assert walk(api, {field: values, "limit": 200}) == want  # repeated parameter form


def test_filters_combine_with_and(api: TestClient, store: Store) -> None:
    captures = seed_varied(store)
    want = [c.capture_id for c in captures if c.severity.value == "critical" and c.ml_app == "app-0"]
    assert set(walk(api, {"severity": "critical", "ml_app": "app-0"})) == set(want)


def test_time_window_is_from_inclusive_to_exclusive_and_accepts_other_iso_forms(api: TestClient,
                                                                               store: Store) -> None:
    seed_varied(store)
    expected = ["cap-05", "cap-04", "cap-03"]
    assert walk(api, {"from": "2026-01-15T10:03:00Z", "to": "2026-01-15T10:06:00Z"}) == expected
    # A zone offset and a naive (UTC) time name the same instants.
    assert walk(api, {"from": "2026-01-15T11:03:00+01:00", "to": "2026-01-15T10:06:00"}) == expected


@pytest.mark.parametrize(("params", "field", "words"), [
    ({"severity": "urgent"}, "query.severity", ["'urgent'", "'critical', 'high', 'medium' or 'low'"]),
    ({"status": "new,closed"}, "query.status", ["'closed'", "'triaged'"]),
    ({"failure_kind": "crash"}, "query.failure_kind", ["'crash'"]),
    ({"limit": 0}, "query.limit", ["greater than or equal to 1"]),
    ({"limit": 201}, "query.limit", ["less than or equal to 200"]),
    ({"limit": "many"}, "query.limit", ["integer"]),
    ({"from": "yesterday"}, "query.from", ["ISO-8601"]),
    ({"from": "2026-01-15T10:00:00Z", "to": "2026-01-15T09:00:00Z"}, "query.to", ["later than `from`"]),
    ({"sevrity": "high"}, "query.sevrity", ["no such parameter"]),
])
def test_bad_input_is_a_422_naming_the_field_and_reason(api: TestClient, store: Store, params: dict[str, Any],
                                                        field: str, words: list[str]) -> None:
    response = api.get("/v1/captures", params=params, headers=VIEWER)
    assert response.status_code == 422
    body = response.json()
    assert field in body["message"]
    reasons = [item["reason"] for item in body["detail"] if item["field"] == field]
    assert reasons, body
    for word in words:
        assert word in reasons[0]


@pytest.mark.parametrize("cursor", ["not-a-cursor", encode_cursor((10**30, "cap-1"))])
def test_a_cursor_this_api_did_not_issue_is_a_400(api: TestClient, store: Store, cursor: str) -> None:
    response = api.get("/v1/captures", params={"cursor": cursor}, headers=VIEWER)
    assert response.status_code == 400
    assert "start again without a cursor" in response.json()["detail"]


def test_get_one_capture_in_full_and_404_for_unknown(api: TestClient, store: Store) -> None:
    seed_varied(store)
    response = api.get("/v1/captures/cap-03", headers=VIEWER)
    assert response.status_code == 200
    body = response.json()
    assert body["capture_id"] == "cap-03" and body["source"]["span_id"] == "span-cap-03"
    assert body["history"] == []
    missing = api.get("/v1/captures/nope", headers=VIEWER)
    assert missing.status_code == 404
    assert "'nope'" in missing.json()["detail"]


def audit_of(store: Store, capture_id: str) -> list[dict[str, Any]]:
    entries = store.list_audit((Filter("resource_id", "==", capture_id),), limit=50).items
    return [{"action": e.action, **e.detail} for e in sorted(entries, key=lambda e: (e.at, e.action))]


def test_triage_walks_the_workflow_and_audits_each_change(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    for target, headers in (("triaged", REVIEWER), ("ready", REVIEWER), ("exported", LEAD)):
        response = api.patch("/v1/captures/cap-1", json={"status": target}, headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == target
    stored = store.get_capture("cap-1")
    assert stored is not None and stored.status.value == "exported"
    transitions = [(e["from"], e["to"]) for e in audit_of(store, "cap-1")]
    assert sorted(transitions) == sorted([("new", "triaged"), ("triaged", "ready"), ("ready", "exported")])
    history = api.get("/v1/captures/cap-1", headers=VIEWER).json()["history"]
    assert {entry["status"] for entry in history} == {"triaged", "ready", "exported"}
    assert all(entry["actor"].startswith("key-") for entry in history)


def test_a_skipped_step_is_a_409_and_changes_nothing(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    response = api.patch("/v1/captures/cap-1", json={"status": "ready", "assignee": "ana@example.com"},
                         headers=REVIEWER)
    assert response.status_code == 409
    assert "'new' cannot move to 'ready'" in response.json()["detail"]
    stored = store.get_capture("cap-1")
    assert stored is not None and stored.status.value == "new" and stored.assignee is None
    assert audit_of(store, "cap-1") == []


def test_any_status_can_be_ignored_and_ignored_reopens_to_new(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1", status="ready")])
    assert api.patch("/v1/captures/cap-1", json={"status": "ignored"}, headers=REVIEWER).status_code == 200
    assert api.patch("/v1/captures/cap-1", json={"status": "triaged"}, headers=REVIEWER).status_code == 409
    reopened = api.patch("/v1/captures/cap-1", json={"status": "new"}, headers=REVIEWER)
    assert reopened.status_code == 200 and reopened.json()["status"] == "new"


def test_marking_exported_needs_the_lead_role(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1", status="ready")])
    response = api.patch("/v1/captures/cap-1", json={"status": "exported"}, headers=REVIEWER)
    assert response.status_code == 403
    assert "lead role" in response.json()["detail"]


def test_assign_unassign_and_notes_are_stored_and_audited(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    api.patch("/v1/captures/cap-1", headers=REVIEWER,
              json={"assignee": "ana@example.com", "note": "Looks like the tool timeout."})
    assert walk(api, {"assignee": "ana@example.com"}) == ["cap-1"]
    response = api.patch("/v1/captures/cap-1", json={"assignee": None}, headers=REVIEWER)
    assert response.status_code == 200
    body = response.json()
    assert body["assignee"] is None
    assert [note["text"] for note in body["notes"]] == ["Looks like the tool timeout."]
    actions = sorted(e["action"] for e in audit_of(store, "cap-1"))
    assert actions == ["capture.assign", "capture.assign", "capture.note"]


def test_a_patch_that_changes_nothing_writes_no_audit(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1", status="triaged")])
    response = api.patch("/v1/captures/cap-1", json={"status": "triaged"}, headers=REVIEWER)
    assert response.status_code == 200
    assert audit_of(store, "cap-1") == []


@pytest.mark.parametrize(("body", "field"), [
    ({}, "body"),
    ({"status": None}, "body"),
    ({"status": "closed"}, "body.status"),
    ({"assignee": ""}, "body.assignee"),
    ({"owner": "ana"}, "body.owner"),
])
def test_bad_patch_bodies_are_422_naming_the_field(api: TestClient, store: Store, body: dict[str, Any],
                                                   field: str) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    response = api.patch("/v1/captures/cap-1", json=body, headers=REVIEWER)
    assert response.status_code == 422
    assert field in [item["field"] for item in response.json()["detail"]]


def test_patching_an_unknown_capture_is_a_404(api: TestClient, store: Store) -> None:
    response = api.patch("/v1/captures/nope", json={"status": "triaged"}, headers=REVIEWER)
    assert response.status_code == 404


# ---- the review service behind the routes ------------------------------------------------------------------------
FIXED_TIME = "2026-02-01T09:00:00.000000Z"


def test_the_review_service_is_a_dependency_tests_can_swap(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    api.app.dependency_overrides[get_review_service] = lambda: ReviewService(store, clock=lambda: FIXED_TIME)
    response = api.patch("/v1/captures/cap-1", json={"note": "clock from the override"}, headers=REVIEWER)
    assert response.status_code == 200, response.text
    assert response.json()["notes"][0]["at"] == FIXED_TIME
    assert response.json()["history"][0]["at"] == FIXED_TIME


class _AlwaysOutpaced(ReviewService):
    def update_capture(self, capture_id: str, patch: CapturePatch, actor: str) -> FailureCapture:
        raise VersionConflict(f"captures/{capture_id} was changed by another writer between read and write on "
                              "each of 20 attempts, so this change was not stored; try again.")


def test_a_change_outpaced_by_other_writers_is_a_409_saying_to_try_again(api: TestClient, store: Store) -> None:
    store.upsert_captures([make_capture(capture_id="cap-1")])
    api.app.dependency_overrides[get_review_service] = lambda: _AlwaysOutpaced(store)
    response = api.patch("/v1/captures/cap-1", json={"assignee": "ana"}, headers=REVIEWER)
    assert response.status_code == 409
    assert "captures/cap-1" in response.json()["detail"] and "try again" in response.json()["detail"]
    assert response.headers["Retry-After"] == "1"
    assert store.get_capture("cap-1").assignee is None  # type: ignore[union-attr]

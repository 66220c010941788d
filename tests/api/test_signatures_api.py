"""The grouped queue over both stores: sorting, windows, filters, triage of whole signatures, merge/unmerge.

Signatures are formed by the real grouping code from captures, so ids, counts and fingerprints are the ones
production would store.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from typing import Any

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.hours import hour_key_of
from evalforge_assets.models import FailureCapture, FailureSignature
from evalforge_assets.review.signatures import group_hour
from evalforge_assets.store import CaptureFilter, Filter, Store
from tests.api.conftest import auth
from tests.fixtures.factories import make_capture

LEAD, REVIEWER, VIEWER = auth("lead"), auth("reviewer"), auth("viewer")
NOW = "2026-01-15T23:00:00.000000Z"


def failure(capture_id: str, at: str, error_type: str, severity: str = "high",
            **fields: Any) -> FailureCapture:
    return make_capture(capture_id=capture_id, occurred_at=at, error_type=error_type, severity=severity,
                        error_message=f"{error_type} while answering", **fields)


def group(store: Store, captures: list[FailureCapture]) -> None:
    """Run the grouping step the way the failure_signatures asset does, against what the store holds."""
    store.upsert_captures(captures)
    by_hour: dict[str, list[FailureCapture]] = defaultdict(list)
    for capture in captures:
        by_hour[hour_key_of(capture.occurred_at)].append(capture)
    known = {s.signature_id: s for s in store.iter_signatures()}
    result = group_hour(by_hour, known, NOW)
    store.save_signatures(list(result.signatures.values()))
    store.save_captures(result.regrouped_captures)


@pytest.fixture
def queue(store: Store) -> dict[str, str]:
    """Three signatures: Alpha (5, low, hours 10-11), Beta (2, critical, hour 12), Gamma (3, high, 10-13).

    Returns error type -> signature id.
    """
    captures = [
        *(failure(f"a{i}", f"2026-01-15T10:{i:02d}:00.000000Z", "Alpha", "low") for i in range(3)),
        *(failure(f"a{i}", f"2026-01-15T11:{i:02d}:00.000000Z", "Alpha", "low") for i in range(3, 5)),
        *(failure(f"b{i}", f"2026-01-15T12:{i:02d}:00.000000Z", "Beta", "critical") for i in range(2)),
        failure("g0", "2026-01-15T10:30:00.000000Z", "Gamma"),
        failure("g1", "2026-01-15T10:31:00.000000Z", "Gamma"),
        failure("g2", "2026-01-15T13:00:00.000000Z", "Gamma"),
    ]
    group(store, captures)
    grouped = {c.capture_id: c.signature_id for c in store.iter_captures()}
    return {c.error_type or "": grouped[c.capture_id] or "" for c in captures}


def rows(api: TestClient, params: dict[str, Any] | None = None,
         headers: dict[str, str] = VIEWER) -> list[dict]:
    """Every row a client sees by following next_cursor to the end."""
    found: list[dict] = []
    cursor: str | None = None
    while True:
        query = {**(params or {}), **({"cursor": cursor} if cursor else {})}
        response = api.get("/v1/signatures", params=query, headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        found += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            return found


def ids(found: list[dict]) -> list[str]:
    return [row["signature_id"] for row in found]


def test_rows_carry_counts_bounds_status_and_sample_captures(api: TestClient, queue: dict[str, str]) -> None:
    alpha = next(row for row in rows(api) if row["signature_id"] == queue["Alpha"])
    assert alpha["count"] == 5 and alpha["count_in_window"] is None
    assert (alpha["first_seen"], alpha["last_seen"]) == ("2026-01-15T10:00:00.000000Z",
                                                         "2026-01-15T11:04:00.000000Z")
    assert alpha["status"] == "new"
    assert len(alpha["sample_capture_ids"]) == 5
    assert [s["capture_id"] for s in alpha["samples"]] == alpha["sample_capture_ids"][:1]
    assert alpha["samples"][0]["signature_id"] == queue["Alpha"]


@pytest.mark.parametrize("samples", [0, 3])
def test_rows_show_as_many_samples_as_asked(api: TestClient, queue: dict[str, str], samples: int) -> None:
    alpha = next(row for row in rows(api, {"samples": samples}) if row["signature_id"] == queue["Alpha"])
    assert [s["capture_id"] for s in alpha["samples"]] == alpha["sample_capture_ids"][:samples]


@pytest.mark.parametrize(("sort", "order"), [
    ("count", ["Alpha", "Gamma", "Beta"]),
    ("severity", ["Beta", "Gamma", "Alpha"]),
    ("last_seen", ["Gamma", "Beta", "Alpha"]),
])
def test_sorts(api: TestClient, queue: dict[str, str], sort: str, order: list[str]) -> None:
    assert ids(rows(api, {"sort": sort})) == [queue[name] for name in order]
    assert ids(rows(api, {"sort": sort, "limit": 1})) == [queue[name] for name in order]


@pytest.mark.parametrize("sort", ["count", "severity", "last_seen"])
def test_a_window_lists_only_signatures_that_recurred_in_it_with_their_window_count(
        api: TestClient, queue: dict[str, str], sort: str) -> None:
    window = {"from": "2026-01-15T11:00:00Z", "to": "2026-01-15T13:00:00Z"}
    found = rows(api, {**window, "sort": sort, "limit": 1})
    counts = {row["signature_id"]: (row["count_in_window"], row["count"]) for row in found}
    assert counts == {queue["Alpha"]: (2, 5), queue["Beta"]: (2, 2)}


def test_a_window_open_at_one_end(api: TestClient, queue: dict[str, str]) -> None:
    before = {r["signature_id"]: r["count_in_window"] for r in rows(api, {"to": "2026-01-15T11:00:00Z"})}
    assert before == {queue["Alpha"]: 3, queue["Gamma"]: 2}
    after = {r["signature_id"]: r["count_in_window"] for r in rows(api, {"from": "2026-01-15T12:30:00Z"})}
    assert after == {queue["Beta"]: 2, queue["Gamma"]: 1}  # counts are per whole hour


@pytest.mark.parametrize(("params", "names"), [
    ({"severity": "critical,high"}, ["Beta", "Gamma"]),
    ({"agent": "support-agent"}, ["Alpha", "Beta", "Gamma"]),
    ({"agent": "other-agent"}, []),
    ({"ml_app": "shop-assistant"}, ["Alpha", "Beta", "Gamma"]),
    ({"failure_kind": "eval_fail"}, []),
    ({"status": "new"}, ["Alpha", "Beta", "Gamma"]),
    ({"status": ["triaged", "ready"]}, []),
])
def test_signature_filters(api: TestClient, queue: dict[str, str], params: dict[str, Any],
                           names: list[str]) -> None:
    assert sorted(ids(rows(api, params))) == sorted(queue[name] for name in names)


def test_status_filter_follows_triage(api: TestClient, queue: dict[str, str]) -> None:
    api.patch(f"/v1/signatures/{queue['Beta']}", json={"status": "triaged"}, headers=REVIEWER)
    assert ids(rows(api, {"status": "triaged"})) == [queue["Beta"]]


@pytest.mark.parametrize(("params", "field"), [
    ({"sort": "alphabetical"}, "query.sort"),
    ({"status": "open"}, "query.status"),
    ({"assignee": "ana,none"}, "query.assignee"),
    ({"assigned_to": "ana"}, "query.assigned_to"),
    ({"limit": 500}, "query.limit"),
])
def test_bad_signature_queries_are_422(api: TestClient, queue: dict[str, str], params: dict[str, Any],
                                       field: str) -> None:
    response = api.get("/v1/signatures", params=params, headers=VIEWER)
    assert response.status_code == 422
    assert field in [item["field"] for item in response.json()["detail"]]


def test_a_cursor_from_another_sort_is_refused(api: TestClient, queue: dict[str, str]) -> None:
    first = api.get("/v1/signatures", params={"sort": "count", "limit": 1}, headers=VIEWER)
    cursor = first.json()["next_cursor"]
    response = api.get("/v1/signatures", params={"sort": "last_seen", "cursor": cursor}, headers=VIEWER)
    assert response.status_code == 400
    assert "sort=count" in response.json()["detail"]


def test_detail_pages_through_its_captures_and_shows_hours(api: TestClient, queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Alpha']}"
    first = api.get(url, params={"limit": 3}, headers=VIEWER).json()
    assert first["counts_by_hour"] == {"2026-01-15-10:00": 3, "2026-01-15-11:00": 2}
    assert first["own_counts_by_hour"] == first["counts_by_hour"]
    page_two = {"limit": 3, "cursor": first["captures"]["next_cursor"]}
    second = api.get(url, params=page_two, headers=VIEWER).json()
    seen = [c["capture_id"] for c in first["captures"]["items"] + second["captures"]["items"]]
    assert seen == ["a4", "a3", "a2", "a1", "a0"]
    assert second["captures"]["next_cursor"] is None
    assert api.get("/v1/signatures/unknown", headers=VIEWER).status_code == 404


def statuses(store: Store, signature_id: str) -> dict[str, str]:
    captures = store.iter_captures(CaptureFilter(signature_id=(signature_id,)))
    return {c.capture_id: c.status.value for c in captures}


def test_triaging_a_signature_triages_its_captures_but_not_ones_ignored_alone(api: TestClient, store: Store,
                                                                              queue: dict[str, str]) -> None:
    api.patch("/v1/captures/a0", json={"status": "ignored"}, headers=REVIEWER)
    response = api.patch(f"/v1/signatures/{queue['Alpha']}", headers=REVIEWER,
                         json={"status": "triaged", "note": "tool timeout"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["signature"]["status"] == "triaged"
    assert (body["captures_changed"], body["captures_skipped"]) == (4, 1)
    assert body["skipped"][0]["capture_id"] == "a0" and "ignored" in body["skipped"][0]["reason"]
    assert statuses(store, queue["Alpha"]) == {"a0": "ignored", "a1": "triaged", "a2": "triaged",
                                               "a3": "triaged", "a4": "triaged"}
    audit = store.list_audit((Filter("resource_id", "==", "a1"),)).items
    assert [(e.action, e.detail["via_signature"]) for e in audit] == [("capture.status", queue["Alpha"])]
    history = api.get(f"/v1/signatures/{queue['Alpha']}", headers=VIEWER).json()["history"]
    assert history[0]["detail"] == {"from": "new", "to": "triaged", "note": "tool timeout"}


def test_ready_moves_new_captures_forward_through_triaged(api: TestClient, store: Store,
                                                          queue: dict[str, str]) -> None:
    api.patch(f"/v1/signatures/{queue['Beta']}", json={"status": "triaged"}, headers=REVIEWER)
    group(store, [failure("b9", "2026-01-15T12:59:00.000000Z", "Beta", "critical")])  # arrives after triage
    response = api.patch(f"/v1/signatures/{queue['Beta']}", json={"status": "ready"}, headers=REVIEWER)
    assert response.json()["captures_changed"] == 3
    assert set(statuses(store, queue["Beta"]).values()) == {"ready"}
    steps = store.list_audit((Filter("resource_id", "==", "b9"),)).items[0].detail["steps"]
    assert steps == ["triaged", "ready"]


def test_signature_transitions_are_validated_and_exporting_needs_a_lead(api: TestClient, store: Store,
                                                                        queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Gamma']}"
    skipped = api.patch(url, json={"status": "ready"}, headers=REVIEWER)
    assert skipped.status_code == 409 and "'new' cannot move to 'ready'" in skipped.json()["detail"]
    assert set(statuses(store, queue["Gamma"]).values()) == {"new"}
    api.patch(url, json={"status": "triaged"}, headers=REVIEWER)
    api.patch(url, json={"status": "ready"}, headers=REVIEWER)
    assert api.patch(url, json={"status": "exported"}, headers=REVIEWER).status_code == 403
    assert api.patch(url, json={"status": "exported"}, headers=LEAD).status_code == 200
    assert set(statuses(store, queue["Gamma"]).values()) == {"exported"}


def test_ignoring_then_reopening_a_signature(api: TestClient, store: Store, queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Beta']}"
    assert api.patch(url, json={"status": "ignored"}, headers=REVIEWER).json()["captures_changed"] == 2
    assert api.patch(url, json={"status": "new"}, headers=REVIEWER).json()["captures_changed"] == 2
    assert set(statuses(store, queue["Beta"]).values()) == {"new"}


# ---- merge and unmerge -------------------------------------------------------------------------------------
def snapshot(store: Store) -> tuple[dict[str, FailureSignature], dict[str, str | None]]:
    signatures = {s.signature_id: s for s in store.iter_signatures()}
    owners = {c.capture_id: c.signature_id for c in store.iter_captures()}
    return signatures, owners


def test_merge_folds_children_into_the_parent_and_hides_them(api: TestClient, store: Store,
                                                             queue: dict[str, str]) -> None:
    alpha, beta, gamma = queue["Alpha"], queue["Beta"], queue["Gamma"]
    response = api.post(f"/v1/signatures/{alpha}/merge", json={"signature_ids": [beta, gamma]}, headers=LEAD)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["captures_moved"] == 5
    parent = body["signature"]
    assert parent["count"] == 10 and parent["severity"] == "critical"
    assert parent["merged_children"] == [beta, gamma]
    assert (parent["first_seen"], parent["last_seen"]) == ("2026-01-15T10:00:00.000000Z",
                                                           "2026-01-15T13:00:00.000000Z")
    assert ids(rows(api)) == [alpha]
    assert sorted(ids(rows(api, {"include_merged": "true"}))) == sorted([alpha, beta, gamma])
    child = api.get(f"/v1/signatures/{beta}", headers=VIEWER).json()
    assert child["merged_into"] == alpha and child["own_counts_by_hour"] == {"2026-01-15-12:00": 2}
    detail = api.get(f"/v1/signatures/{alpha}", params={"limit": 200}, headers=VIEWER).json()
    assert detail["counts_by_hour"] == {"2026-01-15-10:00": 5, "2026-01-15-11:00": 2, "2026-01-15-12:00": 2,
                                        "2026-01-15-13:00": 1}
    assert detail["own_counts_by_hour"] == {"2026-01-15-10:00": 3, "2026-01-15-11:00": 2}
    assert len(detail["captures"]["items"]) == 10
    windowed = rows(api, {"from": "2026-01-15T12:00:00Z"})
    assert [(r["signature_id"], r["count_in_window"]) for r in windowed] == [(alpha, 3)]


def test_unmerge_restores_parent_children_and_captures_exactly(api: TestClient, store: Store,
                                                               queue: dict[str, str]) -> None:
    alpha, beta, gamma = queue["Alpha"], queue["Beta"], queue["Gamma"]
    before = snapshot(store)
    api.post(f"/v1/signatures/{alpha}/merge", json={"signature_ids": [beta, gamma]}, headers=LEAD)
    response = api.post(f"/v1/signatures/{alpha}/unmerge", json={"signature_ids": [gamma]}, headers=LEAD)
    assert response.status_code == 200, response.text
    assert response.json()["captures_moved"] == 3
    assert response.json()["signature"]["merged_children"] == [beta]
    api.post(f"/v1/signatures/{alpha}/unmerge", json={"signature_ids": [beta]}, headers=LEAD)
    assert snapshot(store) == before


def test_unmerge_sends_back_captures_grouped_into_the_parent_after_the_merge(api: TestClient, store: Store,
                                                                             queue: dict[str, str]) -> None:
    alpha, beta = queue["Alpha"], queue["Beta"]
    api.post(f"/v1/signatures/{alpha}/merge", json={"signature_ids": [beta]}, headers=LEAD)
    group(store, [failure("b7", "2026-01-15T14:00:00.000000Z", "Beta", "critical")])
    assert store.get_capture("b7").signature_id == alpha  # type: ignore[union-attr]
    response = api.post(f"/v1/signatures/{alpha}/unmerge", json={"signature_ids": [beta]}, headers=LEAD)
    assert response.json()["captures_moved"] == 3
    restored_parent = store.get_signature(alpha)
    restored_child = store.get_signature(beta)
    assert restored_parent is not None and restored_child is not None
    assert (restored_parent.count, restored_parent.severity.value) == (5, "low")
    assert restored_parent.last_seen == "2026-01-15T11:04:00.000000Z"
    assert restored_child.count == 3 and restored_child.merged_into is None
    assert statuses(store, beta).keys() == {"b0", "b1", "b7"}


@pytest.mark.parametrize(("path", "body_of", "status", "words"), [
    ("merge", lambda q: [q["Alpha"]], 409, "into itself"),
    ("merge", lambda q: [q["Beta"], q["Beta"]], 409, "listed twice"),
    ("merge", lambda q: ["sig_unknown"], 404, "'sig_unknown'"),
    ("unmerge", lambda q: [q["Beta"]], 409, "not merged into"),
])
def test_merge_and_unmerge_refuse_what_would_be_inconsistent(api: TestClient, store: Store,
                                                             queue: dict[str, str], path: str, body_of: Any,
                                                             status: int, words: str) -> None:
    before = snapshot(store)
    response = api.post(f"/v1/signatures/{queue['Alpha']}/{path}", json={"signature_ids": body_of(queue)},
                        headers=LEAD)
    assert response.status_code == status
    assert words in response.json()["detail"]
    assert snapshot(store) == before


def test_merged_signatures_cannot_be_merged_again_or_triaged_alone(api: TestClient,
                                                                   queue: dict[str, str]) -> None:
    alpha, beta, gamma = queue["Alpha"], queue["Beta"], queue["Gamma"]
    api.post(f"/v1/signatures/{alpha}/merge", json={"signature_ids": [beta]}, headers=LEAD)
    again = api.post(f"/v1/signatures/{gamma}/merge", json={"signature_ids": [beta]}, headers=LEAD)
    assert again.status_code == 409 and "already merged into" in again.json()["detail"]
    into_child = api.post(f"/v1/signatures/{beta}/merge", json={"signature_ids": [gamma]}, headers=LEAD)
    assert into_child.status_code == 409
    triage = api.patch(f"/v1/signatures/{beta}", json={"status": "triaged"}, headers=REVIEWER)
    assert triage.status_code == 409 and alpha in triage.json()["detail"]


def test_merging_needs_the_lead_role(api: TestClient, queue: dict[str, str]) -> None:
    response = api.post(f"/v1/signatures/{queue['Alpha']}/merge", json={"signature_ids": [queue["Beta"]]},
                        headers=REVIEWER)
    assert response.status_code == 403


# ---- assignee and the expected version --------------------------------------------------------------------
def test_assigning_a_signature_is_audited_and_filterable(api: TestClient, store: Store,
                                                          queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Beta']}"
    response = api.patch(url, json={"assignee": "ana@example.com"}, headers=REVIEWER)
    assert response.status_code == 200, response.text
    row = response.json()["signature"]
    assert (row["assignee"], row["status"], row["review_version"]) == ("ana@example.com", "new", 1)
    assert row["reviewed_by"] and row["reviewed_by"].startswith("key-")
    assert response.json()["captures_changed"] == 0
    api.patch(f"/v1/signatures/{queue['Gamma']}", json={"assignee": "bo@example.com"}, headers=REVIEWER)
    assert ids(rows(api, {"assignee": "ana@example.com"})) == [queue["Beta"]]
    assert set(ids(rows(api, {"assignee": "ana@example.com,bo@example.com"}))) == {queue["Beta"], queue["Gamma"]}
    repeated = {"assignee": ["ana@example.com", "bo@example.com"]}
    assert ids(rows(api, repeated)) == [queue["Gamma"], queue["Beta"]]
    assert ids(rows(api, {"assignee": "none"})) == [queue["Alpha"]]
    assert ids(rows(api, {"assignee": "none", "sort": "last_seen"})) == [queue["Alpha"]]
    history = api.get(url, headers=VIEWER).json()["history"]
    assert history[0]["action"] == "signature.assign"
    assert history[0]["detail"] == {"from": None, "to": "ana@example.com"}
    # Captures keep their own assignees.
    assert {c.assignee for c in store.iter_captures(CaptureFilter(signature_id=(queue["Beta"],)))} == {None}
    unassigned = api.patch(url, json={"assignee": None}, headers=REVIEWER).json()["signature"]
    assert unassigned["assignee"] is None and unassigned["review_version"] == 2
    assert set(ids(rows(api, {"assignee": "none"}))) == {queue["Alpha"], queue["Beta"]}


def test_a_patch_needs_something_to_do_and_viewers_cannot_assign(api: TestClient, queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Beta']}"
    assert api.patch(url, json={}, headers=REVIEWER).status_code == 422
    assert api.patch(url, json={"expected_version": 0}, headers=REVIEWER).status_code == 422
    assert api.patch(url, json={"status": None}, headers=REVIEWER).status_code == 422
    assert api.patch(url, json={"assignee": "none"}, headers=REVIEWER).status_code == 422
    assert api.patch(url, json={"assignee": "ana"}, headers=VIEWER).status_code == 403


def test_a_note_alone_is_kept_in_the_history(api: TestClient, queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Beta']}"
    response = api.patch(url, json={"note": "owner: checkout team"}, headers=REVIEWER)
    assert response.status_code == 200, response.text
    assert response.json()["signature"]["review_version"] == 1
    history = api.get(url, headers=VIEWER).json()["history"]
    assert [(e["action"], e["detail"]) for e in history] == [("signature.note", {"note": "owner: checkout team"})]


def test_a_stale_expected_version_is_a_409_naming_who_and_changes_nothing(api: TestClient, store: Store,
                                                                         queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Alpha']}"
    first = api.patch(url, json={"status": "triaged", "expected_version": 0}, headers=REVIEWER)
    assert first.status_code == 200, first.text
    winner = first.json()["signature"]["reviewed_by"]
    stale = api.patch(url, json={"status": "ignored", "assignee": "bo", "expected_version": 0}, headers=LEAD)
    assert stale.status_code == 409
    detail = stale.json()["detail"]
    assert f"{winner} changed it at" in detail and "it is now triaged, unassigned" in detail
    assert "Your change was not applied; reload the signature" in detail
    stored = store.get_signature(queue["Alpha"])
    assert stored is not None and (stored.status.value, stored.assignee, stored.review_version) == ("triaged",
                                                                                                    None, 1)
    assert set(statuses(store, queue["Alpha"]).values()) == {"triaged"}  # the loser's cascade never ran
    current = api.patch(url, json={"status": "ignored", "expected_version": 1}, headers=LEAD)
    assert current.status_code == 200 and current.json()["signature"]["review_version"] == 2


def test_grouping_a_new_hour_does_not_make_a_reviewers_version_stale(api: TestClient, store: Store,
                                                                      queue: dict[str, str]) -> None:
    url = f"/v1/signatures/{queue['Beta']}"
    shown = api.get(url, headers=VIEWER).json()["review_version"]
    group(store, [failure("b7", "2026-01-15T14:00:00.000000Z", "Beta", "critical")])
    assert api.get(url, headers=VIEWER).json()["count"] == 3
    response = api.patch(url, json={"status": "triaged", "expected_version": shown}, headers=REVIEWER)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(("header", "status_code"), [('"0"', 200), ("W/\"0\"", 200), ("0", 200), ('"7"', 409),
                                                      ("abc", 422)])
def test_if_match_carries_the_expected_version(api: TestClient, queue: dict[str, str], header: str,
                                               status_code: int) -> None:
    response = api.patch(f"/v1/signatures/{queue['Beta']}", json={"assignee": "ana"},
                         headers={**REVIEWER, "If-Match": header})
    assert response.status_code == status_code, response.text


def test_if_match_and_expected_version_must_agree(api: TestClient, store: Store, queue: dict[str, str]) -> None:
    response = api.patch(f"/v1/signatures/{queue['Beta']}", json={"assignee": "ana", "expected_version": 0},
                         headers={**REVIEWER, "If-Match": '"3"'})
    assert response.status_code == 409
    assert "If-Match says version 3 but expected_version says 0" in response.json()["detail"]
    stored = store.get_signature(queue["Beta"])
    assert stored is not None and stored.assignee is None


def test_two_reviewers_patching_at_the_same_moment_one_wins_one_gets_the_409(
        client_factory: Any, store: Store, queue: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Two clients in two threads, both past the read of the same version before either writes: the store's
    compare-and-set lets one write, the other's change re-runs on the fresh record and is refused."""
    both_read = threading.Barrier(2, timeout=30)
    original = store._put_if_version
    arrived: set[int] = set()

    def put_after_both_read(spec: Any, document: dict[str, Any], expected: int | None) -> bool:
        if spec.name == "signatures" and threading.get_ident() not in arrived:
            arrived.add(threading.get_ident())
            both_read.wait()  # each writer's first write waits until the other has read too
        return original(spec, document, expected)

    monkeypatch.setattr(store, "_put_if_version", put_after_both_read)
    url = f"/v1/signatures/{queue['Gamma']}"
    clients = [client_factory(), client_factory()]
    answers: dict[str, Any] = {}

    def reviewer(name: str, client: TestClient, body: dict[str, Any]) -> None:
        answers[name] = client.patch(url, json={**body, "expected_version": 0}, headers=REVIEWER)

    threads = [threading.Thread(target=reviewer, args=("triage", clients[0], {"status": "triaged"})),
               threading.Thread(target=reviewer, args=("ignore", clients[1], {"status": "ignored"}))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    codes = sorted(answer.status_code for answer in answers.values())
    assert codes == [200, 409], {name: answer.text for name, answer in answers.items()}
    winner = next(name for name, answer in answers.items() if answer.status_code == 200)
    loser = next(answer for answer in answers.values() if answer.status_code == 409)
    won_status = {"triage": "triaged", "ignore": "ignored"}[winner]
    assert f"it is now {won_status}" in loser.json()["detail"] and "Your change was not applied" in loser.json()["detail"]
    stored = store.get_signature(queue["Gamma"])
    assert stored is not None and (stored.status.value, stored.review_version) == (won_status, 1)
    audit = store.list_audit((Filter("resource_id", "==", queue["Gamma"]),)).items
    assert [entry.action for entry in audit] == ["signature.status"]

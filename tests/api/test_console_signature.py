"""A signature's console page: why it grouped, samples with their stored (redacted) text and evaluations,
counts by hour, related incidents, the audit trail; triage that carries the page's version, so a stale page gets
the conflict sentence instead of overwriting; and every text escaped."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.store import Store
from tests.api.console_pages import CONSOLE_HEADERS, elements, page, sign_in
from tests.api.test_signatures_api import group
from tests.fixtures.factories import make_capture, make_incident

SCRIPT = "<script>alert(1)</script>"


def shown_version(store: Store, signature_id: str) -> int:
    """The review version a page of the signature shows (what its actions send back)."""
    found = store.get_signature(signature_id)
    assert found is not None
    return found.review_version


@pytest.fixture
def signature_id(store: Store) -> str:
    captures = [
        make_capture(capture_id="c1", occurred_at="2026-01-15T10:01:00.000000Z", error_type="ToolError",
                     input_text=f"Order [ORDER_ID] {SCRIPT}",
                output_text="Sorry, I could not look that up.",
                evaluations=[{"label": "faithfulness", "value": 0.2, "reasoning": "made up a date"}],
                error_message=f"tool failed {SCRIPT}"),
        make_capture(capture_id="c2", occurred_at="2026-01-15T11:01:00.000000Z", error_type="ToolError",
                     error_message=f"tool failed {SCRIPT}"),
    ]
    group(store, captures)
    found = store.get_capture("c1")
    assert found is not None and found.signature_id
    return found.signature_id


def test_the_page_shows_why_grouped_samples_chart_and_history(api: TestClient, signature_id: str,
                                                              store: Store) -> None:
    sign_in(api, "reviewer")
    triaged = api.post(f"/console/actions/signatures/{signature_id}/status", headers=CONSOLE_HEADERS,
                       json={"status": "triaged", "note": "tool outage",
                             "version": shown_version(store, signature_id)})
    assert triaged.status_code == 200, triaged.text
    html = page(api, f"/signatures/{signature_id}")
    assert "Why grouped" in html and "type_and_message" in html and "error_type" in html
    assert "made up a date" in html and "faithfulness" in html and "Sorry, I could not look that up." in html
    assert "[ORDER_ID]" in html
    chart = elements(html, "svg", role="img")[0]
    assert str(chart["aria-label"]).startswith("2 captures in the 48 hours")
    assert "Audit trail" in html and "triaged" in html


def test_capture_and_signature_text_is_escaped(api: TestClient, signature_id: str) -> None:
    sign_in(api, "viewer")
    for path in (f"/signatures/{signature_id}", "/signatures"):
        html = page(api, path)
        assert SCRIPT not in html, path
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page(api, f"/signatures/{signature_id}")


def test_triage_is_kept_on_reload(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "reviewer")
    version = shown_version(store, signature_id)
    response = api.post(f"/console/actions/signatures/{signature_id}/status", headers=CONSOLE_HEADERS,
                        json={"status": "triaged", "version": version})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "triaged" and response.json()["version"] > version
    html = page(api, f"/signatures/{signature_id}")
    assert elements(html, "option", value="triaged", selected=None)
    assert elements(html, "div", id="signature", data_version=str(response.json()["version"]))


def test_a_stale_page_gets_the_conflict_sentence_and_changes_nothing(api: TestClient, signature_id: str,
                                                                     store: Store) -> None:
    sign_in(api, "reviewer")
    shown = shown_version(store, signature_id)
    first = api.post(f"/console/actions/signatures/{signature_id}/status", headers=CONSOLE_HEADERS,
                     json={"status": "triaged", "version": shown})
    assert first.status_code == 200
    second = api.post(f"/console/actions/signatures/{signature_id}/status", headers=CONSOLE_HEADERS,
                      json={"status": "ignored", "version": shown})
    assert second.status_code == 409
    detail = second.json()["detail"]
    assert "was changed after you loaded it: key-" in detail and "it is now triaged" in detail
    assert "reload the signature" in detail
    stored = store.get_signature(signature_id)
    assert stored is not None and stored.status.value == "triaged"


def test_a_viewer_cannot_triage(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "viewer")
    html = page(api, f"/signatures/{signature_id}")
    assert "disabled" in elements(html, "select", id="t-status")[0]
    response = api.post(f"/console/actions/signatures/{signature_id}/status", headers=CONSOLE_HEADERS,
                        json={"status": "triaged", "version": shown_version(store, signature_id)})
    assert response.status_code == 403


def test_actions_need_the_console_header(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "lead")
    response = api.post(f"/console/actions/signatures/{signature_id}/status",
                        json={"status": "triaged", "version": shown_version(store, signature_id)})
    assert response.status_code == 401


def test_an_incident_of_the_same_service_while_it_recurred_is_related(api: TestClient, signature_id: str,
                                                                      store: Store) -> None:
    incident = make_incident(service="checkout", detected_at="2026-01-15T10:30:00.000000Z")
    elsewhere = make_incident(service="payments", detected_at="2026-01-15T10:30:00.000000Z")
    later = make_incident(service="checkout", detected_at="2026-02-01T00:00:00.000000Z")
    for record in (incident, elsewhere, later):
        store.save_incident(record)
    sign_in(api, "viewer")
    html = page(api, f"/signatures/{signature_id}")
    assert elements(html, "a", href=f"/incidents/{incident.incident_id}")
    assert not elements(html, "a", href=f"/incidents/{elsewhere.incident_id}")
    assert not elements(html, "a", href=f"/incidents/{later.incident_id}")


def test_an_unknown_signature_is_a_page_saying_so(api: TestClient) -> None:
    sign_in(api, "viewer")
    assert "No signature with id" in page(api, "/signatures/sig_nope", status=404)


# ---- assignee and notes (issue 13 follow-up) ---------------------------------------------------------------
def test_a_note_alone_is_recorded_from_the_detail_page(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "reviewer")
    # The page's triage form always sends the status select, which shows the current status.
    response = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                        json={"status": "new", "note": "looked at it, waiting on the tool team",
                              "version": shown_version(store, signature_id)})
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "new" and response.json()["version"] == 1
    html = page(api, f"/signatures/{signature_id}")
    assert "signature.note" in html and "waiting on the tool team" in html


def test_the_detail_page_assigns_and_shows_the_assignee(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "reviewer")
    html = page(api, f"/signatures/{signature_id}")
    assert "disabled" not in elements(html, "input", id="t-assignee")[0]
    assigned = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                        json={"assignee": "ana@example.com", "version": shown_version(store, signature_id)})
    assert assigned.status_code == 200, assigned.text
    assert assigned.json()["assignee"] == "ana@example.com"
    html = page(api, f"/signatures/{signature_id}")
    assert elements(html, "input", id="t-assignee", value="ana@example.com")
    assert elements(html, "div", id="signature", data_version=str(assigned.json()["version"]))
    unassigned = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                          json={"assignee": None, "version": assigned.json()["version"]})
    assert unassigned.json()["assignee"] is None
    # Assigning the signature leaves its captures' own assignees alone.
    assert {c.assignee for c in store.get_captures(["c1", "c2"])} == {None}


def test_an_assignment_on_a_stale_page_names_who_changed_it(api: TestClient, signature_id: str,
                                                            store: Store) -> None:
    sign_in(api, "reviewer")
    shown = shown_version(store, signature_id)
    first = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                     json={"assignee": "ana@example.com", "version": shown})
    assert first.status_code == 200
    second = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                      json={"assignee": "bo@example.com", "version": shown})
    assert second.status_code == 409
    assert "assigned to ana@example.com" in second.json()["detail"]
    stored = store.get_signature(signature_id)
    assert stored is not None and stored.assignee == "ana@example.com"


def test_an_action_with_nothing_to_change_is_refused(api: TestClient, signature_id: str, store: Store) -> None:
    sign_in(api, "reviewer")
    response = api.post(f"/console/actions/signatures/{signature_id}/review", headers=CONSOLE_HEADERS,
                        json={"version": shown_version(store, signature_id)})
    assert response.status_code == 422

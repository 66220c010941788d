"""The console's signature queue: rows from the /v1/signatures query, filters and sort carried in the URL, cursor
paging, counts in a window, per-row hour charts, and triage controls disabled with a reason for a viewer."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.store import Store
from tests.api.conftest import ClientFactory
from tests.api.console_pages import CONSOLE_HEADERS, LOOPBACK, elements, page, sign_in
from tests.api.test_signatures_api import queue  # noqa: F401  (fixture: Alpha 5 low, Beta 2 critical, Gamma 3)


def listed(html: str) -> list[str]:
    return [str(row["data-signature-id"]) for row in elements(html, "tr", data_signature_id=None)]


@pytest.fixture
def viewer(api: TestClient) -> TestClient:
    sign_in(api, "viewer")
    return api


def test_the_queue_lists_signatures_by_count_with_a_chart_per_row(viewer: TestClient,
                                                                   queue: dict[str, str]) -> None:  # noqa: F811
    html = page(viewer, "/signatures")
    assert listed(html) == [queue["Alpha"], queue["Gamma"], queue["Beta"]]
    charts = elements(html, "svg", role="img")
    assert len(charts) == 3
    # Alpha's 5 captures fall in the 24 hours its chart shows, and the chart says so to screen readers.
    assert "5 captures in the 24 hours" in str(charts[0]["aria-label"])
    assert len(re.findall(r"<rect ", html)) == 2 + 2 + 1  # Alpha: hours 10, 11; Gamma: 10, 13; Beta: 12


def test_sorting_by_last_seen_is_a_link_and_in_the_url(viewer: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    html = page(viewer, "/signatures?sort=last_seen")
    assert listed(html) == [queue["Gamma"], queue["Beta"], queue["Alpha"]]
    assert elements(html, "a", href="/signatures?sort=last_seen")
    assert elements(html, "option", value="last_seen", selected=None)


def test_filters_come_from_the_url_and_stay_in_the_form(viewer: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    html = page(viewer, "/signatures?severity=critical&ml_app=&agent=&status=")
    assert listed(html) == [queue["Beta"]]
    assert elements(html, "option", value="critical", selected=None)


def test_a_time_window_lists_what_recurred_in_it_with_counts_in_the_window(viewer: TestClient,
                                                                           queue: dict[str, str]) -> None:  # noqa: F811
    html = page(viewer, "/signatures?from=2026-01-15T11:00Z&to=2026-01-15T13:00Z")
    assert set(listed(html)) == {queue["Alpha"], queue["Beta"]}
    assert "In window" in html
    assert elements(html, "input", name="from", value="2026-01-15T11:00Z")


def test_paging_follows_the_cursor_with_the_filters_kept(viewer: TestClient, queue: dict[str, str],  # noqa: F811
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("evalforge_api.console.queue.PAGE_SIZE", 2)
    html = page(viewer, "/signatures?severity=low,high,critical")
    assert listed(html) == [queue["Alpha"], queue["Gamma"]]
    next_link = elements(html, "a", rel="next")[0]["href"]
    assert next_link and parse_qs(urlparse(next_link).query)["cursor"]
    assert parse_qs(urlparse(next_link).query)["severity"] == ["low,high,critical"]
    second = page(viewer, str(next_link))
    assert listed(second) == [queue["Beta"]]
    assert elements(second, "a", href="/signatures") and not elements(second, "a", rel="next")


def test_a_viewer_sees_triage_disabled_with_the_reason(viewer: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    html = page(viewer, "/signatures")
    button = elements(html, "button", data_action="bulk-status")[0]
    assert "disabled" in button and "reviewer role" in str(button["title"])
    assert "Needs the reviewer role or higher; you are signed in as viewer" in html
    assert "Role: viewer" in html


def test_a_reviewer_may_triage_but_not_merge_or_export(api: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "reviewer")
    html = page(api, "/signatures")
    assert "disabled" not in elements(html, "button", data_action="bulk-status")[0]
    assert "disabled" in elements(html, "button", data_action="bulk-merge")[0]
    assert "Needs the lead role or higher; you are signed in as reviewer" in html


def test_a_lead_may_do_everything(api: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "lead")
    html = page(api, "/signatures")
    assert not [b for b in elements(html, "button", data_action=None) if "disabled" in b]


def test_filters_that_cannot_be_read_answer_a_page_saying_which(viewer: TestClient) -> None:
    html = page(viewer, "/signatures?severity=urgent", status=400)
    assert "query.severity" in html and "Change them" in html


def test_without_a_session_the_queue_answers_401_with_the_sign_in_form(api: TestClient) -> None:
    html = page(api, "/signatures?severity=high", status=401)
    assert "Sign in with an API key" in html
    assert elements(html, "input", name="next", value="/signatures?severity=high")


def test_open_mode_on_loopback_shows_the_queue_without_sign_in(client_factory: ClientFactory, store: Store,
                                                               queue: dict[str, str]) -> None:  # noqa: F811
    local = client_factory(client_address=LOOPBACK, EVALFORGE_API_KEYS="")
    html = page(local, "/signatures")
    assert len(listed(html)) == 3 and "open mode" in html and "Sign out" not in html


def test_open_mode_refuses_other_machines_with_a_page_that_says_what_to_do(client_factory: ClientFactory) -> None:
    remote = client_factory(client_address=("203.0.113.9", 50000), EVALFORGE_API_KEYS="")
    html = page(remote, "/signatures", status=403)
    assert "EVALFORGE_API_KEYS" in html


def test_the_assignee_filter_is_in_the_url_and_the_form(api: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "reviewer")
    actions = "/console/actions/signatures/{}/review"
    api.post(actions.format(queue["Beta"]), headers=CONSOLE_HEADERS, json={"assignee": "ana", "version": 0})
    html = page(api, "/signatures?assignee=ana")
    assert listed(html) == [queue["Beta"]]
    assert elements(html, "input", name="assignee", value="ana")
    assert elements(html, "td", data_field="assignee")
    assert set(listed(page(api, "/signatures?assignee=none"))) == {queue["Alpha"], queue["Gamma"]}
    assert len(listed(page(api, "/signatures?assignee="))) == 3  # a blank form field means any


def test_a_reviewer_has_the_bulk_assign_control(api: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "reviewer")
    html = page(api, "/signatures")
    assert "disabled" not in elements(html, "button", data_action="bulk-assign")[0]
    assert elements(html, "input", id="bulk-assignee")

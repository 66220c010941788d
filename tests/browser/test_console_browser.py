"""The console in a real browser (Debian's Chromium through Playwright) on a running `evalforge up` stack with a
viewer, a reviewer and a lead key: signing in, the queue, a signature, triage and merge, an export delivered,
the incident board following the recovery loop live, the copilot, the incident list and the ingestion page.

One stack serves the module (its bootstrap loads the sample); each test opens a fresh browser context, so
sessions never leak between roles. Every page visited is saved as a screenshot artifact (conftest).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DESKTOP, LEAD_KEY, PHONE, REVIEWER_KEY, VIEWER_KEY, screenshot
from tests.e2e.stack import Stack, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

KEYS = {"viewer": VIEWER_KEY, "reviewer": REVIEWER_KEY, "lead": LEAD_KEY}
# Polling detection, planning and a Dagster run per validation each take seconds on a busy machine.
LOOP_TIMEOUT_MS = 150_000


def sign_in(page: Page, stack: Stack, role: str, next_path: str = "/") -> None:
    page.goto(f"{stack.api_url}/console/session?{urlencode({'next': next_path})}")
    page.get_by_label("API key").fill(KEYS[role])
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".role-badge")).to_have_text(f"Role: {role}")


def no_horizontal_scroll(page: Page) -> bool:
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1"))


def lead_api(stack: Stack) -> httpx.Client:
    return httpx.Client(base_url=stack.api_url, headers={"Authorization": f"Bearer {LEAD_KEY}"}, timeout=15)


@pytest.fixture(scope="module")
def loaded(stack: Stack) -> Stack:
    """The stack once its bootstrap has stored signatures (the queue has something to show)."""
    with lead_api(stack) as api:
        wait_until(lambda: api.get("/v1/signatures", params={"limit": 1}).json()["items"], 150,
                   "the bootstrap to store signatures")
    return stack


# ---- signing in -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", ["viewer", "reviewer", "lead"])
def test_each_role_signs_in_and_sees_its_role(page: Page, loaded: Stack, role: str) -> None:
    sign_in(page, loaded, role, "/incidents/board")
    expect(page.get_by_role("heading", name="Incident board")).to_be_visible()
    switch = page.get_by_role("button", name="Break checkout (bug on)")
    if role == "viewer":
        expect(switch).to_be_disabled()
        expect(page.locator("#bug-why")).to_contain_text("Needs the reviewer role")
    else:
        expect(switch).to_be_enabled()
    screenshot(page, f"board-as-{role}")


def test_a_wrong_key_is_refused_with_what_to_do(page: Page, loaded: Stack) -> None:
    page.goto(f"{loaded.api_url}/incidents/board")
    expect(page.get_by_label("API key")).to_be_visible()  # a 401 answers the sign-in page
    page.get_by_label("API key").fill("not-a-key")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not recognised")
    screenshot(page, "sign-in-refused")


# ---- the reviewer pages ------------------------------------------------------------------------------------------
QUEUE_ROWS = "table.queue tbody tr[data-signature-id]"


def test_a_viewer_filters_the_queue_and_pages_through_it(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "viewer", "/signatures")
    rows = page.locator(QUEUE_ROWS)
    expect(rows.first).to_be_visible()
    screenshot(page, "queue")
    severity = (rows.first.locator("td.sev").text_content() or "").strip()
    page.get_by_label("Severity").select_option(severity)
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(rf"severity={severity}"))
    expect(rows.first).to_be_visible()
    shown = [cell.strip() for cell in rows.locator("td.sev").all_text_contents()]
    assert shown and set(shown) == {severity}, shown
    expect(page.get_by_role("button", name="Apply to selected")).to_be_disabled()  # a viewer cannot triage

    page.goto(f"{loaded.api_url}/signatures?limit=2")
    first_page = rows.evaluate_all("(rows) => rows.map((row) => row.dataset.signatureId)")
    assert len(first_page) == 2
    page.get_by_role("link", name="Next page").click()
    expect(rows.first).to_be_visible()
    second_page = rows.evaluate_all("(rows) => rows.map((row) => row.dataset.signatureId)")
    assert second_page and not set(second_page) & set(first_page), "the next page shows other signatures"
    assert "cursor=" in page.url and "limit=2" in page.url, "the URL carries the view, so it can be shared"
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page), "the queue must fit a 390 px phone screen"
    screenshot(page, "queue-phone")
    # Every signature at once, so a title with one long token (`HARM_CATEGORY_DANGEROUS_CONTENT`) is on the page
    # whichever page the sample's counts put it on.
    page.goto(f"{loaded.api_url}/signatures?limit=200")
    expect(rows.first).to_be_visible()
    assert no_horizontal_scroll(page), "every signature's title must wrap to a phone screen, however long its words"


def test_a_signature_shows_why_its_captures_were_grouped(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "viewer", "/signatures")
    page.locator(QUEUE_ROWS).first.locator("td a").first.click()
    why = page.get_by_role("region", name="Why grouped")
    expect(why).to_be_visible()
    expect(why.locator("dl.facts dt").first).to_be_visible()
    expect(page.get_by_role("region", name="Sample captures").locator("article").first).to_be_visible()
    screenshot(page, "signature")


def _queue_ids(page: Page) -> list[str]:
    return page.locator(QUEUE_ROWS).evaluate_all("(rows) => rows.map((row) => row.dataset.signatureId)")


def test_a_reviewer_triages_and_a_lead_merges(browser: Browser, loaded: Stack) -> None:
    reviewer = browser.new_context(viewport=DESKTOP)
    lead = browser.new_context(viewport=DESKTOP)
    try:
        page = reviewer.new_page()
        sign_in(page, loaded, "reviewer", "/signatures?status=new&sort=last_seen")
        target = _queue_ids(page)[0]
        page.goto(f"{loaded.api_url}/signatures/{target}")
        page.get_by_role("combobox", name="Status", exact=True).select_option("triaged")
        page.get_by_role("textbox", name="Note", exact=True).fill("looked at it in the browser test")
        page.get_by_role("button", name="Save").click()
        expect(page.locator("#flash")).to_contain_text("Saved")
        page.reload()
        expect(page.locator("#signature dd[data-field='status']")).to_have_text("triaged")
        expect(page.get_by_role("button", name="Merge into this one")).to_be_disabled()  # merging needs a lead
        screenshot(page, "signature-triaged")

        page = lead.new_page()
        sign_in(page, loaded, "lead", "/signatures?status=new&sort=last_seen")
        keep, absorbed = _queue_ids(page)[:2]
        for signature_id in (keep, absorbed):
            page.locator(f"tr[data-signature-id='{signature_id}'] input[type=checkbox]").check()
        with page.expect_navigation():  # the queue reloads to show the merge
            page.get_by_role("button", name="Merge selected into the first").click()
        expect(page.locator("#flash")).to_contain_text("Merged 1 signature(s)")  # kept across the reload
        page.goto(f"{loaded.api_url}/signatures/{absorbed}")
        expect(page.locator("#signature")).to_contain_text("Merged into")
        page.goto(f"{loaded.api_url}/signatures/{keep}")
        expect(page.get_by_role("link", name=absorbed)).to_be_visible()
        screenshot(page, "signature-merged")
    finally:
        reviewer.close()
        lead.close()


@pytest.mark.timeout(400)
def test_a_lead_exports_and_watches_it_become_delivered(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "lead", "/signatures?sort=count")
    page.locator(QUEUE_ROWS).first.locator("td a").first.click()
    page.get_by_role("link", name="Export this signature").click()
    page.get_by_role("button", name="Request export").click()
    expect(page).to_have_url(re.compile(r"/exports/[^/]+$"))
    status = page.locator(".export-status")
    expect(status).to_have_attribute("data-overall", "delivered", timeout=LOOP_TIMEOUT_MS)
    downloads = page.get_by_role("link", name=re.compile("^Download"))
    expect(downloads.first).to_be_visible()
    with page.expect_download() as download:
        downloads.first.click()
    assert download.value.suggested_filename, "an artifact downloads"
    screenshot(page, "export-delivered")


# ---- the incident board, live -----------------------------------------------------------------------------------
def _statuses_received(page: Page) -> list[str]:
    received: list[dict[str, Any]] = page.evaluate("() => window.evalforgeBoard.received")
    states: list[str] = []
    for event in received:
        if event["type"] == "system.status" and (not states or states[-1] != event["payload"]["status"]):
            states.append(event["payload"]["status"])
    return states


def _switch_bug(page: Page, button: str) -> None:
    """Click a bug switch and require the API's answer, so a refused or lost switch fails here, saying why,
    instead of as a board that never changes state."""
    with page.expect_response(lambda response: response.url.endswith("/api/demo/bug")
                              and response.request.method == "POST") as answer:
        page.get_by_role("button", name=button).click()
    response = answer.value
    assert response.status == 200, f"{button}: the API answered {response.status}: {response.text()}"


@pytest.mark.timeout(600)
def test_the_board_follows_the_recovery_loop_without_reloading(browser: Browser, loaded: Stack) -> None:
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    try:
        sign_in(page, loaded, "reviewer", "/incidents/board")
        expect(page.locator("#connection")).to_have_attribute("data-connection", "live")
        page.evaluate("() => { window.notReloaded = true; }")

        _switch_bug(page, "Break checkout (bug on)")
        expect(page.locator("#system-state")).to_have_attribute("data-state", "INCIDENT_ACTIVE",
                                                                timeout=LOOP_TIMEOUT_MS)
        expect(page.locator("#checks > li")).to_have_count(5, timeout=LOOP_TIMEOUT_MS)
        failing = page.locator("#checks .check-status[data-state='FAIL']")
        expect(failing.first).to_be_visible(timeout=LOOP_TIMEOUT_MS)
        expect(page.locator("#checks .check-details").first).not_to_be_empty()
        evidence = page.locator("#incident-card .evidence a")
        for index in range(evidence.count()):
            assert re.match(r"https?://", evidence.nth(index).get_attribute("href") or "")
        screenshot(page, "board-incident-failing")

        _switch_bug(page, "Fix checkout (bug off)")
        expect(page.locator("#system-state")).to_have_attribute("data-state", "RECOVERED", timeout=LOOP_TIMEOUT_MS)
        expect(page.locator("#checks .check-status[data-state='FAIL']")).to_have_count(0)
        assert page.evaluate("() => window.notReloaded === true"), "the board must update without a reload"

        states = _statuses_received(page)
        assert "INCIDENT_ACTIVE" in states and "VALIDATING" in states and states[-1] == "RECOVERED", states
        first_active = states.index("INCIDENT_ACTIVE")
        assert "VALIDATING" in states[first_active:], states
        timeline = page.locator("#timeline li")
        assert timeline.count() >= 3
        screenshot(page, "board-recovered")
        page.set_viewport_size(PHONE)
        assert no_horizontal_scroll(page), "the board must fit a 390 px phone screen"
        screenshot(page, "board-recovered-phone")
    finally:
        context.close()


def test_the_copilot_answers_with_citations_as_links(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "viewer", "/incidents/board")
    page.get_by_label("Ask about the incident").fill("Why is checkout failing, and what should I check first?")
    page.get_by_role("button", name="Ask the copilot").click()
    answer = page.locator("#copilot-answers > li").first
    expect(answer).to_contain_text("Why is checkout failing", timeout=30_000)
    expect(answer.locator(".answer-text")).not_to_be_empty()
    links = answer.locator(".citations a")
    assert links.count() >= 1, "the answer cites its evidence"
    assert re.match(r"https?://", links.first.get_attribute("href") or "")
    expect(page.locator("#copilot-answers > li")).to_have_count(1)  # the POST reply and the event draw it once
    screenshot(page, "board-copilot")


def test_keyboard_reaches_the_copilot_and_asks(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "viewer", "/incidents/board")
    page.locator("#copilot-question").focus()
    page.keyboard.type("What changed?")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "copilot-ask"
    page.keyboard.press("Enter")
    expect(page.locator("#copilot-answers > li").first).to_contain_text("What changed?", timeout=30_000)


# ---- the incident list and the ingestion page ---------------------------------------------------------------------
def test_the_incident_list_shows_incidents_and_opens_one_on_the_board(page: Page, loaded: Stack) -> None:
    with lead_api(loaded) as api:
        opened = api.post("/api/incidents/simulate", json={"mode": "INCIDENT_ON"})
        assert opened.status_code == 200, opened.text
        incident_id = opened.json()["incident_id"]
        try:
            sign_in(page, loaded, "viewer", "/incidents")
            row = page.locator(f"tr[data-incident-id='{incident_id}']")
            expect(row).to_be_visible()
            screenshot(page, "incidents")
            row.get_by_role("link").first.click()
            expect(page.locator("#incident-card")).to_contain_text(incident_id)
            page.set_viewport_size(PHONE)
            page.goto(f"{loaded.api_url}/incidents")
            assert no_horizontal_scroll(page)
            screenshot(page, "incidents-phone")
        finally:
            api.post("/api/incidents/simulate", json={"mode": "INCIDENT_OFF"})


def test_the_ingestion_page_links_each_capture_run_into_dagster(page: Page, loaded: Stack) -> None:
    sign_in(page, loaded, "viewer", "/ingestion")
    expect(page.get_by_role("heading", name="Ingestion and health")).to_be_visible()
    expect(page.locator("#health-status")).to_have_text("ok")
    hours = page.locator("#captured-hours tbody tr")
    expect(hours.first).to_be_visible()
    link = hours.first.get_by_role("link")
    href = link.get_attribute("href") or ""
    assert href.startswith(f"{loaded.dagster_url}/runs/"), href
    assert httpx.get(href, timeout=15).status_code == 200, "the run's page opens in the Dagster UI"
    expect(page.locator("#pii-findings tbody tr").first).to_be_visible()
    screenshot(page, "ingestion")
    page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(page)
    screenshot(page, "ingestion-phone")

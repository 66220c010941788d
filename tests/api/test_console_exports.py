"""Exports in the console: the request form for selected signatures (lead only), an export's page with each
destination's status, and downloads of the files it generated (only from this machine's exports directory)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from evalforge_assets.models import Artifact, DeliveryStatus, Destination, ExportPackage
from evalforge_assets.store import Store
from tests.api.console_pages import CONSOLE_HEADERS, elements, page, sign_in
from tests.api.test_signatures_api import queue  # noqa: F401  (fixture)


def test_the_form_lists_the_selected_signatures_and_destinations(api: TestClient,
                                                                 queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "lead")
    html = page(api, f"/exports?signature_id={queue['Alpha']}&signature_id={queue['Beta']}&signature_id=sig_gone")
    chosen = [box["value"] for box in elements(html, "input", name="signature_ids")]
    assert chosen == [queue["Alpha"], queue["Beta"]]
    assert {box["value"] for box in elements(html, "input", name="destinations")} == {d.value for d in Destination}
    assert "sig_gone" in html and "no longer exist" in html
    assert not [b for b in elements(html, "button", type="submit") if "disabled" in b]


def test_a_reviewer_sees_the_export_button_disabled_with_the_reason(api: TestClient,
                                                                    queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "reviewer")
    html = page(api, f"/exports?signature_id={queue['Alpha']}")
    button = elements(html, "button", type="submit", **{"class": "button-primary"})[-1]
    assert "disabled" in button and "lead role" in str(button["title"])
    # The API refuses it too, whatever the page shows.
    refused = api.post("/v1/exports", headers=CONSOLE_HEADERS,
                       json={"signature_ids": [queue["Alpha"]], "destinations": ["runbook"]})
    assert refused.status_code == 403


@pytest.fixture
def delivered(store: Store, tmp_path: Path, queue: dict[str, str]) -> ExportPackage:  # noqa: F811
    folder = tmp_path / "exports" / "exp-1"
    folder.mkdir(parents=True)
    (folder / "eval_cases.jsonl").write_text('{"case": 1}\n')
    package = ExportPackage(
        export_id="exp-1", signature_ids=[queue["Alpha"]], capture_ids=["a0"],
        destinations=[Destination.eval_dataset, Destination.webhook],
        artifacts=[Artifact(destination=Destination.eval_dataset, kind="eval_cases_jsonl",
                            location=str(folder / "eval_cases.jsonl"), count=1),
                   Artifact(destination=Destination.webhook, kind="webhook_delivery",
                            location="https://hooks.example.com/evalforge")],
        status={"eval_dataset": DeliveryStatus.delivered, "webhook": DeliveryStatus.running},
        overall_status=DeliveryStatus.running, requested_by="key-lead", requested_at="2026-01-15T12:00:00.000000Z")
    store.save_export(package)
    return package


def test_an_exports_page_shows_each_destination_and_links_its_files(api: TestClient,
                                                                    delivered: ExportPackage) -> None:
    sign_in(api, "viewer")
    html = page(api, "/exports/exp-1")
    assert elements(html, "div", data_watch_export="exp-1")  # the script polls /v1/exports/exp-1 from here
    assert elements(html, "tr", data_destination="eval_dataset") and elements(html, "tr", data_destination="webhook")
    assert elements(html, "a", href="/console/exports/exp-1/artifacts/eval_dataset/0")
    assert 'data-status="running"' in html and 'data-status="delivered"' in html
    assert "exp-1" in page(api, "/exports")


def test_a_generated_file_downloads(api: TestClient, delivered: ExportPackage) -> None:
    sign_in(api, "viewer")
    response = api.get("/console/exports/exp-1/artifacts/eval_dataset/0")
    assert response.status_code == 200 and response.text == '{"case": 1}\n'
    assert "eval_cases.jsonl" in response.headers["content-disposition"]


def test_an_artifact_delivered_elsewhere_is_named_not_served(api: TestClient, delivered: ExportPackage) -> None:
    sign_in(api, "viewer")
    html = page(api, "/console/exports/exp-1/artifacts/webhook/0", status=404)
    assert "https://hooks.example.com/evalforge" in html
    assert "no number 3" in page(api, "/console/exports/exp-1/artifacts/eval_dataset/3", status=404)


def test_a_file_outside_the_exports_directory_is_never_served(api: TestClient, store: Store, tmp_path: Path) -> None:
    secret = tmp_path / "elsewhere.txt"
    secret.write_text("not an artifact")
    store.save_export(ExportPackage(
        export_id="exp-2", destinations=[Destination.runbook], requested_by="x", requested_at="2026-01-15T12:00:00Z",
        artifacts=[Artifact(destination=Destination.runbook, kind="runbook_md", location=str(secret))]))
    sign_in(api, "lead")
    page(api, "/console/exports/exp-2/artifacts/runbook/0", status=404)


def test_a_lead_requests_an_export_as_the_page_script_does(api: TestClient, queue: dict[str, str]) -> None:  # noqa: F811
    sign_in(api, "lead")
    response = api.post("/v1/exports", headers=CONSOLE_HEADERS,
                        json={"signature_ids": [queue["Beta"]], "destinations": ["runbook"]})
    assert response.status_code == 202, response.text
    export_id = response.json()["export_id"]
    html = page(api, f"/exports/{export_id}")
    assert elements(html, "tr", data_destination="runbook") and 'data-overall="pending"' in html

"""The files written for TestSprite's MCP server and the reading of its results (recovery/testsprite_files.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType
from evalforge_assets.models import TestStatus as Status  # aliased so pytest does not try to collect it
from evalforge_assets.recovery.testsprite_files import (
    CONFIG_FILE,
    PLAN_FILE,
    PRD_FILE,
    RESULTS_FILE,
    TestSpriteError,
    backend_test_plan,
    local_endpoint,
    read_results,
    verdicts,
    write_project,
)

NOW = "2026-01-15T10:00:00.000000Z"


def check(test_id: str, url: str, *, priority: int = 1, method: HttpMethod = HttpMethod.GET,
          headers: dict[str, str] | None = None, body: dict[str, Any] | None = None,
          criteria: str = "status == 200") -> PlanItem:
    return PlanItem(test_id=test_id, name=f"Check {test_id}", type=PlanItemType.API, priority=priority,
                    what_it_checks=f"Why {test_id} matters.", pass_criteria=criteria,
                    target=CheckTarget(method=method, url=url, headers=headers or {}, body_json=body or {}))


def plan_of(*items: PlanItem) -> Plan:
    return Plan(plan_id="plan-1", generated_at=NOW, items=list(items))


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "127.0.1.1", "[::1]", "shop.localhost"])
def test_local_checks_become_a_localhost_endpoint_on_their_port(host: str) -> None:
    plan = plan_of(check("a", f"http://{host}:8001/health"), check("b", f"http://{host}:8001/catalog", priority=2))
    assert local_endpoint(plan) == "http://localhost:8001/"


def test_a_public_url_is_refused_with_what_to_do() -> None:
    with pytest.raises(TestSpriteError, match=r"targets https://shop\.example\.com\. Point DEMO_APP_URL at the "
                                              r"local http port .* or unset TESTSPRITE_API_KEY"):
        local_endpoint(plan_of(check("a", "https://shop.example.com/health")))


def test_checks_on_two_ports_are_refused() -> None:
    plan = plan_of(check("a", "http://127.0.0.1:8001/health"), check("b", "http://127.0.0.1:9000/x", priority=2))
    with pytest.raises(TestSpriteError, match=r"target 127\.0\.0\.1:8001, 127\.0\.0\.1:9000; a plan must check one"):
        local_endpoint(plan)


def test_each_check_becomes_a_backend_test_that_says_what_to_send_and_how_to_judge() -> None:
    plan = plan_of(
        check("health", "http://127.0.0.1:8001/health?verbose=1", priority=2),
        check("checkout", "http://127.0.0.1:8001/checkout", method=HttpMethod.POST, body={"quantity": 0},
              headers={"Authorization": "Bearer wrong"}, criteria="status == 422"),
    )
    first, second = backend_test_plan(plan)
    assert (first.id, first.title, second.id) == ("checkout", "Check checkout", "health")  # priority order
    assert first.steps[0] == ('Send POST /checkout with headers Authorization: Bearer wrong with the JSON body '
                              '{"quantity": 0}.')
    assert first.steps[1].startswith("Pass only when `status == 422` holds")
    assert first.description.startswith("Why checkout matters. Send POST /checkout")
    assert second.steps[0] == "Send GET /health?verbose=1 with no body."


def test_an_empty_post_body_is_still_sent() -> None:
    [case] = backend_test_plan(plan_of(check("c", "http://127.0.0.1:8001/checkout", method=HttpMethod.POST)))
    assert case.steps[0] == "Send POST /checkout with the JSON body {}."


def test_the_project_holds_the_plan_the_requirements_and_a_confirmed_backend_config(tmp_path: Path) -> None:
    plan = plan_of(check("health", "http://127.0.0.1:8001/health"))
    assert write_project(tmp_path, plan, "demo-app") == "http://localhost:8001/"

    tests = json.loads((tmp_path / PLAN_FILE).read_text())
    assert [sorted(test) for test in tests] == [["description", "id", "steps", "title"]]
    config = json.loads((tmp_path / CONFIG_FILE).read_text())
    assert {key: config[key] for key in ("status", "type", "localEndpoint", "backendAuthType")} == {
        "status": "commited", "type": "backend", "localEndpoint": "http://localhost:8001/",
        "backendAuthType": "public"}
    prd = json.loads((tmp_path / PRD_FILE).read_text())
    assert prd["validation_criteria"] == ["health: status == 200"]

    again = tmp_path / "again"
    write_project(again, plan, "demo-app")
    other = tmp_path / "other"
    write_project(other, plan, "shop")
    key = config["projectKey"]
    assert json.loads((again / CONFIG_FILE).read_text())["projectKey"] == key  # one TestSprite project per service
    assert json.loads((other / CONFIG_FILE).read_text())["projectKey"] != key


def write_results(folder: Path, document: Any) -> None:
    (folder / RESULTS_FILE).parent.mkdir(parents=True, exist_ok=True)
    (folder / RESULTS_FILE).write_text(json.dumps(document))


def test_passed_and_failed_map_onto_pass_and_fail_with_testsprites_words(tmp_path: Path) -> None:
    plan = plan_of(check("checkout", "http://127.0.0.1:8001/c"), check("health", "http://127.0.0.1:8001/h", priority=2),
                   check("catalog", "http://127.0.0.1:8001/k", priority=3), check("auth", "http://127.0.0.1:8001/a",
                                                                                    priority=4))
    write_results(tmp_path, [
        {"testId": "t1", "testStatus": "FAILED", "testError": "AssertionError: expected 200, got 500",
         "portalUrl": "https://portal/t1", "code": "...", "projectId": "p"},
        {"testId": "t2", "testStatus": "PASSED", "testError": "", "portalUrl": "https://portal/t2"},
        {"testId": "t3", "testStatus": "BLOCKED", "testError": "Target unreachable"},
    ])
    results = verdicts(plan, read_results(tmp_path), NOW)
    assert [(r.test_id, r.status) for r in results] == [("checkout", Status.FAIL), ("health", Status.PASS),
                                                        ("catalog", Status.FAIL), ("auth", Status.FAIL)]
    assert results[0].details == ("TestSprite test t1 failed: AssertionError: expected 200, got 500. "
                                  "Result: https://portal/t1")
    assert results[1].details == "TestSprite test t2 passed. Result: https://portal/t2"
    assert results[2].details == "TestSprite test t3 ended BLOCKED, not PASSED: Target unreachable."
    assert results[3].details == "TestSprite returned no result for this check."
    assert {r.last_update_at for r in results} == {NOW}


def test_a_failure_without_error_text_says_so(tmp_path: Path) -> None:
    write_results(tmp_path, [{"testId": "t1", "testStatus": "FAILED", "testError": None}, None])
    plan = plan_of(check("a", "http://127.0.0.1:1/"), check("b", "http://127.0.0.1:1/b", priority=2))
    first, second = verdicts(plan, read_results(tmp_path), NOW)
    assert first.details == "TestSprite test t1 failed: TestSprite gave no error text."
    assert (second.status, second.details) == (Status.FAIL, "TestSprite returned no result for this check.")


@pytest.mark.parametrize(("content", "message"), [
    (None, "finished without writing testsprite_tests/tmp/test_results.json"),
    ("{not json", "is not JSON"),
    ('{"testStatus": "PASSED"}', "should hold a list of results, not dict"),
    ('[{"testStatus": 3}]', "has a result of an unexpected shape"),
])
def test_unreadable_results_are_errors_that_name_the_file(tmp_path: Path, content: str | None, message: str) -> None:
    if content is not None:
        (tmp_path / RESULTS_FILE).parent.mkdir(parents=True)
        (tmp_path / RESULTS_FILE).write_text(content)
    with pytest.raises(TestSpriteError, match=message):
        read_results(tmp_path)

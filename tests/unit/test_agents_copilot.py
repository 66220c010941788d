"""The incident copilot over a real SQLite store: the LLM agent with citations, and the deterministic answers."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from evalforge_assets.models import (
    FailureKind,
    FailureSignature,
    Link,
    TestRun,
    TestRunStatus,
    TestStatus,
)
from evalforge_assets.recovery.copilot import answer_question
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.recovery.service import IncidentService, SignalReading
from evalforge_assets.settings import Settings
from evalforge_assets.store.sqlite import SqliteStore
from tests.doubles.scripted_model import ScriptedModel, call, say

DAGSTER = "http://dagster.test:3000"
DAGSTER_ACTOR = "dagster:dg-run-7"
HIGH = SignalReading(error_rate_5m=0.42, p95_latency_ms_5m=830.0, top_error="POST /checkout 500",
                     error_rate_recent=0.5)
LOW = SignalReading(error_rate_5m=0.01, p95_latency_ms_5m=90.0, top_error=None, error_rate_recent=0.0)
MONITOR = Link(label="Datadog monitor", url="https://app.datadoghq.com/monitors/123")
SIGNATURE_LINK = Link(label="Signature: Checkout agent timeout", url="/v1/signatures/sig_1")


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("MINIMAX_API_KEY", "DD_SERVICE", "ERROR_RATE_THRESHOLD", "EVALFORGE_DAGSTER_URL"):
        monkeypatch.delenv(name, raising=False)
    return Settings(_env_file=None, EVALFORGE_DAGSTER_URL=DAGSTER)  # type: ignore[call-arg]


@pytest.fixture
def service(tmp_path: Path) -> IncidentService:
    seconds = itertools.count()
    clock = lambda: f"2026-03-02T10:{next(seconds) // 60:02d}:{next(seconds) % 60:02d}.000000Z"
    store = SqliteStore(tmp_path / "evalforge.db")
    store.save_signatures([FailureSignature(
        signature_id="sig_1", title="Checkout agent timeout for jane.doe@example.com", fingerprint={},
        ml_app="shop", failure_kind=FailureKind.error, severity="high", count=17,
        first_seen="2026-03-02T09:00:00.000000Z", last_seen="2026-03-02T10:00:00.000000Z")])
    return IncidentService(store, service="demo-app", error_rate_threshold=0.05, clock=clock)


def open_with_plan(service: IncidentService) -> str:
    incident, _ = service.open_or_join(HIGH, source="simulate", actor="tester",
                                       evidence_links=[MONITOR, SIGNATURE_LINK])
    service.attach_plan(incident.incident_id, deterministic_plan("http://127.0.0.1:8001", None, HIGH.to_signal(),
                                                                 "2026-03-02T10:00:00.000000Z"))
    return incident.incident_id


def run_checks(service: IncidentService, incident_id: str, failing: dict[str, str], reading: SignalReading) -> TestRun:
    """A validation run executed by Dagster run dg-run-7 whose `failing` checks fail with the given details."""
    run = service.start_validation(service.request_test_run(incident_id, "tester"), DAGSTER_ACTOR)
    tests = [test.model_copy(update={"status": TestStatus.FAIL if test.test_id in failing else TestStatus.PASS,
                                     "details": failing.get(test.test_id)}) for test in run.tests]
    run = run.model_copy(update={"status": TestRunStatus.COMPLETED, "tests": tests})
    service.finish_validation(run, reading, DAGSTER_ACTOR)
    return run


@pytest.fixture
def failing_incident(service: IncidentService) -> tuple[str, TestRun]:
    incident_id = open_with_plan(service)
    run = run_checks(service, incident_id, {"checkout-valid-order": "expected status == 200, got 500"}, HIGH)
    return incident_id, run


def urls(answer) -> list[str]:
    return [link.url for link in answer.citations]


# ------------------------------------------------------------------------------------------- with a model


def test_model_answer_cites_what_its_tools_read_and_loses_its_reasoning(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    incident_id, run = failing_incident
    model = ScriptedModel([
        call("get_latest_test_run"),
        say("<think>The run shows checkout failing.</think>\n\nOne check fails: checkout-valid-order gets a 500."),
    ])

    answer = answer_question(service.store, settings, incident_id, "Which checks fail?", model=model)

    assert answer.answer == "One check fails: checkout-valid-order gets a 500."
    assert answer.incident_id == incident_id and answer.question == "Which checks fail?"
    assert urls(answer) == ["/api/incidents/current", f"/api/tests/runs/{run.run_id}", f"{DAGSTER}/runs/dg-run-7"]
    shown = json.loads(model.requests[1].tool_results()[0]["content"][0]["text"])
    assert shown["run_id"] == run.run_id
    assert {t["test_id"]: t["details"] for t in shown["tests"]}["checkout-valid-order"] == \
        "expected status == 200, got 500"
    assert set(model.requests[0].tool_names) == {"get_incident", "get_plan", "get_latest_test_run",
                                                 "get_failure_signatures", "get_system_status"}


def test_signatures_reach_the_model_redacted_and_are_cited(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    incident_id, _ = failing_incident
    model = ScriptedModel([call("get_failure_signatures"), say("Checkout agent timeouts rose: 17 captures.")])

    answer = answer_question(service.store, settings, incident_id, "Any related failures?", model=model)

    seen = model.requests[1].text()
    assert "jane.doe@example.com" not in seen and "Checkout agent timeout for <EMAIL>" in seen
    assert "/v1/signatures/sig_1" in urls(answer)


def test_a_failing_model_gets_the_deterministic_answer(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    incident_id, _ = failing_incident
    model = ScriptedModel([TimeoutError("MiniMax timed out")], repeat_last=True)

    answer = answer_question(service.store, settings, incident_id, "Which checks fail and why?", model=model)

    assert "checkout-valid-order" in answer.answer and "expected status == 200, got 500" in answer.answer


# ------------------------------------------------------------------------------------------- deterministic


def test_what_is_failing_names_the_top_error_rate_and_failing_checks(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    incident_id, run = failing_incident

    answer = answer_question(service.store, settings, None, "What is failing?", model=None)

    assert answer.incident_id == incident_id
    assert "Top error: POST /checkout 500." in answer.answer
    assert "error rate is 42.0% (threshold 5.0%)" in answer.answer and "830 ms" in answer.answer
    assert f"1 of 5 checks of validation run {run.run_id} fail: Checkout accepts a valid order." in answer.answer
    assert "Checkout agent timeout for <EMAIL> (17 captures)" in answer.answer
    assert {"/api/incidents/current", "/api/status", MONITOR.url, SIGNATURE_LINK.url,
            f"/api/tests/runs/{run.run_id}", f"{DAGSTER}/runs/dg-run-7"} == set(urls(answer))


def test_which_checks_fail_lists_each_failure_with_its_details(
        service: IncidentService, settings: Settings) -> None:
    incident_id = open_with_plan(service)
    run = run_checks(service, incident_id, {"checkout-valid-order": "expected status == 200, got 500",
                                            "checkout-requires-auth": "expected status in [401], got 500"}, HIGH)

    answer = answer_question(service.store, settings, incident_id, "Which checks fail and why?", model=None)

    assert answer.answer.splitlines() == [
        f"2 of 5 checks of validation run {run.run_id} fail:",
        "- Checkout accepts a valid order (checkout-valid-order): expected status == 200, got 500",
        "- POST /checkout refuses a wrong bearer token (checkout-requires-auth): expected status in [401], got 500",
    ]
    assert urls(answer)[:2] == [f"/api/tests/runs/{run.run_id}", f"{DAGSTER}/runs/dg-run-7"]


def test_is_it_recovered_explains_both_conditions_while_checks_fail(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    incident_id, _ = failing_incident

    lines = answer_question(service.store, settings, incident_id, "Is it recovered?", model=None).answer.splitlines()

    assert lines[0] == "Not yet: the incident is INCIDENT_ACTIVE."
    assert lines[1].startswith("Recovery needs both: every check of a completed validation run passes, and the "
                               "error rate is under 5.0%")
    assert any("checkout-valid-order" in line and "failed" in line for line in lines[2:])
    assert "- The error rate 42.00% is not under the 5.00% threshold yet." in lines


def test_is_it_recovered_says_yes_once_checks_pass_and_the_signal_fell(
        service: IncidentService, settings: Settings) -> None:
    incident_id = open_with_plan(service)
    run = run_checks(service, incident_id, {}, LOW)

    lines = answer_question(service.store, settings, incident_id, "Has it recovered?", model=None).answer.splitlines()

    assert lines[0].startswith("Yes: the incident is RECOVERED since 2026-03-02T10:")
    assert f"- All 5 checks of validation run {run.run_id} passed." in lines
    assert "- The error rate 0.00% is under the 5.00% threshold." in lines  # the service's decision, recorded


def test_an_unrecognised_question_lists_what_the_copilot_can_answer(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    answer = answer_question(service.store, settings, None, "Who is on call tonight?", model=None)

    assert answer.answer.startswith("I can answer: what is failing; which checks fail and why; whether the "
                                    "incident has recovered; and what the validation plan checks.")
    assert "INCIDENT_ACTIVE" in answer.answer


def test_the_plan_question_lists_the_checks_in_priority_order(
        service: IncidentService, settings: Settings, failing_incident: tuple[str, TestRun]) -> None:
    lines = answer_question(service.store, settings, None, "What does the plan do?", model=None).answer.splitlines()

    assert [line.split(".")[0] for line in lines[1:]] == ["1", "2", "3", "4", "5"]
    assert "POST http://127.0.0.1:8001/checkout" in lines[1]


def test_without_an_incident_the_copilot_says_so(service: IncidentService, settings: Settings) -> None:
    service.refresh_status(LOW)
    model = ScriptedModel([])  # must not be called: there is nothing to ask it about

    answer = answer_question(service.store, settings, None, "What is failing?", model=model)

    assert answer.incident_id is None and model.calls == 0
    assert answer.answer == "There is no active incident. The service is HEALTHY with a 1.0% error rate."
    assert urls(answer) == ["/api/status"]
    unknown = answer_question(service.store, settings, "inc_missing", "What is failing?", model=None)
    assert unknown.answer.startswith("There is no incident inc_missing, and there is no active incident.")

"""The TestSprite runner end to end against a local TestSprite MCP server double (tests/doubles/testsprite_mcp.py),
started as a real stdio process the way the real server is: plan in, results out, files cleaned, and every way a
run can break ending FAILED with its reason, never hanging."""

from __future__ import annotations

import http.server
import json
import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType, TestResult
from evalforge_assets.models import TestStatus as Status  # aliased so pytest does not try to collect it
from evalforge_assets.recovery.checks import CheckRunError
from evalforge_assets.recovery.testsprite import TestSpriteError, TestSpriteRunner

ROOT = Path(__file__).resolve().parents[2]
DOUBLE = [sys.executable, str(ROOT / "tests" / "doubles" / "testsprite_mcp.py")]
KEY = "sk-double"
# Starting a Python MCP server takes seconds on a loaded machine; the waits under test are set much shorter.
START_SECONDS = 90.0


class _Quiet(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server dispatches to
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        return


@pytest.fixture()
def service() -> Iterator[int]:
    """A service listening on a local port (the double checks that its tunnel could reach it)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def plan_for(port: int) -> Plan:
    def item(test_id: str, priority: int, method: HttpMethod, path: str, criteria: str, **target: Any) -> PlanItem:
        return PlanItem(test_id=test_id, name=test_id.replace("-", " "), type=PlanItemType.API, priority=priority,
                        what_it_checks=f"{test_id} must hold.", pass_criteria=criteria,
                        target=CheckTarget(method=method, url=f"http://127.0.0.1:{port}{path}", **target))

    return Plan(plan_id="plan-1", generated_at="2026-01-15T10:00:00Z", items=[
        item("health-up", 2, HttpMethod.GET, "/health", "status == 200"),
        item("checkout-valid-order", 1, HttpMethod.POST, "/checkout", "status == 200 and json.order_id exists",
             body_json={"sku": "SKU-1001", "quantity": 1}),
        item("checkout-requires-auth", 3, HttpMethod.POST, "/checkout", "status == 401",
             headers={"Authorization": "Bearer wrong"}),
    ])


class Recorder:
    def __init__(self) -> None:
        self.updates: list[TestResult] = []

    def __call__(self, result: TestResult) -> None:
        self.updates.append(result)

    def statuses(self, test_id: str) -> list[Status]:
        return [update.status for update in self.updates if update.test_id == test_id]


@pytest.fixture()
def record(tmp_path: Path) -> Path:
    return tmp_path / "double-calls.jsonl"


def runner(tmp_path: Path, record: Path, *, api_key: str | None = KEY, mode: str = "normal",
           failing: dict[str, str] | None = None, command: list[str] | None = None,
           timeout: float = 120.0, start_timeout: float = START_SECONDS,
           project_name: str = "demo-app") -> TestSpriteRunner:
    return TestSpriteRunner(api_key, project_name=project_name, command=command or DOUBLE, timeout_seconds=timeout,
                            start_timeout_seconds=start_timeout, workdir=tmp_path / "runs", environment={
                                "TESTSPRITE_DOUBLE_MODE": mode, "TESTSPRITE_DOUBLE_RECORD": str(record),
                                "TESTSPRITE_DOUBLE_FAILING": json.dumps(failing or {})})


def calls(record: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []


def assert_cleaned(tmp_path: Path) -> None:
    assert list((tmp_path / "runs").iterdir()) == []


def assert_ended_failed(recorder: Recorder, plan: Plan, reason: str) -> None:
    for item in plan.items:
        assert recorder.statuses(item.test_id)[-1] is Status.FAIL
    finals = {update.details for update in recorder.updates if update.status is Status.FAIL}
    assert finals == {reason}


@pytest.mark.timeout(240)
def test_the_plan_runs_on_testsprite_and_its_verdicts_come_back(service: int, tmp_path: Path, record: Path) -> None:
    plan = plan_for(service)
    recorder = Recorder()
    error = "AssertionError: expected status 200, got 500 ({'detail': 'payment gateway timed out'})"
    results = runner(tmp_path, record, failing={"checkout-valid-order": error}).run(plan, recorder)

    assert [(r.test_id, r.status) for r in results] == [
        ("checkout-valid-order", Status.FAIL), ("health-up", Status.PASS), ("checkout-requires-auth", Status.PASS)]
    assert results[0].details == (f"TestSprite test ts-0001 failed: {error}. "
                                  "Result: https://www.testsprite.com/dashboard/mcp/tests/ts-0001")
    assert results[1].details == "TestSprite test ts-0002 passed. Result: https://www.testsprite.com/dashboard/mcp/tests/ts-0002"
    for item in plan.items:
        assert recorder.statuses(item.test_id)[:2] == [Status.PENDING, Status.RUNNING]
    assert [u.status for u in recorder.updates[:3]] == [Status.PENDING] * 3  # the whole plan shows first

    [call] = calls(record)
    project = Path(call["arguments"]["projectPath"])
    assert call["cwd"] == str(project) and project.parent.parent == (tmp_path / "runs").resolve()
    assert call["arguments"]["testIds"] == [] and call["arguments"]["projectName"] == "demo-app"
    assert call["config"]["localEndpoint"] == f"http://localhost:{service}/"
    assert [test["id"] for test in call["plan"]] == ["checkout-valid-order", "health-up", "checkout-requires-auth"]
    assert call["plan"][2]["steps"][0] == "Send POST /checkout with headers Authorization: Bearer wrong with the " \
                                         "JSON body {}."
    assert_cleaned(tmp_path)  # plan, config, results, generated code, reports and log are all gone


@pytest.mark.timeout(120)
def test_without_an_api_key_the_run_fails_at_once_without_starting_testsprite(tmp_path: Path, record: Path) -> None:
    plan = plan_for(8001)
    recorder = Recorder()
    with pytest.raises(CheckRunError) as raised:
        runner(tmp_path, record, api_key=None).run(plan, recorder)
    assert str(raised.value).startswith("TestSprite needs an API key: set TESTSPRITE_API_KEY")
    assert_ended_failed(recorder, plan, str(raised.value))
    assert calls(record) == []


@pytest.mark.timeout(240)
def test_a_refused_api_key_fails_the_run_with_testsprites_refusal(service: int, tmp_path: Path,
                                                                  record: Path) -> None:
    plan = plan_for(service)
    recorder = Recorder()
    with pytest.raises(TestSpriteError) as raised:
        runner(tmp_path, record, api_key="sk-revoked").run(plan, recorder)
    message = str(raised.value)
    assert message.startswith("TestSprite refused TESTSPRITE_API_KEY: create a new API key")
    assert "Unauthorized: Please create a new API_KEY." in message
    assert_ended_failed(recorder, plan, message)
    assert_cleaned(tmp_path)


@pytest.mark.timeout(240)
def test_a_service_testsprite_cannot_reach_fails_the_run_with_its_reason(tmp_path: Path, record: Path) -> None:
    with pytest.raises(TestSpriteError, match=r"TestSprite could not run the tests: .*Tunnel probe failed: "
                                              r"nothing answers on http://localhost:9/"):
        runner(tmp_path, record).run(plan_for(9), Recorder())
    assert_cleaned(tmp_path)


@pytest.mark.timeout(240)
def test_a_server_that_exits_mid_run_fails_the_run_with_its_last_words(service: int, tmp_path: Path,
                                                                       record: Path) -> None:
    plan = plan_for(service)
    recorder = Recorder()
    with pytest.raises(TestSpriteError) as raised:
        runner(tmp_path, record, mode="exit").run(plan, recorder)
    message = str(raised.value)
    assert "stopped before the tests finished" in message
    assert "tunnel closed by the remote end; exiting" in message  # the server's stderr
    assert len(calls(record)) == 1  # it died inside the execute call, not before
    assert_ended_failed(recorder, plan, message)
    assert_cleaned(tmp_path)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(240)
def test_a_run_that_never_finishes_is_stopped_at_the_timeout(service: int, tmp_path: Path, record: Path) -> None:
    plan = plan_for(service)
    recorder = Recorder()
    with pytest.raises(TestSpriteError) as raised:
        runner(tmp_path, record, mode="hang", timeout=3).run(plan, recorder)
    assert str(raised.value) == ("TestSprite did not finish the tests within 3 s (TESTSPRITE_TIMEOUT_SECONDS); "
                                 "the run was stopped.")
    assert_ended_failed(recorder, plan, str(raised.value))
    [call] = calls(record)
    deadline = time.monotonic() + 10
    while _alive(call["pid"]) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _alive(call["pid"]), "the hung server process was left running"
    assert_cleaned(tmp_path)


@pytest.mark.timeout(120)
def test_a_server_that_never_answers_is_given_up_at_the_start_timeout(service: int, tmp_path: Path,
                                                                      record: Path) -> None:
    silent = [sys.executable, "-c", "import time; time.sleep(600)"]
    with pytest.raises(TestSpriteError, match=r"did not start and list its tools within 2 s; check that npx"):
        runner(tmp_path, record, command=silent, start_timeout=2).run(plan_for(service), Recorder())
    assert_cleaned(tmp_path)


@pytest.mark.timeout(120)
def test_a_missing_server_command_says_what_to_install(service: int, tmp_path: Path, record: Path) -> None:
    missing = [str(tmp_path / "no-such-npx"), "-y", "@testsprite/testsprite-mcp"]
    with pytest.raises(TestSpriteError, match=r"Could not start TestSprite's MCP server: .*no-such-npx' was not "
                                              r"found. Install Node.js and npm"):
        runner(tmp_path, record, command=missing).run(plan_for(service), Recorder())


@pytest.mark.timeout(120)
def test_a_plan_against_another_machine_fails_before_starting_testsprite(tmp_path: Path, record: Path) -> None:
    plan = Plan(plan_id="p", generated_at="2026-01-15T10:00:00Z", items=[PlanItem(
        test_id="health-up", name="health", type=PlanItemType.API, priority=1, what_it_checks="up",
        pass_criteria="status == 200", target=CheckTarget(method=HttpMethod.GET, url="https://shop.example.com/"))])
    recorder = Recorder()
    with pytest.raises(TestSpriteError, match="through its tunnel to a local port"):
        runner(tmp_path, record).run(plan, recorder)
    assert recorder.statuses("health-up") == [Status.PENDING, Status.FAIL]
    assert calls(record) == []
    assert_cleaned(tmp_path)


@pytest.mark.timeout(240)
def test_a_service_name_that_is_no_folder_name_still_names_the_project(service: int, tmp_path: Path,
                                                                        record: Path) -> None:
    results = runner(tmp_path, record, project_name="../shop eu/west").run(plan_for(service), Recorder())
    assert {result.status for result in results} == {Status.PASS}
    [call] = calls(record)
    assert call["arguments"]["projectName"] == "shop-eu-west"
    assert Path(call["arguments"]["projectPath"]).parent.parent == (tmp_path / "runs").resolve()
    assert_cleaned(tmp_path)

"""The files TestSprite's MCP server works on, and what its results mean for the incident contract.

TestSprite (`@testsprite/testsprite-mcp`) reads and writes everything under `<project>/testsprite_tests/`:

- `testsprite_backend_test_plan.json`: the backend test plan, a list of `{id, title, description, steps}`.
  Written here from the recovery plan, one test per check, so TestSprite runs exactly our five checks.
- `standard_prd.json`: the product requirements it generates tests against (sent to its cloud as text).
- `tmp/config.json`: the project's set-up. Its own `testsprite_bootstrap` tool writes it and then waits for a
  person to confirm it in a browser, which an unattended run cannot do, so it is written here, already
  confirmed (`"status": "commited"`, TestSprite's spelling).
- `tmp/test_results.json`, written by TestSprite: one result per plan test, in plan order, with `testStatus`
  PASSED or FAILED, `testError` and `portalUrl`. Besides it appear generated test code, a Markdown report and
  a log; the runner removes the whole project folder afterwards.

TestSprite's cloud reaches the service through its own tunnel to a port on this machine, so every check of a
plan must target one local origin; the tests describe their requests by path.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, ValidationError

from evalforge_assets.models import Plan, PlanItem, TestResult, TestStatus
from evalforge_assets.recovery.checks import CheckRunError, sends_body

TESTS_DIR = Path("testsprite_tests")
PLAN_FILE = TESTS_DIR / "testsprite_backend_test_plan.json"
PRD_FILE = TESTS_DIR / "standard_prd.json"
CONFIG_FILE = TESTS_DIR / "tmp" / "config.json"
RESULTS_FILE = TESTS_DIR / "tmp" / "test_results.json"
LOG_FILE = TESTS_DIR / "tmp" / "mcp.log"
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1", "0.0.0.0"})


class TestSpriteError(CheckRunError):
    """TestSprite could not run the plan (set-up, credentials, its server, or its results)."""

    __test__ = False  # a library class whose name pytest would otherwise try to collect


class BackendTestCase(BaseModel):
    """One item of `testsprite_backend_test_plan.json`."""

    id: str
    title: str
    description: str
    steps: list[str]


class ProjectConfig(BaseModel):
    """`testsprite_tests/tmp/config.json` as TestSprite's execute tool reads it (field names are TestSprite's)."""

    status: Literal["commited"] = "commited"
    type: Literal["backend"] = "backend"
    scope: Literal["codebase"] = "codebase"
    localEndpoint: str
    # The checks carry their own headers, so TestSprite must not add credentials of its own.
    backendAuthType: Literal["public"] = "public"
    serverMode: Literal["production"] = "production"
    # A stable key makes TestSprite reuse one cloud project per watched service instead of one per run.
    projectKey: str


class TestSpriteResult(BaseModel):
    """One entry of `testsprite_tests/tmp/test_results.json` (TestSprite's test entity; other keys ignored)."""

    model_config = ConfigDict(extra="ignore")
    __test__ = False

    testId: str | None = None
    title: str | None = None
    testStatus: str | None = None
    testError: str | None = None
    portalUrl: str | None = None


def local_endpoint(plan: Plan) -> str:
    """The one local origin all checks target, as TestSprite's `localEndpoint` (`http://localhost:PORT/`).

    Raises TestSpriteError when the checks target other machines or more than one origin."""
    origins: set[tuple[str, int]] = set()
    for item in plan.items:
        parts = urlsplit(item.target.url)
        host = (parts.hostname or "").lower()
        if parts.scheme != "http" or not (host in LOCAL_HOSTS or host.endswith(".localhost")
                                          or host.startswith("127.")):
            raise TestSpriteError(
                f"TestSprite's MCP server tests a service running on this machine through its tunnel to a local "
                f"port, but check {item.target.url!r} targets {parts.scheme}://{parts.netloc}. Point DEMO_APP_URL "
                "at the local http port of the service, or unset TESTSPRITE_API_KEY to run checks locally.")
        origins.add((host, parts.port or 80))
    ports = {port for _, port in origins}
    if len(ports) != 1:
        listed = ", ".join(f"{host}:{port}" for host, port in sorted(origins)) or "nothing"
        raise TestSpriteError(f"TestSprite tunnels one local port per run, but the plan's checks target "
                              f"{listed}; a plan must check one service.")
    return f"http://localhost:{ports.pop()}/"


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _request_sentence(item: PlanItem) -> str:
    target = item.target
    words = [f"Send {target.method.value} {_path_of(target.url)}"]
    if target.headers:
        words.append("with headers " + ", ".join(f"{name}: {value}" for name, value in target.headers.items()))
    if sends_body(item):
        words.append(f"with the JSON body {json.dumps(target.body_json, sort_keys=True)}")
    else:
        words.append("with no body")
    return " ".join(words) + "."


def _criteria_sentence(item: PlanItem) -> str:
    return (f"Pass only when `{item.pass_criteria}` holds (status is the HTTP status code, json.<path> a field "
            "of the JSON response body, header.<name> a response header, latency_ms the response time in "
            "milliseconds); otherwise fail with the actual values.")


def backend_test_plan(plan: Plan) -> list[BackendTestCase]:
    """The plan's checks, in priority order, as TestSprite backend tests that say exactly what to send and judge."""
    cases = []
    for item in sorted(plan.items, key=lambda check: check.priority):
        request, judge = _request_sentence(item), _criteria_sentence(item)
        cases.append(BackendTestCase(id=item.test_id, title=item.name,
                                     description=f"{item.what_it_checks} {request} {judge}",
                                     steps=[request, judge]))
    return cases


def product_requirements(plan: Plan, project_name: str, endpoint: str) -> dict[str, Any]:
    """A small `standard_prd.json`: what the service must do, as the recovery plan's checks state it."""
    items = sorted(plan.items, key=lambda check: check.priority)
    return {
        "meta": {"project": project_name, "prepared_by": "Evalforge", "date": plan.generated_at[:10]},
        "product_overview": f"The HTTP API of {project_name} at {endpoint}, validated after an incident to "
                            "confirm it recovered.",
        "core_goals": ["Every check of the recovery plan passes against the running service."],
        "key_features": [{"name": item.name, "description": item.what_it_checks} for item in items],
        "validation_criteria": [f"{item.test_id}: {item.pass_criteria}" for item in items],
    }


def write_project(folder: Path, plan: Plan, project_name: str) -> str:
    """Write the plan, requirements and confirmed configuration TestSprite expects under `folder`; returns the
    local endpoint. Raises TestSpriteError when the plan cannot be run through TestSprite's tunnel."""
    endpoint = local_endpoint(plan)
    cases = [case.model_dump() for case in backend_test_plan(plan)]
    config = ProjectConfig(localEndpoint=endpoint,
                           projectKey=str(uuid.uuid5(uuid.NAMESPACE_URL, f"evalforge:{project_name}")))
    for relative, content in ((PLAN_FILE, cases), (PRD_FILE, product_requirements(plan, project_name, endpoint)),
                              (CONFIG_FILE, config.model_dump())):
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content, indent=2), encoding="utf-8")
    return endpoint


def read_results(folder: Path) -> list[TestSpriteResult | None]:
    """TestSprite's results in plan order (None where it has none). Raises TestSpriteError when the file is
    missing or is not what TestSprite writes."""
    path = folder / RESULTS_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise TestSpriteError(f"TestSprite finished without writing {RESULTS_FILE}; see its log for why.") \
            from error
    except ValueError as error:
        raise TestSpriteError(f"TestSprite's {RESULTS_FILE} is not JSON ({error}).") from error
    if not isinstance(document, list):
        raise TestSpriteError(f"TestSprite's {RESULTS_FILE} should hold a list of results, not "
                              f"{type(document).__name__}.")
    try:
        return [None if entry is None else TestSpriteResult.model_validate(entry) for entry in document]
    except ValidationError as error:
        raise TestSpriteError(f"TestSprite's {RESULTS_FILE} has a result of an unexpected shape: {error}") \
            from error


def _details(result: TestSpriteResult) -> tuple[TestStatus, str]:
    name = f"TestSprite test {result.testId or result.title or '?'}"
    link = f" Result: {result.portalUrl}" if result.portalUrl else ""
    error = (result.testError or "").strip()
    if result.testStatus == "PASSED":
        return TestStatus.PASS, f"{name} passed.{link}"
    if result.testStatus == "FAILED":
        return TestStatus.FAIL, f"{name} failed: {error or 'TestSprite gave no error text'}.{link}"
    reason = f": {error}" if error else ""
    return TestStatus.FAIL, f"{name} ended {result.testStatus or 'without a status'}, not PASSED{reason}.{link}"


def verdicts(plan: Plan, results: list[TestSpriteResult | None], clock_value: str) -> list[TestResult]:
    """The final result of every check in priority order: PASSED → PASS, anything else → FAIL, with
    TestSprite's error text and result link in `details`. Results are matched to tests by position, as
    TestSprite itself matches them to its plan."""
    final = []
    for index, item in enumerate(sorted(plan.items, key=lambda check: check.priority)):
        result = results[index] if index < len(results) else None
        if result is None:
            status, details = TestStatus.FAIL, "TestSprite returned no result for this check."
        else:
            status, details = _details(result)
        final.append(TestResult(test_id=item.test_id, name=item.name, status=status, last_update_at=clock_value,
                                details=details))
    return final

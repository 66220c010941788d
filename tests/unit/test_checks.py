"""Check runners: the httpx runner against an in-process app and mock transports, the TestSprite adapter
against a fake `testsprite` CLI, the generated TestSprite test code against a local server, and the choice."""

from __future__ import annotations

import http.server
import json
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import pytest
from fastapi import Depends, FastAPI, HTTPException
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from evalforge_assets import models
from evalforge_assets.models import CheckTarget, HttpMethod, Plan, PlanItem, PlanItemType
from evalforge_assets.models import TestStatus as Status  # aliased so pytest does not try to collect it
from evalforge_assets.recovery.checks import (
    HttpxTestRunner,
    TestSpriteRunner,
    backend_test_code,
    runner_from_settings,
    verdict_from_cli,
)
from evalforge_assets.recovery.plan import deterministic_plan
from evalforge_assets.settings import Settings

NOW = "2026-01-15T10:00:00.000000Z"
SHOP = "http://testserver"


# ------------------------------------------------------------------------------------------------- a shop app


class CheckoutBody(BaseModel):
    sku: str = Field(min_length=1, examples=["SKU-1001"])
    quantity: int = Field(gt=0, examples=[1])
    payment_token: str = Field(min_length=1, examples=["tok_visa_4242"])


class Product(BaseModel):
    sku: str = Field(examples=["SKU-1001"])
    name: str
    price: float


class Catalog(BaseModel):
    items: list[Product]


class Order(BaseModel):
    order_id: str
    sku: str
    quantity: int


BEARER = HTTPBearer(auto_error=False)


def require_token(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]) -> None:
    if credentials is None or credentials.credentials != "demo-token":
        raise HTTPException(status_code=401, detail="Missing or invalid bearer token.")


def shop_app(bug: dict[str, bool]) -> FastAPI:
    """A small stand-in for the demo shop: bearer auth on checkout, 422 on bad bodies, 500 while `bug["on"]`."""
    app = FastAPI()

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/catalog")
    def catalog() -> Catalog:
        return Catalog(items=[Product(sku="SKU-1001", name="Trail running shoes", price=89.5)])

    @app.post("/checkout", dependencies=[Depends(require_token)],
              responses={401: {"description": "No or a wrong bearer token."}, 500: {"description": "Bug on."}})
    def checkout(body: CheckoutBody) -> Order:
        if bug["on"]:
            raise HTTPException(status_code=500, detail="KeyError: 'authorization_code'")
        return Order(order_id="ord_0001", sku=body.sku, quantity=body.quantity)

    return app


@pytest.fixture()
def bug() -> dict[str, bool]:
    return {"on": False}


@pytest.fixture()
def shop(bug: dict[str, bool]) -> Iterator[TestClient]:
    with TestClient(shop_app(bug), base_url=SHOP) as client:
        yield client


def shop_plan(client: TestClient) -> Plan:
    signal = {"error_rate_5m": 0.5, "p95_latency_ms_5m": 40.0, "top_error": "POST /checkout 500"}
    return deterministic_plan(SHOP, client.app.openapi(), signal, NOW)


class Recorder:
    """Collects every update the runner reports, in order."""

    def __init__(self) -> None:
        self.updates: list[models.TestResult] = []

    def __call__(self, result: models.TestResult) -> None:
        self.updates.append(result)

    def statuses(self, test_id: str) -> list[Status]:
        return [update.status for update in self.updates if update.test_id == test_id]


def final(results: list[models.TestResult]) -> dict[str, models.TestResult]:
    return {result.test_id: result for result in results}


# ------------------------------------------------------------------------------------------------- httpx runner


def test_healthy_shop_passes_every_check(shop: TestClient) -> None:
    results = HttpxTestRunner(shop).run(shop_plan(shop), Recorder())
    assert [result.status for result in results] == [Status.PASS] * 5, [r.details for r in results]
    assert re.fullmatch(r"POST http://testserver/checkout answered 200 in \d+ ms; status == 200 and "
                        r"json.order_id exists and latency_ms < 1500 held\.", results[0].details)


def test_a_500_checkout_fails_with_the_failing_clause_and_the_body(shop: TestClient, bug: dict[str, bool]) -> None:
    bug["on"] = True
    results = final(HttpxTestRunner(shop).run(shop_plan(shop), Recorder()))
    checkout = results["checkout-valid-order"]
    assert checkout.status is Status.FAIL
    assert checkout.details.startswith("status == 200 failed: status was 500; json.order_id exists failed: "
                                       "json.order_id was missing (json has no key 'order_id')")
    assert "KeyError: 'authorization_code'" in checkout.details
    # The bug only breaks valid orders: bad input and missing credentials are still refused properly.
    others = [results[test_id].status for test_id in ("checkout-rejects-invalid-body", "checkout-requires-auth",
                                                       "health-up", "catalog-lists-products")]
    assert others == [Status.PASS] * 4


def test_callback_sees_pending_then_running_then_a_verdict_for_each_check(
    shop: TestClient, bug: dict[str, bool],
) -> None:
    bug["on"] = True
    plan = shop_plan(shop)
    recorder = Recorder()
    HttpxTestRunner(shop).run(plan, recorder)
    for check in plan.items:
        expected_end = Status.FAIL if check.test_id == "checkout-valid-order" else Status.PASS
        assert recorder.statuses(check.test_id) == [Status.PENDING, Status.RUNNING, expected_end]
    first_five = [update.status for update in recorder.updates[:5]]
    assert first_five == [Status.PENDING] * 5  # the whole plan is shown before anything runs
    assert [update.test_id for update in recorder.updates[:5]] == [check.test_id for check in plan.items]


def plan_of(*items: PlanItem) -> Plan:
    return Plan(plan_id="plan-test", generated_at=NOW, items=list(items))


def check(test_id: str, url: str, criteria: str = "status == 200", *, priority: int = 1,
          method: HttpMethod = HttpMethod.GET, body: dict[str, Any] | None = None) -> PlanItem:
    return PlanItem(test_id=test_id, name=test_id, type=PlanItemType.API, priority=priority,
                    what_it_checks="why", pass_criteria=criteria,
                    target=CheckTarget(method=method, url=url, body_json=body or {}))


def test_checks_run_concurrently() -> None:
    # Every request waits at a barrier that only opens once all five are in flight at the same time.
    barrier = threading.Barrier(5, timeout=10)

    def handler(request: httpx.Request) -> httpx.Response:
        barrier.wait()
        return httpx.Response(200, json={"ok": True})

    plan = plan_of(*(check(f"c{n}", f"http://svc/{n}", priority=n) for n in range(1, 6)))
    results = HttpxTestRunner(transport=httpx.MockTransport(handler), concurrency=5).run(plan, Recorder())
    assert [result.status for result in results] == [Status.PASS] * 5, [r.details for r in results]


def test_unreachable_service_fails_with_a_connection_sentence() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    [result] = HttpxTestRunner(transport=httpx.MockTransport(handler)).run(
        plan_of(check("health", "http://svc/health")), Recorder())
    assert result.status is Status.FAIL
    assert result.details == ("Could not connect for GET http://svc/health: Connection refused. Check that the "
                              "service is running and that the URL is right.")


def test_a_timeout_fails_with_the_timeout_in_the_sentence() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    [result] = HttpxTestRunner(transport=httpx.MockTransport(handler), timeout=2.5).run(
        plan_of(check("health", "http://svc/health")), Recorder())
    assert result.details == "GET http://svc/health did not answer within 2.5 s."


def test_post_sends_the_json_body_and_get_sends_none() -> None:
    seen: dict[str, bytes] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.method] = request.content
        return httpx.Response(200)

    plan = plan_of(check("get", "http://svc/a"),
                   check("post", "http://svc/b", method=HttpMethod.POST, body={"quantity": 0}, priority=2))
    HttpxTestRunner(transport=httpx.MockTransport(handler)).run(plan, Recorder())
    assert seen == {"GET": b"", "POST": b'{"quantity":0}'}


def test_a_criteria_that_does_not_parse_fails_the_check_instead_of_the_run() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    [result] = HttpxTestRunner(transport=transport).run(plan_of(check("x", "http://svc/", "status = 200")),
                                                        Recorder())
    assert result.status is Status.FAIL
    assert result.details.startswith("The pass_criteria cannot be evaluated: use '==' to compare")


def test_timestamps_come_from_the_clock() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    ticks = iter(f"2026-01-15T10:00:0{n}.000000Z" for n in range(10))
    recorder = Recorder()
    HttpxTestRunner(transport=transport, clock=lambda: next(ticks)).run(
        plan_of(check("x", "http://svc/")), recorder)
    assert [update.last_update_at[:19] for update in recorder.updates] == [
        "2026-01-15T10:00:00", "2026-01-15T10:00:01", "2026-01-15T10:00:02"]


# ------------------------------------------------------------------------------------------------- TestSprite

# A stand-in for `testsprite` that speaks the CLI's contract: global flags before the subcommand, the API key
# from TESTSPRITE_API_KEY, `test create --type backend --code-file F --run --wait`, one JSON document on
# stdout, exit 0 for a passed run, 1 for a failed one, 3 for an auth error (as an error envelope).
FAKE_CLI = r'''#!{python}
import json, os, sys
from pathlib import Path

args = sys.argv[1:]
with open(os.environ["FAKE_TESTSPRITE_LOG"], "a") as log:
    log.write(json.dumps(args) + "\n")
if args[:2] != ["--output", "json"]:
    print("error: '--output' is a global flag; place it before the subcommand.", file=sys.stderr)
    sys.exit(5)
if os.environ.get("TESTSPRITE_API_KEY") != "sk-good":
    print(json.dumps({{"error": {{"code": "AUTH_INVALID", "message": "API key is invalid or revoked",
                                  "nextAction": "Run testsprite setup to configure a valid key.",
                                  "requestId": "req_1"}}}}), file=sys.stderr)
    sys.exit(3)
options = dict(zip(args[4::2], args[5::2]))
assert args[2:4] == ["test", "create"] and options["--type"] == "backend", args
assert "--run" in args and "--wait" in args, args
source = Path(options["--code-file"]).read_text()
compile(source, options["--code-file"], "exec")  # the uploaded test must at least be valid Python
failing = json.loads(os.environ["FAKE_TESTSPRITE_FAILING"])
test_id = "test_" + options["--name"].split()[-1].lower()
run = {{"runId": "run_" + test_id[5:], "testId": test_id, "projectId": options["--project"],
       "status": "passed", "source": "cli", "failedStepIndex": None, "failureKind": None, "error": None,
       "stepSummary": {{"total": 1, "completed": 1, "passedCount": 1, "failedCount": 0}}}}
for fragment, error in failing.items():
    if fragment in source:
        run.update(status="failed", failureKind="assertion", error=error,
                   stepSummary={{"total": 1, "completed": 1, "passedCount": 0, "failedCount": 1}})
print(json.dumps({{"testId": test_id, "type": "backend", "codeVersion": "v1", "run": run}}, indent=2))
sys.exit(0 if run["status"] == "passed" else 1)
'''


@pytest.fixture()
def fake_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    script = tmp_path / "testsprite"
    script.write_text(FAKE_CLI.format(python=sys.executable))
    script.chmod(0o755)
    monkeypatch.setenv("FAKE_TESTSPRITE_LOG", str(tmp_path / "calls.jsonl"))
    monkeypatch.setenv("FAKE_TESTSPRITE_FAILING", json.dumps(
        {"https://shop.example.com/checkout": "AssertionError: status == 200 failed: status was 500"}))
    return script


def public_plan() -> Plan:
    return plan_of(
        check("checkout", "https://shop.example.com/checkout", method=HttpMethod.POST, body={"sku": "SKU-1001"}),
        check("health", "https://shop.example.com/health", priority=2),
    )


def test_testsprite_runner_turns_cli_verdicts_into_results(fake_cli: Path, tmp_path: Path) -> None:
    recorder = Recorder()
    runner = TestSpriteRunner("sk-good", project_id="project_a47b2c11", command=[str(fake_cli)],
                              workdir=tmp_path / "tests")
    results = final(runner.run(public_plan(), recorder))
    assert results["health"].status is Status.PASS
    assert results["health"].details == "TestSprite run run_health of test test_health passed."
    assert results["checkout"].status is Status.FAIL
    assert results["checkout"].details == ("TestSprite run run_checkout of test test_checkout failed: "
                                           "AssertionError: status == 200 failed: status was 500; "
                                           "failure kind: assertion.")
    assert recorder.statuses("checkout") == [Status.PENDING, Status.RUNNING, Status.FAIL]
    calls = [json.loads(line) for line in (tmp_path / "calls.jsonl").read_text().splitlines()]
    checkout_call = next(call for call in calls if "[evalforge] checkout" in call)
    assert checkout_call[checkout_call.index("--project") + 1] == "project_a47b2c11"
    assert checkout_call[checkout_call.index("--priority") + 1] == "p0"
    assert (tmp_path / "tests" / "test_checkout.py").exists()


def test_testsprite_auth_errors_become_failures_that_say_what_to_do(fake_cli: Path) -> None:
    runner = TestSpriteRunner("sk-revoked", project_id="project_a47b2c11", command=[str(fake_cli)])
    results = runner.run(public_plan(), Recorder())
    assert {result.status for result in results} == {Status.FAIL}
    assert results[0].details == ("TestSprite could not run the check (exit 3: the API key is missing, invalid "
                                  "or lacks a scope): API key is invalid or revoked. Run testsprite setup to "
                                  "configure a valid key.")


def test_testsprite_refuses_private_urls_its_cloud_cannot_reach(fake_cli: Path, tmp_path: Path) -> None:
    runner = TestSpriteRunner("sk-good", project_id="p", command=[str(fake_cli)])
    [result] = runner.run(plan_of(check("health", "http://127.0.0.1:8001/health")), Recorder())
    assert result.status is Status.FAIL
    assert "cannot reach http://127.0.0.1:8001/health" in result.details
    assert not (tmp_path / "calls.jsonl").exists()  # the CLI was never called


def test_a_missing_cli_is_reported_with_how_to_install_it(tmp_path: Path) -> None:
    runner = TestSpriteRunner("sk-good", project_id="p", command=[str(tmp_path / "no-such-testsprite")])
    [result] = runner.run(plan_of(check("health", "https://shop.example.com/health")), Recorder())
    assert result.status is Status.FAIL
    assert "was not found; install @testsprite/testsprite-cli" in result.details


def test_verdict_reads_a_top_level_run_object_too() -> None:
    document = json.dumps({"runId": "run_1", "testId": "test_1", "status": "blocked",
                           "error": "Target unreachable"})
    assert verdict_from_cli(1, document, "").details == "TestSprite run run_1 of test test_1 blocked: " \
                                                        "Target unreachable."


# ------------------------------------------------------------------------------------------------- generated code


class _ShopHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # the name http.server dispatches to
        self._answer(200, {"status": "ok"})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if self.headers.get("Authorization") != "Bearer demo-token":
            self._answer(401, {"error": "Missing or invalid bearer token."})
        elif body.get("quantity", 0) <= 0:
            self._answer(422, {"detail": [{"loc": ["body", "quantity"]}]})
        else:
            self._answer(500, {"error": "KeyError: 'authorization_code'"})

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        raw = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        return


@pytest.fixture()
def local_shop() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _ShopHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def run_generated(item: PlanItem, folder: Path) -> subprocess.CompletedProcess[str]:
    code_file = folder / "generated_check.py"
    code_file.write_text(backend_test_code(item))
    return subprocess.run([sys.executable, str(code_file)], capture_output=True, text=True, timeout=60,
                          check=False, cwd=folder)


def test_generated_test_code_judges_exactly_like_the_local_runner(local_shop: str, tmp_path: Path) -> None:
    healthy = check("health-up", f"{local_shop}/health", "status == 200 and json.status == 'ok'")
    passed = run_generated(healthy, tmp_path)
    assert passed.returncode == 0, passed.stderr
    assert "status == 200 held (status was 200)" in passed.stdout

    broken = PlanItem(
        test_id="checkout-valid-order", name="Checkout", type=PlanItemType.API, priority=1,
        what_it_checks="Checkout was failing.\nIt must work again.",
        pass_criteria="status == 200 and json.order_id exists",
        target=CheckTarget(method=HttpMethod.POST, url=f"{local_shop}/checkout",
                           headers={"Authorization": "Bearer demo-token"},
                           body_json={"sku": "SKU-1001", "quantity": 1}),
    )
    failed = run_generated(broken, tmp_path)
    assert failed.returncode != 0
    assert "AssertionError: status == 200 failed: status was 500; json.order_id exists failed" in failed.stderr


def test_generated_test_code_sends_headers_and_body(local_shop: str, tmp_path: Path) -> None:
    negative = check("checkout-rejects-invalid-body", f"{local_shop}/checkout", "status == 422",
                     method=HttpMethod.POST, body={"sku": "SKU-1001", "quantity": 0})
    negative = negative.model_copy(update={"target": negative.target.model_copy(
        update={"headers": {"Authorization": "Bearer demo-token"}})})
    outcome = run_generated(negative, tmp_path)
    assert outcome.returncode == 0, outcome.stderr


# ------------------------------------------------------------------------------------------------- choice


class SettingsWithProject(Settings):
    """Settings as they will be once TESTSPRITE_PROJECT_ID is a setting."""

    testsprite_project_id: str | None = Field(default=None, alias="TESTSPRITE_PROJECT_ID")


@pytest.fixture()
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in ("TESTSPRITE_API_KEY", "TESTSPRITE_PROJECT_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env file


@pytest.mark.usefixtures("clean_environment")
def test_runner_from_settings_is_local_without_a_testsprite_key() -> None:
    assert isinstance(runner_from_settings(SettingsWithProject()), HttpxTestRunner)


@pytest.mark.usefixtures("clean_environment")
def test_runner_from_settings_uses_testsprite_with_a_key_and_a_project() -> None:
    settings = SettingsWithProject(TESTSPRITE_API_KEY="sk-good", TESTSPRITE_PROJECT_ID="project_a47b2c11")
    runner = runner_from_settings(settings)
    assert isinstance(runner, TestSpriteRunner)
    assert (runner.api_key, runner.project_id) == ("sk-good", "project_a47b2c11")


@pytest.mark.usefixtures("clean_environment")
def test_runner_from_settings_stays_local_when_the_project_is_missing(caplog: pytest.LogCaptureFixture) -> None:
    assert isinstance(runner_from_settings(Settings(TESTSPRITE_API_KEY="sk-good")), HttpxTestRunner)
    assert "TESTSPRITE_PROJECT_ID is not" in caplog.text

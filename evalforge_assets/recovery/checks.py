"""Running a recovery plan's checks: one interface, a local httpx runner (the default) and a TestSprite adapter.

A runner reports every check's status as it changes (PENDING → RUNNING → PASS/FAIL) through a callback, so the
API can stream `tests.updated` while checks are still running, and returns the final results in plan order.
"""

from __future__ import annotations

import inspect
import ipaddress
import json
import logging
import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx

from evalforge_assets.models import HttpMethod, Plan, PlanItem, TestResult, TestStatus, now_iso
from evalforge_assets.recovery import criteria as criteria_module
from evalforge_assets.recovery.criteria import CriteriaError, ResponseFacts, parse_criteria
from evalforge_assets.settings import Settings

logger = logging.getLogger(__name__)

OnUpdate = Callable[[TestResult], None]
Clock = Callable[[], str]
_BODY_EXCERPT_CHARS = 300


class TestRunner(Protocol):
    """Runs a plan's checks. `on_update` sees each status change, one call at a time (never concurrently),
    possibly from worker threads, and an exception it raises propagates out of `run`; the returned list holds
    the final results in priority order."""

    def run(self, plan: Plan, on_update: OnUpdate) -> list[TestResult]: ...


@dataclass(frozen=True)
class CheckVerdict:
    passed: bool
    details: str


def run_concurrently(
    plan: Plan,
    on_update: OnUpdate,
    check: Callable[[PlanItem], CheckVerdict],
    *,
    concurrency: int,
    clock: Clock = now_iso,
) -> list[TestResult]:
    """The lifecycle every runner shares: all checks PENDING first, then each RUNNING and PASS/FAIL as its own
    worker finishes. A check that raises becomes a FAIL saying so, never a lost result."""
    items = sorted(plan.items, key=lambda item: item.priority)
    lock = threading.Lock()

    def report(item: PlanItem, status: TestStatus, details: str | None) -> TestResult:
        result = TestResult(test_id=item.test_id, name=item.name, status=status, last_update_at=clock(),
                            details=details)
        with lock:  # callers write to stores and sockets; one update at a time keeps their order intact
            on_update(result)
        return result

    def work(item: PlanItem) -> TestResult:
        report(item, TestStatus.RUNNING, None)
        try:
            verdict = check(item)
        except Exception as error:  # any failure of one check must still produce its result
            logger.exception("check %s raised", item.test_id)
            verdict = CheckVerdict(False, f"The check could not run: {type(error).__name__}: {error}.")
        return report(item, TestStatus.PASS if verdict.passed else TestStatus.FAIL, verdict.details)

    for item in items:
        report(item, TestStatus.PENDING, None)
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(items))),
                            thread_name_prefix="evalforge-check") as pool:
        futures = [pool.submit(work, item) for item in items]
        return [future.result() for future in futures]


# ------------------------------------------------------------------------------------------------- httpx


def _sends_body(item: PlanItem) -> bool:
    return item.target.method in (HttpMethod.POST, HttpMethod.PUT) or bool(item.target.body_json)


class HttpxTestRunner:
    """Runs checks with httpx from this process: concurrent requests, latency per request, criteria evaluated
    locally. Pass `client` (e.g. starlette's TestClient for an in-process app; its own timeout then applies) or
    `transport` (e.g. httpx.MockTransport) to choose where requests go; by default a client with `timeout` is
    opened per run."""

    __test__ = False  # a library class whose name pytest would otherwise try to collect

    def __init__(
        self,
        client: httpx.Client | None = None,
        *,
        timeout: float = 5.0,
        concurrency: int = 5,
        transport: httpx.BaseTransport | None = None,
        clock: Clock = now_iso,
    ) -> None:
        self.client = client
        self.timeout = timeout
        self.concurrency = concurrency
        self.transport = transport
        self.clock = clock

    def run(self, plan: Plan, on_update: OnUpdate) -> list[TestResult]:
        if self.client is not None:
            return self._run_with(self.client, plan, on_update)
        with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
            return self._run_with(client, plan, on_update)

    def _run_with(self, client: httpx.Client, plan: Plan, on_update: OnUpdate) -> list[TestResult]:
        return run_concurrently(plan, on_update, lambda item: self.check(client, item),
                                concurrency=self.concurrency, clock=self.clock)

    def check(self, client: httpx.Client, item: PlanItem) -> CheckVerdict:
        """One request and its verdict: the failing clauses with their actual values, or why no answer came."""
        try:
            criteria = parse_criteria(item.pass_criteria)
        except CriteriaError as error:
            return CheckVerdict(False, f"The pass_criteria cannot be evaluated: {error.problem} "
                                       f"(position {error.position} of {item.pass_criteria!r}).")
        target = item.target
        request = f"{target.method.value} {target.url}"
        started = time.perf_counter()
        try:
            response = client.request(
                target.method.value, target.url, headers=target.headers,
                json=target.body_json if _sends_body(item) else None,
            )
        except httpx.TimeoutException:
            limit = client.timeout.read or self.timeout
            return CheckVerdict(False, f"{request} did not answer within {limit:g} s.")
        except httpx.ConnectError as error:
            return CheckVerdict(False, f"Could not connect for {request}: {error}. Check that the service is "
                                       "running and that the URL is right.")
        except httpx.HTTPError as error:
            return CheckVerdict(False, f"{request} failed before an answer arrived: {type(error).__name__}: "
                                       f"{error}.")
        latency_ms = (time.perf_counter() - started) * 1000
        facts = ResponseFacts.from_text(response.status_code, latency_ms, response.headers, response.text)
        outcome = criteria.evaluate(facts)
        answered = f"{request} answered {response.status_code} in {latency_ms:.0f} ms"
        if outcome.passed:
            return CheckVerdict(True, f"{answered}; {criteria.render()} held.")
        body = response.text.strip()
        excerpt = ""
        if body:
            cut = body[:_BODY_EXCERPT_CHARS] + ("..." if len(body) > _BODY_EXCERPT_CHARS else "")
            excerpt = f" Response body: {cut}"
        return CheckVerdict(False, f"{outcome.explanation}. {answered}.{excerpt}")


# ------------------------------------------------------------------------------------------------- TestSprite

DEFAULT_TESTSPRITE_COMMAND: tuple[str, ...] = ("testsprite",)
# The CLI's documented exit codes (anything but 0 and 1 means the check could not be run at all).
TESTSPRITE_EXIT_MEANINGS = {
    2: "the command is not implemented by this CLI version",
    3: "the API key is missing, invalid or lacks a scope",
    4: "the project or test was not found",
    5: "the request was invalid",
    6: "a conflicting run is in flight",
    7: "the run did not finish within the wait timeout",
    10: "TestSprite is unavailable",
    11: "TestSprite rate-limited the request",
    12: "the account has no credits left",
    13: "the feature is not available on this plan",
    14: "the CLI is too old for the backend",
}
_IDENTIFIER = re.compile(r"[^0-9a-zA-Z_]+")


def _identifier(text: str) -> str:
    return _IDENTIFIER.sub("_", text).strip("_").lower() or "check"


def _is_private_host(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_unspecified


def _priority_label(priority: int) -> str:
    # TestSprite's p0 = must pass, p1 = important paths, p2 = edge cases.
    return "p0" if priority == 1 else "p1" if priority <= 3 else "p2"


_CHECK_TEMPLATE = '''

# ---------------------------------------------------------------------------------------------- the check
import json as _json
import time as _time
import urllib.error as _urlerror
import urllib.request as _urlrequest

_CHECK = _json.loads({check_json})


def _call():
    """Send the check's request and return what the criteria read; HTTP errors are answers too."""
    body = None
    headers = dict(_CHECK["headers"])
    if _CHECK["send_body"]:
        body = _json.dumps(_CHECK["body_json"]).encode()
        headers.setdefault("Content-Type", "application/json")
    request = _urlrequest.Request(_CHECK["url"], data=body, headers=headers, method=_CHECK["method"])
    started = _time.perf_counter()
    try:
        with _urlrequest.urlopen(request, timeout=_CHECK["timeout_seconds"]) as response:
            status, answer_headers, raw = response.status, dict(response.headers.items()), response.read()
    except _urlerror.HTTPError as error:
        status, answer_headers, raw = error.code, dict(error.headers.items()), error.read()
    latency_ms = (_time.perf_counter() - started) * 1000
    return ResponseFacts.from_text(status, latency_ms, answer_headers, raw.decode("utf-8", "replace"))


def {function}():
    outcome = parse_criteria(_CHECK["pass_criteria"]).evaluate(_call())
    print(outcome.explanation)
    assert outcome.passed, outcome.explanation


{function}()
'''


def backend_test_code(item: PlanItem, *, timeout_seconds: float = 30.0) -> str:
    """A self-contained Python backend test for TestSprite that performs `item`'s request and evaluates its
    pass_criteria with this project's own criteria module (embedded), so both runners judge identically."""
    check = {
        "test_id": item.test_id, "method": item.target.method.value, "url": item.target.url,
        "headers": item.target.headers, "body_json": item.target.body_json, "send_body": _sends_body(item),
        "pass_criteria": item.pass_criteria, "timeout_seconds": timeout_seconds,
    }
    header = "\n".join([
        f"# Evalforge recovery check {item.test_id!r}: {item.name}",
        "# Generated by Evalforge; edits are overwritten on the next run.",
        *(f"# {line}" for line in item.what_it_checks.splitlines()),
    ])
    return "\n".join([
        header,
        inspect.getsource(criteria_module),
        _CHECK_TEMPLATE.format(check_json=repr(json.dumps(check, sort_keys=True)),
                               function=f"test_{_identifier(item.test_id)}"),
    ])


def _json_document(text: str) -> dict[str, Any]:
    """The JSON object the CLI printed (it prints one under --output json), or {} when there is none."""
    text = text.strip()
    if not text:
        return {}
    try:
        document = json.loads(text)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            return {}
        try:
            document = json.loads(text[start : end + 1])
        except ValueError:
            return {}
    return document if isinstance(document, dict) else {}


def verdict_from_cli(returncode: int, stdout: str, stderr: str) -> CheckVerdict:
    """Turn one `testsprite --output json test create ... --run --wait` invocation into a verdict.

    Exit 0 is a passed run and 1 a failed, blocked or cancelled one; the run object (top level or under
    "run") says which and why. Any other exit code means TestSprite could not run the check.
    """
    document = _json_document(stdout) or _json_document(stderr)
    run = document.get("run") if isinstance(document.get("run"), dict) else document
    run_id = run.get("runId") or "?"
    test_id = run.get("testId") or document.get("testId") or "?"
    reference = f"TestSprite run {run_id} of test {test_id}"
    if returncode == 0:
        return CheckVerdict(True, f"{reference} passed.")
    if returncode == 1:
        status = run.get("status") or "failed"
        reasons = [str(value) for value in (run.get("error"), run.get("summary")) if value]
        if run.get("failureKind"):
            reasons.append(f"failure kind: {run['failureKind']}")
        because = "; ".join(reasons) or "TestSprite gave no reason"
        return CheckVerdict(False, f"{reference} {status}: {because}.")
    error = document.get("error") if isinstance(document.get("error"), dict) else {}
    meaning = TESTSPRITE_EXIT_MEANINGS.get(returncode, "an unexpected error")
    message = error.get("message") or stderr.strip()[:_BODY_EXCERPT_CHARS] or "no message"
    advice = f" {error['nextAction']}" if error.get("nextAction") else ""
    return CheckVerdict(False, f"TestSprite could not run the check (exit {returncode}: {meaning}): "
                               f"{message}.{advice}")


class TestSpriteRunner:
    """Runs each check as a TestSprite backend test through the `testsprite` CLI (TestSprite is cloud-only).

    For every plan item it writes a Python test file (see `backend_test_code`) and calls
    `testsprite --output json test create --project P --type backend --code-file F --run --wait`, with
    TESTSPRITE_API_KEY in the environment, then reads the run's verdict from the JSON output and exit code.
    TestSprite's sandboxes cannot reach private addresses, so checks of localhost/private URLs fail at once with
    a sentence saying so. `command` is the CLI's argv prefix, e.g. ("npx", "--yes", "@testsprite/testsprite-cli").
    """

    __test__ = False

    def __init__(
        self,
        api_key: str,
        *,
        project_id: str,
        command: Sequence[str] = DEFAULT_TESTSPRITE_COMMAND,
        wait_timeout_seconds: int = 600,
        concurrency: int = 5,
        workdir: Path | None = None,
        clock: Clock = now_iso,
    ) -> None:
        self.api_key = api_key
        self.project_id = project_id
        self.command = tuple(command)
        self.wait_timeout_seconds = wait_timeout_seconds
        self.concurrency = concurrency
        self.workdir = workdir
        self.clock = clock

    def run(self, plan: Plan, on_update: OnUpdate) -> list[TestResult]:
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
            return run_concurrently(plan, on_update, lambda item: self.check(item, self.workdir),
                                    concurrency=self.concurrency, clock=self.clock)
        with tempfile.TemporaryDirectory(prefix="evalforge-testsprite-") as folder:
            return run_concurrently(plan, on_update, lambda item: self.check(item, Path(folder)),
                                    concurrency=self.concurrency, clock=self.clock)

    def argv(self, item: PlanItem, code_file: Path) -> list[str]:
        # Global flags (--output) must come before the subcommand.
        return [
            *self.command, "--output", "json", "test", "create",
            "--project", self.project_id, "--type", "backend",
            "--name", f"[evalforge] {item.name}", "--description", item.what_it_checks,
            "--priority", _priority_label(item.priority), "--code-file", str(code_file),
            "--run", "--wait", "--timeout", str(self.wait_timeout_seconds),
        ]

    def check(self, item: PlanItem, folder: Path) -> CheckVerdict:
        if _is_private_host(item.target.url):
            return CheckVerdict(False, f"TestSprite runs checks in its cloud, which cannot reach "
                                       f"{item.target.url}; expose the service at a public URL, or unset "
                                       "TESTSPRITE_API_KEY to run checks locally.")
        code_file = folder / f"test_{_identifier(item.test_id)}.py"
        code_file.write_text(backend_test_code(item), encoding="utf-8")
        environment = {**os.environ, "TESTSPRITE_API_KEY": self.api_key, "TESTSPRITE_NO_UPDATE_NOTIFIER": "1"}
        try:
            completed = subprocess.run(  # argv from our own command and plan; no shell involved
                self.argv(item, code_file), capture_output=True, text=True, env=environment, check=False,
                timeout=self.wait_timeout_seconds + 60,
            )
        except FileNotFoundError:
            return CheckVerdict(False, f"The TestSprite CLI {self.command[0]!r} was not found; install "
                                       "@testsprite/testsprite-cli with npm or configure the command to run it.")
        except subprocess.TimeoutExpired:
            return CheckVerdict(False, f"The TestSprite CLI did not finish within "
                                       f"{self.wait_timeout_seconds + 60} s.")
        return verdict_from_cli(completed.returncode, completed.stdout, completed.stderr)


# ------------------------------------------------------------------------------------------------- choice


def runner_from_settings(settings: Settings) -> TestRunner:
    """TestSprite when it is configured (an API key and a project to create tests in), else the local runner."""
    api_key = settings.secret_value("testsprite_api_key")
    project_id = getattr(settings, "testsprite_project_id", None)
    if api_key and project_id:
        return TestSpriteRunner(api_key, project_id=project_id)
    if api_key:
        logger.warning("TESTSPRITE_API_KEY is set but TESTSPRITE_PROJECT_ID is not, so checks run locally; set "
                       "TESTSPRITE_PROJECT_ID to the TestSprite backend project that should hold them.")
    return HttpxTestRunner()

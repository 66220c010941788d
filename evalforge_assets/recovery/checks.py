"""Running a recovery plan's checks: the `TestRunner` interface and the local httpx runner (the default).

A runner reports every check's status as it changes (PENDING → RUNNING → PASS/FAIL) through a callback, so the
API can stream `tests.updated` while checks are still running, and returns the final results in plan order.
The TestSprite runner (over TestSprite's MCP server) lives in `recovery/testsprite.py`; the composition root
(`evalforge_assets/parts.py`) chooses between them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Protocol

import httpx

from evalforge_assets.models import HttpMethod, Plan, PlanItem, TestResult, TestStatus, now_iso
from evalforge_assets.recovery.criteria import CriteriaError, ResponseFacts, parse_criteria

logger = logging.getLogger(__name__)

OnUpdate = Callable[[TestResult], None]
Clock = Callable[[], str]
_BODY_EXCERPT_CHARS = 300


class TestRunner(Protocol):
    """Runs a plan's checks. `on_update` sees each status change, one call at a time (never concurrently),
    possibly from worker threads, and an exception it raises propagates out of `run`; the returned list holds
    the final results in priority order. A runner that cannot run the plan at all (its service is missing,
    refuses the credentials, dies or never finishes) first reports every unfinished check FAIL with the reason
    in `details`, then raises `CheckRunError`, so the run ends FAILED and says why."""

    def run(self, plan: Plan, on_update: OnUpdate) -> list[TestResult]: ...


class CheckRunError(RuntimeError):
    """The runner could not run the plan; the message is a sentence saying what went wrong and what to do."""


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


def sends_body(item: PlanItem) -> bool:
    """Whether the check's request carries its JSON body (POST and PUT always do, even an empty `{}`)."""
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
                json=target.body_json if sends_body(item) else None,
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

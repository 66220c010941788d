"""Validation checks through TestSprite, over its MCP server (`@testsprite/testsprite-mcp`, stdio).

TestSprite has no CLI; its integration is an MCP server meant for IDE assistants. An unattended run uses it
like this (see `testsprite_files` for the files):

1. Write the recovery plan as TestSprite's backend test plan, plus a confirmed project configuration whose
   `localEndpoint` is the service's local port (TestSprite's cloud reaches it through its own tunnel).
2. Start the server (`npx -y @testsprite/testsprite-mcp@<pinned>` by default) in that project folder with
   `API_KEY` and `EXECUTION_TYPE=tool`: in its default "console" mode the execute tool only answers with a
   shell command for an assistant to run, while in "tool" mode the tool call itself runs the tests and
   returns when they are done.
3. Call `testsprite_generate_code_and_execute` for all tests, read `testsprite_tests/tmp/test_results.json`,
   map PASSED/FAILED onto PASS/FAIL with TestSprite's error text, and remove the project folder.

Every wait is bounded: starting the server and listing its tools by `start_timeout_seconds`, the test run by
`timeout_seconds`. Whatever stops the run (no key, no server, a refusal, the server dying, a timeout) marks
every check FAIL with the reason and raises `TestSpriteError`, so the validation run ends FAILED.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import anyio
from mcp import types
from mcp.client import Client
from mcp.client.stdio import StdioServerParameters, stdio_client

from evalforge_assets.models import Plan, TestResult, TestStatus, now_iso
from evalforge_assets.recovery.checks import Clock, OnUpdate
from evalforge_assets.recovery.mcp_context import _list_all_tools as list_all_tools
from evalforge_assets.recovery.mcp_context import run_blocking
from evalforge_assets.recovery.testsprite_files import (
    LOG_FILE,
    RESULTS_FILE,
    TestSpriteError,
    TestSpriteResult,
    read_results,
    verdicts,
    write_project,
)

__all__ = ["DEFAULT_COMMAND", "EXECUTE_TOOL", "TESTSPRITE_MCP_PACKAGE", "TESTSPRITE_MCP_VERSION",
           "TOOL_ARGUMENTS", "TestSpriteError", "TestSpriteRunner"]

logger = logging.getLogger(__name__)

TESTSPRITE_MCP_PACKAGE = "@testsprite/testsprite-mcp"
# The version whose tools and files this adapter was written and tested against (the package test installs it).
TESTSPRITE_MCP_VERSION = "0.0.45"
DEFAULT_COMMAND: tuple[str, ...] = ("npx", "-y", f"{TESTSPRITE_MCP_PACKAGE}@{TESTSPRITE_MCP_VERSION}")
EXECUTE_TOOL = "testsprite_generate_code_and_execute"
# Every tool this adapter calls and the JSON schema of each argument it sends, as the pinned server declares
# them (descriptions left out). tests/integration/test_testsprite_package.py compares them with the real
# package's tools/list, so an upgrade that renames or retypes anything fails there, not in production.
TOOL_ARGUMENTS: dict[str, dict[str, dict[str, Any]]] = {
    EXECUTE_TOOL: {
        "projectName": {"type": "string"},
        "projectPath": {"type": "string"},
        "testIds": {"default": [], "type": "array", "items": {"type": "string"}},
        "additionalInstruction": {"default": "", "type": "string"},
        "serverMode": {"default": "development", "type": "string", "enum": ["production", "development"]},
    },
}
INSTRUCTION = ("Run every test exactly as its steps describe: send only the request given, with the headers and "
               "body given, and judge it only by the pass condition given. Do not add authentication, retries or "
               "other requests.")
_OUTPUT_TAIL_CHARS = 600
_UNSAFE_IN_FOLDER_NAMES = re.compile(r"[^A-Za-z0-9._-]+")


def _text_of(result: types.CallToolResult) -> str:
    return " ".join(block.text for block in result.content if isinstance(block, types.TextContent)).strip()


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


def _tail(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _OUTPUT_TAIL_CHARS else "..." + text[-_OUTPUT_TAIL_CHARS:]


def _refusal(text: str) -> TestSpriteError:
    said = _tail(text) or "no reason given"
    if "AUTH_FAILED" in text or "Unauthorized" in text:
        return TestSpriteError("TestSprite refused TESTSPRITE_API_KEY: create a new API key in TestSprite's "
                               f"dashboard and set it. TestSprite said: {said}")
    return TestSpriteError(f"TestSprite could not run the tests: {said}")


class TestSpriteRunner:
    """`TestRunner` that runs a plan's checks as TestSprite backend tests through TestSprite's MCP server.

    api_key: the TestSprite API key (given to the server as `API_KEY`); without one every run fails at once.
    project_name: names the TestSprite project (one per watched service, reused across runs).
    command: the server's argv; by default the pinned package through npx.
    environment: more variables for the server process (e.g. `API_URL` for another TestSprite backend).
    workdir: where the per-run project folders are made (and removed); by default the system's temp folder.
    """

    __test__ = False  # a library class whose name pytest would otherwise try to collect

    def __init__(
        self,
        api_key: str | None,
        *,
        project_name: str = "evalforge",
        command: Sequence[str] = DEFAULT_COMMAND,
        timeout_seconds: float = 1500.0,
        start_timeout_seconds: float = 120.0,
        environment: Mapping[str, str] | None = None,
        workdir: Path | None = None,
        clock: Clock = now_iso,
    ) -> None:
        if not command:
            raise ValueError("The TestSprite MCP server command is empty; leave it unset for the default "
                             f"{' '.join(DEFAULT_COMMAND)!r}.")
        self.api_key = api_key
        self.project_name = project_name
        self.command = tuple(command)
        self.timeout_seconds = timeout_seconds
        self.start_timeout_seconds = start_timeout_seconds
        self.environment = dict(environment or {})
        self.workdir = workdir
        self.clock = clock

    # ---- the TestRunner interface --------------------------------------------------------------------------
    def run(self, plan: Plan, on_update: OnUpdate) -> list[TestResult]:
        items = sorted(plan.items, key=lambda item: item.priority)

        def report_all(status: TestStatus, details: str | None) -> list[TestResult]:
            results = [TestResult(test_id=item.test_id, name=item.name, status=status,
                                  last_update_at=self.clock(), details=details) for item in items]
            for result in results:
                on_update(result)
            return results

        report_all(TestStatus.PENDING, None)
        if not items:
            return []
        try:
            results = self._run_in_project(plan, lambda: report_all(TestStatus.RUNNING, None))
        except TestSpriteError as error:
            report_all(TestStatus.FAIL, str(error))
            raise
        final = verdicts(plan, results, self.clock())
        for result in final:
            on_update(result)
        return final

    def server_tools(self) -> list[types.Tool]:
        """The tools the server lists (no API key needed), within `start_timeout_seconds`."""
        with tempfile.TemporaryDirectory(prefix="evalforge-testsprite-", dir=self._workdir()) as folder:
            return run_blocking(self._list_tools, Path(folder))

    def arguments(self, project: Path) -> dict[str, Any]:
        """What the execute tool is called with: every test of the plan file, against a running service."""
        return {"projectName": project.name, "projectPath": str(project.resolve()), "testIds": [],
                "additionalInstruction": INSTRUCTION, "serverMode": "production"}

    # ---- one run -------------------------------------------------------------------------------------------
    def _workdir(self) -> Path | None:
        if self.workdir is not None:
            self.workdir.mkdir(parents=True, exist_ok=True)
        return self.workdir

    def _run_in_project(self, plan: Plan, started: Callable[[], object]) -> list[TestSpriteResult | None]:
        if not self.api_key:
            raise TestSpriteError("TestSprite needs an API key: set TESTSPRITE_API_KEY (TestSprite dashboard → "
                                  "API keys), or unset it to run checks with the local runner.")
        folder = Path(tempfile.mkdtemp(prefix="evalforge-testsprite-", dir=self._workdir()))
        # The folder's name is the projectName TestSprite is given; keep it a plain path segment.
        project = folder / (_UNSAFE_IN_FOLDER_NAMES.sub("-", self.project_name).strip(".-") or "evalforge")
        try:
            write_project(project, plan, self.project_name)
            started()
            run_blocking(self._execute, project)
            return read_results(project)
        finally:
            # TestSprite leaves generated code, reports, a log and its config behind; none of it is ours to keep.
            shutil.rmtree(folder, onerror=lambda _f, path, error: logger.warning(
                "could not remove %s: %s", path, error[1]))

    def _parameters(self, project: Path) -> StdioServerParameters:
        env = {**self.environment, "API_KEY": self.api_key or "", "EXECUTION_TYPE": "tool"}
        return StdioServerParameters(command=self.command[0], args=list(self.command[1:]), env=env,
                                     cwd=str(project))

    def _describe_failure(self, error: BaseException, errlog: IO[str], project: Path) -> TestSpriteError:
        errlog.flush()
        errlog.seek(0)
        output = errlog.read()
        log_file = project / LOG_FILE
        if log_file.exists():
            output += "\n" + log_file.read_text(encoding="utf-8", errors="replace")
        reasons = "; ".join(f"{type(leaf).__name__}: {leaf}" for leaf in _leaves(error))
        if any(isinstance(leaf, FileNotFoundError) for leaf in _leaves(error)):
            return TestSpriteError(f"Could not start TestSprite's MCP server: {self.command[0]!r} was not found. "
                                   "Install Node.js and npm, or set TESTSPRITE_MCP_COMMAND to the server's "
                                   "command.")
        last = f" Its last output: {_tail(output)}" if output.strip() else ""
        return TestSpriteError(f"TestSprite's MCP server ({' '.join(self.command)}) stopped before the tests "
                               f"finished ({reasons}).{last}")

    async def _execute(self, project: Path) -> None:
        phase = "start"
        with tempfile.TemporaryFile("w+", encoding="utf-8") as errlog:
            try:
                with anyio.CancelScope() as scope:
                    scope.deadline = anyio.current_time() + self.start_timeout_seconds
                    async with Client(stdio_client(self._parameters(project), errlog=errlog), cache=None) as client:
                        await self._require_tools(client)
                        phase = "run"
                        scope.deadline = anyio.current_time() + self.timeout_seconds
                        result = await client.call_tool(EXECUTE_TOOL, self.arguments(project))
            except TestSpriteError:
                raise
            except Exception as error:  # whatever broke the conversation, the run must end with its reason
                raise self._describe_failure(error, errlog, project) from error
        if scope.cancelled_caught:
            if phase == "start":
                raise TestSpriteError(f"TestSprite's MCP server ({' '.join(self.command)}) did not start and list "
                                      f"its tools within {self.start_timeout_seconds:g} s; check that npx can "
                                      "install the package (network, npm registry) or set TESTSPRITE_MCP_COMMAND.")
            raise TestSpriteError(f"TestSprite did not finish the tests within {self.timeout_seconds:g} s "
                                  "(TESTSPRITE_TIMEOUT_SECONDS); the run was stopped.")
        if result.is_error:
            raise _refusal(_text_of(result))
        if not (project / RESULTS_FILE).exists():
            raise TestSpriteError(f"TestSprite answered without writing {RESULTS_FILE}: "
                                  f"{_tail(_text_of(result)) or 'no message'}")

    async def _require_tools(self, client: Client) -> None:
        names = {tool.name for tool in await list_all_tools(client)}
        missing = sorted(set(TOOL_ARGUMENTS) - names)
        if missing:
            raise TestSpriteError(f"TestSprite's MCP server has no tool {', '.join(missing)}; this adapter was "
                                  f"written for {TESTSPRITE_MCP_PACKAGE}@{TESTSPRITE_MCP_VERSION}, so run that "
                                  "version (TESTSPRITE_MCP_COMMAND).")

    async def _list_tools(self, folder: Path) -> list[types.Tool]:
        parameters = StdioServerParameters(command=self.command[0], args=list(self.command[1:]),
                                           env=dict(self.environment), cwd=str(folder))
        with anyio.fail_after(self.start_timeout_seconds):
            async with Client(parameters, cache=None) as client:
                return await list_all_tools(client)

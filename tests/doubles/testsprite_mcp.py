"""A local stand-in for TestSprite's MCP server (`@testsprite/testsprite-mcp`), run as a stdio process.

Start it the way the real one starts (`python tests/doubles/testsprite_mcp.py`, stdin/stdout speak MCP, logs on
stderr). It lists the real server's eight tools with the same names and argument schemas (its own
descriptions; tests/integration/test_testsprite_package.py compares them with the real package) and serves
`testsprite_generate_code_and_execute` the way the real one does with `EXECUTION_TYPE=tool`:

- validates the arguments against the schema, needs `API_KEY` (answers the real AUTH_FAILED error otherwise);
  without `EXECUTION_TYPE=tool` it answers the console-mode "run this command" reply and runs nothing;
- reads `<projectPath>/testsprite_tests/tmp/config.json` (a confirmed backend config with a localEndpoint),
  the backend test plan and `standard_prd.json`, failing with the real messages when they are missing;
- checks that something listens on the local endpoint's port (the real one probes it through its tunnel);
- writes `tmp/test_results.json` (one test entity per plan test, in plan order), a code file per test, the
  Markdown reports, `tmp/mcp.log`, `.gitignore` entries and, while running, `tmp/execution.lock`.

Verdicts come from the scenario, since there is no cloud model here to write test code:
`TESTSPRITE_DOUBLE_FAILING` maps test ids to the error text of a FAILED test (others PASS);
`TESTSPRITE_DOUBLE_MODE` is `normal`, `exit` (the process dies mid-run, after the lock file) or `hang` (the
run never finishes); `TESTSPRITE_DOUBLE_KEY` is the accepted API key (default `sk-double`);
`TESTSPRITE_DOUBLE_RECORD` names a file (outside the project) where each call's arguments, config and plan are
appended as JSON lines, so tests can read them after the runner removed the project.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import anyio
import jsonschema
from mcp import types
from mcp.server.lowlevel.server import Server
from mcp.server.stdio import stdio_server

DRAFT_07 = "http://json-schema.org/draft-07/schema#"
PROJECT_PATH = {"type": "string"}


def _schema(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {"$schema": DRAFT_07, "type": "object", "properties": properties, "required": required,
            "additionalProperties": False}


# Same names, argument types, enums, defaults and required lists as @testsprite/testsprite-mcp 0.0.45.
TOOLS: dict[str, dict[str, Any]] = {
    "testsprite_bootstrap": _schema({
        "localPort": {"default": 5173, "type": "number", "minimum": 1, "maximum": 65535},
        "pathname": {"type": "string"},
        "type": {"type": "string", "enum": ["frontend", "backend"]},
        "projectPath": PROJECT_PATH,
        "testScope": {"type": "string", "enum": ["codebase", "diff"]},
    }, ["type", "projectPath", "testScope"]),
    "testsprite_generate_code_summary": _schema({"projectRootPath": PROJECT_PATH}, ["projectRootPath"]),
    "testsprite_generate_standardized_prd": _schema({"projectPath": PROJECT_PATH}, ["projectPath"]),
    "testsprite_generate_frontend_test_plan": _schema(
        {"projectPath": PROJECT_PATH, "needLogin": {"default": True, "type": "boolean"}}, ["projectPath"]),
    "testsprite_generate_backend_test_plan": _schema({"projectPath": PROJECT_PATH}, ["projectPath"]),
    "testsprite_generate_code_and_execute": _schema({
        "projectName": {"type": "string"},
        "projectPath": PROJECT_PATH,
        "testIds": {"default": [], "type": "array", "items": {"type": "string"}},
        "additionalInstruction": {"default": "", "type": "string"},
        "serverMode": {"default": "development", "type": "string", "enum": ["production", "development"]},
    }, ["projectName", "projectPath"]),
    "testsprite_open_test_result_dashboard": _schema(
        {"projectPath": PROJECT_PATH, "modificationContext": {"type": "string"}}, ["projectPath"]),
    "testsprite_check_account_info": {"type": "object", "properties": {}, "additionalProperties": False},
}
AUTH_FAILED = json.dumps({"error": "AUTH_FAILED", "message": "Unauthorized: Please create a new API_KEY.",
                          "status_code": 401, "user_action_required": "CREATE_API_KEY"})
PORTAL = "https://www.testsprite.com/dashboard/mcp/tests"


class ToolError(Exception):
    """A tool failure, answered as an MCP tool error with this text (as the real server does)."""


def log(message: str) -> None:
    print(f"[testsprite-mcp-double] {message}", file=sys.stderr, flush=True)


def _record(entry: dict[str, Any]) -> None:
    target = os.environ.get("TESTSPRITE_DOUBLE_RECORD")
    if target:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")


def _read_json(path: Path, what: str) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ToolError(f"Failed to read {what} file at {path}: {error}") from error


def _port_listening(endpoint: str) -> bool:
    parts = urlsplit(endpoint)
    try:
        with socket.create_connection((parts.hostname or "localhost", parts.port or 80), timeout=2):
            return True
    except OSError:
        return False


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


async def _execute(arguments: dict[str, Any]) -> dict[str, Any]:
    if os.environ.get("EXECUTION_TYPE", "console") != "tool":
        # Console mode: the real server hands an assistant a shell command and runs nothing itself.
        return {"next_action": [{"type": "tool", "tool": "Run in Terminal", "input": {
            "command": f"cd {arguments['projectPath']} && node index.js generateCodeAndExecute"}}]}
    if os.environ.get("API_KEY") != os.environ.get("TESTSPRITE_DOUBLE_KEY", "sk-double"):
        raise ToolError(f"Failed to generate and execute tests: Error: {AUTH_FAILED}")
    project = Path(arguments["projectPath"])
    tests_dir = project / "testsprite_tests"
    config = _read_json(tests_dir / "tmp" / "config.json", "config")
    plan = _read_json(tests_dir / "testsprite_backend_test_plan.json", "test plan")
    _read_json(tests_dir / "standard_prd.json", "PRD")
    _record({"arguments": arguments, "config": config, "plan": plan, "cwd": os.getcwd(), "pid": os.getpid()})
    if config.get("status") != "commited" or config.get("type") != "backend":
        raise ToolError("Failed to generate and execute tests: Error: Unknown type")
    endpoint = str(config.get("localEndpoint") or "")
    if not _port_listening(endpoint):
        raise ToolError(f"Failed to generate and execute tests: Error: Tunnel probe failed: nothing answers on "
                        f"{endpoint}. Start the service and try again.")
    for case in plan:
        jsonschema.validate(case, {"type": "object", "required": ["id", "title", "description"], "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"}}})
    if arguments.get("testIds"):
        plan = [case for case in plan if case["id"] in arguments["testIds"]]
    lock = tests_dir / "tmp" / "execution.lock"
    _write(lock, json.dumps({"pid": os.getpid(), "startTime": time.time()}))
    _write(tests_dir / "tmp" / "mcp.log", json.dumps({"level": "info", "message": "Tunnel connected"}) + "\n")
    _write(project / ".gitignore", "testsprite_tests/tmp/\n")
    mode = os.environ.get("TESTSPRITE_DOUBLE_MODE", "normal")
    if mode == "exit":
        log("tunnel closed by the remote end; exiting")
        os._exit(3)
    if mode == "hang":
        await anyio.sleep_forever()
    failing = json.loads(os.environ.get("TESTSPRITE_DOUBLE_FAILING", "{}"))
    results = []
    for number, case in enumerate(plan, start=1):
        test_id = f"ts-{number:04d}"
        error = failing.get(case["id"])
        code = f"# {case['title']}\ndef test():\n    pass\n"
        _write(tests_dir / f"{case['id']}_{case['title'].replace(' ', '_')}.py", code)
        results.append({"projectId": "proj-double", "testId": test_id, "userId": "user-double",
                        "title": case["title"], "description": case["description"], "code": code,
                        "testStatus": "FAILED" if error else "PASSED", "testError": error or "",
                        "portalUrl": f"{PORTAL}/{test_id}", "created": "2026-01-15T10:00:00Z",
                        "modified": "2026-01-15T10:00:05Z"})
    _write(tests_dir / "tmp" / "test_results.json", json.dumps(results, indent=2))
    _write(tests_dir / "tmp" / "raw_report.md", "# TestSprite raw report\n")
    _write(tests_dir / "testsprite-mcp-test-report.md", "# TestSprite test report\n")
    lock.unlink()
    return {"status": "completed", "projectId": "proj-double", "totalTests": len(results),
            "testResults": [{"testCaseId": case["id"], "testId": result["testId"], "title": case["title"],
                             "testStatus": result["testStatus"], "testResultUrl": result["portalUrl"]}
                            for case, result in zip(plan, results, strict=True)]}


def server() -> Server[Any]:
    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        return types.ListToolsResult(tools=[
            types.Tool(name=name, description=f"{name} (TestSprite MCP double)", input_schema=schema)
            for name, schema in TOOLS.items()])

    async def call_tool(ctx: Any, params: types.CallToolRequestParams) -> types.CallToolResult:
        arguments = dict(params.arguments or {})
        try:
            if params.name not in TOOLS:
                raise ToolError(f"Unknown tool: {params.name}")
            try:
                jsonschema.validate(arguments, TOOLS[params.name])
            except jsonschema.ValidationError as error:
                raise ToolError(f"Validation error:\n{error.message}") from error
            if params.name != "testsprite_generate_code_and_execute":
                raise ToolError(f"{params.name} needs TestSprite's cloud, which this double does not imitate.")
            answer = await _execute(arguments)
        except ToolError as error:
            return types.CallToolResult(content=[types.TextContent(type="text", text=str(error))], is_error=True)
        return types.CallToolResult(content=[types.TextContent(type="text", text=json.dumps(answer))])

    return Server("testsprite-mcp-server", version="0.0.45-double", on_list_tools=list_tools,
                  on_call_tool=call_tool)


async def main() -> None:
    log("Server started")
    app = server()
    async with stdio_server() as (read_stream, write_stream):
        await app.run(read_stream, write_stream, app.create_initialization_options())


if __name__ == "__main__":
    anyio.run(main)

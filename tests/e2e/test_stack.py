"""End to end with real processes: `evalforge up` (Dagster webserver + daemon, API, demo app, traffic).

One stack serves these tests: the sample a newcomer sees loaded at start, and the whole recovery loop:
bug on → incident detected by polling → a plan of 5 → a run with checkout FAIL → bug off → automatic rerun →
RECOVERED, with the WebSocket events in order. Then SIGTERM must stop every process.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from evalforge_assets.cli.bootstrap import BOOTSTRAP_TAG
from evalforge_assets.store import open_store
from tests.e2e.stack import ProcessId, Stack, alive, port_open, start_stack, wait_until
from tests.e2e.ws_recorder import WsRecorder, checkout_failed, status_is

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    stack = start_stack(tmp_path_factory.mktemp("evalforge-up"))
    yield stack
    stack.stop()


_BOOTSTRAP_RUNS = """
query Runs($filter: RunsFilter) {
  runsOrError(filter: $filter) { ... on Runs { results { runId status jobName } } }
}"""


def test_up_loads_the_sample_as_a_run_shown_in_dagster_and_into_the_store(stack: Stack) -> None:
    store = open_store(f"sqlite:///{stack.home.resolve() / 'evalforge.db'}")
    wait_until(lambda: store.count_captures() > 0 and next(store.iter_signatures(), None), 150,
               "the bootstrap backfill to store captures and signatures")
    query = '{ assetNodes { assetKey { path } partitionStats { numMaterialized } } }'

    def materialized() -> dict[str, int]:
        nodes = httpx.post(f"{stack.dagster_url}/graphql", json={"query": query}, timeout=10).json()["data"]
        return {"/".join(n["assetKey"]["path"]): (n["partitionStats"] or {}).get("numMaterialized", 0)
                for n in nodes["assetNodes"]}

    def two_hours_done() -> dict[str, int] | None:
        counts = materialized()
        return counts if counts.get("failure_signatures", 0) >= 2 else None

    counts = wait_until(two_hours_done, 150, "two hourly partitions materialized in Dagster")
    assert counts["raw_llm_spans"] >= 2 and counts["failure_captures"] >= 2
    runs = httpx.post(f"{stack.dagster_url}/graphql", timeout=10, json={
        "query": _BOOTSTRAP_RUNS, "variables": {"filter": {"tags": [{"key": BOOTSTRAP_TAG, "value": "true"}]}},
    }).json()["data"]["runsOrError"]["results"]
    assert [(run["jobName"], run["status"]) for run in runs] == [("capture_job", "SUCCESS")], runs
    listed = httpx.get(f"{stack.api_url}/health", timeout=10).json()
    assert listed["store"]["ok"] is True


def test_a_lead_exports_a_reviewed_signature_to_files_on_disk(stack: Stack) -> None:
    """No credentials at all: eval cases, a guardrail rule and a runbook land under EVALFORGE_HOME/exports."""
    signatures = wait_until(lambda: httpx.get(f"{stack.api_url}/v1/signatures", params={"limit": 1},
                                              timeout=10).json()["items"], 150, "a signature in the queue")
    signature_id = signatures[0]["signature_id"]
    triaged = httpx.patch(f"{stack.api_url}/v1/signatures/{signature_id}", json={"status": "triaged"}, timeout=10)
    assert triaged.status_code == 200, triaged.text
    accepted = httpx.post(f"{stack.api_url}/v1/exports", timeout=10, json={
        "signature_ids": [signature_id], "destinations": ["eval_dataset", "guardrail", "runbook"]})
    assert accepted.status_code == 202, accepted.text
    export_id = accepted.json()["export_id"]

    def delivered() -> dict | None:
        package = httpx.get(f"{stack.api_url}/v1/exports/{export_id}", timeout=10).json()
        return package if package["overall_status"] in ("delivered", "failed") else None

    package = wait_until(delivered, 120, f"export {export_id} to be delivered by the export sensor's run")
    assert package["overall_status"] == "delivered", package
    files = sorted(p.name for p in (stack.home / "exports").rglob("*") if p.is_file())
    assert any(name.endswith(".jsonl") for name in files), files
    assert any(name.endswith(".md") for name in files), files
    assert any(name.endswith((".json", ".yaml")) for name in files), files
    audit = httpx.get(f"{stack.api_url}/v1/audit", params={"resource_id": export_id}, timeout=10).json()["items"]
    assert audit, "deliveries must be on the audit trail"


def test_recovery_loop_from_bug_to_recovered_over_the_websocket(stack: Stack) -> None:
    with WsRecorder(stack.ws_url) as ws:
        first = ws.wait_for(lambda e: True, 15, "the first message")
        assert first.type == "system.status"
        assert httpx.post(f"{stack.api_url}/api/demo/bug", json={"enabled": True}, timeout=10).status_code == 200

        created = ws.wait_for(lambda e: e.type == "incident.created", 90, "incident.created (polling detection)")
        plan = ws.wait_for(lambda e: e.type == "plan.generated", 90, "plan.generated")
        items = plan.payload["plan"]["items"]
        assert len(items) == 5 and sorted(i["priority"] for i in items) == [1, 2, 3, 4, 5]
        failed = ws.wait_for(checkout_failed, 90, "a tests.updated with checkout FAIL")

        assert httpx.post(f"{stack.api_url}/api/demo/bug", json={"enabled": False}, timeout=10).status_code == 200
        recovered = ws.wait_for(status_is("RECOVERED"), 120, "system.status RECOVERED")

        assert created.at <= plan.at <= failed.at <= recovered.at
        incident_id = created.payload["incident_id"]
        assert plan.payload["incident_id"] == incident_id
        runs = {e.payload["run_id"] for e in ws.snapshot() if e.type == "tests.updated"}
        assert len(runs) >= 2, "switching the bug off must rerun validation automatically"
        card = httpx.get(f"{stack.api_url}/api/incidents/current", timeout=10).json()
        assert card is None or card["incident_id"] == incident_id
        status = httpx.get(f"{stack.api_url}/api/status", timeout=10).json()
        assert status["status"] in ("RECOVERED", "HEALTHY")


def test_sigterm_stops_every_process_up_started(stack: Stack) -> None:
    started: set[ProcessId] = stack.processes()
    assert len(started) >= 7, "demo app, traffic, dagster dev (webserver, daemon, code server), API, watchdog"

    assert stack.stop() == 0, stack.log_tail()

    assert not alive(started), "evalforge up must not exit before everything it started has"
    for url in (stack.api_url, stack.demo_url, stack.dagster_url):
        assert not port_open(url), f"{url} still listening"

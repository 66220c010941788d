"""DagsterClient.launch_run's GraphQL parameters: the whole job by default, or only the named assets of it."""

from __future__ import annotations

import json

import httpx
import pytest
from dagster_graphql.schema import create_schema
from graphql import parse, validate

from evalforge_assets import orchestration
from evalforge_assets.orchestration import PARTITION_TAG, DagsterClient, DagsterRequestFailed


def client_recording(sent: list[dict], answer: dict | None = None) -> DagsterClient:
    def dagster(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["variables"]["params"])
        return httpx.Response(200, json={"data": {"launchRun": answer or {
            "__typename": "LaunchRunSuccess", "run": {"runId": "run-1"}}}})

    return DagsterClient("http://dagster.test", transport=httpx.MockTransport(dagster))


def test_a_run_of_the_whole_job_selects_no_assets() -> None:
    sent: list[dict] = []
    assert client_recording(sent).launch_run("incident_job", tags={PARTITION_TAG: "inc-1"}) == "run-1"
    assert sent[0]["selector"] == {"repositoryLocationName": "evalforge", "repositoryName": "__repository__",
                                   "jobName": "incident_job"}
    assert sent[0]["executionMetadata"] == {"tags": [{"key": PARTITION_TAG, "value": "inc-1"}]}


def test_named_assets_are_selected_by_their_key_paths() -> None:
    sent: list[dict] = []
    client_recording(sent).launch_run("incident_job", tags={PARTITION_TAG: "inc-1"},
                                      asset_keys=["war_room", "recovery/plan"])
    assert sent[0]["selector"]["assetSelection"] == [{"path": ["war_room"]}, {"path": ["recovery", "plan"]}]


def test_a_refused_selection_raises_with_dagsters_reason() -> None:
    refused = {"__typename": "InvalidSubsetError", "message": "war_rom is not in incident_job"}
    with pytest.raises(DagsterRequestFailed, match="war_rom is not in incident_job"):
        client_recording([], refused).launch_run("incident_job", asset_keys=["war_rom"])


@pytest.mark.parametrize("mutation", ["_LAUNCH_RUN", "_LAUNCH_BACKFILL"])
def test_the_mutations_are_valid_against_the_installed_dagsters_schema(mutation: str) -> None:
    # A fragment on a type Dagster does not have makes the webserver answer HTTP 400 to every launch (as an
    # `... on JobNotFoundError` once did), which the mock transport above cannot see.
    errors = validate(create_schema().graphql_schema, parse(getattr(orchestration, mutation)))
    assert not errors, [error.message for error in errors]

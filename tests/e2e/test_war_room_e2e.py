"""The Slack war room end to end: `evalforge up` as a real process tree, talking to the Slack Web API double (a
real HTTP server on 127.0.0.1 whose every request and answer is checked against Slack's OpenAPI spec).

Bug on and Datadog's monitor fires (its webhook, in the recommended payload format) → a channel named by the
rule, its topic and purpose, 3 bookmarks, the routed responders invited (one found by email, one by display
name) and the card showing the one who could not be found → the plan and a FAIL in the thread → bug off →
RECOVERED in the thread, the card updated in place, the closing summary, and the Markdown post-incident report.
Then Dagster materializes the incident's war_room again (as a retry or a re-execution would) and the war room
stays exactly as it was: one channel, one card, no reply twice.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator

import httpx
import pytest

from evalforge_assets.models import parse_iso
from evalforge_assets.orchestration import LOCATION_NAME, PARTITION_TAG, REPOSITORY_NAME, DagsterClient
from evalforge_assets.recovery.webhooks import WEBHOOK_SECRET_HEADER
from tests.api.test_incidents_all_services import MONITORS, notification
from tests.e2e.stack import Stack, start_stack, wait_until
from tests.e2e.war_room_slack import (
    BY_DISPLAY_NAME,
    BY_EMAIL,
    SERVICE,
    UNRESOLVABLE,
    TimedSlackDouble,
    card_of,
    channels_for,
    slack_environment,
    thread_of,
    war_room_channel,
)
from tests.e2e.ws_recorder import WsRecorder, checkout_failed

pytestmark = pytest.mark.e2e

WEBHOOK_SECRET = "e2e-war-room-webhook-secret"

_RUN = 'query Run($id: ID!) { runOrError(runId: $id) { ... on Run { status endTime } } }'
_TICKS = """
query Ticks($selector: SensorSelector!) {
  sensorOrError(sensorSelector: $selector) { ... on Sensor { sensorState { ticks(limit: 1) { status timestamp } } } }
}"""


@pytest.fixture(scope="module")
def slack() -> Iterator[TimedSlackDouble]:
    double = TimedSlackDouble().start()
    yield double
    double.stop()
    assert not double.violations, "Slack traffic broke Slack's OpenAPI spec:\n" + "\n".join(double.violations)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, slack: TimedSlackDouble) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("evalforge-war-room")
    stack = start_stack(home / "stack", bootstrap=False,
                        extra_env={"EVALFORGE_WEBHOOK_SECRET": WEBHOOK_SECRET, **slack_environment(slack, home)})
    yield stack
    stack.stop()


def graphql(stack: Stack, query: str, variables: dict) -> dict:
    body = httpx.post(f"{stack.dagster_url}/graphql", json={"query": query, "variables": variables}, timeout=30).json()
    assert "errors" not in body, body
    return body["data"]


def monitor_fires(stack: Stack) -> dict:
    """Datadog's monitor on the demo app alerts: its webhook as Datadog sends it, dated now."""
    payload = notification(SERVICE, "Triggered", "e2e-cycle-1", 0, "e2e-event-1")
    payload["date"] = str(int(time.time() * 1000))
    answer = httpx.post(f"{stack.api_url}/internal/datadog/webhook", json=payload, timeout=10,
                        headers={WEBHOOK_SECRET_HEADER: WEBHOOK_SECRET})
    assert answer.status_code == 202, answer.text
    return answer.json()


def materialize_war_room_again(stack: Stack, incident_id: str) -> None:
    """What a retry or re-execution of the war_room step does: materialize the incident's partition again."""
    # The API's own client (it raises with Dagster's reason when the launch is refused).
    run_id = DagsterClient(stack.dagster_url, timeout=30).launch_run(
        "incident_job", tags={PARTITION_TAG: incident_id}, asset_keys=["war_room"])
    run = wait_until(lambda: (r := graphql(stack, _RUN, {"id": run_id})["runOrError"])["status"] in (
        "SUCCESS", "FAILURE", "CANCELED") and r, 180, f"the war_room re-materialization {run_id} to finish")
    assert run["status"] == "SUCCESS", run


def war_room_sensor_ticked_after(stack: Stack, moment: float) -> bool:
    selector = {"repositoryLocationName": LOCATION_NAME, "repositoryName": REPOSITORY_NAME,
                "sensorName": "war_room_sensor"}
    ticks = graphql(stack, _TICKS, {"selector": selector})["sensorOrError"]["sensorState"]["ticks"]
    return any(t["status"] != "STARTED" and t["timestamp"] > moment for t in ticks)


def test_war_room_from_bug_to_recovered_and_nothing_twice_under_a_dagster_rerun(
        stack: Stack, slack: TimedSlackDouble) -> None:
    with WsRecorder(stack.ws_url) as ws:
        assert httpx.post(f"{stack.api_url}/api/demo/bug", json={"enabled": True}, timeout=10).status_code == 200
        opened = monitor_fires(stack)
        incident_id = opened["incident_id"]
        assert opened["action"] == "open", opened

        # Detection: channel named by the rule, topic, purpose, 3 bookmarks, invites, card.
        channel = wait_until(lambda: war_room_channel(slack, incident_id), 90, "the war-room channel", 0.1)
        card = wait_until(lambda: card_of(slack, channel), 90, "the incident card", 0.1)
        created = ws.wait_for(lambda e: e.type == "incident.created" and e.payload["incident_id"] == incident_id,
                              30, "incident.created")
        day = parse_iso(created.payload["detected_at"]).strftime("%Y%m%d")
        assert channel.name == f"inc-{day}-{SERVICE}-{incident_id.removeprefix('inc_')[:4]}"
        assert created.payload["title"] in channel.topic and SERVICE in channel.topic
        assert incident_id in channel.purpose
        assert {BY_EMAIL[0], BY_DISPLAY_NAME[0]} <= set(channel.members)
        assert card.blocks[0]["type"] == "header" and "INCIDENT_ACTIVE" in card.text
        assert UNRESOLVABLE in str(card.blocks) and "not invited" in str(card.blocks)
        bookmarks = wait_until(lambda: (b := [m for m in slack.bookmarks if m["channel_id"] == channel.id])
                               and len(b) == 3 and b, 90, "3 bookmarks (the Dagster run's once the run has one)")
        titles = {b["title"]: b["link"] for b in bookmarks}
        assert titles["Datadog monitor"].startswith(f"https://app.datadoghq.com/monitors/{MONITORS[SERVICE]}")
        assert "/runs/" in titles["Dagster run"] and titles["Incident"].endswith(f"/incidents/{incident_id}")

        # The plan and a FAIL in the thread.
        ws.wait_for(checkout_failed, 120, "a tests.updated with checkout FAIL")

        def replies_starting(prefix: str) -> list[str]:
            return [m.text for m in thread_of(slack, channel, card) if m.text.startswith(prefix)]

        [plan] = wait_until(lambda: replies_starting("*Recovery plan*"), 60, "the plan in the thread", 0.2)
        assert plan.count("\n") == 5  # its 5 checks
        failing = wait_until(lambda: [t for t in replies_starting("*Validation run*") if ":x:" in t], 60,
                             "a failing validation run in the thread", 0.2)
        assert "checkout" in failing[0].lower()

        # Bug off: RECOVERED, the card updated in place, the closing summary and the report.
        assert httpx.post(f"{stack.api_url}/api/demo/bug", json={"enabled": False}, timeout=10).status_code == 200
        wait_until(lambda: replies_starting(":large_green_circle: *RECOVERED*"), 180, "RECOVERED in the thread", 0.2)
        [summary] = wait_until(lambda: replies_starting("*Closing summary"), 60, "the closing summary", 0.2)
    assert "What failed" in summary and "What fixed it" in summary
    wait_until(lambda: card.edits >= 1 and card.text.startswith("RECOVERED"), 30, "the card updated to RECOVERED")
    report = stack.home / "exports" / "incidents" / f"{incident_id}.md"
    assert report.read_text().startswith("# Post-incident report") and f"#{channel.name}" in report.read_text()
    health = httpx.get(f"{stack.api_url}/health", timeout=10).json()
    assert health["slack"]["state"] == "ok", health["slack"]

    # A forced Dagster re-materialization of war_room, then a sensor tick after it: nothing new, nothing twice.
    before = (len(slack.messages), card.edits, len(slack.bookmarks))
    materialize_war_room_again(stack, incident_id)
    after_run = time.time()
    wait_until(lambda: war_room_sensor_ticked_after(stack, after_run), 60, "a war_room_sensor tick after the run", 1.0)
    assert channels_for(slack, incident_id) == [channel]
    assert (len(slack.messages), card.edits, len(slack.bookmarks)) == before
    thread = thread_of(slack, channel, card)
    assert [m for m in slack.messages_in(channel.id) if m.thread_ts is None] == [card]
    repeated = [text for text, count in Counter(m.text for m in thread).items() if count > 1]
    assert not repeated, f"replies posted twice: {repeated}"
    posts = [a for a in slack.answered("chat.postMessage") if a.body["channel"] == channel.id]
    assert len(posts) == len(thread) + 1, "every successful post is one message of the war room"

"""War-room latencies on the whole running stack, against the Slack Web API double as a real server.

    python3 -m uv run --frozen python benchmarks/war_room.py              # 5 rounds, starts its own `evalforge up`
    python3 -m uv run --frozen python benchmarks/war_room.py --rounds 8

Each round switches the demo app's bug on, waits for the incident (detected by the health sensor's polling),
its war room, the plan and a failing check, switches the bug off and waits for RECOVERED and the closing
summary. Two figures per round, each from two clocks of this one machine:
- detection → war room ready: from the `incident.created` event's time (stored by Evalforge) to the moment the
  Slack double answered the last of channel, invites and card (the card is posted last);
- RECOVERED → summary posted: from the RECOVERED entry of the incident's timeline (stored) to the moment the
  double answered the `*Closing summary` reply in the thread.
It prints them per round and their median, p95 (nearest rank) and max beside the reference workflow (the whole
of its war room, 7 steps, in 45.9 s from the Datadog webhook) and the targets: ready <= 5 s after detection,
summary <= 5 s after RECOVERED. Everything else runs as `evalforge up` runs it (sensor cadence included).
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from evalforge_assets.models import parse_iso
from evalforge_assets.store import Store, open_store
from tests.e2e.stack import Stack, start_stack, wait_until
from tests.e2e.war_room_slack import (
    TimedSlackDouble,
    invited_at,
    posted_at,
    slack_environment,
    war_room_channel,
)
from tests.e2e.ws_recorder import WsRecorder, status_is

REFERENCE_SECONDS = 45.9
READY_TARGET = 5.0
SUMMARY_TARGET = 5.0


def epoch(stamp: str) -> float:
    return parse_iso(stamp).timestamp()


def healthy(api_url: str) -> bool:
    """True once the service is HEALTHY; otherwise closes whatever is still open (INCIDENT_OFF) and says False."""
    if httpx.get(f"{api_url}/api/status", timeout=5).json()["status"] == "HEALTHY":
        return True
    httpx.post(f"{api_url}/api/incidents/simulate", json={"mode": "INCIDENT_OFF"}, timeout=5)
    return False


def recovered_at(store: Store, incident_id: str) -> float | None:
    incident = store.get_incident(incident_id)
    entry = next((e for e in incident.timeline if e.to_state == "RECOVERED" and e.from_state != "RECOVERED"),
                 None) if incident else None
    return epoch(entry.at) if entry else None


def one_round(stack: Stack, store: Store, slack: TimedSlackDouble) -> dict[str, float]:
    api = stack.api_url
    wait_until(lambda: healthy(api), 180, "a healthy service before the round", interval=1.0)
    with WsRecorder(stack.ws_url) as ws:
        started = time.monotonic()
        httpx.post(f"{api}/api/demo/bug", json={"enabled": True}, timeout=10).raise_for_status()
        created = ws.wait_for(lambda e: e.type == "incident.created" and e.at >= started, 120,
                              "incident.created (polling detection)")
        incident_id = created.payload["incident_id"]
        detected = epoch(created.ts)
        channel = wait_until(lambda: war_room_channel(slack, incident_id), 120, f"the war room of {incident_id}",
                             interval=0.05)
        card = wait_until(lambda: posted_at(slack, channel.id, thread=False), 120, "the card", interval=0.05)
        invites = invited_at(slack, channel.id) or card
        ws.wait_for(lambda e: e.type == "tests.updated" and any(t["status"] == "FAIL" for t in e.payload["tests"]),
                    120, "a failing check")
        httpx.post(f"{api}/api/demo/bug", json={"enabled": False}, timeout=10).raise_for_status()
        ws.wait_for(status_is("RECOVERED"), 180, "system.status RECOVERED")
    recovered = wait_until(lambda: recovered_at(store, incident_id), 30, "the RECOVERED timeline entry")
    summary = wait_until(lambda: posted_at(slack, channel.id, thread=True, text_prefix="*Closing summary"), 120,
                         "the closing summary in the thread", interval=0.05)
    return {"ready": max(card, invites) - detected, "summary": summary - recovered}


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(rows: list[dict[str, float]]) -> None:
    print(f"{'round':>5} {'detection→war room ready':>25} {'RECOVERED→summary':>18}")
    for number, row in enumerate(rows, 1):
        print(f"{number:>5} {row['ready']:>24.2f}s {row['summary']:>17.2f}s")
    print(f"\n{'':>12} {'median':>8} {'p95':>8} {'max':>8}   reference  target")
    for key, label, target in (("ready", "ready", READY_TARGET), ("summary", "summary", SUMMARY_TARGET)):
        values = [row[key] for row in rows]
        worst = max(values)
        print(f"{label:>12} {statistics.median(values):>7.2f}s {nearest_rank(values, 0.95):>7.2f}s {worst:>7.2f}s"
              f"   {REFERENCE_SECONDS:>8.1f}s  <= {target:.0f} s {'met' if worst <= target else 'NOT met'}")
    print(f"(reference: the reference workflow's whole war room, 7 steps, {REFERENCE_SECONDS} s from the webhook; "
          f"p95 by nearest rank over {len(rows)} rounds)")


def main() -> None:
    parser = argparse.ArgumentParser(description="Evalforge war-room benchmark (whole stack, Slack double)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="evalforge-warroom-bench-"))
    slack = TimedSlackDouble().start()
    # A short cooldown closes each recovered incident quickly, so every round opens a new incident and war room.
    stack = start_stack(home / "stack", bootstrap=False,
                        extra_env={"RECURRENCE_COOLDOWN_SECONDS": "3", **slack_environment(slack, home)})
    rows: list[dict[str, float]] = []
    try:
        store = open_store(f"sqlite:///{stack.home.resolve() / 'evalforge.db'}")
        for _ in range(args.rounds):
            rows.append(one_round(stack, store, slack))
            print(f"round {len(rows)}: ready {rows[-1]['ready']:.2f}s, summary {rows[-1]['summary']:.2f}s",
                  flush=True)
    finally:
        stack.stop()
        slack.stop()
    if slack.violations:
        print("Slack traffic broke Slack's OpenAPI spec:\n" + "\n".join(slack.violations))
    report(rows)


if __name__ == "__main__":
    main()

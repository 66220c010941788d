"""Recovery-loop latencies from WebSocket event timestamps, with the whole stack running.

    python3 -m uv run python benchmarks/incident_loop.py                  # starts its own `evalforge up`
    python3 -m uv run python benchmarks/incident_loop.py --api http://127.0.0.1:8000   # a stack already up

Prints: bug on → incident.created; incident.created → plan.generated; → first tests.updated with a FAIL;
bug off → system.status RECOVERED. Targets: detection <= 10 s; plan and first results <= 10 s after
detection (deterministic planner); fix → RECOVERED <= 15 s.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import start_stack, wait_until
from tests.e2e.ws_recorder import WsRecorder, status_is


def any_failure(event) -> bool:
    return event.type == "tests.updated" and any(t["status"] == "FAIL" for t in event.payload.get("tests", []))


def measure(api_url: str, rounds: int) -> list[dict[str, float]]:
    ws_url = api_url.replace("http://", "ws://") + "/ws"
    results = []
    for _ in range(rounds):
        with WsRecorder(ws_url) as ws:
            # Start from a healthy service: wait until no incident is open and the recent error rate is low.
            wait_until(lambda: httpx.get(f"{api_url}/api/status", timeout=5).json()["status"] == "HEALTHY"
                       or httpx.post(f"{api_url}/api/incidents/simulate", json={"mode": "INCIDENT_OFF"},
                                     timeout=5).status_code < 0, 120, "a healthy service")
            time.sleep(2)
            bug_on = time.monotonic()
            httpx.post(f"{api_url}/api/demo/bug", json={"enabled": True}, timeout=10).raise_for_status()
            # A new incident announces itself with incident.created; a recurrence within the cooldown reopens the
            # last one, which shows as system.status INCIDENT_ACTIVE. Either is the moment of detection.
            created = ws.wait_for(lambda e, t=bug_on: e.at >= t and (e.type == "incident.created" or status_is(
                "INCIDENT_ACTIVE")(e)), 120, "detection (incident.created or INCIDENT_ACTIVE)")
            plan = ws.wait_for(lambda e, t=created.at: e.type == "plan.generated" and e.at >= t, 120, "plan.generated")
            failed = ws.wait_for(lambda e, t=plan.at: any_failure(e) and e.at >= t, 120, "a FAIL result")
            bug_off = time.monotonic()
            httpx.post(f"{api_url}/api/demo/bug", json={"enabled": False}, timeout=10).raise_for_status()
            recovered = ws.wait_for(lambda e, t=bug_off: status_is("RECOVERED")(e) and e.at >= t, 180, "RECOVERED")
            row = {
                "detect": created.at - bug_on,
                "plan": plan.at - created.at,
                "first_fail": failed.at - created.at,
                "recover": recovered.at - bug_off,
            }
            results.append(row)
            print(f"round {len(results)}: " + ", ".join(f"{k} {v:.1f}s" for k, v in row.items()), flush=True)
        # Close it so the next round starts from HEALTHY, past the cooldown.
        httpx.post(f"{api_url}/api/incidents/simulate", json={"mode": "INCIDENT_OFF"}, timeout=10)
        time.sleep(5)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="Evalforge recovery-loop benchmark")
    parser.add_argument("--api", help="API URL of a running stack (default: start one)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    stack = None
    if args.api:
        api = args.api.rstrip("/")
    else:
        # A short cooldown so each round opens a new incident instead of reopening the last one.
        stack = start_stack(Path(tempfile.mkdtemp(prefix="evalforge-bench-")), bootstrap=False,
                            extra_env={"RECURRENCE_COOLDOWN_SECONDS": "3"})
        api = stack.api_url
    try:
        rows = measure(api, args.rounds)
    finally:
        if stack:
            stack.stop()
    print(f"{'round':>5} {'bug on→incident':>16} {'incident→plan':>14} {'incident→1st FAIL':>18} {'bug off→RECOVERED':>18}")
    for i, row in enumerate(rows, 1):
        print(f"{i:>5} {row['detect']:>15.1f}s {row['plan']:>13.1f}s {row['first_fail']:>17.1f}s {row['recover']:>17.1f}s")
    worst = {key: max(r[key] for r in rows) for key in rows[0]}
    print(f"worst {worst['detect']:>15.1f}s {worst['plan']:>13.1f}s {worst['first_fail']:>17.1f}s {worst['recover']:>17.1f}s")
    print(f"targets: detection <= 10 s {'met' if worst['detect'] <= 10 else 'NOT met'}; "
          f"plan and first results <= 10 s after detection {'met' if worst['first_fail'] <= 10 else 'NOT met'}; "
          f"fix -> RECOVERED <= 15 s {'met' if worst['recover'] <= 15 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""The first minutes of a fresh `evalforge up`, and its last: four figures per round.

    python3 -m uv run python benchmarks/first_minutes.py --rounds 3

Each round starts `evalforge up` on a fresh data directory and free ports, and measures:
  signatures  API answering /health → the first failure signature listed by GET /v1/signatures (target <= 20 s)
  detection   bug switched on the moment `evalforge up` says it is running → incident detected (target <= 10 s)
  stop        SIGTERM to `evalforge up` → every process it started has exited (target <= 3 s)
Then it starts a second fresh stack and kills `evalforge up` with SIGKILL:
  survivors   processes it had started still alive 5 s later (target 0; they are then killed by pid)
"""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.stack import (
    alive,
    command_line,
    kill_survivors,
    launch_stack,
    start_stack,
    wait_until,
)
from tests.e2e.ws_recorder import WsRecorder, status_is

SURVIVOR_WAIT_SECONDS = 5.0


def _first_signature(api_url: str, times: dict[str, float]) -> None:
    """Runs on a thread: the API's first answer, then its first signature."""
    wait_until(lambda: httpx.get(f"{api_url}/health", timeout=2).status_code == 200, 180, "the API", 0.05)
    times["api"] = time.monotonic()
    wait_until(lambda: httpx.get(f"{api_url}/v1/signatures", params={"limit": 1}, timeout=5).json()["items"],
               300, "a first signature", 0.2)
    times["signature"] = time.monotonic()


def fresh_stack_round(workdir: Path) -> dict[str, float]:
    stack = launch_stack(workdir / "up", bootstrap=True, extra_env={"EVALFORGE_BOOTSTRAP_HOURS": "6"})
    times: dict[str, float] = {}
    poller = threading.Thread(target=_first_signature, args=(stack.api_url, times), daemon=True)
    poller.start()
    try:
        stack.wait_running()
        with WsRecorder(stack.ws_url) as ws:
            bug_on = time.monotonic()
            httpx.post(f"{stack.api_url}/api/demo/bug", json={"enabled": True}, timeout=10).raise_for_status()
            detected = ws.wait_for(lambda e: e.at >= bug_on and (e.type == "incident.created"
                                                                 or status_is("INCIDENT_ACTIVE")(e)),
                                   120, "detection (incident.created or INCIDENT_ACTIVE)")
        poller.join(timeout=300)
        if "signature" not in times:
            raise RuntimeError(f"No signature reached the API:\n{stack.log_tail()}")
        started = stack.processes()
        sigterm = time.monotonic()
        stack.process.send_signal(signal.SIGTERM)
        wait_until(lambda: stack.process.poll() is not None and not alive(started), 60,
                   "every process to exit after SIGTERM", 0.05)
        stopped = time.monotonic()
    finally:
        stack.stop()
    return {"signatures": times["signature"] - times["api"], "detection": detected.at - bug_on,
            "stop": stopped - sigterm}


def sigkill_round(workdir: Path) -> tuple[int, list[str]]:
    stack = start_stack(workdir / "killed", bootstrap=False)
    started = stack.processes()
    stack.kill()
    time.sleep(SURVIVOR_WAIT_SECONDS)
    survivors = alive(started)
    described = [f"{pid} {command_line(pid)[:100]}" for pid, _ in sorted(survivors)]
    kill_survivors(survivors)
    return len(survivors), described


def main() -> None:
    parser = argparse.ArgumentParser(description="Evalforge first-minutes benchmark")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for number in range(1, args.rounds + 1):
        workdir = Path(tempfile.mkdtemp(prefix="evalforge-first-minutes-"))
        row: dict[str, float] = fresh_stack_round(workdir)
        print(f"round {number}: signatures {row['signatures']:.1f}s after API up, detection {row['detection']:.1f}s "
              f"after bug on, stop {row['stop']:.1f}s after SIGTERM", flush=True)
        row["survivors"], described = sigkill_round(workdir)
        rows.append(row)
        print(f"round {number}: {row['survivors']:.0f} survivor(s) {SURVIVOR_WAIT_SECONDS:.0f}s after SIGKILL",
              flush=True)
        for line in described:
            print(f"    survivor: {line}", flush=True)
    print(f"{'round':>5} {'API→signatures':>15} {'bug on→incident':>16} {'SIGTERM→all gone':>17} "
          f"{'SIGKILL survivors':>18}")
    for i, row in enumerate(rows, 1):
        print(f"{i:>5} {row['signatures']:>14.1f}s {row['detection']:>15.1f}s {row['stop']:>16.1f}s "
              f"{row['survivors']:>18.0f}")
    worst = {key: max(r[key] for r in rows) for key in rows[0]}
    print(f"worst {worst['signatures']:>14.1f}s {worst['detection']:>15.1f}s {worst['stop']:>16.1f}s "
          f"{worst['survivors']:>18.0f}")
    print(f"targets: signatures <= 20 s {'met' if worst['signatures'] <= 20 else 'NOT met'}; "
          f"detection <= 10 s {'met' if worst['detection'] <= 10 else 'NOT met'}; "
          f"stop <= 3 s {'met' if worst['stop'] <= 3 else 'NOT met'}; "
          f"no survivors {'met' if worst['survivors'] == 0 else 'NOT met'}")


if __name__ == "__main__":
    main()

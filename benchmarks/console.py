"""Console speed in a real browser (Debian's Chromium driven by Playwright), with 100,000 captures and 3,000
signatures in SQLite:

- the queue's first page usable: from navigation start to the page loaded and its rows rendered
  (target < 1 s);
- a WebSocket event on the incident board: from the moment an event is appended to the store's event log to
  the moment board.js receives it (target < 500 ms).

    python3 -m uv run python benchmarks/console.py [--captures 100000] [--signatures 3000] [--rounds 20]
                                                   [--screenshots DIR]

The store is seeded directly through `Store` (as benchmarks/api.py does), the API runs as a uvicorn process
(stopped by its PID), and the browser signs in through the console's form like a user. Both clocks are this
machine's wall clock, so the event latency is `Date.now()` at arrival minus `time.time()` before the append.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api import API_KEY, api_server, percentile, seed
from evalforge_assets.models import now_iso
from evalforge_assets.store import Store, open_store

QUEUE_TARGET_MS = 1000.0
EVENT_TARGET_MS = 500.0
QUEUE_PATH = "/signatures"
BOARD_PATH = "/incidents/board"
ROW_SELECTOR = "table tbody tr"
EVENT_WAIT_MS = 10_000


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise SystemExit("Debian's chromium is needed: run `apt-get install chromium` (Playwright's own browser "
                         "download does not work here).")
    return found


def sign_in(page: Page, base: str) -> None:
    page.goto(f"{base}/console/session")
    page.get_by_label("API key").fill(API_KEY)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")


def queue_round(page: Page, base: str) -> float:
    """Milliseconds from navigation start to the queue usable: loaded (its scripts run) and painted with its
    rows, the later of the load event's end and the first contentful paint, on the page's own clock."""
    page.goto(f"{base}{QUEUE_PATH}", wait_until="load")
    page.wait_for_selector(ROW_SELECTOR, state="visible")
    return float(page.evaluate("""() => {
        const nav = performance.getEntriesByType('navigation')[0];
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        return Math.max(nav.loadEventEnd, paint ? paint.startTime : 0);
    }"""))


def event_round(page: Page, store: Store, number: int) -> float:
    """Milliseconds from appending a copilot.answer event to board.js receiving it."""
    marker = f"benchmark question {number}"
    payload = {"incident_id": None, "question": marker, "answer": "benchmark answer", "citations": [],
               "created_at": now_iso()}
    emitted_ms = time.time() * 1000.0
    store.append_event("copilot.answer", payload)
    handle = page.wait_for_function(
        """(marker) => {
            const hit = (window.evalforgeBoard ? window.evalforgeBoard.received : [])
              .find((e) => e.payload && e.payload.question === marker);
            return hit ? hit.at : null;
        }""", arg=marker, timeout=EVENT_WAIT_MS, polling="raf")
    return float(handle.json_value()) - emitted_ms


def line(label: str, values: list[float], target: float) -> str:
    p50, p95 = percentile(values, 0.5), percentile(values, 0.95)
    verdict = "met" if p95 < target else "NOT met"
    return (f"{label:44} n={len(values):3d}  median {p50:7.1f} ms  p95 {p95:7.1f} ms  target < {target:g} ms "
            f"(p95: {verdict})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--captures", type=int, default=100_000)
    parser.add_argument("--signatures", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--screenshots", type=Path, default=None,
                        help="save the queue and the board at 1280x800 here (PNG)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="evalforge-console-bench-") as folder:
        workdir = Path(folder)
        store_url = f"sqlite:///{workdir / 'evalforge.db'}"
        store = open_store(store_url)
        started = time.perf_counter()
        seed(store, args.captures, args.signatures)
        print(f"seeded {args.captures:,} captures and {args.signatures:,} signatures in "
              f"{time.perf_counter() - started:.0f} s")
        with api_server(store_url, workdir, {}) as base, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium_path(), headless=True,
                                             args=["--no-sandbox", "--disable-dev-shm-usage"])
            page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
            sign_in(page, base)
            cold = queue_round(page, base)
            queue = [queue_round(page, base) for _ in range(args.rounds)]
            if args.screenshots:
                args.screenshots.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(args.screenshots / "console-queue.png"))
            page.goto(f"{base}{BOARD_PATH}", wait_until="load")
            page.wait_for_selector("#connection[data-connection='live']")
            event_round(page, store, 0)  # warm-up: the hub's first batch, the page's first draw
            events = [event_round(page, store, number) for number in range(1, args.rounds + 1)]
            if args.screenshots:
                page.screenshot(path=str(args.screenshots / "console-board.png"))
            browser.close()
        store.close()
    print(f"\nconsole in Chromium, {args.captures:,} captures / {args.signatures:,} signatures in SQLite")
    print(f"{'queue first page (first load, cold)':44} {cold:7.1f} ms")
    print(line("queue first page usable (loaded, rows drawn)", queue, QUEUE_TARGET_MS))
    print(line("WebSocket event on the board after emit", events, EVENT_TARGET_MS))


if __name__ == "__main__":
    main()

"""Load test of the reviewer API with Locust: RPS, p50 / p95 / p99 per endpoint and 5xx at 1, 8 and 32 users.

    python3 -m uv run python benchmarks/load.py [--captures 100000] [--signatures 3000] [--users 1,8,32]
        [--duration 30] [--think 0,0] [--store-file seeded.db] [--api-source DIR]

Seeds a SQLite store directly through `Store` (benchmarks/api.py's seeding: captures over a week grouped into
signatures with a long tail), starts the API process exactly as `evalforge up` starts it (`cli.up.api_command`:
same uvicorn options, same worker setting) on a free 127.0.0.1 port, and runs Locust headless as a
subprocess for each user count (gevent stays in Locust's own process). Only the API is started, not Dagster
and the demo app: on a 2-core machine their polling and traffic would be measured as API latency, and none
of the reviewer endpoints calls them (an export request only records a request for the export sensor).

`--store-file` keeps the seeded database (seeding 100k captures takes about a minute) and reuses it on the
next run: each run works on a copy, since triage and exports write. `--api-source DIR` serves the API from
another checkout (e.g. `git archive` of an older commit) to measure before/after pairs back to back.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from benchmarks.api import END, free_port, seed  # after the path above
from benchmarks.load_plan import ALL_ENDPOINTS, LIST_ENDPOINTS, PLAN_ENV, WAIT_ENV, LoadPlan
from evalforge_assets.cli.api_metrics import api_environment as metrics_environment
from evalforge_assets.cli.up import api_command, default_api_workers
from evalforge_assets.models import iso
from evalforge_assets.store import CaptureFilter, open_store

API_KEY = "load-test-lead-key"
HOST = "127.0.0.1"  # loopback only: the load never leaves this machine
LOCUSTFILE = REPO / "benchmarks" / "locustfile.py"
TARGET_P99_MS = 100.0
START_TIMEOUT_SECONDS = 60.0
STOP_TIMEOUT_SECONDS = 15.0
PLAN_CAPTURE_IDS = 20_000
EXPORTABLE_IDS = 500


# ---- the store and the plan ----------------------------------------------------------------------------------
def seed_store(path: Path, captures: int, signatures: int) -> None:
    store = open_store(f"sqlite:///{path}")
    try:
        started = time.perf_counter()
        seed(store, captures, signatures)
        print(f"seeded {captures:,} captures and {signatures:,} signatures in {time.perf_counter() - started:.1f} s")
    finally:
        store.close()


def write_plan(store_path: Path, plan_path: Path) -> LoadPlan:
    """Ids the users pick from, read back from the store (so a reused or foreign store works too)."""
    store = open_store(f"sqlite:///{store_path}")
    try:
        capture_ids = [c["capture_id"] for _, c in zip(range(PLAN_CAPTURE_IDS), store.iter_capture_documents())]
        signature_ids = [s.signature_id for s in store.iter_signatures()]
        # Exports of captures nobody ignored; the newest `new` ones are enough for a few hundred exports.
        exportable = [c.capture_id for c in store.list_captures(CaptureFilter(status=("new",)),
                                                                limit=EXPORTABLE_IDS).items]
    finally:
        store.close()
    if not capture_ids or not signature_ids or not exportable:
        raise SystemExit(f"The store {store_path} holds no captures, signatures or new captures to load-test; "
                         "remove it and let this script seed it.")
    plan = LoadPlan(api_key=API_KEY, capture_ids=capture_ids, signature_ids=signature_ids,
                    exportable_capture_ids=exportable, window_from=iso(END - timedelta(hours=24)))
    plan_path.write_text(plan.model_dump_json())
    return plan


# ---- the API process -----------------------------------------------------------------------------------------
def api_environment(store_path: Path, home: Path, source: Path) -> dict[str, str]:
    env = {**os.environ, "EVALFORGE_STORE": f"sqlite:///{store_path}", "EVALFORGE_HOME": str(home),
           "EVALFORGE_API_KEYS": f"{API_KEY}=lead",
           # The limit is per key and every simulated reviewer shares one key: lift it, this measures capacity.
           "EVALFORGE_RATE_LIMIT_PER_MINUTE": "100000000",
           "EVALFORGE_DAGSTER_URL": f"http://{HOST}:{free_port()}", "EVALFORGE_LOG_LEVEL": "WARNING",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(source), os.environ.get("PYTHONPATH")]))}
    env.pop("DD_API_KEY", None)  # /health must not call Datadog from a benchmark
    return env


@contextmanager
def api_server(env: dict[str, str], source: Path, log_path: Path, workers: int) -> Iterator[str]:
    """The API as `evalforge up` runs it, on a free loopback port; yields its URL, stops it by its PID."""
    with api_process(env, source, log_path, workers) as (base, _pid):
        yield base


@contextmanager
def api_process(env: dict[str, str], source: Path, log_path: Path, workers: int) -> Iterator[tuple[str, int]]:
    """`api_server`, yielding the supervisor's PID too (its CPU and its workers' is measured per level)."""
    port = free_port()
    with log_path.open("wb") as log:
        # The same environment `evalforge up` gives the API: several workers share one /metrics directory.
        env = metrics_environment(env, Path(env["EVALFORGE_HOME"]), port, workers)
        process = subprocess.Popen(api_command(HOST, port, workers), cwd=source, env=env, stdout=log,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not _answers(base):
            if process.poll() is not None:
                raise SystemExit(f"The API exited with code {process.returncode}:\n{log_path.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise SystemExit(f"The API did not answer within {START_TIMEOUT_SECONDS:.0f} s:\n"
                                 f"{log_path.read_text()[-3000:]}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        stop_group(process)


def _answers(base: str) -> bool:
    try:
        return httpx.get(f"{base}/health", timeout=2.0).status_code == 200
    except httpx.HTTPError:
        return False  # not listening yet


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process's own group (uvicorn workers included), SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_SECONDS)


# ---- Locust --------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class EndpointFigures:
    name: str
    requests: int
    failures: int
    rps: float
    p50: float
    p95: float
    p99: float


@dataclass(frozen=True)
class LevelResult:
    users: int
    endpoints: list[EndpointFigures]
    total: EndpointFigures
    server_errors: int
    failures: dict[str, int]
    api_cpu_seconds: float = float("nan")  # user + system CPU of the API's processes during the level
    client_cpu_seconds: float = float("nan")  # the same of Locust, which shares the machine's cores


# ---- the API's CPU -------------------------------------------------------------------------------------------
# Latency and throughput on a shared 2-core machine move with whatever else runs; the API's own CPU per request
# moves far less, so it is printed beside them to tell a cheaper request from a quieter machine.
def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None  # exited, or no /proc on this system
    return text[text.rindex(")") + 2:].split()  # after "pid (comm) ": state, ppid, ...


def process_tree_cpu_seconds(root: int) -> float:
    """User + system CPU seconds of `root` and its descendants (the uvicorn supervisor and its workers)."""
    parents: dict[int, int] = {}
    cpu: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is not None:
            parents[int(entry.name)] = int(fields[1])
            cpu[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    members = {root}
    grew = True
    while grew:
        grown = {pid for pid, parent in parents.items() if parent in members}
        grew = not grown <= members
        members |= grown
    return sum(cpu.get(pid, 0.0) for pid in members)


def locust_command(base: str, users: int, seconds: float, csv_prefix: Path) -> list[str]:
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users), "-r",
            str(users), "-t", f"{seconds:g}s", "--host", base, "--csv", str(csv_prefix), "--only-summary",
            "--stop-timeout", "5", "--loglevel", "WARNING"]


def run_locust(base: str, users: int, seconds: float, csv_prefix: Path, plan_path: Path,
               think: str, log_path: Path, api_pid: int | None = None) -> LevelResult:
    env = {**os.environ, PLAN_ENV: str(plan_path), WAIT_ENV: think}
    cpu_before = process_tree_cpu_seconds(api_pid) if api_pid is not None else float("nan")
    client_before = _reaped_children_cpu_seconds()
    with log_path.open("wb") as log:
        process = subprocess.Popen(locust_command(base, users, seconds, csv_prefix), cwd=REPO, env=env,
                                   stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        try:
            # Locust exits 1 when any request failed; the figures say which, so only a missing CSV is fatal.
            process.wait(timeout=seconds + 60)
        except subprocess.TimeoutExpired:
            stop_group(process)
            raise SystemExit(f"Locust did not stop within {seconds + 60:.0f} s; see {log_path}.") from None
    result = dataclasses.replace(read_results(users, csv_prefix, log_path),
                                 client_cpu_seconds=_reaped_children_cpu_seconds() - client_before)
    if api_pid is None:
        return result
    return dataclasses.replace(result, api_cpu_seconds=process_tree_cpu_seconds(api_pid) - cpu_before)


def _reaped_children_cpu_seconds() -> float:
    """User + system CPU of this process's children that have ended: around one Locust run (the API is still
    running, so not yet counted), Locust's own."""
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def read_results(users: int, csv_prefix: Path, log_path: Path) -> LevelResult:
    stats_path = Path(f"{csv_prefix}_stats.csv")
    if not stats_path.exists():
        raise SystemExit(f"Locust wrote no {stats_path.name}; its output:\n{log_path.read_text()[-3000:]}")
    endpoints: list[EndpointFigures] = []
    total: EndpointFigures | None = None
    with stats_path.open() as handle:
        for row in csv.DictReader(handle):
            figures = EndpointFigures(
                name=f"{row['Type']} {row['Name']}".strip() if row["Name"] != "Aggregated" else "all",
                requests=int(row["Request Count"]), failures=int(row["Failure Count"]),
                rps=float(row["Requests/s"]), p50=_ms(row["50%"]), p95=_ms(row["95%"]), p99=_ms(row["99%"]))
            if row["Name"] == "Aggregated":
                total = figures
            else:
                endpoints.append(figures)
    failures: dict[str, int] = {}
    server_errors = 0
    failures_path = Path(f"{csv_prefix}_failures.csv")
    if failures_path.exists():
        with failures_path.open() as handle:
            for row in csv.DictReader(handle):
                count = int(row["Occurrences"])
                failures[f"{row['Method']} {row['Name']}: {row['Error'][:120]}"] = count
                # The locustfile reports a failed answer as "<status>: <body>"; connection errors have no status.
                if row["Error"][:1] == "5" or "CatchResponseError('5" in row["Error"]:
                    server_errors += count
    if total is None:
        raise SystemExit(f"{stats_path} has no Aggregated row; Locust's output:\n{log_path.read_text()[-3000:]}")
    return LevelResult(users, endpoints, total, server_errors, failures)


def _ms(value: str) -> float:
    return float(value) if value not in ("", "N/A") else float("nan")


def endpoint_label(name: str) -> str:
    # Locust's CSV Type column is the HTTP method, which the request names already start with.
    method, _, rest = name.partition(" ")
    return rest if rest.split(" ", 1)[0] == method else name


def report(results: list[LevelResult]) -> None:
    for result in results:
        cpu_ms = 1000 * result.api_cpu_seconds / max(1, result.total.requests)
        client_ms = 1000 * result.client_cpu_seconds / max(1, result.total.requests)
        print(f"\n{result.users} user(s): {result.total.rps:.1f} req/s, {result.total.requests:,} requests, "
              f"{result.total.failures} failed, {result.server_errors} 5xx; CPU per request: API {cpu_ms:.2f} ms, "
              f"Locust {client_ms:.2f} ms")
        print(f"{'endpoint':34} {'n':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
        by_name = {endpoint_label(e.name): e for e in result.endpoints}
        for name in ALL_ENDPOINTS:
            figures = by_name.get(name)
            if figures is None:
                print(f"{name:34} {'not hit':>6}")
                continue
            flag = ""
            if name in LIST_ENDPOINTS:
                flag = "  list" if figures.p99 < TARGET_P99_MS else "  list, over target"
            print(f"{name:34} {figures.requests:6d} {figures.rps:7.1f} {figures.p50:7.0f} {figures.p95:7.0f} "
                  f"{figures.p99:7.0f}{flag}")
        for failure, count in result.failures.items():
            print(f"  failed x{count}: {failure}")
    verdicts = []
    for result in results:
        slow = [endpoint_label(e.name) for e in result.endpoints if endpoint_label(e.name) in LIST_ENDPOINTS and e.p99 >= TARGET_P99_MS]
        verdicts.append(f"{result.users} users: {'p99 met' if not slow else 'p99 over on ' + ', '.join(slow)}, "
                        f"{result.server_errors} 5xx")
    print("\ntarget (list p99 < 100 ms, 0 5xx): " + "; ".join(verdicts))
    rates = [f"{r.users}: {r.total.rps:.1f}" for r in results]
    print("throughput by users (req/s): " + ", ".join(rates))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--captures", type=int, default=100_000)
    parser.add_argument("--signatures", type=int, default=3_000)
    parser.add_argument("--users", default="1,8,32", help="Comma-separated user counts, one Locust run each.")
    parser.add_argument("--duration", type=float, default=30.0, help="Seconds per user count.")
    parser.add_argument("--think", default="0,0", help="Think time between a user's requests, 'min,max' s.")
    parser.add_argument("--store-file", type=Path, help="Seeded database to reuse (seeded here if missing).")
    parser.add_argument("--api-source", type=Path, default=REPO, help="Checkout the API process runs from.")
    parser.add_argument("--api-workers", type=int, default=default_api_workers(),
                        help="uvicorn workers (default: as evalforge up starts them on this machine).")
    args = parser.parse_args()
    levels = [int(part) for part in args.users.split(",")]
    if any(users < 1 or users > 64 for users in levels) or args.duration <= 0 or args.duration > 120:
        raise SystemExit("Keep the load bounded: 1 to 64 users and at most 120 s per level.")
    with tempfile.TemporaryDirectory(prefix="evalforge-load-") as directory:
        workdir = Path(directory)
        seeded = args.store_file or workdir / "seeded.db"
        if not seeded.exists():
            seed_store(seeded, args.captures, args.signatures)
        store_path = workdir / "load.db"
        shutil.copyfile(seeded, store_path)  # triage and exports write; the seeded file stays as seeded
        plan_path = workdir / "plan.json"
        write_plan(store_path, plan_path)
        source = args.api_source.resolve()
        env = api_environment(store_path, workdir, source)
        print(f"API: {' '.join(api_command(HOST, 0, args.api_workers)[1:])} (from {source})")
        results = []
        with api_process(env, source, workdir / "api.log", args.api_workers) as (base, api_pid):
            for users in levels:
                results.append(run_locust(base, users, args.duration, workdir / f"u{users}", plan_path,
                                          args.think, workdir / f"locust-u{users}.log", api_pid))
        report(results)


if __name__ == "__main__":
    main()

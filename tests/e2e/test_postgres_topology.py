"""The production Dagster topology, run for real: the instance of deploy/dagster.yaml on PostgreSQL (Debian's
server, started by a session fixture) with the queued run coordinator, a separate gRPC code server started with
the image's own command (deploy/Dockerfile), and `dagster-daemon run` as a real process.

Kubernetes and GCS cannot run here, so two parts of deploy/dagster.yaml are swapped and nothing else: the
K8sRunLauncher becomes the DefaultRunLauncher (each run is a subprocess of the code server instead of a Job), and
the GCS compute log manager becomes a local one. Storage, run coordinator, run monitoring and the environment
variables they read are the deployed ones.

One test walks the life of the instance, because each step needs the state the one before left:
1. a capture partition launched with `dagster job launch` waits QUEUED, is dequeued by the daemon and
   materializes; both sensors tick;
2. the daemon is stopped (SIGTERM by PID) and runs are queued while it is down: they stay QUEUED;
3. a new daemon starts: the queued runs complete, and the capture schedule's tick that fell while the daemon
   was down is evaluated on restart and requests exactly the hours in its lookback not yet captured.
Timings (queue-to-start latency, recovery after the restart) are printed for docs/operations.md, not asserted.

The API side of the topology: two real uvicorn processes over one SQLite store share one rate limit (the last
test). The race guarantees of two such processes are tests/integration/test_incident_races.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg
import httpx
import pytest
import yaml
from dagster._core.errors import DagsterUserCodeUnreachableError
from dagster._core.scheduler.instigation import InstigatorType, ScheduleInstigatorData, TickStatus
from dagster._core.storage.tags import SCHEDULED_EXECUTION_TIME_TAG
from dagster._grpc.client import DagsterGrpcClient

from evalforge_assets.hours import HOUR_FORMAT, closed_hours, hour_key
from tests.e2e.stack import (
    ProcessId,
    alive,
    command_line,
    kill_survivors,
    process_tree,
    wait_until,
)
from tests.fixtures.postgres import PostgresServer
from tests.fixtures.processes import free_port
from tests.integration.test_incident_races import api_process

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
DEPLOY_INSTANCE = REPO / "deploy" / "dagster.yaml"
BIN = Path(sys.executable).parent  # the dagster and dagster-daemon commands of this environment
LOOKBACK_HOURS = 2
SENSORS = ("service_health_sensor", "export_request_sensor")  # the ones the issue names; none may fail
SCHEDULE = "hourly_capture_schedule"
STOP_TIMEOUT_SECONDS = 30.0
RUN_TIMEOUT_SECONDS = 420.0  # runs start their own interpreter: minutes when the machine is busy


def instance_config(base_dir: Path) -> dict:
    """deploy/dagster.yaml with the two parts that need Kubernetes and GCS swapped for local ones."""
    config = yaml.safe_load(DEPLOY_INSTANCE.read_text())
    assert config["run_coordinator"]["class"] == "QueuedRunCoordinator", "the deployed instance queues its runs"
    assert set(config["storage"]) == {"postgres"}, "the deployed instance keeps everything in PostgreSQL"
    config["run_launcher"] = {"module": "dagster.core.launcher", "class": "DefaultRunLauncher"}
    config["compute_logs"] = {"module": "dagster.core.storage.local_compute_log_manager",
                              "class": "LocalComputeLogManager", "config": {"base_dir": str(base_dir / "logs")}}
    return config


@dataclass
class Process:
    """A process this test started (in its own session) and everything it starts in turn."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    seen: set[ProcessId]

    def log_tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])

    def remember_children(self) -> None:
        self.seen |= process_tree(self.popen.pid)

    def stop(self) -> float:
        """SIGTERM by PID, as Kubernetes stops a pod; returns the seconds it took to exit. Fails the test when it
        must be killed, or when a child it started outlives it."""
        self.remember_children()
        started = time.monotonic()
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
                kill_survivors(self.seen)
                raise AssertionError(f"{self.name} did not exit within {STOP_TIMEOUT_SECONDS:.0f} s of SIGTERM:\n"
                                     f"{self.log_tail()}") from None
        took = time.monotonic() - started
        try:
            wait_until(lambda: not alive(self.seen), 10, f"the children of {self.name} to exit", interval=0.2)
        except TimeoutError:
            left = [command_line(pid) for pid, _ in alive(self.seen)]
            kill_survivors(self.seen)
            raise AssertionError(f"{self.name} left processes behind after SIGTERM: {left}") from None
        return took


@dataclass
class Topology:
    """The environment every Dagster process of the test shares, and the processes started so far."""

    home: Path
    env: dict[str, str]
    code_server_port: int
    started: list[Process]

    def spawn(self, name: str, argv: list[str]) -> Process:
        log_path = self.home / f"{name}.log"
        with log_path.open("ab") as log:
            # cwd is the test's folder, so no developer .env file is read by the settings.
            popen = subprocess.Popen(argv, env=self.env, cwd=self.home, stdout=log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        process = Process(name, popen, log_path, set())
        self.started.append(process)
        return process

    def grpc_args(self) -> list[str]:
        return ["--grpc-host", "127.0.0.1", "--grpc-port", str(self.code_server_port)]

    def start_daemon(self, name: str) -> Process:
        return self.spawn(name, [str(BIN / "dagster-daemon"), "run", *self.grpc_args(), "--log-level", "info"])

    def launch(self, *partitions: str) -> list[str]:
        """`dagster job launch` of capture_job, one hour per run, all at once; returns the run ids once every run
        is submitted."""
        launches = []
        for partition in partitions:
            run_id = str(uuid.uuid4())
            argv = [str(BIN / "dagster"), "job", "launch", *self.grpc_args(), "-j", "capture_job", "--run-id",
                    run_id, "--tags", json.dumps({"dagster/partition": partition})]
            launches.append((run_id, subprocess.Popen(argv, env=self.env, cwd=self.home, stdout=subprocess.PIPE,
                                                      stderr=subprocess.STDOUT)))
        for run_id, launch in launches:
            output, _ = launch.communicate(timeout=180)
            assert launch.returncode == 0, f"dagster job launch of run {run_id} failed:\n{output.decode()}"
        return [run_id for run_id, _ in launches]

    def stop_all(self) -> None:
        """Teardown: stop whatever is still running, by PID, without judging it (the test did that)."""
        for process in reversed(self.started):
            process.remember_children()
            if process.popen.poll() is None:
                process.popen.send_signal(signal.SIGTERM)
                try:
                    process.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
                except subprocess.TimeoutExpired:
                    process.popen.kill()
                    process.popen.wait(timeout=STOP_TIMEOUT_SECONDS)
        for process in self.started:
            kill_survivors(process.seen)


@pytest.fixture
def topology(tmp_path: Path, postgres_server: PostgresServer,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[Topology]:
    database = postgres_server.create_database(f"dagster_{tmp_path.name.replace('-', '_').lower()}")
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    (dagster_home / "dagster.yaml").write_text(yaml.safe_dump(instance_config(tmp_path)))
    now = datetime.now(UTC)
    # The same names the Helm chart's instance and deploy/k8s read (see deploy/k8s/api.yaml's ConfigMap).
    instance_env = {"DAGSTER_HOME": str(dagster_home), "DAGSTER_PG_HOST": postgres_server.host,
                    "DAGSTER_PG_PORT": str(postgres_server.port), "DAGSTER_PG_USER": postgres_server.user,
                    "DAGSTER_PG_PASSWORD": postgres_server.password, "DAGSTER_PG_DB": database}
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EVALFORGE_", "DAGSTER_", "DD_", "MINIMAX_", "DEMO_APP_", "TRACE_", "OTEL_"))}
    env.update(instance_env)
    env.update({"EVALFORGE_HOME": str(tmp_path / "evalforge"), "EVALFORGE_STORE": f"sqlite:///{tmp_path / 'ef.db'}",
                "EVALFORGE_SPAN_SOURCE": "sample", "EVALFORGE_SAMPLE_SPANS_PER_HOUR": "40",
                "EVALFORGE_PARTITION_START": hour_key(now - timedelta(hours=8)),
                "TRACE_LOOKBACK_HOURS": str(LOOKBACK_HOURS), "EVALFORGE_INGEST_LAG_MINUTES": "0",
                "EVALFORGE_LOG_LEVEL": "WARNING", "PYTHONUNBUFFERED": "1",
                # Nothing listens there: the health sensor reports it cannot read metrics and still ticks.
                "DEMO_APP_URL": f"http://127.0.0.1:{free_port()}"})
    for key, value in instance_env.items():
        monkeypatch.setenv(key, value)  # so this process can open the same instance to look at it
    topology = Topology(tmp_path, env, free_port(), [])
    try:
        yield topology
    finally:
        topology.stop_all()


def code_server_answers(port: int) -> bool:
    try:
        DagsterGrpcClient(port=port, host="127.0.0.1").ping("ready?")
    except DagsterUserCodeUnreachableError:
        return False  # still loading the definitions
    return True


def _runs(instance: dg.DagsterInstance, run_ids: list[str]) -> list[dg.DagsterRun]:
    return [instance.get_run_by_id(run_id) for run_id in run_ids]


def wait_for_success(instance: dg.DagsterInstance, run_ids: list[str], logs: list[Process]) -> None:
    final = {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED}
    try:
        wait_until(lambda: all(run.status in final for run in _runs(instance, run_ids)), RUN_TIMEOUT_SECONDS,
                   f"runs {run_ids} to finish")
    except TimeoutError as exc:
        states = {run.run_id: run.status.value for run in _runs(instance, run_ids)}
        raise AssertionError(f"{exc}; states {states}\n" + "\n".join(f"--- {p.name}\n{p.log_tail()}"
                                                                     for p in logs)) from None
    failed = [run.run_id for run in _runs(instance, run_ids) if run.status != dg.DagsterRunStatus.SUCCESS]
    assert not failed, f"runs failed: {failed}\n" + "\n".join(
        failure_text(event.dagster_event) for run_id in failed for event in instance.all_logs(run_id)
        if event.dagster_event is not None and event.dagster_event.is_failure)


def failure_text(event: dg.DagsterEvent) -> str:
    error = getattr(event.event_specific_data, "error", None)
    return f"{event.message}\n{error.to_string() if error is not None else ''}"


def queue_to_start_seconds(instance: dg.DagsterInstance, run_id: str) -> float:
    record = instance.get_run_record_by_id(run_id)
    assert record is not None and record.start_time is not None, f"run {run_id} never started"
    return record.start_time - record.create_timestamp.timestamp()


def materialized(instance: dg.DagsterInstance) -> set[str]:
    return set(instance.get_materialized_partitions(dg.AssetKey("failure_captures")))


def sensor_ticks(instance: dg.DagsterInstance) -> dict[str, list[TickStatus]]:
    ticks: dict[str, list[TickStatus]] = {}
    for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR):
        found = instance.get_ticks(state.instigator_origin_id, state.selector_id, limit=20)
        ticks[state.instigator_name] = [tick.status for tick in found]
    return ticks


def rewind_schedule(instance: dg.DagsterInstance, seconds: float) -> datetime:
    """Make the stored schedule state say the schedule has been running since `seconds` ago and was last
    evaluated then: exactly what a daemon that died before the latest tick leaves behind. Returns that tick."""
    [state] = [s for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
               if s.instigator_name == SCHEDULE]
    since = time.time() - seconds
    instance.update_instigator_state(state.with_data(
        ScheduleInstigatorData(state.instigator_data.cron_schedule, start_timestamp=since,
                               last_iteration_timestamp=since)))
    return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)  # the lag is 0: ticks fall on the hour


def schedule_runs(instance: dg.DagsterInstance) -> list[dg.DagsterRun]:
    return list(instance.get_runs(filters=dg.RunsFilter(tags={"dagster/schedule_name": SCHEDULE})))


# Several Dagster processes on a machine other tests share: minutes, not seconds, when it is busy.
@pytest.mark.timeout(900)
def test_the_deployed_instance_on_postgres_queues_runs_ticks_catches_up_and_survives_a_daemon_restart(
        topology: Topology) -> None:
    code_server = topology.spawn("code-server", [
        str(BIN / "dagster"), "api", "grpc", "--module-name", "evalforge_assets.definitions",
        "--host", "127.0.0.1", "--port", str(topology.code_server_port)])
    wait_until(lambda: code_server_answers(topology.code_server_port) or code_server.popen.poll() is not None,
               90, "the code server to answer", interval=0.2)
    assert code_server.popen.poll() is None, f"the code server exited:\n{code_server.log_tail()}"
    instance = dg.DagsterInstance.get()
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"

    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    in_lookback = closed_hours(hour, timedelta(0), LOOKBACK_HOURS)
    older = [(hour - timedelta(hours=n)).strftime(HOUR_FORMAT) for n in (LOOKBACK_HOURS + 1, LOOKBACK_HOURS + 2)]

    # 1. Launched through the queue: QUEUED until the daemon dequeues it, then it materializes its hour.
    [first] = topology.launch(in_lookback[-1])
    assert instance.get_run_by_id(first).status == dg.DagsterRunStatus.QUEUED
    daemon = topology.start_daemon("daemon-1")
    daemon_started = time.monotonic()
    wait_for_success(instance, [first], [daemon, code_server])
    wait_until(lambda: all(sensor_ticks(instance).get(name) for name in SENSORS), 60, "both sensors to tick")
    ticks = sensor_ticks(instance)
    assert all(TickStatus.FAILURE not in statuses for statuses in ticks.values()), ticks
    assert in_lookback[-1] in materialized(instance)
    wait_until(lambda: any(s.instigator_name == SCHEDULE
                           for s in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)),
               30, "the daemon to record the capture schedule's state")
    first_latency = queue_to_start_seconds(instance, first)
    print(f"\n[topology] daemon start to first run done {time.monotonic() - daemon_started:.1f} s; "
          f"queue-to-start (daemon cold) {first_latency:.1f} s; sensor ticks "
          f"{ {name: len(statuses) for name, statuses in ticks.items()} }")

    # 2. The daemon goes away (SIGTERM by PID); runs submitted meanwhile wait in the queue, none is lost.
    took = daemon.stop()
    queued = topology.launch(*older)
    time.sleep(3)  # three dequeue intervals: long enough for a running daemon to have started them
    assert [run.status for run in _runs(instance, queued)] == [dg.DagsterRunStatus.QUEUED] * len(queued)
    tick_hour = rewind_schedule(instance, seconds=(datetime.now(UTC) - hour).total_seconds() + 120)

    # 3. A new daemon: the queued runs complete, and the tick missed while it was down is evaluated.
    restarted_at = time.monotonic()
    daemon = topology.start_daemon("daemon-2")
    wait_until(lambda: schedule_runs(instance), 60, "the missed schedule tick to request its runs")
    by_schedule = schedule_runs(instance)
    wait_for_success(instance, queued, [daemon, code_server])
    recovered = time.monotonic() - restarted_at
    wait_for_success(instance, [run.run_id for run in by_schedule], [daemon, code_server])
    caught_up = time.monotonic() - restarted_at
    latencies = [queue_to_start_seconds(instance, run.run_id) for run in by_schedule]

    wanted = closed_hours(tick_hour, timedelta(0), LOOKBACK_HOURS)
    requested = sorted(run.tags["dagster/partition"] for run in by_schedule
                       if run.tags[SCHEDULED_EXECUTION_TIME_TAG].startswith(tick_hour.isoformat()[:19]))
    assert requested == [key for key in wanted if key != in_lookback[-1]], (requested, wanted)
    assert set(wanted) | set(older) <= materialized(instance)
    print(f"[topology] daemon SIGTERM to exit {took:.1f} s; restart to the queued runs done {recovered:.1f} s, "
          f"to the caught-up hour done {caught_up:.1f} s; queue-to-start of the schedule's runs "
          f"{', '.join(f'{s:.1f}' for s in latencies)} s")


RATE_LIMIT = 12  # a limit under 50 a minute reserves one request at a time, so the shared count is exact


def test_two_api_processes_on_one_store_refuse_at_the_shared_limit_not_at_twice_it(tmp_path: Path) -> None:
    """2x the limit spread evenly over two replicas: each alone would admit all of its share plus more; together
    they admit exactly the key's limit, then answer 429 with Retry-After on both."""
    seconds_into_minute = time.time() % 60
    if seconds_into_minute > 45:  # fixed one-minute windows: do not let the window turn mid-test
        time.sleep(61 - seconds_into_minute)
    env = {"EVALFORGE_API_KEYS": "replica-test-key=viewer", "EVALFORGE_RATE_LIMIT_PER_MINUTE": str(RATE_LIMIT)}
    store_url = f"sqlite:///{tmp_path / 'evalforge.db'}"
    headers = {"Authorization": "Bearer replica-test-key"}
    with api_process(tmp_path, store_url, env, "api-1") as first, api_process(tmp_path, store_url, env, "api-2") as second:
        answers = [httpx.get(f"{api.url}/v1/captures", headers=headers, timeout=30.0)
                   for _ in range(RATE_LIMIT) for api in (first, second)]
    codes = [answer.status_code for answer in answers]
    assert codes == [200] * RATE_LIMIT + [429] * RATE_LIMIT, codes
    refused = answers[RATE_LIMIT:]
    assert {answer.request.url.port for answer in refused} == {httpx.URL(first.url).port, httpx.URL(second.url).port}
    assert all(0 < int(answer.headers["Retry-After"]) <= 60 for answer in refused)
    assert f"{RATE_LIMIT} requests per minute" in refused[0].json()["detail"]

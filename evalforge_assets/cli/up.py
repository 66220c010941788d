"""`evalforge up`: Dagster (webserver + daemon) on :3000 and the API on :8000, on the embedded defaults."""

from __future__ import annotations

import os
import sys

import click

from evalforge_assets import parts
from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.cli.api_metrics import api_environment
from evalforge_assets.cli.bootstrap import BOOTSTRAP_ASSETS, BOOTSTRAP_TAG, bootstrap_partitions
from evalforge_assets.cli.ports import ports_in_use, shared_ports
from evalforge_assets.cli.sensor_ready import sensor_has_ticked
from evalforge_assets.cli.supervisor import ManagedProcess, Supervisor
from evalforge_assets.runtime import child_environment, prepare_dagster_home
from evalforge_assets.settings import Settings

__all__ = ["BOOTSTRAP_ASSETS", "api_command", "bootstrap_partitions", "shared_socket_command", "up"]

# uvicorn waits this long for open connections (WebSocket clients, keep-alives) before closing them on a stop.
GRACEFUL_SHUTDOWN_SECONDS = 1
HEALTH_SENSOR = "service_health_sensor"
SENSOR_READY_TIMEOUT_SECONDS = 60.0


def _nothing_captured_yet(settings: Settings) -> bool:
    """A fresh data directory (or store). Asked of the store rather than of Dagster's run history: importing
    Dagster here would add seconds to this process's start and to its exit after every stop."""
    store = parts.store(settings)
    try:
        return store.count_captures() == 0
    finally:
        store.close()


def _uvicorn(app: str, host: str, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", app, "--host", host, "--port", str(port), "--no-access-log",
            "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)]


def default_api_workers() -> int:
    """One uvicorn worker process per core, up to 4. A single process serves Python on one core at a time (the
    GIL), so on 2 cores a second worker roughly doubles what the API can answer under concurrent reviewers (see
    docs/operations.md, "Load"). The workers share the store like any two processes do."""
    return max(1, min(4, os.cpu_count() or 1))


def api_command(host: str, port: int, workers: int = 1) -> list[str]:
    """The API server exactly as `evalforge up` runs it (benchmarks/load.py starts this same command).

    Several workers on Linux get a listening socket each (evalforge_api.workers), so that kept-open connections
    spread over them; elsewhere uvicorn's own workers share one socket."""
    from evalforge_api.workers import reuse_port_spreads_connections  # here: it imports uvicorn (0.15 s)

    if workers > 1 and reuse_port_spreads_connections():
        return [sys.executable, "-m", "evalforge_api.workers", "--host", host, "--port", str(port),
                "--workers", str(workers), "--timeout-graceful-shutdown", str(GRACEFUL_SHUTDOWN_SECONDS)]
    return shared_socket_command(host, port, workers)


def shared_socket_command(host: str, port: int, workers: int = 1) -> list[str]:
    """The API as uvicorn runs it, its workers sharing one listening socket: `api_command` off Linux or with one
    worker (benchmarks/worker_spread.py measures it against a socket per worker)."""
    command = _uvicorn("evalforge_api.main:app", host, port)
    return command + ["--workers", str(workers)] if workers > 1 else command


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the servers listen on.")
@click.option("--dagster-port", default=3000, show_default=True)
@click.option("--api-port", default=8000, show_default=True)
@click.option("--demo-port", default=8001, show_default=True)
@click.option("--api-workers", type=click.IntRange(1, 32), default=default_api_workers, show_default="cores, up to 4",
              help="uvicorn worker processes serving the API.")
@click.option("--bootstrap/--no-bootstrap", default=True, show_default=True,
              help="While the store holds no captures, capture the span source's recent hours at once.")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Also run the demo app and a light traffic generator (the service under watch).")
def up(host: str, dagster_port: int, api_port: int, demo_port: int, api_workers: int, bootstrap: bool,
       demo: bool) -> None:
    """Start Dagster and the API; Ctrl-C or SIGTERM stops everything it started."""
    ports = {"the Dagster UI": (dagster_port, "--dagster-port"), "the API": (api_port, "--api-port")}
    if demo:
        ports["the demo app"] = (demo_port, "--demo-port")
    taken = shared_ports(ports) or ports_in_use(host, ports)
    if taken:  # before anything starts, so nothing half-started is left to clean up
        raise click.ClickException("\n".join(taken))
    settings = cli_settings()
    dagster_home = prepare_dagster_home(settings)
    env = child_environment(settings)
    demo_url = f"http://{host}:{demo_port}"
    if demo:
        env["DEMO_APP_URL"] = demo_url
    dagster_url = f"http://{host}:{dagster_port}"
    env["EVALFORGE_DAGSTER_URL"] = dagster_url
    fresh = _nothing_captured_yet(settings)
    dagster = ManagedProcess(
        "dagster",
        [sys.executable, "-m", "dagster", "dev", "-w", str(dagster_home / "workspace.yaml"),
         "-h", host, "-p", str(dagster_port)],
        ready_url=f"{dagster_url}/server_info",
    )
    processes = [
        dagster,
        ManagedProcess("api", api_command(host, api_port, api_workers),
                       ready_url=f"http://{host}:{api_port}/health",
                       # Several workers sum their HTTP metrics through a fresh directory (docs/operations.md).
                       env=api_environment(env, settings.evalforge_home, api_port, api_workers)),
    ]
    if demo:
        processes[:0] = [
            ManagedProcess("demo app", _uvicorn("demo_app.main:app", host, demo_port), ready_url=f"{demo_url}/health"),
            ManagedProcess("traffic", [sys.executable, "-m", "demo_app.traffic", "--url", demo_url,
                                       "--rate", str(settings.traffic_rate_per_second)], ready_url=None),
        ]
    if bootstrap and fresh:
        # Beside the servers, not after them: the sample's signatures are stored while Dagster is still loading.
        instance_ready = dagster_home / ".bootstrap-instance-ready"
        instance_ready.unlink(missing_ok=True)
        loader = ManagedProcess(
            "bootstrap", [sys.executable, "-m", "evalforge_assets.cli", "bootstrap",
                          "--hours", str(settings.bootstrap_hours), "--ready-file", str(instance_ready)],
            ready_url=None, oneshot=True)
        # Dagster's SQLite storage cannot be created by two processes at once: Dagster waits until the
        # bootstrap has opened the instance (or has given up).
        dagster.start_when = lambda: instance_ready.exists() or loader.finished()
        processes.insert(0, loader)
    # The traffic generator's keep-alive connections would hold the demo app's graceful shutdown open.
    supervisor = Supervisor(processes, env, first_to_stop=("traffic", "bootstrap"))
    click.echo(f"evalforge: data in {settings.evalforge_home.resolve()}, store {settings.resolved_store_url}")
    supervisor.start_all()
    click.echo(f"evalforge: Dagster UI  {dagster_url}")
    click.echo(f"evalforge: API         http://{host}:{api_port}  (docs at /docs, live events at /ws)")
    click.echo(f"evalforge: console     http://{host}:{api_port}/  (queue, exports, incidents, health)")
    if demo:
        click.echo(f"evalforge: demo app    {demo_url}  (switch its bug: POST /api/demo/bug on the API)")
    if bootstrap and fresh:
        click.echo(f"evalforge: loading the last {settings.bootstrap_hours} closed hour(s) now; the run is under "
                   f"Runs in the UI (tag {BOOTSTRAP_TAG}).")
    # "Running" means watching: a bug switched on from now on is caught by the sensor's next evaluation.
    if not supervisor.wait_for(lambda: sensor_has_ticked(dagster_url, HEALTH_SENSOR),
                               SENSOR_READY_TIMEOUT_SECONDS):
        click.echo(f"evalforge: {HEALTH_SENSOR} has not been evaluated within {SENSOR_READY_TIMEOUT_SECONDS:.0f} s; "
                   "incidents are detected once the Dagster daemon runs it (see Automation in the UI).", err=True)
    click.echo("evalforge: running; press Ctrl-C to stop.")
    raise SystemExit(supervisor.wait())

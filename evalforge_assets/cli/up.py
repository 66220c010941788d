"""`evalforge up`: Dagster (webserver + daemon) on :3000 and the API on :8000, on the embedded defaults."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta

import click

from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.cli.supervisor import ManagedProcess, Supervisor
from evalforge_assets.hours import closed_hours
from evalforge_assets.orchestration import DagsterClient, DagsterRequestFailed, DagsterUnavailable
from evalforge_assets.runtime import child_environment, prepare_dagster_home

# The capture job's assets; test_definitions_and_schedule checks they exist in the code location.
BOOTSTRAP_ASSETS = ("raw_llm_spans", "failure_captures", "failure_signatures")


def bootstrap_partitions(hours: int, lag_minutes: int, now: datetime | None = None) -> list[str]:
    return closed_hours(now or datetime.now(UTC), timedelta(minutes=lag_minutes), hours)


def _has_any_run(dagster_home: str) -> bool:
    from dagster import DagsterInstance

    with DagsterInstance.from_config(dagster_home) as instance:
        return bool(instance.get_run_records(limit=1))


@main.command()
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface the servers listen on.")
@click.option("--dagster-port", default=3000, show_default=True)
@click.option("--api-port", default=8000, show_default=True)
@click.option("--demo-port", default=8001, show_default=True)
@click.option("--bootstrap/--no-bootstrap", default=True, show_default=True,
              help="On a fresh data directory, backfill the sample's recent hours.")
@click.option("--demo/--no-demo", default=True, show_default=True,
              help="Also run the demo app and a light traffic generator (the service under watch).")
def up(host: str, dagster_port: int, api_port: int, demo_port: int, bootstrap: bool, demo: bool) -> None:
    """Start Dagster and the API; Ctrl-C or SIGTERM stops everything it started."""
    settings = cli_settings()
    dagster_home = prepare_dagster_home(settings)
    env = child_environment(settings)
    demo_url = f"http://{host}:{demo_port}"
    if demo:
        env["DEMO_APP_URL"] = demo_url
    env["EVALFORGE_DAGSTER_URL"] = f"http://{host}:{dagster_port}"
    fresh = not _has_any_run(str(dagster_home))
    processes = [
        ManagedProcess(
            "dagster",
            [sys.executable, "-m", "dagster", "dev", "-w", str(dagster_home / "workspace.yaml"),
             "-h", host, "-p", str(dagster_port)],
            ready_url=f"http://{host}:{dagster_port}/server_info",
        ),
        ManagedProcess(
            "api",
            [sys.executable, "-m", "uvicorn", "evalforge_api.main:app", "--host", host, "--port", str(api_port),
             "--no-access-log"],
            ready_url=f"http://{host}:{api_port}/health",
        ),
    ]
    if demo:
        processes[:0] = [
            ManagedProcess("demo app", [sys.executable, "-m", "uvicorn", "demo_app.main:app", "--host", host,
                                        "--port", str(demo_port), "--no-access-log"],
                           ready_url=f"{demo_url}/health"),
            ManagedProcess("traffic", [sys.executable, "-m", "demo_app.traffic", "--url", demo_url,
                                       "--rate", str(settings.traffic_rate_per_second)], ready_url=None),
        ]
    supervisor = Supervisor(processes, env)
    click.echo(f"evalforge: data in {settings.evalforge_home.resolve()}, store {settings.resolved_store_url}")
    supervisor.start_all()
    click.echo(f"evalforge: Dagster UI  http://{host}:{dagster_port}")
    click.echo(f"evalforge: API         http://{host}:{api_port}  (docs at /docs, live events at /ws)")
    if demo:
        click.echo(f"evalforge: demo app    {demo_url}  (switch its bug: POST /api/demo/bug on the API)")
    if bootstrap and fresh:
        keys = bootstrap_partitions(settings.bootstrap_hours, settings.ingest_lag_minutes)
        try:
            backfill_id = DagsterClient(f"http://{host}:{dagster_port}").launch_backfill(
                BOOTSTRAP_ASSETS, keys, title="evalforge up: load the sample's recent hours"
            )
            click.echo(f"evalforge: backfilling {len(keys)} hour(s) {keys[0]} .. {keys[-1]} "
                       f"(backfill {backfill_id}); watch it under Backfills in the UI.")
        except (DagsterUnavailable, DagsterRequestFailed) as exc:
            click.echo(f"evalforge: could not start the bootstrap backfill: {exc}", err=True)
    click.echo("evalforge: running; press Ctrl-C to stop.")
    raise SystemExit(supervisor.wait())

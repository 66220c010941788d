"""`evalforge bootstrap`: the span source's recent closed hours, captured and grouped right away.

`evalforge up` runs it on a fresh data directory, next to the servers rather than after them: one ranged run of
the capture assets, executed in this process but recorded in the Dagster instance (it shows under Runs, tagged
`evalforge/bootstrap`, and its partitions count as materialized), so the first signatures reach the API seconds
after it answers instead of waiting for the daemon to pick up a backfill, dequeue runs and start run workers.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import click

from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.hours import closed_hours
from evalforge_assets.runtime import prepare_dagster_home

# The capture job's assets; test_definitions_and_schedule checks they exist in the code location.
BOOTSTRAP_ASSETS = ("raw_llm_spans", "failure_captures", "failure_signatures")
BOOTSTRAP_TAG = "evalforge/bootstrap"


def bootstrap_partitions(hours: int, lag_minutes: int, now: datetime | None = None) -> list[str]:
    return closed_hours(now or datetime.now(UTC), timedelta(minutes=lag_minutes), hours)


@main.command()
@store_option
@click.option("--hours", type=click.IntRange(min=1), default=None,
              help="How many recent closed hours to load (default: EVALFORGE_BOOTSTRAP_HOURS).")
@click.option("--ready-file", type=click.Path(path_type=Path), default=None,
              help="Create this file once the Dagster instance is open (its storage schema exists).")
def bootstrap(hours: int | None, ready_file: Path | None) -> None:
    """Capture and group the most recent closed hours now, as one Dagster run shown under Runs."""
    settings = cli_settings()
    dagster_home = prepare_dagster_home(settings)

    # Dagster and the definitions load only here: `evalforge --help` and the other commands stay quick.
    from dagster import AssetKey, DagsterInstance
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from evalforge_assets.definitions import build_definitions
    from evalforge_assets.defs.partitions import hourly_partitions

    existing = set(hourly_partitions(settings).get_partition_keys())
    keys = [key for key in bootstrap_partitions(hours or settings.bootstrap_hours, settings.ingest_lag_minutes)
            if key in existing]
    if not keys:
        raise click.ClickException(
            "None of the recent closed hours is a partition yet: EVALFORGE_PARTITION_START is later than them. "
            "Set it earlier, or run the capture job from the Dagster UI once hours have closed."
        )
    job = build_definitions(settings).resolve_job_def("capture_job")
    click.echo(f"evalforge: capturing {len(keys)} hour(s) {keys[0]} .. {keys[-1]} (a run tagged {BOOTSTRAP_TAG} "
               "in the Dagster UI)")
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        # Dagster's SQLite schedule storage is not safe to create from two processes at once (a second
        # `dagster dev` fails with "table ... already exists"): `evalforge up` starts Dagster after this file.
        if ready_file is not None:
            ready_file.touch()
        result = job.execute_in_process(
            instance=instance,
            asset_selection=[AssetKey(name) for name in BOOTSTRAP_ASSETS],
            tags={ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1],
                  BOOTSTRAP_TAG: "true"},
            # Step-by-step DEBUG events would drown the servers' output in `evalforge up`'s terminal; the UI
            # keeps every event of the run.
            run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            raise_on_error=False,
        )
    if not result.success:
        raise click.ClickException(f"The bootstrap run {result.run_id} failed; open it in the Dagster UI (Runs) "
                                   "for the step that failed and its error.")
    click.echo(f"evalforge: captured and grouped {len(keys)} hour(s) (run {result.run_id})")

"""`evalforge ingest PATH`: the capture assets over a file or folder of Datadog export data, as Dagster runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from evalforge_assets.cli import cli_settings, main, store_option
from evalforge_assets.runtime import prepare_dagster_home


def contiguous_ranges(keys: list[str], all_keys: list[str]) -> list[tuple[str, str]]:
    """Group partition keys into runs of consecutive partitions, one Dagster run each."""
    position = {key: i for i, key in enumerate(all_keys)}
    ranges: list[tuple[str, str]] = []
    for key in sorted(keys, key=position.__getitem__):
        if ranges and position[key] == position[ranges[-1][1]] + 1:
            ranges[-1] = (ranges[-1][0], key)
        else:
            ranges.append((key, key))
    return ranges


def _metadata_value(value: Any) -> Any:
    return getattr(value, "value", value)


@main.command()
@store_option
@click.argument("path", type=click.Path(exists=True, path_type=Path))
def ingest(path: Path) -> None:
    """Ingest a file or folder of Datadog LLM Observability export data (JSONL items or JSON pages)."""
    settings = cli_settings().model_copy(update={"span_source": str(path.resolve())})
    dagster_home = prepare_dagster_home(settings)

    from dagster import DagsterInstance
    from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

    from evalforge_assets import parts
    from evalforge_assets.capture.sources.files import FileSpanSource
    from evalforge_assets.definitions import build_definitions
    from evalforge_assets.defs.partitions import hourly_partitions
    from evalforge_assets.hours import HOUR_FORMAT

    all_keys = hourly_partitions(settings).get_partition_keys()
    if not all_keys:
        raise click.ClickException(
            f"There are no closed hourly partitions yet (EVALFORGE_PARTITION_START is {settings.partition_start}). "
            "Set EVALFORGE_PARTITION_START to an hour that has closed.")
    # The source is built as the runs build it: spans outside the partitions come back as quarantined lines
    # inside hours that exist, so every hour listed here can run and the rest of the file is stored.
    source = parts.span_source(settings)
    if not isinstance(source, FileSpanSource):
        raise click.ClickException(f"{path} was not read as a span file; give a .jsonl or .json file or a folder.")
    known = set(all_keys)
    # An hour can close between listing the partitions and indexing the file; such an hour waits for next time.
    hours = [key for key in (hour.strftime(HOUR_FORMAT) for hour in source.hours()) if key in known]
    if not hours:
        raise click.ClickException(f"No spans found in {path}: expected JSONL of Datadog span items or JSON pages.")
    job = build_definitions(settings).resolve_job_def("capture_job")
    totals: dict[str, int] = {}
    pii: dict[str, int] = {}
    with DagsterInstance.from_config(str(dagster_home)) as instance:
        for start, end in contiguous_ranges(hours, all_keys):
            result = job.execute_in_process(
                instance=instance,
                tags={ASSET_PARTITION_RANGE_START_TAG: start, ASSET_PARTITION_RANGE_END_TAG: end,
                      "evalforge/source": str(path)},
                raise_on_error=False,
            )
            status = "succeeded" if result.success else "FAILED"
            click.echo(f"run {result.run_id} for {start} .. {end}: {status}")
            # A ranged run reports the run's totals on each partition's materialization: read one of them.
            metadata = next((e.event_specific_data.materialization.metadata
                             for e in result.get_asset_materialization_events()
                             if e.event_specific_data.materialization.asset_key.to_user_string()
                             == "failure_captures"), {})
            for name in ("spans", "captured", "inserted", "quarantined", "deduplicated", "skipped_healthy"):
                totals[name] = totals.get(name, 0) + int(_metadata_value(metadata.get(name, 0)))
            for entity, count in _metadata_value(metadata.get("pii_removed", {})).items():
                pii[entity] = pii.get(entity, 0) + count
            if not result.success:
                raise click.ClickException(f"Run {result.run_id} failed; open it in the Dagster UI for details.")
    click.echo(
        f"read {totals.get('spans', 0)} spans in {len(hours)} hour(s): captured {totals.get('captured', 0)} "
        f"({totals.get('inserted', 0)} new), skipped {totals.get('skipped_healthy', 0)} healthy, "
        f"deduplicated {totals.get('deduplicated', 0)}, quarantined {totals.get('quarantined', 0)}"
    )
    click.echo("redacted: " + (", ".join(f"{k} {v}" for k, v in sorted(pii.items())) or "nothing"))

"""Running the real capture job in-process against a chosen store and span source."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from evalforge_assets.definitions import build_definitions
from evalforge_assets.settings import Settings


def capture_settings(home: Path, store_url: str, source: str = "sample", **extra: str) -> Settings:
    return Settings(**{"EVALFORGE_HOME": str(home), "EVALFORGE_STORE": store_url, "EVALFORGE_SPAN_SOURCE": source,
                       "EVALFORGE_SAMPLE_SPANS_PER_HOUR": "120", **extra})


def run_capture(settings: Settings, first: str, last: str | None = None,
                instance: dg.DagsterInstance | None = None) -> dg.ExecuteInProcessResult:
    """Materialize capture_job over [first, last] hourly partitions in one run, as a backfill would."""
    job = build_definitions(settings).resolve_job_def("capture_job")
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(),
        tags={"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last or first},
        raise_on_error=False,
    )


def materialization_metadata(result: dg.ExecuteInProcessResult, asset: str) -> dict:
    """The metadata of the asset's first materialization in the run, as plain values."""
    for event in result.get_asset_materialization_events():
        materialization = event.event_specific_data.materialization
        if materialization.asset_key.to_user_string() == asset:
            return {k: getattr(v, "value", getattr(v, "data", v)) for k, v in materialization.metadata.items()}
    raise AssertionError(f"{asset} was not materialized in run {result.run_id}")


def check_evaluations(result: dg.ExecuteInProcessResult) -> list[dg.AssetCheckEvaluation]:
    return [e.event_specific_data for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]

"""The code location loads, and the hourly schedule requests exactly the closed, uncaptured hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import dagster as dg

from evalforge_assets.cli.up import BOOTSTRAP_ASSETS
from evalforge_assets.defs.capture.schedules import hourly_capture_schedule
from evalforge_assets.hours import closed_hours
from evalforge_assets.settings import get_settings
from tests.integration.dagster_helpers import capture_settings, run_capture


def test_the_code_location_loads_with_every_job_sensor_and_schedule() -> None:
    from evalforge_assets.definitions import defs

    dg.Definitions.validate_loadable(defs)
    assert {j.name for j in defs.resolve_all_job_defs()} >= {"capture_job", "incident_job", "validation_job"}
    assert defs.resolve_schedule_def("hourly_capture_schedule").default_status == dg.DefaultScheduleStatus.RUNNING
    keys = {k.to_user_string() for k in defs.resolve_all_asset_keys()}
    assert set(BOOTSTRAP_ASSETS) <= keys, "evalforge up backfills these on a fresh data directory"
    assert {"raw_llm_spans", "failure_captures", "failure_signatures", "incident_context", "recovery_plan",
            "validation_runs"} <= keys


def test_closed_hours_respect_the_lag() -> None:
    now = datetime(2026, 3, 2, 12, 3, tzinfo=UTC)
    assert closed_hours(now, timedelta(minutes=5), 3) == ["2026-03-02-08:00", "2026-03-02-09:00", "2026-03-02-10:00"]
    assert closed_hours(now + timedelta(minutes=3), timedelta(minutes=5), 1) == ["2026-03-02-11:00"]


def test_schedule_catches_up_on_missing_hours_only(tmp_path: Path) -> None:
    settings = get_settings()
    with dg.instance_for_test() as instance:
        _check_catch_up(tmp_path, settings, instance)


def _check_catch_up(tmp_path: Path, settings, instance: dg.DagsterInstance) -> None:
    from evalforge_assets.store import open_store

    tick = datetime(2026, 3, 2, 12, settings.ingest_lag_minutes, tzinfo=UTC)
    expected = closed_hours(tick, timedelta(minutes=settings.ingest_lag_minutes), settings.trace_lookback_hours)
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    assert run_capture(capture_settings(tmp_path, store.url), expected[-1], instance=instance).success

    context = dg.build_schedule_context(instance=instance, scheduled_execution_time=tick)
    requests = hourly_capture_schedule(context)
    keys = [r.partition_key for r in requests]
    assert keys == expected[:-1]
    assert all(r.run_key == r.partition_key for r in requests)

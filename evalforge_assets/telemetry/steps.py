"""A pipeline step's telemetry in one `with`: a span around the body, its outcome and duration counted, and
everything the body recorded written to the store when it ends (success or failure)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from opentelemetry import trace

from evalforge_assets.store import Store
from evalforge_assets.telemetry.recorder import Recorder
from evalforge_assets.telemetry.stored import flush_into
from evalforge_assets.telemetry.tracing import span


@contextmanager
def step_telemetry(recorder: Recorder, step: str, store: Store, **attributes: Any) -> Iterator[trace.Span]:
    started = time.perf_counter()
    outcome = "failure"
    try:
        with span(f"pipeline.{step}", {"evalforge.step": step, **attributes}) as current:
            yield current
            outcome = "success"
    finally:
        recorder.count("evalforge_pipeline_steps_total", step=step, outcome=outcome)
        recorder.observe("evalforge_pipeline_step_duration_seconds", time.perf_counter() - started, step=step)
        flush_into(store, recorder)

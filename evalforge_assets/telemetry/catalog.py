"""Every metric family the pipeline records: its kind, help text and label names, in one list.

The recorder refuses names that are not here (a typo would otherwise start a new, silently empty series), and
the API's /metrics lists every family even before the first increment, so dashboards and alert rules never
see a family appear late. Names follow Prometheus conventions: `_total` counters, base units (`_seconds`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["counter", "histogram", "max_gauge"]

# Pipeline steps take from well under a second (a small hour) to minutes (a backfill, an LLM plan).
STEP_BUCKETS = (0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 900.0)
# Incidents: detection within seconds (webhooks, polling every 2 s) to many minutes (a slow monitor).
INCIDENT_BUCKETS = (5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)


@dataclass(frozen=True)
class Family:
    name: str
    kind: Kind
    help: str
    labels: tuple[str, ...] = ()
    buckets: tuple[float, ...] = ()


FAMILIES: dict[str, Family] = {
    family.name: family
    for family in (
        # capture
        Family("evalforge_capture_spans_read_total", "counter", "Spans read from the span source.", ("source",)),
        Family("evalforge_capture_captured_total", "counter", "Failing spans stored as captures.",
               ("failure_kind",)),
        Family("evalforge_capture_deduplicated_total", "counter",
               "Spans dropped as repeats of a span earlier in the same batch."),
        Family("evalforge_capture_quarantined_total", "counter",
               "Unreadable spans kept in quarantine, by the kind of problem.", ("reason",)),
        Family("evalforge_capture_pii_findings_total", "counter",
               "Personal data values the redactor removed before writing, by entity type.", ("entity",)),
        Family("evalforge_pii_check_captures_scanned_total", "counter",
               "Stored captures rescanned by the independent post-write PII check."),
        Family("evalforge_pii_check_findings_total", "counter",
               "Personal data the post-write check found in stored captures (the redactor missed it).",
               ("entity",)),
        Family("evalforge_capture_last_success_hour_timestamp_seconds", "max_gauge",
               "Start (unix seconds) of the latest hourly partition whose captures were stored."),
        # Datadog
        Family("evalforge_datadog_requests_total", "counter", "Requests sent to Datadog's API.", ("api",)),
        Family("evalforge_datadog_rate_limit_waits_total", "counter", "Waits after a 429 from Datadog.", ("api",)),
        Family("evalforge_datadog_rate_limit_wait_seconds_total", "counter",
               "Seconds spent waiting after 429s from Datadog.", ("api",)),
        Family("evalforge_datadog_retries_exhausted_total", "counter",
               "Datadog calls that failed after every allowed retry (DD_MAX_RETRIES).", ("api",)),
        # review
        Family("evalforge_signatures_created_total", "counter", "Failure signatures seen for the first time."),
        Family("evalforge_signatures_updated_total", "counter", "Existing failure signatures given new captures."),
        # exports
        Family("evalforge_export_deliveries_total", "counter", "Export deliveries, by destination and outcome.",
               ("destination", "outcome")),
        # recovery
        Family("evalforge_incident_time_to_detect_seconds", "histogram",
               "From the monitor's alert time to the incident opening (webhook detections).", (),
               INCIDENT_BUCKETS),
        # LLM
        Family("evalforge_llm_calls_total", "counter", "Calls to the LLM, by model and outcome.",
               ("model", "outcome")),
        Family("evalforge_llm_tokens_total", "counter", "LLM tokens, by model and direction (input | output).",
               ("model", "direction")),
        Family("evalforge_llm_cost_usd_total", "counter",
               "LLM spend in US dollars, priced with EVALFORGE_LLM_PRICES.", ("model",)),
        Family("evalforge_llm_fallbacks_total", "counter",
               "Times a deterministic fallback answered instead of the LLM, by component.", ("component",)),
        # every pipeline step
        Family("evalforge_pipeline_steps_total", "counter", "Pipeline steps (asset and check bodies) that ended.",
               ("step", "outcome")),
        Family("evalforge_pipeline_step_duration_seconds", "histogram", "How long pipeline steps took.",
               ("step",), STEP_BUCKETS),
    )
}


def family(name: str) -> Family:
    """The family called `name`; raises KeyError naming the known families when there is none."""
    try:
        return FAMILIES[name]
    except KeyError:
        raise KeyError(f"{name!r} is not a metric family in evalforge_assets/telemetry/catalog.py; add it there "
                       f"first. Known: {', '.join(sorted(FAMILIES))}.") from None

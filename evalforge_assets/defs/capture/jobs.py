"""The capture job (one hour, or a range of hours, from raw spans to stored, grouped failures) and the raw
retention job (raw span files past EVALFORGE_RAW_RETENTION_HOURS deleted)."""


from datetime import datetime

import dagster as dg

capture_job = dg.define_asset_job(
    "capture_job",
    selection=dg.AssetSelection.groups("capture", "grouping"),
    # Its four steps run one after another on one hour's data, so a process per step bought no parallelism and
    # cost an interpreter start each: 3-6 s for a run in one process against minutes on a busy machine
    # (docs/operations.md, "Scaling"). Hours run in parallel as separate runs instead.
    executor_def=dg.in_process_executor,
    description="Fetch, capture and group the failures of the selected hours.",
)


class ExpireRawSpansConfig(dg.Config):
    """Raw span files written before this ISO-8601 time are deleted."""

    written_before: str


@dg.op(required_resource_keys={"raw_spans_io_manager"})
def expire_raw_spans(context: dg.OpExecutionContext, config: ExpireRawSpansConfig) -> list[str]:
    """Delete the raw span files (local folder or GCS bucket) written before the cutoff, through the IO manager
    that wrote them."""
    try:
        cutoff = datetime.fromisoformat(config.written_before)
    except ValueError as exc:
        raise dg.Failure(f"written_before {config.written_before!r} is not an ISO-8601 time, such as "
                         "2026-03-02T10:00:00+00:00.") from exc
    deleted = context.resources.raw_spans_io_manager.delete_written_before(cutoff)
    context.log.info(f"deleted {len(deleted)} raw span file(s) written before {cutoff.isoformat()}")
    return deleted


@dg.job(description="Delete raw span files older than EVALFORGE_RAW_RETENTION_HOURS.")
def raw_retention_job() -> None:
    expire_raw_spans()

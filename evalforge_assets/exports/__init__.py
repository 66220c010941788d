"""Exports without Dagster: recording requests (the API), building and delivering packages (the asset)."""

from evalforge_assets.exports.content import (
    ExportContent,
    generate_content,
    load_inputs,
)
from evalforge_assets.exports.requests import (
    MAX_EXPORT_CAPTURES,
    ExportConflict,
    ExportNotFound,
    ExportReferenceNotFound,
    ExportSelection,
    create_export,
    pending_export_requests,
    request_rerun,
)
from evalforge_assets.exports.runner import (
    EXPORT_ACTOR,
    ExportRunResult,
    ExportSinks,
    deliver_all,
    run_export,
)

"""Running one export: generate its artifacts, deliver each destination independently, record the outcome.

What "exported" means, precisely: a capture moves from `ready` to `exported` only when every destination
its export requested was delivered in the same run. If any destination fails (after its retries), the
export's overall status is `failed`, the delivered destinations keep their artifacts and `delivered`
status, the failed ones carry their error, and no capture of the export changes status: a capture whose
eval case reached the dataset but whose runbook did not is not done yet. Re-running the export (from
Dagster, or POST /v1/exports/{id}/retry) delivers every destination again without duplicating anything,
and moves the captures once all succeed. A capture that was already `exported` (by an earlier export)
stays `exported` whatever this run does, and one a reviewer ignored meanwhile stays `ignored`.

Links: when every destination is delivered, each capture of the export also gets the export's id in its
`export_ids` (once, however often the export is re-run), whatever its status, since the export carried it.
Status and link are written together by one `Store.update` per capture, from the capture as stored then,
so a reviewer's concurrent change to its other fields is never overwritten.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from evalforge_assets import telemetry
from evalforge_assets.exports.artifacts import ArtifactGenerator, EvalCase
from evalforge_assets.exports.content import ExportContent, generate_content, load_inputs
from evalforge_assets.exports.delivery import (
    ArtifactFile,
    ArtifactStorage,
    DeliveryOutcome,
    RetryPolicy,
    WebhookSender,
    deliver_with_retries,
    json_bytes,
    require_webhook,
)
from evalforge_assets.exports.files import eval_case_files, guardrail_files, package_document, runbook_files
from evalforge_assets.exports.requests import EXPORT_RESOURCE, ExportNotFound, pending_export_requests
from evalforge_assets.models import (
    Artifact,
    AuditEntry,
    CaptureStatus,
    DeliveryStatus,
    Destination,
    ExportPackage,
    FailureCapture,
    PendingRequest,
    now_iso,
)
from evalforge_assets.review.rules import audit_entry
from evalforge_assets.store import Store

log = logging.getLogger("evalforge.exports")

EXPORT_ACTOR = "evalforge:export_packages"
# The webhook goes last so its package lists where every other destination's files went.
DELIVERY_ORDER = (Destination.eval_dataset, Destination.guardrail, Destination.runbook, Destination.webhook)


class DatasetPublisher(Protocol):
    """Where eval cases go besides files: Datadog LLM Observability datasets in production."""

    def publish(self, cases: Sequence[EvalCase]) -> list[Artifact]: ...


@dataclass
class ExportSinks:
    """Where a run delivers: file storage always, a dataset service and a webhook when configured."""

    storage: ArtifactStorage
    dataset: DatasetPublisher | None = None
    webhook_url: str | None = None
    webhook_secret: str | None = field(default=None, repr=False)
    webhook_factory: Callable[[str, str], WebhookSender] = WebhookSender
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    sleep: Callable[[float], None] = time.sleep


def _write_files(storage: ArtifactStorage, files: list[ArtifactFile]) -> list[Artifact]:
    return [file.artifact(storage.write(file)) for file in files]


def _deliverers(package: ExportPackage, content: ExportContent, sinks: ExportSinks,
                delivered_so_far: list[Artifact]) -> dict[Destination, Callable[[], list[Artifact]]]:
    export_id = package.export_id

    def eval_dataset() -> list[Artifact]:
        artifacts = _write_files(sinks.storage, eval_case_files(export_id, content.eval_cases))
        if sinks.dataset is not None:
            artifacts += sinks.dataset.publish(content.eval_cases)
        return artifacts

    def webhook() -> list[Artifact]:
        url, secret = require_webhook(sinks.webhook_url, sinks.webhook_secret)
        document = package_document(package, content.eval_cases, content.guardrails, content.runbooks,
                                    delivered_so_far)
        return [sinks.webhook_factory(url, secret).send(json_bytes(document), delivery_id=export_id)]

    return {
        Destination.eval_dataset: eval_dataset,
        Destination.guardrail: lambda: _write_files(sinks.storage, guardrail_files(export_id, content.guardrails)),
        Destination.runbook: lambda: _write_files(sinks.storage, runbook_files(export_id, content.runbooks)),
        Destination.webhook: webhook,
    }


def deliver_all(package: ExportPackage, content: ExportContent, sinks: ExportSinks) -> list[DeliveryOutcome]:
    """Each requested destination delivered on its own, with retries; one failing never stops the others."""
    delivered: list[Artifact] = []
    deliverers = _deliverers(package, content, sinks, delivered)
    outcomes: list[DeliveryOutcome] = []
    for destination in (d for d in DELIVERY_ORDER if d in package.destinations):
        outcome = deliver_with_retries(destination, deliverers[destination], sinks.retry, sinks.sleep)
        if outcome.delivered:
            delivered.extend(outcome.artifacts)
        outcomes.append(outcome)
        telemetry.count("evalforge_export_deliveries_total", destination=destination.value,
                        outcome="delivered" if outcome.delivered else "failed")
    return outcomes


@dataclass
class ExportRunResult:
    package: ExportPackage
    outcomes: list[DeliveryOutcome]
    captures_exported: int
    content: ExportContent

    @property
    def failed(self) -> list[DeliveryOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.delivered]


def _with(package: ExportPackage, **changes: object) -> ExportPackage:
    # Through validation, so extra fields (request_id, attempts) survive and enums stay enums.
    return ExportPackage.model_validate({**package.model_dump(mode="json"), **changes})


def _record_run(store: Store, export_id: str, **changes: object) -> ExportPackage:
    """Write the run's own fields onto the export as stored now, so a re-run the API requested meanwhile (its
    `request_id`) is kept rather than overwritten."""
    def change(current: ExportPackage | None) -> ExportPackage:
        if current is None:
            raise ExportNotFound(export_id, f"Export {export_id!r} disappeared from the store while it ran.")
        return _with(current, **changes)

    stored = store.update("exports", ExportPackage, export_id, change)
    assert stored is not None  # change never returns None
    return stored


def _delivery_audit(package: ExportPackage, outcome: DeliveryOutcome, run_id: str | None, now: str) -> AuditEntry:
    entry = audit_entry(EXPORT_ACTOR, "export.deliver", EXPORT_RESOURCE, package.export_id, now,
                        status=outcome.status.value,
                        detail={"attempts": outcome.attempts, "error": outcome.error,
                                "attempt_errors": outcome.attempt_errors,
                                "artifacts": [a.location for a in outcome.artifacts],
                                "requested_by": package.requested_by, "run_id": run_id})
    return entry.model_copy(update={"destination": outcome.destination.value})


def _mark_one_exported(store: Store, capture_id: str, export_id: str, now: str) -> AuditEntry | None:
    """Link the capture to the export and move it from `ready` to `exported`; the status change's audit entry."""
    decided: list[AuditEntry] = []  # what the stored attempt of `change` did (update may run it again)

    def change(current: FailureCapture | None) -> FailureCapture | None:
        decided.clear()
        if current is None:
            return None
        updates: dict[str, object] = {}
        if export_id not in current.export_ids:
            updates["export_ids"] = [*current.export_ids, export_id]
        if current.status is CaptureStatus.ready:
            updates["status"] = CaptureStatus.exported
            decided.append(audit_entry(EXPORT_ACTOR, "capture.status", "capture", current.capture_id, now,
                                       status=CaptureStatus.exported.value,
                                       detail={"from": CaptureStatus.ready.value,
                                               "to": CaptureStatus.exported.value, "via_export": export_id}))
        return current.model_copy(update=updates) if updates else None  # None: already as it should be

    store.update("captures", FailureCapture, capture_id, change)
    return decided[0] if decided else None


def _mark_exported(store: Store, package: ExportPackage, now: str) -> int:
    """Link the export's captures to it and move its `ready` ones to `exported`, each from what is stored now (one
    update each, so a reviewer's concurrent change is never overwritten); returns how many moved."""
    entries = [entry for capture_id in package.capture_ids
               if (entry := _mark_one_exported(store, capture_id, package.export_id, now)) is not None]
    store.add_audit(entries)
    return len(entries)


def _close_requests(store: Store, export_id: str, run_id: str | None) -> None:
    for request in pending_export_requests(store, export_id):
        # Only a request still pending is closed: one a re-run superseded meanwhile keeps saying so.
        store.update("requests", PendingRequest, request.request_id,
                     lambda current: PendingRequest.model_validate({**current.model_dump(mode="json"),
                                                                    "status": "done", "run_id": run_id})
                     if current is not None and current.status == "pending" else None)


def run_export(store: Store, export_id: str, generator: ArtifactGenerator, sinks: ExportSinks, *,
               run_id: str | None = None, now: Callable[[], str] = now_iso) -> ExportRunResult:
    """Build and deliver export `export_id`, then record statuses, artifacts, errors, captures and audit.

    Raises ExportNotFound for an unknown export. Generation errors (a bug, a store outage) mark every
    destination failed with the error, are recorded, and are raised again so the run shows them.
    """
    package = store.get_export(export_id)
    if package is None:
        raise ExportNotFound(export_id, f"No export with id {export_id!r} exists; it may have been requested "
                                        "against another store (check EVALFORGE_STORE).")
    started = now()
    package = _record_run(store, export_id,
                          status={d.value: DeliveryStatus.running.value for d in package.destinations},
                          overall_status=DeliveryStatus.running.value, run_id=run_id, error={}, started_at=started)
    _close_requests(store, export_id, run_id)
    try:
        captures, signatures = load_inputs(store, package)
        content = generate_content(package, captures, signatures, generator)
    except Exception as error:
        message = f"Generating the artifacts failed: {type(error).__name__}: {error}"
        store.add_audit([audit_entry(EXPORT_ACTOR, "export.generate", EXPORT_RESOURCE, export_id, now(),
                                     status=DeliveryStatus.failed.value, detail={"error": message,
                                                                                  "run_id": run_id})])
        _record_run(store, export_id, status={d.value: DeliveryStatus.failed.value for d in package.destinations},
                    overall_status=DeliveryStatus.failed.value,
                    error={d.value: message for d in package.destinations}, finished_at=now())
        raise

    outcomes = deliver_all(package, content, sinks)
    finished = now()
    all_delivered = all(outcome.delivered for outcome in outcomes)
    entries = [_delivery_audit(package, outcome, run_id, finished) for outcome in outcomes]
    exported = 0
    if all_delivered:
        exported = _mark_exported(store, package, finished)
    overall = DeliveryStatus.delivered if all_delivered else DeliveryStatus.failed
    run_fields: dict[str, object] = {
        "status": {o.destination.value: o.status.value for o in outcomes},
        "error": {o.destination.value: o.error for o in outcomes if o.error},
        "attempts": {o.destination.value: o.attempts for o in outcomes},
        "artifacts": [artifact.model_dump(mode="json") for o in outcomes for artifact in o.artifacts],
        "overall_status": overall.value,
        "delivered_at": finished if all_delivered else None,
        "finished_at": finished,
        "generator": content.generator,
        "generator_fallbacks": content.fallbacks,
        "generator_fallback_reasons": content.fallback_reasons[:20],
        "counts": {"eval_cases": len(content.eval_cases), "guardrails": len(content.guardrails),
                "runbooks": len(content.runbooks)},
    }
    entries.append(audit_entry(EXPORT_ACTOR, "export.complete", EXPORT_RESOURCE, export_id, finished,
                               status=overall.value,
                               detail={"delivered": [o.destination.value for o in outcomes if o.delivered],
                                       "failed": [o.destination.value for o in outcomes if not o.delivered],
                                       "captures_exported": exported, "run_id": run_id}))
    store.add_audit(entries)
    package = _record_run(store, export_id, **run_fields)
    log.info("export finished", extra={"export_id": export_id, "status": overall.value, "run_id": run_id,
                                       "captures_exported": exported})
    return ExportRunResult(package, outcomes, exported, content)

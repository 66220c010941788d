"""The export use cases the API offers: request an export, run one again, list and read exports and the audit
trail. No FastAPI or Dagster here; the export sensor and the `export_packages` asset do the runs.

Errors: RecordNotFound (ExportReferenceNotFound, ExportNotFound: 404 in the API), ExportConflict (a
ReviewError: 409).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from evalforge_assets.exports.requests import (
    ExportNotFound,
    ExportSelection,
    create_export,
    request_rerun,
)
from evalforge_assets.models import (
    AuditEntry,
    DeliveryStatus,
    Destination,
    ExportPackage,
    PendingRequest,
    now_iso,
)
from evalforge_assets.store import Filter, Page, Store


class ExportFilterError(ValueError):
    """A list filter the store cannot serve; the message says what to send instead."""


def _one_of(field: str, values: Sequence[str]) -> tuple[Filter, ...]:
    if len(values) == 1:
        return (Filter(field, "==", values[0]),)
    return (Filter(field, "in", list(values)),) if values else ()


class ExportService:
    """Exports over one store."""

    def __init__(self, store: Store, clock: Callable[[], str] = now_iso) -> None:
        self._store = store
        self._clock = clock

    def create(self, *, capture_ids: Sequence[str], signature_ids: Sequence[str],
               destinations: Sequence[Destination], actor: str) -> tuple[ExportPackage, ExportSelection]:
        """Record an export (captures to `ready`, the pending package, a request for the sensor).

        Raises ExportReferenceNotFound for an unknown id, ExportConflict when nothing (or too much) is exportable.
        """
        return create_export(self._store, capture_ids=capture_ids, signature_ids=signature_ids,
                             destinations=destinations, actor=actor, now=self._clock())

    def rerun(self, export_id: str, actor: str) -> PendingRequest:
        """Queue the export to run again; raises ExportNotFound."""
        return request_rerun(self._store, export_id, actor, now=self._clock())

    def get(self, export_id: str) -> ExportPackage:
        package = self._store.get_export(export_id)
        if package is None:
            raise ExportNotFound(export_id)
        return package

    def list(self, statuses: Sequence[DeliveryStatus] = (), limit: int = 50, cursor: str | None = None, *,
             capture_id: str | None = None, signature_id: str | None = None) -> Page[ExportPackage]:
        """Newest first, only those whose overall status is one of `statuses` (all when empty), and only those
        that carry `capture_id` or cover `signature_id` when given.

        Raises ExportFilterError for both at once: Firestore serves one array filter per query.
        """
        if capture_id is not None and signature_id is not None:
            raise ExportFilterError("Filter exports by capture_id or by signature_id, not both at once; a "
                                    "capture's exports already name its signature in signature_ids.")
        wanted = [status.value for status in dict.fromkeys(statuses)]
        filters = list(_one_of("overall_status", wanted))
        if capture_id is not None:
            filters.append(Filter("capture_ids", "array_contains", capture_id))
        if signature_id is not None:
            filters.append(Filter("signature_ids", "array_contains", signature_id))
        return self._store.list_exports(tuple(filters), limit=limit, cursor=cursor)

    def audit_trail(self, actor: str | None = None, resource_id: str | None = None, limit: int = 50,
                    cursor: str | None = None) -> Page[AuditEntry]:
        """Who did what, when, newest first; optionally only one actor's entries or one resource's."""
        filters = [*_one_of("actor", [actor] if actor else []),
                   *_one_of("resource_id", [resource_id] if resource_id else [])]
        return self._store.list_audit(tuple(filters), limit=limit, cursor=cursor)

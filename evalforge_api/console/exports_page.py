"""Exports in the console: request an export of selected signatures to chosen destinations, watch each
destination's status (the page's script polls /v1/exports/{id}), and download the generated artifacts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, Response

from evalforge_api.console.pages import ConsolePageError, ConsoleViewer, render
from evalforge_api.deps import ExportServiceDep, StoreDep, settings_of
from evalforge_api.routes.exports import ExportView
from evalforge_assets.exports import ExportNotFound
from evalforge_assets.models import Destination

router = APIRouter(include_in_schema=False)

RECENT_EXPORTS = 20
Id = Annotated[str, PathParam(min_length=1, max_length=200)]


def _view(exports: ExportServiceDep, export_id: str) -> ExportView:
    try:
        return ExportView.of(exports.get(export_id))
    except ExportNotFound:
        raise ConsolePageError(status.HTTP_404_NOT_FOUND,
                               f"No export with id {export_id!r} exists; see the list of exports.") from None


@router.get("/exports", response_class=HTMLResponse)
def exports_page(request: Request, principal: ConsoleViewer, store: StoreDep, exports: ExportServiceDep,
                 signature_id: Annotated[list[str] | None, Query(max_length=200)] = None) -> Response:
    wanted = list(dict.fromkeys(signature_id or []))
    found = store.get_signatures(wanted)
    recent = [ExportView.of(package) for package in exports.list(limit=RECENT_EXPORTS).items]
    return render(request, principal, "exports.html", chosen=[found[sid] for sid in wanted if sid in found],
                  missing=[sid for sid in wanted if sid not in found],
                  destinations=[d.value for d in Destination], recent=recent)


@router.get("/exports/{export_id}", response_class=HTMLResponse)
def export_page(request: Request, export_id: Id, principal: ConsoleViewer, exports: ExportServiceDep) -> Response:
    return render(request, principal, "export.html", export=_view(exports, export_id))


@router.get("/console/exports/{export_id}/artifacts/{destination}/{index}", response_model=None)
def download_artifact(request: Request, export_id: Id, destination: Destination,
                      index: Annotated[int, PathParam(ge=0, le=10_000)], _principal: ConsoleViewer,
                      exports: ExportServiceDep) -> FileResponse:
    """The `index`-th file the export generated for `destination` (as /v1/exports/{id} lists them). Only files
    under this machine's exports directory are served; an artifact delivered elsewhere (a Datadog dataset, a
    bucket, a webhook) is named by its location instead."""
    try:
        package = exports.get(export_id)
    except ExportNotFound:
        raise ConsolePageError(status.HTTP_404_NOT_FOUND, f"No export with id {export_id!r} exists.") from None
    artifacts = [a for a in package.artifacts if a.destination is destination]
    if index >= len(artifacts):
        raise ConsolePageError(status.HTTP_404_NOT_FOUND,
                               f"Export {export_id} has {len(artifacts)} {destination.value} artifacts; there is "
                               f"no number {index}. Open the export's page for its list.")
    artifact = artifacts[index]
    root = settings_of(request).exports_dir.resolve()
    path = Path(artifact.location).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise ConsolePageError(status.HTTP_404_NOT_FOUND,
                               f"This artifact is not a file on this machine; it was delivered to "
                               f"{artifact.location}. Open it there.")
    return FileResponse(path, filename=path.name)

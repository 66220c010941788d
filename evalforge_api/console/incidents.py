"""The incident pages: the live board of the incident contract, and the list of every incident.

The board is drawn by static/board.js from one JSON state (`/incidents/board/state`, also embedded in the page
so the first paint needs no second request), then kept current by the `/ws` event stream; after a reconnect the
script fetches the state again, so nothing that happened while it was away is missed. Every URL shown as a
link passes `safe_url` (http and https only), and every text is inserted by the script with textContent.
"""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from fastapi import APIRouter, Depends, Path, Query, Request, status
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field

from evalforge_api.console.pages import ConsolePageError, ConsoleViewer, render
from evalforge_api.deps import get_incident_service, get_settings, get_store
from evalforge_assets.models import (
    IncidentCard,
    IncidentRecord,
    Link,
    SystemState,
    SystemStatus,
    TestRun,
)
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.summary import (
    WarRoomState,
    WarRoomSummary,
    slack_configured,
    war_room_summaries,
)
from evalforge_assets.settings import Settings
from evalforge_assets.store import IncidentFilter, InvalidCursor, Store

router = APIRouter(include_in_schema=False)

INCIDENTS_PER_PAGE = 25
TIMELINE_SHOWN = 50

ServiceDep = Annotated[IncidentService, Depends(get_incident_service)]
StoreDep = Annotated[Store, Depends(get_store)]


def safe_url(url: str | None) -> str | None:
    """`url` when it is an absolute http(s) address, else None: a `javascript:` or relative URL stored in an
    incident (evidence comes from webhooks and the planner) must never become a clickable link."""
    if not url:
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme in ("http", "https") and parts.netloc else None


class BoardLink(BaseModel):
    label: str
    url: str | None = Field(description="None when the stored URL is not http(s); the label is shown as text.")


class BoardTimelineEntry(BaseModel):
    at: str
    from_state: str | None
    to_state: str
    actor: str


class BoardState(BaseModel):
    """What the board draws; `incident` is the open incident, else the latest one (None before any)."""

    status: SystemStatus
    incident: IncidentCard | None
    incident_state: SystemState | None
    incident_open: bool
    evidence_links: list[BoardLink]
    run: TestRun | None
    timeline: list[BoardTimelineEntry]
    war_room: WarRoomSummary | None = Field(default=None, description="The shown incident's Slack war room.")


def _links(links: list[Link]) -> list[BoardLink]:
    return [BoardLink(label=link.label, url=safe_url(link.url)) for link in links]


def _latest_run(store: Store, incident: IncidentRecord) -> TestRun | None:
    if incident.latest_run_id is not None:
        run = store.get_test_run(incident.latest_run_id)
        if run is not None:
            return run
    return store.latest_test_run(incident.incident_id)


def _shown_incident(service: IncidentService, incident_id: str | None) -> IncidentRecord | None:
    if incident_id:
        return service.store.get_incident(incident_id)
    current = service.current()
    if current is not None:
        return current
    latest = service.store.list_incidents(limit=1).items
    return latest[0] if latest else None


def board_state(service: IncidentService, incident_id: str | None = None, *, slack: bool = False) -> BoardState:
    """The board's state: the system status and the incident shown (the open one, or the latest) with its war
    room (`slack`: whether Slack is configured, so a missing war room can say why)."""
    status = service.current_status(announce=False)
    incident = _shown_incident(service, incident_id)
    if incident is None:
        return BoardState(status=status, incident=None, incident_state=None, incident_open=False,
                          evidence_links=[], run=None, timeline=[])
    timeline = [BoardTimelineEntry(at=entry.at, from_state=entry.from_state, to_state=entry.to_state,
                                   actor=entry.actor) for entry in incident.timeline[-TIMELINE_SHOWN:]]
    room = war_room_summaries(service.store, [incident.incident_id], configured=slack)[incident.incident_id]
    return BoardState(status=status, incident=incident.card, incident_state=incident.state,
                      incident_open=incident.open, evidence_links=_links(incident.card.datadog_summary.evidence_links),
                      run=_latest_run(service.store, incident), timeline=timeline, war_room=room)


IncidentQuery = Annotated[str | None, Query(max_length=200, description="Show this incident instead of the open one.")]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@router.get("/incidents/board", response_class=HTMLResponse)
def board_page(request: Request, principal: ConsoleViewer, service: ServiceDep, settings: SettingsDep,
               incident: IncidentQuery = None) -> HTMLResponse:
    state = board_state(service, incident, slack=slack_configured(settings))
    return render(request, principal, "incidents_board.html", state=state.model_dump(mode="json"),
                  pinned_incident=incident)


@router.get("/incidents/board/state", response_model=BoardState)
def board_state_json(_principal: ConsoleViewer, service: ServiceDep, settings: SettingsDep,
                     incident: IncidentQuery = None) -> BoardState:
    """The board's state for board.js after it reconnects (read-only; the session cookie is enough)."""
    return board_state(service, incident, slack=slack_configured(settings))


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, principal: ConsoleViewer, service: ServiceDep, settings: SettingsDep,
                  incident_id: Annotated[str, Path(min_length=1, max_length=200)]) -> HTMLResponse:
    """One incident on the board (pinned: it stays on that incident when another opens)."""
    if service.store.get_incident(incident_id) is None:
        raise ConsolePageError(status.HTTP_404_NOT_FOUND,
                               f"No incident with id {incident_id!r} exists; pick one from the incident list.")
    return board_page(request, principal, service, settings, incident_id)


# ---- the list of incidents ------------------------------------------------------------------------------------
class WarRoom(BaseModel):
    channel: str
    url: str | None
    status: WarRoomState
    problem: str | None = Field(description="The Slack failure waiting to be retried, and when it will be.")


class IncidentRow(BaseModel):
    incident_id: str
    title: str
    service: str
    state: SystemState
    open: bool
    detected_at: str
    resolved_at: str | None
    source: str
    war_room: WarRoom | None


def war_room_view(summary: WarRoomSummary | None) -> WarRoom | None:
    """How the list shows an incident's war room (a channel, posts to an incoming webhook, or no Slack)."""
    if summary is None:
        return None
    if summary.channel_id:
        channel = f"#{summary.channel_name or summary.channel_id}"
    elif summary.status == "not_configured":
        channel = "Slack not configured"
    else:
        channel = "posted to the Slack webhook" if summary.mode == "webhook" else "being opened"
    problem = None
    if summary.status == "failing":
        problem = (f"{summary.last_error} ({summary.retry_count} failed attempt(s); next retry at "
                   f"{summary.next_retry_at or 'the next sync'})")
    return WarRoom(channel=channel, url=summary.channel_url, status=summary.status, problem=problem)


def incident_row(incident: IncidentRecord, war_room: WarRoomSummary | None) -> IncidentRow:
    return IncidentRow(incident_id=incident.incident_id, title=incident.card.title, service=incident.service,
                       state=incident.state, open=incident.open, detected_at=incident.card.detected_at,
                       resolved_at=incident.resolved_at, source=incident.source, war_room=war_room_view(war_room))


CursorQuery = Annotated[str | None, Query(max_length=2000, description="next_cursor of the previous page")]
StateQuery = Annotated[SystemState | Literal[""] | None, Query(description="Only incidents in this state.")]
ServiceQuery = Annotated[str | None, Query(max_length=200, description="Only this service's incidents.")]


@router.get("/incidents", response_class=HTMLResponse)
def incident_list_page(request: Request, principal: ConsoleViewer, store: StoreDep, settings: SettingsDep,
                       cursor: CursorQuery = None,
                       state: StateQuery = None, service: ServiceQuery = None) -> HTMLResponse:
    chosen_state = state or None
    chosen_service = (service or "").strip() or None
    where = IncidentFilter(states=(chosen_state.value,) if chosen_state else (), service=chosen_service).filters()
    message = None
    try:
        page = store.list_incidents(limit=INCIDENTS_PER_PAGE, cursor=cursor or None, filters=where)
    except InvalidCursor:
        message = "That page link is out of date or was changed by hand; showing the newest incidents instead."
        page = store.list_incidents(limit=INCIDENTS_PER_PAGE, filters=where)
    rooms = war_room_summaries(store, [incident.incident_id for incident in page.items],
                               configured=slack_configured(settings))
    rows = [incident_row(incident, rooms[incident.incident_id]) for incident in page.items]
    filters = {"state": chosen_state.value if chosen_state else "", "service": chosen_service or ""}
    return render(request, principal, "incidents.html", rows=rows, next_cursor=page.next_cursor,
                  first_page=not cursor, message=message, filters=filters,
                  states=[choice.value for choice in SystemState])

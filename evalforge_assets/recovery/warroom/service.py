"""The war-room service: open an incident's war room in Slack, and keep its card and thread in step with it.

`open` creates (or finds) the channel, sets its topic and purpose, adds three bookmarks, invites the routed
responders and posts the card; `sync` posts the thread replies the incident's changes call for and updates the
card in place. Every Slack side effect goes through the ledger (claim, call Slack, record), so nothing is done
twice. Slack never blocks recovery: a SlackFailure is caught here, recorded on the war room (its sentence, the
retry count and when to retry) and retried by a later `sync`; nothing else waits for Slack.

With only an incoming webhook (`gateway.can_manage_channels` false) the card and each reply are posted to the
webhook's channel instead: no channel, topic, bookmarks or invites, and no in-place updates.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel

from evalforge_assets.models import IncidentRecord, SystemState, TestRun, now_iso
from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.recovery.related import RelatedSignature, rising_signatures
from evalforge_assets.recovery.runs import next_run_id
from evalforge_assets.recovery.warroom.cards import CardMessage, card_links, clip, incident_card
from evalforge_assets.recovery.warroom.ledger import WarRoomLedger, is_done
from evalforge_assets.recovery.warroom.naming import DEFAULT_CHANNEL_PATTERN, channel_name
from evalforge_assets.recovery.warroom.report import write_report
from evalforge_assets.recovery.warroom.routing import Resolution
from evalforge_assets.recovery.warroom.slack_errors import SlackFailure
from evalforge_assets.recovery.warroom.thread import ThreadPost, due_posts
from evalforge_assets.store import IncidentFilter
from evalforge_assets.store.war_rooms import active_war_rooms

if TYPE_CHECKING:
    from evalforge_assets.recovery.warroom.slack_gateway import SlackGateway
    from evalforge_assets.store import Store

log = logging.getLogger("evalforge.warroom")

TOPIC_LIMIT = 250  # Slack cuts channel topics and purposes at 250 characters
MAX_RUNS = 200  # a runaway chain of validation runs is not walked forever


class WarRoom(BaseModel):
    """What `open` did: where the war room is, who was invited, and the Slack error if it is not ready yet."""

    incident_id: str
    mode: Literal["channel", "webhook"]
    channel_id: str | None
    channel_name: str | None
    card_ts: str | None
    invited: list[str]
    unresolved: list[str]
    ready: bool
    error: str | None = None
    retryable: bool = True


class SyncResult(BaseModel):
    """What one `sync` did for one incident."""

    incident_id: str
    posted: list[str] = []
    card_updated: bool = False
    skipped: str | None = None
    error: str | None = None


class SlackStatus(BaseModel):
    """Slack's line in /health: not configured, ok, or failing with the sentence saying what to fix."""

    state: Literal["not_configured", "ok", "failing"]
    detail: str
    failing_incidents: list[str] = []


def slack_status(store: Store, configured: bool, *, limit: int = 100) -> SlackStatus:
    """The war rooms' health from the ledger alone (no call to Slack, so /health stays fast)."""
    if not configured:
        return SlackStatus(state="not_configured",
                           detail="Slack is not configured (set SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL).")
    failing = [room for room in active_war_rooms(store, limit) if room.last_error]
    if not failing:
        return SlackStatus(state="ok", detail="Every active war room is up to date with its incident.")
    latest = max(failing, key=lambda room: room.next_retry_at or "")
    return SlackStatus(state="failing", failing_incidents=[room.incident_id for room in failing],
                       detail=f"{latest.last_error} (incident {latest.incident_id}, {latest.retry_count} "
                              f"attempt(s), next retry at {latest.next_retry_at}).")


class WarRoomService:
    """Opens and syncs war rooms. `responders(service)` resolves the routing file's people for a service (None:
    no routing file, nobody is invited); `api_url` is where Evalforge's API and console are reachable, for links;
    `reports_dir` receives the Markdown post-incident reports."""

    def __init__(self, store: Store, gateway: SlackGateway, *,
                 responders: Callable[[str], Resolution] | None = None,
                 channel_pattern: str = DEFAULT_CHANNEL_PATTERN, api_url: str = "http://127.0.0.1:8000",
                 reports_dir: Path | None = None, clock: Callable[[], str] = now_iso,
                 ledger: WarRoomLedger | None = None) -> None:
        self.store = store
        self.gateway = gateway
        self.responders = responders
        self.channel_pattern = channel_pattern
        self.api_url = api_url
        self.reports_dir = reports_dir
        self.clock = clock
        self.ledger = ledger or WarRoomLedger(store, clock=clock)
        self.mode: Literal["channel", "webhook"] = "channel" if gateway.can_manage_channels else "webhook"

    # ---- open -------------------------------------------------------------------------------------------
    def open(self, incident_id: str) -> WarRoom:
        """Open the incident's war room, or finish opening it: every step already recorded is skipped."""
        incident = self._incident(incident_id)
        # Signatures are scanned once, when the war room is first recorded; a re-run reads the record only.
        record = self.ledger.get(incident_id) or self.ledger.ensure(WarRoomRecord(
            incident_id=incident_id, service=incident.service, mode=self.mode, opened_at=self.clock(),
            channel_name=channel_name(incident, self.channel_pattern) if self.mode == "channel" else None,
            related=[r.model_dump() for r in self._related(incident)]))
        if incident.open and not record.active:
            record = self.ledger.set(incident_id, active=True)  # a recurrence reopened a closed incident
        try:
            record = self._open_steps(record, incident)
        except SlackFailure as failure:
            record = self._failed(incident_id, failure)
            return self._war_room(record, error=failure.sentence, retryable=failure.retryable)
        return self._war_room(record)

    def _open_steps(self, record: WarRoomRecord, incident: IncidentRecord) -> WarRoomRecord:
        incident_id = incident.incident_id
        if self.mode == "channel":
            if record.channel_id is None:
                # Not claimed: find_or_create_channel finds the channel by name (name_taken) whoever created it.
                record = self.ledger.set(incident_id, channel_id=self.gateway.find_or_create_channel(
                    str(record.channel_name)))
            channel = str(record.channel_id)
            self._once(incident_id, "topic", lambda: self._call(
                self.gateway.set_topic, channel, clip(f"{incident.card.title} · {incident.service}", TOPIC_LIMIT)))
            self._once(incident_id, "purpose", lambda: self._call(
                self.gateway.set_purpose, channel, clip(f"War room of Evalforge incident {incident_id} "
                                                        f"({incident.service}): card and updates in the thread.",
                                                        TOPIC_LIMIT)))
            self._bookmarks(incident, channel)
            self._once(incident_id, "invite", lambda: self._invite(incident, channel))
        record = self.ledger.get(incident_id) or record
        message = self._card(incident, record)
        self._once(incident_id, "card", lambda: (
            self.gateway.post(record.channel_id, message.text, message.blocks),
            {"card_fingerprint": message.fingerprint(), "ready_at": self.clock()}))
        return self.ledger.succeeded(incident_id)

    def _bookmarks(self, incident: IncidentRecord, channel: str) -> None:
        links = card_links(incident, self.api_url)
        for title, url in (("Datadog monitor", links.monitor), ("Dagster run", links.dagster_run),
                           ("Incident", links.incident)):
            if url:  # a link not known yet (no monitor) is added by a later sync once the incident has it
                self._once(incident.incident_id, f"bookmark:{title}",
                           lambda title=title, url=url: self._call(self.gateway.add_bookmark, channel, title, url))

    def _invite(self, incident: IncidentRecord, channel: str) -> tuple[None, dict[str, list[str]]]:
        if self.responders is None:
            return None, {}
        resolution = self.responders(incident.service)
        self.gateway.invite(channel, resolution.user_ids)
        unresolved = [f"{person} ({resolution.reasons[person]})" if person in resolution.reasons else person
                      for person in resolution.unresolved]
        return None, {"invited": resolution.user_ids, "unresolved": unresolved}

    @staticmethod
    def _call(method: Callable[..., None], *args: str) -> tuple[None, dict[str, object]]:
        method(*args)
        return None, {}

    def _once(self, incident_id: str, key: str, act: Callable[[], tuple[str | None, dict]]) -> bool:
        """Do the side effect `key` unless it is done or another process holds it; True when it is done."""
        token = self.ledger.claim(incident_id, key)
        if token is None:
            return is_done(self.ledger.get(incident_id), key)
        try:
            ts, fields = act()
        except SlackFailure:
            # Slack said no, so nothing happened: free the effect for the retry. Any other error keeps the claim
            # until it times out, since Slack may have done the work before it (see ledger.py).
            self.ledger.release(incident_id, key, token)
            raise
        self.ledger.record(incident_id, key, token, ts=ts, **fields)
        return True

    # ---- sync -------------------------------------------------------------------------------------------
    def sync(self, incident_id: str) -> SyncResult:
        """Post what the incident's changes since the last sync call for, and update the card. Cheap when the
        event log has not moved since the last clean sync (one read of the war room, one of the log's end)."""
        record = self.ledger.get(incident_id)
        if record is None:
            return SyncResult(incident_id=incident_id, skipped="The war room was never opened.")
        if self.ledger.waiting(record):
            return SyncResult(incident_id=incident_id, skipped=f"Waiting to retry Slack at {record.next_retry_at}.")
        seq = self.store.last_event_seq()
        if seq == record.synced_seq and record.last_error is None and is_done(record, "card"):
            return SyncResult(incident_id=incident_id, skipped="Nothing changed since the last sync.")
        incident = self._incident(incident_id)
        result = SyncResult(incident_id=incident_id)
        try:
            if not is_done(record, "card"):
                record = self._open_steps(record, incident)
            elif self.mode == "channel" and record.channel_id:
                self._bookmarks(incident, record.channel_id)
            result.card_updated = self._update_card(incident, record)
            complete = self._post_thread(incident, record, result)
        except SlackFailure as failure:
            self._failed(incident_id, failure)
            result.error = failure.sentence
            return result
        self.ledger.succeeded(incident_id)
        if complete:
            finished = not incident.open
            self.ledger.change(incident_id, lambda current: current.model_copy(update={
                "synced_seq": max(seq, current.synced_seq), "active": current.active and not finished}))
        return result

    def sync_active(self, deadline_seconds: float = 20.0) -> list[SyncResult]:
        """`sync` every active war room, oldest first, stopping after `deadline_seconds` (the rest wait for the
        next call) so a slow Slack cannot hold the caller."""
        until = time.monotonic() + deadline_seconds
        results = []
        for room in active_war_rooms(self.store):
            if time.monotonic() > until:
                break
            try:
                results.append(self.sync(room.incident_id))
            except LookupError as missing:  # its incident is gone from the store: say so, sync the others
                results.append(SyncResult(incident_id=room.incident_id, skipped=str(missing)))
        return results

    def open_missing(self, limit: int = 50) -> list[WarRoom]:
        """Open the war room of every open incident that has none yet, whatever its service. Only the watched
        service's incidents run incident_job (whose war_room asset opens theirs), so this is how an incident of
        any other monitored service gets one; and the watched service's gets its war room at the next sync
        instead of once the incident run has started (the asset then finds every step done)."""
        states = (SystemState.INCIDENT_ACTIVE.value, SystemState.VALIDATING.value, SystemState.RECOVERED.value)
        page = self.store.list_incidents(limit=limit, filters=IncidentFilter(states=states).filters())
        return [self.open(incident.incident_id) for incident in page.items
                if incident.open and self.ledger.get(incident.incident_id) is None]

    def _update_card(self, incident: IncidentRecord, record: WarRoomRecord) -> bool:
        message = self._card(incident, record)
        fingerprint = message.fingerprint()
        if fingerprint == record.card_fingerprint or self.mode != "channel":
            return False  # an incoming webhook's message cannot be edited; its updates are the replies
        card_ts = record.effects["card"].ts
        if not (record.channel_id and card_ts):
            return False
        self.gateway.update(record.channel_id, card_ts, message.text, message.blocks)
        self.ledger.set(incident.incident_id, card_fingerprint=fingerprint)
        return True

    def _post_thread(self, incident: IncidentRecord, record: WarRoomRecord, result: SyncResult) -> bool:
        """Post every due reply in order; False when another process holds one (it posts the rest in order)."""
        runs = self._runs(incident)
        card_ts = record.effects["card"].ts or None
        for post in due_posts(incident, runs):
            if is_done(record, post.key):
                continue
            if post.key.startswith("summary:"):
                self._write_report(incident, runs, record)
            if not self._once(incident.incident_id, post.key, lambda post=post: (self._post(record, post, card_ts),
                                                                                  {})):
                return False
            result.posted.append(post.key)
        return True

    def _post(self, record: WarRoomRecord, post: ThreadPost, card_ts: str | None) -> str:
        if self.mode == "channel":
            return self.gateway.post(record.channel_id, post.text, thread_ts=card_ts)
        # A webhook's messages cannot be threaded, so each names its incident.
        return self.gateway.post(None, f"[{record.service} · {record.incident_id}] {post.text}")

    def _write_report(self, incident: IncidentRecord, runs: list[TestRun], record: WarRoomRecord) -> None:
        if self.reports_dir is None:
            return
        path = write_report(self.reports_dir, incident, runs, record.channel_name)
        self.ledger.set(incident.incident_id, report_path=str(path))

    # ---- helpers ----------------------------------------------------------------------------------------
    def _incident(self, incident_id: str) -> IncidentRecord:
        incident = self.store.get_incident(incident_id)
        if incident is None:
            raise LookupError(f"Incident {incident_id} is not in the store {self.store.url}; a war room needs "
                              "its incident. Check that the API and Dagster use the same EVALFORGE_STORE.")
        return incident

    def _related(self, incident: IncidentRecord) -> list[RelatedSignature]:
        return rising_signatures(self.store.iter_signatures(), incident.card.detected_at)

    def _runs(self, incident: IncidentRecord) -> list[TestRun]:
        """The incident's validation runs in the order they ran (run ids chain, see recovery/runs.py)."""
        runs: list[TestRun] = []
        previous: str | None = None
        for _ in range(MAX_RUNS):
            run = self.store.get_test_run(next_run_id(incident.incident_id, previous))
            if run is None:
                break
            runs.append(run)
            previous = run.run_id
        return runs

    def _card(self, incident: IncidentRecord, record: WarRoomRecord) -> CardMessage:
        related = [RelatedSignature.model_validate(r) for r in record.related]
        return incident_card(incident, related=related, unresolved=record.unresolved, api_url=self.api_url)

    def _failed(self, incident_id: str, failure: SlackFailure) -> WarRoomRecord:
        log.warning("slack failed for the war room", extra={"incident_id": incident_id, "code": failure.code,
                                                           "error": failure.sentence})
        return self.ledger.failed(incident_id, failure.code, failure.sentence, failure.retry_after)

    def _war_room(self, record: WarRoomRecord, *, error: str | None = None, retryable: bool = True) -> WarRoom:
        card = record.effects.get("card")
        return WarRoom(incident_id=record.incident_id, mode=record.mode, channel_id=record.channel_id,
                       channel_name=record.channel_name, card_ts=card.ts if card else None,
                       invited=record.invited, unresolved=record.unresolved, ready=is_done(record, "card"),
                       error=error, retryable=retryable)

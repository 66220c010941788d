"""Where an incident's Slack war room stands, for the incident list (GET /api/incidents) and the console: read
from the war-room ledger alone (no call to Slack), a page of incidents at a time."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from urllib.parse import quote

from pydantic import BaseModel, Field

from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.settings import Settings
from evalforge_assets.store import Store
from evalforge_assets.store.war_rooms import get_war_rooms

# Slack's documented redirect opens a channel by id in whichever workspace the user is signed in to, so no
# workspace domain needs configuring.
SLACK_CHANNEL_REDIRECT = "https://slack.com/app_redirect?channel={channel_id}"

WarRoomState = Literal["ready", "opening", "failing", "not_configured"]


class WarRoomSummary(BaseModel):
    """An incident's war room: its channel, whether it is up to date, and the last Slack failure if one is
    waiting to be retried."""

    status: WarRoomState = Field(description="ready: channel, invites and card done and no Slack failure pending; "
                                             "opening: not all done yet; failing: the last Slack call failed and "
                                             "will be retried (see last_error); not_configured: Slack is not set "
                                             "up (SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL), so there is no war room.")
    mode: Literal["channel", "webhook"] | None = Field(
        default=None, description="channel: a channel of its own (bot token); webhook: posts to the incoming "
                                  "webhook's channel only.")
    channel_id: str | None = Field(default=None, examples=["C0123456789"])
    channel_name: str | None = Field(default=None, examples=["inc-20261201-checkout-1a2b"])
    channel_url: str | None = Field(default=None, description="Opens the channel in Slack.",
                                    examples=["https://slack.com/app_redirect?channel=C0123456789"])
    last_error: str | None = Field(default=None, description="What went wrong with Slack and what to fix.")
    retry_count: int = Field(default=0, description="Failed attempts since the last success.")
    next_retry_at: str | None = None
    ready_at: str | None = Field(default=None, description="When channel, invites and card were all done.")


def slack_configured(settings: Settings) -> bool:
    """Whether war rooms are opened at all (a bot token, or an incoming webhook)."""
    return bool(settings.secret_value("slack_bot_token") or settings.secret_value("slack_webhook_url"))


def channel_url(channel_id: str) -> str:
    return SLACK_CHANNEL_REDIRECT.format(channel_id=quote(channel_id, safe=""))


def war_room_summary(record: WarRoomRecord) -> WarRoomSummary:
    if record.last_error:
        status: WarRoomState = "failing"
    else:
        status = "ready" if record.ready_at else "opening"
    return WarRoomSummary(status=status, mode=record.mode, channel_id=record.channel_id,
                          channel_name=record.channel_name,
                          channel_url=channel_url(record.channel_id) if record.channel_id else None,
                          last_error=record.last_error, retry_count=record.retry_count,
                          next_retry_at=record.next_retry_at, ready_at=record.ready_at)


def war_room_summaries(store: Store, incident_ids: Sequence[str], *,
                       configured: bool) -> dict[str, WarRoomSummary | None]:
    """Each incident's war room in one read of the ledger. An incident without one gets `not_configured` when
    Slack is not set up (so a reader learns why), else None (none was opened for it, or not yet)."""
    records = get_war_rooms(store, incident_ids)
    return {incident_id: war_room_summary(records[incident_id]) if incident_id in records
            else None if configured else WarRoomSummary(status="not_configured") for incident_id in incident_ids}

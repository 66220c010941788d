"""The war-room ledger record: every Slack side effect of an incident's war room, so none happens twice."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from evalforge_assets.models._base import Record


class WarRoomEffect(Record):
    """One Slack side effect (the channel, a bookmark, the card, a thread reply), keyed in `WarRoomRecord.effects`.

    A process claims it (`claimed_by` a token of its own, `claimed_at`) before calling Slack and records
    `done_at` (and the message `ts`) right after, so a second process sees the claim and does not call Slack too.
    """

    claimed_by: str | None = None
    claimed_at: str | None = None
    done_at: str | None = None
    ts: str | None = None


class WarRoomRecord(Record):
    """The war room of one incident (document id `incident_id`)."""

    incident_id: str
    service: str
    mode: Literal["channel", "webhook"] = Field(
        description="channel: a channel per incident (bot token); webhook: posts to an incoming webhook only.")
    channel_name: str | None = None
    channel_id: str | None = None
    card_ts: str | None = None
    card_fingerprint: str | None = None
    invited: list[str] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list)
    related: list[dict[str, Any]] = Field(default_factory=list, description="RelatedSignature dumps.")
    effects: dict[str, WarRoomEffect] = Field(default_factory=dict)
    synced_seq: int = Field(default=0, description="The event log's last seq when a sync last finished clean.")
    active: bool = Field(default=True, description="False once the incident closed and everything was posted.")
    opened_at: str
    ready_at: str | None = Field(default=None, description="When channel, invites and card were all done.")
    report_path: str | None = None
    last_error: str | None = Field(default=None, description="The sentence of the last Slack failure.")
    error_code: str | None = None
    retry_count: int = 0
    next_retry_at: str | None = None
    last_ok_at: str | None = None

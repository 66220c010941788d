"""The incident card: one Block Kit message per war room, built with slack_sdk's block models and updated in
place (chat.update) whenever what it shows changes.

slack_sdk's models check Slack's limits (header length, field counts, button text) when `.to_dict()` runs, so a
card that Slack would refuse fails here, with the block that broke the rule, instead of at the API call.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)

from evalforge_assets.models import IncidentRecord, Link, SystemState
from evalforge_assets.recovery.related import RelatedSignature

STATE_MARK = {SystemState.INCIDENT_ACTIVE: ":red_circle:", SystemState.VALIDATING: ":large_yellow_circle:",
              SystemState.RECOVERED: ":large_green_circle:", SystemState.HEALTHY: ":white_check_mark:"}
HEADER_LIMIT = 150
BUTTON_TEXT_LIMIT = 75
SECTION_LIMIT = 3000
MAX_SIGNATURES = 5
MAX_EXTRA_LINKS = 8


def escape(text: str) -> str:
    """User text made inert in Slack mrkdwn: `&`, `<` and `>` are Slack's control characters (links, mentions)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def absolute(url: str, api_url: str) -> str:
    """Slack buttons and links need absolute URLs; the API's own paths (`/v1/signatures/...`) get its base."""
    return url if "://" in url else f"{api_url.rstrip('/')}/{url.lstrip('/')}"


def incident_url(incident_id: str, api_url: str) -> str:
    """The incident in Evalforge's console."""
    return f"{api_url.rstrip('/')}/incidents/{incident_id}"


class CardLinks(BaseModel):
    """The three evidence links every card carries as buttons (None when there is none yet)."""

    monitor: str | None
    dagster_run: str | None
    incident: str


class CardMessage(BaseModel):
    """What chat.postMessage / chat.update receive: the notification text and the blocks as dicts."""

    text: str
    blocks: list[dict[str, Any]]

    def fingerprint(self) -> str:
        """Changes exactly when the card's content does, so an unchanged card is never updated again."""
        body = json.dumps({"text": self.text, "blocks": self.blocks}, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(body.encode()).hexdigest()[:24]


def card_links(incident: IncidentRecord, api_url: str) -> CardLinks:
    links = incident.card.datadog_summary.evidence_links
    monitor = next((link.url for link in links if "monitor" in link.label.lower()), None)
    run = next((link.url for link in links if link.label == "Dagster run"), None)
    return CardLinks(monitor=absolute(monitor, api_url) if monitor else None,
                     dagster_run=absolute(run, api_url) if run else None,
                     incident=incident_url(incident.incident_id, api_url))


def card_text(incident: IncidentRecord) -> str:
    """The plain-text line notifications and screen readers show for the card."""
    return f"{incident.state.value}: {incident.card.title} ({incident.service})"


def _signal_fields(incident: IncidentRecord) -> list[MarkdownTextObject]:
    signal = incident.card.datadog_summary.signal
    monitor = incident.card.datadog_summary.monitor_id
    fields = [f"*State*\n{STATE_MARK[incident.state]} {incident.state.value}",
              f"*Service*\n{escape(incident.service)}",
              f"*Error rate (5m)*\n{signal.error_rate_5m:.1%}",
              f"*p95 latency (5m)*\n{signal.p95_latency_ms_5m:.0f} ms",
              f"*Detected*\n{incident.card.detected_at}",
              f"*Monitor*\n{escape(monitor) if monitor else 'none (detected by polling or simulate)'}"]
    return [MarkdownTextObject(text=clip(field, 2000)) for field in fields]


def _signatures_text(related: Sequence[RelatedSignature], api_url: str) -> str:
    if not related:
        return "*Failure signatures that rose with it*\nNone rose above their usual rate."
    lines = [f"• <{absolute(f'/v1/signatures/{r.signature_id}', api_url)}|{escape(clip(r.title, 120))}>: "
             f"{r.during} in the hour (usually {r.baseline_per_hour:g}/h)" for r in related[:MAX_SIGNATURES]]
    more = f"\n…and {len(related) - MAX_SIGNATURES} more" if len(related) > MAX_SIGNATURES else ""
    return "*Failure signatures that rose with it*\n" + "\n".join(lines) + more


def _other_links(incident: IncidentRecord, links: CardLinks, api_url: str) -> list[Link]:
    shown = {links.monitor, links.dagster_run, links.incident}
    others = [link for link in incident.card.datadog_summary.evidence_links
              if absolute(link.url, api_url) not in shown and not link.url.startswith("/v1/signatures/")]
    return others[:MAX_EXTRA_LINKS]


def _buttons(links: CardLinks) -> list[ButtonElement]:
    wanted = [("Datadog monitor", links.monitor, "monitor"), ("Dagster run", links.dagster_run, "dagster_run"),
              ("Incident in Evalforge", links.incident, "incident")]
    return [ButtonElement(text=label, url=url, action_id=f"evidence_{key}")
            for label, url, key in wanted if url]


def incident_card(incident: IncidentRecord, *, related: Sequence[RelatedSignature] = (),
                  unresolved: Sequence[str] = (), api_url: str) -> CardMessage:
    """The card for `incident` as it is now: state, service, signal, top error, rising signatures, evidence
    links, and every responder the routing file named who could not be found in Slack."""
    links = card_links(incident, api_url)
    top_error = incident.card.datadog_summary.signal.top_error
    blocks: list[Block] = [
        HeaderBlock(text=clip(f"{incident.state.value}: {incident.card.title}", HEADER_LIMIT)),
        SectionBlock(fields=_signal_fields(incident)),
        SectionBlock(text=MarkdownTextObject(text=clip(
            f"*Top error*\n{escape(top_error) if top_error else 'not known yet'}", SECTION_LIMIT))),
        SectionBlock(text=MarkdownTextObject(text=clip(_signatures_text(related, api_url), SECTION_LIMIT))),
    ]
    others = _other_links(incident, links, api_url)
    if others:
        lines = "\n".join(f"• <{absolute(link.url, api_url)}|{escape(clip(link.label, 150))}>" for link in others)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(f"*Evidence*\n{lines}", SECTION_LIMIT))))
    blocks.append(ActionsBlock(block_id="evidence", elements=_buttons(links)))
    if unresolved:
        names = ", ".join(escape(name) for name in unresolved)
        blocks.append(SectionBlock(text=MarkdownTextObject(text=clip(
            f":warning: *Responders not found in Slack* (not invited; fix the routing file): {names}",
            SECTION_LIMIT))))
    blocks += [DividerBlock(), ContextBlock(elements=[MarkdownTextObject(
        text=f"Incident `{incident.incident_id}` · updated in place as the incident changes")])]
    return CardMessage(text=clip(card_text(incident), SECTION_LIMIT), blocks=[block.to_dict() for block in blocks])

"""The incident card: valid Block Kit (slack_sdk's models check Slack's limits), user text escaped, and the
state, signal, signatures, evidence links and unresolved responders on it."""

from __future__ import annotations

import json

import pytest
from slack_sdk.errors import SlackObjectFormationError
from slack_sdk.models.blocks import Block

from evalforge_assets.models import SystemState
from evalforge_assets.recovery.related import RelatedSignature
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.cards import HeaderBlock, escape, incident_card
from evalforge_assets.store.sqlite import SqliteStore
from tests.unit.warroom_incidents import open_incident, ticking_clock

API = "https://evalforge.example.com"


@pytest.fixture
def incident(tmp_path):
    return open_incident(IncidentService(SqliteStore(tmp_path / "s.db"), service="checkout", clock=ticking_clock()))


def test_card_round_trips_through_slack_sdk_block_models(incident) -> None:
    card = incident_card(incident, related=[RelatedSignature(signature_id="sig1", title="Timeout <in> tool",
                                                             during=9, baseline_per_hour=1.0)],
                         unresolved=["@ghost (no member's name matches 'ghost')"], api_url=API)
    parsed = Block.parse_all(card.blocks)
    assert [block.to_dict() for block in parsed] == card.blocks  # every block is one Slack accepts
    types = [block["type"] for block in card.blocks]
    assert types[0] == "header" and "actions" in types and types[-1] == "context"


def test_card_shows_state_signal_top_error_signatures_links_and_unresolved(incident) -> None:
    card = incident_card(incident, related=[RelatedSignature(signature_id="sig1", title="Timeout <in> tool",
                                                             during=9, baseline_per_hour=1.0)],
                         unresolved=["@ghost"], api_url=API)
    body = json.dumps(card.blocks)
    assert "INCIDENT_ACTIVE" in card.blocks[0]["text"]["text"]
    assert "40.0%" in body and "120 ms" in body
    # User text is escaped: a top error or title cannot become a Slack link or mention.
    assert "POST /checkout 500 &lt;script&gt;&amp;" in body and "<script>" not in body
    assert f"<{API}/v1/signatures/sig1|Timeout &lt;in&gt; tool>" in body
    buttons = next(b for b in card.blocks if b["type"] == "actions")["elements"]
    assert {b["text"]["text"]: b["url"] for b in buttons} == {
        "Datadog monitor": "https://app.datadoghq.com/monitors/42",
        "Dagster run": "http://127.0.0.1:3000/runs/abc",
        "Incident in Evalforge": f"{API}/incidents/{incident.incident_id}"}
    assert "@ghost" in body and "not invited" in body


def test_card_changes_fingerprint_with_the_state_only(incident) -> None:
    first = incident_card(incident, api_url=API)
    assert incident_card(incident, api_url=API).fingerprint() == first.fingerprint()
    validating = incident.model_copy(update={"state": SystemState.VALIDATING})
    assert incident_card(validating, api_url=API).fingerprint() != first.fingerprint()


def test_a_long_title_is_clipped_to_slacks_header_limit(incident) -> None:
    long = incident.model_copy(update={"card": incident.card.model_copy(update={"title": "x" * 400})})
    header = incident_card(long, api_url=API).blocks[0]["text"]["text"]
    assert len(header) == 150
    with pytest.raises(SlackObjectFormationError):  # what the clip protects against
        HeaderBlock(text="x" * 151).to_dict()


def test_escape_covers_slacks_three_control_characters() -> None:
    assert escape("a & b < c > d") == "a &amp; b &lt; c &gt; d"

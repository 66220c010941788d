"""GET /health's "slack" entry: not configured, ok, or failing with the sentence saying what to fix."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from evalforge_api.app import create_app
from evalforge_assets.models.war_rooms import WarRoomRecord
from evalforge_assets.recovery.warroom.ledger import WarRoomLedger
from evalforge_assets.store.sqlite import SqliteStore
from tests.api.conftest import make_settings


def health(tmp_path: Path, store: SqliteStore, **settings: str | None) -> dict:
    with TestClient(create_app(make_settings(tmp_path, **settings), store)) as client:
        return client.get("/health").json()


def test_health_says_slack_is_not_configured_ok_or_failing_with_what_to_fix(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.db")
    assert health(tmp_path, store)["slack"]["state"] == "not_configured"
    ledger = WarRoomLedger(store)
    ledger.ensure(WarRoomRecord(incident_id="inc_1", service="checkout", mode="channel", opened_at="2026-12-01T10:"
                                "00:00.000000Z"))
    assert health(tmp_path, store, SLACK_BOT_TOKEN="xoxb-1")["slack"]["state"] == "ok"
    ledger.failed("inc_1", "invalid_auth", "Slack refused conversations.create with invalid_auth: SLACK_BOT_TOKEN "
                                           "is wrong or revoked.", None)
    body = health(tmp_path, store, SLACK_BOT_TOKEN="xoxb-1")
    assert body["slack"]["state"] == "failing" and body["status"] == "degraded"
    assert "SLACK_BOT_TOKEN is wrong" in body["slack"]["detail"] and body["slack"]["failing_incidents"] == ["inc_1"]
    assert "xoxb-1" not in str(body)
    store.close()

"""War-room channel names: deterministic per incident, within Slack's rules, and a pattern that is checked."""

from __future__ import annotations

import re

import pytest

from evalforge_assets.models import IncidentRecord
from evalforge_assets.recovery.service import IncidentService
from evalforge_assets.recovery.warroom.naming import ChannelPatternError, channel_name, check_pattern
from evalforge_assets.store.sqlite import SqliteStore
from tests.unit.warroom_incidents import open_incident, ticking_clock

SLACK_NAME = re.compile(r"^[a-z0-9_-]{1,80}$")


def incident(tmp_path, service: str = "checkout") -> IncidentRecord:
    return open_incident(IncidentService(SqliteStore(tmp_path / "s.db"), service=service, clock=ticking_clock()))


def test_default_pattern_gives_date_service_and_short_id(tmp_path) -> None:
    found = incident(tmp_path)
    name = channel_name(found)
    assert name == f"inc-20261201-checkout-{found.incident_id.removeprefix('inc_')[:4]}"
    assert channel_name(found) == name  # the same incident always asks Slack for the same channel


def test_service_names_are_made_slack_safe_and_long_ones_shortened_keeping_the_id(tmp_path) -> None:
    found = incident(tmp_path, service="Payments API/EU West " + "x" * 120)
    name = channel_name(found)
    assert SLACK_NAME.match(name), name
    assert name.startswith("inc-20261201-payments-api-eu-west-")
    assert name.endswith(found.incident_id.removeprefix("inc_")[:4])


def test_custom_pattern_with_the_full_incident_id(tmp_path) -> None:
    found = incident(tmp_path)
    assert channel_name(found, "war_{service}_{incident_id}") == f"war_checkout_{found.incident_id}"


@pytest.mark.parametrize("pattern, complaint", [
    ("inc-{date}-{team}-{short_id}", "team"),
    ("inc-{date}-{service}", "short_id"),
    ("inc-{date", "not a valid pattern"),
])
def test_unusable_patterns_are_refused_with_what_to_change(pattern: str, complaint: str) -> None:
    with pytest.raises(ChannelPatternError, match=complaint):
        check_pattern(pattern)

"""The war-room channel's name: one deterministic name per incident, within Slack's channel-name rules.

Slack channel names are lowercase, at most 80 characters, of letters, digits, hyphens and underscores. The
name is a function of the incident alone (never of the clock), so every retry, re-run or second process asks
Slack for the same name and `find_or_create_channel` finds the channel a crashed attempt already created.
"""

from __future__ import annotations

import re
import string

from evalforge_assets.models import IncidentRecord, parse_iso

DEFAULT_CHANNEL_PATTERN = "inc-{date}-{service}-{short_id}"
MAX_CHANNEL_NAME = 80
PLACEHOLDERS = frozenset({"date", "service", "short_id", "incident_id"})
_NOT_ALLOWED = re.compile(r"[^a-z0-9_-]+")
_REPEATED_HYPHENS = re.compile(r"-{2,}")


class ChannelPatternError(ValueError):
    """EVALFORGE_SLACK_CHANNEL_PATTERN names a placeholder this version does not fill, or none that varies."""


def check_pattern(pattern: str) -> str:
    """`pattern` itself when it can name channels; raises ChannelPatternError saying what to change."""
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None}
    except ValueError as exc:
        raise ChannelPatternError(f"EVALFORGE_SLACK_CHANNEL_PATTERN={pattern!r} is not a valid pattern ({exc}); "
                                  f"use placeholders in braces, like {DEFAULT_CHANNEL_PATTERN!r}.") from None
    unknown = used - PLACEHOLDERS
    if unknown:
        raise ChannelPatternError(
            f"EVALFORGE_SLACK_CHANNEL_PATTERN={pattern!r} uses {', '.join(sorted(unknown))}, which is not a "
            f"placeholder; use only {', '.join(sorted(PLACEHOLDERS))}.")
    if not used & {"short_id", "incident_id"}:
        # Without the incident's id, two incidents of a service on one day would share a channel.
        raise ChannelPatternError(
            f"EVALFORGE_SLACK_CHANNEL_PATTERN={pattern!r} has no {{short_id}} or {{incident_id}}, so two incidents "
            "on the same day would share one channel; add {short_id}.")
    return pattern


def short_id(incident_id: str) -> str:
    """The first four characters of the incident's hash (`inc_1a2b...` → `1a2b`)."""
    return incident_id.removeprefix("inc_")[:4].lower()


def slack_safe(text: str) -> str:
    """`text` lowercased with every run of characters Slack refuses in a channel name turned into one hyphen."""
    return _REPEATED_HYPHENS.sub("-", _NOT_ALLOWED.sub("-", text.lower())).strip("-")


def channel_name(incident: IncidentRecord, pattern: str = DEFAULT_CHANNEL_PATTERN) -> str:
    """The channel for `incident`, e.g. `inc-20261201-checkout-1a2b` with the default pattern.

    Over 80 characters, the service part is shortened first, so the date and the id that make it unique stay.
    """
    check_pattern(pattern)
    date = parse_iso(incident.card.detected_at).strftime("%Y%m%d")
    fields = {"date": date, "short_id": short_id(incident.incident_id),
              "incident_id": slack_safe(incident.incident_id), "service": slack_safe(incident.service) or "service"}
    name = slack_safe(pattern.format(**fields))
    excess = len(name) - MAX_CHANNEL_NAME
    if excess > 0 and "{service}" in pattern:
        fields["service"] = fields["service"][: max(1, len(fields["service"]) - excess)].strip("-") or "s"
        name = slack_safe(pattern.format(**fields))
    return name[:MAX_CHANNEL_NAME].strip("-")

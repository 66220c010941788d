"""Who is pulled into a war room: the routing file (service -> team -> people) and resolving people to Slack ids.

The file named by EVALFORGE_SLACK_ROUTING is YAML:

    teams:
      payments: [carol@example.com, "@dave"]
      sre: [alice@example.com, Bob Jones]
    services:
      checkout: payments
    default: sre          # the team for every service not listed

People are emails (resolved with users.lookupByEmail) or Slack handles / names (matched against users.list by
display name, then real name, then username, then a fuzzy match). A person who cannot be matched to exactly
one member is reported as unresolved with the reason, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from rapidfuzz import fuzz, utils

from evalforge_assets.recovery.warroom.slack_gateway import SlackUser

DEFAULT_FUZZY_THRESHOLD = 90.0
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class RoutingFileError(ValueError):
    """The routing file cannot be used; the message names the file and what is wrong in it."""


class RoutingFile(BaseModel):
    """The parsed routing file: teams of people, which team owns which service, and the default team."""

    model_config = ConfigDict(extra="forbid")

    teams: dict[str, list[str]] = Field(min_length=1)
    services: dict[str, str] = Field(default_factory=dict)
    default: str

    @model_validator(mode="after")
    def _teams_exist(self) -> RoutingFile:
        named = {"default": self.default} | {f"services.{service}": team for service, team in self.services.items()}
        missing = {where: team for where, team in named.items() if team not in self.teams}
        if missing:
            listed = ", ".join(f"{where} names team {team!r}" for where, team in missing.items())
            raise ValueError(f"{listed}, which is not under teams (teams: {', '.join(sorted(self.teams))})")
        for team, people in self.teams.items():
            if not people or any(not person.strip() for person in people):
                raise ValueError(f"team {team!r} needs at least one person, and no empty entries")
        return self

    def team_for(self, service: str) -> str:
        return self.services.get(service, self.default)

    def people_for(self, service: str) -> list[str]:
        return list(self.teams[self.team_for(service)])


def load_routing(path: Path) -> RoutingFile:
    """The routing file at `path`; raises RoutingFileError naming the file and the problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise RoutingFileError(f"The Slack routing file {path} (EVALFORGE_SLACK_ROUTING) cannot be read: "
                               f"{error.strerror or error}. Fix the path or unset EVALFORGE_SLACK_ROUTING.") from error
    except yaml.YAMLError as error:
        raise RoutingFileError(f"The Slack routing file {path} is not valid YAML: {error}. Fix the YAML "
                               "(see docs/recovery.md, Slack set-up, for the format).") from error
    if not isinstance(raw, dict):
        raise RoutingFileError(f"The Slack routing file {path} must be a mapping with `teams`, `services` and "
                               "`default` (see docs/recovery.md, Slack set-up).")
    try:
        return RoutingFile.model_validate(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg']}" for e in error.errors())
        raise RoutingFileError(f"The Slack routing file {path} is not usable: {problems}. Fix it (see "
                               "docs/recovery.md, Slack set-up, for the format).") from error


class UserDirectory(Protocol):
    """Where Slack members are looked up (SlackGateway provides both methods)."""

    def lookup_by_email(self, email: str) -> str | None: ...

    def list_users(self) -> list[SlackUser]: ...


class Resolution(BaseModel):
    """Slack user ids of the people who were found, and the people who were not, each with the reason."""

    user_ids: list[str] = Field(default_factory=list)
    unresolved: list[str] = Field(default_factory=list)
    reasons: dict[str, str] = Field(default_factory=dict)


def resolve_people(directory: UserDirectory, people: Sequence[str], *,
                   threshold: float = DEFAULT_FUZZY_THRESHOLD) -> Resolution:
    """Resolve routing-file entries to Slack user ids: emails through users.lookupByEmail, anything else by an
    exact (case-insensitive) display name, real name or username, then a fuzzy match scoring at least
    `threshold` (0-100). Several equal matches, or none close enough, leave the person unresolved.

    Raises SlackFailure when Slack itself refuses (e.g. the users:read.email scope is missing).
    """
    resolution = Resolution()
    members: list[SlackUser] | None = None
    for person in people:
        entry = person.strip()
        if _EMAIL.match(entry):
            user_id = directory.lookup_by_email(entry)
            reason = None if user_id else "no Slack member has this email"
        else:
            if members is None:
                # Listed once, and only when someone is named by handle: users.list pages through everyone.
                members = [m for m in directory.list_users() if not m.deleted and not m.is_bot]
            user_id, reason = _match_name(entry.removeprefix("@"), members, threshold)
        if user_id:
            if user_id not in resolution.user_ids:
                resolution.user_ids.append(user_id)
        else:
            resolution.unresolved.append(person)
            resolution.reasons[person] = reason or "not found"
    return resolution


def _match_name(handle: str, members: list[SlackUser], threshold: float) -> tuple[str | None, str | None]:
    wanted = handle.casefold()
    for field in ("display_name", "real_name", "name"):
        exact = [m for m in members if getattr(m, field) and getattr(m, field).casefold() == wanted]
        if len(exact) == 1:
            return exact[0].id, None
        if len(exact) > 1:
            return None, f"several members have the {field.replace('_', ' ')} {handle!r}: " + ", ".join(
                m.id for m in exact)
    scored = sorted(((_best_score(handle, m), m) for m in members), key=lambda pair: pair[0], reverse=True)
    close = [(score, m) for score, m in scored if score >= threshold]
    if len(close) == 1:
        return close[0][1].id, None
    if len(close) > 1:
        return None, f"several members are close to {handle!r}: " + ", ".join(
            f"{m.id} ({score:.0f})" for score, m in close)
    best = f" (closest: {scored[0][1].id} at {scored[0][0]:.0f} < {threshold:g})" if scored else ""
    return None, f"no member's name matches {handle!r}{best}"


def _best_score(handle: str, candidate: SlackUser) -> float:
    names = [name for name in (candidate.display_name, candidate.real_name, candidate.name) if name]
    return max((fuzz.ratio(handle, name, processor=utils.default_process) for name in names), default=0.0)

"""Shared base model and time helpers for every record the store and the API exchange."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict

SCHEMA_VERSION = 1


class Record(BaseModel):
    """Base for stored records: unknown fields are kept so newer writers never lose data for older readers."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)


class Contract(BaseModel):
    """Base for the incident contract: the front end depends on these key sets exactly, so extras are refused."""

    model_config = ConfigDict(extra="forbid")


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """One ISO-8601 form for every stored time, so string order is time order in SQLite and Firestore alike."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def now_iso() -> str:
    return iso(utc_now())


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value)

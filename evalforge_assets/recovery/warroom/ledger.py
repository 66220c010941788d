"""The war-room ledger: every Slack side effect is claimed in the store before Slack is called and recorded
right after, so re-runs, retries, redeliveries and two processes syncing at once never do it twice.

Claims. `claim(key)` writes this process's token on the effect through `Store.update` (compare-and-set), only
when the effect is neither done nor held by a live claim; whoever's token is stored goes ahead. A claim whose
holder died between calling Slack and recording the answer is left alone for CLAIM_TIMEOUT_SECONDS and then
taken over, so the effect is done again: after a crash at exactly that moment, a reply may appear twice rather
than never (at-least-once), and the timeout is far above any Slack call's own retries (a few Retry-After waits
of seconds), so a slow holder that is still alive is never overtaken.

Failures. A SlackFailure is recorded on the war room (its sentence, code, retry count and when to retry: after
Slack's Retry-After when rate limited, else a backoff growing to RETRY_CAP_SECONDS), and the claim is released.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from evalforge_assets.models import iso, now_iso, parse_iso
from evalforge_assets.models.war_rooms import WarRoomEffect, WarRoomRecord
from evalforge_assets.store import Store
from evalforge_assets.store.war_rooms import get_war_room

COLLECTION = "war_rooms"
CLAIM_TIMEOUT_SECONDS = 120.0
RETRY_BASE_SECONDS = 5.0
RETRY_CAP_SECONDS = 300.0


def retry_delay(retry_count: int, retry_after: float | None) -> float:
    """Seconds to wait before trying Slack again: Slack's Retry-After when it gave one, else 5 s doubling to 5 min."""
    if retry_after is not None:
        return max(retry_after, 1.0)
    return min(RETRY_CAP_SECONDS, RETRY_BASE_SECONDS * 2 ** max(0, retry_count - 1))


def is_done(record: WarRoomRecord | None, key: str) -> bool:
    effect = record.effects.get(key) if record else None
    return effect is not None and effect.done_at is not None


class WarRoomLedger:
    """Reads and writes one store's war-room records on behalf of one process (`owner` tells claims apart)."""

    def __init__(self, store: Store, *, clock: Callable[[], str] = now_iso,
                 claim_timeout_seconds: float = CLAIM_TIMEOUT_SECONDS) -> None:
        self.store = store
        self.clock = clock
        self.owner = uuid.uuid4().hex[:12]
        self.claim_timeout_seconds = claim_timeout_seconds

    def get(self, incident_id: str) -> WarRoomRecord | None:
        return get_war_room(self.store, incident_id)

    def ensure(self, record: WarRoomRecord) -> WarRoomRecord:
        """The stored war room of `record.incident_id`, created from `record` when there is none yet."""
        self.store.create(COLLECTION, record)
        stored = self.get(record.incident_id)
        assert stored is not None  # just created, or created by another process first
        return stored

    def change(self, incident_id: str, change: Callable[[WarRoomRecord], WarRoomRecord | None]) -> WarRoomRecord:
        """Read-modify-write the war room (`change` must be pure: it may run again after a conflict)."""

        def guarded(current: WarRoomRecord | None) -> WarRoomRecord | None:
            if current is None:
                raise LookupError(f"Incident {incident_id} has no war room yet; open it before changing it.")
            return change(current)

        stored = self.store.update(COLLECTION, WarRoomRecord, incident_id, guarded)
        assert stored is not None
        return stored

    def set(self, incident_id: str, **fields: Any) -> WarRoomRecord:
        """Write these fields of the war room unless they already hold these values."""
        return self.change(incident_id, lambda current: None if all(
            getattr(current, name) == value for name, value in fields.items()) else current.model_copy(
            update=fields))

    # ---- claims --------------------------------------------------------------------------------------------
    def _expired(self, effect: WarRoomEffect, now: str) -> bool:
        if effect.claimed_at is None:
            return True
        age = (parse_iso(now) - parse_iso(effect.claimed_at)).total_seconds()
        return age >= self.claim_timeout_seconds

    def claim(self, incident_id: str, key: str) -> str | None:
        """A token when this process now holds `key` (go ahead and call Slack), None when it is done or another
        live process holds it."""
        token = f"{self.owner}:{uuid.uuid4().hex[:8]}"
        now = self.clock()

        def take(current: WarRoomRecord) -> WarRoomRecord | None:
            effect = current.effects.get(key)
            if effect is not None and (effect.done_at is not None or
                                       (effect.claimed_by is not None and not self._expired(effect, now))):
                return None
            claimed = WarRoomEffect(claimed_by=token, claimed_at=now)
            return current.model_copy(update={"effects": {**current.effects, key: claimed}})

        stored = self.change(incident_id, take)
        effect = stored.effects.get(key)
        return token if effect is not None and effect.claimed_by == token and effect.done_at is None else None

    def record(self, incident_id: str, key: str, token: str, *, ts: str | None = None,
               **fields: Any) -> WarRoomRecord:
        """The effect `key` is done (with its message ts), together with any war-room fields it set."""
        now = self.clock()

        def finish(current: WarRoomRecord) -> WarRoomRecord | None:
            effect = current.effects.get(key) or WarRoomEffect(claimed_by=token, claimed_at=now)
            if effect.done_at is not None:
                return None  # a process that took over an expired claim finished first; its ts stands
            done = effect.model_copy(update={"done_at": now, "ts": ts})
            return current.model_copy(update={"effects": {**current.effects, key: done}, **fields})

        return self.change(incident_id, finish)

    def release(self, incident_id: str, key: str, token: str) -> None:
        """Give up a claim after a failure, so the next sync retries the effect at once when it is due."""

        def free(current: WarRoomRecord) -> WarRoomRecord | None:
            effect = current.effects.get(key)
            if effect is None or effect.claimed_by != token or effect.done_at is not None:
                return None
            return current.model_copy(update={"effects": {k: v for k, v in current.effects.items() if k != key}})

        self.change(incident_id, free)

    # ---- failures --------------------------------------------------------------------------------------------
    def failed(self, incident_id: str, code: str, sentence: str, retry_after: float | None) -> WarRoomRecord:
        """Record a Slack failure: its sentence and code, one more retry, and when the next attempt is due."""
        now = self.clock()

        def note(current: WarRoomRecord) -> WarRoomRecord:
            count = current.retry_count + 1
            due = iso(parse_iso(now) + timedelta(seconds=retry_delay(count, retry_after)))
            return current.model_copy(update={"last_error": sentence, "error_code": code, "retry_count": count,
                                              "next_retry_at": due})

        return self.change(incident_id, note)

    def succeeded(self, incident_id: str) -> WarRoomRecord:
        """Slack answered: clear the error (the record is only written when there was one)."""
        now = self.clock()
        return self.change(incident_id, lambda current: None if current.last_error is None else current.model_copy(
            update={"last_error": None, "error_code": None, "retry_count": 0, "next_retry_at": None,
                    "last_ok_at": now}))

    def waiting(self, record: WarRoomRecord) -> bool:
        """Whether the war room is waiting out a failure (its next retry is not due yet)."""
        return record.next_retry_at is not None and parse_iso(self.clock()) < parse_iso(record.next_retry_at)

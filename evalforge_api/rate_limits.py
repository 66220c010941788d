"""Request limits every API replica enforces together, through fixed-window counters in the store.

Two replicas behind one ingress must not each allow a key its whole quota, so the counts live in the store's
`rate_limits` collection (`models.limits.RateWindow`, written with `Store.update`, which never loses a
concurrent increment). A store write per request would put the store on every request's path, so each
replica reserves a block of requests at once and hands them out locally; a block it does not use before the
window ends is simply lost, and a replica reserves its next block when half of the current one is left, so
requests rarely wait on the store. Admissions therefore never exceed the limit; a replica may refuse up to a
block and a half early while another still holds unused reservations. The API takes from the block on its event
loop (`try_acquire`, which never waits) and moves to a thread only for the requests that write the store.

Failed authentication is counted the same way, per client address (`FailedAuthThrottle`). Only failures write
to the store; successful requests read nothing but the replica's own memory of blocked addresses.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from evalforge_assets.models.limits import RateWindow
from evalforge_assets.store import Store

StoreOf = Callable[[], Store]
COLLECTION = "rate_limits"

# A block is a fiftieth of the limit (at most 100): a limit of 100 a minute reserves 2 at a time, a load test's
# 100,000 a minute reserves 100, so one request in a hundred touches the store.
_BLOCK_DIVISOR = 50
_MAX_BLOCK = 100


def block_size(per_window: int) -> int:
    """How many requests a replica reserves from the store at once for a limit of `per_window`."""
    return max(1, min(_MAX_BLOCK, per_window // _BLOCK_DIVISOR))


@dataclass(frozen=True)
class Admission:
    """What `SharedRateLimiter.try_acquire` decided without waiting."""

    wait: float | None  # None: allowed; else the seconds until the key's window ends
    top_up: Callable[[], None] | None = None  # reserve the next block from the store; run it in a thread


@dataclass
class _Reservation:
    window_start: int
    remaining: int = 0
    exhausted: bool = False  # the store has no more for this window
    refilling: bool = False  # a request is reserving the next block


class SharedRateLimiter:
    """At most `per_window` requests per key per fixed window of `window_seconds`, across all replicas."""

    def __init__(self, store_of: StoreOf, per_window: int, *, window_seconds: int = 60,
                 clock: Callable[[], float] = time.time) -> None:
        if per_window < 1 or window_seconds < 1:
            raise ValueError(f"A rate limit needs at least 1 request per window of at least 1 s; got "
                             f"{per_window} per {window_seconds} s.")
        self.per_window = per_window
        self.window_seconds = window_seconds
        self.block = block_size(per_window)
        self._store_of = store_of
        self._clock = clock
        self._reservations: dict[str, _Reservation] = {}
        self._lock = threading.Lock()

    def acquire(self, key_id: str) -> float | None:
        """Take one request for `key_id`: None when allowed, else the seconds until its window ends."""
        now = self._clock()
        with self._lock:
            held = self._current(key_id, now)
            if held.remaining == 0 and not held.exhausted:
                # Nothing left here: this request waits for the store (under the lock, so the threads of one
                # replica do not each take a block).
                granted = self._reserve(key_id, held.window_start)
                held.remaining, held.exhausted = granted, granted == 0
            wait, refill = self._take(held, now)
        if refill:
            self._refill(key_id, held)
        return wait

    def try_acquire(self, key_id: str) -> Admission | None:
        """`acquire` without ever waiting, for the event loop: None when this request would wait (its block is
        empty and must be reserved from the store, or a thread holds the lock while it does so); then call
        `acquire` in a thread. An admission may carry a `top_up` to run in a thread (it writes the store)."""
        now = self._clock()
        if not self._lock.acquire(blocking=False):
            return None
        try:
            held = self._current(key_id, now)
            if held.remaining == 0 and not held.exhausted:
                return None
            wait, refill = self._take(held, now)
        finally:
            self._lock.release()
        return Admission(wait, partial(self._refill, key_id, held) if refill else None)

    def _current(self, key_id: str, now: float) -> _Reservation:
        """`key_id`'s reservation for the window holding `now` (a new, empty one in a new window); under the lock."""
        window_start = int(now // self.window_seconds) * self.window_seconds
        held = self._reservations.get(key_id)
        if held is None or held.window_start != window_start:
            held = self._reservations[key_id] = _Reservation(window_start)
        return held

    def _take(self, held: _Reservation, now: float) -> tuple[float | None, bool]:
        """Take one request from `held` (under the lock): (None, refill?) when allowed, else (wait, False).

        At half a block left, this request is told to reserve the next block outside the lock, so the others
        keep taking what is left instead of waiting on the store (whose writes may queue behind an ingest)."""
        if held.remaining == 0:
            return max(0.0, held.window_start + self.window_seconds - now), False
        held.remaining -= 1
        if self.block > 1 and held.remaining <= self.block // 2 and not (held.refilling or held.exhausted):
            held.refilling = True
            return None, True
        return None, False

    def _refill(self, key_id: str, held: _Reservation) -> None:
        try:
            granted = self._reserve(key_id, held.window_start)
        except BaseException:
            with self._lock:
                held.refilling = False
            raise
        with self._lock:
            held.refilling = False
            held.remaining += granted
            held.exhausted = granted == 0

    def _reserve(self, key_id: str, window_start: int) -> int:
        granted = 0

        def take(current: RateWindow | None) -> RateWindow | None:
            nonlocal granted
            used = current.count if current is not None and current.window_start == window_start else 0
            granted = min(self.block, self.per_window - used)
            if granted <= 0:
                granted = 0
                return None
            return RateWindow(counter_id=f"key:{key_id}", window_start=window_start, count=used + granted)

        # `take` may run several times under contention; only the run whose write succeeded sets `granted` last.
        self._store_of().update(COLLECTION, RateWindow, f"key:{key_id}", take, attempts=200)
        return granted


class FailedAuthThrottle:
    """After `max_failures` failed authentications from one address within `window_seconds`, every request
    from that address that needs a key is refused for `window_seconds`, on every replica.

    A blocked address is refused even with a valid key: were it let through, a guesser could still tell a
    right key (200) from a wrong one (429) and the throttle would not slow guessing at all.
    """

    def __init__(self, store_of: StoreOf, max_failures: int, window_seconds: int, *,
                 clock: Callable[[], float] = time.time) -> None:
        if max_failures < 1 or window_seconds < 1:
            raise ValueError(f"The failed-authentication throttle needs at least 1 failure in a window of at "
                             f"least 1 s; got {max_failures} in {window_seconds} s.")
        self.max_failures = max_failures
        self.window_seconds = window_seconds
        self._store_of = store_of
        self._clock = clock
        self._blocked: dict[str, float] = {}
        self._lock = threading.Lock()

    def blocked_for(self, address: str) -> float | None:
        """Seconds `address` stays blocked as this replica knows it (no store read), or None."""
        now = self._clock()
        with self._lock:
            until = self._blocked.get(address)
            if until is None:
                return None
            if until <= now:
                del self._blocked[address]
                return None
            return until - now

    def record_failure(self, address: str) -> float | None:
        """Count a failure from `address`; the seconds it is blocked for when it already was (another replica
        may have blocked it), None otherwise, including when this failure is the one that reaches the limit."""
        now = self._clock()
        window_start = int(now // self.window_seconds) * self.window_seconds
        was_blocked_until: float | None = None

        def count(current: RateWindow | None) -> RateWindow | None:
            nonlocal was_blocked_until
            was_blocked_until = None
            if current is not None and current.blocked_until is not None and current.blocked_until > now:
                was_blocked_until = current.blocked_until
                return None  # already refused everywhere; no need to write
            used = current.count if current is not None and current.window_start == window_start else 0
            failures = used + 1
            blocked_until = now + self.window_seconds if failures >= self.max_failures else None
            return RateWindow(counter_id=f"auth-failures:{address}", window_start=window_start, count=failures,
                              blocked_until=blocked_until)

        stored = self._store_of().update(COLLECTION, RateWindow, f"auth-failures:{address}", count, attempts=200)
        if stored is not None and stored.blocked_until is not None and stored.blocked_until > now:
            with self._lock:
                self._blocked[address] = stored.blocked_until
        return was_blocked_until - now if was_blocked_until is not None else None


def retry_after_seconds(wait: float) -> int:
    """A Retry-After value: whole seconds, at least 1."""
    return max(1, math.ceil(wait))

"""The auth dependency answers the common request on the event loop: a known key with room left in this
replica's block of the rate limit takes no threadpool hop; reserving a block or counting a wrong key (store
writes) still run in a thread, and the limit is never passed."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi import HTTPException

import evalforge_api.auth as auth_module
from evalforge_api.auth import Authenticator, Principal, Role
from evalforge_api.rate_limits import FailedAuthThrottle, SharedRateLimiter
from evalforge_assets.store import Store
from evalforge_assets.store.sqlite import SqliteStore

START = 6_000.0  # the start of a minute
KEY = Principal(Role.viewer, "key-0123456789")


@pytest.fixture
def sqlite(tmp_path: Path) -> Any:
    store = SqliteStore(tmp_path / "limits.db")
    yield store
    store.close()


def _authenticator(store: Store, per_window: int) -> Authenticator:
    limiter = SharedRateLimiter(lambda: store, per_window, clock=lambda: START)
    return Authenticator([], limiter, FailedAuthThrottle(lambda: store, 10, 60))


def test_try_acquire_takes_from_the_block_in_memory_and_asks_for_a_top_up_at_half(sqlite: SqliteStore) -> None:
    limiter = SharedRateLimiter(lambda: sqlite, per_window=1000, clock=lambda: START)  # blocks of 20
    assert limiter.try_acquire("k") is None  # nothing reserved yet: the caller must go to a thread
    assert sqlite.version("rate_limits", "key:k") is None  # never written
    assert limiter.acquire("k") is None  # the thread path reserves the first block (19 left)
    admissions = [limiter.try_acquire("k") for _ in range(9)]
    assert all(a is not None and a.wait is None for a in admissions)
    assert [a.top_up is not None for a in admissions if a is not None] == [False] * 8 + [True]  # 10 left
    assert sqlite.version("rate_limits", "key:k") == 1  # nine admissions, no store write
    top_up = admissions[-1].top_up  # type: ignore[union-attr]
    assert top_up is not None
    top_up()
    assert sqlite.version("rate_limits", "key:k") == 2
    assert sum(limiter.try_acquire("k") is not None for _ in range(30)) == 30  # 10 + 20 held in memory


class _SlowStore:
    """A store whose writes wait until released, like a write queued behind an ingest."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self.release = threading.Event()

    def update(self, *args: Any, **kwargs: Any) -> Any:
        self.release.wait(10)
        return self._store.update(*args, **kwargs)


def test_try_acquire_never_waits_while_a_thread_reserves_under_the_lock(sqlite: SqliteStore) -> None:
    slow = _SlowStore(sqlite)
    limiter = SharedRateLimiter(lambda: slow, per_window=1000,  # type: ignore[arg-type,return-value]
                                clock=lambda: START)
    reserving = threading.Thread(target=limiter.acquire, args=("k",))
    reserving.start()
    time.sleep(0.1)  # the thread now holds the lock, waiting on the store
    started = time.perf_counter()
    assert limiter.try_acquire("k") is None
    assert time.perf_counter() - started < 0.05  # refused at once: the event loop is never blocked
    slow.release.set()
    reserving.join(10)
    admission = limiter.try_acquire("k")
    assert admission is not None and admission.wait is None


def test_the_common_path_takes_no_thread_hop(sqlite: SqliteStore, monkeypatch: pytest.MonkeyPatch) -> None:
    authenticator = _authenticator(sqlite, per_window=100_000)  # blocks of 100
    hops: list[object] = []
    real = auth_module.run_in_threadpool

    async def counted(func: Any, *args: Any) -> Any:
        hops.append(func)
        return await real(func, *args)

    monkeypatch.setattr(auth_module, "run_in_threadpool", counted)

    async def requests(count: int) -> None:
        for _ in range(count):
            await authenticator.check_rate_async(KEY)

    asyncio.run(requests(1))
    assert len(hops) == 1  # the first request reserves the first block in a thread
    asyncio.run(requests(40))
    assert len(hops) == 1  # the next 40 took from the block on the event loop
    asyncio.run(requests(20))
    assert len(hops) == 2  # at half a block left one request topped it up in a thread
    assert sqlite.version("rate_limits", f"key:{KEY.key_id}") == 2


def test_concurrent_async_requests_never_pass_the_limit(sqlite: SqliteStore) -> None:
    authenticator = _authenticator(sqlite, per_window=1000)

    async def one() -> bool:
        try:
            await authenticator.check_rate_async(KEY)
        except HTTPException as refused:
            assert refused.status_code == 429 and refused.headers == {"Retry-After": "60"}
            return False
        return True

    async def crowd() -> int:
        return sum(await asyncio.gather(*(one() for _ in range(1500))))

    assert asyncio.run(crowd()) == 1000  # one replica: every reserved request is handed out, none beyond
    assert sqlite.version("rate_limits", f"key:{KEY.key_id}") <= 1000 // 20 + 2  # one write per block or so

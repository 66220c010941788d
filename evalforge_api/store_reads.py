"""Where an API route runs its store reads: on the event loop when the store says its reads never wait, in the
threadpool otherwise.

A plain `def` route costs a thread hop, and under 32 concurrent clients the hops and the threads fighting the
event loop for the GIL cost more than the reads (docs/operations.md, "Load test"). SqliteStore over a file reads
a WAL snapshot in-process without taking a lock, so a read is a millisecond or two of CPU that no thread could
run any faster: the read-only routes run it on the loop. A store whose reads go over the network (Firestore) or
may wait for a writer keeps them in the threadpool, so the loop never blocks on I/O. Writes always run in the
threadpool, since a writer may wait for another process's write lock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from fastapi.concurrency import run_in_threadpool

from evalforge_assets.store import Store

P = ParamSpec("P")
T = TypeVar("T")


def reads_on_caller(store: Store) -> bool:
    """True when `store` declares its reads in-process and lock-free (`SqliteStore.reads_on_caller`); any other
    store (Firestore, test doubles) is read in the threadpool."""
    return getattr(store, "reads_on_caller", False) is True


async def read_from(store: Store, read: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """`read(*args, **kwargs)`, which only reads `store`: inline when its reads never wait, else in a thread."""
    if reads_on_caller(store):
        return read(*args, **kwargs)
    return await run_in_threadpool(read, *args, **kwargs)

"""Writes from several PROCESSES sharing one store (one SQLite file, or one Firestore emulator) lose nothing.

Each test spawns fresh interpreters (not forks, so no connection or client is inherited) that open the store
from its URL, wait at a barrier so they start together, and race. Firestore children find the emulator through
FIRESTORE_EMULATOR_HOST, which the emulator fixture put in the environment they inherit.
"""

from __future__ import annotations

import multiprocessing
import traceback
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from typing import Any

from evalforge_assets.models import Claim, FailureSignature
from evalforge_assets.store import open_store
from tests.fixtures.factories import make_signature, revise
from tests.fixtures.stores import StoreBackend

PROCESSES = 4
INCREMENTS = 50
CLAIMANTS = 4
START_TIMEOUT_SECONDS = 120.0  # spawned interpreters import pydantic and the Firestore client first
FINISH_TIMEOUT_SECONDS = 300.0
# Four processes hammering one record is far hotter than any record Evalforge writes: the default 20 attempts can
# run out on a slow emulator (VersionConflict, as documented). This test is about no lost update, so it gives
# update the budget such contention needs.
HOT_RECORD_ATTEMPTS = 200


def _increment(url: str, doc_id: str, times: int, barrier: Barrier) -> dict[str, Any]:
    store = open_store(url)
    calls = 0

    def add_one(signature: FailureSignature | None) -> FailureSignature:
        nonlocal calls
        calls += 1
        assert signature is not None, f"{doc_id} vanished during the race"
        return revise(signature, count=signature.count + 1)

    try:
        barrier.wait(START_TIMEOUT_SECONDS)
        for _ in range(times):
            store.update("signatures", FailureSignature, doc_id, add_one, attempts=HOT_RECORD_ATTEMPTS)
    finally:
        store.close()
    return {"calls": calls}


def _claim(url: str, key: str, owner: str, barrier: Barrier) -> dict[str, Any]:
    store = open_store(url)
    try:
        barrier.wait(START_TIMEOUT_SECONDS)
        won = store.create("claims", Claim(key=key, owner=owner))
    finally:
        store.close()
    return {"owner": owner, "won": won}


def _take_released(url: str, key: str, owner: str, barrier: Barrier) -> dict[str, Any]:
    def take(claim: Claim | None) -> Claim | None:
        return Claim(key=key, owner=owner) if claim is None or claim.owner is None else None

    store = open_store(url)
    try:
        barrier.wait(START_TIMEOUT_SECONDS)
        holder = store.update("claims", Claim, key, take)
    finally:
        store.close()
    return {"owner": owner, "won": holder is not None and holder.owner == owner}


def _child(target: Callable[..., dict[str, Any]], args: tuple[Any, ...], results: Any) -> None:
    # Report failures as text too: an exception in a child would otherwise only show as an exit code.
    try:
        results.put(target(*args))
    except BaseException:
        results.put({"error": traceback.format_exc()})
        raise


def race(target: Callable[..., dict[str, Any]], argument_sets: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Run `target(*arguments, barrier)` in one spawned process per argument set; their results."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(len(argument_sets))
    results = context.Queue()
    processes = [context.Process(target=_child, args=(target, (*arguments, barrier), results))
                 for arguments in argument_sets]
    for process in processes:
        process.start()
    try:
        collected = [results.get(timeout=START_TIMEOUT_SECONDS + FINISH_TIMEOUT_SECONDS) for _ in processes]
    finally:
        for process in processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()  # only our own child, by its handle
                process.join(timeout=10)
    errors = [result["error"] for result in collected if "error" in result]
    assert not errors, "a racing process failed:\n" + "\n".join(errors)
    return collected


def test_concurrent_increments_from_several_processes_are_all_kept(store_backend: StoreBackend) -> None:
    store = store_backend.open()
    store.save_signatures([make_signature(signature_id="sig-counter", count=0)])

    outcomes = race(_increment, [(store.url, "sig-counter", INCREMENTS)] * PROCESSES)

    assert store.get_signature("sig-counter").count == PROCESSES * INCREMENTS
    assert store.version("signatures", "sig-counter") == 1 + PROCESSES * INCREMENTS
    # Each increment called `change` at least once; more calls are the retries after a lost race.
    assert sum(outcome["calls"] for outcome in outcomes) >= PROCESSES * INCREMENTS


def test_processes_racing_to_create_one_claim_have_exactly_one_winner(store_backend: StoreBackend) -> None:
    store = store_backend.open()
    key = "open-incident:checkout"

    outcomes = race(_claim, [(store.url, key, f"worker-{n}") for n in range(CLAIMANTS)])

    winners = [outcome["owner"] for outcome in outcomes if outcome["won"]]
    assert len(winners) == 1, f"expected exactly one winner, got {winners}"
    assert store.update("claims", Claim, key, lambda current: None).owner == winners[0]
    assert store.version("claims", key) == 1


def test_processes_racing_to_take_a_released_claim_have_exactly_one_winner(
        store_backend: StoreBackend) -> None:
    store = store_backend.open()
    key = "active-run:inc-1"
    assert store.create("claims", Claim(key=key, owner=None))

    outcomes = race(_take_released, [(store.url, key, f"worker-{n}") for n in range(CLAIMANTS)])

    winners = [outcome["owner"] for outcome in outcomes if outcome["won"]]
    assert len(winners) == 1, f"expected exactly one winner, got {winners}"
    assert store.update("claims", Claim, key, lambda current: None).owner == winners[0]
    assert store.version("claims", key) == 2

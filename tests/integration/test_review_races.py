"""Reviewer edits and the grouping asset never overwrite each other's fields, across processes.

One process is a reviewer (the ReviewService the API uses) walking every signature through statuses and
assigning and annotating captures; another materializes `failure_signatures` in Dagster, hour after hour, on
the same store, which rewrites the same signatures' counts and moves the same captures. Afterwards every field
of either side must be what that side last wrote: nothing lost to the other.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from evalforge_assets.models import FailureCapture, FailureSignature, SignatureStatus
from evalforge_assets.review.fingerprint import fingerprint_of, signature_id_of
from evalforge_assets.review.service import ReviewService
from evalforge_assets.review.signatures import store_grouping
from evalforge_assets.store import Filter, Store, open_store
from tests.fixtures.factories import make_capture

HOURS = [f"2026-01-15-{hour:02d}:00" for hour in range(24)]
KINDS = ("TimeoutError", "ValueError", "KeyError", "PermissionError")
PER_HOUR_AND_KIND = 2
DAGSTER_HOURS = 2  # hours grouped by real Dagster runs; the rest call the asset's function directly, faster, so
# the two processes write the same signatures many more times while they overlap
CAPTURES_PER_ROUND = 12
MIN_REVIEW_ROUNDS = 3
# The reviewer's cycle through statuses every signature may take, each a valid single step.
CYCLE = (SignatureStatus.triaged, SignatureStatus.ignored, SignatureStatus.new)
ACTOR = "key-race"


def _capture(kind: str, hour: str, n: int) -> FailureCapture:
    day, clock = hour.rsplit("-", 1)
    occurred = f"{day}T{clock[:2]}:{10 + n:02d}:00.000000Z"  # `hour` is like 2026-01-15-10:00
    capture_id = f"{kind}-{hour[-5:-3]}-{n}"
    return make_capture(capture_id=capture_id, occurred_at=occurred, error_type=kind,
                        error_message=f"{kind} in the order tool", severity="medium",
                        lineage={"run_id": "seed", "partition_key": hour, "asset": "failure_captures"})


def _seed(store: Store) -> list[FailureCapture]:
    captures = [_capture(kind, hour, n) for hour in HOURS for kind in KINDS for n in range(PER_HOUR_AND_KIND)]
    store.upsert_captures(captures)
    # The first hour is grouped before the race, so the reviewer has signatures to triage from the start.
    store_grouping(store, HOURS[:1], "2026-01-15T10:59:00.000000Z")
    return captures


# ---- the two processes (module-level so `spawn` can import them) -----------------------------------------------
def _reviewer(store_url: str, capture_ids: list[str], out: str, started: Any, grouping_done: Any) -> None:
    store = open_store(store_url)
    service = ReviewService(store)
    signature_ids = sorted({signature_id_of(fingerprint_of(_capture(kind, HOURS[0], 0))) for kind in KINDS})
    statuses: dict[str, str] = {}
    assignees: dict[str, str] = {}
    notes: Counter[str] = Counter()
    started.set()
    rounds = 0
    while rounds < MIN_REVIEW_ROUNDS or not grouping_done.is_set():
        for signature_id in signature_ids:
            target = CYCLE[rounds % len(CYCLE)]
            service.triage_signature(signature_id, target, ACTOR, note=f"round {rounds}")
            statuses[signature_id] = target.value
        # Captures grouped or not yet: the grouping process moves the same records meanwhile.
        start = (rounds * CAPTURES_PER_ROUND) % len(capture_ids)
        for capture_id in capture_ids[start:start + CAPTURES_PER_ROUND]:
            assignee = f"reviewer-{rounds}@example.com"
            service.assign_capture(capture_id, assignee, ACTOR)
            service.note_capture(capture_id, f"seen in round {rounds}", ACTOR)
            assignees[capture_id] = assignee
            notes[capture_id] += 1
        rounds += 1
    Path(out).write_text(json.dumps({"statuses": statuses, "assignees": assignees, "notes": notes,
                                     "rounds": rounds}))
    store.close()


def _grouper(home: str, store_url: str, started: Any, grouping_done: Any) -> None:
    import dagster as dg

    from evalforge_assets.definitions import build_definitions
    from evalforge_assets.settings import Settings

    settings = Settings(_env_file=None, EVALFORGE_HOME=home, EVALFORGE_STORE=store_url,  # type: ignore[call-arg]
                        EVALFORGE_PARTITION_START="2026-01-01-00:00")
    asset = build_definitions(settings).resolve_assets_def("failure_signatures")
    store = open_store(store_url)
    started.wait(60)
    try:
        for index, hour in enumerate(HOURS[1:]):
            if index < DAGSTER_HOURS:
                # The asset as the code location defines it, its store resource built from the same settings.
                result = dg.materialize([asset], partition_key=hour, instance=dg.DagsterInstance.ephemeral())
                assert result.success, f"failure_signatures failed for {hour}"
            else:
                store_grouping(store, [hour], f"{hour[:10]}T{hour[11:13]}:59:00.000000Z")
    finally:
        store.close()
        grouping_done.set()


def _run_both(home: Path, store_url: str, capture_ids: list[str]) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    started, grouping_done = context.Event(), context.Event()
    out = home / "reviewer.json"
    processes = [
        context.Process(target=_reviewer, args=(store_url, capture_ids, str(out), started, grouping_done)),
        context.Process(target=_grouper, args=(str(home), store_url, started, grouping_done)),
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(240)
    for process in processes:
        if process.is_alive():
            process.terminate()
            process.join(10)
    assert [p.exitcode for p in processes] == [0, 0], "a process failed; its traceback is in the captured stderr"
    return json.loads(out.read_text())


# ---- what must hold afterwards -----------------------------------------------------------------------------------
def _check_nothing_lost(store: Store, captures: list[FailureCapture], reviewer: dict[str, Any]) -> None:
    assert reviewer["rounds"] >= MIN_REVIEW_ROUNDS
    expected_hours: dict[str, Counter[str]] = {}
    for capture in captures:
        signature_id = signature_id_of(fingerprint_of(capture))
        expected_hours.setdefault(signature_id, Counter())[capture.lineage.partition_key or ""] += 1
    signatures = {s.signature_id: s for s in store.iter_signatures()}
    assert signatures.keys() == expected_hours.keys()
    for signature_id, signature in signatures.items():
        # Grouping's fields: every hour counted once, none lost to a reviewer's write.
        assert signature.own_counts_by_hour == dict(expected_hours[signature_id]), signature_id
        assert signature.count == len(HOURS) * PER_HOUR_AND_KIND
        assert signature.last_seen.startswith("2026-01-15T23:")
        # The reviewer's field: the last status set, never reset by a grouping write.
        assert signature.status.value == reviewer["statuses"][signature_id]
        _check_status_chain(store, signature)
    stored = {c.capture_id: c for c in store.iter_captures()}
    for capture in captures:
        now = stored[capture.capture_id]
        assert now.signature_id == signature_id_of(fingerprint_of(capture)), capture.capture_id
        assert now.assignee == reviewer["assignees"].get(capture.capture_id), capture.capture_id
        assert len(now.notes) == reviewer["notes"].get(capture.capture_id, 0), capture.capture_id


def _check_status_chain(store: Store, signature: FailureSignature) -> None:
    """Each status change started from the status the previous one left: no change was made on a stale read."""
    entries = [e for e in store.list_audit((Filter("resource_id", "==", signature.signature_id),), limit=500).items
               if e.action == "signature.status"]
    chain = sorted(entries, key=lambda e: (e.at, int(e.detail.get("note", "round 0").split()[-1])))
    for before, after in itertools.pairwise(chain):
        assert after.detail["from"] == before.detail["to"], (signature.signature_id, before.detail, after.detail)
    assert chain[-1].detail["to"] == signature.status.value


def _race(home: Path, store_url: str, opener: Callable[[], Store]) -> None:
    store = opener()
    captures = _seed(store)
    reviewer = _run_both(home, store_url, [c.capture_id for c in captures])
    _check_nothing_lost(store, captures, reviewer)


def test_reviewer_and_grouping_keep_each_others_fields_on_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'evalforge.db'}"
    _race(tmp_path, url, lambda: open_store(url))


@pytest.mark.firestore
def test_reviewer_and_grouping_keep_each_others_fields_on_firestore(tmp_path: Path, fresh_firestore: Any) -> None:
    from tests.fixtures.firestore_emulator import TEST_PROJECT

    assert os.environ.get("FIRESTORE_EMULATOR_HOST"), "the emulator fixture sets FIRESTORE_EMULATOR_HOST"
    url = f"firestore://{TEST_PROJECT}"
    _race(tmp_path, url, lambda: open_store(url))

"""What only the Firestore backend has: its index model and index file, query splitting, fast failure, and the
emulator fixture's own promises. The shared behaviour lives in test_store_contract.py."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from evalforge_assets.store import CaptureFilter, Filter, Query, StoreUnavailable
from evalforge_assets.store.firestore import (
    FirestoreStore,
    IndexRequirement,
    is_covered,
    load_composite_indexes,
    required_index,
    split_disjunctions,
    uncovered_queries,
)
from evalforge_assets.store.query import CAPTURE_FILTERS, COLLECTIONS
from tests.fixtures.factories import make_capture
from tests.fixtures.firestore_emulator import (
    JAR_ENV,
    TEST_PROJECT,
    reset_emulator,
    running_firestore_emulator,
)
from tests.fixtures.stores import INDEX_FILE

NEWEST_FIRST = (("occurred_at", True),)


def unused_local_address() -> str:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


@pytest.fixture
def offline_store(monkeypatch: pytest.MonkeyPatch) -> Iterator[FirestoreStore]:
    """A FirestoreStore aimed at an address where nothing listens."""
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", unused_local_address())
    store = FirestoreStore(project="demo-nobody-home")
    yield store
    store.close()


# ---- failing clearly ---------------------------------------------------------------------------------------
def test_ping_raises_store_unavailable_naming_project_and_remedy(offline_store: FirestoreStore) -> None:
    with pytest.raises(StoreUnavailable) as caught:
        offline_store.ping()
    message = str(caught.value)
    assert "demo-nobody-home" in message
    assert "FIRESTORE_EMULATOR_HOST" in message


def test_ids_firestore_cannot_hold_are_refused_with_the_reason(offline_store: FirestoreStore) -> None:
    with pytest.raises(ValueError, match="cannot be a Firestore document id"):
        offline_store.save_captures([make_capture(capture_id="trace/span")])


def test_a_range_on_another_field_than_the_sort_is_refused(offline_store: FirestoreStore) -> None:
    with pytest.raises(ValueError, match="Range-filter only the first order field"):
        offline_store.list_signatures((Filter("count", ">=", 2),), (("last_seen", True),))


# ---- splitting `in` filters --------------------------------------------------------------------------------
def branches(filters: tuple[Filter, ...]) -> set[tuple[object, ...]]:
    """Every equality combination a filter set stands for."""
    choices = [flt.value if flt.op == "in" else [flt.value] for flt in filters]
    return set(itertools.product(*choices))


@pytest.mark.parametrize("sizes", [(3,), (31,), (31, 2), (7, 7, 7), (40, 1)])
def test_split_disjunctions_partitions_the_branches_within_the_limit(sizes: tuple[int, ...]) -> None:
    filters = tuple(Filter(f"f{n}", "in", [f"v{k}" for k in range(size)]) for n, size in enumerate(sizes))
    filters += (Filter("status", "==", "new"),)
    pieces = split_disjunctions(filters)
    piece_branches = [branches(piece) for piece in pieces]
    assert all(len(found) <= 30 for found in piece_branches)
    assert sum(len(found) for found in piece_branches) == len(branches(filters))  # disjoint ...
    assert set().union(*piece_branches) == branches(filters)  # ... and complete


def test_split_disjunctions_leaves_small_queries_alone() -> None:
    filters = (Filter("severity", "in", ["high", "low"]), Filter("agent", "==", "a"))
    assert split_disjunctions(filters) == [filters]


# ---- the index model ---------------------------------------------------------------------------------------
def test_single_field_indexes_serve_equalities_alone_and_one_sorted_field() -> None:
    equalities = (Filter("severity", "==", "high"), Filter("agent", "==", "a"))
    assert required_index(Query("captures", equalities)) is None
    assert required_index(Query("captures", (Filter("occurred_at", ">=", "x"),), NEWEST_FIRST)) is None
    assert required_index(Query("signatures", order_by=(("count", True),))) is None


def test_equality_with_a_sort_needs_a_composite_index() -> None:
    query = Query("captures", (Filter("severity", "in", ["high", "low"]), Filter("occurred_at", "<", "x")),
                  NEWEST_FIRST)
    assert required_index(query) == IndexRequirement("captures", frozenset({"severity"}),
                                                     (("occurred_at", "DESCENDING"),))
    two_sorts = Query("signatures", order_by=(("severity_rank", False), ("count", True)))
    assert required_index(two_sorts) == IndexRequirement(
        "signatures", frozenset(), (("severity_rank", "ASCENDING"), ("count", "DESCENDING")))


def index_file(tmp_path: Path, *indexes: list[tuple[str, str]]) -> Path:
    path = tmp_path / "firestore.indexes.json"
    path.write_text(json.dumps({"indexes": [
        {"collectionGroup": "captures", "queryScope": "COLLECTION",
         "fields": [{"fieldPath": name, "order": order} for name, order in fields]} for fields in indexes]}))
    return path


def test_coverage_merges_indexes_that_share_the_sort(tmp_path: Path) -> None:
    indexes = load_composite_indexes(index_file(
        tmp_path,
        [("severity", "ASCENDING"), ("occurred_at", "DESCENDING")],
        [("agent", "ASCENDING"), ("occurred_at", "DESCENDING")],
        [("status", "ASCENDING"), ("occurred_at", "ASCENDING")],
    ))
    need = IndexRequirement("captures", frozenset({"severity", "agent"}), (("occurred_at", "DESCENDING"),))
    assert is_covered(need, indexes)
    with_status = IndexRequirement("captures", frozenset({"severity", "status"}),
                                   (("occurred_at", "DESCENDING"),))
    assert not is_covered(with_status, indexes)  # the status index sorts the other way
    other_sort = IndexRequirement("captures", frozenset({"severity"}), (("detected_at", "DESCENDING"),))
    assert not is_covered(other_sort, indexes)


def test_coverage_respects_an_explicit_document_id_direction(tmp_path: Path) -> None:
    indexes = load_composite_indexes(index_file(
        tmp_path, [("severity", "ASCENDING"), ("occurred_at", "DESCENDING"), ("__name__", "ASCENDING")]))
    need = IndexRequirement("captures", frozenset({"severity"}), (("occurred_at", "DESCENDING"),))
    assert not is_covered(need, indexes)  # the store breaks ties by id in the sort's direction


def test_uncovered_queries_reports_each_missing_shape_once(tmp_path: Path) -> None:
    indexes = load_composite_indexes(
        index_file(tmp_path, [("severity", "ASCENDING"), ("occurred_at", "DESCENDING")]))
    by_agent = Query("captures", (Filter("agent", "==", "a"),), NEWEST_FIRST, 10)
    by_severity = Query("captures", (Filter("severity", "==", "low"),), NEWEST_FIRST, 10)
    missing = uncovered_queries([by_agent, by_severity, by_agent], indexes)
    assert missing == [required_index(by_agent)]


# ---- the checked-in index file -----------------------------------------------------------------------------
def test_index_file_names_only_real_collections_and_fields() -> None:
    document = json.loads(INDEX_FILE.read_text())
    for entry in document["indexes"]:
        spec = COLLECTIONS[entry["collectionGroup"]]
        assert len(entry["fields"]) >= 2 and entry["queryScope"] == "COLLECTION"
        for field in entry["fields"]:
            if "arrayConfig" in field:  # an array-contains entry: only for the collection's array fields
                assert field["fieldPath"] in spec.arrays and field["arrayConfig"] == "CONTAINS", field
                continue
            assert field["fieldPath"] in spec.fields, f"{field['fieldPath']} is not a field of {spec.name}"
            assert field["order"] in ("ASCENDING", "DESCENDING")
    exempt = {(override["collectionGroup"], override["fieldPath"])
              for override in document["fieldOverrides"] if override["indexes"] == []}
    assert {(name, "body") for name in [*COLLECTIONS, "events"]} <= exempt


def test_index_file_serves_every_capture_filter_combination() -> None:
    """Not only the combinations the contract suite happens to use: the review queue may combine any."""
    indexes = load_composite_indexes(INDEX_FILE)
    names = (*CAPTURE_FILTERS, "partition_key")
    for size in range(len(names) + 1):
        for chosen in itertools.combinations(names, size):
            for ranged in (False, True):
                where = CaptureFilter(
                    **{name: ("a", "b") for name in chosen if name != "partition_key"},
                    partition_key="p" if "partition_key" in chosen else None,
                    occurred_from="2026-01-01T00:00:00.000000Z" if ranged else None,
                )
                requirement = required_index(Query("captures", where.filters(), NEWEST_FIRST, 51))
                assert requirement is None or is_covered(requirement, indexes), requirement


SIGNATURE_FILTERS = ("ml_app", "agent", "failure_kind", "severity", "status", "merged_into", "assignee")
SIGNATURE_SORTS = ((("count", True),), (("last_seen", True),), (("severity_rank", False),))


def test_index_file_serves_every_signature_filter_combination() -> None:
    """The grouped queue filters on any of these fields, sorts three ways, ranges only the sorted field."""
    indexes = load_composite_indexes(INDEX_FILE)
    for size in range(len(SIGNATURE_FILTERS) + 1):
        for chosen in itertools.combinations(SIGNATURE_FILTERS, size):
            for order_by in SIGNATURE_SORTS:
                filters = tuple(Filter(name, "in", ["a", "b"]) for name in chosen)
                filters += (Filter(order_by[0][0], ">=", 0),)
                requirement = required_index(Query("signatures", filters, order_by, 51))
                assert requirement is None or is_covered(requirement, indexes), requirement


# ---- namespaces --------------------------------------------------------------------------------------------
@pytest.mark.firestore
def test_namespaces_share_a_project_without_seeing_each_other(fresh_firestore: str) -> None:
    tenant_a = FirestoreStore(project=TEST_PROJECT, namespace="tenant-a")
    tenant_b = FirestoreStore(project=TEST_PROJECT, namespace="tenant-b")
    try:
        tenant_a.upsert_captures([make_capture(capture_id="cap-shared-id", ml_app="app-a")])
        tenant_a.append_event("system.status", {"tenant": "a"})
        assert tenant_b.get_capture("cap-shared-id") is None
        assert tenant_b.count_captures() == 0
        assert tenant_b.last_event_seq() == 0

        tenant_b.upsert_captures([make_capture(capture_id="cap-shared-id", ml_app="app-b")])
        assert tenant_a.get_capture("cap-shared-id").ml_app == "app-a"
        assert [c.ml_app for c in tenant_b.list_captures().items] == ["app-b"]
    finally:
        tenant_a.close()
        tenant_b.close()


# ---- the emulator fixture ----------------------------------------------------------------------------------
@pytest.mark.firestore
def test_emulator_context_manager_serves_and_stops(firestore_emulator: str) -> None:
    with running_firestore_emulator("demo-second") as host:
        reset_emulator(host, "demo-second")  # answers: the emulator is up
    with pytest.raises(OSError):
        reset_emulator(host, "demo-second")  # nothing listens any more: the java process was stopped


FIXTURE_USER = """
def test_uses_the_emulator(firestore_emulator):
    assert firestore_emulator
"""


@pytest.mark.parametrize(("ci", "outcome"), [("true", "1 error"), ("", "1 skipped")])
def test_missing_emulator_skips_locally_and_fails_under_ci(tmp_path: Path, ci: str, outcome: str) -> None:
    (tmp_path / "test_user.py").write_text(FIXTURE_USER)
    env = {**os.environ, "CI": ci, JAR_ENV: str(tmp_path / "absent.jar")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.fixtures.firestore_emulator", "-q", "-rs",
         "-p", "no:cacheprovider", str(tmp_path / "test_user.py")],
        check=False, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120,
    )
    assert outcome in result.stdout, result.stdout + result.stderr
    assert "absent.jar" in result.stdout and "Install a Java" in result.stdout

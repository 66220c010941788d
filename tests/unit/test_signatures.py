"""Signature grouping: incremental per hour, idempotent on re-runs, regressions and merged parents; stored field by
field so reviewers' changes survive it."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from evalforge_assets.models import FailureCapture, SignatureStatus
from evalforge_assets.review.fingerprint import (
    FINGERPRINT_VERSION,
    PLACED_EXTENDED,
    RULE_MESSAGE_ONLY,
    RULE_TYPE_ONLY,
    fingerprint_of,
    signature_id_of,
)
from evalforge_assets.review.placement import JOINED_RULES, plan_folds
from evalforge_assets.review.rules import CapturePatch
from evalforge_assets.review.service import ReviewService
from evalforge_assets.review.signatures import group_hour, store_grouping, version_at_least
from evalforge_assets.store import Store
from tests.corpora.grouping import captures_of
from tests.fixtures.factories import make_capture, make_signature
from tests.unit.test_review import interleave

NOW = "2026-01-15T12:00:00.000000Z"


def timeout(capture_id: str, at: str, order: int, version: str | None = None) -> FailureCapture:
    return make_capture(capture_id=capture_id, occurred_at=at,
                        error_message=f"Order {order} timed out after {order * 3}ms",
                        source={"trace_id": "t" + capture_id, "span_id": capture_id, "ml_app": "shop-assistant",
                                "span_name": "answer", "span_kind": "agent", "start_time": at, "version": version})


def test_same_template_groups_and_counts_per_hour() -> None:
    hour = {"2026-01-15-10:00": [timeout("a", "2026-01-15T10:01:00.000000Z", 1),
                                 timeout("b", "2026-01-15T10:30:00.000000Z", 2)]}
    result = group_hour(hour, {}, NOW)
    assert len(result.signatures) == 1
    signature = next(iter(result.signatures.values()))
    assert signature.count == 2
    assert signature.counts_by_hour == {"2026-01-15-10:00": 2}
    assert signature.first_seen == "2026-01-15T10:01:00.000000Z"
    assert signature.last_seen == "2026-01-15T10:30:00.000000Z"
    assert {c.signature_id for c in result.regrouped_captures} == {signature.signature_id}


def test_rerunning_an_hour_never_double_counts_and_new_hours_add() -> None:
    first = {"2026-01-15-10:00": [timeout("a", "2026-01-15T10:01:00.000000Z", 1)]}
    known = group_hour(first, {}, NOW).signatures
    again = group_hour(first, known, NOW).signatures
    assert again == known
    second = {"2026-01-15-11:00": [timeout("c", "2026-01-15T11:05:00.000000Z", 9),
                                   timeout("d", "2026-01-15T11:06:00.000000Z", 8)]}
    after = next(iter(group_hour(second, again, NOW).signatures.values()))
    assert after.count == 3
    assert after.counts_by_hour == {"2026-01-15-10:00": 1, "2026-01-15-11:00": 2}


def test_resolved_signature_regresses_only_at_or_after_fixed_version() -> None:
    capture = timeout("a", "2026-01-15T10:01:00.000000Z", 1, version="2.0.0")
    signature = next(iter(group_hour({"2026-01-15-10:00": [capture]}, {}, NOW).signatures.values()))
    resolved = signature.model_copy(update={"status": SignatureStatus.resolved, "resolved_in_version": "2.1.0",
                                            "resolved_at": "2026-01-15T10:30:00.000000Z"})
    old_build = {"2026-01-15-11:00": [timeout("b", "2026-01-15T11:00:00.000000Z", 2, version="2.0.5")]}
    still = group_hour(old_build, {resolved.signature_id: resolved}, NOW)
    assert still.signatures[resolved.signature_id].status is SignatureStatus.resolved
    new_build = {"2026-01-15-12:00": [timeout("c", "2026-01-15T12:00:00.000000Z", 3, version="2.10.0")]}
    back = group_hour(new_build, {resolved.signature_id: resolved}, NOW)
    assert back.signatures[resolved.signature_id].status is SignatureStatus.regressed
    assert back.regressed == [resolved.signature_id]


def test_child_of_a_merge_keeps_its_own_counts_and_parent_shows_both() -> None:
    a = timeout("a", "2026-01-15T10:01:00.000000Z", 1)
    other = make_capture(capture_id="x", occurred_at="2026-01-15T10:02:00.000000Z", error_type="ValueError",
                         error_message="bad json from tool")
    hour = "2026-01-15-10:00"
    base = group_hour({hour: [a, other]}, {}, NOW).signatures
    parent_id, child_id = signature_id_of(fingerprint_of(a)), signature_id_of(fingerprint_of(other))
    parent = base[parent_id].model_copy(update={"merged_children": [child_id]})
    child = base[child_id].model_copy(update={"merged_into": parent_id})
    later = group_hour({"2026-01-15-11:00": [make_capture(capture_id="y", occurred_at="2026-01-15T11:00:00.000000Z",
                                                          error_type="ValueError",
                                                          error_message="bad json from tool")]},
                       {parent_id: parent, child_id: child}, NOW)
    assert later.signatures[child_id].own_counts_by_hour == {hour: 1, "2026-01-15-11:00": 1}
    assert later.signatures[parent_id].counts_by_hour == {hour: 2, "2026-01-15-11:00": 1}
    assert later.signatures[parent_id].count == 3
    assert [c.signature_id for c in later.regrouped_captures] == [parent_id]


def test_version_comparison_is_numeric() -> None:
    assert version_at_least("2.10.0", "2.9.1")
    assert not version_at_least("2.9.1", "2.10.0")
    assert version_at_least(None, "1.0")


# ---- storing a grouping run: only grouping's fields, re-applied to the stored record ----------------------------
HOUR_10, HOUR_11 = "2026-01-15-10:00", "2026-01-15-11:00"


def stored_timeout(capture_id: str, hour: str, minute: int) -> FailureCapture:
    capture = timeout(capture_id, f"{hour[:10]}T{hour[11:13]}:{minute:02d}:00.000000Z", minute)
    return capture.model_copy(update={"lineage": capture.lineage.model_copy(update={"partition_key": hour})})


def test_grouping_keeps_what_reviewers_wrote_and_adds_its_own_fields(store: Store) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1), stored_timeout("b", HOUR_10, 2)])
    written = store_grouping(store, [HOUR_10], NOW)
    (signature_id,) = written.created
    assert written.captures_regrouped == 2
    review = ReviewService(store)
    review.triage_signature(signature_id, SignatureStatus.triaged, "key-abc")
    review.update_capture("a", CapturePatch(assignee="ana", note="seen"), "key-abc")
    store.upsert_captures([stored_timeout("c", HOUR_11, 3)])
    again = store_grouping(store, [HOUR_11], NOW)
    assert (again.created, again.updated, again.captures_regrouped) == ([], [signature_id], 1)
    signature = store.get_signature(signature_id)
    assert signature is not None
    assert signature.status is SignatureStatus.triaged
    assert signature.own_counts_by_hour == {HOUR_10: 2, HOUR_11: 1} and signature.count == 3
    a, c = store.get_capture("a"), store.get_capture("c")
    assert a is not None and c is not None
    assert (a.status.value, a.assignee, len(a.notes), a.signature_id) == ("triaged", "ana", 1, signature_id)
    assert c.signature_id == signature_id


def test_regrouping_an_hour_again_writes_nothing(store: Store) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1)])
    (signature_id,) = store_grouping(store, [HOUR_10], NOW).created
    versions = (store.version("signatures", signature_id), store.version("captures", "a"))
    again = store_grouping(store, [HOUR_10], NOW)
    assert (again.created, again.updated, again.captures_regrouped) == ([], [], 0)
    assert (store.version("signatures", signature_id), store.version("captures", "a")) == versions


def test_grouping_applies_its_hour_to_the_signature_as_a_reviewer_left_it(store: Store,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1)])
    (signature_id,) = store_grouping(store, [HOUR_10], NOW).created
    store.upsert_captures([stored_timeout("b", HOUR_11, 2)])

    def reviewer_triages() -> None:
        ReviewService(store).triage_signature(signature_id, SignatureStatus.ignored, "key-abc")

    runs = interleave(monkeypatch, store, "signatures", reviewer_triages)
    store_grouping(store, [HOUR_11], NOW)
    signature = store.get_signature(signature_id)
    assert signature is not None
    assert (signature.status, signature.count) == (SignatureStatus.ignored, 2)
    assert len(runs) == 2


# ---- issue 9: optional evidence, placement of partial captures, a new fingerprint version ----------------------
def _span(span_id: str, evidence: str, message: str = "Tool lookup_order timed out after 800ms (shard 5/12)") -> dict:
    """The same failure as a real export reports it with more or less evidence."""
    attributes: dict = {
        "span_id": span_id, "trace_id": "t" + span_id, "parent_id": "p1", "name": "lookup_order", "span_kind": "tool",
        "ml_app": "shop-assistant", "start_ns": 1_768_003_200_000_000_000 + int(span_id) * 10**9, "status": "error",
        "metadata": {"agent_name": "support"}, "tags": ["env:prod"],
    }
    if evidence == "object":
        attributes["error"] = {"type": "tools.ToolTimeout", "message": message,
                               "stack": f'Traceback:\n  File "/srv/app/tools/orders.py", line {span_id}, in lookup\n'}
    elif evidence == "metadata":
        attributes["metadata"]["error.message"] = message.replace("800ms (shard 5/12)", "2000ms")
    elif evidence == "prefixed":
        attributes["metadata"]["error.message"] = f"ToolTimeout: {message.replace('800ms', '30 seconds')}"
    else:
        attributes["tags"].append("error_type:ToolTimeout")
    return {"id": span_id, "type": "span", "attributes": attributes}


def _captures(*spans: dict) -> list[FailureCapture]:
    captures, _ = captures_of((span, "one failure") for span in spans)
    return captures


def test_optional_evidence_never_splits_a_failure() -> None:
    captures = _captures(_span("1", "object"), _span("2", "object"), _span("3", "metadata"), _span("4", "prefixed"),
                         _span("5", "tag"))
    result = group_hour({HOUR_10: captures}, {}, NOW)
    assert len(result.signatures) == 1
    (signature,) = result.signatures.values()
    assert signature.count == 5
    assert signature.fingerprint["joined"].keys() == {RULE_TYPE_ONLY, RULE_MESSAGE_ONLY}
    assert {c.signature_id for c in result.regrouped_captures} == {signature.signature_id}


def test_a_capture_without_a_message_joins_the_dominant_signature_and_it_says_so() -> None:
    common = [timeout(f"c{i}", "2026-01-15T10:01:00.000000Z", i) for i in range(3)]
    rare = [make_capture(capture_id="r", occurred_at="2026-01-15T10:02:00.000000Z", error_message="circuit open",
                         source=common[0].source.model_dump())]
    bare = make_capture(capture_id="bare", occurred_at="2026-01-15T10:03:00.000000Z", error_message=None,
                        source=common[0].source.model_dump())
    own = fingerprint_of(bare)
    assert own["rule"] == RULE_TYPE_ONLY and own["message"] is None
    result = group_hour({HOUR_10: [*common, *rare, bare]}, {}, NOW)
    dominant = result.signatures[signature_id_of(fingerprint_of(common[0]))]
    assert dominant.count == 4
    assert dominant.fingerprint["joined"] == {RULE_TYPE_ONLY: JOINED_RULES[RULE_TYPE_ONLY]}
    assert signature_id_of(own) not in result.signatures
    alone = group_hour({HOUR_10: [bare]}, {}, NOW)  # nothing to join: it stays under its own fingerprint
    assert list(alone.signatures) == [signature_id_of(own)]
    assert "joined" not in alone.signatures[signature_id_of(own)].fingerprint


def test_a_message_without_a_type_joins_the_message_it_tells_in_more_detail() -> None:
    source = timeout("x", "2026-01-15T10:00:00.000000Z", 1).source.model_dump()

    def capture(capture_id: str, message: str, error_type: str | None = "CardError") -> FailureCapture:
        return make_capture(capture_id=capture_id, occurred_at="2026-01-15T10:01:00.000000Z", error_type=error_type,
                            error_message=message, source=source)

    short = [capture(f"s{i}", "Payment provider rejected the card.") for i in range(2)]
    told = [capture(f"t{i}", "Payment provider rejected the card. Retrying in 5 seconds") for i in range(3)]
    bare = capture("bare", "Payment provider rejected the card. Giving up", error_type=None)
    exact = capture("exact", "Payment provider rejected the card. Retrying in 9 seconds", error_type=None)
    folds = plan_folds({HOUR_10: [*short, *told, bare, exact]})
    placed = {sid: sorted(f.capture_id for f in fold.captures()) for sid, fold in folds.items()}
    # `told` extends `short` and is placed there; the partial ones, with `told`'s message or another detail, join
    # `short` too, and the signature says which rules placed them.
    home = signature_id_of(fingerprint_of(short[0]))
    assert placed == {home: ["bare", "exact", "s0", "s1", "t0", "t1", "t2"]}
    assert folds[home].joined_rules() == [PLACED_EXTENDED, RULE_MESSAGE_ONLY]


def test_cut_templates_that_each_extend_the_other_are_placed_without_a_cycle() -> None:
    # `a: b: a: ...` and `b: a: b: ...` cut at the same length each start what follows the other's first wrapper.
    source = timeout("x", "2026-01-15T10:00:00.000000Z", 1).source.model_dump()
    first = ("alpha: beta: " * 40).strip()
    second = ("beta: alpha: " * 40).strip()
    captures = [make_capture(capture_id=f"{n}{i}", occurred_at="2026-01-15T10:01:00.000000Z", error_type="E",
                             error_message=message, source=source)
                for n, message in (("a", first), ("b", second)) for i in range(2)]
    folds = plan_folds({HOUR_10: captures})
    assert sorted(f.capture_id for fold in folds.values() for f in fold.captures()) == ["a0", "a1", "b0", "b1"]
    assert len(folds) == 1  # one joined the other, and the walk ended


def test_placement_does_not_depend_on_partition_order() -> None:
    bare = make_capture(capture_id="bare", occurred_at="2026-01-15T10:03:00.000000Z", error_message=None,
                        source=timeout("x", "2026-01-15T11:00:00.000000Z", 1).source.model_dump())
    later = [timeout(f"c{i}", "2026-01-15T11:01:00.000000Z", i) for i in range(2)]
    forward = plan_folds({HOUR_10: [bare], HOUR_11: later})
    backward = plan_folds(dict(reversed(list({HOUR_10: [bare], HOUR_11: later}.items()))))
    placed = {sid: sorted(f.capture_id for f in fold.captures()) for sid, fold in forward.items()}
    assert placed == {sid: sorted(f.capture_id for f in fold.captures()) for sid, fold in backward.items()}
    assert placed == {signature_id_of(fingerprint_of(later[0])): ["bare", "c0", "c1"]}


def test_a_stored_signature_is_joined_when_this_run_has_none(store: Store) -> None:
    store.upsert_captures([stored_timeout("a", HOUR_10, 1), stored_timeout("b", HOUR_10, 2)])
    (dominant,) = store_grouping(store, [HOUR_10], NOW).created
    bare = stored_timeout("bare", HOUR_11, 3).model_copy(update={"error_message": None})
    bare.fingerprint_id = bare.signature_id = signature_id_of(fingerprint_of(bare))  # as build_capture sets them
    store.upsert_captures([bare])
    written = store_grouping(store, [HOUR_11], NOW)
    assert written.created == [] and written.captures_regrouped == 1
    stored = store.get_capture("bare")
    assert stored is not None and stored.signature_id == dominant
    assert stored.fingerprint_id == signature_id_of(fingerprint_of(bare))  # its own fingerprint is kept
    signature = store.get_signature(dominant)
    assert signature is not None and signature.own_counts_by_hour == {HOUR_10: 2, HOUR_11: 1}


def _as_version_1(capture: FailureCapture, v1_id: str) -> FailureCapture:
    return capture.model_copy(update={"fingerprint_id": v1_id, "signature_id": v1_id})


def test_regrouping_with_a_new_fingerprint_version_moves_stored_captures(store: Store) -> None:
    v1_id = "sig_v1_0123456789abcdef0123"
    store.upsert_captures([_as_version_1(stored_timeout("a", HOUR_10, 1), v1_id),
                           _as_version_1(stored_timeout("b", HOUR_10, 2), v1_id)])
    store.create("signatures", make_signature(signature_id=v1_id, fingerprint={"version": 1}, fingerprint_version=1,
                                              own_counts_by_hour={HOUR_10: 2}, counts_by_hour={HOUR_10: 2}, count=2))
    written = store_grouping(store, [HOUR_10], NOW)
    (v2_id,) = written.created
    assert v2_id.startswith(f"sig_v{FINGERPRINT_VERSION}_") and written.captures_regrouped == 2
    assert {c.signature_id for c in store.iter_captures()} == {v2_id}
    assert {c.fingerprint_id for c in store.iter_captures()} == {v1_id}  # rewritten only by a new capture run
    old, new = store.get_signature(v1_id), store.get_signature(v2_id)
    assert old is not None and new is not None
    assert (old.own_counts_by_hour, old.count) == ({}, 0)  # its captures of the hour left it
    assert (new.own_counts_by_hour, new.count) == ({HOUR_10: 2}, 2)
    again = store_grouping(store, [HOUR_10], NOW)
    assert (again.created, again.updated, again.captures_regrouped) == ([], [], 0)


def test_a_backfill_of_failure_signatures_regroups_stored_captures(tmp_path: Path) -> None:
    import dagster as dg

    from evalforge_assets.defs.resources import StoreResource
    from evalforge_assets.defs.review.assets import failure_signatures_asset
    from evalforge_assets.store import open_store

    url = f"sqlite:///{tmp_path / 'evalforge.db'}"
    store = open_store(url)
    v1_id = "sig_v1_fedcba9876543210fedc"
    store.upsert_captures([_as_version_1(stored_timeout(name, hour, minute), v1_id)
                           for name, hour, minute in (("a", HOUR_10, 1), ("b", HOUR_11, 2))])
    partitions = dg.HourlyPartitionsDefinition(start_date="2026-01-15-00:00", timezone="UTC")
    result = dg.materialize([failure_signatures_asset(partitions)], resources={"store": StoreResource(url=url)},
                            tags={"dagster/asset_partition_range_start": HOUR_10,
                                  "dagster/asset_partition_range_end": HOUR_11})
    assert result.success
    metadata = result.get_asset_materialization_events()[0].event_specific_data.materialization.metadata
    assert metadata["fingerprint_version"].value == FINGERPRINT_VERSION
    assert metadata["captures_regrouped"].value == 2
    ids = {c.signature_id for c in store.iter_captures()}
    assert len(ids) == 1 and next(iter(ids)).startswith(f"sig_v{FINGERPRINT_VERSION}_")
    (signature,) = [s for s in store.iter_signatures() if s.count]
    assert signature.own_counts_by_hour == {HOUR_10: 1, HOUR_11: 1}


def test_unmerge_returns_a_placed_capture_to_the_child_it_joined(store: Store) -> None:
    other = make_capture(capture_id="x", occurred_at="2026-01-15T10:05:00.000000Z", error_type="ValueError",
                         error_message="bad json from tool", lineage={"partition_key": HOUR_10})
    store.upsert_captures([stored_timeout("a", HOUR_10, 1), other])
    created = store_grouping(store, [HOUR_10], NOW).created
    child = signature_id_of(fingerprint_of(stored_timeout("a", HOUR_10, 1)))
    (parent,) = [sid for sid in created if sid != child]
    review = ReviewService(store)
    review.merge(parent, [child], "key-lead")
    bare = stored_timeout("bare", HOUR_11, 3).model_copy(update={"error_message": None})
    bare.fingerprint_id = bare.signature_id = signature_id_of(fingerprint_of(bare))
    store.upsert_captures([bare])
    store_grouping(store, [HOUR_11], NOW)
    assert (stored := store.get_capture("bare")) is not None and stored.signature_id == parent
    review.unmerge(parent, [child], "key-lead")
    assert (stored := store.get_capture("bare")) is not None and stored.signature_id == child


def test_unmerge_returns_a_longer_message_to_the_child_it_joined(store: Store) -> None:
    other = make_capture(capture_id="x", occurred_at="2026-01-15T10:05:00.000000Z", error_type="ValueError",
                         error_message="bad json from tool", lineage={"partition_key": HOUR_10})
    store.upsert_captures([_charge("s1", SHORT), other])
    created = store_grouping(store, [HOUR_10], NOW).created
    child = signature_id_of(fingerprint_of(_charge("s1", SHORT)))
    (parent,) = [sid for sid in created if sid != child]
    review = ReviewService(store)
    review.merge(parent, [child], "key-lead")
    store.upsert_captures([_charge("l1", LONGER, HOUR_11)])
    store_grouping(store, [HOUR_11], NOW)
    assert (stored := store.get_capture("l1")) is not None and stored.signature_id == parent
    review.unmerge(parent, [child], "key-lead")
    assert (stored := store.get_capture("l1")) is not None and stored.signature_id == child


def _placement(store: Store) -> tuple[dict[str, str | None], dict[str, dict[str, int]]]:
    captures = {c.capture_id: c.signature_id for c in store.iter_captures()}
    counts = {s.signature_id: s.own_counts_by_hour for s in store.iter_signatures() if s.own_counts_by_hour}
    return captures, counts


@pytest.mark.parametrize("order", [[HOUR_10, HOUR_11], [HOUR_11, HOUR_10]])
def test_hours_grouped_one_by_one_in_any_order_end_alike(store: Store, order: list[str]) -> None:
    bare = stored_timeout("bare", HOUR_10, 3).model_copy(update={"error_message": None})
    bare.fingerprint_id = bare.signature_id = signature_id_of(fingerprint_of(bare))
    store.upsert_captures([bare, stored_timeout("a", HOUR_11, 1), stored_timeout("b", HOUR_11, 2)])
    for hour in order:
        store_grouping(store, [hour], NOW)
    dominant = signature_id_of(fingerprint_of(stored_timeout("a", HOUR_11, 1)))
    assert _placement(store) == ({"bare": dominant, "a": dominant, "b": dominant},
                                 {dominant: {HOUR_10: 1, HOUR_11: 2}})


def _charge(capture_id: str, message: str, hour: str = HOUR_10) -> FailureCapture:
    at = f"{hour[:10]}T{hour[11:13]}:05:00.000000Z"
    capture = make_capture(capture_id=capture_id, occurred_at=at, error_message=message,
                           source=timeout("x", at, 1).source.model_dump())
    return capture.model_copy(update={"lineage": capture.lineage.model_copy(update={"partition_key": hour})})


SHORT = "Payment provider rejected the charge."
LONGER = "Payment provider rejected the charge. The issuer answered: do not honor"


def test_a_message_that_goes_on_joins_the_shorter_signature_and_it_says_so() -> None:
    short = [_charge("s1", SHORT), _charge("s2", SHORT)]
    longer = _charge("l1", LONGER)
    after_colon = _charge("c1", "Payment provider rejected the charge: 403 Forbidden")
    wrapper = [_charge("w1", "Request failed."), _charge("w2", "Request failed. The issuer answered: do not honor")]
    result = group_hour({HOUR_10: [*short, longer, after_colon, *wrapper]}, {}, NOW)
    home = result.signatures[signature_id_of(fingerprint_of(short[0]))]
    assert home.count == 3
    assert home.fingerprint["joined"] == {PLACED_EXTENDED: JOINED_RULES[PLACED_EXTENDED]}
    assert signature_id_of(fingerprint_of(longer)) not in result.signatures
    # After `:` the rest names another failure; a message of fewer than four words is a wrapper, not a failure.
    assert result.signatures[signature_id_of(fingerprint_of(after_colon))].count == 1
    assert [result.signatures[signature_id_of(fingerprint_of(w))].count for w in wrapper] == [1, 1]
    moved = {c.capture_id: c.signature_id for c in result.regrouped_captures}
    assert moved["l1"] == home.signature_id


def test_a_message_that_goes_on_from_one_that_goes_on_joins_the_shortest() -> None:
    # `Checkout step failed: <middle>` extends `<middle>` (a caller's context), which extends SHORT (another sentence);
    # SHORT is not a form of the longest one, so placement follows the chain.
    middle = "Payment provider rejected the charge. Card declined by the issuer"
    captures = [_charge("s1", SHORT), _charge("m1", middle), _charge("l1", f"Checkout step failed: {middle}")]
    result = group_hour({HOUR_10: captures}, {}, NOW)
    home = signature_id_of(fingerprint_of(captures[0]))
    assert list(result.signatures) == [home] and result.signatures[home].count == 3


# A message whose template is cut at MAX_TEMPLATE characters, and the same behind a caller's context, cut earlier.
CUT_INNER = "Transaction retry error: " + " ".join(f"step{i} failed" for i in range(40))
CUT_WRAPPED = f"commit inventory hold 42: {CUT_INNER}"


@pytest.mark.parametrize("order", [[HOUR_10, HOUR_11], [HOUR_11, HOUR_10]])
@pytest.mark.parametrize("short, longer", [(SHORT, LONGER), (CUT_INNER, CUT_WRAPPED)], ids=["sentence", "cut"])
def test_a_longer_message_grouped_before_its_shorter_form_existed_is_moved_to_it(store: Store, order: list[str],
                                                                                  short: str, longer: str) -> None:
    store.upsert_captures([_charge("l1", longer, HOUR_10), _charge("s1", short, HOUR_11),
                           _charge("s2", short, HOUR_11)])
    for hour in order:
        store_grouping(store, [hour], NOW)
    home = signature_id_of(fingerprint_of(_charge("s1", short)))
    assert _placement(store) == ({"l1": home, "s1": home, "s2": home}, {home: {HOUR_10: 1, HOUR_11: 2}})


def test_placement_of_many_related_messages_places_each_capture_once() -> None:
    # Messages built to go on from each other in every way (sentences, asides, callers' contexts) at one site: no
    # capture is lost or counted twice, and every target is a signature no other rule moves on.
    rng = random.Random(11)
    parts = ["Payment provider rejected the charge.", "Card declined by the issuer", "Checkout step failed:",
             "Retry later.", "(attempt 2)", "[req-1]", "- giving up", "Ledger write failed:", "Order closed."]
    captures = [_charge(f"c{i}", " ".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))) for i in range(300)]
    folds = plan_folds({HOUR_10: captures})
    placed = [facts.capture_id for fold in folds.values() for facts in fold.captures()]
    assert sorted(placed) == sorted(c.capture_id for c in captures)
    assert any(fold.joined_rules() == [PLACED_EXTENDED] for fold in folds.values())

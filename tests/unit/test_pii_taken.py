"""The spans a scan has taken (`capture/pii_taken.py`): overlap by bisection, and texts with thousands of names."""

from __future__ import annotations

from evalforge_assets.capture.pii import find_pii
from evalforge_assets.capture.pii_taken import TakenSpans


def test_a_span_is_taken_only_where_nothing_is() -> None:
    taken = TakenSpans()
    assert taken.take(10, 20)
    assert taken.take(30, 40)
    assert taken.take(20, 30)  # touching is not overlapping
    assert not taken.take(15, 16)
    assert not taken.take(5, 11)
    assert not taken.take(39, 50)
    assert taken.take(0, 10)
    assert taken.overlaps(0, 100)
    assert not taken.overlaps(40, 41)


def test_spans_given_at_construction_may_overlap_and_are_merged() -> None:
    taken = TakenSpans([(5, 9), (0, 20), (18, 25), (40, 41)])
    assert taken.overlaps(24, 30)
    assert taken.overlaps(10, 11)  # inside (0, 20), which a later and shorter span must not hide
    assert not taken.overlaps(25, 40)
    assert not taken.take(19, 22)
    assert taken.take(30, 35)


def test_a_text_listing_thousands_of_names_is_read_whole() -> None:
    # Every candidate used to be checked against every span taken before it: 10,000 of these took 14 s.
    text = "James Smith, " * 10_000
    assert [match.value for match in find_pii(text)] == ["James Smith"] * 10_000

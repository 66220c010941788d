"""The spans a scan has taken so far, none overlapping another: whether a new candidate overlaps one is two
bisections rather than a pass over all of them. With a pass, a text listing thousands of names (a CSV export, a
tool result of every customer) cost quadratic time: 10,000 `James Smith, ` took 14 s."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable


class TakenSpans:
    """Disjoint (start, end) spans sorted by start; spans given at construction may overlap and are merged."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            if self._ends and start < self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], end)
            else:
                self._starts.append(start)
                self._ends.append(end)

    def overlaps(self, start: int, end: int) -> bool:
        """Whether [start, end) shares a character with a taken span."""
        # The spans that start before `end`; of those, the last ends latest, since they are disjoint and sorted.
        before = bisect_left(self._starts, end)
        return before > 0 and self._ends[before - 1] > start

    def take(self, start: int, end: int) -> bool:
        """Take [start, end) if it overlaps nothing taken; whether it was taken."""
        if self.overlaps(start, end):
            return False
        index = bisect_left(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)
        return True

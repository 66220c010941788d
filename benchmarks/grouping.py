"""Grouping quality on the generated labeled corpus: pairwise precision, recall and F1 (target F1 >= 0.95).

    python3 -m uv run python benchmarks/grouping.py [--count 20000] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the labeled corpora live with the tests

from evalforge_assets.capture.sources.sample import generate_labeled_failures
from tests.corpora.grouping import score_grouping


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    started = time.perf_counter()
    score = score_grouping(generate_labeled_failures(args.count, seed=args.seed))
    elapsed = time.perf_counter() - started
    print(f"labeled failures   {score.captures}")
    print(f"true groups        {score.true_groups}")
    print(f"signatures         {score.signatures}")
    print(f"pairwise precision {score.precision:.4f}")
    print(f"pairwise recall    {score.recall:.4f}")
    print(f"pairwise F1        {score.f1:.4f}   (target >= 0.95: {'met' if score.f1 >= 0.95 else 'NOT met'})")
    print(f"elapsed            {elapsed:.1f} s ({score.captures / elapsed:,.0f} failures/s)")


if __name__ == "__main__":
    main()

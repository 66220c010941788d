"""Grouping corpora written by agents that were not shown the grouping code (tests/corpora/independent/README.md),
each frozen by the sha256 of its lines before it was first scored: (span, true group) pairs in Datadog's export
format, the group from how the corpus was built."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

DIRECTORY = Path(__file__).resolve().parent / "independent"
# name -> sha256 of the uncompressed JSON lines, as the writer printed it when freezing the corpus.
PINNED = {
    "probe1": "09967f55686c538c2e50d1c33316da617f3a048f5c00713429f94a58155fc1a6",
    "probe2": "05c321ec8a887ab62e2ef0968e0b463ea3e8189a02057f8891816e57855ab6f6",
    "probe3": "5dbf9d4efadaf19beff1dabf0a032a9f7ab85889891ff39e1e4ae643f3cc36c0",
    "probe4": "10a8ae50ae6acacf2f0cd909283cd32d447ab402991fd5c25fede15b51aa8b32",
    "probe5": "69590b5d87ccc3f6aef762fb61d73a129c06c187c4b4b814f452bd9bb1992b05",
    "probe6": "9e9a12cc81944c4403775be38a5a98993a664c81f566c8e788cb4d5c3b560822",
    "probe7": "f0010adf2610c3b071c4e32c0e2f17c9512d76ef911d50b012ba673733e44afe",
    "probe8": "79868e941152ff1c308c8a45e185af20b0626ed8ffefebb777492a385f6c13ba",
    "probe9": "cd56d8f59ffdd7ccba8abeb79f8636927d762e2a4a5360ee3827e55b8e925d74",
}

# name -> (fingerprint version, its F1) measured on the corpus before any rule was written after seeing it: the
# floor grouping may not fall back below.
BASELINE_F1 = {"probe1": (2, 0.594), "probe2": (2, 0.746), "probe3": (2, 0.524), "probe4": (3, 0.397),
               "probe5": (3, 0.322), "probe6": (3, 0.403), "probe7": (5, 0.847),
               "probe8": (5, 0.656), "probe9": (5, 0.792)}


def raw_lines(name: str) -> bytes:
    return gzip.decompress((DIRECTORY / f"{name}.jsonl.gz").read_bytes())


def sha256_of(name: str) -> str:
    return hashlib.sha256(raw_lines(name)).hexdigest()


def labeled_spans(name: str) -> list[tuple[dict[str, Any], str]]:
    """The corpus's (span, true group) pairs."""
    rows = [json.loads(line) for line in raw_lines(name).decode().splitlines()]
    return [(row["span"], row["label"]) for row in rows]

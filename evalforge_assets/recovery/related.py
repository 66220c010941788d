"""Which failure signatures rose during an incident: their symptoms, linked both ways."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from pydantic import BaseModel

from evalforge_assets.hours import hour_key_of
from evalforge_assets.models import FailureSignature, parse_iso


class RelatedSignature(BaseModel):
    signature_id: str
    title: str
    during: int
    baseline_per_hour: float


def rising_signatures(signatures: Iterable[FailureSignature], detected_at: str, baseline_hours: int = 6,
                      factor: float = 1.5, minimum: int = 2) -> list[RelatedSignature]:
    """Signatures whose count in the incident's hour exceeds `factor` × their mean over the hours before."""
    detected = parse_iso(detected_at)
    hour = hour_key_of(detected_at)
    before = [hour_key_of((detected - timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
              for n in range(1, baseline_hours + 1)]
    rising = []
    for signature in signatures:
        during = signature.counts_by_hour.get(hour, 0)
        baseline = sum(signature.counts_by_hour.get(h, 0) for h in before) / baseline_hours
        if during >= minimum and during > factor * baseline:
            rising.append(RelatedSignature(signature_id=signature.signature_id, title=signature.title,
                                           during=during, baseline_per_hour=round(baseline, 2)))
    return sorted(rising, key=lambda r: (-r.during, r.signature_id))

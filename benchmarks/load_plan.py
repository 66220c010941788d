"""What benchmarks/load.py (or a test) tells the Locust users about the store it seeded, and the endpoint names
both sides use. Kept apart from the locustfile because importing Locust monkey-patches the whole process with
gevent: the driver and the tests must never import it."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, Field

PLAN_ENV = "EVALFORGE_LOAD_PLAN"
WAIT_ENV = "EVALFORGE_LOAD_WAIT"

# Names of the list endpoints in Locust's CSV: the ones the p99 target applies to.
LIST_ENDPOINTS = ("GET /v1/captures", "GET /v1/captures filtered", "GET /v1/captures next page",
                  "GET /v1/signatures", "GET /v1/signatures windowed", "GET /v1/signatures by severity")
ALL_ENDPOINTS = (*LIST_ENDPOINTS, "GET /v1/captures/{id}", "GET /v1/signatures/{id}",
                 "PATCH /v1/captures/{id}", "POST /v1/exports")


class LoadPlan(BaseModel):
    """The API key, ids to open, captures that may be exported (not ignored), the start of a 24-hour window."""

    api_key: str = Field(min_length=1)
    capture_ids: list[str] = Field(min_length=1)
    signature_ids: list[str] = Field(min_length=1)
    exportable_capture_ids: list[str] = Field(min_length=1)
    window_from: str


def read_plan() -> LoadPlan:
    path = os.environ.get(PLAN_ENV)
    if not path:
        raise SystemExit(f"{PLAN_ENV} is not set; point it at the JSON plan the seeding script wrote "
                         "(benchmarks/load.py writes one next to the store it seeds).")
    try:
        return LoadPlan.model_validate_json(Path(path).read_bytes())
    except (OSError, ValueError) as exc:
        raise SystemExit(f"The load plan {path} cannot be read ({exc}); run benchmarks/load.py to write one.") from exc


def think_time() -> tuple[float, float]:
    """Seconds between one user's requests, from EVALFORGE_LOAD_WAIT "min,max" (default none at all)."""
    raw = os.environ.get(WAIT_ENV, "0,0")
    try:
        low, high = (float(part) for part in raw.split(","))
    except ValueError:
        raise SystemExit(f"{WAIT_ENV}={raw!r} is not 'min,max' in seconds (e.g. '0.1,0.5').") from None
    return low, high

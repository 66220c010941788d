"""A reviewer's mix of requests for Locust: list and filter captures and signatures, page on, open details,
triage a capture, request an export.

Run it headless through benchmarks/load.py (which seeds a store, starts the API and reads the CSV), or by hand:

    EVALFORGE_LOAD_PLAN=plan.json locust -f benchmarks/locustfile.py --headless -u 8 -r 8 -t 30s \
        --host http://127.0.0.1:8000

The plan is a JSON file written by whoever seeded the store (`load_plan.LoadPlan`): the API key, capture and
signature ids to open, captures that may be exported (not ignored), and the start of a 24-hour window.
`EVALFORGE_LOAD_WAIT` is the think time between a user's requests, "min,max" seconds (default "0,0": every
user sends its next request as soon as the last one is answered, so users are concurrent clients).

Every request is named after its route template, so the CSV has one row per endpoint, not per id.
"""

from __future__ import annotations

import functools
import random
import sys
from pathlib import Path

from locust import between, task
from locust.contrib.fasthttp import FastHttpUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from benchmarks.load_plan import LoadPlan, read_plan, think_time  # after the path above


@functools.cache
def plan() -> LoadPlan:
    """Read once per Locust process, on first use (importing this module for its names needs no plan)."""
    return read_plan()


class Reviewer(FastHttpUser):
    """One reviewer: mostly reading the queue, sometimes triaging, now and then exporting."""

    wait_time = between(*think_time())

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {plan().api_key}"}
        self.rng = random.Random()
        self.next_page: str | None = None
        # A session starts by opening every view once, so even a short run (the test suite's smoke) reaches
        # every endpoint; the weighted mix follows.
        for view in (self.list_captures, self.filter_captures, self.next_captures_page, self.list_signatures,
                     self.windowed_signatures, self.signatures_by_severity, self.open_signature, self.open_capture,
                     self.triage_capture, self.request_export):
            view()

    def _get(self, name: str, path: str, params: dict[str, str | int] | None = None, *,
             read_body: bool = False) -> dict | None:
        """GET and check the status; the JSON body is parsed only when `read_body` (Locust shares the API's
        cores, so a client parsing every 60 KB page would take CPU the server is being measured on)."""
        with self.client.get(path, params=params, headers=self.headers, name=name, catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:200]}")
                return None
            return answer.json() if read_body else None

    @task(20)
    def list_captures(self) -> None:
        page = self._get("GET /v1/captures", "/v1/captures", read_body=True)
        if page:
            self.next_page = page["next_cursor"]

    @task(12)
    def filter_captures(self) -> None:
        self._get("GET /v1/captures filtered", "/v1/captures",
                  {"status": "new", "severity": "critical,high", "limit": 50})

    @task(8)
    def next_captures_page(self) -> None:
        if self.next_page is None:
            self.list_captures()
            return
        self._get("GET /v1/captures next page", "/v1/captures", {"cursor": self.next_page})

    @task(15)
    def list_signatures(self) -> None:
        self._get("GET /v1/signatures", "/v1/signatures", {"sort": "count"})

    @task(10)
    def windowed_signatures(self) -> None:
        self._get("GET /v1/signatures windowed", "/v1/signatures", {"sort": "last_seen", "from": plan().window_from})

    @task(5)
    def signatures_by_severity(self) -> None:
        self._get("GET /v1/signatures by severity", "/v1/signatures", {"sort": "severity", "status": "new"})

    @task(12)
    def open_signature(self) -> None:
        self._get("GET /v1/signatures/{id}", f"/v1/signatures/{self.rng.choice(plan().signature_ids)}")

    @task(10)
    def open_capture(self) -> None:
        self._get("GET /v1/captures/{id}", f"/v1/captures/{self.rng.choice(plan().capture_ids)}")

    @task(7)
    def triage_capture(self) -> None:
        body = {"assignee": self.rng.choice(["ana@example.com", "bo@example.com"]), "note": "load test triage"}
        with self.client.patch(f"/v1/captures/{self.rng.choice(plan().capture_ids)}", json=body,
                               headers=self.headers, name="PATCH /v1/captures/{id}", catch_response=True) as answer:
            if answer.status_code != 200:
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:200]}")

    @task(1)
    def request_export(self) -> None:
        body = {"capture_ids": self.rng.sample(plan().exportable_capture_ids, k=min(3, len(plan().exportable_capture_ids))),
                "destinations": ["eval_dataset"]}
        with self.client.post("/v1/exports", json=body, headers=self.headers, name="POST /v1/exports",
                              catch_response=True) as answer:
            # 409 is the API's answer when a reviewer ignored one of the captures meanwhile: a correct reply.
            if answer.status_code not in (202, 409):
                answer.failure(f"{answer.status_code}: {(answer.text or '')[:200]}")

"""Light, steady traffic for the demo app, so its error rate and latency mean something.

    python -m demo_app.traffic --url http://127.0.0.1:8001 --rate 5

Requests go round a fixed mix: GET /health, GET /catalog and valid POST /checkout, with checkout making half of
all requests. Checkouts are guest checkouts (no Authorization header, as the incident contract allows) unless a
token is given, so the traffic never depends on knowing the app's token: a wrong one would turn every checkout
into a 401 and hide the bug from the error rate. While the bug is on, every checkout answers 500, so the error rate seen
in the metrics jumps to about 50% and falls back to 0 after the fix.

It is deliberately polite: it only calls the given base URL (no redirects followed), never more than
`MAX_RATE_PER_SECOND`, one request at a time, backs off while the app is unreachable, and stops promptly on
SIGTERM / SIGINT or when `stop_event` is set (or after `max_requests` / `duration_seconds`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx

logger = logging.getLogger("demo_app.traffic")

MAX_RATE_PER_SECOND = 50.0
# The paths, in order, one request each; checkout is half the mix so the bug moves the error rate a lot.
TRAFFIC_MIX: tuple[str, ...] = ("health", "catalog", "checkout", "checkout")
# Used until a GET /catalog answer says which skus exist.
FALLBACK_SKU = "SKU-1001"
CONNECTION_ERROR = "connection_error"
_MAX_BACKOFF_SECONDS = 5.0


@dataclass
class TrafficStats:
    """What was sent and what came back: counts by status code, plus `connection_error`."""

    sent: int = 0
    by_status: Counter[str] = field(default_factory=Counter)

    @property
    def server_errors(self) -> int:
        return sum(count for status, count in self.by_status.items() if status.startswith("5"))

    def as_dict(self) -> dict[str, Any]:
        return {"sent": self.sent, "by_status": dict(sorted(self.by_status.items()))}


class _Shopper:
    """Sends the next request of the mix and remembers the skus the catalog offers."""

    def __init__(self, client: httpx.Client, base_url: str, token: str | None) -> None:
        self._client = client
        self._base_url = base_url.rstrip("/")
        self._auth = {"Authorization": f"Bearer {token}"} if token else {}
        self._skus: list[str] = [FALLBACK_SKU]
        self._checkouts = 0

    def send(self, kind: str) -> httpx.Response:
        if kind == "health":
            return self._client.get(f"{self._base_url}/health")
        if kind == "catalog":
            response = self._client.get(f"{self._base_url}/catalog")
            self._remember_skus(response)
            return response
        if kind == "checkout":
            sku = self._skus[self._checkouts % len(self._skus)]
            self._checkouts += 1
            body = {"sku": sku, "quantity": 1, "payment_token": f"tok_traffic_{self._checkouts}"}
            return self._client.post(f"{self._base_url}/checkout", json=body, headers=self._auth)
        raise ValueError(f"Unknown request kind {kind!r}; expected one of {sorted(set(TRAFFIC_MIX))}.")

    def _remember_skus(self, response: httpx.Response) -> None:
        if response.status_code != 200:
            return
        try:
            items = response.json().get("items") or []
            skus = [
                item["sku"] for item in items if isinstance(item, dict) and isinstance(item.get("sku"), str)
            ]
        except (ValueError, AttributeError, KeyError):
            return  # a catalog we cannot read changes nothing: keep the skus we had
        if skus:
            self._skus = skus


def run_traffic(
    base_url: str,
    rate_per_second: float = 5.0,
    stop_event: threading.Event | None = None,
    *,
    token: str | None = None,
    max_requests: int | None = None,
    duration_seconds: float | None = None,
    client: httpx.Client | None = None,
    request_timeout_seconds: float = 5.0,
) -> TrafficStats:
    """Send the traffic mix to `base_url` at `rate_per_second` until stopped; returns what happened.

    token: a bearer token to check out with; without one every checkout is a guest checkout.
    client: an `httpx.Client` to send through (e.g. a FastAPI `TestClient`); by default one is made and closed.
    """
    if not base_url.startswith(("http://", "https://")):
        raise ValueError(f"base_url must be an http(s) URL such as http://127.0.0.1:8001; got {base_url!r}.")
    if not 0 < rate_per_second <= MAX_RATE_PER_SECOND:
        raise ValueError(
            f"rate_per_second must be above 0 and at most {MAX_RATE_PER_SECOND:g} (this generator is meant to be "
            f"light); got {rate_per_second}."
        )
    if max_requests is not None and max_requests < 0:
        raise ValueError(f"max_requests must be 0 or more; got {max_requests}.")
    stop = stop_event if stop_event is not None else threading.Event()
    owned_client = client is None
    http = (
        client
        if client is not None
        else httpx.Client(timeout=request_timeout_seconds, follow_redirects=False)
    )
    stats = TrafficStats()
    try:
        _loop(_Shopper(http, base_url, token), rate_per_second, stop, stats, max_requests, duration_seconds)
    finally:
        if owned_client:
            http.close()
    return stats


def _loop(
    shopper: _Shopper,
    rate_per_second: float,
    stop: threading.Event,
    stats: TrafficStats,
    max_requests: int | None,
    duration_seconds: float | None,
) -> None:
    interval = 1.0 / rate_per_second
    started = time.monotonic()
    next_send = started
    failures_in_a_row = 0
    while not stop.is_set():
        if max_requests is not None and stats.sent >= max_requests:
            return
        if duration_seconds is not None and time.monotonic() - started >= duration_seconds:
            return
        # Waiting on the event rather than sleeping is what makes a stop request take effect at once.
        if stop.wait(max(0.0, next_send - time.monotonic())):
            return
        kind = TRAFFIC_MIX[stats.sent % len(TRAFFIC_MIX)]
        stats.sent += 1
        try:
            response = shopper.send(kind)
        except httpx.TransportError as error:
            stats.by_status[CONNECTION_ERROR] += 1
            failures_in_a_row += 1
            backoff = min(_MAX_BACKOFF_SECONDS, interval * 2**failures_in_a_row)
            logger.warning("%s request failed (%s); retrying in %.1f s", kind, error, backoff)
            next_send = time.monotonic() + backoff
            continue
        failures_in_a_row = 0
        stats.by_status[str(response.status_code)] += 1
        # Fixed-rate schedule, but never "catching up" with a burst after a slow answer.
        next_send = max(next_send + interval, time.monotonic())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m demo_app.traffic", description="Send light, steady traffic to the demo app."
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("DEMO_APP_URL", "http://127.0.0.1:8001"),
        help="base URL of the demo app (default: $DEMO_APP_URL or http://127.0.0.1:8001)",
    )
    parser.add_argument("--rate", type=float, default=5.0, help="requests per second (default 5)")
    parser.add_argument(
        "--token", default=None, help="bearer token to check out with (default: none, guest checkouts)"
    )
    parser.add_argument("--duration", type=float, default=None, help="stop after this many seconds")
    parser.add_argument("--max-requests", type=int, default=None, help="stop after this many requests")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the stack's output

    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda _signum, _frame: stop.set())
    try:
        stats = run_traffic(
            args.url,
            args.rate,
            stop,
            token=args.token,
            max_requests=args.max_requests,
            duration_seconds=args.duration,
        )
    except ValueError as error:
        parser.error(str(error))
    print(json.dumps(stats.as_dict()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

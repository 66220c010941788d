"""The demo app's bug switch (`POST /admin/bug`), behind a small callable the API can swap in tests."""

from __future__ import annotations

import httpx

from evalforge_assets.recovery.errors import DemoAppUnreachable

DEMO_APP_TIMEOUT_SECONDS = 3.0


class DemoAppSwitch:
    """Flips the bug of the demo app at `base_url`; raises DemoAppUnreachable saying what to do when it cannot."""

    def __init__(self, base_url: str, transport: httpx.BaseTransport | None = None,
                 timeout: float = DEMO_APP_TIMEOUT_SECONDS) -> None:
        self.base_url = base_url.rstrip("/")
        self.transport = transport
        self.timeout = timeout

    def __call__(self, enabled: bool) -> None:
        base = self.base_url
        try:
            with httpx.Client(transport=self.transport, timeout=self.timeout) as client:
                response = client.post(f"{base}/admin/bug", json={"enabled": enabled})
        except httpx.HTTPError as exc:
            raise DemoAppUnreachable(
                f"The demo app at {base} did not answer ({exc.__class__.__name__}), so the bug was not switched; "
                "start it (`uvicorn demo_app.main:app --port 8001`) or set DEMO_APP_URL to where it runs.") from exc
        if response.status_code != httpx.codes.OK:
            raise DemoAppUnreachable(
                f"The demo app at {base} answered HTTP {response.status_code} to POST /admin/bug, so the bug was not "
                "switched; check that DEMO_APP_URL points at the Evalforge demo app.")

"""Records the API shares between its replicas through the store: request counters and its signing secret."""

from __future__ import annotations

from pydantic import Field

from evalforge_assets.models._base import Record, now_iso


class RateWindow(Record):
    """One fixed-window counter, e.g. requests of an API key or failed authentications from an address.

    The document id is `counter_id`; `window_start` (epoch seconds) says which window `count` belongs to, so a
    counter whose window has passed starts again from zero instead of needing a clean-up job. `blocked_until`
    (epoch seconds) is set when the counter's owner is throttled, so every replica refuses it until then.
    """

    counter_id: str
    window_start: int
    count: int = 0
    blocked_until: float | None = None


class StoredSecret(Record):
    """A random secret the API generated once for this store (the first replica to `create` it wins), so every
    replica signs and checks with the same key when none is configured."""

    name: str
    value: str
    created_at: str = Field(default_factory=now_iso)

"""Claims: one stored document per uniqueness key, so services across processes can hold "at most one X"."""

from __future__ import annotations

from pydantic import Field

from evalforge_assets.models._base import Record, now_iso


class Claim(Record):
    """Who holds a uniqueness key such as "open-incident:checkout" or "active-run:inc-42".

    The document id is `key`. A claim whose `owner` is None has been released and may be taken again.
    Take a key that is only ever claimed once with `Store.create("claims", Claim(...))` (True: you hold it);
    take a key that is claimed and released repeatedly with `Store.update("claims", Claim, key, change)`,
    where `change` returns a claim naming you when the current one is absent or released, and None otherwise;
    the record `update` returns then says who holds the key. Release by updating `owner` to None.
    """

    key: str
    owner: str | None
    claimed_at: str = Field(default_factory=now_iso)

"""Liveness and dependency health."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel

from evalforge_assets.store import StoreUnavailable

router = APIRouter(tags=["health"])


class DependencyHealth(BaseModel):
    ok: bool
    detail: str


class Health(BaseModel):
    status: Literal["ok", "degraded"]
    version: str
    store: DependencyHealth


@router.get("/health", response_model=Health, summary="Health of the API and the store it reads")
def get_health(request: Request) -> Health:
    from evalforge_api.app import VERSION

    try:
        request.app.state.store.ping()
        store = DependencyHealth(ok=True, detail=request.app.state.store.url)
    except StoreUnavailable as exc:
        store = DependencyHealth(ok=False, detail=str(exc))
    return Health(status="ok" if store.ok else "degraded", version=VERSION, store=store)

"""Liveness: the service is up and what it serves from (no token needed)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from fastapi import APIRouter

from api.deps import ServiceDep, SettingsDep
from api.models import Health

router = APIRouter(tags=["health"])

try:
    __version__ = version("orgmodel")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"


@router.get("/health", response_model=Health, summary="Is the service up")
async def health(service: ServiceDep, settings: SettingsDep) -> Health:
    """Always 200 while the process serves; no token needed, no data disclosed."""
    return Health(
        status="ok", version=__version__, store=service.engine, local_mode=settings.local_mode
    )

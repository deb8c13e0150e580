"""Whole answers as JSON bytes, made once and served from the service's cache.

A read route whose answer depends only on immutable things — an organisation's version, a
scenario (both immutable once saved), the page asked for — builds its response model once,
serialises it exactly as FastAPI would for its ``response_model`` (pydantic's ``dump_json``,
by alias), and keeps the bytes under a key naming all of that
(:meth:`api.service.OrgService.answer`). A repeated request is then a cache look-up and a
copy of bytes: no report re-shaped, no model validated, no JSON written again. The route
still declares its ``response_model``, so the OpenAPI document is unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Response
from pydantic import TypeAdapter

__all__ = ["json_bytes", "json_response"]


@cache
def _adapter(model: Any) -> TypeAdapter[Any]:
    return TypeAdapter(model)


def json_bytes(model: Any, value: Any) -> bytes:
    """``value`` (an instance of ``model``, e.g. ``MetricsOut`` or ``list[ScenarioSummary]``)
    as the JSON FastAPI sends for a route with ``response_model=model``."""
    return _adapter(model).dump_json(value, by_alias=True)


def json_response(body: bytes, status_code: int = 200) -> Response:
    """An ``application/json`` response of ready bytes."""
    return Response(content=body, status_code=status_code, media_type="application/json")

"""Whole answers as JSON bytes, made once and served from the service's cache.

A read route whose answer depends only on immutable things — an organisation's version, a
scenario (both immutable once saved), the page asked for — builds its response model once,
serialises it exactly as FastAPI would for its ``response_model`` (pydantic's ``dump_json``,
by alias), and keeps the bytes under a key naming all of that
(:meth:`api.service.OrgService.answer`). A repeated request is then a cache look-up and a
copy of bytes: no report re-shaped, no model validated, no JSON written again. The route
still declares its ``response_model``, so the OpenAPI document is unchanged.

The keys are made here, by the ``*_key`` functions, for the routes and for
:class:`CachedAnswers`: an ASGI middleware that answers a ``GET`` whose answer is cached
already without going through FastAPI's routing, parameter parsing and dependencies (under
fifty clients those cost more than the look-up itself). It serves only what a route has put
in the cache, after the same access check (:func:`api.deps.authenticate`, viewer role);
anything else — a miss, a query string it does not read, an id too long, a caller the check
refuses — goes on to the routes, which answer or refuse exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping
from functools import cache
from typing import TYPE_CHECKING, Any

from fastapi import Response
from pydantic import TypeAdapter
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.deps import Role, authenticate, check_role
from api.models import DEFAULT_LIST_LIMIT, MAX_ID
from api.problems import ApiProblem
from api.service import Subject, json_key, parse_subject

if TYPE_CHECKING:
    from api.service import OrgService

__all__ = [
    "CachedAnswers",
    "compare_key",
    "json_bytes",
    "json_response",
    "listing_key",
    "metrics_key",
    "scenario_diff_key",
    "scenario_key",
    "scenario_metrics_key",
]


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


# -- the keys of cached answers (one home: the routes and CachedAnswers use these) -----------


def metrics_key(
    subject: Subject,
    part: str | None,
    page: int,
    limit: int,
    norms: Mapping[str, Any] | None,
    policy: Mapping[str, Any] | None,
) -> Hashable:
    """An organisation's metrics (``subject`` with its version resolved)."""
    return ("metrics", subject, part, page, limit, json_key(norms), json_key(policy))


def scenario_key(scenario_id: str) -> Hashable:
    return ("scenario", scenario_id)


def scenario_diff_key(scenario_id: str) -> Hashable:
    return ("scenario-diff", scenario_id)


def scenario_metrics_key(scenario_id: str, page: int, limit: int) -> Hashable:
    return ("scenario-metrics", scenario_id, page, limit)


def compare_key(a: Subject, b: Subject) -> Hashable:
    """A comparison (organisation subjects with their versions resolved)."""
    return ("compare", a, b)


def listing_key(base: str | None) -> Hashable:
    """The scenario listing (of one base organisation, or all)."""
    return ("scenarios", base)


# -- the fast path ---------------------------------------------------------------------------

_PATHS = re.compile(
    r"/api/v1/(?:"
    r"orgs/(?P<org>[^/]+)/metrics(?:/(?P<part>[^/]+))?"
    r"|scenarios/(?P<sid>[^/]+)(?P<tail>/metrics|/diff)?"
    r"|(?P<compare>compare)"
    r"|(?P<listing>scenarios)"
    r")"
)
#: The longest reference ``/compare`` takes in ``a`` and ``b`` (its ``Ref`` parameter).
_MAX_REF = 2 * MAX_ID


def _id_ok(value: str) -> bool:
    """An id the path parameter takes (1 to ``MAX_ID`` characters)."""
    return 0 < len(value) <= MAX_ID


def _compare_subjects(service: OrgService, query: bytes) -> tuple[Subject, Subject] | None:
    """``a`` and ``b`` of a ``/compare`` query, each given once and nothing else, resolved
    as the route resolves them; ``None`` when the route would have to look at them."""
    params = QueryParams(query)
    if sorted(params.keys()) != ["a", "b"]:
        return None
    out = []
    for name in ("a", "b"):
        values = params.getlist(name)
        if len(values) != 1 or not 0 < len(values[0]) <= _MAX_REF:
            return None
        subject = parse_subject(values[0])  # ApiProblem: the route says what is wrong
        if subject.type == "org" and subject.version is None:
            latest = service.latest_known(subject.id)
            if latest is None:
                return None
            subject = Subject("org", subject.id, latest)
        out.append(subject)
    return out[0], out[1]


def cached_answer(service: OrgService, path: str, query: bytes) -> bytes | None:
    """The cached answer of ``GET path?query``, if a route has made it; ``None`` otherwise
    (then the route runs). The caller has been checked already."""
    m = _PATHS.fullmatch(path)
    if m is None:
        return None
    org, sid, tail = m.group("org"), m.group("sid"), m.group("tail")
    if m.group("compare"):
        subjects = _compare_subjects(service, query)
        return None if subjects is None else service.cached_answer(compare_key(*subjects))
    if query:  # every other route here reads its query string itself (page, limit, …)
        return None
    if m.group("listing"):
        return service.cached_listing(listing_key(None))
    if org is not None:
        latest = service.latest_known(org) if _id_ok(org) else None
        if latest is None:
            return None
        subject = Subject("org", org, latest)
        key = metrics_key(subject, m.group("part"), 1, DEFAULT_LIST_LIMIT, None, None)
        return service.cached_answer(key)
    if not _id_ok(sid):
        return None
    if tail == "/metrics":
        return service.cached_answer(scenario_metrics_key(sid, 1, DEFAULT_LIST_LIMIT))
    if tail == "/diff":
        return service.cached_answer(scenario_diff_key(sid))
    return service.cached_answer(scenario_key(sid))


class CachedAnswers:
    """ASGI middleware: a ``GET`` whose whole answer is cached is answered from the cache,
    after the caller's access check; everything else goes on to the routes (module
    docstring). The answer is the route's own response — same status, headers and bytes."""

    def __init__(self, app: ASGIApp, service: OrgService) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            body = self._hit(scope)
            if body is not None:
                await json_response(body)(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _hit(self, scope: Scope) -> bytes | None:
        path: str = scope["path"]
        if _PATHS.fullmatch(path) is None:
            return None
        try:
            check_role(authenticate(Request(scope)), Role.viewer)
            return cached_answer(self.service, path, scope.get("query_string", b""))
        except ApiProblem:  # refused, or a reference the route must explain: the route runs
            return None

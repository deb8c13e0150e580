"""The FastAPI application: :func:`create_app` wires settings, the store, limits, errors and
the routers.

Routes live under ``/api/v1`` (``/health`` also at the root); OpenAPI is at ``/openapi.json``
and the interactive documentation at ``/docs`` (Swagger UI) and ``/redoc`` (ReDoc),
served from the installed fastapi-offline package so they work with no network. Every error
is ``application/problem+json``
(:mod:`api.problems`). The charts router (``api/routers/charts.py``) and the dashboard
(``api/static/``) are included when present.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from fastapi_offline import FastAPIOffline
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.answers import CachedAnswers
from api.deps import authenticate_first, refuse_unknown_query
from api.limits import BodyLimitMiddleware
from api.local_guard import LocalModeGuard
from api.models import MetricsRequest, OrgDocument, Problem, QueryIn, ScenarioCreate
from api.problems import PROBLEM_JSON, install_problem_handlers
from api.routers import health, labels, metrics, orgs, query, scenarios
from api.routers.health import __version__
from api.service import OrgService
from api.settings import Settings

__all__ = ["API_PREFIX", "create_app", "warm_routes"]

log = logging.getLogger("orgmodel.api")

API_PREFIX = "/api/v1"

_DESCRIPTION = """\
公安机关组织模型 — the orgmodel HTTP API for planners.

Organisations (公安局, 分局, 内设机构, 派出所 …) are versioned graphs in the store; metrics
(span of control, layers, 警力隐性流失, 上下对口, 派出所警力占比, policy checks) are computed
on any version; scenarios apply a restructuring plan (大部门, 两队一室, 警力下沉) to a base
version and show what changes.

**Access.** Send `Authorization: Bearer <token>`. Roles: *viewer* reads; *planner* also
creates scenarios and runs queries; *admin* also creates, replaces and deletes organisations.
A server with no tokens runs in local mode on 127.0.0.1, where every caller is admin.

**Writes** carry the version they expect: `PUT /orgs/{id}` needs `If-Match: "v<N>"` (the
ETag of the version you edited); a stale one gets 412.

**Errors** are RFC 9457 `application/problem+json` documents naming the unit, field or plan
operation at fault. See docs/api.md for examples with curl.
"""


#: Pages (the dashboard, /docs, /redoc) may load nothing from another host: ReDoc's bundle, for
#: one, asks a CDN for its logo, and a bureau's browser must not reach out at all.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; worker-src 'self' blob:; "
    "connect-src 'self'; frame-ancestors 'self'"
)


class SameOriginPages:
    """ASGI middleware: HTML pages get :data:`CONTENT_SECURITY_POLICY` unless they set their
    own. A plain ASGI wrapper of ``send`` (Starlette's ``BaseHTTPMiddleware`` would run each
    request's app in a task of its own and stream its body through a queue)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_policy(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_policy)


def _include_charts(app: FastAPI) -> None:
    """The charts router and dashboard (``api/routers/charts.py``), when it exists.

    The module may offer ``install(app)`` (it wires itself), or a ``router``: included under
    ``/api/v1`` unless its paths already start with ``/api``, plus an optional
    ``page_router`` served at the root (the dashboard page).
    """
    name = "api.routers.charts"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as e:
        if e.name == name:
            return
        log.error("charts unavailable: %s", e)
        return
    except ImportError as e:  # a broken charts build must not take the API down
        log.error("charts unavailable: %s", e)
        return
    install = getattr(module, "install", None)
    if callable(install):
        install(app)
        return
    router = getattr(module, "router", None)
    if router is not None:
        paths = [getattr(r, "path", "") for r in router.routes]
        prefixed = router.prefix.startswith("/api") or (
            paths and all(p.startswith("/api") for p in paths)
        )
        app.include_router(router, prefix="" if prefixed else API_PREFIX)
    page = getattr(module, "page_router", None)
    if page is not None:
        app.include_router(page)


_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
_ALLOW = {
    "description": "The methods this path takes",
    "schema": {"type": "string"},
}
_RETRY_AFTER = {
    "description": "Seconds to wait before trying again",
    "schema": {"type": "integer", "minimum": 1},
}


def _state_requirements(method: str, op: dict[str, Any], allowed: str) -> None:
    """Say in the spec what the server requires and sends (issue 9, point 8).

    ``If-Match`` is required on PUT (the route answers 428 without it: it reads the header
    itself to say so, so FastAPI declares it optional); a 405 carries ``Allow`` (the methods
    of the path); a 503 — the work queue full, or the store unavailable — carries
    ``Retry-After`` when the server is busy.
    """
    responses = op["responses"]
    if method == "put":
        for param in op.get("parameters", []):
            if param.get("in") == "header" and param.get("name", "").lower() == "if-match":
                param["required"] = True
    responses.setdefault(
        "405",
        {
            "description": f"Method not allowed: this path takes {allowed}",
            "headers": {"Allow": _ALLOW},
        },
    )
    busy = (
        "Busy: too many heavy requests running and waiting (Retry-After says when to try "
        "again); or the store is unavailable"
    )
    own = responses.get("503")
    responses["503"] = {
        **(own or {}),
        "description": f"{own['description']}; or: {busy}" if own else busy,
        "headers": {**(own or {}).get("headers", {}), "Retry-After": _RETRY_AFTER},
    }


def _openapi(app: FastAPI) -> dict[str, Any]:
    """OpenAPI with the body models of the multi-type routes, and problem+json errors."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title,
        version=app.version,
        description=app.description,
        routes=app.routes,
    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for model in (OrgDocument, ScenarioCreate, MetricsRequest, QueryIn, Problem):
        js = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for name, sub in js.pop("$defs", {}).items():
            components.setdefault(name, sub)
        components[model.__name__] = js
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
    for path in schema.get("paths", {}).values():
        allowed = ", ".join(sorted(m.upper() for m in path if m in _METHODS))
        for method, op in path.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            responses = op["responses"]
            _state_requirements(method, op, allowed)
            for status, resp in list(responses.items()):
                if status.startswith(("4", "5")):
                    responses[status] = {
                        "description": resp.get("description", "Problem"),
                        "content": {PROBLEM_JSON: problem},
                        **({"headers": resp["headers"]} if "headers" in resp else {}),
                    }
            responses.setdefault(
                "default",
                {
                    "description": "Any other error, as a problem document",
                    "content": {PROBLEM_JSON: problem},
                },
            )
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings | None = None, service: OrgService | None = None) -> FastAPI:
    """Build the application.

    Parameters
    ----------
    settings : Settings, optional
        From :meth:`Settings.from_env` by default.
    service : OrgService, optional
        An already opened service, which the caller closes; by default the store in
        ``settings.store`` is opened now — once for the process — closed when the app shuts
        down, and, if it is empty and ``settings.seed`` is set, filled with the seed
        organisations and plans.

    Raises
    ------
    StoreLocked
        The embedded store is held by another process.
    """
    settings = settings or Settings.from_env()
    owned = service is None
    if service is None:
        service = OrgService.open(settings)
        if settings.seed:
            loaded = service.seed_if_empty()
            if loaded:
                log.info("empty store: loaded seeds (%s)", ", ".join(loaded))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            if owned:  # a service passed in belongs to the caller, who closes it
                service.close()

    # Swagger UI (/docs) and ReDoc (/redoc) load their scripts from the installed
    # fastapi-offline package, never from a CDN: bureaus often work offline.
    app = FastAPIOffline(
        title="orgmodel API",
        version=__version__,
        description=_DESCRIPTION,
        docs_url="/docs",
        redoc_url="/redoc",
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.service = service
    install_problem_handlers(app)

    # innermost: a cached answer skips routing and dependencies, inside every check below
    app.add_middleware(CachedAnswers, service=service)
    app.add_middleware(SameOriginPages)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_upload_bytes)
    if settings.local_mode:  # outermost: Host and CSRF checks before any body is read
        app.add_middleware(LocalModeGuard)

    app.include_router(health.router)
    app.include_router(health.router, prefix=API_PREFIX)
    # every API route checks its caller first (401/403 before any 422), then refuses query
    # parameters it does not take
    app.router.dependencies.append(Depends(authenticate_first))
    app.router.dependencies.append(Depends(refuse_unknown_query))
    for r in (orgs.router, metrics.router, labels.router, scenarios.router, query.router):
        app.include_router(r, prefix=API_PREFIX)
    _include_charts(app)

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def warm_routes(app: FastAPI) -> int:
    """Build now what FastAPI builds at the first request of each route, on the event loop.

    FastAPI (0.16x) makes a route's request and response models (pydantic schemas and
    validators) the first time a request is matched against its router, and reads the
    endpoint's source lines (``inspect.getsourcelines``, for error messages) the first time
    the route answers. On a fresh server that came to 50–250 ms of the event loop at the first
    scenario create on this 2-core machine, every other request (``/health`` included)
    waiting meanwhile. The server calls this once in the worker, before it serves and before
    :func:`api.server.settle_heap` freezes what it built. Versions that build all this when a
    router is included (as FastAPI did before) have nothing left to build: the hooks looked up
    here are then absent and this only counts the routes.

    Returns
    -------
    int
        The API routes found (each warmed where this FastAPI builds lazily).
    """
    import fastapi.routing as fastapi_routing

    endpoint_context = getattr(fastapi_routing, "_extract_endpoint_context", None)
    n = 0
    todo: list[Any] = list(app.router.routes)
    while todo:
        item = todo.pop()
        candidates = getattr(item, "effective_candidates", None)
        if callable(candidates):  # a router included in another: its routes, built
            todo.extend(candidates())
            continue
        route = getattr(item, "original_route", item)
        if isinstance(route, APIRoute):
            n += 1
            call = getattr(getattr(route, "dependant", None), "call", None)
            if endpoint_context is not None and call is not None:
                endpoint_context(call)
    return n

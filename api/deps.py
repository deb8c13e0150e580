"""Dependencies shared by every router: the caller's role, the service, the settings.

Routers ask for a role with ``caller: Caller = Depends(require(Role.planner))``; a missing or
unknown token is 401, a token whose role is too low is 403. In local mode (no tokens
configured) every caller on the loopback interface is an admin and any other caller is
refused with 403. Reuse these in any router (the charts router does).

The dependencies are ``async def``: they run on the event loop (a few look-ups, no I/O).
FastAPI runs a plain ``def`` dependency in the threadpool — a thread hop per dependency per
request, queued behind whatever holds the pool's threads — so a cached answer would wait
for threads it does not need.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from types import UnionType
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError

from api.problems import ApiProblem, english
from api.service import OrgService
from api.settings import Role, Settings, TokenRecord, is_loopback
from orgmodel.i18n import lazy
from orgmodel.io.jsonkeys import repeated_keys

__all__ = [
    "Caller",
    "Role",
    "authenticate",
    "authenticate_first",
    "caller_of",
    "check_role",
    "get_caller",
    "get_service",
    "get_settings",
    "loads_json_body",
    "read_json_body",
    "require",
    "require_admin",
    "require_json",
    "require_planner",
    "require_viewer",
    "required_role",
]

M = TypeVar("M", bound=BaseModel)

_bearer = HTTPBearer(
    auto_error=False,
    description="A token from the server's tokens file or ORGMODEL_TOKENS; its role is "
    "viewer, planner or admin. Not needed in local mode (no tokens configured, 127.0.0.1).",
)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who is calling: the role granted and the name recorded as author of their changes."""

    role: Role
    name: str
    local: bool = False


async def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


async def get_service(request: Request) -> OrgService:
    """The one :class:`OrgService` of this process (one store, shared, behind a lock)."""
    service: OrgService = request.app.state.service
    return service


def _match(tokens: dict[str, TokenRecord], given: str) -> TokenRecord | None:
    # Compare against every token in constant time so timing tells nothing about a prefix.
    found: TokenRecord | None = None
    for tok, rec in tokens.items():
        if hmac.compare_digest(tok.encode(), given.encode()):
            found = rec
    return found


def authenticate(request: Request) -> Caller:
    """Who sends ``request``: the role of its bearer token, or admin in local mode.

    Raises
    ------
    ApiProblem
        401 without a bearer token or with an unknown one; in local mode, 403 for a client
        that is not on loopback.
    """
    settings: Settings = request.app.state.settings
    if settings.local_mode:
        host = request.client.host if request.client else ""
        if not is_loopback(host):
            raise ApiProblem(
                403,
                "local-mode",
                "this server runs in local mode (no access tokens configured) and serves "
                "127.0.0.1 only",
            )
        return Caller(Role.admin, "local user", local=True)
    scheme, _, token = request.headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiProblem(
            401,
            "unauthenticated",
            "send a bearer token: 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="orgmodel"'},
        )
    rec = _match(dict(settings.tokens), token.strip())
    if rec is None:
        raise ApiProblem(
            401,
            "invalid-token",
            "the bearer token is not known to this server",
            headers={"WWW-Authenticate": 'Bearer realm="orgmodel", error="invalid_token"'},
        )
    return Caller(rec.role, rec.name)


def check_role(caller: Caller, role: Role) -> Caller:
    """``caller`` if its role is at least ``role``; 403 otherwise."""
    if caller.role < role:
        raise ApiProblem(
            403,
            "forbidden",
            f"this needs the {role.name} role; your token has the {caller.role.name} role",
        )
    return caller


async def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The authenticated caller (401 without a valid bearer token, unless in local mode).

    :func:`authenticate_first` has usually done it already, before any parameter was read;
    ``credentials`` puts the bearer scheme into the OpenAPI document.
    """
    return caller_of(request)


def caller_of(request: Request) -> Caller:
    """The caller :func:`authenticate_first` found, else :func:`authenticate` now."""
    done = getattr(request.state, "caller", None)
    return done if isinstance(done, Caller) else authenticate(request)


async def require_json(request: Request) -> None:
    """Refuse a body that is not JSON with 415 (before FastAPI tries to read it as JSON)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"Content-Type {media!r} is not accepted here: send application/json",
        )


def require(role: Role) -> Callable[..., Awaitable[Caller]]:
    """A dependency granting access to callers whose role is at least ``role`` (else 403).

    The dependency carries ``required_role``: :func:`authenticate_first` reads it to check
    the caller before the request's parameters are looked at.
    """

    async def dependency(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        return check_role(caller, role)

    dependency.__name__ = f"require_{role.name}"
    dependency.required_role = role  # type: ignore[attr-defined]
    return dependency


require_viewer = require(Role.viewer)
require_planner = require(Role.planner)
require_admin = require(Role.admin)

ServiceDep = Annotated[OrgService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ViewerDep = Annotated[Caller, Depends(require_viewer)]
PlannerDep = Annotated[Caller, Depends(require_planner)]
AdminDep = Annotated[Caller, Depends(require_admin)]


def required_role(route: object) -> Role | None:
    """The role a route's dependencies require (the highest, if several); ``None``: none."""
    found: Role | None = None
    stack = [getattr(route, "dependant", None)]
    while stack:
        dep = stack.pop()
        if dep is None:
            continue
        role = getattr(getattr(dep, "call", None), "required_role", None)
        if isinstance(role, Role) and (found is None or role > found):
            found = role
        stack.extend(getattr(dep, "dependencies", ()))
    return found


async def authenticate_first(request: Request) -> None:
    """401 or 403 before anything of the request is validated (issue 9, point 8).

    The first dependency of every API route: it finds the role the route requires (the
    ``required_role`` of its :func:`require` dependency) and checks the caller, so that an
    unauthenticated request with a bad query string or body gets 401, never a 422 that tells
    a stranger how the request is checked. Routes read their JSON bodies themselves
    (:func:`read_json_body`), after this: FastAPI would parse a declared body before any
    dependency runs. Routes that require no role (``/health``) pass.
    """
    role = required_role(request.scope.get("route"))
    if role is not None:
        request.state.caller = check_role(authenticate(request), role)


class _RepeatedKey(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def location_of(request: Request, route: str, **ids: str) -> str:
    """The URL of a resource just created, for its ``Location`` header: each id percent-encoded
    as one path segment. Starlette puts a path parameter in as given, and a header is latin-1:
    an id such as '甲县' was stored, then the answer failed (500) on its header."""
    return str(request.url_for(route, **{k: quote(v, safe="") for k, v in ids.items()}))


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        for k, _ in pairs:
            if k in seen:
                raise _RepeatedKey(k)
            seen.add(k)
    return d


def loads_json_body(raw: bytes | str) -> Any:
    """A JSON request body parsed, refusing an object that gives a key twice (422 naming the
    key): ``json`` keeps the last value silently (``"police": 2, "police": 9`` moved 9;
    ``"base"`` twice chose the second), which the plan and file readers already refuse.

    Raises
    ------
    json.JSONDecodeError
        Malformed JSON (the caller says so in its own way).
    ApiProblem
        422 ``invalid-request``: a key given twice in one object.
    """
    try:
        return json.loads(raw, object_pairs_hook=_unique_pairs)
    except _RepeatedKey as e:
        # where, as an organisation body's repeated key is named: plan.ops[0] (the slow
        # reading, on a refused body only)
        issue = next(iter(repeated_keys(raw)), None)
        where = english(issue.where) if issue is not None and issue.where else ""
        at = f"request body: {where}" if where else "request body"
        msg = (
            f"{at}: key {e.key!r} is given twice in one object; the last value "
            "would silently win: give it once"
        )
        top = issue is None or str(issue.where) == str(lazy("the top level"))
        field = e.key if top else f"{where}.{e.key}"
        raise ApiProblem(
            422, "invalid-request", msg, errors=[{"field": field, "message": msg}]
        ) from None


async def read_json_body(request: Request, model: type[M]) -> M:
    """The request's JSON body as ``model``; errors as FastAPI's own (400 malformed JSON,
    422 naming each field), raised only after the caller was authenticated."""
    raw = await request.body()
    try:
        data = loads_json_body(raw) if raw.strip() else None
    except json.JSONDecodeError as e:
        raise RequestValidationError(
            [
                {
                    "type": "json_invalid",
                    "loc": ("body", e.pos),
                    "msg": "JSON decode error",
                    "input": {},
                    "ctx": {"error": e.msg},
                }
            ]
        ) from None
    except UnicodeDecodeError:
        raise ApiProblem(400, "not-utf8", "the request body is not UTF-8 text") from None
    if data is None:
        raise RequestValidationError(
            [{"type": "missing", "loc": ("body",), "msg": "Field required", "input": None}]
        )
    try:
        return model.model_validate(data)
    except ValidationError as e:
        raise RequestValidationError(
            [{**err, "loc": ("body", *err.get("loc", ()))} for err in e.errors()]
        ) from None


def _takes_several(annotation: Any) -> bool:
    """A query parameter declared as a list (``list[str] | None``) takes repeated values."""
    if get_origin(annotation) in (Union, UnionType):
        return any(_takes_several(a) for a in get_args(annotation))
    origin = get_origin(annotation) or annotation
    return isinstance(origin, type) and issubclass(origin, list | tuple | set | frozenset)


def _declared_query(dependant: Any) -> dict[str, bool]:
    """Query parameter name → whether it takes several values, over a route's dependencies."""
    names = {p.alias: _takes_several(p.field_info.annotation) for p in dependant.query_params}
    for sub in dependant.dependencies:
        names.update(_declared_query(sub))
    return names


async def refuse_unknown_query(request: Request) -> None:
    """Refuse query parameters a route does not take (422), naming them and the ones it does:
    a misspelt filter (``?knd=station``) must not silently return everything. A parameter
    that takes one value given twice (``?version=1&version=2``) is refused too, naming it,
    rather than keeping one of the values silently; list filters (``/units?kind=…``) say
    in the OpenAPI that they may be repeated."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _declared_query(dependant)
    extra = sorted(set(request.query_params) - set(known))
    if extra:
        takes = ", ".join(sorted(known)) or "none"
        raise ApiProblem(
            422,
            "unknown-parameter",
            f"unknown query parameter{'s' if len(extra) > 1 else ''} "
            f"{', '.join(repr(x) for x in extra)} (this route takes: {takes})",
        )
    repeated = sorted(
        name
        for name, several in known.items()
        if not several and len(request.query_params.getlist(name)) > 1
    )
    if repeated:
        raise ApiProblem(
            422,
            "repeated-parameter",
            f"query parameter{'s' if len(repeated) > 1 else ''} "
            f"{', '.join(repr(x) for x in repeated)} given more than once "
            f"(each takes one value)",
        )

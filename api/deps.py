"""Dependencies shared by every router: the caller's role, the service, the settings.

Routers ask for a role with ``caller: Caller = Depends(require(Role.planner))``; a missing or
unknown token is 401, a token whose role is too low is 403. In local mode (no tokens
configured) every caller on the loopback interface is an admin and any other caller is
refused with 403. Reuse these in any router (the charts router does).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.problems import ApiProblem
from api.service import OrgService
from api.settings import Role, Settings, TokenRecord, is_loopback

__all__ = [
    "Caller",
    "Role",
    "get_caller",
    "get_service",
    "get_settings",
    "require",
    "require_admin",
    "require_json",
    "require_planner",
    "require_viewer",
]

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


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    settings: Settings = request.app.state.settings
    return settings


def get_service(request: Request) -> OrgService:
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


def get_caller(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    """The authenticated caller (401 without a valid bearer token, unless in local mode)."""
    settings = get_settings(request)
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
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise ApiProblem(
            401,
            "unauthenticated",
            "send a bearer token: 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": 'Bearer realm="orgmodel"'},
        )
    rec = _match(dict(settings.tokens), credentials.credentials)
    if rec is None:
        raise ApiProblem(
            401,
            "invalid-token",
            "the bearer token is not known to this server",
            headers={"WWW-Authenticate": 'Bearer realm="orgmodel", error="invalid_token"'},
        )
    return Caller(rec.role, rec.name)


def require_json(request: Request) -> None:
    """Refuse a body that is not JSON with 415 (before FastAPI tries to read it as JSON)."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media != "application/json" and not media.endswith("+json"):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"Content-Type {media!r} is not accepted here: send application/json",
        )


def require(role: Role) -> Callable[..., Caller]:
    """A dependency granting access to callers whose role is at least ``role`` (else 403)."""

    def dependency(caller: Annotated[Caller, Depends(get_caller)]) -> Caller:
        if caller.role < role:
            raise ApiProblem(
                403,
                "forbidden",
                f"this needs the {role.name} role; your token has the {caller.role.name} role",
            )
        return caller

    dependency.__name__ = f"require_{role.name}"
    return dependency


require_viewer = require(Role.viewer)
require_planner = require(Role.planner)
require_admin = require(Role.admin)

ServiceDep = Annotated[OrgService, Depends(get_service)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ViewerDep = Annotated[Caller, Depends(require_viewer)]
PlannerDep = Annotated[Caller, Depends(require_planner)]
AdminDep = Annotated[Caller, Depends(require_admin)]


def _declared_query(dependant: Any) -> set[str]:
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _declared_query(sub)
    return names


async def refuse_unknown_query(request: Request) -> None:
    """Refuse query parameters a route does not take (422), naming them and the ones it does:
    a misspelt filter (``?knd=station``) must not silently return everything."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _declared_query(dependant)
    extra = sorted(set(request.query_params) - known)
    if extra:
        takes = ", ".join(sorted(known)) or "none"
        raise ApiProblem(
            422,
            "unknown-parameter",
            f"unknown query parameter{'s' if len(extra) > 1 else ''} "
            f"{', '.join(repr(x) for x in extra)} (this route takes: {takes})",
        )

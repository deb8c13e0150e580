"""Errors as RFC 9457 problem details (``application/problem+json``).

Every error the service returns has the same shape: ``type`` (a URN naming the class of
problem), ``title``, ``status``, ``detail`` (what went wrong, naming the unit, field or plan
operation at fault) and ``instance`` (the request path). Validation problems add ``errors``,
one entry per violation with ``unit``, ``where``/``field``, ``op`` and ``message`` as they
apply, so a client can point at the row or operation to fix.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from orgmodel.errors import InputError, OrgmodelError
from orgmodel.i18n import language
from orgmodel.model import OrgValidationError

__all__ = [
    "PROBLEM_JSON",
    "ApiProblem",
    "english",
    "install_problem_handlers",
    "problem_response",
]

log = logging.getLogger("orgmodel.api")

PROBLEM_JSON = "application/problem+json"
_URN = "urn:orgmodel:problem:"

_TITLES = {
    400: "Bad request",
    401: "Authentication required",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    408: "Request timeout",
    409: "Conflict",
    411: "Length required",
    412: "Precondition failed",
    413: "Content too large",
    415: "Unsupported media type",
    422: "Unprocessable content",
    428: "Precondition required",
    500: "Internal server error",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class ApiProblem(Exception):
    """An error raised by the service itself, carried to the client as a problem document.

    Parameters
    ----------
    status : int
        HTTP status.
    slug : str
        The class of problem, the last part of ``type`` (``urn:orgmodel:problem:<slug>``).
    detail : str
        A sentence a planner can act on.
    errors : list of dict, optional
        Individual violations (``unit``, ``field``, ``op``, ``message``).
    headers : dict, optional
        Extra response headers (``WWW-Authenticate``, ``ETag``).
    """

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra


def problem_response(
    request: Request | None,
    status: int,
    slug: str,
    detail: str,
    *,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    title: str | None = None,
    **extra: Any,
) -> JSONResponse:
    """A ``application/problem+json`` response."""
    body: dict[str, Any] = {
        "type": _URN + slug,
        "title": title or _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if request is not None:
        body["instance"] = request.url.path
    if errors:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _loc_to_field(loc: Iterable[Any]) -> tuple[str, str]:
    parts = list(loc)
    where = parts[0] if parts and parts[0] in ("body", "query", "path", "header") else ""
    rest = parts[1:] if where else parts
    field = ""
    for p in rest:
        field += f"[{p}]" if isinstance(p, int) else (f".{p}" if field else str(p))
    return str(where), field


def _validation_errors(exc: RequestValidationError) -> tuple[int, str, list[dict[str, Any]]]:
    errors: list[dict[str, Any]] = []
    malformed = False
    for e in exc.errors():
        where, field = _loc_to_field(e.get("loc", ()))
        if e.get("type") == "json_invalid":
            malformed = True
            ctx = e.get("ctx") or {}
            msg = f"malformed JSON: {ctx.get('error', e.get('msg'))}"
        else:
            msg = str(e.get("msg", "invalid value"))
        entry: dict[str, Any] = {"in": where or "request", "message": msg}
        if field:
            entry["field"] = field
        errors.append(entry)
    if malformed:
        return 400, "malformed-body", errors
    return 422, "invalid-request", errors


def english(message: object) -> str:
    """``str(message)`` in English: the API's words are the same on every machine, whatever
    language the process runs in (``orgmodel serve`` runs under the command line's, Chinese
    by default), so a library error (its text a :class:`~orgmodel.i18n.LazyText`) is never
    shown half translated inside an English ``detail``."""
    with language("en"):
        return str(message)


def _describe(errors: list[dict[str, Any]]) -> str:
    shown = "; ".join(
        f"{e.get('in', '')} {e['field']}: {e['message']}".strip()
        if e.get("field")
        else e["message"]
        for e in errors[:5]
    )
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return shown + more


def _org_validation_errors(exc: OrgValidationError) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for i in exc.issues:
        e: dict[str, Any] = {"message": i.message}
        if i.unit:
            e["unit"] = i.unit
        if i.where:
            e["where"] = i.where
        if i.field:
            # units[3] (line 9) → units[3].police, the path of the field in the document
            base = i.where.split(" ", 1)[0] if i.where and i.where.startswith("units[") else ""
            e["field"] = f"{base}.{i.field}" if base else i.field
        out.append(e)
    return out


_STORE_PATH = re.compile(r" (in|from) the store \S+")


def _without_store_path(request: Request, text: str) -> str:
    """A store's message without where the store lives on the server: a caller learns which
    organisation or scenario is missing, never the server's file paths or database URI."""
    text = _STORE_PATH.sub(r" \1 the store", text)
    settings = getattr(request.app.state, "settings", None)
    where = str(getattr(settings, "store", "") or "")
    if where:
        text = text.replace(where, "the store")
    return text


def _store_error_status(exc: Exception) -> tuple[int, str] | None:
    """Status for the graph store's errors, matched by class name (the store is optional)."""
    for cls in type(exc).__mro__:
        match cls.__name__:
            case "NotFound":
                return 404, "not-found"
            case "VersionConflict":
                return 409, "version-conflict"
            case "AlreadyExists":
                return 409, "exists"
            case "QueryRefused":
                return 403, "query-refused"
            case "ReadOnlyQueryError":
                return 403, "query-not-read-only"
            case "StoreLocked":
                return 503, "store-locked"
            case "QueryTimeout":
                return 504, "query-timeout"
            case "QueryError":
                return 400, "query-failed"
            case "PlanError":
                return 422, "invalid-plan"
            case "StoreError":
                return 503, "store-error"
    return None


def _plan_errors(exc: Exception) -> list[dict[str, Any]] | None:
    op_index = getattr(exc, "index", getattr(exc, "op_index", None))
    op = getattr(exc, "op", None)
    reason = getattr(exc, "reason", None)
    if op_index is None and op is None:
        # The plan ran but its result breaks a rule of the model (a control character in a
        # name, a headcount of 10²⁰): name each unit and field of the result at fault.
        cause = exc.__cause__
        return _org_validation_errors(cause) if isinstance(cause, OrgValidationError) else None
    e: dict[str, Any] = {"message": english(reason or exc)}
    if op_index is not None:
        e["op_index"] = op_index
    if op is not None:
        e["op"] = op if isinstance(op, str) else str(op)
    unit = getattr(exc, "unit", None)
    if unit:
        e["unit"] = unit
    return [e]


def _path_patterns(app: Any) -> list[tuple[re.Pattern[str], str]]:
    """Each path of the app's OpenAPI document as a pattern, with the methods it takes."""
    cached: list[tuple[re.Pattern[str], str]] | None = getattr(app.state, "allow_patterns", None)
    if cached is None:
        cached = []
        for template, ops in app.openapi().get("paths", {}).items():
            methods = sorted(m.upper() for m in ops if m in _HTTP_METHODS)
            parts = re.split(r"(\{[^}/]+\})", template)
            regex = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            cached.append((re.compile(f"^{regex}$"), ", ".join(methods)))
        app.state.allow_patterns = cached
    return cached


def allowed_methods(request: Request) -> str:
    """The ``Allow`` header of a 405: every method the request's path takes (Starlette lists
    only those of the first route that matched the path, one of several)."""
    path = request.url.path
    found = [allow for pattern, allow in _path_patterns(request.app) if pattern.match(path)]
    return found[0] if found else ""


_HTTP_METHODS = frozenset({"get", "put", "post", "delete", "patch", "options"})


def install_problem_handlers(app: FastAPI) -> None:
    """Route every exception to a problem+json response."""

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> JSONResponse:
        return problem_response(
            request,
            exc.status,
            exc.slug,
            exc.detail,
            errors=exc.errors,
            headers=exc.headers,
            **exc.extra,
        )

    def _auth_first(request: Request) -> JSONResponse | None:
        # FastAPI reads a JSON body before it runs the route's dependencies, so a malformed
        # body would answer 400 to a caller without a token: authentication comes first.
        if not request.url.path.startswith("/api/"):
            return None
        from api.deps import caller_of

        try:
            caller_of(request)
        except ApiProblem as p:
            return problem_response(request, p.status, p.slug, p.detail, headers=p.headers)
        return None

    @app.exception_handler(RequestValidationError)
    async def _request_validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        if (refused := _auth_first(request)) is not None:
            return refused
        status, slug, errors = _validation_errors(exc)
        return problem_response(request, status, slug, _describe(errors), errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400 and (refused := _auth_first(request)) is not None:
            return refused
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"no such resource: {request.url.path}"
        elif exc.status_code == 405:
            allow = allowed_methods(request) or headers.get("Allow", "")
            if allow:
                headers["Allow"] = allow
            detail = f"{request.method} is not allowed on {request.url.path}" + (
                f": it takes {allow}" if allow else ""
            )
        slug = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        return problem_response(request, exc.status_code, slug, detail, headers=headers or None)

    @app.exception_handler(OrgValidationError)
    async def _org_invalid(request: Request, exc: OrgValidationError) -> JSONResponse:
        errors = _org_validation_errors(exc)
        n = len(errors)
        detail = f"{n} problem{'s' if n != 1 else ''} in the organisation: " + _describe(
            [{"message": english(i)} for i in exc.issues]
        )
        return problem_response(request, 422, "invalid-organisation", detail, errors=errors)

    @app.exception_handler(OrgmodelError)
    async def _orgmodel(request: Request, exc: OrgmodelError) -> JSONResponse:
        # English whatever language the process runs in (`orgmodel serve` leaves the CLI's,
        # Chinese by default): the API's words are the same on every machine.
        text = english(exc)
        mapped = _store_error_status(exc)
        if mapped is not None:
            status, slug = mapped
            errors = _plan_errors(exc) if slug == "invalid-plan" else None
            # A query the door refused names the clause, function or limit it refused.
            clause = getattr(exc, "clause", None)
            extra: dict[str, Any] = {"clause": clause} if isinstance(clause, str) else {}
            return problem_response(
                request,
                status,
                slug,
                _without_store_path(request, text),
                errors=errors,
                **extra,
            )
        if isinstance(exc, InputError):
            return problem_response(request, 422, "invalid-input", text)
        return problem_response(request, 400, "bad-request", text)

    @app.exception_handler(RecursionError)
    async def _too_deep(request: Request, exc: RecursionError) -> JSONResponse:
        # A body nested deeper than the parsers' recursion (checked first where the library
        # reads it; this catches any other door).
        return problem_response(
            request,
            400,
            "too-deep",
            "the request body nests too deeply to be read",
            errors=[{"in": "body", "field": "body", "message": "nested too deeply"}],
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            request,
            500,
            "internal-error",
            "the server failed to handle this request; the error has been logged",
        )

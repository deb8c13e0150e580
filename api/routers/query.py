"""Read-only Cypher over the graph store, with parameters, a row limit and a time limit."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from api.deps import PlannerDep, ServiceDep, SettingsDep, read_json_body, require_json
from api.models import Problem, QueryIn, QueryOut

router = APIRouter(tags=["query"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The query is not valid Cypher or failed"},
    401: {"model": Problem, "description": "No or unknown bearer token"},
    403: {"model": Problem, "description": "Role too low, or the query would write"},
    415: {"model": Problem, "description": "The body is not JSON"},
    422: {"model": Problem, "description": "Invalid request body"},
    504: {"model": Problem, "description": "The query ran longer than the time limit"},
}


@router.post(
    "/query",
    response_model=QueryOut,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/QueryIn"}}},
        }
    },
    summary="Run Cypher (planner)",
)
async def run_query(
    caller: PlannerDep, service: ServiceDep, settings: SettingsDep, request: Request
) -> QueryOut:
    """Run one read-only Cypher statement; values travel as ``params``, never in the text.

    The query door lets through reading clauses (MATCH, OPTIONAL MATCH, WITH, UNWIND, WHERE,
    RETURN, ORDER BY, SKIP, LIMIT, UNION) and the listed functions only, within size limits;
    anything else — CALL, LOAD FROM, COPY, writes, a second statement — is refused (403,
    ``clause`` names it) and nothing runs (docs/security.md, "Query door"). Organisations are ``(:Unit)`` nodes keyed by
    ``org_id`` and ``version`` (see docs/store.md for the schema).
    """
    body = await read_json_body(request, QueryIn)
    limit = min(body.limit or settings.query_max_rows, settings.query_max_rows)
    client = request.client.host if request.client else "?"
    who = f"{caller.name} ({caller.role.name}) from {client}"
    rows, ms = await service.query(body.cypher, body.params, limit, caller=who)
    columns = list(rows[0]) if rows else []
    return QueryOut(
        columns=columns, rows=rows[:limit], truncated=len(rows) > limit, elapsed_ms=round(ms, 2)
    )

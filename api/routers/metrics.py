"""Metrics of an organisation version: the whole suite or one part, with optional norms and
policy overriding the shipped ones (POST)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi import Path as PathParam

from api.answers import json_bytes, json_response, metrics_key
from api.deps import ServiceDep, ViewerDep, read_json_body, require_json
from api.models import (
    DEFAULT_LIST_LIMIT,
    MAX_ID,
    MAX_LIST_LIMIT,
    ListPage,
    MetricPart,
    MetricsOut,
    MetricsRequest,
    Problem,
)
from api.service import Subject
from api.shape import subject_ref
from orgmodel.io.per_unit import page_lists

router = APIRouter(prefix="/orgs/{org_id}/metrics", tags=["metrics"])

OrgId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID)]
VersionQ = Annotated[int | None, Query(ge=1, description="Latest when omitted.")]
PageQ = Annotated[
    int, Query(ge=1, description="Page of each per-unit list (1-based; see `lists`).")
]
LimitQ = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIST_LIMIT,
        description="Rows per page of each per-unit list (narrow and wide spans, hollow "
        "units, mirror units, bureaus, county-level bureaus, stations, policy checks).",
    ),
]
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Malformed body"},
    401: {"model": Problem, "description": "No or unknown bearer token"},
    403: {"model": Problem, "description": "The token's role is too low"},
    404: {"model": Problem, "description": "No such organisation or version"},
    415: {"model": Problem, "description": "The body is not JSON"},
    422: {"model": Problem, "description": "Norms or policy override invalid (field named)"},
}
# The body is read by the route after the caller is checked (api.deps.read_json_body).
_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/MetricsRequest"}}
        },
    }
}


async def _measure(
    service: ServiceDep,
    org_id: str,
    version: int | None,
    part: str | None,
    body: MetricsRequest | None = None,
    page: int = 1,
    limit: int = DEFAULT_LIST_LIMIT,
) -> Response:
    if body is not None and body.version is not None:
        version = body.version
    norms = body.norms if body else None
    policy = body.policy if body else None
    # the latest version made explicit: the answer is cached by what it was computed from
    resolved = await service.resolve(Subject("org", org_id, version))

    async def make() -> bytes:
        report, subject, org = await service.report(resolved, part, norms, policy)
        shown, lists = page_lists(report, limit, page)
        out = MetricsOut(
            subject=subject_ref(subject, org),
            part=part,
            report=shown,
            lists={k: ListPage(**v) for k, v in lists.items()},
        )
        return json_bytes(MetricsOut, out)

    key = metrics_key(resolved, part, page, limit, norms, policy)
    return json_response(await service.answer(key, make))


@router.get("", response_model=MetricsOut, responses=_ERRORS, summary="The whole metric suite")
async def suite(
    org_id: OrgId,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    page: PageQ = 1,
    limit: LimitQ = DEFAULT_LIST_LIMIT,
) -> Response:
    """Every metric (org, span, layers, workforce, mirror, shares, policy) with the norms used;
    per-unit lists one page at a time."""
    return await _measure(service, org_id, version, None, None, page, limit)


@router.post(
    "",
    response_model=MetricsOut,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
    openapi_extra=_BODY,
    summary="The suite with other norms/policy",
)
async def suite_with(
    org_id: OrgId,
    request: Request,
    caller: ViewerDep,
    service: ServiceDep,
    page: PageQ = 1,
    limit: LimitQ = DEFAULT_LIST_LIMIT,
) -> Response:
    """The suite with norms and/or policy rules given in the body (same shape as the files)."""
    body = await read_json_body(request, MetricsRequest)
    return await _measure(service, org_id, None, None, body, page, limit)


@router.get("/{part}", response_model=MetricsOut, responses=_ERRORS, summary="One metric part")
async def one_part(
    org_id: OrgId,
    part: MetricPart,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    page: PageQ = 1,
    limit: LimitQ = DEFAULT_LIST_LIMIT,
) -> Response:
    """One part of the suite (with the ``org`` summary and the ``norms`` echoed)."""
    return await _measure(service, org_id, version, part, None, page, limit)


@router.post(
    "/{part}",
    response_model=MetricsOut,
    responses=_ERRORS,
    dependencies=[Depends(require_json)],
    openapi_extra=_BODY,
    summary="One part, other norms/policy",
)
async def one_part_with(
    org_id: OrgId,
    part: MetricPart,
    request: Request,
    caller: ViewerDep,
    service: ServiceDep,
    page: PageQ = 1,
    limit: LimitQ = DEFAULT_LIST_LIMIT,
) -> Response:
    """One part with norms and/or policy rules given in the body."""
    body = await read_json_body(request, MetricsRequest)
    return await _measure(service, org_id, None, part, body, page, limit)

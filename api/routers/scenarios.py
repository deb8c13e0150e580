"""Scenarios: a plan applied to a base organisation; their diff and metric deltas; and the
side-by-side comparison of any two organisations or scenarios."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import ValidationError

from api.answers import (
    compare_key,
    json_bytes,
    json_response,
    listing_key,
    scenario_diff_key,
    scenario_key,
    scenario_metrics_key,
)
from api.deps import PlannerDep, ServiceDep, ViewerDep, loads_json_body, location_of
from api.models import (
    DEFAULT_LIST_LIMIT,
    MAX_ID,
    CompareOut,
    DiffOut,
    ListPage,
    OrgRef,
    Problem,
    ScenarioCreate,
    ScenarioDetail,
    ScenarioMetricsOut,
    ScenarioSummary,
)
from api.problems import ApiProblem, english
from api.report_models import OrgDiff, typed_diffs
from api.routers.metrics import LimitQ, PageQ
from api.routers.orgs import EXPORT_CONTENT, YAML_TYPES, export_bytes, export_response
from api.service import OrgService, Subject, deltas, parse_plan, parse_subject, replay_plan
from api.shape import check_if_match, scenario_detail, scenario_summary, subject_ref
from api.work import small_apply, small_body
from orgmodel.io.jsonkeys import json_problem
from orgmodel.io.nesting import NestingError, check_nesting
from orgmodel.io.per_unit import page_lists
from orgmodel.restructure import Plan
from orgmodel.store import NotFound, OrgVersion

router = APIRouter(tags=["scenarios"])

ScenarioId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID)]
_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "Malformed body or reference"},
    401: {"model": Problem, "description": "No or unknown bearer token"},
    403: {"model": Problem, "description": "The token's role is too low"},
    404: {"model": Problem, "description": "No such scenario or organisation"},
    422: {"model": Problem, "description": "Invalid reference"},
}
_CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    409: {"model": Problem, "description": "A scenario with this id exists"},
    412: {"model": Problem, "description": "If-Match names an older base version"},
    413: {"model": Problem, "description": "Body larger than the limit"},
    415: {"model": Problem, "description": "Unsupported content type"},
    422: {
        "model": Problem,
        "description": "The plan is invalid: the operation (index, op) and the reason",
    },
}
_CREATE_BODY = {
    "requestBody": {
        "required": True,
        "description": "JSON: a ScenarioCreate (the plan as an object in `plan` or as YAML "
        "text in `plan_text`). YAML: the plan file itself, with `base` in the query.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/ScenarioCreate"}},
            "application/yaml": {"schema": {"type": "string"}},
        },
    }
}


def parse_create(
    media: str, body: bytes, base: str | None, base_version: int | None, sid: str | None
) -> tuple[ScenarioCreate, Plan, Mapping[str, Any] | str, Any]:
    """The request, the plan and its source from a create's body (blocking: a plan of
    thousands of operations takes a while to read; routes run it through the work gate)."""
    if media in YAML_TYPES:
        req = _validated(
            {
                "base": base,
                "base_version": base_version,
                "plan_text": body.decode("utf-8-sig"),
                "id": sid,
            }
        )
    elif media not in ("", "application/json") and not media.endswith("+json"):
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"Content-Type {media!r} is not accepted: send application/json (a ScenarioCreate) "
            "or application/yaml (the plan file, base in the query)",
        )
    else:
        try:
            check_nesting(body.decode("utf-8", "replace"), "request body")
            data = loads_json_body(body)
        except NestingError as e:
            raise ApiProblem(
                400, "too-deep", english(e), errors=[{"field": "body", "message": english(e)}]
            ) from None
        except json.JSONDecodeError as e:
            raise ApiProblem(
                400,
                "malformed-body",
                f"malformed JSON at line {e.lineno}, column {e.colno}: {json_problem(e)}",
            ) from None
        req = _validated(data)
        req = req.model_copy(
            update={
                k: v
                for k, v in (("base", base), ("base_version", base_version), ("id", sid))
                if v is not None and getattr(req, k) is None
            }
        )
    if not req.base:
        raise ApiProblem(
            422,
            "invalid-request",
            "name the base organisation: 'base' in the body or ?base=ID",
            errors=[{"field": "base", "message": "missing"}],
        )
    # an unnamed plan takes the scenario's id as its name (not the words 'request body')
    plan, source, data = parse_plan(req.plan, req.plan_text, default_name=req.id)
    return req, plan, source, data


def _validated(data: Any) -> ScenarioCreate:
    try:
        return ScenarioCreate.model_validate(data)
    except ValidationError as e:
        errors = [
            {
                "field": ".".join(str(p) for p in err.get("loc", ())) or "body",
                "message": err.get("msg", "invalid"),
            }
            for err in e.errors()
        ]
        raise ApiProblem(
            422,
            "invalid-request",
            "; ".join(f"{x['field']}: {x['message']}" for x in errors[:5]),
            errors=errors,
        ) from None


@router.post(
    "/scenarios",
    status_code=201,
    response_model=ScenarioDetail,
    responses=_CREATE_ERRORS,
    openapi_extra=_CREATE_BODY,
    summary="Create a scenario (planner)",
)
async def create_scenario(
    request: Request,
    caller: PlannerDep,
    service: ServiceDep,
    base: Annotated[
        str | None, Query(min_length=1, max_length=MAX_ID, description="Base organisation id.")
    ] = None,
    base_version: Annotated[int | None, Query(ge=1)] = None,
    id: Annotated[str | None, Query(min_length=1, max_length=MAX_ID)] = None,
    if_match: Annotated[
        str | None, Header(description="ETag of the base version the plan was written for.")
    ] = None,
) -> Response:
    """Apply a plan to a base organisation version and save the result as a scenario.

    A plan is validated whole and applied atomically: an error names the operation (index and
    ``op``) and the reason, and nothing is saved. With ``If-Match`` the base must still be at
    that version (412 otherwise).
    """
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if not body.strip():
        raise ApiProblem(400, "empty-body", "the request body is empty: send a plan")
    req, plan, source, data = await service.heavy_unless(
        small_body(len(body)), parse_create, media, body, base, base_version, id
    )
    assert req.base is not None  # parse_create refuses a request without one
    current = await service.latest_version(req.base)
    check_if_match(if_match, current, f"organisation {req.base!r}", required=False)
    rec, summary = await service.create_scenario(
        scenario_id=req.id,
        base_id=req.base,
        base_version=req.base_version,
        plan=plan,
        plan_source=source,
        author=caller.name,
        message=req.message,
    )
    base_org, _ = await service.load_org(rec.base_id, rec.base_version)
    _, result = await service.load_scenario(rec.scenario_id)
    service.remember_plan(rec, data)
    small = small_apply(len(base_org), len(plan.ops))
    answer = await service.heavy_unless(
        small, _detail_json, rec, base_org, result, summary.get("steps", []), data
    )
    created = json_response(answer, status_code=201)
    created.headers["Location"] = location_of(request, "get_scenario", scenario_id=rec.scenario_id)
    return created


def _detail_json(rec: Any, base: Any, result: Any, log: list[Any], plan: Any) -> bytes:
    """A created scenario's answer as JSON, shaped and written in one step (FastAPI would
    validate the model again and write it on the event loop)."""
    return json_bytes(ScenarioDetail, scenario_detail(rec, base, result, log, plan))


@router.get(
    "/scenarios",
    response_model=list[ScenarioSummary],
    responses=_ERRORS,
    summary="List scenarios",
)
async def list_scenarios(
    caller: ViewerDep,
    service: ServiceDep,
    base: Annotated[
        str | None,
        Query(
            max_length=MAX_ID,
            description="Only of this base organisation (404 if there is no such organisation "
            "and no scenario of it).",
        ),
    ] = None,
) -> Response:
    """Every scenario (or those of one base organisation), oldest first, each with its base
    version's name, units and police (from the version records: no organisation is loaded)
    and its plan's name and number of operations (stored with the scenario: no plan is
    parsed)."""

    async def make() -> bytes:
        out = await _scenario_list(service, base)
        return json_bytes(list[ScenarioSummary], out)

    return json_response(await service.listing(listing_key(base), make))


async def _scenario_list(service: ServiceDep, base: str | None) -> list[ScenarioSummary]:
    records = await service.list_scenarios(base)
    if base is not None and not records:
        # a misspelt base is a 404 naming it, not an empty list that reads as "no scenarios"
        await service.versions(base)
    bases: dict[str, dict[int, OrgVersion]] = {}
    for r in records:
        if r.base_id not in bases:
            try:
                bases[r.base_id] = {v.version: v for v in await service.versions(r.base_id)}
            except NotFound:  # the base was deleted after the scenario was saved
                bases[r.base_id] = {}
    out = []
    for r in records:
        v = bases[r.base_id].get(r.base_version)
        out.append(
            scenario_summary(r)
            if v is None
            else scenario_summary(r, base_name=v.name, units_before=v.units, police_before=v.police)
        )
    return out


async def _scenario_parts(service: ServiceDep, scenario_id: str) -> tuple[Any, Any, Any]:
    rec, result = await service.load_scenario(scenario_id)
    base, _ = await service.load_org(rec.base_id, rec.base_version)
    return rec, base, result


def _replay(base: Any, text: str, name: str | None = None) -> Any:
    """Re-apply a stored plan to its base for the exact lineage (None if it cannot be);
    ``name``: the plan's name at creation (:func:`api.service.replay_plan`)."""
    return replay_plan(base, text, name)


@router.get(
    "/scenarios/{scenario_id}",
    response_model=ScenarioDetail,
    responses=_ERRORS,
    summary="Get a scenario",
)
async def get_scenario(scenario_id: ScenarioId, caller: ViewerDep, service: ServiceDep) -> Response:
    """A scenario: its plan, base version, sizes before and after, and what each step did."""

    async def make() -> bytes:
        rec, base, result = await _scenario_parts(service, scenario_id)
        replay = await service.replay(rec, base)
        log = replay.to_dict()["steps"] if replay is not None else []
        plan = await service.stored_plan(rec)
        out = await service.heavy(scenario_detail, rec, base, result, log, plan)
        return json_bytes(ScenarioDetail, out)

    return json_response(await service.answer(scenario_key(scenario_id), make))


@router.delete(
    "/scenarios/{scenario_id}",
    status_code=204,
    responses=_ERRORS,
    summary="Delete a scenario (planner)",
)
async def delete_scenario(
    request: Request, scenario_id: ScenarioId, caller: PlannerDep, service: ServiceDep
) -> Response:
    """Delete a what-if scenario and its result; the base organisation is not touched. The
    audit log keeps a ``delete`` entry."""
    await service.delete_scenario(scenario_id, caller.name, "deleted through the API")
    cache = getattr(request.app.state, "chart_cache", None)
    if cache is not None:  # its figures must not outlive it (an id may be reused)
        cache.clear()
    return Response(status_code=204)


async def _typed(service: OrgService, d: dict[str, Any]) -> OrgDiff:
    """The diff as its typed model: validated once per cached diff, off the event loop."""
    hit = typed_diffs.get(d)
    return hit if hit is not None else await service.heavy(typed_diffs.validate, d)


@router.get(
    "/scenarios/{scenario_id}/diff",
    response_model=DiffOut,
    responses=_ERRORS,
    summary="What the scenario changes",
)
async def scenario_diff(
    scenario_id: ScenarioId, caller: ViewerDep, service: ServiceDep
) -> Response:
    """Units added, removed, merged, split, moved and changed; officer flows; metric deltas."""

    async def make() -> bytes:
        rec, base, result = await _scenario_parts(service, scenario_id)
        replay = await service.replay(rec, base)
        lineage = replay.lineage if replay is not None and replay.org == result else None
        d = await service.diff(("scenario", scenario_id), base, result, lineage)
        out = DiffOut(
            a=OrgRef(type="org", id=rec.base_id, version=rec.base_version, name=base.name),
            b=OrgRef(type="scenario", id=rec.scenario_id, name=result.name),
            diff=await _typed(service, d),
        )
        return json_bytes(DiffOut, out)

    return json_response(await service.answer(scenario_diff_key(scenario_id), make))


@router.get(
    "/scenarios/{scenario_id}/metrics",
    response_model=ScenarioMetricsOut,
    responses=_ERRORS,
    summary="Metrics before and after, and their deltas",
)
async def scenario_metrics(
    scenario_id: ScenarioId,
    caller: ViewerDep,
    service: ServiceDep,
    page: PageQ = 1,
    limit: LimitQ = DEFAULT_LIST_LIMIT,
) -> Response:
    """The metric suite of the base version and of the scenario, with the headline deltas;
    per-unit lists one page at a time (``lists_before``, ``lists_after`` give the totals)."""

    async def make() -> bytes:
        rec, _ = await service.load_scenario(scenario_id)
        before, bs, borg = await service.report(Subject("org", rec.base_id, rec.base_version))
        after, sc, sorg = await service.report(Subject("scenario", scenario_id))
        b, lb = page_lists(before, limit, page)
        a, la = page_lists(after, limit, page)
        out = ScenarioMetricsOut(
            base=subject_ref(bs, borg),
            result=subject_ref(sc, sorg),
            before=b,
            after=a,
            deltas=deltas(before, after),
            lists_before={k: ListPage(**v) for k, v in lb.items()},
            lists_after={k: ListPage(**v) for k, v in la.items()},
        )
        return json_bytes(ScenarioMetricsOut, out)

    key = scenario_metrics_key(scenario_id, page, limit)
    return json_response(await service.answer(key, make))


@router.get(
    "/scenarios/{scenario_id}/export",
    response_class=Response,
    responses={**EXPORT_CONTENT, **_ERRORS},
    summary="Export the scenario's organisation",
)
async def export_scenario(
    scenario_id: ScenarioId,
    caller: ViewerDep,
    service: ServiceDep,
    format: Annotated[Literal["yaml", "json", "graphml", "csv"], Query()] = "yaml",
) -> Response:
    """The scenario's resulting organisation as a file."""
    _, org = await service.load_scenario(scenario_id)
    body = await service.heavy(export_bytes, org, format)
    return export_response(org, format, f"scenario-{scenario_id}", body)


Ref = Annotated[
    str,
    Query(
        min_length=1,
        max_length=2 * MAX_ID,
        description="org:ID, org:ID@VERSION, scenario:ID, or a bare organisation id",
        examples=["org:mirror-county", "scenario:dabumen-county"],
    ),
]


@router.get(
    "/compare",
    response_model=CompareOut,
    responses=_ERRORS,
    summary="Compare two organisations or scenarios",
)
async def compare(a: Ref, b: Ref, caller: ViewerDep, service: ServiceDep) -> Response:
    """Two organisations or scenarios side by side: both metric suites, deltas and the diff."""
    sa = await service.resolve(parse_subject(a))
    sb = await service.resolve(parse_subject(b))

    async def make() -> bytes:
        ra, sa2, oa = await service.report(sa)
        rb, sb2, ob = await service.report(sb)
        d = await _typed(service, await service.diff((sa2, sb2), oa, ob))
        # per-unit lists capped and shown as /metrics shows them (whole lists made this
        # answer grow with the organisation, their values unrounded: hidden loss 5.366…)
        shown_a, lists_a = page_lists(ra, DEFAULT_LIST_LIMIT, 1)
        shown_b, lists_b = page_lists(rb, DEFAULT_LIST_LIMIT, 1)
        out = CompareOut(
            a=subject_ref(sa2, oa),
            b=subject_ref(sb2, ob),
            metrics_a=shown_a,
            metrics_b=shown_b,
            deltas=deltas(ra, rb),
            diff=d,
            lists_a={k: ListPage(**v) for k, v in lists_a.items()},
            lists_b={k: ListPage(**v) for k, v in lists_b.items()},
        )
        return json_bytes(CompareOut, out)

    return json_response(await service.answer(compare_key(sa, sb), make))

"""Charts as Plotly JSON, and the analysts' dashboard page.

``router`` (under ``/api/v1``): every figure of :mod:`orgmodel.charts` for an organisation
version, a scenario or a pair of them, as the JSON of a ``plotly.graph_objects.Figure``
(``{"data": [...], "layout": {...}}``) ready for ``Plotly.react``. Same roles as the metrics:
a viewer token, or none in local mode.

``page_router`` (at the root): the dashboard — ``/`` and its static files from ``api/static``,
with plotly.js served from the installed plotly package, so the page works with no network.
The page itself holds no data; every figure it shows comes through the token-checked routes.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from urllib.parse import quote

import plotly
import plotly.graph_objects as go
from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as PathParam
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field

from api.deps import ServiceDep, ViewerDep
from api.models import MAX_ID, Problem
from api.problems import ApiProblem, english
from api.report_models import (
    ChartKindsOut,
    CompareNumbersOut,
    NumbersOut,
    PlotlyFigure,
    ScenarioNumbersOut,
)
from api.routers.scenarios import _replay
from api.service import OrgService, Subject, parse_subject
from orgmodel.charts import (
    ORG_CHARTS,
    availability_funnel_figure,
    compare_figure,
    hierarchy_figure,
    layered_graph_figure,
    mirror_heatmap_figure,
    officer_flows_figure,
)
from orgmodel.charts._measures import changed_bureaus
from orgmodel.charts._style import figure_json
from orgmodel.charts.export import ExportUnavailable, figure_image
from orgmodel.charts.numbers import change_list, delta_rows, numbers_panel
from orgmodel.charts.orgchart import org_chart_data
from orgmodel.focus import find_units, subtree
from orgmodel.i18n import language
from orgmodel.metrics import headline
from orgmodel.model import OrgGraph
from orgmodel.restructure import diff_orgs

__all__ = ["ORG_KINDS", "SCENARIO_KINDS", "page_router", "router"]

T = TypeVar("T")

router = APIRouter(tags=["charts"])
page_router = APIRouter(include_in_schema=False)

OrgKind = Literal["hierarchy", "graph", "spans", "funnel", "mirror"]
ScenarioKind = Literal[
    "hierarchy", "graph", "spans", "funnel", "mirror", "compare", "flows", "flows_category"
]
ORG_KINDS: tuple[str, ...] = tuple(ORG_CHARTS)
#: Scenario-only charts, with their Chinese titles.
SCENARIO_EXTRA: dict[str, str] = {
    "compare": "改革前后指标对比",
    "flows": "民警流向（原单位 → 新单位）",
    "flows_category": "民警按机构类别流向",
}
SCENARIO_KINDS: tuple[str, ...] = (*SCENARIO_EXTRA, *ORG_KINDS)

OrgId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID)]
ScenarioId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID)]
VersionQ = Annotated[int | None, Query(ge=1, description="Latest when omitted.")]
MaxLevelQ = Annotated[
    int | None, Query(ge=0, le=50, description="graph: deepest layer shown at first.")
]
ByQ = Annotated[
    Literal["level", "category"] | None,
    Query(description="funnel: one funnel per level or per category (one overall if omitted)."),
]
StyleQ = Annotated[Literal["icicle", "sunburst"], Query(description="hierarchy: the shape.")]
RootQ = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_ID,
        description="Re-root on this unit id: the chart shows it and the units under it only.",
    ),
]
VersusQ = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=2 * MAX_ID,
        description="mirror: bureaus that differ from this org or scenario (org:ID, "
        "scenario:ID) come first",
    ),
]
DepthQ = Annotated[int, Query(ge=0, le=12, description="orgchart: levels below the root shipped.")]
MaxNodesQ = Annotated[int, Query(ge=1, le=2000, description="orgchart: boxes shipped at most.")]
FormatQ = Annotated[
    Literal["json", "svg", "png"],
    Query(
        alias="format",
        description="json: Plotly JSON for the dashboard; svg or png: the figure as a file, "
        "drawn offline by Kaleido in the server's chromium (a few seconds)",
    ),
]
Ref = Annotated[
    str,
    Query(
        min_length=1,
        max_length=2 * MAX_ID,
        description="org:ID, org:ID@VERSION, scenario:ID, or a bare organisation id",
    ),
]

_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "No or unknown bearer token"},
    403: {"model": Problem, "description": "The token's role is too low"},
    404: {"model": Problem, "description": "No such organisation, version or scenario"},
    422: {"model": Problem, "description": "Unknown chart kind or option"},
}
_FIGURE: dict[int | str, dict[str, Any]] = {
    200: {
        "model": PlotlyFigure,
        "description": "A Plotly figure: `{data, layout, config}`; with format=svg or png, "
        "the figure as that file",
        "content": {
            "image/svg+xml": {"schema": {"type": "string"}},
            "image/png": {"schema": {"type": "string", "format": "binary"}},
        },
    },
    503: {"model": Problem, "description": "format=svg/png: no chromium to draw it with"},
}
_MEDIA = {"svg": "image/svg+xml", "png": "image/png"}


async def _heavy(request: Request, fn: Callable[..., Any], *args: Any) -> Any:
    """Drawing is heavy work: in a worker thread, through the service's work gate (503 busy
    when it is full; :mod:`api.work`)."""
    service: OrgService = request.app.state.service
    return await service.heavy(fn, *args)


def _in_chinese(make: Callable[[], T]) -> T:
    """Draw a figure in the dashboard's language (its page is zh-CN): the charts' titles,
    axes and legends follow the language in force, and the API's process may run in any."""
    with language("zh"):
        return make()


async def _answer(
    request: Request, key: tuple[Any, ...], make: Callable[[], str], fmt: str, name: str
) -> Response:
    """The figure's JSON, or (``fmt`` svg/png) the figure drawn as that file."""
    cache = _cache(request)
    text = await _heavy(request, cache.get_or_make, key, partial(_in_chinese, make))
    if fmt == "json":
        return _json(text)

    def draw() -> bytes:
        try:
            return figure_image(json.loads(text), fmt)  # type: ignore[arg-type]
        except ExportUnavailable as e:
            raise ApiProblem(503, "export-unavailable", english(e)) from e

    data = await _heavy(request, cache.get_or_make, (*key, fmt), draw)
    filename = quote(f"{name}.{fmt}")
    return Response(
        content=data,
        media_type=_MEDIA[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{filename}"},
    )


_STATIC = Path(__file__).resolve().parents[1] / "static"
_PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
#: Files the dashboard may load (name → (path, media type)); nothing else is served.
_FILES: dict[str, tuple[Path, str]] = {
    "dashboard.js": (_STATIC / "dashboard.js", "text/javascript; charset=utf-8"),
    "dashboard.css": (_STATIC / "dashboard.css", "text/css; charset=utf-8"),
    "plotly.min.js": (_PLOTLY_JS, "text/javascript; charset=utf-8"),
    # Apache ECharts, vendored with its licence (api/static/vendor/echarts): the org chart.
    "echarts.min.js": (
        _STATIC / "vendor" / "echarts" / "echarts.min.js",
        "text/javascript; charset=utf-8",
    ),
}


class _FigureCache:
    """Figure JSON (and the org chart's and numbers panel's answers) by (subject, kind,
    options). Versions and scenarios never change, so an entry stays valid; an
    organisation's latest version is resolved before the lookup."""

    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._d: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._d.clear()

    def get_or_make(self, key: Hashable, make: Callable[[], T]) -> T:
        with self._lock:
            hit = self._d.get(key)
            if hit is not None:
                self._d.move_to_end(key)
                return hit
        value = make()
        with self._lock:
            self._d[key] = value
            while len(self._d) > self.size:
                self._d.popitem(last=False)
        return value


def _cache(request: Request) -> _FigureCache:
    state = request.app.state
    cache = getattr(state, "chart_cache", None)
    if cache is None:
        cache = state.chart_cache = _FigureCache()
    return cache


def _store_key(request: Request) -> tuple[int, int]:
    # Two apps in one process (tests) have different stores: keep their figures apart. A
    # delete lets an id and its version numbers come back with other units: figures drawn
    # before it (or while it ran) are keyed by the generation they were asked in, never found.
    service: OrgService = request.app.state.service
    return id(service), service.generation


def focus(org: OrgGraph, root: str | None) -> OrgGraph:
    """``org`` re-rooted at ``root`` (404 when no such unit); ``org`` itself without one."""
    if root is None or root == org.root:
        return org
    if root not in org:
        raise ApiProblem(404, "unit-not-found", f"no unit {root!r} in {org.name or org.id}")
    return subtree(org, root)


def org_figure(
    org: OrgGraph,
    kind: str,
    *,
    max_level: int | None = None,
    by: str | None = None,
    style: str = "icicle",
    versus: OrgGraph | None = None,
) -> go.Figure:
    """One figure of an organisation, by the chart kinds of :data:`ORG_CHARTS`; ``versus``
    (another organisation) puts the bureaus that differ from it first in the mirror heatmap."""
    if kind == "mirror" and versus is not None:
        return mirror_heatmap_figure(org, first=changed_bureaus(versus, org))
    if kind == "hierarchy":
        return hierarchy_figure(org, style=style)
    if kind == "graph":
        return layered_graph_figure(org, max_level=max_level)
    if kind == "funnel":
        return availability_funnel_figure(org, by=by)
    if kind not in ORG_CHARTS:
        raise ApiProblem(422, "unknown-chart", f"no chart {kind!r} (known: {', '.join(ORG_KINDS)})")
    return ORG_CHARTS[kind][1](org)


def _json(text: str) -> Response:
    return Response(content=text, media_type="application/json")


@router.get(
    "/charts",
    summary="Chart kinds",
    response_model=ChartKindsOut,
    responses=_ERRORS,
)
async def chart_kinds(caller: ViewerDep) -> dict[str, Any]:
    """The charts of an organisation and of a scenario, each with its Chinese title."""
    org = [{"kind": k, "title": t} for k, (t, _) in ORG_CHARTS.items()]
    return {
        "org": org,
        "scenario": [{"kind": k, "title": t} for k, t in SCENARIO_EXTRA.items()] + org,
        "compare": [{"kind": "compare", "title": "主要指标对比"}],
    }


@router.get(
    "/orgs/{org_id}/charts/{kind}",
    response_class=Response,
    responses={**_ERRORS, **_FIGURE},
    summary="A chart of an organisation (Plotly JSON)",
)
async def org_chart(
    request: Request,
    org_id: OrgId,
    kind: OrgKind,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    max_level: MaxLevelQ = None,
    by: ByQ = None,
    style: StyleQ = "icicle",
    root: RootQ = None,
    versus: VersusQ = None,
    fmt: FormatQ = "json",
) -> Response:
    """hierarchy (icicle/sunburst), graph (块 and 条 in layers), spans, funnel or mirror;
    with ``root``, of that unit and the units under it."""
    org, v = await service.load_org(org_id, version)
    other: OrgGraph | None = None
    sv: Subject | None = None
    if versus is not None and kind == "mirror":
        other, sv = await service.load_subject(parse_subject(versus))
    key = (_store_key(request), "org", org_id, v, kind, max_level, by, style, root, sv)

    def make() -> str:
        vs = focus(other, root) if other is not None else None
        fig = org_figure(focus(org, root), kind, max_level=max_level, by=by, style=style, versus=vs)
        return figure_json(fig)

    return await _answer(request, key, make, fmt, f"{org.name or org_id}-{kind}")


@router.get(
    "/scenarios/{scenario_id}/charts/{kind}",
    response_class=Response,
    responses={**_ERRORS, **_FIGURE},
    summary="A chart of a scenario (Plotly JSON)",
)
async def scenario_chart(
    request: Request,
    scenario_id: ScenarioId,
    kind: ScenarioKind,
    caller: ViewerDep,
    service: ServiceDep,
    max_level: MaxLevelQ = None,
    by: ByQ = None,
    style: StyleQ = "icicle",
    root: RootQ = None,
    fmt: FormatQ = "json",
) -> Response:
    """The scenario's result (same kinds as an organisation), or: compare (base vs result),
    flows (officers old unit → new unit) and flows_category (by category); with ``root``, of
    that unit and the units under it (in the base and in the result)."""
    rec, result = await service.load_scenario(scenario_id)
    key = (_store_key(request), "scenario", scenario_id, kind, max_level, by, style, root)

    base, _ = await service.load_org(rec.base_id, rec.base_version)
    if kind not in SCENARIO_EXTRA:

        def make_org() -> str:
            # the mirror heatmap puts the bureaus the plan changed first
            fig = org_figure(
                focus(result, root),
                kind,
                max_level=max_level,
                by=by,
                style=style,
                versus=focus(base, root) if kind == "mirror" else None,
            )
            return figure_json(fig)

        return await _answer(request, key, make_org, fmt, f"{scenario_id}-{kind}")

    def make() -> str:
        before, after = focus(base, root), focus(result, root)
        if kind == "compare":
            fig = compare_figure({"改革前": before, "改革后": after})
        else:
            lineage = None
            if root is None:  # the plan's lineage names units outside a re-rooted part
                replay = _replay(base, rec.plan, rec.plan_name)
                lineage = replay.lineage if replay is not None and replay.org == result else None
            diff = diff_orgs(before, after, lineage=lineage, metrics=False)
            fig = officer_flows_figure(
                diff,
                before,
                after,
                by="category" if kind == "flows_category" else "unit",
                scope=None if root is None else before.name or root,
            )
        return figure_json(fig)

    return await _answer(request, key, make, fmt, f"{scenario_id}-{kind}")


@router.get(
    "/charts/compare",
    response_class=Response,
    responses={**_ERRORS, **_FIGURE},
    summary="Headline metrics of two organisations or scenarios (Plotly JSON)",
)
async def compare_chart(
    request: Request,
    a: Ref,
    b: Ref,
    caller: ViewerDep,
    service: ServiceDep,
    root: RootQ = None,
) -> Response:
    """Grouped bars of the headline metrics of ``a`` and ``b`` (org:ID, org:ID@V, scenario:ID);
    with ``root``, of that unit and the units under it, on both sides."""
    oa, sa = await service.load_subject(parse_subject(a))
    ob, sb = await service.load_subject(parse_subject(b))
    key = (_store_key(request), "compare", sa, sb, root)

    def label(s: Subject, org: OrgGraph) -> str:
        name = org.name or s.id
        return f"{name}（方案 {s.id}）" if s.type == "scenario" else f"{name} v{s.version}"

    def make() -> str:
        fa, fb = focus(oa, root), focus(ob, root)
        la, lb = label(sa, fa), label(sb, fb)
        if lb == la:
            lb += "（对比）"
        return figure_json(compare_figure({la: fa, lb: fb}))

    return _json(
        await _heavy(request, _cache(request).get_or_make, key, partial(_in_chinese, make))
    )


class OrgChartBox(BaseModel):
    """One box of the org chart (组织架构图)."""

    id: str
    name: str = Field(description="Chinese name")
    kind: str = Field(description="Unit kind, or 'rest' for the box summing hidden siblings")
    kind_name: str = Field(description="Short Chinese kind name")
    police: int = Field(description="民警 posted in the unit itself")
    auxiliaries: int = Field(description="辅警 posted in the unit itself")
    total_police: int = Field(description="民警 in the unit and all units under it")
    total_auxiliaries: int = Field(description="辅警 in the unit and all units under it")
    units: int = Field(description="Units in its subtree, itself included")
    hollow: int = Field(description="空壳: shortfall F − police of a hollow unit, else 0")
    hidden_loss: float = Field(description="隐性流失 (officers, expected value, 1 decimal)")
    more: int = Field(description="Children not shipped: ask again with root = this id")
    children: list[OrgChartBox] | None = None


class UnitPathItem(BaseModel):
    id: str
    name: str


class OrgChartOut(BaseModel):
    """The org chart from ``root`` down, cut on the server for big organisations."""

    root: str
    path: list[UnitPathItem] = Field(description="Ancestors above root, from the top down")
    units: int = Field(description="Units under root, itself included")
    shown: int = Field(description="Boxes shipped")
    tree: OrgChartBox


class UnitHit(BaseModel):
    """A unit found by name or id."""

    id: str
    name: str
    kind: str
    kind_name: str
    depth: int = Field(description="REPORTS_TO hops from the organisation's root")
    path: str = Field(description="Names of its ancestors, joined by ' › '")


async def _chart_data(
    request: Request,
    subject: tuple[str, ...],
    org: OrgGraph,
    root: str | None,
    depth: int,
    max_nodes: int,
) -> Any:
    if root is not None and root not in org:
        raise ApiProblem(404, "unit-not-found", f"no unit {root!r} in {org.name or org.id}")
    key = (_store_key(request), "orgchart", *subject, root, depth, max_nodes)

    def make() -> Any:
        return org_chart_data(org, root=root, depth=depth, max_nodes=max_nodes)

    return await _heavy(request, _cache(request).get_or_make, key, make)


@router.get(
    "/orgs/{org_id}/orgchart",
    response_model=OrgChartOut,
    responses=_ERRORS,
    summary="The org chart of an organisation (组织架构图)",
)
async def org_orgchart(
    request: Request,
    org_id: OrgId,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    root: RootQ = None,
    depth: DepthQ = 3,
    max_nodes: MaxNodesQ = 400,
) -> Any:
    """Boxes with name, kind, 民警/辅警, hollow shortfall and hidden loss, from ``root`` down
    ``depth`` levels and at most ``max_nodes`` boxes; a box with ``more`` > 0 has children
    not shipped (ask again with ``root`` = its id)."""
    org, v = await service.load_org(org_id, version)
    return await _chart_data(request, ("org", org_id, str(v)), org, root, depth, max_nodes)


@router.get(
    "/scenarios/{scenario_id}/orgchart",
    response_model=OrgChartOut,
    responses=_ERRORS,
    summary="The org chart of a scenario's result",
)
async def scenario_orgchart(
    request: Request,
    scenario_id: ScenarioId,
    caller: ViewerDep,
    service: ServiceDep,
    root: RootQ = None,
    depth: DepthQ = 3,
    max_nodes: MaxNodesQ = 400,
) -> Any:
    """As for an organisation, of the organisation the scenario's plan produces."""
    _, result = await service.load_scenario(scenario_id)
    return await _chart_data(request, ("scenario", scenario_id), result, root, depth, max_nodes)


SearchQ = Annotated[
    str, Query(min_length=1, max_length=100, description="Part of a unit's name (汉字) or id")
]
LimitQ = Annotated[int, Query(ge=1, le=100, description="Results at most")]


@router.get(
    "/orgs/{org_id}/search",
    response_model=list[UnitHit],
    responses=_ERRORS,
    summary="Find units by name or id",
)
async def org_search(
    org_id: OrgId,
    q: SearchQ,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    limit: LimitQ = 20,
) -> Any:
    """Units whose name or id contains ``q`` (full/half width and case ignored): exact
    matches first, then names starting with ``q``, then the rest, upper units first."""
    org, _ = await service.load_org(org_id, version)
    return find_units(org, q, limit=limit)


@router.get(
    "/scenarios/{scenario_id}/search",
    response_model=list[UnitHit],
    responses=_ERRORS,
    summary="Find units of a scenario's result by name or id",
)
async def scenario_search(
    scenario_id: ScenarioId,
    q: SearchQ,
    caller: ViewerDep,
    service: ServiceDep,
    limit: LimitQ = 20,
) -> Any:
    """As for an organisation, in the organisation the scenario's plan produces."""
    _, result = await service.load_scenario(scenario_id)
    return find_units(result, q, limit=limit)


def _compare_numbers(
    before: OrgGraph, after: OrgGraph, la: str, lb: str, lineage: Any = None
) -> dict[str, Any]:
    diff = diff_orgs(before, after, lineage=lineage, metrics=False)
    return {
        "a": la,
        "b": lb,
        "estimated": lineage is None,
        "rows": delta_rows(headline(before), headline(after)),
        "changes": change_list(diff, before, after),
    }


@router.get(
    "/orgs/{org_id}/numbers",
    response_model=NumbersOut,
    responses=_ERRORS,
    summary="The numbers panel of an organisation",
)
async def org_numbers(
    request: Request,
    org_id: OrgId,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    root: RootQ = None,
) -> dict[str, Any]:
    """Headline table (label, unit, better direction, value and its text), policy checks
    (pass/fail counts and the failing units) and hollow units (空壳), as the dashboard shows
    them; with ``root``, of that unit and the units under it."""
    org, v = await service.load_org(org_id, version)
    key = (_store_key(request), "numbers", org_id, v, root)
    return await _heavy(
        request, _cache(request).get_or_make, key, lambda: numbers_panel(focus(org, root))
    )


@router.get(
    "/scenarios/{scenario_id}/numbers",
    response_model=ScenarioNumbersOut,
    responses=_ERRORS,
    summary="The numbers panel of a scenario, with its delta table and unit changes",
)
async def scenario_numbers(
    scenario_id: ScenarioId, caller: ViewerDep, service: ServiceDep, root: RootQ = None
) -> dict[str, Any]:
    """The numbers of the scenario's result, and ``compare``: the delta table against its
    base (coloured better/worse by each metric's direction) and the list of unit changes."""
    rec, result = await service.load_scenario(scenario_id)
    base, _ = await service.load_org(rec.base_id, rec.base_version)

    def make() -> dict[str, Any]:
        before, after = focus(base, root), focus(result, root)
        lineage = None
        if root is None:
            replay = _replay(base, rec.plan, rec.plan_name)
            lineage = replay.lineage if replay is not None and replay.org == result else None
        out = numbers_panel(after)
        out["compare"] = _compare_numbers(before, after, "改革前", "改革后", lineage)
        return out

    return await service.heavy(make)


@router.get(
    "/numbers/compare",
    response_model=CompareNumbersOut,
    responses=_ERRORS,
    summary="Delta table and unit changes of two organisations or scenarios",
)
async def compare_numbers(
    a: Ref, b: Ref, caller: ViewerDep, service: ServiceDep, root: RootQ = None
) -> dict[str, Any]:
    """``b − a`` for every headline metric, with ``change`` better/worse by the metric's
    direction, and the unit changes from ``a`` to ``b`` (units matched by id: estimated)."""
    oa, sa = await service.load_subject(parse_subject(a))
    ob, sb = await service.load_subject(parse_subject(b))

    def make() -> dict[str, Any]:
        fa, fb = focus(oa, root), focus(ob, root)
        return _compare_numbers(fa, fb, fa.name or sa.id, fb.name or sb.id)

    return await service.heavy(make)


# -- the dashboard page -----------------------------------------------------------------------


@page_router.get("/", response_class=FileResponse)
async def dashboard() -> FileResponse:
    """The analysts' dashboard."""
    return FileResponse(_STATIC / "index.html", media_type="text/html; charset=utf-8")


@page_router.get("/static/{name}", response_class=FileResponse)
async def static_file(name: str) -> FileResponse:
    """The dashboard's script and style, and plotly.js from the installed plotly package."""
    entry = _FILES.get(name)
    if entry is None or not entry[0].is_file():
        raise ApiProblem(404, "not-found", f"no static file {name!r}")
    return FileResponse(
        entry[0], media_type=entry[1], headers={"Cache-Control": "public, max-age=3600"}
    )

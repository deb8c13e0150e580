"""Typed schemas of the metric report and of the dashboard's numbers (OpenAPI, point 8).

The report is :func:`orgmodel.metrics.metric_report` as JSON: ``org`` summary, ``span``,
``layers``, ``workforce`` (警力隐性流失, 可部署警力), ``mirror`` (上下对口), ``shares`` and
``policy``, with the ``norms`` used. Each section is a model whose fields carry their type and
meaning, so a client generated from ``/openapi.json`` sees ``workforce.hidden_loss: number``
instead of a bare object.

Conventions: head counts (units, 民警, 辅警, people) are integers; quantities that can be
fractional (posts, overhead, hidden loss, deployable officers: expected values) are
``int | float`` and keep what the library computed; shares are fractions 0–1, ``null`` when
the denominator is 0. Sections accept fields added after this schema (``extra="allow"``): the
library may grow, a client reading a typed field is never broken by that.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    create_model,
    model_serializer,
)

from orgmodel.labels import METRICS
from orgmodel.metrics.suite import HEADLINE_KEYS

__all__ = [
    "ChartKindsOut",
    "CompareNumbersOut",
    "HeadlineDelta",
    "HeadlineDeltas",
    "HeadlineNumbers",
    "LayersReport",
    "MetricReport",
    "MirrorReport",
    "NormsOut",
    "NumbersOut",
    "OrgDiff",
    "OrgSummaryOut",
    "PlotlyFigure",
    "PlotlyLayout",
    "PlotlyTitle",
    "PlotlyTrace",
    "PolicyReport",
    "ScenarioNumbersOut",
    "SharesReport",
    "SpanReport",
    "WorkforceReport",
]

Num = int | float


class _Section(BaseModel):
    model_config = ConfigDict(extra="allow")


class UnitBrief(_Section):
    id: str
    name: str = Field(description="Chinese name")
    kind: str | None = None


class BureauRef(_Section):
    id: str | None = None
    name: str


# -- org summary --------------------------------------------------------------------------------


class KindCount(_Section):
    name: str = Field(description="Chinese kind name")
    units: int
    police: int = Field(description="民警")
    people: int = Field(description="民警 + 辅警")


class ParentBureauOut(_Section):
    name: str
    functions: list[str] = Field(description="Function codes of the bureau above (D(P))")


class OrgSummaryOut(_Section):
    """Size of the organisation measured."""

    id: str
    name: str
    description: str | None = None
    root: UnitBrief
    units: int
    police: int = Field(description="民警")
    auxiliaries: int = Field(description="辅警")
    people: int
    establishment: int | None = Field(default=None, description="编制 where the file gives it")
    by_kind: dict[str, KindCount]
    parent_bureau: ParentBureauOut | None = None
    guides: int = Field(description="GUIDES edges (条)")
    dispatches: int = Field(description="DISPATCHES edges (情指派警)")


# -- span and layers ----------------------------------------------------------------------------


class UnitSpan(UnitBrief):
    span: int = Field(description="Direct reports (管理幅度)")


class SpanBand(_Section):
    band: str = Field(examples=["2-3"])
    count: int
    share: float | None = Field(description="Of all managing units; null when there are none")


class Supervision(_Section):
    mean: Num | None = None
    by_kind: dict[str, Num] = Field(default_factory=dict)


class SpanByKind(_Section):
    managing_units: int
    mean_span: Num


class SpanReport(_Section):
    """Span of control (管理幅度): direct reports of each managing unit."""

    managing_units: int
    edges: int
    mean_span: Num | None
    median_span: Num | None
    max_span: UnitSpan | None = None
    bands: list[SpanBand]
    narrow_below: Num
    wide_above: Num
    narrow_share: float | None
    wide_share: float | None
    narrow: list[UnitSpan]
    wide: list[UnitSpan]
    supervision: Supervision | None = None
    by_kind: dict[str, SpanByKind] = Field(default_factory=dict)


class LayerRow(_Section):
    layer: int
    units: int
    police: int


class PathCount(_Section):
    hops: int
    posts: int


class LongestPath(_Section):
    id: str
    name: str
    hops: int
    bureau: BureauRef | None = None


class CommandPath(_Section):
    posts: int = Field(description="社区警务室 measured")
    mean: Num | None = None
    max: int | None = None
    min: int | None = None
    distribution: list[PathCount] = Field(default_factory=list)
    via_command_centre: int = 0
    longest: list[LongestPath] = Field(default_factory=list)


class LayersReport(_Section):
    """Layers (层级) and the command path from a community post up to its bureau."""

    layers: int
    max_depth: int
    by_layer: list[LayerRow]
    command_path: CommandPath
    mean_command_path: Num | None = None
    max_command_path: int | None = None


# -- workforce ----------------------------------------------------------------------------------


class WorkforceByKind(_Section):
    units: int
    police: int
    fixed_posts: Num
    overhead: Num
    hollow_units: int
    hidden_loss: Num


class HollowUnit(UnitBrief):
    members: int = Field(description="Units in its establishment (编制单元)")
    police: int
    people: int
    fixed_posts: Num
    shortfall: Num = Field(description="Fixed posts F − police")


class LossUnit(UnitBrief):
    members: int
    police: int
    people: int
    fixed_posts: Num
    efficient_size: Num
    overhead: Num
    hidden_loss: Num = Field(description="隐性流失 (officers, expected value)")


class FunnelStage(_Section):
    key: str
    label: str


class FunnelGroup(_Section):
    key: str
    label: str
    units: int
    police: Num
    leaders: Num
    admin: Num
    duty: Num
    absence: Num
    after_leaders: Num
    after_admin: Num
    after_duty: Num
    deployable: Num = Field(description="可部署警力 (expected value)")


class Funnel(_Section):
    by: str
    absence_rate: float
    stages: list[FunnelStage]
    groups: list[FunnelGroup]
    total: FunnelGroup


class WorkforceReport(_Section):
    """Fixed posts, absorbed overhead, hollow units and hidden loss (警力隐性流失)."""

    police: int
    auxiliaries: int
    people: int
    establishments: int
    station_establishments: int
    fixed_posts: Num
    overhead: Num
    overhead_share: float | None
    hollow_units: int = Field(description="空壳单位")
    shortfall: Num
    hidden_loss: Num = Field(description="警力隐性流失 (officers, expected value)")
    hidden_loss_share: float | None
    deployable: Num = Field(description="可部署警力 (officers, expected value)")
    deployable_share: float | None
    by_kind: dict[str, WorkforceByKind]
    hollow: list[HollowUnit]
    top_hidden_loss: list[LossUnit]
    funnel: dict[str, Funnel] = Field(description="By 'level' and by 'category'")


# -- mirror and shares --------------------------------------------------------------------------


class MirrorBureau(UnitBrief):
    parent_bureau: BureauRef | None = None
    departments: int
    department_police: Num
    mean_department_size: Num | None = None
    functions: int | None = None
    shared_functions: int | None = Field(
        default=None, description="Its functions the bureau above has too; null at the top"
    )
    mirror: float | None = Field(
        default=None, description="shared_functions / functions; null at the top"
    )


class MirrorUnit(_Section):
    id: str
    name: str
    function: str | None = None
    function_name: str | None = None
    police: Num
    efficient_size: Num
    bureau: BureauRef | None = None


class MirrorReport(_Section):
    """上下对口: how far each bureau copies the departments of the bureau above."""

    mirror_index: float | None
    bureaus_measured: int
    bureaus: int
    departments: int
    departments_per_bureau: Num | None
    mean_department_size: Num | None
    guides: int
    mirror_units: int
    mirror_unit_police: Num
    by_bureau: list[MirrorBureau]
    units: list[MirrorUnit]


class CountyLevelShare(UnitBrief):
    police: int
    people: int
    station_police: int
    station_share: float | None


class StationShare(_Section):
    id: str
    name: str
    bureau: BureauRef | None = None
    police: int
    people: int
    community_police: int
    community_share: float | None


class SharesReport(_Section):
    """Shares of police in 机关, 派出所 and 社区警务室 (the 40 % rule per 县级公安机关)."""

    police: int
    organ_police: int
    station_police: int
    community_police: int
    organ_share: float | None
    county_level_bureaus: int
    county_level_police: int
    county_level_station_police: int
    station_share: float | None = Field(description="派出所警力占比 (县级公安机关, aggregate)")
    station_share_all: float | None
    community_share: float | None
    county_level: list[CountyLevelShare]
    stations: list[StationShare]


# -- policy and norms ---------------------------------------------------------------------------


class RuleSummary(_Section):
    rule: str
    description: str
    metric: str
    scope: str
    comparator: str
    threshold: Num
    checks: int
    passed: int
    failed: int
    not_evaluated: int
    source: str | None = None


class PolicyResult(_Section):
    rule: str
    description: str
    metric: str
    metric_name: str | None = None
    scope: str
    unit_id: str | None = None
    unit_name: str | None = None
    value: Num | None
    threshold: Num
    comparator: str
    source: str | None = None
    passed: bool | None = Field(description="null: not evaluated (see note)")
    note: str | None = None


class PolicyReport(_Section):
    """Policy checks (seeds/policy.yaml or the request's rules): pass/fail per unit."""

    rules: int
    checks: int
    passed: int
    failed: int
    not_evaluated: int
    by_rule: list[RuleSummary]
    results: list[PolicyResult]


class KindNorms(_Section):
    leaders: Num
    admin: Num
    duty_posts: Num
    officers_per_post: Num
    efficient_size: Num
    duty_roster: bool
    added_posts: Num = 0


class SpanNorms(_Section):
    narrow_below: Num
    wide_above: Num
    bands: list[list[Num | None]]


class NormsOut(_Section):
    """The staffing norms used (seeds/norms.yaml or the request's)."""

    source: str | None = None
    officers_per_post: Num
    absence_rate: float
    span: SpanNorms
    kinds: dict[str, KindNorms]


class MetricReport(_Section):
    """The metric suite, or one part of it with ``org`` and ``norms``: absent sections are
    left out of the JSON."""

    org: OrgSummaryOut | None = None
    span: SpanReport | None = None
    layers: LayersReport | None = None
    workforce: WorkforceReport | None = None
    mirror: MirrorReport | None = None
    shares: SharesReport | None = None
    policy: PolicyReport | None = None
    norms: NormsOut | None = None

    @model_serializer(mode="wrap")
    def _drop_absent(self, handler: SerializerFunctionWrapHandler):  # type: ignore[no-untyped-def]
        # one part's answer has no other sections: leave them out rather than send nulls
        out = handler(self)
        return {k: v for k, v in out.items() if v is not None or k not in _SECTIONS}


_SECTIONS = frozenset(MetricReport.model_fields)


# -- headline numbers, deltas and diffs ---------------------------------------------------------

#: Headline figures that are whole counts (the others may be fractions or undefined: null).
_WHOLE = frozenset(
    {
        "units",
        "police",
        "auxiliaries",
        "people",
        "departments",
        "managing_units",
        "layers",
        "establishments",
        "hollow_units",
        "guides",
        "mirror_units",
        "county_level_bureaus",
    }
)


def _headline_model(name: str, doc: str) -> type[_Section]:
    # one field per headline key (orgmodel.metrics.HEADLINE_KEYS: the one home of the list),
    # described by its label in orgmodel.labels
    fields: dict[str, Any] = {
        k: (
            int if k in _WHOLE else Num | None,
            Field(description=f"{METRICS[k].zh} ({METRICS[k].en}; {METRICS[k].unit})"),
        )
        for k in HEADLINE_KEYS
    }
    model: type[_Section] = create_model(name, __base__=_Section, __doc__=doc, **fields)
    return model


HeadlineNumbers = _headline_model(
    "HeadlineNumbers",
    "The headline numbers of an organisation (orgmodel.metrics.headline): head counts are "
    "integers; shares are fractions 0–1; null where a ratio is undefined.",
)
HeadlineDelta = _headline_model(
    "HeadlineDelta",
    "after − before for each headline number (null where either side is undefined).",
)


class HeadlineDeltas(_Section):
    """Headline numbers before and after, and after − before for each."""

    before: HeadlineNumbers  # type: ignore[valid-type]
    after: HeadlineNumbers  # type: ignore[valid-type]
    delta: HeadlineDelta  # type: ignore[valid-type]


class DiffSide(_Section):
    id: str
    name: str
    units: int
    police: int = Field(description="民警")
    auxiliaries: int = Field(description="辅警")


class UnitEnd(_Section):
    """A unit on one side only (added or removed)."""

    id: str
    name: str = Field(description="Chinese name")
    kind: str
    parent: str | None


class MergedUnits(_Section):
    into: str
    name: str
    from_: list[str] = Field(alias="from", description="Ids of the units merged")


class SplitUnit(_Section):
    from_: str = Field(alias="from")
    name: str
    into: list[str]


class RenamedUnit(_Section):
    from_: str = Field(alias="from")
    to: str
    name: str


class MovedUnit(_Section):
    id: str
    name: str
    from_parent: str
    to_parent: str | None


class ChangedUnit(_Section):
    id: str
    name: str
    fields: dict[str, list[Any]] = Field(
        description="Field → [before, after], for each field that changed"
    )


class UnitChanges(_Section):
    added: list[UnitEnd]
    removed: list[UnitEnd]
    merged: list[MergedUnits]
    split: list[SplitUnit]
    renamed: list[RenamedUnit]
    moved: list[MovedUnit]
    changed: list[ChangedUnit]


class ChangeCounts(_Section):
    added: int
    removed: int
    merged: int
    split: int
    renamed: int
    moved: int
    changed: int


class Heads(_Section):
    police: int = Field(description="民警")
    auxiliaries: int = Field(description="辅警")


class OfficerFlow(_Section):
    """Officers from a unit of ``a`` to a unit of ``b`` (``from`` null: hired; ``to`` null:
    retired)."""

    from_: str | None = Field(alias="from")
    from_name: str | None
    to: str | None
    to_name: str | None
    police: int
    auxiliaries: int


class CategoryFlow(_Section):
    from_: str = Field(alias="from", description="Category (or 'hired')")
    to: str = Field(description="Category (or 'retired')")
    police: int
    auxiliaries: int


class CategoryAccount(_Section):
    """One category: before = stayed + moved_out + retired; after = stayed + moved_in +
    hired."""

    category: str
    name: str = Field(description="Chinese name")
    before: Heads
    after: Heads
    stayed: Heads
    moved_out: Heads
    moved_in: Heads
    retired: Heads
    hired: Heads


class OfficerAccount(_Section):
    """Officer accounting (留任, 调动, 减员, 新招录): before = stayed + moved + retired and
    after = stayed + moved + hired."""

    method: Literal["exact", "estimated"] = Field(
        description="exact with a plan's lineage; estimated when units are matched by id"
    )
    method_label: str
    police_a: int
    police_b: int
    auxiliaries_a: int
    auxiliaries_b: int
    people_a: int
    people_b: int
    stayed: Heads
    moved: Heads
    hired: Heads
    retired: Heads
    flows: list[OfficerFlow]
    by_category: list[CategoryFlow]
    categories: list[CategoryAccount]


class Freed(_Section):
    overhead: Num | None = Field(description="Absorbed overhead before − after")
    hidden_loss: Num | None = Field(description="Hidden loss before − after (expected value)")


class OrgDiff(_Section):
    """What changed from ``a`` to ``b`` (orgmodel.restructure.diff_orgs): unit changes,
    officer accounting, and the headline numbers before and after."""

    a: DiffSide
    b: DiffSide
    units: UnitChanges
    counts: ChangeCounts
    officers: OfficerAccount
    metrics: HeadlineDeltas | None
    freed: Freed | None


class _TypedDiffs:
    """Diffs validated into :class:`OrgDiff` once per diff object. The service caches its
    diffs, and validating a big one (about 0.2 s per 100,000 units) is not repeated for every
    request; a few are kept, by identity (the dict is kept with its model, so its id stays
    its own)."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[int, tuple[Mapping[str, Any], OrgDiff]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, diff: Mapping[str, Any]) -> OrgDiff | None:
        """The model of ``diff`` if it was validated already."""
        with self._lock:
            hit = self._items.get(id(diff))
            if hit is None or hit[0] is not diff:
                return None
            self._items.move_to_end(id(diff))
            return hit[1]

    def validate(self, diff: Mapping[str, Any]) -> OrgDiff:
        """``diff`` validated (blocking: call it off the event loop)."""
        hit = self.get(diff)
        if hit is not None:
            return hit
        model = OrgDiff.model_validate(diff)
        with self._lock:
            self._items[id(diff)] = (diff, model)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return model


#: The process's typed diffs (the API's scenario diff and compare routes).
typed_diffs = _TypedDiffs()


# -- the dashboard's numbers and charts ---------------------------------------------------------


class HeadlineRow(_Section):
    id: str
    label: str = Field(description="Chinese label, '（期望值）' for an expected value")
    unit: str = Field(description="officers, share or count")
    direction: str | None = Field(description="higher/lower is better; null for a size")
    expected: bool
    value: Num | None
    text: str = Field(description="As shown: whole head counts, shares in %")


class FailingCheck(_Section):
    rule: str
    description: str
    unit_id: str | None = None
    unit_name: str | None = None
    comparator: str
    value: str
    threshold: str


class PolicyCounts(_Section):
    passed: int
    failed: int
    not_evaluated: int
    failing_total: int
    failing: list[FailingCheck]


class HollowRow(_Section):
    id: str
    name: str
    kind_name: str
    police: int
    fixed_posts: Num
    shortfall: Num


class HollowCounts(_Section):
    count: int
    shortfall: Num
    units: list[HollowRow]


class NumbersOrg(_Section):
    id: str
    name: str
    root: str


class DeltaRow(_Section):
    id: str
    label: str
    before: str
    after: str
    delta: str
    change: str | None = Field(description="better / worse by the metric's direction, or null")


class ChangeList(_Section):
    counts: dict[str, int]
    total: int
    lines: list[str] = Field(description="e.g. 合并：办公室、情报指挥中心 → 情报指挥中心")


class CompareNumbersOut(_Section):
    """Delta table (``b − a``) and unit changes of two subjects."""

    a: str
    b: str
    estimated: bool = Field(description="Units matched by id, not by the plan's lineage")
    rows: list[DeltaRow]
    changes: ChangeList


class NumbersOut(_Section):
    """The numbers panel: headline table, policy checks, hollow units (空壳)."""

    org: NumbersOrg
    headline: list[HeadlineRow]
    policy: PolicyCounts
    hollow: HollowCounts


class ScenarioNumbersOut(NumbersOut):
    """A scenario's numbers, with ``compare`` against its base."""

    compare: CompareNumbersOut


class ChartKind(_Section):
    kind: str
    title: str = Field(description="Chinese title")


class ChartKindsOut(_Section):
    org: list[ChartKind]
    scenario: list[ChartKind]
    compare: list[ChartKind]


class PlotlyTrace(BaseModel):
    """One trace of a Plotly figure, as plotly.js takes it (its other attributes by its type:
    the plotly.js reference, https://plotly.com/javascript/reference/)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        description="The trace type: icicle, sunburst, scatter, bar, funnel, heatmap or sankey",
        examples=["icicle", "heatmap", "sankey"],
    )


class PlotlyTitle(BaseModel):
    """A figure's title."""

    model_config = ConfigDict(extra="allow")

    text: str | None = Field(None, description="The Chinese title")


class PlotlyLayout(BaseModel):
    """A figure's layout (axes, margins, fonts …: the plotly.js layout reference)."""

    model_config = ConfigDict(extra="allow")

    title: PlotlyTitle | None = None


class PlotlyFigure(BaseModel):
    """A Plotly figure as plotly.js takes it (``Plotly.react(el, data, layout, config)``).

    ``data`` holds the traces (``type`` one of icicle, sunburst, scatter, bar, funnel,
    heatmap, sankey); ``config`` is orgmodel's one Plotly config (no cloud buttons)."""

    model_config = ConfigDict(extra="allow")

    data: list[PlotlyTrace] = Field(description="Traces, each with its 'type'")
    layout: PlotlyLayout = Field(description="Layout: title.text is the Chinese title")
    config: dict[str, Any] = Field(
        default_factory=dict,
        description="plotly.js config: displaylogo false, no cloud or chart-studio buttons",
    )

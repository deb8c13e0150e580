"""The API contract: pydantic models of every request and response body.

Units carry their Chinese ``name`` (and the Chinese name of their kind and function) in every
answer; JSON is UTF-8 with Chinese kept as is. Metric reports, diffs and headline deltas are
the library's own reports, typed field by field in :mod:`api.report_models`; plans are the
plan-file format (``docs/plans.md``) carried as JSON objects.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.body_models import NormsBody, PlanBody, PolicyBody, StoredPlan
from api.report_models import HeadlineDeltas, MetricReport, OrgDiff

if TYPE_CHECKING:
    # Routes pass the library's report dicts and pydantic validates them into MetricReport,
    # OrgDiff, HeadlineDeltas (mypy, without pydantic's plugin, would ask for the models).
    Report = MetricReport | dict[str, Any]
    Diff = OrgDiff | dict[str, Any]
    Deltas = HeadlineDeltas | dict[str, Any]
else:
    Report = MetricReport
    Diff = OrgDiff
    Deltas = HeadlineDeltas

__all__ = [
    "MAX_ID",
    "CompareOut",
    "DiffOut",
    "EdgeIn",
    "Health",
    "MetricLabelOut",
    "MetricLabelsOut",
    "MetricPart",
    "MetricsOut",
    "MetricsRequest",
    "OrgDetail",
    "OrgDocument",
    "OrgRef",
    "OrgSummary",
    "ParentBureauIn",
    "Problem",
    "ProblemItem",
    "QueryIn",
    "QueryOut",
    "ScenarioCreate",
    "ScenarioDetail",
    "ScenarioMetricsOut",
    "ScenarioSummary",
    "UnitDetail",
    "UnitIn",
    "UnitOut",
    "UnitPage",
    "UnitRef",
    "VersionOut",
]

MAX_ID = 200
MetricPart = Literal["span", "layers", "workforce", "mirror", "shares", "policy"]
#: The kinds of ``orgmodel.model.KINDS``, spelt out for the OpenAPI document and the type
#: checker (a test keeps the two equal).
Kind = Literal[
    "ministry",
    "province",
    "city",
    "county",
    "department",
    "command_center",
    "station",
    "team",
    "office",
    "community_post",
    "group",
]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- problems ---------------------------------------------------------------------------------


class ProblemItem(BaseModel):
    """One violation inside a problem: which unit, field or plan operation, and why."""

    model_config = ConfigDict(extra="allow")

    message: str
    unit: str | None = None
    where: str | None = None
    field: str | None = None
    op: str | None = None
    op_index: int | None = None


class Problem(BaseModel):
    """An RFC 9457 problem document (``application/problem+json``)."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(examples=["urn:orgmodel:problem:version-conflict"])
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemItem] | None = None


# -- health -----------------------------------------------------------------------------------


class Health(_Out):
    """The service is up; what it serves from."""

    status: Literal["ok"]
    version: str
    store: str = Field(description="Kind of graph store (ladybug, memory, neo4j).")
    local_mode: bool = Field(description="No tokens configured: loopback callers only.")


# -- organisations ----------------------------------------------------------------------------


class UnitIn(BaseModel):
    """A unit record of the organisation file format (``docs/format.md``)."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1, max_length=MAX_ID)
    name: str = Field(min_length=1, examples=["城关派出所"])
    kind: Kind
    parent: str | None = None
    function: str | None = None
    category: Literal["management", "duty", "frontline", "leadership"] | None = None
    establishment: int | None = Field(default=None, ge=0)
    police: int = Field(default=0, ge=0)
    auxiliaries: int = Field(default=0, ge=0)
    leaders: int | None = Field(default=None, ge=0)
    duty_roster: bool | None = None
    community_share: float | None = Field(default=None, ge=0, le=1)


class EdgeIn(BaseModel):
    """A GUIDES or DISPATCHES edge."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)


class ParentBureauIn(BaseModel):
    """The bureau above the root when it is not in the file: name and department functions."""

    model_config = ConfigDict(extra="forbid")

    name: str
    functions: list[str]


class OrgDocument(BaseModel):
    """An organisation in the file format (``docs/format.md``), as JSON.

    This is the contract shown in the OpenAPI document. Bodies are read and checked by the
    library's one reader (:func:`orgmodel.io.read_upload`), not by this model, so the API
    gives the CLI's messages.
    """

    model_config = ConfigDict(extra="forbid")

    orgmodel: Literal[1] = 1
    id: str = Field(min_length=1, max_length=MAX_ID, pattern=r"^[^/\s]+$")
    name: str = Field(default="", examples=["某县公安局"])
    description: str = ""
    parent_bureau: ParentBureauIn | None = None
    units: list[UnitIn] = Field(min_length=1)
    guides: list[EdgeIn] = Field(default_factory=list)
    dispatches: list[EdgeIn] = Field(default_factory=list)

    def to_file_dict(self) -> dict[str, Any]:
        """The document as the file format's plain data."""
        d = self.model_dump(by_alias=True, exclude_none=True)
        d["units"] = [u.model_dump(exclude_none=True) for u in self.units]
        return d


class OrgSummary(_Out):
    """One organisation: its latest (or the requested) version."""

    id: str
    name: str
    description: str = ""
    version: int
    units: int
    police: int
    auxiliaries: int
    saved_at: datetime | None = None
    author: str | None = None
    message: str | None = None
    warnings: list[ProblemItem] = Field(
        default_factory=list,
        description="What the reader noticed in an upload that did not stop it (columns "
        "ignored, a 合计 row that differs, a 派出所 under a 大队); empty elsewhere.",
    )


class UnitRef(_Out):
    """A unit named briefly."""

    id: str
    name: str
    kind: str


class OrgDetail(OrgSummary):
    """An organisation with its root, unit counts by kind and its lines."""

    root: UnitRef
    kinds: dict[str, int] = Field(description="Number of units of each kind.")
    guides: int = Field(description="GUIDES (条) edges.")
    dispatches: int = Field(description="DISPATCHES edges.")
    parent_bureau: ParentBureauIn | None = None


class VersionOut(_Out):
    """One saved version of an organisation."""

    version: int
    saved_at: datetime | None = None
    author: str | None = None
    message: str | None = None


class UnitOut(_Out):
    """A unit with its Chinese names and staffing."""

    id: str
    name: str
    kind: str
    kind_name: str = Field(description="Chinese name of the kind (派出所, 内设机构 …).")
    parent: str | None
    function: str | None = None
    function_name: str | None = Field(default=None, description="Chinese name of the function.")
    category: str = Field(description="The unit's category, its own or derived.")
    establishment: int | None = None
    police: int
    auxiliaries: int
    leaders: int | None = None
    duty_roster: bool | None = None
    community_share: float | None = None
    children: int = Field(description="Number of direct REPORTS_TO children.")


class UnitPage(_Out):
    """A page of units."""

    items: list[UnitOut]
    total: int = Field(description="Units matching the filters, over all pages.")
    offset: int
    limit: int


class UnitDetail(_Out):
    """One unit with its command parent, its children and its GUIDES / DISPATCHES partners."""

    unit: UnitOut
    parent: UnitRef | None
    bureau: UnitRef | None = Field(description="The nearest bureau at or above the unit.")
    children: list[UnitOut]
    guided_by: list[UnitRef] = Field(description="Upper departments guiding this one (条).")
    guides: list[UnitRef] = Field(description="Lower departments this one guides (条).")
    dispatched_by: list[UnitRef]
    dispatches: list[UnitRef]
    subtree_police: int = Field(description="Police in the unit and every unit below it.")


# -- metrics ----------------------------------------------------------------------------------


class MetricsRequest(BaseModel):
    """Which version to measure, with optional norms and policy overriding the shipped ones."""

    model_config = ConfigDict(extra="forbid")

    version: int | None = Field(default=None, ge=1, description="Latest when omitted.")
    norms: NormsBody | None = Field(
        default=None, description="Staffing norms in the shape of seeds/norms.yaml."
    )
    policy: PolicyBody | None = Field(
        default=None, description="Policy rules in the shape of seeds/policy.yaml ({rules: …})."
    )


class OrgRef(_Out):
    """What was measured: an organisation version or a scenario's result."""

    type: Literal["org", "scenario"]
    id: str
    version: int | None = None
    name: str = ""


class MetricLabelOut(_Out):
    """One metric's labels (the table in ``orgmodel.labels``)."""

    id: str = Field(examples=["station_share"])
    zh: str = Field(description="Chinese label.", examples=["派出所警力占比（县级公安机关）"])
    en: str = Field(description="English label.")
    unit: Literal["officers", "share", "count"] = Field(
        description="officers (people), share (0–1, shown as %) or count."
    )
    direction: Literal["higher", "lower"] | None = Field(
        default=None, description="Which way is better; null for a size."
    )
    expected: bool = Field(
        default=False,
        description="An expected value (期望值: hidden loss, deployable officers), not a head "
        "count.",
    )


class MetricLabelsOut(_Out):
    """Every metric's labels, in the order reports show them."""

    metrics: list[MetricLabelOut]


class ListPage(_Out):
    """How much of one per-unit list of a report is shown (``page`` of ``pages``)."""

    total: int = Field(description="Rows in the whole list.")
    page: int = Field(description="The page shown (1-based).")
    limit: int = Field(description="Rows per page.")
    pages: int = Field(description="Pages in all.")
    shown: int = Field(description="Rows on this page.")


#: Rows per page of a per-unit list unless ``limit`` says.
DEFAULT_LIST_LIMIT = 100
#: The most rows per page a request may ask for.
MAX_LIST_LIMIT = 10_000


class MetricsOut(_Out):
    """A metric report (the whole suite, or one part plus the norms echoed).

    Per-unit lists (``span.narrow``, ``span.wide``, ``workforce.hollow``, ``mirror.by_bureau``,
    ``mirror.units``, ``shares.county_level``, ``shares.stations``, ``policy.results``) hold
    one page (query ``page``, ``limit``); ``lists`` gives each list's total. Every unit's
    measures in one file: ``orgmodel metrics ORG --per-unit FILE.parquet``.
    """

    subject: OrgRef
    part: str | None = None
    report: Report
    lists: dict[str, ListPage] = Field(
        default_factory=dict,
        description="For each per-unit list in the report ('section.key'): its total rows "
        "and the page shown.",
    )


# -- scenarios --------------------------------------------------------------------------------


class ScenarioCreate(BaseModel):
    """A scenario: a restructuring plan applied to a base organisation."""

    model_config = ConfigDict(extra="forbid")

    base: str | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_ID,
        description="Base organisation id (else the plan's own `base`).",
    )
    base_version: int | None = Field(default=None, ge=1, description="Latest when omitted.")
    plan: PlanBody | None = Field(
        default=None, description="The plan as a JSON object (docs/plans.md)."
    )
    plan_text: str | None = Field(
        default=None, max_length=2_000_000, description="The plan as YAML or JSON text."
    )
    id: str | None = Field(default=None, min_length=1, max_length=MAX_ID, pattern=r"^[^/\s]+$")
    name: str | None = None
    message: str = ""


class ScenarioSummary(_Out):
    """A saved scenario."""

    id: str
    name: str = ""
    ops: int = Field(0, ge=0, description="Number of operations in the plan.")
    base: OrgRef
    created_at: datetime | None = None
    author: str | None = None
    units_before: int | None = None
    units_after: int | None = None
    police_before: int | None = None
    police_after: int | None = None


class ScenarioDetail(ScenarioSummary):
    """A scenario with its plan and the log of what each operation did."""

    plan: StoredPlan = Field(
        description="The plan as stored. One the plan reader refuses (stored by another tool, "
        "or with a key given twice) comes back as {text, unreadable: why}."
    )
    log: list[Any] = Field(default_factory=list)
    message: str | None = None


class DiffOut(_Out):
    """What changed from ``a`` to ``b``: units added, removed, moved, re-staffed."""

    a: OrgRef
    b: OrgRef
    diff: Diff


class ScenarioMetricsOut(_Out):
    """Metric reports before and after, and the change in every numeric figure (per-unit
    lists paged as in :class:`MetricsOut`)."""

    base: OrgRef
    result: OrgRef
    before: Report
    after: Report
    deltas: Deltas = Field(description="Headline numbers before and after, and after − before.")
    lists_before: dict[str, ListPage] = Field(default_factory=dict)
    lists_after: dict[str, ListPage] = Field(default_factory=dict)


class CompareOut(_Out):
    """Two organisations or scenarios side by side."""

    a: OrgRef
    b: OrgRef
    metrics_a: Report
    metrics_b: Report
    deltas: Deltas = Field(description="Headline numbers of a and b, and b − a.")
    diff: Diff
    lists_a: dict[str, ListPage] = Field(
        default_factory=dict,
        description="Per-unit lists of metrics_a: the first page of each (every page: "
        "GET /orgs/{id}/metrics or /scenarios/{id}/metrics with page and limit).",
    )
    lists_b: dict[str, ListPage] = Field(default_factory=dict)


# -- query ------------------------------------------------------------------------------------


class QueryIn(BaseModel):
    """A read-only Cypher query with parameters."""

    model_config = ConfigDict(extra="forbid")

    cypher: str = Field(
        min_length=1,
        max_length=20_000,
        examples=["MATCH (u:Unit {kind: $kind}) RETURN u.name AS name, u.police AS police"],
    )
    params: dict[str, Any] = Field(default_factory=dict, examples=[{"kind": "station"}])
    limit: int | None = Field(default=None, ge=1, description="Most rows to return.")


class QueryOut(_Out):
    """The rows of a query, each a mapping column → value."""

    columns: list[str]
    rows: list[dict[str, Any]]
    truncated: bool = Field(description="More rows existed than the limit.")
    elapsed_ms: float

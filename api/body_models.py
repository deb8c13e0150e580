"""Typed schemas of the bodies whose shape is orgmodel's own: plans, norms, policy.

A plan (``docs/plans.md``), staffing norms (``seeds/norms.yaml``) and policy rules
(``seeds/policy.yaml``) travel as JSON objects and are checked by the library's own readers
(:func:`~orgmodel.restructure.plan_from_dict`, :func:`~orgmodel.norms.norms_from_dict`,
:func:`~orgmodel.norms.policy_from_dict`), whose errors name the operation, kind or rule at
fault. So a field holding one is still *validated* as an object — every answer, error or
not, is what it was — and *documented* by a model (:class:`SchemaOf`). The plan's model is
the library's :class:`~orgmodel.restructure.plan.PlanFile` (the one ``orgmodel plan schema``
prints); the norms and policy models here follow the readers' checks (tests keep them in step
with the readers and the shipped files).

In ``/openapi.json`` today: a scenario's stored plan (``ScenarioDetail.plan``). The request
bodies (``ScenarioCreate.plan``, ``MetricsRequest.norms``/``policy``) stay free objects in the
document for now: with these models the property tests (schemathesis) generate valid plans
and norms, and ran more than twice as long — ``PlanBody``, ``NormsBody`` and ``PolicyBody`` are
ready for when that is bounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict, Field, GetJsonSchemaHandler, TypeAdapter, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from orgmodel.labels import POLICY_METRIC_IDS
from orgmodel.model import GROUP_KINDS, KINDS
from orgmodel.norms import COMPARATORS, MAX_NORM, POLICY_SCOPES
from orgmodel.restructure.plan import PlanFile

__all__ = [
    "KindNormsIn",
    "NormsBody",
    "NormsIn",
    "PlanBody",
    "PolicyBody",
    "PolicyIn",
    "PolicyRuleIn",
    "SchemaOf",
    "SpanNormsIn",
    "StoredPlan",
    "StoredPlanText",
]


if TYPE_CHECKING:
    PolicyMetric: TypeAlias = str
    PolicyScope: TypeAlias = str
    Comparator: TypeAlias = str
else:  # the library's own lists, as enums
    PolicyMetric = Literal[tuple(POLICY_METRIC_IDS)]
    PolicyScope = Literal[tuple(POLICY_SCOPES)]
    Comparator = Literal[tuple(COMPARATORS)]


class SchemaOf:
    """``Annotated[dict[str, Any], SchemaOf(Model)]``: validated as the annotated type,
    shown in the JSON Schema (OpenAPI) as ``Model`` (its definitions in the components)."""

    def __init__(self, shown: Any) -> None:
        self.shown = shown

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return handler(TypeAdapter(self.shown).core_schema)


def _no_default(schema: dict[str, Any]) -> None:
    # an optional field whose default is another field's value: no "default" in the schema
    schema.pop("default", None)


class KindNormsIn(BaseModel):
    """Norms of one unit kind (编制/岗位定额): its fixed posts F = leaders + admin (+ duty_posts
    × officers_per_post when it runs its own 24/7 roster) and its efficient size."""

    model_config = ConfigDict(extra="allow")

    leaders: int = Field(ge=0, le=MAX_NORM, description="Leader posts (领导职数).")
    admin: int = Field(ge=0, le=MAX_NORM, description="Administrative posts (内勤).")
    duty_posts: int = Field(
        ge=0, le=MAX_NORM, description="Posts of its 24/7 duty roster (值班岗位)."
    )
    efficient_size: int = Field(
        ge=1, le=MAX_NORM, description="Size below which a unit is inefficient."
    )
    duty_roster: bool = Field(False, description="Whether it runs its own 24/7 roster.")
    officers_per_post: int = Field(
        None,  # type: ignore[assignment]
        ge=0,
        le=MAX_NORM,
        description="Officers to keep one roster post filled; the top level's when omitted.",
        json_schema_extra=_no_default,
    )
    added_posts: int = Field(
        0,
        ge=0,
        le=MAX_NORM,
        description="Teams and offices only: posts added to their station's establishment.",
    )


#: ``kinds``: every kind of ``orgmodel.model.KINDS`` (a group's may be omitted), none other.
KindsNormsIn: type[BaseModel] = create_model(
    "KindsNormsIn",
    __config__=ConfigDict(extra="forbid"),
    __doc__="Norms per unit kind: every kind (a group, 片区/体系, may be omitted: it has no "
    "posts of its own), no other.",
    **{  # type: ignore[call-overload]
        kind: (KindNormsIn | None, None) if kind in GROUP_KINDS else (KindNormsIn, ...)
        for kind in KINDS
    },
)


class SpanNormsIn(BaseModel):
    """Span-of-control thresholds (管理幅度) and the bands of the span histogram."""

    model_config = ConfigDict(extra="allow")

    narrow_below: int = Field(3, ge=0, le=MAX_NORM, description="A span below this is narrow.")
    wide_above: int = Field(15, ge=0, le=MAX_NORM, description="A span above this is wide.")
    bands: list[tuple[int, int | None]] = Field(
        default=[(1, 1), (2, 3), (4, 7), (8, 12), (13, 16), (17, None)],
        description="[low, high] spans per band, high ≥ low; [low, null] for the open last.",
    )


class NormsIn(BaseModel):
    """Staffing norms in the shape of ``seeds/norms.yaml``."""

    model_config = ConfigDict(extra="allow")

    officers_per_post: int = Field(
        5, ge=0, le=MAX_NORM, description="Officers per 24/7 roster post."
    )
    absence_rate: float = Field(
        0.1, ge=0, lt=1, description="Share of officers away on a given day (休假、培训、病事假)."
    )
    span: SpanNormsIn | None = None
    kinds: KindsNormsIn  # type: ignore[valid-type]


class PolicyRuleIn(BaseModel):
    """A policy rule: ``metric`` (in each unit of ``scope``) ``comparator`` ``threshold``."""

    model_config = ConfigDict(extra="allow")

    id: str = Field(description="Unique among the rules.")
    description: str
    metric: PolicyMetric = Field(description="A metric of labels.POLICY_METRIC_IDS.")
    scope: PolicyScope = Field(description="Where it is measured (each unit of the scope).")
    comparator: Comparator
    threshold: float
    source: str = Field("", description="Where the rule comes from.")


class PolicyIn(BaseModel):
    """Policy rules in the shape of ``seeds/policy.yaml``."""

    model_config = ConfigDict(extra="allow")

    rules: list[PolicyRuleIn]


class StoredPlanText(BaseModel):
    """A stored plan the plan reader refuses (written by another tool, or with a key given
    twice): its text, and why."""

    text: str
    unreadable: str = Field(description="Why the reader refuses it.")


#: A plan as a JSON object (validated by the plan reader, documented as the plan file).
PlanBody = Annotated[dict[str, Any], SchemaOf(PlanFile)]
#: A stored plan as answered: the plan file's object, or its text when it does not parse.
StoredPlan = Annotated[dict[str, Any], SchemaOf(PlanFile | StoredPlanText)]
#: Norms and policy bodies (validated by their readers, documented as these models).
NormsBody = Annotated[dict[str, Any], SchemaOf(NormsIn)]
PolicyBody = Annotated[dict[str, Any], SchemaOf(PolicyIn)]

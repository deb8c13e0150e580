"""Restructuring plans (改革方案): a name, a description and an ordered list of operations.

A plan is data — a YAML file that can be reviewed, versioned, diffed and re-run
(``docs/plans.md``)::

    name: 大部门制改革
    description: 把 24 个内设机构整合为 8 个大部门
    ops:
      - {op: apply_template, template: county-dabumen}
      - {op: sink, share: 0.2, rule: proportional}

The file format is defined once, by the pydantic models of this module: loading validates
every operation against its model (known ``op``, field types, no unknown fields), and
:func:`plan_json_schema` is generated from the same models (``orgmodel plan schema``), so an
editor can complete and check a plan file. What an operation does to an organisation is
checked when the whole plan is run on a working copy
(:func:`orgmodel.restructure.apply_plan`). Either way an error is a :class:`PlanError`
naming the operation's index, its ``op`` and the reason.

Units are named the same way in every operation (a *unit reference*, :data:`Units`): an id,
a selector mapping (:class:`Selector`), or a list of ids and selectors (their union).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orgmodel._pydantic_reasons import pydantic_reason
from orgmodel._yaml import load_yaml
from orgmodel.errors import InputError
from orgmodel.i18n import LazyText, join_list, lazy, located
from orgmodel.io.jsonkeys import find_repeated_keys, json_problem
from orgmodel.io.nesting import check_nesting, too_deep
from orgmodel.model import MAX_HEADCOUNT

__all__ = [
    "OPERATION_MODELS",
    "OP_FIELDS",
    "OP_NAMES",
    "Plan",
    "PlanError",
    "PlanFile",
    "Selector",
    "check_op",
    "load_plan",
    "plan_from_dict",
    "plan_json_schema",
    "read_plan_text",
    "refuse_repeated_keys",
]


class PlanError(InputError):
    """A plan cannot be loaded or applied; nothing was applied.

    ``index`` is the position of the failing operation in ``ops`` (``None`` for the plan as
    a whole), ``op`` its name and ``reason`` what is wrong.
    """

    def __init__(
        self,
        reason: str,
        *,
        index: int | None = None,
        op: str | None = None,
        source: str | None = None,
    ) -> None:
        self.reason = reason
        self.index = index
        self.op = op
        self.source = source
        where: list[str] = []
        if source:
            where.append(source)
        if index is not None:
            where.append(lazy("ops[{index}] ({op})", index=index, op=op) if op else f"ops[{index}]")
        place: str = where[0] if where else ""
        if len(where) == 2:  # the file, then the operation in it
            place = located(where[0], where[1])
        super().__init__(lazy("{where}: {reason}", where=place, reason=reason) if where else reason)


# -- building blocks ---------------------------------------------------------------------------

_STRICT = ConfigDict(extra="forbid", strict=True, populate_by_name=True)

UnitId = Annotated[str, Field(min_length=1, description="a unit id")]
#: A number of officers: at most one unit's largest headcount (the model's bound).
Count = Annotated[int, Field(ge=0, le=MAX_HEADCOUNT)]
Share = Annotated[float, Field(ge=0, le=1)]
Kinds = str | list[str]


class Selector(BaseModel):
    """Units picked by what they are, not by id; every field given must hold (AND).

    ``within`` and ``of`` take unit references themselves, so selectors nest.
    """

    model_config = ConfigDict(extra="forbid", strict=True, title="Selector")

    kind: Kinds | None = Field(None, description="unit kind(s): station, department, …")
    function: Kinds | None = Field(
        None, description="function code(s) or Chinese name(s) of the catalogue (警种)"
    )
    name: str | None = Field(None, description="a name pattern: * any text, ? one character")
    within: Units | None = Field(None, description="only in the subtrees of these units")
    of: Units | None = Field(
        None,
        description="only units of these bureaus themselves (not of the bureaus below them)",
    )
    ids: list[UnitId] | None = Field(None, description="only these ids")
    exclude: Units | None = Field(None, description="leave these units out")

    @model_validator(mode="after")
    def _not_empty(self) -> Selector:
        if not self.model_fields_set:
            raise ValueError(
                lazy(
                    "a selector needs at least one of {fields}",
                    fields=join_list(Selector.model_fields),
                )
            )
        return self


#: A unit reference: an id, a selector, or a list of ids and selectors (their union).
Units = UnitId | Selector | list[UnitId | Selector]
Selector.model_rebuild()

Rule = Literal["proportional", "even", "establishment", "people", "weights"]
#: The largest float: as a schema bound, it says "finite" (JSON Schema has no word for it).
_FINITE_MAX = sys.float_info.max
Weights = dict[str, Annotated[float, Field(ge=0, le=_FINITE_MAX, allow_inf_nan=False)]]
BureauKind = Literal["ministry", "province", "city", "county"]


class NewUnit(BaseModel):
    """A unit an operation creates: its id and fields (officers come separately)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: UnitId
    name: str = Field(min_length=1)
    kind: str | None = None
    parent: UnitId | None = None
    function: str | None = None
    category: str | None = None
    establishment: Count | None = None
    leaders: Count | None = None
    duty_roster: bool | None = None
    community_share: Share | None = None


class SplitPart(NewUnit):
    """One part of a split: a new unit with its share of officers and children."""

    police: Count | None = None
    auxiliaries: Count | None = None
    children: list[UnitId] | None = None


class GroupSpec(BaseModel):
    """A group that ``bundle`` creates (片区, 体系, 中心所) over the units it names."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: UnitId
    name: str = Field(min_length=1)
    units: Units | None = None
    leaders: Count | None = None


class _Op(BaseModel):
    model_config = _STRICT
    note: str | None = Field(None, description="free text, ignored")


class _Selecting(_Op):
    unit: Units | None = None
    units: Units | None = None
    select: Units | None = Field(None, description="the same as units (older spelling)")

    @model_validator(mode="after")
    def _one(self) -> _Selecting:
        given = [k for k in ("unit", "units", "select") if getattr(self, k) is not None]
        if len(given) > 1:
            raise ValueError(
                lazy("give one of unit, units, select (got {given})", given=join_list(given))
            )
        return self


class _NeedsUnits(_Selecting):
    @model_validator(mode="after")
    def _needed(self) -> _NeedsUnits:
        if self.unit is None and self.units is None and self.select is None:
            raise ValueError(lazy("say which units: 'unit', 'units' or 'select'"))
        return self


class _Shared(_Op):
    """Operations that share officers among several receiving units (``rule``, ``weights``)."""

    rule: Rule | None = None
    weights: Weights | None = None

    @model_validator(mode="after")
    def _rule_and_weights(self) -> _Shared:
        if self.rule == "weights" and self.weights is None:
            raise ValueError(lazy("rule: weights needs a 'weights' mapping (unit id → weight)"))
        if self.weights is not None and self.rule not in (None, "weights"):
            raise ValueError(
                lazy("'weights' goes with rule: weights, not rule: {rule}", rule=self.rule)
            )
        return self


class _PerBureau(_Op):
    scope: UnitId | None = Field(None, description="default: the root")
    bureaus: BureauKind | Units | None = Field(
        None, description="a bureau kind, or the bureaus themselves (unit reference)"
    )


class Merge(_Op):
    """Merge units into one (existing or new)."""

    op: Literal["merge"]
    units: Units
    into: UnitId | NewUnit


class Split(_Op):
    """Split a unit into parts: listed, N equal parts, or by shares."""

    op: Literal["split"]
    unit: Units
    into: Annotated[int, Field(ge=2)] | Annotated[list[SplitPart], Field(min_length=2)]
    shares: list[Annotated[float, Field(gt=0, le=_FINITE_MAX, allow_inf_nan=False)]] | None = None

    @model_validator(mode="after")
    def _parts(self) -> Split:
        n = self.into if isinstance(self.into, int) else len(self.into)
        if self.shares is not None and len(self.shares) != n:
            raise ValueError(lazy("shares must list one number per part ({n})", n=n))
        if isinstance(self.into, list):
            given = [p.police is not None for p in self.into]
            if any(given) and not all(given):
                raise ValueError(
                    lazy("give police for every part, or for none (then shares or equal parts)")
                )
            if all(given) and self.shares is not None:
                raise ValueError(lazy("give the parts' police or shares, not both"))
            ids = [p.id for p in self.into]
            if len(set(ids)) != len(ids):
                raise ValueError(lazy("part ids must differ"))
        return self


class Move(_NeedsUnits):
    """Move units (with their subtrees) under another unit."""

    op: Literal["move"]
    to: Units


class Close(_Shared):
    """Close a unit; its officers go to one or several units (or retire)."""

    op: Literal["close"]
    unit: Units
    to: Units | None = None
    children_to: Units | None = None
    retire: bool = False

    @model_validator(mode="after")
    def _where(self) -> Close:
        if self.to is not None and self.retire:
            raise ValueError(lazy("give either 'to' or 'retire: true', not both"))
        return self


class Create(_Op):
    """Create a unit, staffed from a unit or by hiring."""

    op: Literal["create"]
    unit: NewUnit
    police: Count = 0
    auxiliaries: Count = 0
    from_: Units | None = Field(None, alias="from")
    hire: bool = False
    adopt: Units | None = None

    @model_validator(mode="after")
    def _staffed(self) -> Create:
        if self.hire and self.from_ is not None:
            raise ValueError(lazy("give either 'from' or 'hire', not both"))
        if (self.police or self.auxiliaries) and not self.hire and self.from_ is None:
            raise ValueError(lazy("a new unit's officers come 'from' a unit or by 'hire: true'"))
        return self


class Transfer(_Shared):
    """Transfer officers from one or several units to one or several units."""

    op: Literal["transfer"]
    from_: Units = Field(alias="from")
    to: Units
    police: Count = 0
    auxiliaries: Count = 0

    @model_validator(mode="after")
    def _some(self) -> Transfer:
        if not self.police and not self.auxiliaries:
            raise ValueError(lazy("transfer needs police and/or auxiliaries"))
        return self


class Hire(_Op):
    """Hire officers into a unit."""

    op: Literal["hire"]
    unit: Units
    police: Count = 0
    auxiliaries: Count = 0

    @model_validator(mode="after")
    def _some(self) -> Hire:
        if not self.police and not self.auxiliaries:
            raise ValueError(lazy("hire needs police and/or auxiliaries"))
        return self


class Retire(_Op):
    """Retire officers from a unit."""

    op: Literal["retire"]
    unit: Units
    police: Count = 0
    auxiliaries: Count = 0


class RemoveLayer(_NeedsUnits):
    """Remove units as a layer: children move up."""

    op: Literal["remove_layer"]


class SetAttrs(_NeedsUnits):
    """Set attributes of units."""

    op: Literal["set"]
    attrs: Annotated[dict[str, Any], Field(min_length=1)]


class ApplyTemplate(_PerBureau):
    """大部门、大警种: merge each bureau's departments into a template's large ones."""

    op: Literal["apply_template"]
    template: str = Field(min_length=1)
    keep_unmapped: bool | None = None


class Sink(_PerBureau, _Shared):
    """警力下沉: move organ officers down to stations."""

    op: Literal["sink"]
    share: Share | None = None
    police: Count | None = None
    auxiliaries_share: Share | None = None
    from_: Units | None = Field(None, alias="from")
    to: Units | None = None
    land: Literal["station", "community"] | None = None
    keep_leaders: bool | None = None

    @model_validator(mode="after")
    def _how_many(self) -> Sink:
        if (self.share is None) == (self.police is None):
            raise ValueError(lazy("give either share (of the source units' police) or police"))
        return self


class TwoTeamsOneOffice(_Selecting):
    """两队一室: rebuild stations."""

    op: Literal["two_teams_one_office"]
    community_share: Share | None = None
    office: Count | None = None
    keep: Count | None = None


class Mirror(_PerBureau):
    """上下对口 (the reverse reform)."""

    op: Literal["mirror"]
    police: Count | None = None
    pool: Literal["stations", "organ", "hire"] | None = None
    guides: bool | None = None


class Bundle(_Op):
    """Bundle units under a new group (片区, 体系, 中心所), keeping them whole."""

    op: Literal["bundle"]
    units: Units | None = None
    into: GroupSpec | None = None
    groups: list[GroupSpec] | None = None

    @model_validator(mode="after")
    def _shape(self) -> Bundle:
        if self.groups is None and (self.units is None or self.into is None):
            raise ValueError(lazy("give 'units' and 'into', or 'groups' (each with its units)"))
        if self.groups is not None and (self.units is not None or self.into is not None):
            raise ValueError(lazy("give 'units' and 'into', or 'groups', not both"))
        return self


class Dispatch(_Op):
    """A 情指中心 tasks units directly (DISPATCHES)."""

    op: Literal["dispatch"]
    from_: Units = Field(alias="from")
    to: Units


class _EdgeFilter(_Op):
    from_: Units | None = Field(None, alias="from")
    to: Units | None = None

    @model_validator(mode="after")
    def _which(self) -> _EdgeFilter:
        if self.from_ is None and self.to is None:
            raise ValueError(lazy("say which edges: 'from' and/or 'to'"))
        return self


class Undispatch(_EdgeFilter):
    """Remove DISPATCHES edges from and/or to the units named."""

    op: Literal["undispatch"]


class Guide(_Op):
    """Upper departments guide lower departments of the same function (GUIDES, 条)."""

    op: Literal["guide"]
    from_: Units = Field(alias="from")
    to: Units


class Unguide(_EdgeFilter):
    """Remove GUIDES edges from and/or to the units named."""

    op: Literal["unguide"]


class IntegrateCommand(_PerBureau):
    """情指行一体化: one 情指中心 per bureau, dispatching every station of the bureau."""

    op: Literal["integrate_command"]
    functions: list[str] | None = None
    name: str | None = None
    dispatch: bool | None = None


class StaffPattern(BaseModel):
    """A staffing pattern: police (of whom ``leaders`` lead) and auxiliaries per unit."""

    model_config = ConfigDict(extra="forbid", strict=True)

    police: Count
    auxiliaries: Count | None = None
    leaders: Count | None = None

    @model_validator(mode="after")
    def _leaders_are_police(self) -> StaffPattern:
        if self.leaders is not None and self.leaders > self.police:
            raise ValueError(lazy("leaders are police too; leaders cannot exceed police"))
        return self


class Staff(_NeedsUnits):
    """Set every unit picked to a staffing pattern, drawing officers from a pool."""

    op: Literal["staff"]
    pattern: StaffPattern
    pool: Literal["station", "parent", "hire"] | Units | None = None


class MergeByFunction(_PerBureau):
    """For each bureau, merge its departments with the same function into the largest."""

    op: Literal["merge_by_function"]


OPERATION_MODELS: dict[str, type[_Op]] = {
    m.model_fields["op"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (
        Merge,
        Split,
        Move,
        Close,
        Create,
        Transfer,
        Hire,
        Retire,
        RemoveLayer,
        SetAttrs,
        ApplyTemplate,
        Sink,
        TwoTeamsOneOffice,
        Mirror,
        Bundle,
        Dispatch,
        Undispatch,
        Guide,
        Unguide,
        IntegrateCommand,
        Staff,
        MergeByFunction,
    )
}

#: Chinese name of every operation, for step lists.
OP_NAMES: dict[str, str] = {
    "merge": "合并",
    "split": "拆分",
    "move": "调整隶属",
    "close": "撤销",
    "create": "新设",
    "transfer": "调配警力",
    "hire": "招录",
    "retire": "减员",
    "remove_layer": "撤销层级",
    "set": "修改属性",
    "apply_template": "大部门整合",
    "sink": "警力下沉",
    "two_teams_one_office": "两队一室",
    "mirror": "上下对口",
    "bundle": "组建片区",
    "dispatch": "指挥调度",
    "undispatch": "取消调度",
    "guide": "业务指导",
    "unguide": "取消业务指导",
    "integrate_command": "情指行一体化",
    "staff": "定岗定员",
    "merge_by_function": "同职能合并",
}


def _fields(m: type[BaseModel]) -> tuple[frozenset[str], frozenset[str]]:
    req: set[str] = set()
    opt: set[str] = set()
    for name, f in m.model_fields.items():
        key = f.alias or name
        if key == "op":
            continue
        (req if f.is_required() else opt).add(key)
    return frozenset(req), frozenset(opt)


#: Every operation: (required fields, optional fields), derived from the models.
OP_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    k: _fields(m) for k, m in OPERATION_MODELS.items()
}

Operation = Annotated[
    Merge
    | Split
    | Move
    | Close
    | Create
    | Transfer
    | Hire
    | Retire
    | RemoveLayer
    | SetAttrs
    | ApplyTemplate
    | Sink
    | TwoTeamsOneOffice
    | Mirror
    | Bundle
    | Dispatch
    | Undispatch
    | Guide
    | Unguide
    | IntegrateCommand
    | Staff
    | MergeByFunction,
    Field(discriminator="op"),
]


class ScenarioSpec(BaseModel):
    """The identity of the scenario a plan produces (defaults in :func:`scenario_identity`)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]+$")
    name: str | None = None


class PlanFile(BaseModel):
    """A plan file: ``name``, optional ``description``, ``base`` and ``scenario``, and ``ops``."""

    model_config = ConfigDict(
        extra="forbid", strict=True, title="orgmodel restructuring plan (改革方案)"
    )

    orgmodel: int | None = Field(None, description="file format version")
    id: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.-]+$", description="a short id (default: the file name)"
    )
    name: str | None = Field(None, description="shown in reports")
    description: str | None = None
    base: str | None = Field(
        None, min_length=1, description="id of the organisation the plan was written for"
    )
    scenario: ScenarioSpec | None = None
    ops: list[Operation]


def plan_json_schema() -> dict[str, Any]:
    """The JSON Schema of a plan file, generated from :class:`PlanFile`.

    >>> s = plan_json_schema()
    >>> s["title"], "sink" in s["$defs"]["Sink"]["properties"]["op"]["const"]
    ('orgmodel restructuring plan (改革方案)', True)
    """
    schema = PlanFile.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


# -- loading -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """A restructuring plan: ``ops`` are plain mappings, each with its ``op`` name.

    ``base`` names the organisation the plan was written for (its id); it is a note for the
    reader and the default base when a plan is loaded into a store, not a restriction: a
    plan applies to any organisation whose units it names. ``base_dir`` is where relative
    template paths are resolved (the plan file's folder). ``id`` and ``scenario`` give the
    scenario its own identity (:func:`scenario_identity`).
    """

    name: str
    description: str = ""
    ops: tuple[Mapping[str, Any], ...] = ()
    base: str | None = None
    source: str = "<plan>"
    base_dir: Path | None = field(default=None, compare=False)
    id: str = "plan"
    scenario: Mapping[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The plan as file data."""
        out: dict[str, Any] = {"name": self.name, "description": self.description}
        if self.base is not None:
            out["base"] = self.base
        if self.scenario:
            out["scenario"] = dict(self.scenario)
        out["ops"] = [dict(o) for o in self.ops]
        return out


_FIELD_RE = re.compile(r"^(?!(?:str|int|float|bool|list|dict)$)[a-z_]+$")
#: Errors that only say "this branch of a union did not fit": shown only when nothing else is.
_BRANCH_TYPES = frozenset({"string_type", "list_type", "model_type", "dict_type", "literal_error"})


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for x in loc:
        if isinstance(x, int):
            out += f"[{x}]"
        elif _FIELD_RE.match(str(x)):
            out += ("." if out else "") + str(x)
    return out


def _message(e: ValidationError, model: type[BaseModel]) -> str:
    """One readable reason from a pydantic error, in the plan file's own words."""
    req, opt = _fields(model)
    errs = e.errors(include_url=False)
    top = [x for x in errs if len(x["loc"]) == 1]
    extra = sorted({str(x["loc"][0]) for x in top if x["type"] == "extra_forbidden"})
    if extra:
        allowed = join_list(sorted(req | opt))
        return lazy(
            "unknown field(s) {fields} (allowed: {allowed})",
            fields=join_list(extra),
            allowed=allowed,
        )
    missing = sorted({str(x["loc"][0]) for x in top if x["type"] == "missing"})
    if missing:
        return lazy("missing field(s) {fields}", fields=join_list(missing))
    telling = [x for x in errs if x["type"] not in _BRANCH_TYPES] or errs
    # A branch of a union that wanted another type (into: 2 | [parts]) says less than one
    # whose type fitted and whose value did not (a list of one part: too short).
    fitted = [x for x in telling if not x["type"].endswith(("_type", "_parsing"))]
    telling = fitted or telling
    # The most specific error (deepest location) says most.
    best = max(telling, key=lambda x: len(x["loc"]))
    reason = pydantic_reason(best)
    if not isinstance(reason, LazyText) and best["type"] not in ("value_error", "missing"):
        got = best.get("input")  # pydantic's own words (a type REASONS does not list)
        if not isinstance(got, dict | list):
            reason = lazy("{reason}, got {value!r}", reason=reason, value=got)
    where = _loc(tuple(best["loc"]))
    return lazy("{where}: {reason}", where=where, reason=reason) if where else reason


def check_op(i: int, raw: Any, source: str) -> dict[str, Any]:
    """Validate one operation against its model; a :class:`PlanError` names what is wrong."""
    if not isinstance(raw, dict):
        raise PlanError(
            lazy("an operation must be a mapping with an 'op' field"), index=i, source=source
        )
    name = raw.get("op")
    model = OPERATION_MODELS.get(name) if isinstance(name, str) else None
    if model is None:
        known = join_list(OPERATION_MODELS)
        raise PlanError(
            lazy("unknown operation {name!r} (known: {known})", name=name, known=known),
            index=i,
            op=str(name) if name is not None else None,
            source=source,
        )
    try:
        model.model_validate(raw)
    except ValidationError as e:
        raise PlanError(_message(e, model), index=i, op=name, source=source) from None
    return dict(raw)


_ID_RE = re.compile(r"[^A-Za-z0-9_.-]+")


def plan_from_dict(
    data: Any,
    source: str = "<plan>",
    *,
    base_dir: str | Path | None = None,
    default_id: str | None = None,
    default_name: str | None = None,
) -> Plan:
    """Build a :class:`Plan` from its file data, validating it against :class:`PlanFile`.

    Parameters
    ----------
    data : mapping
        ``{name, description?, base?, scenario?, ops: [{op: ..., ...}, ...]}``.
    source : str
        Where the data came from, for messages.
    base_dir : path, optional
        Folder for relative template paths.
    default_id : str, optional
        The plan's id, and its name, when the data gives none (:func:`load_plan`: the file
        name); else ``plan``.
    default_name : str, optional
        The plan's name when the data gives none, before the plan's own ``id`` and
        ``default_id`` (the API: the scenario's id, which names the scenario).

    Raises
    ------
    PlanError
        Naming the operation's index, ``op`` and the reason.

    Examples
    --------
    >>> p = plan_from_dict({"name": "t", "ops": [{"op": "move", "unit": "a", "to": "b"}]})
    >>> p.ops[0]["op"], len(p.ops)
    ('move', 1)

    A plan without a name is named by what the caller chose, else by its own id:

    >>> p = plan_from_dict({"id": "merge-cri", "ops": []}, "request body: plan")
    >>> p.name, p.id
    ('merge-cri', 'merge-cri')
    """
    if not isinstance(data, dict):
        raise PlanError(lazy("a plan must be a mapping with 'name' and 'ops'"), source=source)
    top = set(PlanFile.model_fields)
    unknown = sorted(set(data) - top)
    if unknown:
        raise PlanError(
            lazy("unknown top-level field(s) {join}", join=join_list(unknown)), source=source
        )
    ops = data.get("ops")
    if not isinstance(ops, list):
        raise PlanError(lazy("'ops' must be a list of operations"), source=source)
    base = data.get("base")
    if base is not None and (not isinstance(base, str) or not base):
        raise PlanError(lazy("'base' must be the id of an organisation"), source=source)
    checked = tuple(check_op(i, o, source) for i, o in enumerate(ops))
    try:
        PlanFile.model_validate({**data, "ops": []})
    except ValidationError as e:
        err = e.errors(include_url=False)[0]
        where = ".".join(str(x) for x in err["loc"])
        raise PlanError(
            lazy("{where}: {reason}", where=where, reason=pydantic_reason(err)), source=source
        ) from None
    pid = data.get("id") or _ID_RE.sub("-", default_id or "").strip("-") or "plan"
    return Plan(
        # unnamed: what the caller chose (the API: the scenario's id), the plan's own id,
        # the file name (load_plan's default_id); never the words of a source that is no
        # file ("request body: plan")
        name=str(data.get("name") or default_name or data.get("id") or default_id or "plan"),
        description=str(data.get("description") or ""),
        ops=checked,
        base=base,
        source=source,
        base_dir=Path(base_dir) if base_dir is not None else None,
        id=pid,
        scenario=data.get("scenario"),
    )


def load_plan(path: str | Path) -> Plan:
    """Load a plan file (YAML or JSON).

    Raises
    ------
    PlanError
        The file is missing, not UTF-8, malformed, or an operation is malformed.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")  # a byte order mark dropped (Notepad)
    except FileNotFoundError as e:
        raise PlanError(lazy("no such plan file"), source=str(p)) from e
    except IsADirectoryError as e:
        raise PlanError(lazy("is a folder, not a plan file"), source=str(p)) from e
    except UnicodeDecodeError as e:
        raise PlanError(lazy("not UTF-8 text (byte {start})", start=e.start), source=str(p)) from e
    data = read_plan_text(text, str(p), json_text=p.suffix.lower() == ".json" or None)
    return plan_from_dict(data, str(p), base_dir=p.parent, default_id=p.stem)


_OP_PLACE = re.compile(r"ops\[(\d+)\](?:\.(.+))?\Z")


def read_plan_text(text: str, source: str, *, json_text: bool | None = None) -> Any:
    """A plan's text parsed, JSON or YAML, a key given twice refused in either.

    Parameters
    ----------
    text : str
        The plan file's text, or a plan sent as text.
    source : str
        Where it came from, for messages.
    json_text : bool, optional
        ``True``: JSON (a ``.json`` file), its errors told as JSON errors. ``None``: JSON if
        the text opens with ``{`` and the JSON parser takes it, else YAML (a YAML flow
        mapping opens with ``{`` too). ``False``: YAML.

    Raises
    ------
    PlanError
        Malformed JSON (line and column) or YAML, or a key given twice in one object,
        named with its place: ``ops[2] (transfer): key 'police' is given twice …`` (JSON
        parsers keep the last value in silence).
    NestingError
        The text nests deeper than :data:`~orgmodel.io.nesting.MAX_NESTING`.

    Examples
    --------
    >>> read_plan_text('{"name": "x", "ops": []}', "p.json", json_text=True)
    {'name': 'x', 'ops': []}
    >>> read_plan_text('{"ops": [{"op": "move", "unit": "a", "unit": "b"}]}', "p.json")
    Traceback (most recent call last):
    ...
    orgmodel.restructure.plan.PlanError: p.json: ops[0] (move): key 'unit' is given twice ...
    """
    check_nesting(text, source, indentation=not json_text)
    if json_text is None and text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except RecursionError:  # a depth that "]" in strings hid from the quick count
            raise too_deep(source) from None
        except ValueError:
            pass  # YAML's flow mapping, or malformed: the YAML reader names it
        else:
            refuse_repeated_keys(text, data, source)
            return data
    if json_text:
        try:
            data = json.loads(text)
        except RecursionError:
            raise too_deep(source) from None
        except json.JSONDecodeError as e:
            raise PlanError(
                lazy(
                    "malformed JSON at line {lineno}, column {colno}: {msg}",
                    lineno=e.lineno,
                    colno=e.colno,
                    msg=json_problem(e),
                ),
                source=source,
            ) from None
        refuse_repeated_keys(text, data, source)
        return data
    try:
        return load_yaml(text)
    except yaml.YAMLError as e:
        raise PlanError(lazy("malformed YAML: {e}", e=e), source=source) from e


def refuse_repeated_keys(text: str, data: Any, source: str | None = None) -> None:
    """Refuse a plan's JSON text giving a key twice, naming the operation it is in, in JSON's
    terms (``ops[0] (move): key 'unit' is given twice in one object …``; YAML's reader would
    say ``duplicate key 'unit' at line 1 (first given at line 1)``). ``data``: the text as
    ``json`` read it.

    Raises
    ------
    PlanError
        Naming ``source`` (when given), the operation and the key.
    """
    issues = find_repeated_keys(text, data)
    if not issues:
        return
    issue = issues[0]
    m = _OP_PLACE.match(str(issue.where or ""))
    ops = data.get("ops") if isinstance(data, dict) else None
    if m is None or not isinstance(ops, list) or int(m[1]) >= len(ops):
        raise PlanError(str(issue), source=source)
    i = int(m[1])
    name = ops[i].get("op") if isinstance(ops[i], dict) else None
    reason: str = issue.message
    if m[2]:  # deeper in the operation: ops[2].into
        reason = lazy("{where}: {reason}", where=m[2], reason=issue.message)
    raise PlanError(reason, index=i, op=name if isinstance(name, str) else None, source=source)

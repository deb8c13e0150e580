"""Apply a plan: run every operation on a working copy, then build the scenario once.

Laws (DOMAIN.md): police and auxiliaries are conserved unless an operation explicitly hires
or retires, and the result says how many; a plan is validated whole and applied atomically —
any error applies nothing and names the operation; the base organisation is never mutated.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orgmodel._gc import gc_paused
from orgmodel._pages import small_pages
from orgmodel.errors import InputError
from orgmodel.focus import subtree
from orgmodel.i18n import join_list, lazy
from orgmodel.model import OrgGraph, OrgValidationError, PlacementNear
from orgmodel.norms import Norms, load_norms
from orgmodel.restructure.ops import OPERATIONS
from orgmodel.restructure.plan import OP_NAMES, Plan, PlanError, check_op
from orgmodel.restructure.workspace import OpError, Workspace

__all__ = [
    "Flow",
    "Lineage",
    "ScenarioResult",
    "Step",
    "apply_plan",
    "scenario_identity",
    "subtree_after",
    "subtree_before",
]


@dataclass(frozen=True, slots=True)
class Flow:
    """Officers that went from a base unit to a scenario unit (``None``: hired / retired)."""

    source: str | None
    target: str | None
    police: int = 0
    auxiliaries: int = 0


@dataclass(frozen=True)
class Lineage:
    """How a scenario continues its base.

    ``origins`` maps each scenario unit that is not simply the base unit of the same id to the
    base units it continues (empty for a unit created from nothing). ``renamed`` maps a
    scenario unit that continues exactly one base unit, under a new id, to that unit (a 大部门
    of one department, a unit re-created by a template): a rename is a rename, so its
    officers stayed where they were. ``flows`` lists the officers that changed unit (source ≠
    target, and not merely renamed); ``stayed`` counts those who did not, as ``(police,
    auxiliaries)``. Flows plus stayed account for every officer of both sides.
    """

    origins: Mapping[str, tuple[str, ...]]
    flows: tuple[Flow, ...] = ()
    stayed: tuple[int, int] = (0, 0)
    renamed: Mapping[str, str] = field(default_factory=dict)

    def became(self, unit_id: str) -> tuple[str, ...]:
        """The scenario units that continue base unit ``unit_id`` (a merge's or a template's
        unit, the parts of a split, the unit under its new id), in the scenario's order of
        the lineage; empty when it continues in none (closed, its layer removed) or when it
        is simply kept under its own id."""
        return tuple(u for u, src in self.origins.items() if unit_id in src)

    def within(self, before: OrgGraph, after: OrgGraph) -> dict[str, tuple[str, ...]]:
        """The origins between two parts of the base and the scenario (``--root``): for
        each unit of ``after``, the units of ``before`` it continues. A mapping lineage for
        :func:`orgmodel.restructure.diff_orgs`: units matched, flows estimated (the plan's
        flows name units outside the parts)."""
        return {
            u: tuple(o for o in origins if o in before)
            for u, origins in self.origins.items()
            if u in after
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data."""
        return {
            "origins": {k: list(v) for k, v in self.origins.items()},
            "renamed": dict(self.renamed),
            "flows": [
                {"from": f.source, "to": f.target, "police": f.police, "auxiliaries": f.auxiliaries}
                for f in self.flows
            ],
            "stayed": {"police": self.stayed[0], "auxiliaries": self.stayed[1]},
        }


@dataclass(frozen=True, slots=True)
class Step:
    """What one operation did: ``summary`` in Chinese, naming the units by their names."""

    index: int
    op: str
    summary: str

    @property
    def op_name(self) -> str:
        """The operation's Chinese name (合并, 警力下沉, 组建片区 …)."""
        return OP_NAMES.get(self.op, self.op)


@dataclass(frozen=True)
class ScenarioResult:
    """A plan applied to a base organisation.

    Attributes
    ----------
    base, org : OrgGraph
        The organisation before (untouched) and the scenario after.
    plan : Plan
    hired, retired : dict
        ``{"police": n, "auxiliaries": n}`` brought in or let go by the plan (0 when
        officers were only moved).
    lineage : Lineage
        Origins of every changed unit and the officer flows, for :func:`diff_orgs`.
    steps : list of Step
        One summary line per operation.
    dropped_guides, dropped_dispatches : list of (str, str)
        Base edges that no longer hold in the scenario (e.g. GUIDES into a 大部门 whose
        function is no longer the upper department's).
    """

    base: OrgGraph
    org: OrgGraph
    plan: Plan
    hired: dict[str, int]
    retired: dict[str, int]
    lineage: Lineage
    steps: tuple[Step, ...] = ()
    dropped_guides: tuple[tuple[str, str], ...] = field(default=())
    dropped_dispatches: tuple[tuple[str, str], ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        """A summary as plain data (the scenario organisation itself is not included)."""
        return {
            "plan": {"name": self.plan.name, "description": self.plan.description},
            "scenario": {"id": self.org.id, "name": self.org.name},
            "hired": self.hired,
            "retired": self.retired,
            "steps": [
                {"index": s.index, "op": s.op, "op_name": s.op_name, "summary": s.summary}
                for s in self.steps
            ],
            "dropped_guides": len(self.dropped_guides),
            "dropped_dispatches": len(self.dropped_dispatches),
        }


def _renames(ws: Workspace, origins: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Scenario units that continue exactly one base unit, which no other unit continues and
    which is gone from the scenario: the same unit under a new id."""
    succ: dict[str, list[str]] = {}
    for uid, o in origins.items():
        for b in o:
            succ.setdefault(b, []).append(uid)
    return {
        uid: o[0]
        for uid, o in origins.items()
        if len(o) == 1 and o[0] != uid and o[0] not in ws.units and len(succ[o[0]]) == 1
    }


def _lineage(ws: Workspace) -> Lineage:
    units = ws.units
    own, gone, base = units.own, units.gone, ws.base

    def alive(uid: str) -> bool:  # ``uid in ws.units``, without the mapping's method calls
        return uid in own or (uid not in gone and uid in base)

    origins = {uid: tuple(sorted(o)) for uid, o in ws.origins.items() if alive(uid) and o != {uid}}
    renamed = _renames(ws, origins)
    agg: dict[tuple[str | None, str | None], list[int]] = {}
    stayed = [0, 0]
    for col, books, retired in ((0, ws.pmix, ws.retired_p), (1, ws.amix, ws.retired_a)):
        for uid, mix in books.items():
            if not alive(uid):
                continue
            was = renamed.get(uid)
            for src, n in mix.items():
                if src == uid or (was is not None and src == was):
                    stayed[col] += n
                elif n:
                    key = (src, uid)
                    got = agg.get(key)
                    if got is None:
                        got = agg[key] = [0, 0]
                    got[col] += n
        for src, n in retired.items():
            if n:
                agg.setdefault((src, None), [0, 0])[col] += n
    # Units never touched keep all their officers: every unit's, less those in the books.
    for col, what, books in ((0, "police", ws.pmix), (1, "auxiliaries", ws.amix)):
        moved = 0
        for uid in books:
            u = own.get(uid)
            if u is not None:
                moved += getattr(u, what)
            elif alive(uid):
                moved += getattr(units[uid], what)
        stayed[col] += units.total(what) - moved
    flows = tuple(Flow(s, t, p, a) for (s, t), (p, a) in agg.items())
    return Lineage(origins, flows, (stayed[0], stayed[1]), renamed)


_BEFORE = re.compile(r"\s*[(（]\s*改革前\s*[)）]\s*$")


def scenario_identity(org: OrgGraph, plan: Plan) -> tuple[str, str]:
    """The id and name of the scenario a plan makes of an organisation.

    The plan's ``scenario: {id, name}`` when given; else id ``{base id}--{plan id}`` (the plan
    id is its ``id`` or file name) and name ``{base name}（{plan name}）``, e.g.
    ``河西县公安局（县局大部门制改革）``: Chinese names, Chinese brackets, in every language (it
    is the scenario's name, data like its units'). A scenario never carries its base's
    identity.

    >>> from orgmodel.model import OrgGraph, Unit
    >>> from orgmodel.restructure import plan_from_dict
    >>> base = OrgGraph([Unit("b", "河西县公安局", "county")], id="hexi", name="河西县公安局")
    >>> scenario_identity(base, plan_from_dict({"id": "dabumen", "name": "大部门方案", "ops": []}))
    ('hexi--dabumen', '河西县公安局（大部门方案）')
    >>> before = OrgGraph([Unit("b", "泰州高新区分局", "county")], id="tz", name="泰州高新区分局（改革前）")
    >>> scenario_identity(before, plan_from_dict({"name": "三队两室", "ops": []}))[1]
    '泰州高新区分局（三队两室）'
    """
    spec = plan.scenario or {}
    sid = spec.get("id") or f"{org.id or 'org'}--{plan.id}"
    # a base exported as "… (改革前)" names the state before; the scenario is not that state
    base_name = _BEFORE.sub("", org.name or "").strip() or org.id or "organisation"
    name = spec.get("name") or f"{base_name}（{plan.name}）"
    return str(sid), str(name)


def _named(org: OrgGraph, unit_id: str) -> Any:
    return lazy("{id!r} ({name})", id=unit_id, name=org.name_of(unit_id))


def subtree_before(
    base: OrgGraph, after: OrgGraph, unit_id: str, lineage: Lineage | None = None
) -> OrgGraph:
    """The part of the base ``base`` under unit ``unit_id`` (:func:`orgmodel.focus.subtree`),
    refused with what the plan did when the unit is one the plan created.

    A scenario unit that is a base unit under a new id (``lineage.renamed``) is that unit:
    its part is taken under the base id.

    Raises
    ------
    InputError
        ``unit_id`` is not in ``base`` but in ``after``: the message says that the plan
        created it (from which base units, by id and name, when ``lineage`` says so), so it
        has no part before the plan; when neither has it, that no unit has that id.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> from orgmodel.restructure import plan_from_dict
    >>> base = OrgGraph([Unit("b", "县局", "county", police=5),
    ...     Unit("x", "刑侦大队", "department", parent="b", function="criminal", police=9),
    ...     Unit("y", "经侦大队", "department", parent="b", function="criminal", police=4)])
    >>> r = apply_plan(base, plan_from_dict({"name": "并", "ops": [{"op": "merge",
    ...     "units": ["x", "y"], "into": {"id": "z", "name": "侦查大队"}}]}))
    >>> subtree_before(base, r.org, "z", r.lineage)
    Traceback (most recent call last):
    ...
    orgmodel.errors.InputError: the plan created unit 'z' (侦查大队) from 'x' (刑侦大队), 'y' (经侦大队): it is not in the base; choose a unit of the base, such as its parent 'b' (县局)
    """
    if unit_id in base or unit_id not in after:
        return subtree(base, unit_id)
    if lineage is not None and unit_id in lineage.renamed:
        return subtree(base, lineage.renamed[unit_id])  # the same unit under its base id
    unit = _named(after, unit_id)
    parent = after.parent(unit_id)
    renamed = lineage.renamed if lineage is not None else {}
    while parent is not None and parent not in base and parent not in renamed:
        parent = after.parent(parent)
    parent = renamed.get(parent, parent) if parent is not None else None  # its base id
    hint = (
        lazy("choose a unit of the base, such as its parent {parent}", parent=_named(base, parent))
        if parent is not None
        else lazy("choose a unit of the base")
    )
    origins = [o for o in (lineage.origins.get(unit_id, ()) if lineage else ()) if o in base]
    if origins:
        raise InputError(
            lazy(
                "the plan created unit {unit} from {origins}: it is not in the base; {hint}",
                unit=unit,
                origins=join_list(_named(base, o) for o in origins),
                hint=hint,
            )
        )
    raise InputError(
        lazy("the plan created unit {unit}: it is not in the base; {hint}", unit=unit, hint=hint)
    )


def subtree_after(
    base: OrgGraph, after: OrgGraph, unit_id: str, lineage: Lineage | None = None
) -> OrgGraph:
    """The part of the scenario ``after`` under unit ``unit_id`` (:func:`orgmodel.focus.subtree`),
    refused with what the plan did when the plan took the unit away.

    A unit the plan only gave a new id (``lineage.renamed``: a 大部门 of one department)
    is the same unit: its part is taken under the new id.

    Raises
    ------
    InputError
        ``unit_id`` is not in ``after``: the message says that the plan removed it (merged
        into or split into which units, by id and name, when ``lineage`` says so); when the
        base has no such unit either, that no unit has that id.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> from orgmodel.restructure import plan_from_dict
    >>> base = OrgGraph([Unit("b", "县局", "county", police=5),
    ...     Unit("x", "刑侦大队", "department", parent="b", function="criminal", police=9),
    ...     Unit("y", "经侦大队", "department", parent="b", function="economic", police=4)])
    >>> r = apply_plan(base, plan_from_dict({"name": "并", "ops": [{"op": "merge",
    ...     "units": ["x", "y"], "into": {"id": "z", "name": "侦查大队", "function": "criminal"}}]}))
    >>> subtree_after(base, r.org, "x", r.lineage)
    Traceback (most recent call last):
    ...
    orgmodel.errors.InputError: the plan merged unit 'x' (刑侦大队) into 'z' (侦查大队): it is not in the scenario
    """
    if unit_id in after or unit_id not in base:
        return subtree(after, unit_id)
    became = lineage.became(unit_id) if lineage is not None else ()
    if lineage is not None and len(became) == 1 and lineage.renamed.get(became[0]) == unit_id:
        return subtree(after, became[0])  # the same unit under a new id: its officers stayed
    unit = _named(base, unit_id)
    if not became:
        raise InputError(lazy("the plan removed unit {unit}: it is not in the scenario", unit=unit))
    into = join_list(_named(after, u) for u in became)
    if len(became) > 1:
        raise InputError(
            lazy(
                "the plan split unit {unit} into {into}: it is not in the scenario",
                unit=unit,
                into=into,
            )
        )
    raise InputError(
        lazy(
            "the plan merged unit {unit} into {into}: it is not in the scenario",
            unit=unit,
            into=into,
        )
    )


def apply_plan(
    org: OrgGraph,
    plan: Plan,
    *,
    norms: Norms | None = None,
) -> ScenarioResult:
    """Apply a restructuring plan to an organisation; the base is left as it was.

    Parameters
    ----------
    org : OrgGraph
        The base organisation (read only).
    plan : Plan
        From :func:`load_plan` or :func:`plan_from_dict`.
    norms : Norms, optional
        Staffing norms (leader posts kept by ``sink`` and ``two_teams_one_office``, the
        staffing of ``mirror``); the shipped norms by default.

    Returns
    -------
    ScenarioResult
        The scenario organisation, hires and retirements, lineage and officer flows.

    Raises
    ------
    PlanError
        Naming the failing operation's index, its ``op`` and the reason; nothing is applied.

    Notes
    -----
    Every operation runs on a :class:`~orgmodel.restructure.workspace.Workspace` (units
    copied from the base's columns only when an operation reads them); the scenario is
    the base's columns with the touched rows written over, checked once, at the end.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> from orgmodel.restructure import plan_from_dict
    >>> base = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("d1", "刑侦大队", "department", "b", "criminal", police=10),
    ...     Unit("d2", "经侦大队", "department", "b", "economic", police=5),
    ... ])
    >>> plan = plan_from_dict({"name": "并", "ops": [
    ...     {"op": "merge", "units": ["d1", "d2"], "into": "d1"}]})
    >>> r = apply_plan(base, plan)
    >>> r.org.attrs("d1")["police"], "d2" in r.org, "d2" in base
    (15, False, True)
    """
    with gc_paused(), small_pages():
        return _apply(org, plan, norms if norms is not None else load_norms())


def _apply(org: OrgGraph, plan: Plan, norms: Norms) -> ScenarioResult:
    ws = Workspace(org, norms)
    ws.base_dir = plan.base_dir
    steps: list[Step] = []
    for i, op in enumerate(plan.ops):
        name = str(op.get("op"))
        fn = OPERATIONS.get(name)
        if fn is None:
            raise PlanError(
                lazy("unknown operation {name!r}", name=name), index=i, op=name, source=plan.source
            )
        check_op(i, op, plan.source)  # a Plan built by hand meets the same models
        try:
            steps.append(Step(i, name, fn(ws, op)))
            ws.check_vacated_groups()
        except OpError as e:
            # the message itself, not str(e): a lazy message stays translatable (the API shows
            # it in English while the process speaks Chinese)
            reason = e.args[0] if len(e.args) == 1 and isinstance(e.args[0], str) else str(e)
            raise PlanError(reason, index=i, op=name, source=plan.source) from None
    sid, sname = scenario_identity(org, plan)
    description = plan.description or org.description
    scenario: OrgGraph | None = None
    built = ws.result_columns()
    edges = ws.final_edges_on(built) if built is not None else None
    if built is not None and edges is not None:
        dropped_g, dropped_d, g_ends, d_ends = edges
        scenario = OrgGraph.derived(
            org, built.cols, None, None, built.modified,
            id=sid, name=sname, description=description, tree=built.tree,
            guide_ends=g_ends, dispatch_ends=d_ends, index=built.index,
            changed_rows=built.changed, edges_checked=True,
            near=PlacementNear(org, built.new_row, built.again, built.places),
            positions=built.positions_patch(org),
        )  # fmt: skip
        if scenario is not None:
            scenario._derived_from = (org, built.base_rows)
    if scenario is None:
        # Something does not hold: build it unit by unit for the precise message.
        guides, dispatches, dropped_g, dropped_d = ws.final_edges()
        try:
            scenario = org.with_units(
                ws.ordered_units(),
                guides,
                dispatches,
                id=sid,
                name=sname,
                description=description,
            )
        except OrgValidationError as e:
            raise PlanError(
                lazy("the resulting organisation is invalid: {e}", e=e), source=plan.source
            ) from e
    return ScenarioResult(
        base=org,
        org=scenario,
        plan=plan,
        hired={"police": ws.hired_p, "auxiliaries": ws.hired_a},
        retired={
            "police": sum(ws.retired_p.values()),
            "auxiliaries": sum(ws.retired_a.values()),
        },
        lineage=_lineage(ws),
        steps=tuple(steps),
        dropped_guides=tuple(dropped_g),
        dropped_dispatches=tuple(dropped_d),
    )

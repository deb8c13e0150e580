"""Shaping library objects into the API's models, and the ETag / If-Match conventions.

An organisation's ETag is its version, ``"v3"``. A write that replaces or deletes an
organisation, or builds a scenario on it, may send ``If-Match: "v3"`` (``v3`` and ``3`` are
accepted too, as is ``*``); if the organisation has moved on the write is refused with 412.
Replacing an organisation (PUT) requires it (428 without).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from api.models import (
    OrgDetail,
    OrgRef,
    OrgSummary,
    ParentBureauIn,
    ScenarioDetail,
    ScenarioSummary,
    UnitOut,
    UnitRef,
    VersionOut,
)
from api.problems import ApiProblem
from api.service import Subject, stored_plan_data
from orgmodel.model import KIND_NAMES, KINDS, OrgGraph
from orgmodel.store import OrgVersion, ScenarioRecord

__all__ = [
    "check_if_match",
    "etag",
    "org_detail",
    "org_summary",
    "scenario_detail",
    "scenario_summary",
    "subject_ref",
    "unit_out",
    "unit_ref",
    "version_out",
]

_TAG = re.compile(r'^(?:W/)?"?v?(\d+)"?$')


def etag(version: int) -> str:
    """The ETag of an organisation version."""
    return f'"v{version}"'


def _parse_tags(header: str) -> list[int | str]:
    out: list[int | str] = []
    for part in header.split(","):
        p = part.strip()
        if p == "*":
            out.append("*")
            continue
        m = _TAG.match(p)
        if not m:
            raise ApiProblem(
                400,
                "malformed-if-match",
                f'cannot read If-Match {header!r}: send the ETag you got, e.g. If-Match: "v3"',
            )
        out.append(int(m.group(1)))
    return out


def check_if_match(header: str | None, current: int, what: str, *, required: bool) -> None:
    """Refuse a write whose If-Match does not name the current version (412; 428 if missing)."""
    if header is None or not header.strip():
        if required:
            raise ApiProblem(
                428,
                "if-match-required",
                f"send If-Match with the ETag of the version your change is based on "
                f"(the current one is {etag(current)}) so that no one else's save is "
                "overwritten",
                headers={"ETag": etag(current)},
            )
        return
    tags = _parse_tags(header)
    if "*" in tags or current in tags:
        return
    mine = ", ".join(f"v{t}" for t in tags)
    raise ApiProblem(
        412,
        "precondition-failed",
        f"{what} is at version {current}, but your change is based on {mine}: someone else "
        f"saved in between. Load version {current}, re-apply your change and send "
        f'If-Match: "v{current}".',
        headers={"ETag": etag(current)},
        current_version=current,
    )


def version_out(v: OrgVersion) -> VersionOut:
    return VersionOut(version=v.version, saved_at=v.created_at, author=v.author, message=v.message)


def org_summary(v: OrgVersion, description: str = "") -> OrgSummary:
    return OrgSummary(
        id=v.org_id,
        name=v.name,
        description=description,
        version=v.version,
        units=v.units,
        police=v.police,
        auxiliaries=v.auxiliaries,
        saved_at=v.created_at,
        author=v.author,
        message=v.message,
    )


def unit_ref(org: OrgGraph, uid: str) -> UnitRef:
    a = org.attrs(uid)
    return UnitRef(id=uid, name=a["name"], kind=a["kind"])


def unit_out(org: OrgGraph, uid: str) -> UnitOut:
    a = org.attrs(uid)
    fn = a["function"]
    fn_name = org.catalogue[fn].name if fn and fn in org.catalogue else None
    return UnitOut(
        id=uid,
        name=a["name"],
        kind=a["kind"],
        kind_name=KIND_NAMES.get(a["kind"], a["kind"]),
        parent=org.parent(uid),
        function=fn,
        function_name=fn_name,
        category=org.category_of(uid),
        establishment=a["establishment"],
        police=a["police"],
        auxiliaries=a["auxiliaries"],
        leaders=a["leaders"],
        duty_roster=a["duty_roster"],
        community_share=a["community_share"],
        children=len(org.children(uid)),
    )


def org_detail(org: OrgGraph, v: OrgVersion) -> OrgDetail:
    kinds = Counter(KINDS[k] for k in org.columns.kind.tolist())  # no networkx graph
    pb = org.parent_bureau
    return OrgDetail(
        **org_summary(v, org.description).model_dump(),
        root=unit_ref(org, org.root),
        kinds=dict(kinds),
        guides=len(org.guides),
        dispatches=len(org.dispatches),
        parent_bureau=None
        if pb is None
        else ParentBureauIn(name=pb.name, functions=list(pb.functions)),
    )


def subject_ref(s: Subject, org: OrgGraph) -> OrgRef:
    return OrgRef(
        type="scenario" if s.type == "scenario" else "org",
        id=s.id,
        version=s.version,
        name=org.name,
    )


def scenario_summary(rec: ScenarioRecord, base_name: str = "", **kw: Any) -> Any:
    """A listing's entry: the plan's name and size come from the summary stored with the
    scenario (:attr:`ScenarioRecord.plan_name`, ``plan_ops``); the plan is not parsed."""
    return ScenarioSummary(
        id=rec.scenario_id,
        name=rec.plan_name,
        ops=rec.plan_ops,
        base=OrgRef(type="org", id=rec.base_id, version=rec.base_version, name=base_name),
        created_at=rec.created_at,
        author=rec.author,
        units_after=rec.units,
        police_after=rec.police,
        **kw,
    )


def _plan_dict(rec: ScenarioRecord) -> Any:
    return stored_plan_data(rec.plan)  # one the reader refuses: its text, and why


def scenario_detail(
    rec: ScenarioRecord, base: OrgGraph, result: OrgGraph, log: list[Any], plan: Any = None
) -> ScenarioDetail:
    """One scenario with its plan (``plan``: already parsed; else parsed back here).

    Blocking on a large plan, so the routes run it through the work gate
    (:meth:`api.service.OrgService.heavy`).
    """
    if plan is None:
        plan = _plan_dict(rec)
    name = rec.plan_name or (str(plan.get("name") or "") if isinstance(plan, dict) else "")
    return ScenarioDetail(
        id=rec.scenario_id,
        name=name,
        ops=rec.plan_ops,
        base=OrgRef(type="org", id=rec.base_id, version=rec.base_version, name=base.name),
        created_at=rec.created_at,
        author=rec.author,
        units_before=len(base),
        units_after=len(result),
        police_before=base.total_police(),
        police_after=result.total_police(),
        plan=plan if isinstance(plan, dict) else {"text": rec.plan},
        log=log,
        message=rec.message,
    )

"""The restructuring operations (DOMAIN.md, "Restructuring operations"), one function each.

Every operation takes the :class:`~orgmodel.restructure.workspace.Workspace` and the
operation's mapping, changes the working copy, and returns a one-line summary. It raises
:class:`~orgmodel.restructure.workspace.OpError` with the reason when it cannot run; the
caller turns that into a :class:`~orgmodel.restructure.plan.PlanError` naming the operation.

Officers (police, 辅警 auxiliaries) only ever *move* between units, except in ``hire``,
``retire``, ``create`` with ``hire: true``, ``close`` with ``retire: true`` and ``mirror``
with ``pool: hire`` — and the workspace books every hire and retirement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from orgmodel.model import BUREAU_KINDS
from orgmodel.restructure.templates import load_template
from orgmodel.restructure.workspace import (
    ORGAN_KINDS,
    OpError,
    Workspace,
    largest_remainder,
)

__all__ = ["OPERATIONS"]

Op = Mapping[str, Any]


# -- field helpers ----------------------------------------------------------------------------


def _count(op: Op, key: str, default: int = 0) -> int:
    v = op.get(key, default)
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise OpError(f"{key} must be a non-negative whole number, got {v!r}")
    return v


def _share(op: Op, key: str, default: float | None = None) -> float | None:
    v = op.get(key, default)
    if v is None:
        return None
    if isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1:
        raise OpError(f"{key} must be a number between 0 and 1, got {v!r}")
    return float(v)


def _flag(op: Op, key: str, default: bool = False) -> bool:
    v = op.get(key, default)
    if not isinstance(v, bool):
        raise OpError(f"{key} must be true or false, got {v!r}")
    return v


def _select(ws: Workspace, op: Op) -> list[str]:
    """The units an operation names: ``unit``, ``units`` or ``select: {kind, within, function}``."""
    if "unit" in op:
        return ws.ids(op["unit"])
    if "units" in op:
        return ws.ids(op["units"])
    sel = op.get("select")
    if not isinstance(sel, dict) or not sel or set(sel) - {"kind", "within", "function"}:
        raise OpError("select must be a mapping of kind, within and/or function")
    within = sel.get("within", ws.root)
    ws.get(within, "unit (select.within)")
    kind, fn = sel.get("kind"), sel.get("function")
    out = [
        u
        for u in ws.subtree(within)
        if (kind is None or ws.units[u].kind == kind) and (fn is None or ws.units[u].function == fn)
    ]
    if not out:
        raise OpError(f"select {sel!r} matches no unit")
    return out


def _scope_bureaus(ws: Workspace, op: Op, default_kind: str | None) -> list[str]:
    scope = op.get("scope", ws.root)
    ws.get(scope, "unit (scope)")
    kind = op.get("bureaus", default_kind)
    if kind is not None and kind not in BUREAU_KINDS:
        raise OpError(f"bureaus must be a bureau kind ({', '.join(sorted(BUREAU_KINDS))})")
    found = ws.bureaus(scope, kind)
    if not found and ws.units[scope].kind in BUREAU_KINDS and "bureaus" not in op:
        found = [scope]
    if not found:
        raise OpError(f"no {kind or 'bureau'} bureau at or below {scope!r}")
    return found


# -- the operations ---------------------------------------------------------------------------


def op_merge(ws: Workspace, op: Op) -> str:
    """Merge units into one (existing or new); children, officers and GUIDES follow it."""
    srcs = ws.ids(op["units"])
    for s in srcs:
        if s == ws.root:
            raise OpError(f"cannot merge the root {s!r}")
    into = op["into"]
    if isinstance(into, str):
        target = ws.get(into, "unit (into)").id
        for s in srcs:
            if s != target and ws.is_in_subtree(target, s):
                raise OpError(f"cannot merge {s!r} into its own descendant {target!r}")
    elif isinstance(into, dict):
        parent = into.get("parent")
        if parent is None:
            parents = {ws.units[s].parent for s in srcs}
            if len(parents) != 1:
                raise OpError("the merged units have different parents; give into.parent")
            parent = parents.pop()
        parent = ws.get(parent, "parent").id
        for s in srcs:
            if ws.is_in_subtree(parent, s):
                raise OpError(f"cannot merge {s!r} into a unit under its own descendant {parent!r}")
        first = srcs[0]
        spec = dict(into)
        spec.setdefault("kind", ws.units[first].kind)
        sib = ws.children[parent]
        idx = sib.index(first) if first in sib else None
        target = ws.new_unit({**spec, "parent": parent}, index=idx).id
    else:
        raise OpError("into must be a unit id or a mapping describing the new unit")
    n = 0
    for s in srcs:
        if s != target:
            ws.absorb(s, target, merge=True)
            n += 1
    u = ws.units[target]
    return f"merged {n} unit(s) into {target} ({u.name}, {u.police} police)"


def op_split(ws: Workspace, op: Op) -> str:
    """Split a unit into parts, each with its police, auxiliaries and children."""
    uid = ws.get(op["unit"]).id
    if uid == ws.root:
        raise OpError(f"cannot split the root {uid!r}")
    parts = op["into"]
    if not isinstance(parts, list) or len(parts) < 2 or not all(isinstance(p, dict) for p in parts):
        raise OpError("into must be a list of at least two parts (mappings)")
    unit = ws.units[uid]
    ids = [p.get("id") for p in parts]
    if len(set(map(str, ids))) != len(ids):
        raise OpError("part ids must differ")
    police = [_count(p, "police") for p in parts]
    if sum(police) != unit.police:
        raise OpError(f"the parts hold {sum(police)} police but {uid!r} has {unit.police}")
    if any("auxiliaries" in p for p in parts):
        aux = [_count(p, "auxiliaries") for p in parts]
        if sum(aux) != unit.auxiliaries:
            raise OpError(
                f"the parts hold {sum(aux)} auxiliaries but {uid!r} has {unit.auxiliaries}"
            )
    else:
        aux = [unit.auxiliaries] + [0] * (len(parts) - 1)
    claimed: dict[str, str] = {}
    for p in parts:
        kids = p.get("children", [])
        if not isinstance(kids, list):
            raise OpError("a part's children must be a list of unit ids")
        for c in kids:
            if c not in ws.children[uid]:
                raise OpError(f"{c!r} is not a child of {uid!r}")
            if c in claimed:
                raise OpError(f"child {c!r} is given to two parts")
            claimed[c] = str(p.get("id"))
    parent = unit.parent
    assert parent is not None
    origin = set(ws.origins_of(uid))
    defaults = {
        k: getattr(unit, k)
        for k in ("kind", "function", "category", "leaders", "duty_roster", "community_share")
    }
    made: list[str] = []
    at = ws.children[parent].index(uid) + 1
    for p in parts:
        spec = {k: v for k, v in p.items() if k not in ("police", "auxiliaries", "children")}
        if spec.get("id") == uid:
            ws.set_attrs(unit, {k: v for k, v in spec.items() if k not in ("id", "parent")})
            if "parent" in spec:
                ws.reparent(uid, ws.get(spec["parent"], "parent").id)
            made.append(uid)
            continue
        spec = {**defaults, **spec}
        if "parent" in p:
            made.append(ws.new_unit(spec).id)
        else:
            made.append(ws.new_unit({**spec, "parent": parent}, index=at).id)
            at += 1
        ws.origins[made[-1]] = set(origin)
    for pid, n, a in zip(made, police, aux, strict=True):
        if pid != uid:
            ws.move(uid, pid, n, "police")
            ws.move(uid, pid, a, "auxiliaries")
    first = made[0]
    for c in list(ws.children[uid]):
        dest = claimed.get(c, first)
        if dest != uid:
            ws.reparent(c, dest)
    if uid not in made:
        same_fn = [m for m in made if ws.units[m].function == unit.function]
        ws.remove(uid, same_fn[0] if same_fn else first)
    return f"split {uid} into {', '.join(made)}"


def op_move(ws: Workspace, op: Op) -> str:
    """Move units (with their subtrees) under another unit."""
    units = _select(ws, op)
    to = ws.get(op["to"], "unit (to)").id
    for u in units:
        ws.reparent(u, to)
    return f"moved {len(units)} unit(s) under {to}"


def op_close(ws: Workspace, op: Op) -> str:
    """Close a unit: its officers go to ``to`` (or retire), its children to ``children_to``."""
    uid = ws.get(op["unit"]).id
    if uid == ws.root:
        raise OpError(f"cannot close the root {uid!r}")
    retire = _flag(op, "retire")
    to = op.get("to")
    if to is None and not retire:
        raise OpError("close needs 'to' (where its officers go) or 'retire: true'")
    if to is not None:
        ws.get(to, "unit (to)")
        if ws.is_in_subtree(to, uid):
            raise OpError(f"cannot close {uid!r} into its own descendant {to!r}")
    kids_to = op.get("children_to", to)
    if ws.children[uid]:
        if kids_to is None:
            raise OpError(f"{uid!r} has children; say where they go with 'children_to'")
        ws.get(kids_to, "unit (children_to)")
        if ws.is_in_subtree(kids_to, uid):
            raise OpError(f"cannot move the children of {uid!r} under its descendant {kids_to!r}")
    p, a = ws.units[uid].police, ws.units[uid].auxiliaries
    ws.move_all(uid, None if retire else to)
    for c in list(ws.children[uid]):
        assert kids_to is not None
        ws.reparent(c, kids_to)
    ws.remove(uid)
    where = "retired" if retire else f"to {to}"
    return f"closed {uid}: {p} police, {a} auxiliaries {where}"


def op_create(ws: Workspace, op: Op) -> str:
    """Create a unit, optionally staffed from a unit (``from``) or by hiring, adopting units."""
    spec = op["unit"]
    police, aux = _count(op, "police"), _count(op, "auxiliaries")
    hire = _flag(op, "hire")
    src = op.get("from")
    if (police or aux) and not hire and src is None:
        raise OpError("a new unit's officers come 'from' a unit or by 'hire: true'")
    if hire and src is not None:
        raise OpError("give either 'from' or 'hire', not both")
    if src is not None:
        ws.get(src, "unit (from)")
    adopt = ws.ids(op["adopt"]) if "adopt" in op else []
    if isinstance(spec, dict) and spec.get("parent") is not None:
        for a in adopt:
            if a in ws.units and ws.is_in_subtree(spec["parent"], a):
                raise OpError(f"the new unit's parent lies inside adopted unit {a!r}")
    u = ws.new_unit(spec)
    ws.move(None if hire else src, u.id, police, "police")
    ws.move(None if hire else src, u.id, aux, "auxiliaries")
    for a in adopt:
        ws.reparent(a, u.id)
    how = " (hired)" if hire else (f" from {src}" if src else "")
    return f"created {u.id} ({u.name}) with {police} police{how}"


def op_transfer(ws: Workspace, op: Op) -> str:
    """Transfer police and/or auxiliaries from one unit to another."""
    src = ws.get(op["from"], "unit (from)").id
    dst = ws.get(op["to"], "unit (to)").id
    if src == dst:
        raise OpError("from and to are the same unit")
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    if not p and not a:
        raise OpError("transfer needs police and/or auxiliaries")
    for field, n in (("police", p), ("auxiliaries", a)):
        have = getattr(ws.units[src], field)
        if n > have:
            raise OpError(f"cannot transfer {n} {field} from {src!r}: it has {have}")
        ws.move(src, dst, n, field)
    return f"transferred {p} police, {a} auxiliaries {src} → {dst}"


def op_hire(ws: Workspace, op: Op) -> str:
    """Hire police and/or auxiliaries into a unit (the report counts them)."""
    uid = ws.get(op["unit"]).id
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    ws.move(None, uid, p, "police")
    ws.move(None, uid, a, "auxiliaries")
    return f"hired {p} police, {a} auxiliaries into {uid}"


def op_retire(ws: Workspace, op: Op) -> str:
    """Retire police and/or auxiliaries from a unit (the report counts them)."""
    uid = ws.get(op["unit"]).id
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    for field, n in (("police", p), ("auxiliaries", a)):
        have = getattr(ws.units[uid], field)
        if n > have:
            raise OpError(f"cannot retire {n} {field} from {uid!r}: it has {have}")
        ws.move(uid, None, n, field)
    return f"retired {p} police, {a} auxiliaries from {uid}"


def op_remove_layer(ws: Workspace, op: Op) -> str:
    """Remove units as a layer: children move up to the grandparent, officers with them."""
    units = _select(ws, op)
    for u in units:
        if u == ws.root:
            raise OpError(f"cannot remove the root {u!r} as a layer")
    moved = 0
    for u in units:
        parent = ws.units[u].parent
        assert parent is not None
        at = ws.children[parent].index(u)
        kids = list(ws.children[u])
        for i, c in enumerate(kids):
            ws.reparent(c, parent, index=at + 1 + i)
        moved += len(kids)
        ws.move_all(u, parent)
        ws.remove(u)
    return f"removed {len(units)} unit(s); {moved} children moved up"


def op_set(ws: Workspace, op: Op) -> str:
    """Set attributes (name, kind, function, category, leaders, duty_roster, …) of units."""
    attrs = op["attrs"]
    if not isinstance(attrs, dict) or not attrs:
        raise OpError("attrs must be a non-empty mapping")
    units = _select(ws, op)
    for u in units:
        ws.set_attrs(ws.units[u], attrs)
    return f"set {', '.join(attrs)} on {len(units)} unit(s)"


def op_apply_template(ws: Workspace, op: Op) -> str:
    """For every bureau in scope, merge its departments into the template's large ones."""
    try:
        tpl = load_template(op["template"], base_dir=ws.base_dir, catalogue=ws.catalogue)
    except OpError:
        raise
    except Exception as e:  # InputError from the template file
        raise OpError(str(e)) from None
    mapping = tpl.mapping()
    bureaus = _scope_bureaus(ws, op, tpl.applies_to)
    before = after = 0
    for b in bureaus:
        groups: dict[str, list[str]] = {}
        for c in ws.children[b]:
            u = ws.units[c]
            if u.kind not in ORGAN_KINDS or u.function is None:
                continue
            d = mapping.get(u.function)
            if d is None:
                raise OpError(
                    f"template {tpl.id!r} maps no large department for function "
                    f"{u.function!r} (unit {c!r} of bureau {b!r})"
                )
            groups.setdefault(d.code, []).append(c)
        if not groups:
            continue
        # The large departments take the place of the first department, in template order.
        first = min(ws.children[b].index(m) for ms in groups.values() for m in ms)
        made: list[tuple[str, list[str]]] = []
        for d in tpl.departments:
            members = groups.get(d.code)
            if not members:
                continue
            before += len(members)
            after += 1
            new_id = tpl.id_pattern.format(bureau=b, code=d.code)
            roster = d.duty_roster
            if roster is None and any(ws.units[m].duty_roster for m in members):
                roster = True
            attrs = {
                "name": d.name,
                "kind": d.kind,
                "function": d.code,
                "category": d.category or ws.catalogue[d.code].category,
                "leaders": d.leaders,
                "duty_roster": roster,
                "community_share": None,
            }
            at = first + len(made)
            if new_id in members:
                ws.set_attrs(ws.units[new_id], attrs)
                ws.reparent(new_id, b, index=at)
            else:
                ws.new_unit({"id": new_id, "parent": b, **attrs}, index=at)
            made.append((new_id, members))
        for target, members in made:
            for m in members:
                if m != target:
                    ws.absorb(m, target, merge=True)
    return (
        f"template {tpl.id}: {len(bureaus)} bureau(s), {before} departments → {after} "
        "large departments"
    )


def _stations_of(ws: Workspace, b: str) -> list[str]:
    return ws.own_units(b, ("station",))


def _community_unit(ws: Workspace, station: str) -> str:
    for c in ws.children[station]:
        if ws.units[c].kind == "team" and ws.units[c].function == "community_policing":
            return c
    return station


def op_sink(ws: Workspace, op: Op) -> str:
    """警力下沉: move a share of each bureau's organ officers down to its stations."""
    share = _share(op, "share")
    fixed = _count(op, "police") if "police" in op else None
    if (share is None) == (fixed is None):
        raise OpError("give either share (of organ police) or police (per bureau)")
    aux_share = _share(op, "auxiliaries_share", 0.0) or 0.0
    rule = op.get("rule", "proportional")
    if rule not in ("proportional", "even", "weights"):
        raise OpError(f"rule must be proportional, even or weights, got {rule!r}")
    weights = op.get("weights")
    if (rule == "weights") != (weights is not None):
        raise OpError("rule: weights needs a 'weights' mapping (station id → weight), and only it")
    if weights is not None and (
        not isinstance(weights, dict)
        or not all(isinstance(w, int | float) and w >= 0 for w in weights.values())
    ):
        raise OpError("weights must map station ids to non-negative numbers")
    land = op.get("land", "station")
    if land not in ("station", "community"):
        raise OpError(f"land must be station or community, got {land!r}")
    keep_leaders = _flag(op, "keep_leaders", True)
    bureaus = _scope_bureaus(ws, op, "county")
    moved_p = moved_a = 0
    for b in bureaus:
        organ = [b, *ws.own_units(b, ORGAN_KINDS)]
        stations = _stations_of(ws, b)
        if not stations:
            raise OpError(f"bureau {b!r} has no stations to sink officers to")
        if weights is not None:
            unknown = [s for s in weights if s not in stations]
            if unknown:
                raise OpError(f"weights name units that are not stations of {b!r}: {unknown}")
            w = [float(weights.get(s, 0)) for s in stations]
        elif rule == "even":
            w = [1.0] * len(stations)
        else:
            w = [float(sum(ws.units[x].police for x in ws.subtree(s))) for s in stations]
        keep = {u: ws.leader_posts(u) for u in organ} if keep_leaders else {}
        total = sum(ws.units[u].police for u in organ)
        want = fixed if fixed is not None else round((share or 0.0) * total)
        try:
            picks = ws.draw(organ, want, "police", keep)
        except OpError as e:
            raise OpError(f"bureau {b!r}: {e}") from None
        dests = [_community_unit(ws, s) if land == "community" else s for s in stations]
        _pour(ws, picks, dests, largest_remainder(w, want), "police")
        moved_p += want
        if aux_share:
            atotal = sum(ws.units[u].auxiliaries for u in organ)
            awant = round(aux_share * atotal)
            apicks = ws.draw(organ, awant, "auxiliaries")
            _pour(ws, apicks, dests, largest_remainder(w, awant), "auxiliaries")
            moved_a += awant
    return f"sank {moved_p} police, {moved_a} auxiliaries to stations in {len(bureaus)} bureau(s)"


def _pour(
    ws: Workspace, picks: list[tuple[str, int]], dests: list[str], quotas: list[int], field: str
) -> None:
    """Pair officers drawn from sources with destination quotas, in order."""
    si = 0
    left = [k for _, k in picks]
    for d, q in zip(dests, quotas, strict=True):
        while q:
            while left[si] == 0:
                si += 1
            k = min(q, left[si])
            ws.move(picks[si][0], d, k, field)
            left[si] -= k
            q -= k


_TEAM_ROLES = (
    ("community_policing", "team", "社区警务队", "community"),
    ("case_handling", "team", "案件办理队", "cases"),
    ("station_command", "office", "综合指挥室", "office"),
)


def op_two_teams_one_office(ws: Workspace, op: Op) -> str:
    """两队一室: rebuild stations as 社区警务队 + 案件办理队 + 综合指挥室.

    The station keeps its leaders (``keep``, default its leader posts); the office takes
    ``office`` officers (default 3) and runs the station's 24/7 roster; the community team gets
    enough officers for the community team and posts to hold ``community_share`` of the
    station (default 0.6); the case team takes the rest. Community posts move under the
    community team; the station's auxiliaries go to the community team.
    """
    if "unit" in op or "units" in op or "select" in op:
        stations = _select(ws, op)
    else:
        stations = [u for u in ws.subtree(ws.root) if ws.units[u].kind == "station"]
    for s in stations:
        if ws.units[s].kind != "station":
            raise OpError(f"{s!r} is a {ws.units[s].kind}, not a station")
    cs = _share(op, "community_share", 0.6) or 0.0
    office_n = _count(op, "office", 3)
    keep_opt = _count(op, "keep") if "keep" in op else None
    for s in stations:
        st = ws.units[s]
        role_unit: dict[str, str] = {}
        for c in list(ws.children[s]):
            u = ws.units[c]
            for fn, kind, _, _ in _TEAM_ROLES:
                if u.kind == kind and u.function == fn and fn not in role_unit:
                    role_unit[fn] = c
        for i, (fn, kind, name, suffix) in enumerate(_TEAM_ROLES):
            if fn not in role_unit:
                spec = {"id": f"{s}-{suffix}", "name": name, "kind": kind, "function": fn}
                role_unit[fn] = ws.new_unit(spec, parent=s, index=i).id
        comm, cases, office = (role_unit[fn] for fn, *_ in _TEAM_ROLES)
        for x in list(ws.subtree(s)):
            if ws.units[x].kind == "community_post" and not ws.is_in_subtree(x, comm):
                ws.reparent(x, comm)
        total = sum(ws.units[x].police for x in ws.subtree(s))
        keep = min(st.police, keep_opt if keep_opt is not None else ws.leader_posts(s))
        free = st.police - keep
        to_office = min(office_n, free)
        ws.move(s, office, to_office, "police")
        free -= to_office
        have_comm = sum(ws.units[u].police for u in ws.subtree(comm))
        to_comm = min(free, max(0, round(cs * total) - have_comm))
        ws.move(s, comm, to_comm, "police")
        ws.move(s, cases, free - to_comm, "police")
        ws.move(s, comm, st.auxiliaries, "auxiliaries")
        st.duty_roster = False
    return f"rebuilt {len(stations)} station(s) as 两队一室"


def _bureau_functions(ws: Workspace, b: str) -> dict[str, str]:
    """Function → department id of a bureau's own departments (first one per function)."""
    out: dict[str, str] = {}
    for u in ws.own_units(b, ORGAN_KINDS):
        f = ws.units[u].function
        if f is not None and f not in out:
            out[f] = u
    return out


def op_mirror(ws: Workspace, op: Op) -> str:
    """上下对口 (the reverse reform): give each bureau a counterpart of every parent department.

    Each new department gets ``police`` officers (default: the department norm's leader and
    admin posts, else 3) drawn from ``pool``: ``stations`` (default), ``organ`` (the bureau's
    existing departments) or ``hire``; a GUIDES edge links it to the parent's department.
    """
    pool = op.get("pool", "stations")
    if pool not in ("stations", "organ", "hire"):
        raise OpError(f"pool must be stations, organ or hire, got {pool!r}")
    if "police" in op:
        n = _count(op, "police")
    elif ws.norms is not None:
        n = ws.norms["department"].leaders + ws.norms["department"].admin
    else:
        n = 3
    add_guides = _flag(op, "guides", True)
    bureaus = _scope_bureaus(ws, op, "county")
    made = 0
    for b in bureaus:
        parent_b = ws.bureau_of(ws.units[b].parent)
        if parent_b is not None:
            upper = _bureau_functions(ws, parent_b)
        elif b == ws.root and ws.base.parent_bureau is not None:
            upper = dict.fromkeys(ws.base.parent_bureau.functions, "")
        else:
            continue
        own = _bureau_functions(ws, b)
        missing = [f for f in upper if f not in own and f in ws.catalogue]
        if pool == "stations":
            sources = _stations_of(ws, b)
        elif pool == "organ":
            sources = list(own.values())
        else:
            sources = []
        if pool != "hire":
            try:
                picks = ws.draw(sources, n * len(missing), "police")
            except OpError as e:
                raise OpError(f"bureau {b!r}: pool {pool}: {e}") from None
        for f in missing:
            fn = ws.catalogue[f]
            suffix = "室" if fn.category == "management" else "大队"
            new = ws.new_unit(
                {"id": f"{b}-{f}", "name": fn.name + suffix, "kind": "department", "function": f},
                parent=b,
            ).id
            made += 1
            if pool == "hire":
                ws.move(None, new, n, "police")
            if add_guides and upper[f]:
                ws.guides[(upper[f], new)] = None
            if pool != "hire" and n:
                _pour(ws, picks, [new], [n], "police")
                picks = _left(picks, n)
    return f"mirrored {made} department(s) in {len(bureaus)} bureau(s) ({n} police each)"


def _left(picks: list[tuple[str, int]], used: int) -> list[tuple[str, int]]:
    out = []
    for s, k in picks:
        d = min(used, k)
        used -= d
        if k - d:
            out.append((s, k - d))
    return out


OPERATIONS: dict[str, Callable[[Workspace, Op], str]] = {
    "merge": op_merge,
    "split": op_split,
    "move": op_move,
    "close": op_close,
    "create": op_create,
    "transfer": op_transfer,
    "hire": op_hire,
    "retire": op_retire,
    "remove_layer": op_remove_layer,
    "set": op_set,
    "apply_template": op_apply_template,
    "sink": op_sink,
    "two_teams_one_office": op_two_teams_one_office,
    "mirror": op_mirror,
}

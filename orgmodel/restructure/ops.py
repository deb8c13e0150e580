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

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

import numpy as np

from orgmodel.i18n import join_list, lazy
from orgmodel.model import (
    BUREAU_KINDS,
    DEPARTMENT_KINDS,
    GROUP_KINDS,
    KIND_NAMES,
    KINDS,
    Unit,
    field_text,
)
from orgmodel.restructure.select import resolve_units, show_ref
from orgmodel.restructure.templates import LargeDepartment, Template, load_template
from orgmodel.restructure.workspace import (
    ORGAN_KINDS,
    OpError,
    Workspace,
    check_unit_fields,
    largest_remainder,
)

__all__ = ["OPERATIONS"]

Op = Mapping[str, Any]


# -- field helpers ----------------------------------------------------------------------------
# The plan models (orgmodel.restructure.plan) have checked every field's type and range, and
# apply_plan checks each operation against its model again: these only read, with defaults.


def _count(op: Op, key: str, default: int = 0) -> int:
    return int(op.get(key, default))


def _share(op: Op, key: str, default: float | None = None) -> float | None:
    v = op.get(key, default)
    return None if v is None else float(v)


def _flag(op: Op, key: str, default: bool = False) -> bool:
    return bool(op.get(key, default))


def _select(ws: Workspace, op: Op) -> list[str]:
    """The units an operation names: ``unit``, ``units`` or ``select`` (a unit reference)."""
    for key in ("unit", "units", "select"):
        if key in op:
            return resolve_units(ws, op[key], key)
    raise OpError(lazy("say which units: 'unit', 'units' or 'select'"))


def _one(ws: Workspace, ref: Any, what: str) -> str:
    """A reference that must name exactly one unit."""
    found = resolve_units(ws, ref, what)
    if len(found) != 1:
        raise OpError(
            lazy(
                "{what} must name one unit; {show_ref} names {n}",
                what=what,
                show_ref=show_ref(ref),
                n=len(found),
            )
        )
    return found[0]


def _scope_bureaus(ws: Workspace, op: Op, default_kind: str | None) -> list[str]:
    """The bureaus a per-bureau operation acts on: ``bureaus`` (a kind or a reference) in
    ``scope``; by default the bureaus of ``default_kind`` (or ``scope`` itself, if a bureau)."""
    scope = op.get("scope", ws.root)
    ws.get(scope, "unit (scope)")
    sel = op.get("bureaus", default_kind)
    if sel is None or (isinstance(sel, str) and sel in BUREAU_KINDS):
        found = ws.bureaus(scope, sel)
        if not found and ws.units[scope].kind in BUREAU_KINDS and "bureaus" not in op:
            found = [scope]
        if not found:
            raise OpError(
                lazy(
                    "no {value} bureau at or below {label}",
                    value=sel or "bureau",
                    label=ws.label(scope),
                )
            )
        return found
    found = [b for b in resolve_units(ws, sel, "bureaus") if ws.is_in_subtree(b, scope)]
    for b in found:
        if ws.units[b].kind not in BUREAU_KINDS:
            raise OpError(
                lazy(
                    "bureaus: {label} is a {kind}, not a bureau",
                    label=ws.label(b),
                    kind=ws.units[b].kind,
                )
            )
    if not found:
        raise OpError(
            lazy(
                "bureaus: {show_ref} names no bureau at or below {label}",
                show_ref=show_ref(sel),
                label=ws.label(scope),
            )
        )
    return found


def _distribution(
    ws: Workspace, op: Op, dests: list[str], default: str = "proportional"
) -> list[float]:
    """Weights of destination units under the operation's ``rule`` (and ``weights``).

    ``proportional``: police of each unit's subtree; ``people``: police and auxiliaries;
    ``establishment``: the unit's 编制; ``even``; ``weights``: ``{unit id: weight}`` (any
    figure the file does not hold: population, calls for service …).
    """
    weights = op.get("weights")
    rule = op.get("rule") or ("weights" if weights is not None else default)
    if rule == "even":
        return [1.0] * len(dests)
    if rule == "weights":
        assert isinstance(weights, dict)
        unknown = sorted(set(weights) - set(dests))
        if unknown:
            raise OpError(
                lazy(
                    "weights name units that do not receive officers here: {unknown}",
                    unknown=unknown,
                )
            )
        missing = [d for d in dests if d not in weights]
        if missing:
            raise OpError(
                lazy(
                    "weights give no weight for {labels}, which receive officers here: give every receiving unit a weight (0 for none)",
                    labels="、".join(ws.label(d) for d in missing[:6])
                    + (f" 等 {len(missing)} 个" if len(missing) > 6 else ""),
                )
            )
        w = [float(weights[d]) for d in dests]
    elif rule == "establishment":
        w = [float(ws.units[d].establishment or 0) for d in dests]
    else:
        field = ("police",) if rule == "proportional" else ("police", "auxiliaries")
        w = [
            float(sum(getattr(ws.units[x], f) for x in ws.subtree(d) for f in field)) for d in dests
        ]
    if rule in ("weights", "establishment") and dests and not any(w):
        raise OpError(lazy("rule {rule}: every receiving unit has weight 0", rule=rule))
    return w


# -- the operations ---------------------------------------------------------------------------


def op_merge(ws: Workspace, op: Op) -> str:
    """Merge units into one (existing or new); children, officers and GUIDES follow it."""
    srcs = resolve_units(ws, op["units"], "units")
    for s in srcs:
        if s == ws.root:
            raise OpError(lazy("cannot merge the root {s!r}", s=s))
    into = op["into"]
    if isinstance(into, str):
        target = ws.get(into, "unit (into)").id
        for s in srcs:
            if s != target and ws.is_in_subtree(target, s):
                raise OpError(
                    lazy(
                        "cannot merge {s!r} into its own descendant {target!r}", s=s, target=target
                    )
                )
    elif isinstance(into, dict):
        parent = into.get("parent")
        if parent is None:
            parents = {ws.units[s].parent for s in srcs}
            if len(parents) != 1:
                raise OpError(lazy("the merged units have different parents; give into.parent"))
            parent = parents.pop()
        parent = ws.get(parent, "parent").id
        for s in srcs:
            if parent == s:
                raise OpError(
                    lazy(
                        "into.parent {s!r} is one of the units merged: the merged unit cannot "
                        "sit under a unit that the merge removes",
                        s=s,
                    )
                )
            if ws.is_in_subtree(parent, s):
                raise OpError(
                    lazy(
                        "cannot merge {s!r} into a unit under its own descendant {parent!r}",
                        s=s,
                        parent=parent,
                    )
                )
        first = srcs[0]
        spec = dict(into)
        spec.setdefault("kind", ws.units[first].kind)
        if "function" not in spec and not any(ws.units[s].kind in GROUP_KINDS for s in srcs):
            # The new unit does the merged units' work: their function when they share one.
            # Units of different functions would leave it with none, moving their officers
            # to another category and out of the 上下对口 count without a word: refused.
            functions = {ws.units[s].function for s in srcs}
            if len(functions) != 1:
                raise OpError(
                    lazy(
                        "the merged units have different functions ({functions}); give "
                        "into.function",
                        functions=join_list(
                            f"{ws.label(s)} {ws.units[s].function or '—'}" for s in srcs
                        ),
                    )
                )
            spec["function"] = functions.pop()
        sib = ws.children[parent]
        idx = sib.index(first) if first in sib else None
        target = ws.new_unit({**spec, "parent": parent}, index=idx).id
    else:
        raise OpError(lazy("into must be a unit id or a mapping describing the new unit"))
    merged = [s for s in srcs if s != target]
    _same_side_of_group(ws, merged, target)
    names = ws.labels(merged)
    for s in merged:
        ws.absorb(s, target, merge=True)
    u = ws.units[target]
    return f"合并 {len(merged)} 个机构（{names}）入 {ws.label(target)}，民警 {u.police} 人"


def _same_side_of_group(ws: Workspace, merged: list[str], target: str) -> None:
    """A group (片区/体系) merges only with groups: it is a command layer with no officers
    or posts, so merged with a department or a station it would make that unit head the
    group's stations (or the group take officers)."""
    units = [*merged, target]
    groups = [u for u in units if ws.units[u].kind in GROUP_KINDS]
    if groups and len(groups) != len(units):
        other = next(u for u in units if ws.units[u].kind not in GROUP_KINDS)
        kind = ws.units[other].kind
        raise OpError(
            lazy(
                "cannot merge the group {group} with {other} ({kind_name}): a group (片区/体系) is a command layer with no officers, it merges only with groups; to dissolve it, use remove_layer",
                group=ws.label(groups[0]),
                other=ws.label(other),
                kind_name=KIND_NAMES.get(kind, kind),
            )
        )


_NUMERALS = "一二三四五六七八九十"


def _part_name(name: str, k: int) -> str:
    return f"{name}{_NUMERALS[k - 1]}" if k <= len(_NUMERALS) else f"{name}{k}"


def op_split(ws: Workspace, op: Op) -> str:
    """Split a unit into parts (listed, N equal parts or by shares), with officers and children."""
    uid = _one(ws, op["unit"], "unit")
    if uid == ws.root:
        raise OpError(lazy("cannot split the root {uid!r}", uid=uid))
    unit = ws.units[uid]
    raw = op["into"]
    if isinstance(raw, int) and not isinstance(raw, bool):
        if raw < 2:
            raise OpError(lazy("into must be at least 2 parts"))
        parts: list[dict[str, Any]] = [
            {"id": f"{uid}-{k}", "name": _part_name(unit.name, k)} for k in range(1, raw + 1)
        ]
    elif isinstance(raw, list) and len(raw) >= 2 and all(isinstance(p, dict) for p in raw):
        parts = [dict(p) for p in raw]
    else:
        raise OpError(lazy("into must be a number of parts or a list of at least two parts"))
    shares = op.get("shares")
    weights = [float(x) for x in shares] if shares is not None else [1.0] * len(parts)
    given = ["police" in p for p in parts]
    if all(given):
        police = [_count(p, "police") for p in parts]
        if sum(police) != unit.police:
            raise OpError(
                lazy(
                    "the parts hold {sum} police but {uid!r} has {police}",
                    sum=sum(police),
                    uid=uid,
                    police=unit.police,
                )
            )
    else:
        police = largest_remainder(weights, unit.police)
    if any("auxiliaries" in p for p in parts):
        aux = [_count(p, "auxiliaries") for p in parts]
        if sum(aux) != unit.auxiliaries:
            raise OpError(
                lazy(
                    "the parts hold {sum} auxiliaries but {uid!r} has {auxiliaries}",
                    sum=sum(aux),
                    uid=uid,
                    auxiliaries=unit.auxiliaries,
                )
            )
    elif all(given):
        aux = [unit.auxiliaries] + [0] * (len(parts) - 1)
    else:
        aux = largest_remainder(weights, unit.auxiliaries)
    claimed: dict[str, str] = {}
    for p in parts:
        kids = p.get("children", [])
        if not isinstance(kids, list):
            raise OpError(lazy("a part's children must be a list of unit ids"))
        for c in kids:
            if c not in ws.children[uid]:
                raise OpError(lazy("{c!r} is not a child of {uid!r}", c=c, uid=uid))
            if c in claimed:
                raise OpError(lazy("child {c!r} is given to two parts", c=c))
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
    name = unit.name
    if uid not in made:
        same_fn = [m for m in made if ws.units[m].function == unit.function]
        ws.remove(uid, same_fn[0] if same_fn else first)
    shown = "、".join(f"{ws.units[m].name} {n} 人" for m, n in zip(made, police, strict=True))
    return f"拆分 {name}（{uid}）为 {len(made)} 个机构：{shown}"


def op_move(ws: Workspace, op: Op) -> str:
    """Move units (with their subtrees) under another unit."""
    units = _select(ws, op)
    to = _one(ws, op["to"], "to")
    for u in units:
        ws.reparent(u, to)
    return f"{ws.labels(units)} 改隶 {ws.label(to)}"


def op_close(ws: Workspace, op: Op) -> str:
    """Close a unit: its officers go to ``to`` (one unit or several, by ``rule``) or retire;
    its children go to ``children_to``."""
    uid = _one(ws, op["unit"], "unit")
    if uid == ws.root:
        raise OpError(lazy("cannot close the root {uid!r}", uid=uid))
    retire = _flag(op, "retire")
    name = ws.units[uid].name
    p, a = ws.units[uid].police, ws.units[uid].auxiliaries
    to_ref = op.get("to")
    targets = resolve_units(ws, to_ref, "to") if to_ref is not None else []
    if not targets and not retire and (p or a or "children_to" not in op):
        raise OpError(lazy("close needs 'to' (where its officers go) or 'retire: true'"))
    for t in targets:
        if ws.is_in_subtree(t, uid):
            raise OpError(lazy("cannot close {uid!r} into its own descendant {t!r}", uid=uid, t=t))
    if "children_to" in op:
        kids_to: str | None = _one(ws, op["children_to"], "children_to")
    else:
        kids_to = targets[0] if len(targets) == 1 else None
    if ws.children[uid]:
        if kids_to is None:
            raise OpError(
                lazy("{uid!r} has children; say where they go with 'children_to'", uid=uid)
            )
        if ws.is_in_subtree(kids_to, uid):
            raise OpError(
                lazy(
                    "cannot move the children of {uid!r} under its descendant {kids_to!r}",
                    uid=uid,
                    kids_to=kids_to,
                )
            )
    if retire:
        ws.move_all(uid, None)
    elif len(targets) == 1:
        ws.move_all(uid, targets[0])
    elif targets:
        w = _distribution(ws, op, targets)
        for field, n in (("police", p), ("auxiliaries", a)):
            for t, q in zip(targets, largest_remainder(w, n), strict=True):
                ws.move(uid, t, q, field)
    for c in list(ws.children[uid]):
        assert kids_to is not None
        ws.reparent(c, kids_to)
    ws.remove(uid)
    where = "减员" if retire else f"调往 {ws.labels(targets)}" if targets else "无警力"
    return f"撤销 {name}（{uid}）：民警 {p} 人、辅警 {a} 人{where}"


def op_create(ws: Workspace, op: Op) -> str:
    """Create a unit, optionally staffed from a unit (``from``) or by hiring, adopting units."""
    spec = op["unit"]
    police, aux = _count(op, "police"), _count(op, "auxiliaries")
    hire = _flag(op, "hire")
    src_ref = op.get("from")
    src = _one(ws, src_ref, "from") if src_ref is not None else None
    adopt = resolve_units(ws, op["adopt"], "adopt") if "adopt" in op else []
    if isinstance(spec, dict) and spec.get("parent") is not None:
        for a in adopt:
            if a in ws.units and ws.is_in_subtree(spec["parent"], a):
                raise OpError(lazy("the new unit's parent lies inside adopted unit {a!r}", a=a))
    u = ws.new_unit(spec)
    ws.move(None if hire else src, u.id, police, "police")
    ws.move(None if hire else src, u.id, aux, "auxiliaries")
    for a in adopt:
        ws.reparent(a, u.id)
    how = "（新招录）" if hire else (f"，来自 {ws.label(src)}" if src else "")
    return f"新设 {ws.label(u.id)}，民警 {police} 人{how}"


def op_transfer(ws: Workspace, op: Op) -> str:
    """Transfer police and/or auxiliaries from one or several units to one or several."""
    srcs = resolve_units(ws, op["from"], "from")
    dsts = resolve_units(ws, op["to"], "to")
    same = [u for u in dsts if u in srcs]
    if same:
        raise OpError(
            lazy(
                "from and to name the same unit: {labels}",
                labels="、".join(ws.label(u) for u in same[:6]),
            )
        )
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    w = _distribution(ws, op, dsts) if len(dsts) > 1 else [1.0]
    for field, n in (("police", p), ("auxiliaries", a)):
        if len(srcs) == 1:
            have = getattr(ws.units[srcs[0]], field)
            if n > have:
                raise OpError(
                    lazy(
                        "cannot transfer {n} {field} from {value!r}: it has {have}",
                        n=n,
                        field=field_text(field),
                        value=srcs[0],
                        have=have,
                    )
                )
            picks = [(srcs[0], n)] if n else []
        else:
            picks = ws.draw(srcs, n, field)
        _pour(ws, picks, dsts, largest_remainder(w, n), field)
    return f"{ws.labels(srcs)} 调出民警 {p} 人、辅警 {a} 人 → {ws.labels(dsts)}"


def op_hire(ws: Workspace, op: Op) -> str:
    """Hire police and/or auxiliaries into a unit (the report counts them)."""
    uid = _one(ws, op["unit"], "unit")
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    ws.move(None, uid, p, "police")
    ws.move(None, uid, a, "auxiliaries")
    return f"{ws.label(uid)} 新招录民警 {p} 人、辅警 {a} 人"


def op_retire(ws: Workspace, op: Op) -> str:
    """Retire police and/or auxiliaries from a unit (the report counts them)."""
    uid = _one(ws, op["unit"], "unit")
    p, a = _count(op, "police"), _count(op, "auxiliaries")
    for field, n in (("police", p), ("auxiliaries", a)):
        have = getattr(ws.units[uid], field)
        if n > have:
            raise OpError(
                lazy(
                    "cannot retire {n} {field} from {uid!r}: it has {have}",
                    n=n,
                    field=field_text(field),
                    uid=uid,
                    have=have,
                )
            )
        ws.move(uid, None, n, field)
    return f"{ws.label(uid)} 减员民警 {p} 人、辅警 {a} 人"


def op_remove_layer(ws: Workspace, op: Op) -> str:
    """Remove units as a layer: children move up to the grandparent, officers with them."""
    units = _select(ws, op)
    for u in units:
        if u == ws.root:
            raise OpError(lazy("cannot remove the root {u!r} as a layer", u=u))
    names = ws.labels(units)
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
    return f"撤销层级 {names}，{moved} 个下级机构上移一级"


def op_set(ws: Workspace, op: Op) -> str:
    """Set attributes (name, kind, function, category, leaders, duty_roster, …) of units."""
    attrs = op["attrs"]
    units = _select(ws, op)
    names = ws.labels(units)
    for u in units:
        ws.set_attrs(ws.units[u], attrs)
    if list(attrs) == ["name"] and len(units) == 1:
        return f"{names} 更名为 {attrs['name']}"
    return f"{names}：修改 {'、'.join(attrs)}"


def op_apply_template(ws: Workspace, op: Op) -> str:
    """For every bureau in scope, merge its departments into the template's large ones."""
    try:
        tpl = load_template(op["template"], base_dir=ws.base_dir, catalogue=ws.catalogue)
    except OpError:
        raise
    except Exception as e:  # InputError from the template file
        raise OpError(str(e)) from None
    mapping = tpl.mapping()
    keep = op.get("keep_unmapped")
    keep_unmapped = tpl.keep_unmapped if keep is None else _flag(op, "keep_unmapped")
    bureaus = _scope_bureaus(ws, op, tpl.applies_to)
    before = after = 0
    checked: dict[tuple[str, bool | None], bool] = {}
    large = _large_by_row(ws, tpl)
    for b in bureaus:
        groups: dict[str, list[str]] = {}
        sib = ws.kids(b)
        for c, k in zip(sib, _kid_codes(ws, b, sib, large), strict=True):
            if k >= 0:
                groups.setdefault(tpl.departments[k].code, []).append(c)
                continue
            if k == -1:
                continue
            fn = ws.function_of(c)
            if fn is None or ws.kind_of(c) not in ORGAN_KINDS:
                continue
            d = mapping.get(fn)
            if d is None:
                if keep_unmapped:
                    continue
                raise OpError(
                    lazy(
                        "template {id!r} maps no large department for function {function!r} (unit {c!r} of bureau {b!r}); map it, or keep such departments with keep_unmapped: true",
                        id=tpl.id,
                        function=fn,
                        c=c,
                        b=b,
                    )
                )
            groups.setdefault(d.code, []).append(c)
        if not groups:
            continue
        # The large departments take the place of the first department, in template order.
        place = {c: j for j, c in enumerate(sib)}
        first = min(place[m] for ms in groups.values() for m in ms)
        plan: list[tuple[LargeDepartment, str, list[str], bool | None]] = []
        for d in tpl.departments:
            members = groups.get(d.code)
            if not members:
                continue
            before += len(members)
            after += 1
            plan.append((d, tpl.id_pattern.format(bureau=b, code=d.code), members, d.duty_roster))
        if ws.fresh_for_template(b, [(new_id, members) for _d, new_id, members, _r in plan]):
            _template_fresh(ws, b, first, plan, checked)
        else:
            _template_one_by_one(ws, b, first, plan)
    who = ws.labels(bureaus)
    return f"按模板「{tpl.name or tpl.id}」整合 {who}：{before} 个内设机构 → {after} 个大部门"


def _large_by_row(ws: Workspace, tpl: Template) -> np.ndarray:
    """For every base row: the index in ``tpl.departments`` of the large department that
    takes it, ``-1`` when it is not a department or centre with a function, ``-2`` when
    its function is not mapped."""
    cols = ws.base.columns
    where = {d.code: j for j, d in enumerate(tpl.departments)}
    mapping = tpl.mapping()
    by_fn = np.array(
        [where[mapping[f].code] if f in mapping else -2 for f in cols.functions] + [-1],
        dtype=np.int64,
    )
    organ = np.zeros(len(KINDS), dtype=bool)
    organ[[KINDS.index(k) for k in ORGAN_KINDS]] = True
    fn = np.where(cols.function >= 0, cols.function, len(cols.functions))
    return np.where(organ[cols.kind], by_fn[fn], -1)


def _kid_codes(ws: Workspace, b: str, kids: list[str], large: np.ndarray) -> list[int]:
    """:func:`_large_by_row` of each of ``kids`` (a bureau's children) that the plan has
    not touched; ``-3`` for the others (to be read one by one)."""
    base = ws.base
    own = ws.units.own
    rb = base.index.get(b)
    if rb is not None and b not in ws.children.own:
        t = base._tree
        codes: list[int] = large[t.kids[t.starts[rb] : t.starts[rb + 1]]].tolist()
    else:
        index = base.index
        rows = np.array([index.get(c, -1) for c in kids], dtype=np.int64)
        codes = np.where(rows >= 0, large[rows], -3).tolist()
    if own:
        codes = [-3 if c in own else k for c, k in zip(kids, codes, strict=True)]
    return codes


def _large_attrs(ws: Workspace, d: LargeDepartment, roster: bool | None) -> dict[str, Any]:
    return {
        "name": d.name,
        "kind": d.kind,
        "function": d.code,
        "category": d.category or ws.catalogue[d.code].category,
        "leaders": d.leaders,
        "duty_roster": roster,
        "community_share": None,
    }


def _template_one_by_one(
    ws: Workspace,
    b: str,
    first: int,
    plan: list[tuple[LargeDepartment, str, list[str], bool | None]],
) -> None:
    """A template on one bureau, unit by unit through the workspace's operations."""
    made: list[tuple[str, list[str]]] = []
    for d, new_id, members, roster in plan:
        if roster is None and any(ws.units[m].duty_roster for m in members):
            roster = True
        attrs = _large_attrs(ws, d, roster)
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


def _template_fresh(
    ws: Workspace,
    b: str,
    first: int,
    plan: list[tuple[LargeDepartment, str, list[str], bool | None]],
    checked: dict[tuple[str, bool | None], bool],
) -> None:
    """:func:`_template_one_by_one` for a bureau whose departments the plan has not
    touched (:meth:`Workspace.fresh_for_template`): the same working copy, books and
    order, read from the base's columns without a record per department folded."""
    index = ws.base.index
    roster_col = ws.base.columns.duty_roster
    made: list[tuple[str, dict[str, Any], list[str]]] = []
    for d, new_id, members, roster in plan:
        if roster is None and any(roster_col[index[m]] == 1 for m in members):
            roster = True
        attrs = _large_attrs(ws, d, roster)
        key = (d.code, roster)
        ok = checked.get(key)
        if ok is None:
            # What set_attrs checks: the attributes are the template's (an existing unit of
            # the new id keeps only its officers and establishment, both valid already).
            ok = checked[key] = not check_unit_fields(Unit(id=new_id, parent=b, **attrs), ws)
        if not ok:  # the workspace's own checks name the problem, as they always did
            _template_one_by_one(ws, b, first, plan)
            return
        made.append((new_id, attrs, members))
    ws.fold_template(b, first, made)


def _stations_of(ws: Workspace, b: str) -> list[str]:
    return ws.own_units(b, ("station",))


def _stations_below(ws: Workspace, b: str) -> list[str]:
    """A bureau's own stations; for a bureau with none (a city), the stations of the
    bureaus below it (cross-level 警力下沉)."""
    own = _stations_of(ws, b)
    if own:
        return own
    return [u for u in ws.subtree(b) if ws.units[u].kind == "station"]


def _community_unit(ws: Workspace, station: str) -> str:
    for c in ws.children[station]:
        if ws.units[c].kind == "team" and ws.units[c].function == "community_policing":
            return c
    return station


def op_sink(ws: Workspace, op: Op) -> str:
    """警力下沉: move organ officers down to stations.

    Per bureau (``bureaus``/``scope``, default every county bureau): from the bureau's organs
    (``from`` narrows them) to its stations (``to`` narrows them; a bureau without stations of
    its own — a city — sinks to the stations of the bureaus below it). With ``from`` and no
    ``bureaus``/``scope``: one pool, from the units named to ``to`` (default: every station
    below the bureaus those units belong to).
    """
    share = _share(op, "share")
    fixed = _count(op, "police") if "police" in op else None
    aux_share = _share(op, "auxiliaries_share", 0.0) or 0.0
    land = op.get("land", "station")
    keep_leaders = _flag(op, "keep_leaders", True)
    src_filter = set(resolve_units(ws, op["from"], "from")) if "from" in op else None
    dst_filter = resolve_units(ws, op["to"], "to") if "to" in op else None
    for d in dst_filter or ():
        if ws.units[d].kind in GROUP_KINDS:
            raise OpError(lazy("to: {label} is a group; it holds no officers", label=ws.label(d)))
    pooled = src_filter is not None and "bureaus" not in op and "scope" not in op
    rounds: list[tuple[str, list[str], list[str]]] = []
    if pooled:
        assert src_filter is not None
        srcs = [u for u in ws.subtree(ws.root) if u in src_filter]
        if dst_filter is None:
            tops = {ws.bureau_of(s) for s in srcs}
            dests = [
                u
                for u in ws.subtree(ws.root)
                if ws.units[u].kind == "station"
                and any(t is not None and ws.is_in_subtree(u, t) for t in tops)
            ]
        else:
            dests = dst_filter
        same = [u for u in dests if u in src_filter]
        if same:
            raise OpError(
                lazy(
                    "from and to both name {labels}: officers cannot sink from a unit to itself",
                    labels="、".join(ws.label(u) for u in same[:6])
                    + (f" 等 {len(same)} 个" if len(same) > 6 else ""),
                )
            )
        rounds.append(("", srcs, dests))
    else:
        for b in _scope_bureaus(ws, op, "county"):
            organ = [b, *ws.own_units(b, ORGAN_KINDS)]
            if src_filter is not None:
                organ = [u for u in organ if u in src_filter]
            stations = _stations_below(ws, b)
            if dst_filter is not None:
                wanted = set(dst_filter)
                stations = [s for s in stations if s in wanted]
            if src_filter is not None and not organ:
                continue
            rounds.append((b, organ, stations))
        if not rounds:
            raise OpError(
                lazy(
                    "from: no unit of {show_ref} is an organ of these bureaus",
                    show_ref=show_ref(op["from"]),
                )
            )
    moved_p = moved_a = 0
    if dst_filter is not None and not pooled:
        # 'to' narrows the stations: bureaus left with none of them take no part
        rounds = [r for r in rounds if r[2]]
        if not rounds:
            raise OpError(
                lazy(
                    "to: {show_ref} names no station of these bureaus", show_ref=show_ref(op["to"])
                )
            )
    for b, organ, stations in rounds:
        where = f"bureau {b!r}: " if b else ""
        if not stations:
            raise OpError(lazy("{where}no stations to sink officers to", where=where))
        w = _distribution(ws, op, stations)
        keep = {u: ws.leader_posts(u) for u in organ} if keep_leaders else {}
        total = sum(ws.units[u].police for u in organ)
        want = fixed if fixed is not None else round((share or 0.0) * total)
        try:
            picks = ws.draw(organ, want, "police", keep)
        except OpError as e:
            raise OpError(lazy("{where}{e}", where=where, e=e)) from None
        dests = [_community_unit(ws, s) if land == "community" else s for s in stations]
        _pour(ws, picks, dests, largest_remainder(w, want), "police")
        moved_p += want
        if aux_share:
            atotal = sum(ws.units[u].auxiliaries for u in organ)
            awant = round(aux_share * atotal)
            apicks = ws.draw(organ, awant, "auxiliaries")
            _pour(ws, apicks, dests, largest_remainder(w, awant), "auxiliaries")
            moved_a += awant
    n_st = sum(len(st) for _, _, st in rounds)
    who = ws.labels(rounds[0][1]) if pooled else ws.labels([b for b, _, _ in rounds]) + " 机关"
    return f"{who} 民警 {moved_p} 人、辅警 {moved_a} 人下沉 {n_st} 个派出所"


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


def _fresh_id(ws: Workspace, want: str) -> str:
    """``want``, or ``want-2``, ``want-3`` … when the id is taken."""
    uid, n = want, 1
    while uid in ws.ever:
        n += 1
        uid = f"{want}-{n}"
    return uid


_INNER_KINDS = frozenset({"team", "office", "community_post"})


def _establishment_units(ws: Workspace, station: str) -> list[str]:
    """A station and its teams, office and posts (not stations bundled under it by a group)."""
    out = [station]
    stack = list(ws.children[station])
    while stack:
        u = stack.pop()
        if ws.units[u].kind in _INNER_KINDS:
            out.append(u)
            stack.extend(ws.children[u])
    return out


def _role_in_name(ws: Workspace, name: str) -> str | None:
    """The 两队一室 role a unit's name spells (城关派出所社区警务队 → community_policing)."""
    for fn, _, _, _ in _TEAM_ROLES:
        if fn not in ws.catalogue:
            continue
        f = ws.catalogue[fn]
        if any(n and n in name for n in (f.name, *f.aliases)):
            return fn
    return None


def _station_roles(ws: Workspace, station: str) -> dict[str, str]:
    """The station's existing 社区警务队, 案件办理队 and 综合指挥室, by role (function code).

    A team or office plays a role by its function, or, with none, by its name (社区警务队 →
    community_policing, as the catalogue reads it); an office with neither is still the
    station's 综合指挥室: a station has one, and a second would add a 24/7 roster.
    """
    roles = {fn: kind for fn, kind, _, _ in _TEAM_ROLES}
    found: dict[str, str] = {}
    loose_offices: list[str] = []
    for c in ws.children[station]:
        u = ws.units[c]
        if u.kind not in ("team", "office"):
            continue
        fn = u.function or ws.catalogue.resolve(u.name) or _role_in_name(ws, u.name)
        if fn in roles and roles[fn] == u.kind:
            found.setdefault(fn, c)
        elif u.kind == "office" and u.function is None:
            loose_offices.append(c)
    if "station_command" not in found and loose_offices:
        found["station_command"] = loose_offices[0]
    return found


def op_two_teams_one_office(ws: Workspace, op: Op) -> str:
    """两队一室: rebuild stations as 社区警务队 + 案件办理队 + 综合指挥室.

    The station keeps its leaders (``keep``, default its leader posts); the office takes
    ``office`` officers (default 3) and runs the station's 24/7 roster; the community team gets
    enough officers for the community team and posts to hold ``community_share`` of the
    station (default 0.6); the case team takes the rest. Community posts move under the
    community team; the station's auxiliaries go to the community team. New units get the ids
    ``{station}-community``, ``{station}-cases`` and ``{station}-office`` (with ``-2``, ``-3``
    … when an id is taken). Only the station's own establishment is rebuilt: its teams,
    office and posts, not stations bundled under it through a group (中心所).

    The station's one 24/7 roster passes to the office (DOMAIN.md, "Establishments"): an
    office made here keeps a roster exactly when the station kept one, so the establishment's
    fixed posts are unchanged — 两队一室 regroups officers, it adds no posts.
    """
    if "unit" in op or "units" in op or "select" in op:
        stations = _select(ws, op)
    else:
        stations = [u for u in ws.subtree(ws.root) if ws.units[u].kind == "station"]
    for s in stations:
        if ws.units[s].kind != "station":
            raise OpError(lazy("{s!r} is a {kind}, not a station", s=s, kind=ws.units[s].kind))
    cs = _share(op, "community_share", 0.6) or 0.0
    office_n = _count(op, "office", 3)
    keep_opt = _count(op, "keep") if "keep" in op else None
    for s in stations:
        st = ws.units[s]
        role_unit = _station_roles(ws, s)
        roster = st.duty_roster
        if roster is None:
            roster = ws.norms is not None and ws.norms["station"].duty_roster
        made_office = "station_command" not in role_unit
        for i, (fn, kind, name, suffix) in enumerate(_TEAM_ROLES):
            if fn not in role_unit:
                spec = {"id": _fresh_id(ws, f"{s}-{suffix}"), "name": name, "kind": kind,
                        "function": fn}  # fmt: skip
                role_unit[fn] = ws.new_unit(spec, parent=s, index=i).id
        comm, cases, office = (role_unit[fn] for fn, *_ in _TEAM_ROLES)
        if made_office or roster:
            ws.units[office].duty_roster = bool(roster)
        for x in _establishment_units(ws, s):
            if ws.units[x].kind == "community_post" and not ws.is_in_subtree(x, comm):
                ws.reparent(x, comm)
        total = sum(ws.units[x].police for x in _establishment_units(ws, s))
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
    return f"{ws.labels(stations)} 重建为社区警务队、案件办理队、综合指挥室"


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

    Each new department ``{bureau}-{function}`` gets ``police`` officers (default: the
    department norm's leader and admin posts, else 3) drawn from ``pool``: ``stations``
    (default), ``organ`` (the bureau's existing departments) or ``hire``; a GUIDES edge links
    it to the parent's department.
    """
    pool = op.get("pool", "stations")
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
                raise OpError(lazy("bureau {b!r}: pool {pool}: {e}", b=b, pool=pool, e=e)) from None
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
    return f"{len(bureaus)} 个公安机关新设对口机构 {made} 个，各 {n} 人"


def _left(picks: list[tuple[str, int]], used: int) -> list[tuple[str, int]]:
    out = []
    for s, k in picks:
        d = min(used, k)
        used -= d
        if k - d:
            out.append((s, k - d))
    return out


# -- groups, lines and staffing (issue 12) -----------------------------------------------------


def _bundle_one(ws: Workspace, spec: Mapping[str, Any], ref: Any) -> tuple[str, int]:
    units = resolve_units(ws, ref, "units")
    home: dict[str, list[str]] = {}
    for u in units:
        if u == ws.root:
            raise OpError(lazy("cannot bundle the root {u!r}", u=u))
        parent = ws.units[u].parent
        b = ws.bureau_of(parent)
        home.setdefault(str(b), []).append(u)
    if len(home) > 1:
        shown = join_list(
            (
                lazy("{units} of {bureau}", units=ws.labels(us), bureau=ws.label(b))
                for b, us in list(home.items())[:3]
            ),
            "; ",
        )
        raise OpError(
            lazy(
                "bundle across bureaus: a group (片区/体系) lies inside one bureau, but the units belong to {n} bureaus ({shown})",
                n=len(home),
                shown=shown,
            )
        )
    parents = list(dict.fromkeys(ws.units[u].parent for u in units))
    if len(parents) != 1:
        raise OpError(
            "the units have different parents ("
            + "、".join(ws.label(str(p)) for p in parents[:3])
            + "); a group takes the place of units of one parent"
        )
    parent = parents[0]
    assert parent is not None
    at = min(ws.children[parent].index(u) for u in units)
    group = {"id": spec.get("id"), "name": spec.get("name"), "kind": "group"}
    if spec.get("leaders") is not None:
        group["leaders"] = spec["leaders"]
    gid = ws.new_unit(group, parent=parent, index=at).id
    for u in units:
        ws.reparent(u, gid)
    return gid, len(units)


def op_bundle(ws: Workspace, op: Op) -> str:
    """Bundle units under a new group (片区, 体系, 中心所) of their parent; they stay whole.

    ``units`` + ``into: {id, name}``, or ``groups: [{id, name, units}, ...]``. The group
    takes the place of the first unit; it is a command layer with no officers of its own.
    Refused: units of different bureaus (a bundle across bureaus) or of different parents.
    """
    specs: list[tuple[Mapping[str, Any], Any]]
    if "groups" in op:
        specs = [(g, g.get("units")) for g in op["groups"]]
        for g, ref in specs:
            if ref is None:
                raise OpError(lazy("group {get!r} needs its units", get=g.get("id")))
    else:
        specs = [(op["into"], op["units"])]
    if not specs:
        raise OpError(lazy("groups: give at least one group"))
    named: dict[str, str] = {}
    for spec, ref in specs:
        for u in resolve_units(ws, ref, "units"):
            other = named.setdefault(u, str(spec.get("id")))
            if other != spec.get("id"):
                raise OpError(
                    lazy(
                        "{label} is named by two groups ({other!r} and {get!r}); a unit belongs to one group",
                        label=ws.label(u),
                        other=other,
                        get=spec.get("id"),
                    )
                )
    made = []
    for spec, ref in specs:
        gid, n = _bundle_one(ws, spec, ref)
        made.append(f"{ws.units[gid].name} {n} 个")
    return f"组建 {len(made)} 个协调机构：" + "、".join(made)


def _command_centre(ws: Workspace, uid: str) -> str:
    u = ws.units[uid]
    if u.kind != "command_center":
        raise OpError(
            lazy(
                "{label} is a {kind} ({get}), not a command centre: only a 情指中心 (command_center) dispatches",
                label=ws.label(uid),
                kind=u.kind,
                get=KIND_NAMES.get(u.kind, u.kind),
            )
        )
    return uid


def op_dispatch(ws: Workspace, op: Op) -> str:
    """情指中心 → units (DISPATCHES): each unit is tasked by the centre of its nearest bureau
    among those named (one centre may dispatch units of the bureaus below it)."""
    centres = [_command_centre(ws, c) for c in resolve_units(ws, op["from"], "from")]
    targets = resolve_units(ws, op["to"], "to")
    by_bureau: dict[str | None, str] = {}
    for c in centres:
        by_bureau.setdefault(ws.bureau_of(c), c)
    added = 0
    for t in targets:
        b = ws.bureau_of(t)
        cc = None
        while b is not None:
            if b in by_bureau:
                cc = by_bureau[b]
                break
            parent = ws.units[b].parent
            b = ws.bureau_of(parent) if parent is not None else None
        if cc is None:
            raise OpError(
                lazy("no command centre named in 'from' sits above {label}", label=ws.label(t))
            )
        if cc == t:
            raise OpError(lazy("{label} cannot dispatch itself", label=ws.label(t)))
        if (cc, t) not in ws.dispatches:
            ws.dispatches[(cc, t)] = None
            added += 1
    return f"{ws.labels(centres)} 直接调度 {ws.labels(targets)}（新增调度关系 {added} 条）"


def _drop_edges(
    ws: Workspace, op: Op, edges: MutableMapping[tuple[str, str], None], what: str
) -> int:
    src = set(resolve_units(ws, op["from"], "from")) if "from" in op else None
    dst = set(resolve_units(ws, op["to"], "to")) if "to" in op else None
    gone = [
        e
        for e in edges
        if (src is None or ws.resolve(e[0]) in src) and (dst is None or ws.resolve(e[1]) in dst)
    ]
    if not gone:
        raise OpError(lazy("no {what} edge matches", what=what))
    for e in gone:
        del edges[e]
    return len(gone)


def op_undispatch(ws: Workspace, op: Op) -> str:
    """Remove DISPATCHES edges from and/or to the units named."""
    n = _drop_edges(ws, op, ws.dispatches, "DISPATCHES")
    return f"取消调度关系 {n} 条"


def op_guide(ws: Workspace, op: Op) -> str:
    """Upper departments guide lower departments of the same function (GUIDES, 条): each lower
    department is linked from the named department of its function in the nearest bureau above."""
    uppers = resolve_units(ws, op["from"], "from")
    lowers = resolve_units(ws, op["to"], "to")
    for u in (*uppers, *lowers):
        if ws.units[u].kind != "department" or not ws.units[u].function:
            raise OpError(
                lazy(
                    "{label} is not a department with a function; GUIDES links departments",
                    label=ws.label(u),
                )
            )
    added = 0
    for low in lowers:
        fn = ws.units[low].function
        lb = ws.bureau_of(low)
        best: tuple[int, str] | None = None
        for up in uppers:
            ub = ws.bureau_of(up)
            if ws.units[up].function != fn or ub is None or lb is None or ub == lb:
                continue
            if not ws.is_in_subtree(lb, ub):
                continue
            depth = sum(1 for _ in _ancestors(ws, ub))
            if best is None or depth > best[0]:
                best = (depth, up)
        if best is None:
            raise OpError(
                lazy(
                    "no department of function {fn!r} in 'from' sits in a bureau above {label}",
                    fn=fn,
                    label=ws.label(low),
                )
            )
        if (best[1], low) not in ws.guides:
            ws.guides[(best[1], low)] = None
            added += 1
    return f"{ws.labels(uppers)} 业务指导 {ws.labels(lowers)}（新增指导关系 {added} 条）"


def _ancestors(ws: Workspace, uid: str) -> list[str]:
    out = []
    p = ws.units[uid].parent
    while p is not None:
        out.append(p)
        p = ws.units[p].parent
    return out


def op_unguide(ws: Workspace, op: Op) -> str:
    """Remove GUIDES edges from and/or to the units named."""
    n = _drop_edges(ws, op, ws.guides, "GUIDES")
    return f"取消业务指导关系 {n} 条"


def op_integrate_command(ws: Workspace, op: Op) -> str:
    """情指行一体化: one 情指中心 ``{bureau}-intel_command`` per bureau.

    The bureau's internal units of the named ``functions`` (default ``command``; codes or
    Chinese names) merge into it, and it dispatches every station of the bureau
    (``dispatch: false`` to skip that).
    """
    raw = op.get("functions") or ["command"]
    fns = set()
    for f in raw:
        code = ws.catalogue.resolve(f) if isinstance(f, str) else None
        if code is None:
            raise OpError(lazy("functions: unknown function {f!r}", f=f))
        fns.add(code)
    fns.add("intel_command")
    name = op.get("name") or "情报指挥中心"
    dispatch = _flag(op, "dispatch", True)
    bureaus = _scope_bureaus(ws, op, "county")
    n_disp = 0
    for b in bureaus:
        members = [c for c in ws.own_units(b, DEPARTMENT_KINDS) if ws.units[c].function in fns]
        if not members:
            raise OpError(
                lazy(
                    "bureau {label} has no internal unit of function(s) {join}",
                    label=ws.label(b),
                    join=join_list(sorted(fns - {"intel_command"})),
                )
            )
        cid = f"{b}-intel_command"
        attrs = {
            "name": name,
            "kind": "command_center",
            "function": "intel_command",
            "category": None,
            "duty_roster": True,
        }
        if cid in ws.units:
            if ws.units[cid].parent != b:
                ws.reparent(cid, b)
            ws.set_attrs(ws.units[cid], attrs)
        else:
            at = (
                min(ws.children[b].index(m) for m in members if m in ws.children[b])
                if any(m in ws.children[b] for m in members)
                else 0
            )
            ws.new_unit({"id": cid, "parent": b, **attrs}, index=at)
        for m in members:
            if m != cid and m in ws.units:
                if ws.is_in_subtree(cid, m):
                    ws.reparent(cid, b)
                ws.absorb(m, cid, merge=True)
        if dispatch:
            for s in _stations_of(ws, b):
                if (cid, s) not in ws.dispatches:
                    ws.dispatches[(cid, s)] = None
                    n_disp += 1
    who = "、".join(ws.units[b].name for b in bureaus[:3]) + (
        f" 等 {len(bureaus)} 个公安机关" if len(bureaus) > 3 else ""
    )
    return f"{who} 各设一个{name}，直接调度派出所 {n_disp} 个"


def _station_of(ws: Workspace, uid: str) -> str | None:
    cur = ws.units[uid].parent
    while cur is not None:
        if ws.units[cur].kind == "station":
            return cur
        if ws.units[cur].kind in BUREAU_KINDS:
            return None
        cur = ws.units[cur].parent
    return None


def op_staff(ws: Workspace, op: Op) -> str:
    """定岗定员: set every unit picked to a staffing pattern, conserving officers.

    ``pattern: {police, auxiliaries?, leaders?}`` ("1 警长 + 2 民警 + 3 辅警" is police 3,
    leaders 1, auxiliaries 3). A unit short of the pattern draws from its ``pool``:
    ``station`` (default: the station it belongs to — the station and its teams and office,
    each keeping its leader posts), ``parent``, a unit reference (one shared pool) or ``hire``.
    A unit above the pattern gives its surplus back to the pool's first unit (the station,
    the parent). Refused: a pool that cannot give what its units need (the error names the
    pool and the shortfall).
    """
    targets = _select(ws, op)
    pattern = op["pattern"]
    want = {"police": _count(pattern, "police")}
    if "auxiliaries" in pattern and pattern["auxiliaries"] is not None:
        want["auxiliaries"] = _count(pattern, "auxiliaries")
    leaders = pattern.get("leaders")
    pool = op.get("pool", "station")
    tset = set(targets)
    for t in targets:
        if ws.units[t].kind in GROUP_KINDS or ws.units[t].kind in BUREAU_KINDS:
            raise OpError(
                lazy(
                    "{label} is a {kind}; staff sets posts, teams and units",
                    label=ws.label(t),
                    kind=ws.units[t].kind,
                )
            )
    # pool key → (its units, the targets it serves)
    pools: dict[str, tuple[list[str], list[str]]] = {}
    if pool == "hire":
        for t in targets:
            pools.setdefault("", ([], []))[1].append(t)
    elif pool in ("station", "parent"):
        for t in targets:
            if pool == "parent":
                home = ws.units[t].parent
                if home is None:
                    raise OpError(lazy("{label} has no parent to draw from", label=ws.label(t)))
                srcs = [home]
            else:
                home = _station_of(ws, t)
                if home is None:
                    raise OpError(
                        lazy("{label} is not inside a station; give a pool", label=ws.label(t))
                    )
                srcs = [
                    x
                    for x in ws.subtree(home)
                    if x not in tset and ws.units[x].kind in ("station", "team", "office")
                ]
            pools.setdefault(home, (srcs, []))[1].append(t)
    else:
        srcs = [x for x in resolve_units(ws, pool, "pool") if x not in tset]
        if not srcs:
            raise OpError(lazy("pool: every unit of the pool is itself being staffed"))
        pools[srcs[0]] = (srcs, list(targets))
    moved = {"police": 0, "auxiliaries": 0}
    for key, (srcs, served) in pools.items():
        for field, n in want.items():
            for t in served:
                extra = getattr(ws.units[t], field) - n
                if extra > 0:
                    # the surplus goes back to the pool (with hire: to the unit's parent)
                    ws.move(t, srcs[0] if srcs else ws.units[t].parent, extra, field)
            need = {t: n - getattr(ws.units[t], field) for t in served}
            total = sum(v for v in need.values() if v > 0)
            if not total:
                continue
            if key == "":
                for t, k in need.items():
                    if k > 0:
                        ws.move(None, t, k, field)
                moved[field] += total
                continue
            keep = {s: ws.leader_posts(s) for s in srcs} if field == "police" else {}
            avail = sum(max(0, getattr(ws.units[s], field) - keep.get(s, 0)) for s in srcs)
            if total > avail:
                raise OpError(
                    lazy(
                        "pool short: {n} unit(s) of {label} need {total} more {field} but its pool can give only {avail} (short by {value})",
                        n=len(served),
                        label=ws.label(key),
                        total=total,
                        field=field_text(field),
                        avail=avail,
                        value=total - avail,
                    )
                )
            picks = ws.draw(srcs, total, field, keep)
            dests = [t for t, k in need.items() if k > 0]
            _pour(ws, picks, dests, [need[t] for t in dests], field)
            moved[field] += total
    if leaders is not None:
        for t in targets:
            ws.set_attrs(ws.units[t], {"leaders": leaders})
    shape = (
        f"民警 {want['police']} 人"
        + (f"（含负责人 {leaders} 人）" if leaders is not None else "")
        + (f" + 辅警 {want['auxiliaries']} 人" if "auxiliaries" in want else "")
    )
    return (
        f"{ws.labels(targets)} 每个 {shape}；补充民警 {moved['police']} 人、"
        f"辅警 {moved['auxiliaries']} 人"
    )


def op_merge_by_function(ws: Workspace, op: Op) -> str:
    """For each bureau, merge its internal units of the same function into the largest one
    (most police; the first on a tie), which keeps its id, name and kind."""
    bureaus = _scope_bureaus(ws, op, None)
    before = after = 0
    for b in bureaus:
        groups: dict[str, list[str]] = {}
        for c in ws.children[b]:
            u = ws.units[c]
            if u.kind in DEPARTMENT_KINDS and u.function:
                groups.setdefault(u.function, []).append(c)
        for members in groups.values():
            if len(members) < 2:
                continue
            keep = max(members, key=lambda m: (ws.units[m].police, -members.index(m)))
            before += len(members)
            after += 1
            for m in members:
                if m != keep:
                    ws.absorb(m, keep, merge=True)
    return f"{len(bureaus)} 个公安机关 {before} 个机构 → {after} 个"


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
    "bundle": op_bundle,
    "dispatch": op_dispatch,
    "undispatch": op_undispatch,
    "guide": op_guide,
    "unguide": op_unguide,
    "integrate_command": op_integrate_command,
    "staff": op_staff,
    "merge_by_function": op_merge_by_function,
}

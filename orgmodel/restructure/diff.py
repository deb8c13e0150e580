"""The diff of two organisations: what changed, where every officer went, what it did to the
metrics.

Compare a base with a scenario from :func:`~orgmodel.restructure.apply_plan` (pass its
``lineage`` for exact merges, splits and officer flows) or any two versions of an
organisation (units are then matched by id). The diff reports

- units ``added``, ``removed``, ``merged`` (many → one, with lineage), ``split`` (one → many),
  ``renamed`` (one → one under a new id), ``moved`` (a new parent that does not continue the
  old one) and ``changed`` (attributes);
- officer flows old unit → new unit with counts — the data a Sankey chart needs — by unit and
  by category (局领导/综合管理/执法勤务/基层一线), with hires and retirements as their own
  source and target; flows plus officers who stayed account for every officer of both sides;
- every headline metric of :mod:`orgmodel.metrics.suite` before, after and delta, and the
  officers freed from fixed-post overhead and from hidden loss (警力隐性流失).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from orgmodel.model import NODE_FIELDS, OrgGraph
from orgmodel.norms import Norms, load_norms
from orgmodel.restructure.apply import Flow, Lineage, _gc_paused
from orgmodel.restructure.workspace import largest_remainder

__all__ = ["diff_orgs"]

HIRED = "hired"
RETIRED = "retired"


def _ref(org: OrgGraph, uid: str) -> dict[str, Any]:
    a = org.attrs(uid)
    return {"id": uid, "name": a["name"], "kind": a["kind"], "parent": org.parent(uid)}


def _origins_map(
    a: OrgGraph, b: OrgGraph, lineage: Lineage | Mapping[str, Iterable[str]] | None
) -> dict[str, tuple[str, ...]]:
    raw: Mapping[str, Iterable[str]]
    if lineage is None:
        raw = {}
    elif isinstance(lineage, Lineage):
        raw = lineage.origins
    else:
        raw = lineage
    out: dict[str, tuple[str, ...]] = {}
    for uid in b:
        if uid in raw:
            out[uid] = tuple(o for o in raw[uid] if o in a)
        elif uid in a:
            out[uid] = (uid,)
        else:
            out[uid] = ()
    return out


def _estimated_flows(
    a: OrgGraph, b: OrgGraph, origins: Mapping[str, tuple[str, ...]]
) -> tuple[list[Flow], tuple[int, int]]:
    """Flows when only lineage is known: each old unit's officers go to its successors in
    proportion to their size; what is left unexplained on either side is hired or retired."""
    succ: dict[str, list[str]] = defaultdict(list)
    for uid, origs in origins.items():
        for o in origs:
            succ[o].append(uid)
    inflow: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    agg: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    stayed = [0, 0]
    for col, field in ((0, "police"), (1, "auxiliaries")):
        for uid in a:
            n = a.attrs(uid)[field]
            if not n:
                continue
            targets = succ.get(uid, [])
            if not targets:
                agg[(uid, None)][col] += n
                continue
            weights = [float(b.attrs(t)[field]) for t in targets]
            for t, k in zip(targets, largest_remainder(weights, n), strict=True):
                if not k:
                    continue
                if t == uid:
                    stayed[col] += k
                else:
                    agg[(uid, t)][col] += k
                inflow[t][col] += k
        for uid in b:
            n = b.attrs(uid)[field]
            got = inflow[uid][col] if uid in inflow else 0
            if n > got:
                agg[(None, uid)][col] += n - got
            elif got > n:
                # More arrived than the unit holds: the excess left the organisation.
                for (fs, ft), v in list(agg.items()):
                    if ft == uid and v[col] and got > n:
                        d = min(v[col], got - n)
                        v[col] -= d
                        agg[(fs, None)][col] += d
                        got -= d
    flows = [Flow(s, t, p, x) for (s, t), (p, x) in agg.items() if p or x]
    return flows, (stayed[0], stayed[1])


def _category(org: OrgGraph, uid: str | None, end: str) -> str:
    return end if uid is None else org.category_of(uid)


def diff_orgs(
    a: OrgGraph,
    b: OrgGraph,
    norms: Norms | None = None,
    lineage: Lineage | Mapping[str, Iterable[str]] | None = None,
    *,
    metrics: bool = True,
) -> dict[str, Any]:
    """Compare two organisations: unit changes, officer flows, and the metrics' deltas.

    Parameters
    ----------
    a, b : OrgGraph
        Before and after (a base and its scenario, or any two versions).
    norms : Norms, optional
        Staffing norms for the metrics (the shipped norms by default).
    lineage : Lineage or mapping, optional
        From :attr:`ScenarioResult.lineage` (exact merges, splits and flows), or a mapping
        ``unit in b → base units it continues``. Without it units are matched by id.
    metrics : bool
        Compute the metric suite on both sides (``metrics`` and ``freed`` are ``None`` if
        not).

    Returns
    -------
    dict
        ``a`` / ``b`` (id, name, units, police, auxiliaries); ``units``: lists ``added``,
        ``removed`` (``{id, name, kind, parent}``), ``merged`` (``{into, name, from: [ids]}``),
        ``split`` (``{from, name, into: [ids]}``), ``renamed`` (``{from, to, name}``),
        ``moved`` (``{id, name, from_parent, to_parent}``), ``changed``
        (``{id, name, fields: {field: [old, new]}}``); ``counts`` of each; ``officers``:
        ``police_a``, ``police_b``, ``auxiliaries_a``, ``auxiliaries_b``, ``hired``,
        ``retired``, ``stayed``, ``moved`` (each ``{police, auxiliaries}``), ``flows``
        (``{from, from_name, to, to_name, police, auxiliaries}``; ``from``/``to`` ``None`` for
        hired / retired) and ``by_category`` (the same, from category to category, with the
        officers who stayed); ``metrics``: ``before``, ``after``, ``delta`` (headline keys);
        ``freed``: ``overhead`` and ``hidden_loss`` (before − after).

    Notes
    -----
    Σ flows out of real units + stayed = police of ``a``; Σ flows into real units + stayed =
    police of ``b``; so police_b = police_a + hired − retired.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> a = OrgGraph([Unit("b", "县局", "county"), Unit("s", "派出所", "station", "b", police=9)])
    >>> b = a.with_units([Unit("b", "县局", "county"),
    ...                   Unit("s", "城关派出所", "station", "b", police=9)])
    >>> d = diff_orgs(a, b, metrics=False)
    >>> d["units"]["changed"][0]["fields"]
    {'name': ['派出所', '城关派出所']}
    """
    with _gc_paused():
        return _diff(a, b, norms, lineage, metrics)


def _diff(
    a: OrgGraph,
    b: OrgGraph,
    norms: Norms | None,
    lineage: Lineage | Mapping[str, Iterable[str]] | None,
    metrics: bool,
) -> dict[str, Any]:
    origins = _origins_map(a, b, lineage)
    succ: dict[str, list[str]] = defaultdict(list)
    for uid, origs in origins.items():
        for o in origs:
            succ[o].append(uid)
    na, nb = dict(a.graph.nodes(data=True)), dict(b.graph.nodes(data=True))
    pa_of, pb_of = a.parents(), b.parents()

    added, removed, merged, split, renamed, moved, changed = [], [], [], [], [], [], []
    for uid in b:
        origs = origins[uid]
        if not origs:
            added.append(_ref(b, uid))
        elif len(origs) > 1:
            merged.append({"into": uid, "name": nb[uid]["name"], "from": list(origs)})
    for uid in a:
        s = succ.get(uid)
        if not s:
            removed.append(_ref(a, uid))
        elif len(s) > 1:
            split.append({"from": uid, "name": na[uid]["name"], "into": list(s)})
    for uid in b:
        origs = origins[uid]
        if len(origs) != 1:
            continue
        old = origs[0]
        if len(succ[old]) != 1:
            continue
        if old != uid:
            renamed.append({"from": old, "to": uid, "name": nb[uid]["name"]})
        pa, pb = pa_of[old], pb_of[uid]
        if pa is not None and pb not in succ.get(pa, ()):
            moved.append({"id": uid, "name": nb[uid]["name"], "from_parent": pa, "to_parent": pb})
        aa, ab = na[old], nb[uid]
        fields = {f: [aa[f], ab[f]] for f in NODE_FIELDS if aa[f] != ab[f]}
        if fields:
            changed.append({"id": uid, "name": ab["name"], "fields": fields})

    # Officers.
    if isinstance(lineage, Lineage):
        flows, stayed = list(lineage.flows), lineage.stayed
    else:
        flows, stayed = _estimated_flows(a, b, origins)
    hired = [0, 0]
    retired = [0, 0]
    moved_n = [0, 0]
    flow_rows: list[dict[str, Any]] = []
    by_cat: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in flows:
        if f.source is None:
            hired[0] += f.police
            hired[1] += f.auxiliaries
        elif f.target is None:
            retired[0] += f.police
            retired[1] += f.auxiliaries
        else:
            moved_n[0] += f.police
            moved_n[1] += f.auxiliaries
        flow_rows.append(
            {
                "from": f.source,
                "from_name": a.name_of(f.source) if f.source is not None else None,
                "to": f.target,
                "to_name": b.name_of(f.target) if f.target is not None else None,
                "police": f.police,
                "auxiliaries": f.auxiliaries,
            }
        )
        key = (_category(a, f.source, HIRED), _category(b, f.target, RETIRED))
        by_cat[key][0] += f.police
        by_cat[key][1] += f.auxiliaries
    # Officers who stayed in their unit, by category (a unit may change category in place).
    renames = lineage.renamed if isinstance(lineage, Lineage) else {}
    _stayed_by_category(a, b, flows, by_cat, renames)
    flow_rows.sort(key=lambda r: (-r["police"], -r["auxiliaries"], str(r["from"]), str(r["to"])))

    out: dict[str, Any] = {
        "a": _side(a),
        "b": _side(b),
        "units": {
            "added": added,
            "removed": removed,
            "merged": merged,
            "split": split,
            "renamed": renamed,
            "moved": moved,
            "changed": changed,
        },
        "counts": {
            k: len(v)
            for k, v in (
                ("added", added),
                ("removed", removed),
                ("merged", merged),
                ("split", split),
                ("renamed", renamed),
                ("moved", moved),
                ("changed", changed),
            )
        },
        "officers": {
            "police_a": a.total_police(),
            "police_b": b.total_police(),
            "auxiliaries_a": a.total_auxiliaries(),
            "auxiliaries_b": b.total_auxiliaries(),
            "hired": {"police": hired[0], "auxiliaries": hired[1]},
            "retired": {"police": retired[0], "auxiliaries": retired[1]},
            "stayed": {"police": stayed[0], "auxiliaries": stayed[1]},
            "moved": {"police": moved_n[0], "auxiliaries": moved_n[1]},
            "flows": flow_rows,
            "by_category": [
                {"from": s, "to": t, "police": v[0], "auxiliaries": v[1]}
                for (s, t), v in sorted(by_cat.items())
                if v[0] or v[1]
            ],
        },
        "metrics": None,
        "freed": None,
    }
    if metrics:
        from orgmodel.metrics.suite import headline  # the suite is only needed here

        n = norms if norms is not None else load_norms()
        before, after = headline(a, n), headline(b, n)
        delta = {
            k: (after[k] - before[k])  # type: ignore[operator]
            if isinstance(before[k], int | float) and isinstance(after[k], int | float)
            else None
            for k in before
        }
        out["metrics"] = {"before": before, "after": after, "delta": delta}
        out["freed"] = {
            "overhead": _minus(before["overhead"], after["overhead"]),
            "hidden_loss": _minus(before["hidden_loss"], after["hidden_loss"]),
        }
    return out


def _minus(x: Any, y: Any) -> float | None:
    if isinstance(x, int | float) and isinstance(y, int | float):
        return x - y
    return None


def _side(org: OrgGraph) -> dict[str, Any]:
    return {
        "id": org.id,
        "name": org.name,
        "units": len(org),
        "police": org.total_police(),
        "auxiliaries": org.total_auxiliaries(),
    }


def _stayed_by_category(
    a: OrgGraph,
    b: OrgGraph,
    flows: list[Flow],
    by_cat: dict[tuple[str, str], list[int]],
    renames: Mapping[str, str] | None = None,
) -> None:
    """Officers who stayed: per unit, what it holds minus what flowed in (both sides).

    A unit renamed by the plan (``Lineage.renamed``: new id → base id) is the same unit.
    """
    renames = renames or {}
    inflow: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for f in flows:
        if f.target is not None:
            inflow[f.target][0] += f.police
            inflow[f.target][1] += f.auxiliaries
    for uid in b:
        old = uid if uid in a else renames.get(uid)
        if old is None or old not in a:
            continue
        ab = b.attrs(uid)
        got = inflow.get(uid, [0, 0])
        p, x = ab["police"] - got[0], ab["auxiliaries"] - got[1]
        if p > 0 or x > 0:
            key = (a.category_of(old), b.category_of(uid))
            by_cat[key][0] += max(0, p)
            by_cat[key][1] += max(0, x)

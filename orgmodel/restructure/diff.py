"""The diff of two organisations: what changed, where every officer went, what it did to the
metrics.

Compare a base with a scenario from :func:`~orgmodel.restructure.apply_plan` (pass its
``lineage`` for exact merges, splits and officer flows) or any two versions of an
organisation (units are then matched by id). The diff reports

- units ``added``, ``removed``, ``merged`` (many → one, with lineage), ``split`` (one → many),
  ``renamed`` (one → one under a new id), ``moved`` (a new parent that does not continue the
  old one) and ``changed`` (attributes);
- officer accounting — stayed (留任), moved (调动), hired (新招录), retired (减员) with before =
  stayed + moved + retired and after = stayed + moved + hired — exact from a plan's lineage,
  estimated (估算) between two snapshots; and the flows old unit → new unit behind it (the data
  a Sankey chart needs), by unit and by category (局领导/综合管理/执法勤务/基层一线);
- every headline metric of :mod:`orgmodel.metrics.suite` before, after and delta, and the
  officers freed from fixed-post overhead and from hidden loss (警力隐性流失).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from orgmodel.labels import ACCOUNT_LABELS, CATEGORY_NAMES
from orgmodel.model import NODE_FIELDS, OrgGraph
from orgmodel.norms import Norms, load_norms
from orgmodel.restructure.apply import Flow, Lineage, _gc_paused

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


class _Groups:
    """Units matched across the two sides: connected components of "b unit continues a unit"
    (a merge joins its sources, a split its parts; a unit on one side only is alone)."""

    def __init__(self, a: OrgGraph, b: OrgGraph, origins: Mapping[str, tuple[str, ...]]) -> None:
        parent: dict[tuple[int, str], tuple[int, str]] = {}

        def find(x: tuple[int, str]) -> tuple[int, str]:
            root = x
            while parent.get(root, root) != root:
                root = parent[root]
            while x != root:  # path compression
                nxt = parent[x]
                parent[x] = root
                x = nxt
            return root

        for uid, origs in origins.items():
            for o in origs:
                ra, rb = find((0, o)), find((1, uid))
                if ra != rb:
                    parent[rb] = ra
        members: dict[tuple[int, str], tuple[list[str], list[str]]] = {}
        for side, org in ((0, a), (1, b)):
            for uid in org:
                r = find((side, uid))
                g = members.get(r)
                if g is None:
                    g = members[r] = ([], [])
                g[side].append(uid)
        self.groups = list(members.values())


def _couple(
    supply: list[list[Any]], demand: list[list[Any]], limit: int | None = None
) -> list[tuple[Any, Any, int]]:
    """North-west corner coupling: pair ``[key, n]`` supplies with demands in order, taking
    from both, up to ``limit`` officers in all; what is left stays in the lists."""
    out: list[tuple[Any, Any, int]] = []
    i = j = 0
    left = limit
    while i < len(supply) and j < len(demand) and (left is None or left > 0):
        s, d = supply[i], demand[j]
        k = min(s[1], d[1]) if left is None else min(s[1], d[1], left)
        if k:
            out.append((s[0], d[0], k))
            s[1] -= k
            d[1] -= k
            if left is not None:
                left -= k
        if not s[1]:
            i += 1
        if not d[1]:
            j += 1
    return out


def _estimated_accounting(
    a: OrgGraph, b: OrgGraph, origins: Mapping[str, tuple[str, ...]]
) -> tuple[list[Flow], tuple[int, int], list[tuple[str, str, int, int]]]:
    """Officer accounting from headcounts alone (DOMAIN.md, "Comparing two organisations").

    Per matched group (a unit, or the units a merge/rename lineage joins): stayed =
    min(before, after); the rest is released or gained. moved = min(Σ released, Σ gained),
    paired released → gained within the same bureau first; the released officers left over
    retired, the gained ones left over were hired. Returns (flows, stayed (police,
    auxiliaries), stayed pairs ``(a unit, b unit, police, auxiliaries)`` for the categories).
    """
    groups = _Groups(a, b, origins).groups
    na, nb = a.graph.nodes, b.graph.nodes
    flows: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    stayed_pairs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    stayed = [0, 0]
    for col, field in ((0, "police"), (1, "auxiliaries")):
        released: list[list[Any]] = []
        gained: list[list[Any]] = []
        for olds, news in groups:
            sup = [[u, na[u][field]] for u in olds if na[u][field]]
            dem = [[v, nb[v][field]] for v in news if nb[v][field]]
            for u, v, k in _couple(sup, dem):
                stayed_pairs[(u, v)][col] += k
                stayed[col] += k
            released.extend(x for x in sup if x[1])
            gained.extend(x for x in dem if x[1])
        # Pair within the same bureau first, then across bureaus.
        by_bureau: dict[str | None, tuple[list[list[Any]], list[list[Any]]]] = defaultdict(
            lambda: ([], [])
        )
        for x in released:
            by_bureau[a.bureau_of(x[0])][0].append(x)
        for x in gained:
            by_bureau[b.bureau_of(x[0])][1].append(x)
        for sup, dem in by_bureau.values():
            for u, v, k in _couple(sup, dem):
                flows[(u, v)][col] += k
        for u, v, k in _couple(released, gained):
            flows[(u, v)][col] += k
        for u, n in released:
            if n:
                flows[(u, None)][col] += n
        for v, n in gained:
            if n:
                flows[(None, v)][col] += n
    out = [Flow(s, t, p, x) for (s, t), (p, x) in flows.items() if p or x]
    pairs = [(u, v, p, x) for (u, v), (p, x) in stayed_pairs.items()]
    return out, (stayed[0], stayed[1]), pairs


def _category_summary(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per category: before, after, stayed (same category), moved out/in (another category),
    retired and hired — so before = stayed + moved_out + retired and after = stayed + moved_in
    + hired, for police and auxiliaries alike."""
    cats: dict[str, dict[str, list[int]]] = {}

    def row(c: str) -> dict[str, list[int]]:
        r = cats.get(c)
        if r is None:
            r = cats[c] = {k: [0, 0] for k in (
                "before", "after", "stayed", "moved_out", "moved_in", "retired", "hired")}  # fmt: skip
        return r

    for r in rows:
        s, t = r["from"], r["to"]
        n = (r["police"], r["auxiliaries"])
        for j in (0, 1):
            if s != HIRED:
                src = row(s)
                src["before"][j] += n[j]
                if t == RETIRED:
                    src["retired"][j] += n[j]
                elif t == s:
                    src["stayed"][j] += n[j]
                else:
                    src["moved_out"][j] += n[j]
            if t != RETIRED:
                dst = row(t)
                dst["after"][j] += n[j]
                if s == HIRED:
                    dst["hired"][j] += n[j]
                elif s != t:
                    dst["moved_in"][j] += n[j]
    order = [c for c in CATEGORY_NAMES if c in cats] + sorted(
        c for c in cats if c not in CATEGORY_NAMES
    )
    return [
        {"category": c, "name": CATEGORY_NAMES.get(c, c),
         **{k: {"police": v[0], "auxiliaries": v[1]} for k, v in cats[c].items()}}
        for c in order
    ]  # fmt: skip


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
        ``method`` (``exact`` with a plan's :class:`Lineage`, ``estimated`` otherwise) and
        ``method_label``, ``police_a``, ``police_b``, ``auxiliaries_a``, ``auxiliaries_b``,
        ``people_a``, ``people_b`` (人数), ``stayed``, ``moved``, ``hired``, ``retired``
        (each ``{police, auxiliaries}``), ``flows`` (``{from, from_name, to, to_name,
        police, auxiliaries}``; ``from``/``to`` ``None`` for hired / retired),
        ``by_category`` (the same, from category to category, with the officers who
        stayed) and ``categories`` (per category: before, after, stayed, moved_out,
        moved_in, retired, hired); ``metrics``: ``before``, ``after``, ``delta`` (headline
        keys); ``freed``: ``overhead`` and ``hidden_loss`` (before − after).

    Notes
    -----
    Officer accounting (DOMAIN.md, "Comparing two organisations"): always before = stayed +
    moved + retired and after = stayed + moved + hired, for police and auxiliaries, overall
    and per category. With a plan's lineage every flow is exact. Without, units are matched
    by id (or through a mapping lineage, which joins merged and renamed units into one);
    per matched group Δ = after − before, stayed = Σ min(before, after), released = Σ max(0,
    −Δ), gained = Σ max(0, Δ), moved = min(released, gained), retired = released − moved,
    hired = gained − moved. Released officers are paired with gaining units of the same
    bureau first (an estimate of who went where).

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

    # Officers (DOMAIN.md, "Comparing two organisations: officer accounting").
    exact = isinstance(lineage, Lineage)
    stayed_pairs: list[tuple[str, str, int, int]] = []
    if isinstance(lineage, Lineage):
        flows, stayed = list(lineage.flows), lineage.stayed
    else:
        flows, stayed, stayed_pairs = _estimated_accounting(a, b, origins)
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
    # Officers who stayed, by category (a unit may change category in place).
    if exact:
        renames = lineage.renamed if isinstance(lineage, Lineage) else {}
        _stayed_by_category(a, b, flows, by_cat, renames)
    else:
        for u, v, p, x in stayed_pairs:
            key = (a.category_of(u), b.category_of(v))
            by_cat[key][0] += p
            by_cat[key][1] += x
    flow_rows.sort(key=lambda r: (-r["police"], -r["auxiliaries"], str(r["from"]), str(r["to"])))
    by_category = [
        {"from": s, "to": t, "police": v[0], "auxiliaries": v[1]}
        for (s, t), v in sorted(by_cat.items())
        if v[0] or v[1]
    ]
    police_a, police_b = a.total_police(), b.total_police()
    aux_a, aux_b = a.total_auxiliaries(), b.total_auxiliaries()

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
            "method": "exact" if exact else "estimated",
            "method_label": ACCOUNT_LABELS["exact" if exact else "estimated"],
            "police_a": police_a,
            "police_b": police_b,
            "auxiliaries_a": aux_a,
            "auxiliaries_b": aux_b,
            "people_a": police_a + aux_a,
            "people_b": police_b + aux_b,
            "stayed": {"police": stayed[0], "auxiliaries": stayed[1]},
            "moved": {"police": moved_n[0], "auxiliaries": moved_n[1]},
            "hired": {"police": hired[0], "auxiliaries": hired[1]},
            "retired": {"police": retired[0], "auxiliaries": retired[1]},
            "flows": flow_rows,
            "by_category": by_category,
            "categories": _category_summary(by_category),
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

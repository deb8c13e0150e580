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

import numpy as np

from orgmodel._gc import gc_paused
from orgmodel._keywords import positional_deprecated
from orgmodel.labels import ACCOUNT_LABELS, CATEGORY_NAMES
from orgmodel.model import CATEGORY_CODES, KINDS, NODE_FIELDS, OrgGraph
from orgmodel.norms import Norms, load_norms
from orgmodel.restructure.apply import Flow, Lineage

__all__ = ["diff_orgs"]

HIRED = "hired"
RETIRED = "retired"


def _ref(org: OrgGraph, uid: str) -> dict[str, Any]:
    return _ref_row(org, org.index[uid])


def _ref_row(org: OrgGraph, r: int) -> dict[str, Any]:
    c = org.columns
    p = int(c.parent[r])
    return {
        "id": c.ids[r],
        "name": c.names[r],
        "kind": KINDS[c.kind[r]],
        "parent": c.ids[p] if p >= 0 else None,
    }


def _base_rows(a: OrgGraph, b: OrgGraph) -> np.ndarray | None:
    """Row in ``a`` of every row of ``b`` when ``b`` is a scenario a plan made of ``a``
    (``-1``: created); ``None`` otherwise."""
    rel = b._derived_from
    return rel[1] if rel is not None and rel[0] is a else None


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


class _Attrs:
    """Unit id → attribute dict, read from the columns."""

    def __init__(self, org: OrgGraph) -> None:
        self.org = org

    def __getitem__(self, uid: str) -> dict[str, Any]:
        return self.org.attrs(uid)


def _unit_changes(
    a: OrgGraph, b: OrgGraph, raw: Mapping[str, Iterable[str]]
) -> tuple[list[dict[str, Any]], ...]:
    """Units added, removed, merged, split, renamed, moved and changed, each list in
    breadth-first order of its side.

    A unit of ``b`` continues the units ``raw`` (the lineage) gives it, else the unit of
    ``a`` with its id. The units matched one to one by id — nearly all of them after a plan
    — are compared column by column at once; only the units that differ are looked at one
    by one.
    """
    ca, cb = a.columns, b.columns
    a_index = a.index
    na_rows, nb_rows = len(ca.ids), len(cb.ids)
    # b row → a row it continues by id (-1: none), -2: its origins come from the lineage
    lineage_rows: dict[int, tuple[str, ...]] = {}
    known = _base_rows(a, b)
    if known is not None and all(isinstance(u, str) for u in raw):
        # A scenario of ``a``: its rows know their base rows (same id); only the units the
        # lineage names are looked up.
        same = known.copy()
        b_index = b.index
        for uid in raw:
            j = b_index.get(uid)
            if j is not None:
                lineage_rows[j] = tuple(o for o in raw[uid] if o in a_index)
                same[j] = -2
    else:
        same = np.empty(nb_rows, dtype=np.int64)
        for j, uid in enumerate(cb.ids):
            if uid in raw:
                lineage_rows[j] = tuple(o for o in raw[uid] if o in a_index)
                same[j] = -2
            else:
                same[j] = a_index.get(uid, -1)
    # successors of every a row
    n_succ = np.bincount(same[same >= 0], minlength=na_rows)
    succ_extra: dict[int, list[int]] = defaultdict(list)
    for j, origs in lineage_rows.items():
        for o in origs:
            r = a_index[o]
            n_succ[r] += 1
            succ_extra[r].append(j)
    pos_b = np.empty(nb_rows, dtype=np.int64)
    pos_b[b.bfs_rows] = np.arange(nb_rows)
    pos_a = np.empty(na_rows, dtype=np.int64)
    pos_a[a.bfs_rows] = np.arange(na_rows)

    def in_b_order(rows: Iterable[int]) -> list[int]:
        return sorted(rows, key=lambda j: pos_b[j])

    def in_a_order(rows: Iterable[int]) -> list[int]:
        return sorted(rows, key=lambda i: pos_a[i])

    added_rows = np.flatnonzero(same == -1).tolist() + [j for j, o in lineage_rows.items() if not o]
    added = [_ref_row(b, j) for j in in_b_order(added_rows)]
    merged = [
        {"into": cb.ids[j], "name": cb.names[j], "from": list(lineage_rows[j])}
        for j in in_b_order(j for j, o in lineage_rows.items() if len(o) > 1)
    ]
    removed = [_ref_row(a, i) for i in in_a_order(np.flatnonzero(n_succ == 0).tolist())]

    def successors(i: int) -> list[str]:
        rows = np.flatnonzero(same == i).tolist() + succ_extra.get(i, [])
        return [cb.ids[j] for j in in_b_order(rows)]

    split = [
        {"from": ca.ids[i], "name": ca.names[i], "into": successors(i)}
        for i in in_a_order(np.flatnonzero(n_succ > 1).tolist())
    ]
    # One to one: (b row, a row) pairs, by id and through the lineage.
    one = np.flatnonzero(same >= 0)
    one = one[n_succ[same[one]] == 1]
    extra = [
        (j, a_index[o[0]])
        for j, o in lineage_rows.items()
        if len(o) == 1 and n_succ[a_index[o[0]]] == 1
    ]
    bj = np.concatenate([one, np.array([j for j, _ in extra], dtype=np.int64)])
    ai = np.concatenate([same[one], np.array([i for _, i in extra], dtype=np.int64)])
    # Renamed: continued under another id (only through the lineage).
    renamed = [
        {"from": ca.ids[i], "to": cb.ids[j], "name": cb.names[j]}
        for j, i in sorted(extra, key=lambda e: pos_b[e[0]])
        if ca.ids[i] != cb.ids[j]
    ]
    # Moved: the new parent does not continue the old one.
    pa, pb = ca.parent[ai], cb.parent[bj]
    pb_same = np.where(pb >= 0, same[np.maximum(pb, 0)], -1)
    maybe = (pa >= 0) & (pb_same != pa)
    moved_rows = []
    for k in np.flatnonzero(maybe).tolist():
        j, i, p_a, p_b = int(bj[k]), int(ai[k]), int(pa[k]), int(pb[k])
        if p_b >= 0 and pb_same[k] == -2 and ca.ids[p_a] in lineage_rows[p_b]:
            continue  # the new parent continues the old one through the lineage
        moved_rows.append((j, i, p_a, p_b))
    moved = [
        {
            "id": cb.ids[j],
            "name": cb.names[j],
            "from_parent": ca.ids[p_a],
            "to_parent": cb.ids[p_b] if p_b >= 0 else None,
        }
        for j, i, p_a, p_b in sorted(moved_rows, key=lambda r: pos_b[r[0]])
    ]
    # Changed: any attribute differs (compared column by column, then unit by unit).
    fmap = np.array(
        [ca.functions.index(f) if f in ca.functions else -3 for f in cb.functions] + [-1],
        dtype=np.int64,
    )
    fb = cb.function[bj].astype(np.int64)
    differs = (
        (ca.kind[ai] != cb.kind[bj])
        | (ca.function[ai] != fmap[np.where(fb >= 0, fb, len(cb.functions))])
        | (ca.category[ai] != cb.category[bj])
        | (ca.establishment[ai] != cb.establishment[bj])
        | (ca.police[ai] != cb.police[bj])
        | (ca.auxiliaries[ai] != cb.auxiliaries[bj])
        | (ca.leaders[ai] != cb.leaders[bj])
        | (ca.duty_roster[ai] != cb.duty_roster[bj])
    )
    sa, sb = ca.community_share[ai], cb.community_share[bj]
    differs |= ~((sa == sb) | (np.isnan(sa) & np.isnan(sb)))
    names_a = np.array(ca.names, dtype=object)
    names_b = names_a if cb.names is ca.names else np.array(cb.names, dtype=object)
    differs |= (names_a[ai] != names_b[bj]).astype(bool)
    changed = []
    for k in sorted(np.flatnonzero(differs).tolist(), key=lambda k: pos_b[bj[k]]):
        aa, ab = ca.row_dict(int(ai[k])), cb.row_dict(int(bj[k]))
        fields = {f: [aa[f], ab[f]] for f in NODE_FIELDS if aa[f] != ab[f]}
        if fields:
            changed.append({"id": cb.ids[int(bj[k])], "name": ab["name"], "fields": fields})
    return added, removed, merged, split, renamed, moved, changed


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


def _matches(a: OrgGraph, b: OrgGraph, origins: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Unit of ``b`` → the unit of ``a`` it is (DOMAIN.md: matched by id, through a rename
    lineage where one is given): the unit with its id, else the one base unit it continues
    when that unit is gone from ``b`` and continued by nothing else (a rename). A unit made
    by a merge or a split continues several units, or shares one: it is none of them."""
    succ: dict[str, int] = defaultdict(int)
    for origs in origins.values():
        for o in origs:
            succ[o] += 1
    out: dict[str, str] = {}
    for v, origs in origins.items():
        if v in a:
            out[v] = v
        elif len(origs) == 1 and origs[0] not in b and succ[origs[0]] == 1:
            out[v] = origs[0]
    return out


def _estimated_accounting(
    a: OrgGraph, b: OrgGraph, origins: Mapping[str, tuple[str, ...]]
) -> tuple[list[Flow], tuple[int, int], list[tuple[str, str, int, int]]]:
    """Officer accounting from headcounts alone (DOMAIN.md, "Comparing two organisations").

    Units are matched by id, or through a rename in the lineage (:func:`_matches`); per
    matched unit stayed = min(before, after), and a unit on one side only counts 0 on the
    other — so a merge of A and B into C moves their officers (as :func:`apply_plan`
    counts them), it does not keep them. The rest is released or gained: moved =
    min(Σ released, Σ gained), paired released → gained first within the units a
    merge/split lineage joins, then within the same bureau, then across; the released
    officers left over retired, the gained ones left over were hired. Returns (flows,
    stayed (police, auxiliaries), stayed pairs ``(a unit, b unit, police, auxiliaries)``
    for the categories).
    """
    groups = _Groups(a, b, origins).groups
    match = _matches(a, b, origins)
    na, nb = _Attrs(a), _Attrs(b)
    flows: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0])
    stayed_pairs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    stayed = [0, 0]
    for col, field in ((0, "police"), (1, "auxiliaries")):
        left_a: dict[str, int] = {}
        left_b: dict[str, int] = {}
        for v, u in match.items():
            before, after = na[u][field], nb[v][field]
            k = min(before, after)
            if k:
                stayed_pairs[(u, v)][col] += k
                stayed[col] += k
            left_a[u] = before - k
            left_b[v] = after - k
        released: list[list[Any]] = []
        gained: list[list[Any]] = []
        for olds, news in groups:
            sup = [[u, left_a[u] if u in left_a else na[u][field]] for u in olds]
            dem = [[v, left_b[v] if v in left_b else nb[v][field]] for v in news]
            sup = [x for x in sup if x[1]]
            dem = [x for x in dem if x[1]]
            # The lineage says where a merged or split unit's officers went.
            for u, v, k in _couple(sup, dem):
                flows[(u, v)][col] += k
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


@positional_deprecated("norms", "lineage")
def diff_orgs(
    a: OrgGraph,
    b: OrgGraph,
    *,
    norms: Norms | None = None,
    lineage: Lineage | Mapping[str, Iterable[str]] | None = None,
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
    by id, or through a mapping lineage where a unit continues exactly one gone unit (a
    rename); per unit Δ = after − before (a unit on one side only counts 0 on the other),
    stayed = Σ min(before, after), released = Σ max(0, −Δ), gained = Σ max(0, Δ), moved =
    min(released, gained), retired = released − moved, hired = gained − moved. So a merge
    of A and B into C moves their officers, as :func:`apply_plan` counts it. Released
    officers are paired with the units a merge/split lineage joins them to first, then
    with gaining units of the same bureau (an estimate of who went where).

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
    with gc_paused():
        return _diff(a, b, norms, lineage, metrics)


def _diff(
    a: OrgGraph,
    b: OrgGraph,
    norms: Norms | None,
    lineage: Lineage | Mapping[str, Iterable[str]] | None,
    metrics: bool,
) -> dict[str, Any]:
    raw: Mapping[str, Iterable[str]]
    if lineage is None:
        raw = {}
    elif isinstance(lineage, Lineage):
        raw = lineage.origins
    else:
        raw = lineage
    added, removed, merged, split, renamed, moved, changed = _unit_changes(a, b, raw)

    # Officers (DOMAIN.md, "Comparing two organisations: officer accounting").
    exact = isinstance(lineage, Lineage)
    stayed_pairs: list[tuple[str, str, int, int]] = []
    if isinstance(lineage, Lineage):
        flows, stayed = list(lineage.flows), lineage.stayed
    else:
        flows, stayed, stayed_pairs = _estimated_accounting(a, b, _origins_map(a, b, lineage))
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
        before, after = headline(a, norms=n), headline(b, norms=n)
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
    cb = b.columns
    a_index, b_index = a.index, b.index
    nb = len(cb.ids)
    in_p = np.zeros(nb, dtype=np.int64)
    in_x = np.zeros(nb, dtype=np.int64)
    into: dict[str, list[int]] = {}
    for f in flows:
        if f.target is not None:
            t = into.get(f.target)
            if t is None:
                t = into[f.target] = [0, 0]
            t[0] += f.police
            t[1] += f.auxiliaries
    for target, (fp, fx) in into.items():
        j = b_index[target]
        in_p[j] += fp
        in_x[j] += fx
    known = _base_rows(a, b)
    if known is not None:
        # A scenario of ``a``: a unit from the base keeps its id; a new one may be a rename.
        old = known.copy()
        for j in np.flatnonzero(known < 0).tolist():
            old[j] = a_index.get(renames.get(cb.ids[j], ""), -1)
    else:
        old = np.array(
            [
                a_index.get(u, -1) if u in a_index else a_index.get(renames.get(u, ""), -1)
                for u in cb.ids
            ],
            dtype=np.int64,
        )
    p = cb.police - in_p
    x = cb.auxiliaries - in_x
    keep = (old >= 0) & ((p > 0) | (x > 0))
    nc = len(CATEGORY_CODES)
    key = a.category_rows[old[keep]] * nc + b.category_rows[keep]
    sp = np.bincount(key, weights=np.maximum(0, p[keep]), minlength=nc * nc)
    sx = np.bincount(key, weights=np.maximum(0, x[keep]), minlength=nc * nc)
    for k in np.flatnonzero(np.bincount(key, minlength=nc * nc)).tolist():
        cell = by_cat[(CATEGORY_CODES[k // nc], CATEGORY_CODES[k % nc])]
        cell[0] += int(sp[k])
        cell[1] += int(sx[k])

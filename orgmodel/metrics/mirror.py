"""The mirror index (上下对口): how far a bureau copies the departments of the bureau above.

"上级有什么部门警种，下级也设置相应部门警种" — a county bureau that sets up a department for
every 警种 of its city bureau ends up with many small departments, each with leaders, clerks
and a duty roster (see :mod:`orgmodel.metrics.workforce`). DOMAIN.md ("Mirror index")
defines, for a bureau B whose command parent chain reaches a bureau P (the nearest bureau
above B; for the root, the ``parent_bureau`` recorded with an organisation exported alone),
with D(X) the set of functions of X's departments:

    mirror(B) = |D(B) ∩ D(P)| / |D(B)|

and the organisation's mirror index is the mean of mirror(B) weighted by |D(B)|, i.e.
Σ |D(B) ∩ D(P)| / Σ |D(B)|. *Mirror units* are departments whose function exists in the
parent bureau and whose police are below the efficient size S of their kind.

Convention: a bureau's departments are the units of kind ``department`` **and**
``command_center`` (the 情指中心 is an internal unit too) that carry a function and whose
nearest bureau is B — nested 大队 under a 支队 included. Bureaus with no such department
have no mirror value (0/0) and are left out of the index.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from orgmodel._keywords import positional_deprecated
from orgmodel.metrics._frame import DEPARTMENT_KINDS, Frame
from orgmodel.metrics._util import ratio
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import KINDS, OrgGraph
from orgmodel.norms import Norms

__all__ = [
    "DEPARTMENT_KINDS",
    "bureau_functions",
    "mirror_by_bureau",
    "mirror_index",
    "mirror_report",
    "mirror_units",
]


def bureau_functions(org: OrgGraph) -> dict[str, list[str]]:
    """D(B): the functions of every bureau's departments.

    Returns
    -------
    dict
        Bureau id → sorted function codes of its departments and command centres (an empty
        list for a bureau without any).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("c", "某市公安局", "city"),
    ...     Unit("cx", "刑侦支队", "department", parent="c", function="criminal"),
    ...     Unit("b", "某县公安局", "county", parent="c"),
    ... ])
    >>> bureau_functions(org)
    {'c': ['criminal'], 'b': []}
    """
    return {b: sorted(f) for b, f in Frame(org).structure[0].items()}


def mirror_by_bureau(org: OrgGraph) -> dict[str, float]:
    """mirror(B) of every bureau that has departments and a parent bureau.

    Returns
    -------
    dict
        Bureau id → |D(B) ∩ D(P)| / |D(B)|, for bureaus with |D(B)| > 0 and a parent
        bureau P (in the graph, or ``org.parent_bureau`` for the root).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("c", "某市公安局", "city"),
    ...     Unit("cx", "刑侦支队", "department", parent="c", function="criminal"),
    ...     Unit("b", "某县公安局", "county", parent="c"),
    ... ])
    >>> mirror_by_bureau(org)  # the county has no departments, the city no parent
    {}
    """
    t = Frame(org).bureaus
    m = np.flatnonzero(t.measured)
    ids = Frame(org).ids_at(t.pos[m])
    return {
        b: s / f for b, s, f in zip(ids, t.shared[m].tolist(), t.functions[m].tolist(), strict=True)
    }


def mirror_index(org: OrgGraph) -> float | None:
    """The organisation's mirror index (上下对口指数).

    Returns
    -------
    float or None
        Σ |D(B) ∩ D(P)| / Σ |D(B)| over the bureaus of :func:`mirror_by_bureau`; ``None``
        when no bureau can be measured.

    Notes
    -----
    This is the mean of mirror(B) weighted by |D(B)|.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, ParentBureau, Unit
    >>> org = OrgGraph(
    ...     [
    ...         Unit("b", "某县公安局", "county"),
    ...         Unit("bx", "刑侦大队", "department", parent="b", function="criminal"),
    ...         Unit("bz", "治安大队", "department", parent="b", function="public_order"),
    ...     ],
    ...     parent_bureau=ParentBureau("某市公安局", ("criminal", "traffic")),
    ... )
    >>> mirror_index(org)  # {criminal, public_order} ∩ {criminal, traffic}: 1 of 2
    0.5
    """
    return _mirror_ratio(Frame(org))


def _mirror_ratio(fr: Frame) -> float | None:
    """Σ |D(B) ∩ D(P)| / Σ |D(B)| over the measured bureaus."""
    t = fr.bureaus
    m = t.measured
    return ratio(int(t.shared[m].sum()), int(t.functions[m].sum()))


@positional_deprecated("norms")
def mirror_units(org: OrgGraph, *, norms: Norms | None = None) -> list[str]:
    """Mirror units: departments copying a parent-bureau function, below efficient size.

    Returns
    -------
    list of str
        Ids (breadth-first) of departments and command centres whose function is in D(P) of
        their bureau's parent bureau and whose police < S of their kind.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, ParentBureau, Unit
    >>> org = OrgGraph(
    ...     [
    ...         Unit("b", "某县公安局", "county"),
    ...         Unit("bx", "刑侦大队", "department", parent="b", function="criminal", police=12),
    ...         Unit("bz", "治安大队", "department", parent="b", function="public_order"),
    ...     ],
    ...     parent_bureau=ParentBureau("某市公安局", ("criminal", "traffic")),
    ... )
    >>> mirror_units(org)  # 12 < S = 30; 治安 has no counterpart above
    ['bx']
    """
    return _mirror_units(Frame(org, norms))


@positional_deprecated("norms")
def mirror_report(org: OrgGraph, *, norms: Norms | None = None) -> dict[str, Any]:
    """上下对口 of an organisation: index, per-bureau table, departments and GUIDES edges.

    Returns
    -------
    dict
        ``mirror_index``, ``bureaus_measured``, ``bureaus`` (count), ``departments`` (units
        of kind department or command centre, with or without a function),
        ``departments_per_bureau`` (mean over bureaus), ``mean_department_size`` (police per
        department), ``guides`` (GUIDES edges), ``mirror_units`` (count),
        ``mirror_unit_police``, ``by_bureau`` (list of ``{id, name, kind, parent_bureau
        {id, name}, departments, department_police, mean_department_size, functions,
        shared_functions, mirror}``) and ``units`` (list of mirror units ``{id, name,
        function, function_name, police, efficient_size, bureau {id, name}}``).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, ParentBureau, Unit
    >>> org = OrgGraph(
    ...     [
    ...         Unit("b", "某县公安局", "county"),
    ...         Unit("bx", "刑侦大队", "department", parent="b", function="criminal", police=12),
    ...         Unit("bz", "治安大队", "department", parent="b", function="public_order"),
    ...     ],
    ...     parent_bureau=ParentBureau("某市公安局", ("criminal", "traffic")),
    ... )
    >>> r = mirror_report(org)
    >>> r["mirror_index"], r["departments"], r["mean_department_size"], r["mirror_units"]
    (0.5, 2, 6.0, 1)
    """
    return _mirror_report(Frame(org, norms))


def _mirror_positions(fr: Frame) -> np.ndarray:
    """Positions of the mirror units, breadth-first."""
    kinds, t = fr.norms.kinds, fr.bureaus
    d, fd, ds = fr.department_positions, fr.department_fn, t.dept_slot
    at = np.flatnonzero((fd >= 0) & (ds >= 0))
    if not len(at):
        return d[at]
    size = np.array([kinds[k].efficient_size if k in kinds else 0 for k in KINDS])
    d_at = d[at]
    hit = t.p_table[ds[at], fd[at]] & (fr.department_police[at] < size[fr.kind[d_at]])
    return d_at[hit]


def _mirror_units(fr: Frame) -> list[str]:
    return fr.ids_at(_mirror_positions(fr))


def _mirror_report(fr: Frame) -> Section:
    org, near, norms, t = fr.org, fr.near_bureau_at, fr.norms, fr.bureaus
    labels = fr.labels
    d, d_police = fr.department_positions, fr.department_police
    departments = len(d)
    police = int(d_police.sum())
    pos, up, nb = t.pos, t.up, len(t.pos)
    kind = fr.kind[pos]
    by_bureau: list[np.ndarray] = []  # departments and their police by bureau, for the rows

    def per_bureau() -> tuple[np.ndarray, np.ndarray]:
        if not by_bureau:
            # by the bureau's row of the tables (its slot), not by position: no whole column
            d_in = t.dept_slot >= 0
            d_slot = t.dept_slot[d_in]
            by_bureau.append(np.bincount(d_slot, minlength=nb))
            p = np.bincount(d_slot, weights=d_police[d_in], minlength=nb)
            by_bureau.append(p.astype(np.int64))
        return by_bureau[0], by_bureau[1]

    functions, shared, has_parent = t.functions, t.shared, t.has_parent
    pb = org.parent_bureau
    outside = None if pb is None else {"id": None, "name": pb.name}

    def bureau_rows(at: np.ndarray) -> list[dict[str, Any]]:
        n_dept, p_dept = per_bureau()
        ups = up[at]
        cols = zip(
            labels.ids(pos[at]),
            labels.names(pos[at]),
            kind[at].tolist(),
            labels.refs(ups),
            (ups >= 0).tolist(),
            has_parent[at].tolist(),
            n_dept[at].tolist(),
            p_dept[at].tolist(),
            functions[at].tolist(),
            shared[at].tolist(),
            strict=True,
        )
        return [
            {
                "id": b,
                "name": name,
                "kind": KINDS[k],
                "parent_bureau": ref if inside else (outside if hp else None),
                "departments": n_d,
                "department_police": p_d,
                "mean_department_size": ratio(p_d, n_d),
                "functions": f,
                "shared_functions": sh if hp else None,
                "mirror": ratio(sh, f) if hp else None,
            }
            for b, name, k, ref, inside, hp, n_d, p_d, f, sh in cols
        ]

    units = _mirror_positions(fr)
    cat = org.catalogue
    fn_names = [cat[f].name if f in cat else None for f in fr.functions]
    sizes = [norms.kinds[k].efficient_size if k in norms.kinds else 0 for k in KINDS]
    fns = fr.functions
    u_police = fr.police[units]

    def unit_rows(at: np.ndarray) -> list[dict[str, Any]]:
        u = units[at]  # the rest of a row read for the rows read only
        cols = zip(
            labels.ids(u),
            labels.names(u),
            fr.fn[u].tolist(),
            u_police[at].tolist(),
            fr.kind[u].tolist(),
            labels.refs(near[u]),
            strict=True,
        )
        return [
            {
                "id": u,
                "name": name,
                "function": fns[f],
                "function_name": fn_names[f],
                "police": p,
                "efficient_size": sizes[k],
                "bureau": b,
            }
            for u, name, f, p, k, b in cols
        ]

    return Section(
        {
            "mirror_index": _mirror_ratio(fr),
            "bureaus_measured": int(t.measured.sum()),
            "bureaus": nb,
            "departments": departments,
            "departments_per_bureau": ratio(departments, nb),
            "mean_department_size": ratio(police, departments),
            "guides": fr.edges[0],
            "mirror_units": len(units),
            "mirror_unit_police": int(u_police.sum()),
            "by_bureau": Rows(nb, bureau_rows),
            "units": Rows(len(units), unit_rows),
        }
    )

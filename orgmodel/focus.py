"""Focus on one unit: find it by name or id, and cut the organisation at it.

A provincial store holds thousands of units; a county planner wants their county. Two pure
functions serve every face (the dashboard's search box, the ``root`` parameter of the chart
endpoints, ``orgmodel report --root``, :func:`orgmodel.metrics` on a part of an org):

- :func:`find_units` — units whose name or id contains the query (汉字 or ASCII, case-blind),
  best matches first;
- :func:`subtree` — the organisation re-rooted at a unit: that unit and everything under it,
  as a new validated :class:`~orgmodel.model.OrgGraph`. Every metric of the subtree is the
  metric of that part alone. The bureau above the new root is kept as its
  :class:`~orgmodel.model.ParentBureau` (name and department functions), so the root's
  上下对口 (mirror index) is still measured against the bureau it copies.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.model import BUREAU_KINDS, DEPARTMENT_KINDS, KIND_NAMES, OrgGraph, ParentBureau

__all__ = ["find_units", "subtree"]


def subtree(org: OrgGraph, unit_id: str) -> OrgGraph:
    """The organisation re-rooted at ``unit_id``: that unit and all units under it.

    Parameters
    ----------
    org : OrgGraph
        The whole organisation (not changed).
    unit_id : str
        The new root. The organisation's own root returns ``org`` itself.

    Returns
    -------
    OrgGraph
        A new organisation, id ``"<org id>/<unit id>"``, named after the unit. GUIDES and
        DISPATCHES edges with both ends inside are kept. When a bureau stands above the new
        root, it becomes the ``parent_bureau`` (with the functions of its departments).

    Raises
    ------
    InputError
        No unit has that id.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("c", "某市公安局", "city", police=10),
    ...     Unit("x", "刑侦支队", "department", parent="c", function="criminal", police=30),
    ...     Unit("b", "某县公安局", "county", parent="c", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ... ], id="city")
    >>> part = subtree(org, "b")
    >>> part.root, len(part), part.total_police(), part.parent_bureau.functions
    ('b', 2, 25, ('criminal',))
    """
    if unit_id not in org:
        raise InputError(
            lazy(
                "no unit {unit_id!r} in organisation {value!r}",
                unit_id=unit_id,
                value=org.id or org.name,
            )
        )
    if unit_id == org.root:
        return org
    keep: list[str] = [unit_id]
    inside = {unit_id}
    i = 0
    while i < len(keep):
        for c in org.children(keep[i]):
            keep.append(c)
            inside.add(c)
        i += 1
    units = []
    for u in keep:
        rec = org.unit(u)
        if u == unit_id:
            rec.parent = None
        units.append(rec)
    above = org.parent(unit_id)
    upper = org.bureau_of(above) if above is not None else None
    parent_bureau = org.parent_bureau
    if upper is not None:
        parent_bureau = ParentBureau(org.name_of(upper), _department_functions(org, upper))
    return OrgGraph(
        units,
        [(a, b) for a, b in org.guides if a in inside and b in inside],
        [(a, b) for a, b in org.dispatches if a in inside and b in inside],
        id=f"{org.id}/{unit_id}" if org.id else unit_id,
        name=org.name_of(unit_id),
        description=org.description,
        parent_bureau=parent_bureau,
        catalogue=org.catalogue,
    )


def _department_functions(org: OrgGraph, bureau: str) -> tuple[str, ...]:
    """D(B): the functions of the departments whose nearest bureau is ``bureau``."""
    out: list[str] = []
    stack = list(org.children(bureau))
    while stack:
        u = stack.pop()
        a = org.attrs(u)
        if a["kind"] in BUREAU_KINDS:
            continue
        if a["kind"] in DEPARTMENT_KINDS and a["function"] and a["function"] not in out:
            out.append(a["function"])
        stack.extend(org.children(u))
    return tuple(sorted(out))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().strip()


def find_units(org: OrgGraph, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Units whose name or id contains ``query``, best matches first.

    Full-width and half-width characters match each other (NFKC), case is ignored. Order:
    exact id or name, then names that start with the query, then the rest; within each, units
    nearer the root first.

    Parameters
    ----------
    org : OrgGraph
    query : str
        Part of a Chinese name (``"河西"``) or of an id.
    limit : int
        At most this many results.

    Returns
    -------
    list of dict
        ``{"id", "name", "kind", "kind_name", "depth", "path"}``; ``path`` is the names of the
        unit's ancestors from the root down to its parent, joined by ``" › "``.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "河西县公安局", "county"),
    ...     Unit("s", "河西派出所", "station", parent="b", police=20),
    ... ])
    >>> [(u["id"], u["path"]) for u in find_units(org, "派出所")]
    [('s', '河西县公安局')]
    """
    q = _norm(query)
    if not q:
        return []
    depths = org.depths()
    hits: list[tuple[int, int, str]] = []
    for u in org.order():
        name = _norm(org.name_of(u))
        uid = _norm(u)
        if q in (uid, name):
            rank = 0
        elif name.startswith(q) or uid.startswith(q):
            rank = 1
        elif q in name or q in uid:
            rank = 2
        else:
            continue
        hits.append((rank, depths[u], u))
    hits.sort()
    out = []
    for _, depth, u in hits[:limit]:
        chain = []
        p = org.parent(u)
        while p is not None:
            chain.append(org.name_of(p))
            p = org.parent(p)
        kind = org.attrs(u)["kind"]
        out.append(
            {
                "id": u,
                "name": org.name_of(u),
                "kind": kind,
                "kind_name": KIND_NAMES.get(kind, kind),
                "depth": depth,
                "path": " › ".join(reversed(chain)),
            }
        )
    return out

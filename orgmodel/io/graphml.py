"""GraphML for Gephi and other graph tools, written and read through networkx.

Nodes are units, keyed by unit id, with the attributes of :class:`~orgmodel.model.Unit`
typed as GraphML types (``police`` as ``int``, ``community_share`` as ``double``,
``duty_roster`` as ``boolean``); an attribute a unit does not have (``None``) is left out.
Each node also carries ``label`` (its Chinese name), which Gephi shows; it is ignored on
reading. Edges carry ``type``: ``REPORTS_TO`` (child → parent), ``GUIDES`` (upper department
→ lower department) or ``DISPATCHES`` (情指中心 → unit). Graph attributes: ``orgmodel``
(format version), ``id``, ``name``, ``description``, and, when the organisation has one,
``parent_bureau`` (the name of the bureau above the root) with ``parent_bureau_functions``
(its departments' function codes, comma-separated).

Reading back a file written here gives an equal organisation. Attributes Gephi adds (layout
positions, colours, sizes) are ignored.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from xml.etree.ElementTree import ParseError

import networkx as nx

from orgmodel.catalogue import FunctionCatalogue
from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy
from orgmodel.io._atomic import atomic_output
from orgmodel.io.ids import IdError, normalize_id
from orgmodel.model import (
    EDGE_TYPES,
    NODE_FIELDS,
    REPORTS_TO,
    OrgGraph,
    ParentBureau,
    Unit,
    ValidationIssue,
)

__all__ = ["GRAPHML_VERSION", "read_graphml", "to_networkx", "write_graphml"]

GRAPHML_VERSION = 1
_INTS = ("establishment", "police", "auxiliaries", "leaders")


def to_networkx(org: OrgGraph) -> nx.DiGraph:
    """A plain :class:`networkx.DiGraph` of the organisation, as written to GraphML.

    Nodes come root first, parents before children; ``None`` attributes are left out.
    """
    g: nx.DiGraph = nx.DiGraph()
    meta: dict[str, Any] = {
        "orgmodel": GRAPHML_VERSION,
        "id": org.id,
        "name": org.name,
        "description": org.description,
    }
    if org.parent_bureau is not None:
        meta["parent_bureau"] = org.parent_bureau.name
        meta["parent_bureau_functions"] = ",".join(org.parent_bureau.functions)
    g.graph.update(meta)
    for uid in org.order():
        a = org.attrs(uid)
        attrs: dict[str, Any] = {"label": a["name"]}
        for k in NODE_FIELDS:
            v = a[k]
            if v is None:
                continue
            # One GraphML type per key: shares are always doubles (YAML may hold 0 or 1).
            attrs[k] = float(v) if k == "community_share" else v
        g.add_node(uid, **attrs)
    for uid in org.order():
        p = org.parent(uid)
        if p is not None:
            g.add_edge(uid, p, type=REPORTS_TO)
    for u, v, t in org.graph.edges(data="type"):
        if t != REPORTS_TO:
            g.add_edge(u, v, type=t)
    return g


def write_graphml(org: OrgGraph, path: str | Path) -> Path:
    """Write the organisation as GraphML (UTF-8). Written whole or not at all.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> org = OrgGraph([Unit("b", "某县公安局", "county", police=5),
    ...                 Unit("s", "城关派出所", "station", parent="b", police=20)], id="x")
    >>> p = write_graphml(org, pathlib.Path(tempfile.mkdtemp()) / "x.graphml")
    >>> read_graphml(p) == org
    True
    """
    p = Path(path)
    g = to_networkx(org)
    with atomic_output(p) as tmp:
        nx.write_graphml(g, tmp, encoding="utf-8", prettyprint=True)
    return p


def _int(v: Any) -> Any:
    # Tools that rewrite GraphML (Gephi among them) may turn ints into doubles or strings.
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("+-").isdigit():
        return int(v)
    return v


def _bool(v: Any) -> Any:
    if isinstance(v, str) and v.strip().lower() in ("true", "false"):
        return v.strip().lower() == "true"
    return v


def _graph_element_id(p: Path) -> str:
    for _, el in ElementTree.iterparse(p, events=("start",)):
        if el.tag.rsplit("}", 1)[-1] == "graph":
            return el.get("id") or ""
    return ""


def _nid(node: object) -> str:
    """A node id as every reader stores ids (see :func:`orgmodel.io.ids.normalize_id`)."""
    try:
        return normalize_id(str(node)) or str(node)
    except IdError:
        return str(node)


def read_graphml(path: str | Path, *, catalogue: FunctionCatalogue | None = None) -> OrgGraph:
    """Read an organisation from a GraphML file written by :func:`write_graphml`.

    Raises
    ------
    InputError
        The file is missing or not well-formed GraphML.
    OrgValidationError
        A node lacks ``name`` or ``kind``, an edge has no known ``type``, or the
        organisation breaks a rule of the model (each issue names the node or edge).
    """
    p = Path(path)
    source = str(p)
    try:
        g = nx.read_graphml(p, force_multigraph=False)
    except FileNotFoundError as e:
        raise InputError(lazy("{p}: no such file", p=p)) from e
    except IsADirectoryError as e:
        raise InputError(lazy("{p}: is a folder, not a GraphML file", p=p)) from e
    except (ParseError, nx.NetworkXError, ValueError, KeyError) as e:
        raise InputError(lazy("{p}: not well-formed GraphML: {e}", p=p, e=e)) from e
    if not g.is_directed():
        raise InputError(lazy("{p}: the graph is undirected; orgmodel GraphML is directed", p=p))

    issues: list[ValidationIssue] = []
    parent: dict[str, str | None] = {_nid(n): None for n in g.nodes}
    guides: list[tuple[str, str]] = []
    dispatches: list[tuple[str, str]] = []
    for u, v, t in g.edges(data="type"):
        u, v = _nid(u), _nid(v)
        if t == REPORTS_TO:
            if parent[u] is not None:
                issues.append(
                    ValidationIssue(
                        lazy(
                            "more than one REPORTS_TO edge (to {value!r} and {v!r})",
                            value=parent[u],
                            v=v,
                        ),
                        u,
                        f"node {u!r}",
                    )
                )
            parent[u] = v
        elif t == "GUIDES":
            guides.append((u, v))
        elif t == "DISPATCHES":
            dispatches.append((u, v))
        else:
            issues.append(
                ValidationIssue(
                    lazy(
                        "edge {u!r} → {v!r}: type must be one of {join}, got {t!r}",
                        u=u,
                        v=v,
                        join=join_list(EDGE_TYPES),
                        t=t,
                    )
                )
            )
    units: list[Unit] = []
    where: dict[str, str] = {}
    for n, a in g.nodes(data=True):
        uid = _nid(n)
        where[uid] = lazy("node {uid!r}", uid=uid)
        for req in ("name", "kind"):
            if not a.get(req):
                issues.append(ValidationIssue(lazy("node has no {req}", req=req), uid, where[uid]))
        fields = {k: a[k] for k in NODE_FIELDS if k in a}
        for k in _INTS:
            if k in fields:
                fields[k] = _int(fields[k])
        if "duty_roster" in fields:
            fields["duty_roster"] = _bool(fields["duty_roster"])
        fields.setdefault("name", "")
        fields.setdefault("kind", "")
        units.append(Unit(id=uid, parent=parent[uid], **fields))

    meta = dict(g.graph)
    if "id" not in meta:
        # networkx writes the graph attribute ``id`` as <graph id="…"> but does not read it.
        meta["id"] = _graph_element_id(p)
    pb: ParentBureau | None = None
    if meta.get("parent_bureau"):
        fns = str(meta.get("parent_bureau_functions") or "")
        pb = ParentBureau(
            str(meta["parent_bureau"]), tuple(f.strip() for f in fns.split(",") if f.strip())
        )
    return OrgGraph(
        units,
        guides,
        dispatches,
        id=str(meta.get("id") or ""),
        name=str(meta.get("name") or ""),
        description=str(meta.get("description") or ""),
        parent_bureau=pb,
        catalogue=catalogue,
        where=where,
        issues=issues,
        source=source,
    )

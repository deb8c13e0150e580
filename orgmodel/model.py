"""The organisation graph: units of a public-security organisation (公安机关) and their lines.

Nodes are organisational units (公安部, 省公安厅, 市公安局, 县公安局/分局, 内设机构, 情指中心,
派出所, 派出所内的队/室, 社区警务室). Every unit but the root has exactly one command parent.

Edges of the underlying :class:`networkx.DiGraph` carry a ``type`` attribute:

- ``REPORTS_TO`` (child → parent): the command line, 块. Together these form a tree.
- ``GUIDES`` (upper department → lower department of the same function): the professional
  guidance line, 条 — the visible trace of 上下对口.
- ``DISPATCHES`` (command centre → unit): who the 情指中心 tasks directly.

Node attributes are the fields of :class:`Unit` (without ``parent``, which is the
REPORTS_TO edge). An :class:`OrgGraph` validates on construction and is treated as
immutable afterwards: restructuring builds a new one (see :mod:`orgmodel.restructure`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, fields
from typing import Any

import networkx as nx

from orgmodel.catalogue import FunctionCatalogue, load_catalogue

__all__ = [
    "BUREAU_KINDS",
    "DEPARTMENT_KINDS",
    "DISPATCHES",
    "EDGE_TYPES",
    "FRONTLINE_KINDS",
    "GROUP_KINDS",
    "GUIDES",
    "KINDS",
    "KIND_LEVELS",
    "KIND_NAMES",
    "MAX_HEADCOUNT",
    "ORGAN_KINDS",
    "REPORTS_TO",
    "OrgGraph",
    "OrgValidationError",
    "ParentBureau",
    "Unit",
    "ValidationIssue",
    "placement_issues",
]

REPORTS_TO = "REPORTS_TO"
GUIDES = "GUIDES"
DISPATCHES = "DISPATCHES"
EDGE_TYPES = (REPORTS_TO, GUIDES, DISPATCHES)

#: Unit kinds with their Chinese names (DOMAIN.md, "The graph").
KIND_NAMES: dict[str, str] = {
    "ministry": "公安部",
    "province": "省公安厅",
    "city": "市公安局",
    "county": "县(市、区)公安局/公安分局",
    "department": "内设机构",
    "command_center": "情报指挥中心",
    "station": "派出所",
    "team": "派出所内的队",
    "office": "派出所综合指挥室",
    "community_post": "社区警务室",
    "group": "片区/体系 (协调机构)",
}
KINDS: tuple[str, ...] = tuple(KIND_NAMES)

#: Typical level of each kind; units inside a bureau or station have none of their own.
KIND_LEVELS: dict[str, int] = {
    "ministry": 0,
    "province": 1,
    "city": 2,
    "county": 3,
    "station": 4,
    "community_post": 5,
}

BUREAU_KINDS = frozenset({"ministry", "province", "city", "county"})
FRONTLINE_KINDS = frozenset({"station", "team", "office", "community_post"})
#: Internal units of a bureau (内设机构): departments and the 情指中心.
DEPARTMENT_KINDS = frozenset({"department", "command_center"})
#: Units whose own police are organ police (机关): bureaus and their internal units.
ORGAN_KINDS = BUREAU_KINDS | DEPARTMENT_KINDS
#: Coordinating groups (片区, 体系, 中心所): units bundled under joint command, not merged.
#: A group is a command layer and leads its members, but holds no establishment, no
#: officers and no posts of its own: it is not a 内设机构, never hollow, and has no hidden
#: loss. A station may sit under a station only through a group (中心所 → its stations).
GROUP_KINDS = frozenset({"group"})
#: Kinds that hold a ``function`` from the catalogue.
FUNCTION_KINDS = frozenset({"department", "command_center", "team", "office"})
CATEGORIES = frozenset({"management", "duty", "frontline", "leadership"})


@dataclass(slots=True)
class Unit:
    """One organisational unit (机构).

    ``police`` is 民警实有 posted in the unit itself, not in its sub-units; subtree totals
    are derived. ``leaders`` and ``duty_roster`` left as ``None`` take the defaults of the
    staffing norms (:class:`orgmodel.norms.Norms`).
    """

    id: str
    name: str
    kind: str
    parent: str | None = None
    function: str | None = None
    category: str | None = None
    establishment: int | None = None
    police: int = 0
    auxiliaries: int = 0
    leaders: int | None = None
    duty_roster: bool | None = None
    community_share: float | None = None

    def to_dict(self, *, drop_none: bool = True) -> dict[str, Any]:
        """The unit as a plain dict (the organisation file's unit record)."""
        d = asdict(self)
        if drop_none:
            d = {k: v for k, v in d.items() if v is not None}
        return d


UNIT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Unit))
#: Node attribute names: every Unit field except ``id`` and ``parent``.
NODE_FIELDS: tuple[str, ...] = tuple(f for f in UNIT_FIELDS if f not in ("id", "parent"))
_INT_FIELDS = ("establishment", "police", "auxiliaries", "leaders")

#: Largest headcount (police, auxiliaries, establishment, leaders) one unit may hold: the
#: whole of China's 公安 has about two million police, so a larger figure is a typo or a
#: column mix-up — and would overflow the stores' 64-bit integers long before 10^20.
MAX_HEADCOUNT = 10_000_000

# Control characters (a lone carriage return from an Excel cell, a tab, NUL …) in an id or a
# name break CSV round trips and the stores' bulk import; they are never meant.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _control_char(text: str) -> str | None:
    """A description of the first control character in ``text`` (``None``: there is none)."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    ch = m.group()
    names = {"\r": "carriage return", "\n": "line break", "\t": "tab", "\x00": "NUL"}
    return f"{names.get(ch, 'control character')} U+{ord(ch):04X} at position {m.start() + 1}"


@dataclass(frozen=True, slots=True)
class ParentBureau:
    """The bureau above an organisation's root, kept outside the graph (上级公安机关).

    Only its name and the functions of its departments are known; they let the mirror index
    (上下对口) be measured for a root bureau exported on its own.
    """

    name: str
    functions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ValidationIssue:
    """One problem found in an organisation: which unit, where it came from, and why."""

    message: str
    unit: str | None = None
    where: str | None = None
    #: The unit field at fault (``police``), where one is.
    field: str | None = None

    def __str__(self) -> str:
        place = ", ".join(
            p for p in (self.where, f"unit {self.unit!r}" if self.unit else None) if p
        )
        return f"{place}: {self.message}" if place else self.message


class OrgValidationError(ValueError):
    """An organisation failed validation; ``issues`` lists every violation found at once."""

    def __init__(self, issues: list[ValidationIssue], source: str | None = None) -> None:
        self.issues = issues
        self.source = source
        head = f"{source}: " if source else ""
        n = len(issues)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} in the organisation:"]
        lines += [f"  - {i}" for i in issues]
        super().__init__("\n".join(lines))


class OrgGraph:
    """A validated organisation graph around a :class:`networkx.DiGraph`.

    Build it from :class:`Unit` records and the GUIDES / DISPATCHES pairs; construction checks
    every rule of the model and raises :class:`OrgValidationError` listing all violations.

    Parameters
    ----------
    units : iterable of Unit
        Every unit, each naming its ``parent`` (``None`` for the root).
    guides : iterable of (upper, lower)
        条: professional guidance from an upper bureau's department to a lower bureau's
        department of the same function.
    dispatches : iterable of (command_centre, unit)
        Units a 情指中心 tasks directly.
    id, name, description : str
        The organisation's identity.
    parent_bureau : ParentBureau, optional
        The bureau above the root when it is not in the graph (a county file exported alone):
        its name and the functions of its departments, so the root's 上下对口 can be measured.
    catalogue : FunctionCatalogue, optional
        The function catalogue (警种) to check codes against; the seed catalogue by default.
    where : mapping of unit id to str, optional
        Where each unit came from (``"org.csv row 14"``), used in error messages.
    issues : sequence of ValidationIssue, optional
        Problems a reader already found in the file; they are reported together with the
        model's own, so the user sees every problem at once.
    warnings : sequence of ValidationIssue, optional
        Things a reader noticed that do not stop the import (columns ignored, a 合计 row that
        differs); kept in :attr:`warnings` ahead of the model's own.
    source : str, optional
        The file the organisation came from, named in the error.

    Attributes
    ----------
    warnings : tuple of ValidationIssue
        Rules the field allows to be broken, but which change the shares: a 派出所 under a
        department (大队) rather than a bureau. See :func:`placement_issues`.

    Examples
    --------
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county"),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> org.children("b"), org.parent("p"), len(org)
    (['s'], 's', 3)
    """

    graph: nx.DiGraph
    root: str
    id: str
    name: str
    description: str
    parent_bureau: ParentBureau | None
    catalogue: FunctionCatalogue

    def __init__(
        self,
        units: Iterable[Unit],
        guides: Iterable[tuple[str, str]] = (),
        dispatches: Iterable[tuple[str, str]] = (),
        *,
        id: str = "",
        name: str = "",
        description: str = "",
        parent_bureau: ParentBureau | None = None,
        catalogue: FunctionCatalogue | None = None,
        where: Mapping[str, str] | None = None,
        issues: Iterable[ValidationIssue] = (),
        warnings: Iterable[ValidationIssue] = (),
        source: str | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.description = description
        self.parent_bureau = parent_bureau
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        where = where or {}
        found: list[ValidationIssue] = list(issues)
        if parent_bureau is not None:
            for fn in parent_bureau.functions:
                if fn not in self.catalogue:
                    found.append(ValidationIssue(f"parent_bureau: unknown function code {fn!r}"))
        g: nx.DiGraph = nx.DiGraph()
        parent: dict[str, str | None] = {}
        units = list(units)

        for u in units:
            loc = where.get(u.id)
            if not isinstance(u.id, str) or not u.id:
                found.append(ValidationIssue("unit has no id", None, loc))
                continue
            if u.id in parent:
                found.append(ValidationIssue("duplicate unit id", u.id, loc))
                continue
            bad_char = _control_char(u.id)
            if bad_char:
                found.append(ValidationIssue(f"the unit id holds a {bad_char}", u.id, loc, "id"))
            found.extend(self._check_unit(u, loc))
            parent[u.id] = u.parent
            g.add_node(u.id, **{k: getattr(u, k) for k in NODE_FIELDS})

        roots = [uid for uid, p in parent.items() if p is None]
        if not units:
            found.append(ValidationIssue("the organisation has no units"))
        elif len(roots) == 0:
            found.append(ValidationIssue("no root unit (every unit names a parent)"))
        elif len(roots) > 1:
            found.append(
                ValidationIssue(
                    f"more than one root unit: {', '.join(roots[:10])}"
                    + (" …" if len(roots) > 10 else "")
                    + " (exactly one unit may have no parent)"
                )
            )
        children: dict[str, list[str]] = {uid: [] for uid in parent}
        for uid, p in parent.items():
            if p is None:
                continue
            if p == uid:
                found.append(ValidationIssue("unit is its own parent", uid, where.get(uid)))
            elif p not in parent:
                found.append(ValidationIssue(f"parent {p!r} does not exist", uid, where.get(uid)))
            else:
                children[p].append(uid)
                g.add_edge(uid, p, type=REPORTS_TO)
                if g.nodes[uid]["kind"] == "station" and g.nodes[p]["kind"] == "station":
                    found.append(
                        ValidationIssue(
                            f"a station under the station {p!r}: bundle stations under a "
                            "group (片区, 中心所) instead",
                            uid,
                            where.get(uid),
                        )
                    )

        # Breadth-first order from the root; units not reached sit on a cycle.
        order: list[str] = []
        depth: dict[str, int] = {}
        if len(roots) >= 1:
            queue = deque(roots)
            for r in roots:
                depth[r] = 0
            while queue:
                uid = queue.popleft()
                order.append(uid)
                for c in children[uid]:
                    if c not in depth:
                        depth[c] = depth[uid] + 1
                        queue.append(c)
        if len(order) < len(parent):
            on_cycle = [
                uid
                for uid in parent
                if uid not in depth and parent[uid] in parent and parent[uid] != uid
            ]
            if on_cycle:
                shown = ", ".join(on_cycle[:10]) + (" …" if len(on_cycle) > 10 else "")
                found.append(
                    ValidationIssue(f"REPORTS_TO cycle: units {shown} never reach the root")
                )

        placement_errors, placement_warnings = placement_issues(g, parent, where)
        found.extend(placement_errors)
        for upper, lower in guides:
            found.extend(self._check_guides(g, parent, upper, lower))
        for cc, target in dispatches:
            found.extend(self._check_dispatch(g, cc, target))

        if found:
            raise OrgValidationError(found, source)

        self.warnings: tuple[ValidationIssue, ...] = (*warnings, *placement_warnings)
        self.graph = g
        self.root = roots[0]
        self._parent = parent
        self._children = children
        self._order = order
        self._depth = depth

    # -- validation -------------------------------------------------------------------------

    def _check_unit(self, u: Unit, loc: str | None) -> list[ValidationIssue]:
        out: list[ValidationIssue] = []

        def bad(msg: str, field: str | None = None) -> None:
            out.append(ValidationIssue(msg, u.id, loc, field))

        if not isinstance(u.name, str) or not u.name.strip():
            bad("unit has no name", "name")
        elif bad_char := _control_char(u.name):
            bad(
                f"the name holds a {bad_char}: remove it (Excel writes one for a line break)",
                "name",
            )
        if u.kind not in KIND_NAMES:
            bad(f"unknown kind {u.kind!r} (known: {', '.join(KINDS)})", "kind")
        for f in _INT_FIELDS:
            v = getattr(u, f)
            if v is None and f in ("establishment", "leaders"):
                continue
            if isinstance(v, bool) or not isinstance(v, int):
                bad(f"{f} must be a whole number, got {v!r}", f)
            elif v < 0:
                bad(f"{f} must not be negative, got {v}", f)
            elif v > MAX_HEADCOUNT:
                bad(f"{f} {v} is more than {MAX_HEADCOUNT:,}, not a headcount of one unit", f)
        if u.function is not None:
            if not isinstance(u.function, str):
                bad(f"function must be a function code, got {u.function!r}", "function")
            elif u.function not in self.catalogue:
                bad(f"unknown function code {u.function!r}", "function")
            elif u.kind not in FUNCTION_KINDS:
                bad(
                    f"a {u.kind} unit has no function (functions belong to departments)", "function"
                )
        if u.category is not None and (
            not isinstance(u.category, str) or u.category not in CATEGORIES
        ):
            bad(
                f"unknown category {u.category!r} (known: {', '.join(sorted(CATEGORIES))})",
                "category",
            )
        if u.duty_roster is not None and not isinstance(u.duty_roster, bool):
            bad(f"duty_roster must be true or false, got {u.duty_roster!r}", "duty_roster")
        cs = u.community_share
        if cs is not None and (
            isinstance(cs, bool) or not isinstance(cs, int | float) or not 0 <= cs <= 1
        ):
            bad(f"community_share must be a number between 0 and 1, got {cs!r}", "community_share")
        if u.kind in GROUP_KINDS and (u.police or u.auxiliaries or u.establishment):
            bad(
                "a group (片区/体系) holds no establishment and no officers of its own "
                f"(police {u.police}, auxiliaries {u.auxiliaries}, "
                f"establishment {u.establishment})"
            )
        return out

    def _check_guides(
        self, g: nx.DiGraph, parent: Mapping[str, str | None], upper: str, lower: str
    ) -> list[ValidationIssue]:
        label = f"GUIDES {upper!r} → {lower!r}"
        missing = [x for x in (upper, lower) if x not in g]
        if missing:
            return [ValidationIssue(f"{label}: unit {m!r} does not exist") for m in missing]
        a, b = g.nodes[upper], g.nodes[lower]
        if a["kind"] != "department" or b["kind"] != "department":
            return [ValidationIssue(f"{label}: GUIDES links departments only")]
        if a["function"] is None or a["function"] != b["function"]:
            return [
                ValidationIssue(
                    f"{label}: functions differ ({a['function']!r} vs {b['function']!r}); "
                    "GUIDES links departments of the same function"
                )
            ]
        bu, bl = _bureau_of(parent, g, upper), _bureau_of(parent, g, lower)
        if bu is None or bl is None or bu == bl or not _is_ancestor(parent, bu, bl):
            return [
                ValidationIssue(
                    f"{label}: GUIDES runs from a bureau's department to a department of a "
                    "bureau below it"
                )
            ]
        if g.has_edge(upper, lower):
            return [ValidationIssue(f"{label}: duplicate edge")]
        g.add_edge(upper, lower, type=GUIDES)
        return []

    def _check_dispatch(self, g: nx.DiGraph, cc: str, target: str) -> list[ValidationIssue]:
        label = f"DISPATCHES {cc!r} → {target!r}"
        missing = [x for x in (cc, target) if x not in g]
        if missing:
            return [ValidationIssue(f"{label}: unit {m!r} does not exist") for m in missing]
        if g.nodes[cc]["kind"] != "command_center":
            return [ValidationIssue(f"{label}: only a command_center dispatches")]
        if cc == target or g.has_edge(cc, target):
            return [ValidationIssue(f"{label}: self-dispatch or duplicate edge")]
        g.add_edge(cc, target, type=DISPATCHES)
        return []

    # -- access -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._order)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._parent

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OrgGraph):
            return NotImplemented
        return (
            self.id == other.id
            and self.name == other.name
            and self.description == other.description
            and self.parent_bureau == other.parent_bureau
            and sorted(u.to_dict().items() for u in self.units())
            == sorted(u.to_dict().items() for u in other.units())
            and sorted(self.guides) == sorted(other.guides)
            and sorted(self.dispatches) == sorted(other.dispatches)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"OrgGraph(id={self.id!r}, name={self.name!r}, units={len(self)})"

    def parent(self, unit_id: str) -> str | None:
        """The command parent (REPORTS_TO target) of a unit, ``None`` for the root."""
        return self._parent[unit_id]

    def children(self, unit_id: str) -> list[str]:
        """Direct REPORTS_TO children of a unit, in file order."""
        return self._children[unit_id]

    def attrs(self, unit_id: str) -> dict[str, Any]:
        """The node attribute dict of a unit (read it; do not change it)."""
        return self.graph.nodes[unit_id]

    def unit(self, unit_id: str) -> Unit:
        """A unit as a :class:`Unit` record."""
        a = self.graph.nodes[unit_id]
        return Unit(id=unit_id, parent=self._parent[unit_id], **{k: a[k] for k in NODE_FIELDS})

    def units(self) -> Iterator[Unit]:
        """Every unit, root first, parents before children (breadth-first)."""
        return (self.unit(u) for u in self._order)

    def order(self) -> list[str]:
        """Unit ids breadth-first from the root: every parent comes before its children."""
        return self._order

    def depth(self, unit_id: str) -> int:
        """REPORTS_TO hops from the root (the root is 0)."""
        return self._depth[unit_id]

    def depths(self) -> Mapping[str, int]:
        """Depth of every unit (REPORTS_TO hops from the root)."""
        return self._depth

    def parents(self) -> Mapping[str, str | None]:
        """The parent of every unit."""
        return self._parent

    @property
    def guides(self) -> list[tuple[str, str]]:
        """GUIDES edges as (upper department, lower department)."""
        return [(u, v) for u, v, t in self.graph.edges(data="type") if t == GUIDES]

    @property
    def dispatches(self) -> list[tuple[str, str]]:
        """DISPATCHES edges as (command centre, unit)."""
        return [(u, v) for u, v, t in self.graph.edges(data="type") if t == DISPATCHES]

    def bureau_of(self, unit_id: str) -> str | None:
        """The nearest bureau (公安部/厅/局/分局) at or above a unit."""
        return _bureau_of(self._parent, self.graph, unit_id)

    def category_of(self, unit_id: str) -> str:
        """A unit's category: its own, else its function's default, else by kind.

        Bureaus themselves are ``leadership`` (their own police are the bureau leadership),
        and so are groups (片区, 体系: a command layer without posts of its own);
        stations, teams, offices and posts are ``frontline``.
        """
        a = self.graph.nodes[unit_id]
        if a["category"]:
            return str(a["category"])
        kind = a["kind"]
        if kind in BUREAU_KINDS or kind in GROUP_KINDS:
            return "leadership"
        if kind in FRONTLINE_KINDS:
            return "frontline"
        fn = a["function"]
        if fn and fn in self.catalogue:
            return self.catalogue[fn].category
        return "management"

    def name_of(self, unit_id: str) -> str:
        """The Chinese name of a unit."""
        return str(self.graph.nodes[unit_id]["name"])

    def total_police(self) -> int:
        """Σ police over every unit (民警实有总数)."""
        return sum(a["police"] for _, a in self.graph.nodes(data=True))

    def total_auxiliaries(self) -> int:
        """Σ auxiliaries over every unit (辅警总数)."""
        return sum(a["auxiliaries"] for _, a in self.graph.nodes(data=True))

    def with_units(
        self,
        units: Iterable[Unit],
        guides: Iterable[tuple[str, str]] | None = None,
        dispatches: Iterable[tuple[str, str]] | None = None,
        **meta: str,
    ) -> OrgGraph:
        """A new validated organisation with other units (and, optionally, other edges)."""
        return OrgGraph(
            units,
            self.guides if guides is None else guides,
            self.dispatches if dispatches is None else dispatches,
            id=meta.get("id", self.id),
            name=meta.get("name", self.name),
            description=meta.get("description", self.description),
            parent_bureau=self.parent_bureau,
            catalogue=self.catalogue,
        )


#: Kinds that live inside a 派出所 (DOMAIN.md: "派出所内的队", "派出所综合指挥室").
_STATION_INNER = frozenset({"team", "office"})


def placement_issues(
    g: nx.DiGraph, parent: Mapping[str, str | None], where: Mapping[str, str] | None = None
) -> tuple[list[ValidationIssue], list[ValidationIssue]]:
    """Units placed where their kind does not belong: (errors, warnings).

    Errors: a ``team`` or ``office`` (派出所内的队/室) whose nearest enclosing unit — going up
    past other teams, offices and community posts — is not a ``station``. Such a unit would
    count as frontline outside any 派出所 and raise the station and community shares.

    Warnings: a ``station`` (派出所) whose parent is a department or command centre (a 所
    under a 大队) rather than a bureau. Some forces do place 派出所 so (水上、林区派出所), so
    it is allowed, but the county-level bureau and the organ share read differently.

    Parameters
    ----------
    g : networkx.DiGraph
        Nodes with a ``kind`` attribute.
    parent : mapping of unit id to parent id
        The command parent of every node (``None`` for the root); parents not in ``g`` are
        ignored (reported elsewhere).
    where : mapping of unit id to str, optional
        Where each unit came from, for the messages.
    """
    where = where or {}
    errors: list[ValidationIssue] = []
    warnings: list[ValidationIssue] = []
    kinds = g.nodes
    for uid, p in parent.items():
        kind = kinds[uid]["kind"]
        if kind in _STATION_INNER:
            cur, seen = p, 0
            while (
                cur is not None
                and cur in kinds
                and kinds[cur]["kind"] in _STATION_INNER | {"community_post"}
                and seen <= len(parent)
            ):
                cur, seen = parent.get(cur), seen + 1
            if cur is None or cur not in kinds:
                continue
            if kinds[cur]["kind"] != "station":
                ck = kinds[cur]["kind"]
                errors.append(
                    ValidationIssue(
                        f"{'an' if kind == 'office' else 'a'} {kind} ({KIND_NAMES[kind]}) must sit inside a 派出所 (station), "
                        f"but it is under {kinds[cur]['name']!r} ({KIND_NAMES.get(ck, ck)}); "
                        "if it is a 大队/中队/科室 of the bureau, its kind is department",
                        uid,
                        where.get(uid),
                    )
                )
        elif kind == "station" and p is not None and p in kinds:
            pk = kinds[p]["kind"]
            # Under a station is an error of its own; under a group (片区) is by design.
            if pk in ("department", "command_center"):
                warnings.append(
                    ValidationIssue(
                        f"a 派出所 (station) under {kinds[p]['name']!r} "
                        f"({KIND_NAMES.get(pk, pk)}), not directly under a bureau: it still "
                        "counts as a 派出所 in the station share; check its parent",
                        uid,
                        where.get(uid),
                    )
                )
    return errors, warnings


def _bureau_of(parent: Mapping[str, str | None], g: nx.DiGraph, unit_id: str | None) -> str | None:
    seen = 0
    while unit_id is not None and seen <= len(parent):
        if g.nodes[unit_id]["kind"] in BUREAU_KINDS:
            return unit_id
        unit_id = parent.get(unit_id)
        seen += 1
    return None


def _is_ancestor(parent: Mapping[str, str | None], anc: str, unit_id: str) -> bool:
    p = parent.get(unit_id)
    seen = 0
    while p is not None and seen <= len(parent):
        if p == anc:
            return True
        p = parent.get(p)
        seen += 1
    return False

"""The working copy a plan runs on: copy-on-write :class:`Unit` records over the base columns.

Restructuring a national organisation (~650k units) must not copy or rebuild what a plan
does not touch. A plan runs on a :class:`Workspace`: ``units`` and ``children`` read like
dicts of every unit, but a :class:`Unit` record (or a children list) is copied from the base
organisation's columns only when an operation first reads it; GUIDES / DISPATCHES are
ordered sets. At the end, :meth:`Workspace.result_columns` writes the copied rows over the
base columns and :meth:`OrgGraph.derived` checks the touched units one by one and the tree
and edges as a whole. The base organisation is only read.

The workspace also keeps the books that make the result explainable:

- ``pmix`` / ``amix``: for a unit whose officers changed, how many of its police
  (auxiliaries) came from each base unit (``None`` = hired). Units never touched hold their
  own officers and need no entry.
- ``origins``: the base units a result unit continues (merge: many; split: each part the
  one it came from; a created unit: none).
- ``redirect``: where a merged or split unit's GUIDES / DISPATCHES edges go.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any, cast

import numpy as np

from orgmodel.i18n import N_, join_list, lazy
from orgmodel.model import (
    BUREAU_KINDS,
    CATEGORIES,
    CATEGORY_CODES,
    DEPARTMENT_KINDS,
    FUNCTION_KINDS,
    GROUP_KINDS,
    KIND_NAMES,
    KINDS,
    MAX_HEADCOUNT,
    Columns,
    OrgGraph,
    PatchedList,
    PositionsPatch,
    RowIndex,
    Unit,
    _Tree,
    _tree,
    _tree_walk,
    dispatches_hold,
    field_text,
    guides_hold,
)
from orgmodel.norms import Norms

__all__ = ["OpError", "Workspace", "largest_remainder"]

#: Attributes a plan may set on a unit (police and auxiliaries move only by transfer/hire/retire).
SETTABLE = (
    "name",
    "kind",
    "function",
    "category",
    "establishment",
    "leaders",
    "duty_roster",
    "community_share",
)
#: A bureau's internal units (内设机构), whose officers ``sink`` and templates act on.
ORGAN_KINDS = DEPARTMENT_KINDS


class OpError(Exception):
    """An operation cannot run on the working copy (wrapped into a PlanError by apply_plan)."""


def largest_remainder(weights: list[float], total: int) -> list[int]:
    """Split a whole number ``total`` in proportion to ``weights`` (Hamilton's method).

    Ties are broken by position, so the split is deterministic.

    >>> largest_remainder([1, 1, 1], 10)
    [4, 3, 3]
    """
    s = float(sum(weights))
    if total == 0 or not weights:
        return [0] * len(weights)
    if s <= 0:
        weights = [1.0] * len(weights)
        s = float(len(weights))
    quotas = [w * total / s for w in weights]
    out = [math.floor(q) for q in quotas]
    rest = total - sum(out)
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


class _Units(MutableMapping[str, Unit]):
    """Unit id → :class:`Unit`, copied from the base organisation when first read."""

    def __init__(self, base: OrgGraph) -> None:
        self.base = base
        #: Units read (and perhaps changed) so far, and units created by the plan.
        self.own: dict[str, Unit] = {}
        #: Base units removed by the plan.
        self.gone: set[str] = set()
        #: Units created by the plan, in creation order.
        self.created: list[str] = []
        self._gone_rows: tuple[int, dict[str, int], np.ndarray] | None = None

    def __getitem__(self, uid: str) -> Unit:
        u = self.own.get(uid)
        if u is None:
            if uid in self.gone or uid not in self.base:
                raise KeyError(uid)
            u = self.own[uid] = self.base.unit(uid)
        return u

    def __contains__(self, uid: object) -> bool:
        return uid in self.own or (uid not in self.gone and uid in self.base)

    def __setitem__(self, uid: str, unit: Unit) -> None:
        if uid not in self.own and uid not in self.base:
            self.created.append(uid)
        self.own[uid] = unit

    def __delitem__(self, uid: str) -> None:
        if uid not in self:
            raise KeyError(uid)
        self.own.pop(uid, None)
        if uid in self.base:
            self.gone.add(uid)
        else:
            self.created.remove(uid)

    def __iter__(self) -> Iterator[str]:
        for uid in self.base.order():
            if uid not in self.gone:
                yield uid
        yield from self.created

    def __len__(self) -> int:
        return len(self.base) - len(self.gone) + len(self.created)

    def gone_rows(self) -> tuple[dict[str, int], np.ndarray]:
        """The removed base units' rows, by id and as a sorted array (kept until one more
        is removed: a removed unit never comes back)."""
        c = self._gone_rows
        if c is None or c[0] != len(self.gone):
            index = self.base.index
            rows = {u: index[u] for u in self.gone}
            c = self._gone_rows = (
                len(self.gone),
                rows,
                np.array(sorted(rows.values()), dtype=np.int64),
            )
        return c[1], c[2]

    def total(self, field: str) -> int:
        """Σ of ``police`` or ``auxiliaries`` over the current units."""
        col = getattr(self.base.columns, field)
        index = self.base.index
        out = int(col.sum())
        out -= int(col[self.gone_rows()[1]].sum())
        rows = [r for r in map(index.get, self.own) if r is not None]
        if rows:
            out -= int(col[np.array(rows, dtype=np.int64)].sum())
        return out + sum([getattr(u, field) for u in self.own.values()])


class _Children(MutableMapping[str, list[str]]):
    """Unit id → its children list, copied from the base organisation when first read."""

    def __init__(self, units: _Units) -> None:
        self.units = units
        self.own: dict[str, list[str]] = {}

    def __getitem__(self, uid: str) -> list[str]:
        kids = self.own.get(uid)
        if kids is None:
            if uid not in self.units:
                raise KeyError(uid)
            base = self.units.base
            kids = self.own[uid] = list(base.children(uid)) if uid in base else []
        return kids

    def __contains__(self, uid: object) -> bool:
        return uid in self.own or uid in self.units

    def __setitem__(self, uid: str, kids: list[str]) -> None:
        self.own[uid] = kids

    def __delitem__(self, uid: str) -> None:
        self.own.pop(uid, None)

    def __iter__(self) -> Iterator[str]:
        return iter(self.units)

    def __len__(self) -> int:
        return len(self.units)


class _Edges(MutableMapping[tuple[str, str], None]):
    """An ordered set of edges (a dict of edge → None): the base's list, with the plan's
    removals and additions kept apart, so that a plan that never touches them costs
    nothing. Iteration gives the base's edges still there, in order, then the added ones.

    The base's list of id pairs is asked of the organisation only when an operation reads
    the edges (an organisation read from a file makes its pairs when first asked: tens of
    thousands of tuples in a national file); until then the rows of their ends stand for
    them (:meth:`pair`)."""

    def __init__(self, org: OrgGraph, guides: bool) -> None:
        self._org, self._of_guides = org, guides
        self._base: list[tuple[str, str]] | None = None
        self._rows = org.guide_rows if guides else org.dispatch_rows
        #: Positions in ``base`` of the edges removed.
        self.removed: set[int] = set()
        self.added: dict[tuple[str, str], None] = {}
        self._pos: dict[tuple[str, str], int] | None = None

    @property
    def base(self) -> list[tuple[str, str]]:
        """The base's edges, as id pairs."""
        if self._base is None:
            self._base = self._org.guides if self._of_guides else self._org.dispatches
        return self._base

    @property
    def base_size(self) -> int:
        """How many edges the base has."""
        return len(self._rows)

    def pair(self, i: int) -> tuple[str, str]:
        """The base's edge ``i`` (``base[i]``), as an id pair."""
        if self._base is not None:
            return self._base[i]
        cols = self._org.columns
        a, b = self._rows[i].tolist()
        return cols.id_at(a), cols.id_at(b)

    def _at(self, e: object) -> int | None:
        if self._pos is None:
            self._pos = {x: i for i, x in enumerate(self.base)}
        i = self._pos.get(e)  # type: ignore[call-overload]
        return None if i is None or i in self.removed else i

    def __contains__(self, e: object) -> bool:
        return e in self.added or self._at(e) is not None

    def __getitem__(self, e: tuple[str, str]) -> None:
        if e not in self:
            raise KeyError(e)
        return None

    def __setitem__(self, e: tuple[str, str], value: None) -> None:
        if e not in self:
            self.added[e] = None

    def __delitem__(self, e: tuple[str, str]) -> None:
        if e in self.added:
            del self.added[e]
            return
        i = self._at(e)
        if i is None:
            raise KeyError(e)
        self.removed.add(i)

    def __iter__(self) -> Iterator[tuple[str, str]]:
        if self.removed:
            gone = self.removed
            yield from (e for i, e in enumerate(self.base) if i not in gone)
        else:
            yield from self.base
        yield from self.added

    def __len__(self) -> int:
        return self.base_size - len(self.removed) + len(self.added)


class _Ever:
    """Ids used by the base or by the plan (a removed id is never reused)."""

    def __init__(self, base: OrgGraph) -> None:
        self.base = base
        self.added: set[str] = set()

    def __contains__(self, uid: object) -> bool:
        return uid in self.base or uid in self.added

    def add(self, uid: str) -> None:
        self.added.add(uid)


def _take(mix: dict[str | None, int], n: int) -> dict[str | None, int]:
    """Remove ``n`` officers from a mix, proportionally to where they came from."""
    total = sum(mix.values())
    if n >= total:
        taken = {k: v for k, v in mix.items() if v}
        mix.clear()
        return taken
    keys = list(mix)
    parts = largest_remainder([mix[k] for k in keys], n)
    taken = {}
    for k, p in zip(keys, parts, strict=True):
        if p:
            taken[k] = p
            mix[k] -= p
            if not mix[k]:
                del mix[k]
    return taken


def _add(mix: dict[str | None, int], more: dict[str | None, int]) -> None:
    for k, v in more.items():
        mix[k] = mix.get(k, 0) + v


class Workspace:
    """A mutable working copy of an organisation; see the module docstring."""

    def __init__(self, org: OrgGraph, norms: Norms | None = None) -> None:
        self.base = org
        self.norms = norms
        self.catalogue = org.catalogue
        self.units = _Units(org)
        self.children = _Children(self.units)
        #: Whether a unit has moved, been created or removed (the base's order no longer holds).
        self.reshaped = False
        self.root = org.root
        self.guides = _Edges(org, True)
        self.dispatches = _Edges(org, False)
        self.pmix: dict[str, dict[str | None, int]] = {}
        self.amix: dict[str, dict[str | None, int]] = {}
        self.retired_p: dict[str | None, int] = {}
        self.retired_a: dict[str | None, int] = {}
        self.hired_p = 0
        self.hired_a = 0
        self.origins: dict[str, set[str]] = {}
        self.redirect: dict[str, str] = {}
        #: Groups (片区/体系) a unit left during the current operation: checked after it.
        self.vacated: set[str] = set()
        self.ever = _Ever(org)
        #: Folder for relative template paths (the plan file's folder).
        self.base_dir: Path | None = None

    # -- lookups ----------------------------------------------------------------------------

    def get(self, uid: Any, what: str = "unit") -> Unit:
        """The unit, or an error naming the unknown id."""
        if not isinstance(uid, str) or uid not in self.units:
            noun, _sep, role = what.partition(" (")
            raise OpError(
                lazy(
                    "unknown {noun} {uid!r}{role}",
                    noun=lazy(_NOUNS[noun]) if noun in _NOUNS else noun,
                    uid=uid,
                    role=f" ({role}" if role else "",
                )
            )
        return self.units[uid]

    def ids(self, value: Any, what: str = "unit") -> list[str]:
        """One id or a list of ids, each checked to exist, no repeats."""
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            raise OpError(
                lazy(
                    "expected a {what} id or a non-empty list of ids, got {value!r}",
                    what=what,
                    value=value,
                )
            )
        seen: set[str] = set()
        for u in items:
            self.get(u, what)
            if u in seen:
                raise OpError(lazy("{what} {u!r} is listed twice", what=what, u=u))
            seen.add(u)
        return list(items)

    def label(self, uid: str) -> str:
        """A unit as step lists show it: its Chinese name, with the id in brackets."""
        u = self.units.get(uid)
        return f"{u.name}（{uid}）" if u is not None else uid

    def labels(self, uids: list[str], limit: int = 3) -> str:
        """Several units: the first few names, then how many more (等 N 个)."""
        shown = "、".join(self.units[u].name if u in self.units else u for u in uids[:limit])
        return shown + (f" 等 {len(uids)} 个" if len(uids) > limit else "")

    def is_in_subtree(self, uid: str, top: str) -> bool:
        """Whether ``uid`` is ``top`` or lies below it."""
        cur: str | None = uid
        while cur is not None:
            if cur == top:
                return True
            cur = self.parent_of(cur)
        return False

    def parent_of(self, uid: str) -> str | None:
        """A unit's parent (read without copying the unit)."""
        u = self.units.own.get(uid)
        if u is not None:
            return u.parent
        if uid not in self.units:
            raise KeyError(uid)
        return self.base.parent(uid)

    def kind_of(self, uid: str) -> str:
        """A unit's kind (read without copying the unit)."""
        u = self.units.own.get(uid)
        if u is not None:
            return u.kind
        if uid not in self.units:
            raise KeyError(uid)
        base = self.base
        return KINDS[base.columns.kind[base.index[uid]]]

    def function_of(self, uid: str) -> str | None:
        """A unit's function code (read without copying the unit)."""
        u = self.units.own.get(uid)
        if u is not None:
            return u.function
        if uid not in self.units:
            raise KeyError(uid)
        b = self.base.columns
        f = int(b.function[self.base.index[uid]])
        return b.functions[f] if f >= 0 else None

    def kids(self, uid: str) -> list[str]:
        """A unit's children (read it; without copying the list)."""
        k = self.children.own.get(uid)
        if k is not None:
            return k
        return self.base.children(uid) if uid in self.base else []

    def subtree(self, top: str) -> Iterator[str]:
        """``top`` and every unit below it, parents first (depth-first)."""
        if not self.reshaped and top in self.base:
            # No unit has moved, come or gone: the base's depth-first order holds.
            base = self.base
            rows, place, size = base.preorder
            i = base.index[top]
            ids = base.columns.ids
            for r in rows[place[i] : place[i] + size[i]].tolist():
                yield ids[r]
            return
        stack = [top]
        while stack:
            u = stack.pop()
            yield u
            stack.extend(reversed(self.kids(u)))

    def bureau_of(self, uid: str | None) -> str | None:
        """The nearest bureau at or above a unit."""
        while uid is not None:
            if self.kind_of(uid) in BUREAU_KINDS:
                return uid
            uid = self.parent_of(uid)
        return None

    def own_units(self, bureau: str, kinds: Iterable[str] | None = None) -> list[str]:
        """Units below a bureau that are not inside a lower bureau (optionally of some kinds)."""
        want = frozenset(kinds) if kinds is not None else None
        out = []
        stack = list(reversed(self.kids(bureau)))
        while stack:
            u = stack.pop()
            k = self.kind_of(u)
            if k in BUREAU_KINDS:
                continue
            if want is None or k in want:
                out.append(u)
            stack.extend(reversed(self.kids(u)))
        return out

    def bureaus(self, scope: str, kind: str | None) -> list[str]:
        """Bureaus of a kind at or below ``scope`` (every bureau when ``kind`` is None)."""
        if not self.reshaped and scope in self.base:
            base = self.base
            rows, place, size = base.preorder
            i = base.index[scope]
            lo, hi = place[i], place[i] + size[i]
            sub = rows[lo:hi]
            k = base.columns.kind[sub].copy()
            for uid, own in self.units.own.items():  # kinds a plan has set
                p = place[base.index[uid]]
                if lo <= p < hi:
                    k[p - lo] = KINDS.index(own.kind) if own.kind in KINDS else -1
            hit = np.isin(k, [KINDS.index(x) for x in BUREAU_KINDS if kind is None or x == kind])
            ids = base.columns.ids
            return [ids[r] for r in sub[hit].tolist()]
        out = []
        for u in self.subtree(scope):
            k = self.kind_of(u)
            if k in BUREAU_KINDS and (kind is None or k == kind):
                out.append(u)
        return out

    def leader_posts(self, uid: str) -> int:
        """Leader posts of a unit: its own ``leaders``, else the norm for its kind."""
        u = self.units[uid]
        if u.leaders is not None:
            return u.leaders
        if self.norms is not None and u.kind in self.norms.kinds:
            return self.norms[u.kind].leaders
        return 0

    # -- officers ---------------------------------------------------------------------------

    def _mix(self, uid: str, field: str) -> dict[str | None, int]:
        books = self.pmix if field == "police" else self.amix
        m = books.get(uid)
        if m is None:
            n = getattr(self.units[uid], field)
            m = books[uid] = {uid: n} if n else {}
        return m

    def move(self, src: str | None, dst: str | None, n: int, field: str = "police") -> None:
        """Move ``n`` police (or auxiliaries) from ``src`` to ``dst``; ``None`` hires/retires."""
        if n <= 0:
            return
        if src is None:
            taken: dict[str | None, int] = {None: n}
            if field == "police":
                self.hired_p += n
            else:
                self.hired_a += n
        else:
            have = getattr(self.units[src], field)
            if n > have:
                raise OpError(
                    lazy(
                        "unit {src!r} has {have} {field}, cannot give {n}",
                        src=src,
                        have=have,
                        field=field_text(field),
                        n=n,
                    )
                )
            taken = _take(self._mix(src, field), n)
            setattr(self.units[src], field, have - n)
        if dst is None:
            _add(self.retired_p if field == "police" else self.retired_a, taken)
        else:
            u = self.units[dst]
            if u.kind in GROUP_KINDS:
                raise OpError(
                    lazy(
                        "{label} is a group (片区/体系): it holds no officers of its own",
                        label=self.label(dst),
                    )
                )
            if src is None and getattr(u, field) + n > MAX_HEADCOUNT:
                raise OpError(
                    lazy(
                        "hiring {n} {field} would give {label} {total}, more than {max:,}, the most one unit may hold",
                        n=n,
                        field=field_text(field),
                        label=self.label(dst),
                        total=getattr(u, field) + n,
                        max=MAX_HEADCOUNT,
                    )
                )
            _add(self._mix(dst, field), taken)
            setattr(u, field, getattr(u, field) + n)

    def move_all(self, src: str, dst: str | None) -> None:
        """Move every police officer and auxiliary of ``src`` to ``dst`` (None retires)."""
        self.move(src, dst, self.units[src].police, "police")
        self.move(src, dst, self.units[src].auxiliaries, "auxiliaries")

    def draw(
        self, sources: list[str], n: int, field: str, keep: dict[str, int] | None = None
    ) -> list[tuple[str, int]]:
        """Pick ``n`` officers from several units in proportion to what each can give.

        Returns ``[(unit, count), ...]``; raises when the units hold too few.
        """
        keep = keep or {}
        avail = [max(0, getattr(self.units[s], field) - keep.get(s, 0)) for s in sources]
        if n > sum(avail):
            raise OpError(
                lazy(
                    "asks for {n} {field} but the units named can give only {sum}",
                    n=n,
                    field=field_text(field),
                    sum=sum(avail),
                )
            )
        return [(s, k) for s, k in zip(sources, largest_remainder(avail, n), strict=True) if k]

    # -- structure --------------------------------------------------------------------------

    def origins_of(self, uid: str) -> set[str]:
        """Base units a working unit continues (itself, for an untouched base unit)."""
        o = self.origins.get(uid)
        if o is None:
            o = self.origins[uid] = {uid} if uid in self.base else set()
        return o

    def check_new_id(self, uid: Any) -> str:
        """A fresh unit id: not in use and never used by this plan or the base."""
        if not isinstance(uid, str) or not uid:
            raise OpError(lazy("a new unit needs a non-empty string id, got {uid!r}", uid=uid))
        if uid in self.ever:
            raise OpError(lazy("unit id {uid!r} is already taken", uid=uid))
        return uid

    def new_unit(self, spec: Any, *, parent: str | None = None, index: int | None = None) -> Unit:
        """Create a unit from a mapping of its fields (no officers yet)."""
        if not isinstance(spec, dict):
            raise OpError(
                lazy("a new unit must be a mapping of its fields, got {spec!r}", spec=spec)
            )
        allowed = {"id", "name", "parent", *SETTABLE}
        extra = sorted(set(spec) - allowed)
        if extra:
            hint = " (officers come with 'police'/'from'/'hire')" if "police" in extra else ""
            raise OpError(
                lazy("unknown unit field(s) {join}{hint}", join=join_list(extra), hint=hint)
            )
        uid = self.check_new_id(spec.get("id"))
        self.reshaped = True
        p = spec.get("parent", parent)
        if p is None:
            raise OpError(lazy("new unit {uid!r} needs a parent", uid=uid))
        self.get(p, "parent")
        unit = Unit(id=uid, name=str(spec.get("name") or ""), kind=str(spec.get("kind") or ""))
        unit.parent = p
        self.set_attrs(unit, {k: v for k, v in spec.items() if k in SETTABLE})
        self.units[uid] = unit
        self.children[uid] = []
        sib = self.children[p]
        sib.insert(len(sib) if index is None else index, uid)
        self.ever.add(uid)
        self.pmix[uid] = {}
        self.amix[uid] = {}
        self.origins[uid] = set()
        return unit

    def set_attrs(self, unit: Unit, attrs: dict[str, Any]) -> None:
        """Set attributes of a unit, checking each value the way the model does."""
        trial = replace(unit)
        for k, v in attrs.items():
            if k in ("police", "auxiliaries"):
                raise OpError(lazy("{k} changes only by transfer, hire or retire", k=k))
            if k == "parent":
                raise OpError(lazy("a unit's parent changes only by move"))
            if k not in SETTABLE:
                raise OpError(
                    lazy(
                        "unknown attribute {k!r} (settable: {join})", k=k, join=join_list(SETTABLE)
                    )
                )
            setattr(trial, k, v)
        problems = check_unit_fields(trial, self)
        if problems:
            raise OpError(lazy("unit {uid!r}: {problems}", uid=unit.id, problems=joined(problems)))
        for k in attrs:
            setattr(unit, k, getattr(trial, k))

    def reparent(self, uid: str, new_parent: str, index: int | None = None) -> None:
        """Move a unit (with its subtree) under another unit."""
        if uid == self.root:
            raise OpError(lazy("cannot move the root {uid!r}", uid=uid))
        if new_parent == uid:
            raise OpError(lazy("cannot move {uid!r} under itself", uid=uid))
        if self.is_in_subtree(new_parent, uid):
            raise OpError(
                lazy(
                    "cannot move {uid!r} under its own descendant {new_parent!r}",
                    uid=uid,
                    new_parent=new_parent,
                )
            )
        self.reshaped = True
        u = self.units[uid]
        if u.parent == new_parent and index is None:
            return
        assert u.parent is not None
        if self.kind_of(u.parent) in GROUP_KINDS:
            self.vacated.add(u.parent)
        self.children[u.parent].remove(uid)
        sib = self.children[new_parent]
        sib.insert(len(sib) if index is None else min(index, len(sib)), uid)
        u.parent = new_parent

    def remove(self, uid: str, redirect_to: str | None = None) -> None:
        """Remove an empty leaf unit; its edges follow ``redirect_to`` or are dropped."""
        u = self.units[uid]
        assert not self.children[uid] and not u.police and not u.auxiliaries, uid
        self.reshaped = True
        assert u.parent is not None
        if self.kind_of(u.parent) in GROUP_KINDS:
            self.vacated.add(u.parent)
        self.children[u.parent].remove(uid)
        del self.units[uid]
        del self.children[uid]
        self.pmix.pop(uid, None)
        self.amix.pop(uid, None)
        self.origins.pop(uid, None)
        if redirect_to is not None:
            self.redirect[uid] = redirect_to
        else:
            self.redirect[uid] = ""

    def check_vacated_groups(self) -> None:
        """After an operation: a group (片区/体系) that its units left holds some unit still.

        Raises
        ------
        OpError
            A group was left with no units: it commands nothing (a group holds no officers of
            its own, only whole units).
        """
        vacated, self.vacated = self.vacated, set()
        for g in sorted(vacated):
            if g in self.units and not self.kids(g):
                raise OpError(
                    lazy(
                        "{label} would be left with no units: a group (片区/体系) commands whole units; move them with the group, or dissolve it with remove_layer",
                        label=self.label(g),
                    )
                )

    def absorb(self, src: str, dst: str, *, merge: bool) -> None:
        """Fold ``src`` into ``dst``: officers and children go there, then ``src`` is removed.

        With ``merge`` the result continues ``src`` (lineage) and takes its edges; without it
        (close) ``src`` simply ends.
        """
        self.move_all(src, dst)
        for c in list(self.children[src]):
            self.reparent(c, dst)
        if merge:
            self.origins_of(dst).update(self.origins_of(src))
            a, b = self.units[src].establishment, self.units[dst].establishment
            if a is not None:
                self.units[dst].establishment = (b or 0) + a
        self.remove(src, dst if merge else None)

    # -- templates on many bureaus ------------------------------------------------------------
    # What ``apply_template`` does to a bureau, unit by unit through :meth:`new_unit` and
    # :meth:`absorb`, done here for departments the plan has not touched, read straight from
    # the base's columns: the working copy, the books and their order come out the same.

    def fresh_for_template(self, bureau: str, plan: list[tuple[str, list[str]]]) -> bool:
        """Whether every unit to be folded (``plan``: large department id and the
        departments it takes) is a base unit the plan has not touched, under ``bureau`` in
        the base, and every large department's id is new or one of its own departments
        (else the template runs unit by unit, and names any problem)."""
        base = self.base
        index = base.index
        b = index.get(bureau)
        if b is None:
            return False
        new_ids = [t for t, _m in plan]
        if len(set(new_ids)) != len(new_ids):
            return False
        own, kids_own, gone = self.units.own, self.children.own, self.units.gone
        pmix, amix, origins = self.pmix, self.amix, self.origins
        rows = []
        for t, members in plan:
            if t in self.ever and t not in members:
                return False
            for m in members:
                r = index.get(m)
                if (
                    r is None
                    or m in own
                    or m in kids_own
                    or m in pmix
                    or m in amix
                    or m in origins
                    or m in gone
                ):
                    return False
                rows.append(r)
        return bool((base.columns.parent[rows] == b).all())

    def fold_template(
        self, bureau: str, first: int, made: list[tuple[str, dict[str, Any], list[str]]]
    ) -> None:
        """A template on one bureau that :meth:`fresh_for_template` accepted: each large
        department (id, checked attributes, the departments it takes) made at sibling place
        ``first``, ``first + 1``, … — a new unit, or the department of that id, changed and
        moved there — then the others folded into it; as :meth:`new_unit`,
        :meth:`set_attrs`, :meth:`reparent` and :meth:`absorb` would, in the same order."""
        for j, (uid, attrs, members) in enumerate(made):
            if uid in members:
                u = self.units[uid]
                for k, v in attrs.items():
                    setattr(u, k, v)
                self.reparent(uid, bureau, index=first + j)
                continue
            self.reshaped = True
            _ = self.units[bureau]  # copied first, as new_unit's parent check does
            self.units[uid] = Unit(id=uid, parent=bureau, **attrs)
            self.children[uid] = []
            self.children[bureau].insert(first + j, uid)
            self.ever.add(uid)
            self.pmix[uid] = {}
            self.amix[uid] = {}
            self.origins[uid] = set()
        # What absorb reads of each department folded, from the columns in one go.
        base = self.base
        index, cols, starts = base.index, base.columns, base._tree.starts
        rows = np.array([index[m] for _u, _a, ms in made for m in ms], dtype=np.int64)
        values = zip(
            cols.police[rows].tolist(),
            cols.auxiliaries[rows].tolist(),
            cols.establishment[rows].tolist(),
            (starts[rows + 1] - starts[rows]).tolist(),
            strict=True,
        )
        for uid, _attrs, members in made:
            self._fold_fresh(members, uid, values)

    def _fold_fresh(
        self, members: list[str], target: str, values: Iterator[tuple[int, int, int, int]]
    ) -> None:
        """:meth:`absorb` (``merge=True``) into ``target`` of each of ``members`` (but the
        target), base units the plan has not touched; ``values`` gives each member's police,
        auxiliaries, establishment and number of children."""
        u = self.units.own[target]
        assert u.parent is not None
        siblings = self.children[u.parent]
        gone, kids_own, redirect = self.units.gone, self.children.own, self.redirect
        for m in members:
            police, aux, est, kids = next(values)
            if m == target:
                continue
            if police > 0:
                mix = self._mix(target, "police")
                mix[m] = mix.get(m, 0) + police
                u.police += police
            if aux > 0:
                mix = self._mix(target, "auxiliaries")
                mix[m] = mix.get(m, 0) + aux
                u.auxiliaries += aux
            if kids:
                for c in list(self.children[m]):
                    self.reparent(c, target)
            self.origins_of(target).add(m)
            if est >= 0:
                u.establishment = (u.establishment or 0) + est
            self.reshaped = True
            siblings.remove(m)
            gone.add(m)
            kids_own.pop(m, None)
            redirect[m] = target

    # -- the end ----------------------------------------------------------------------------

    def resolve(self, uid: str) -> str | None:
        """Where an id's edges end up after merges and splits (None if the unit is gone)."""
        seen = 0
        while uid not in self.units:
            nxt = self.redirect.get(uid)
            if not nxt or seen > len(self.redirect):
                return None
            uid = nxt
            seen += 1
        return uid

    def final_edges(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list, list]:
        """GUIDES and DISPATCHES after redirects, with the edges that no longer hold.

        Returns ``(guides, dispatches, dropped_guides, dropped_dispatches)``. A GUIDES edge is
        dropped when an end is gone or no longer a department of the same function in a bureau
        below the upper one (a 大部门 no longer mirrors one upper 警种); a DISPATCHES edge when
        an end is gone or its source is no longer a command centre.
        """
        guides: dict[tuple[str, str], None] = {}
        dropped_g = []
        for a, b in self.guides:
            ra, rb = self.resolve(a), self.resolve(b)
            ok = ra is not None and rb is not None and ra != rb
            if ok:
                assert ra is not None and rb is not None
                ua, ub = self.units[ra], self.units[rb]
                ba, bb = self.bureau_of(ra), self.bureau_of(rb)
                ok = (
                    ua.kind == "department"
                    and ub.kind == "department"
                    and ua.function is not None
                    and ua.function == ub.function
                    and ba is not None
                    and bb is not None
                    and ba != bb
                    and self.is_in_subtree(bb, ba)
                )
            if ok and (ra, rb) not in guides:
                assert ra is not None and rb is not None
                guides[(ra, rb)] = None
            elif not ok:
                dropped_g.append((a, b))
        disp: dict[tuple[str, str], None] = {}
        dropped_d = []
        for a, b in self.dispatches:
            ra, rb = self.resolve(a), self.resolve(b)
            ok = (
                ra is not None
                and rb is not None
                and ra != rb
                and self.units[ra].kind == "command_center"
            )
            if ok and (ra, rb) not in disp:
                assert ra is not None and rb is not None
                disp[(ra, rb)] = None
            elif not ok:
                dropped_d.append((a, b))
        return list(guides), list(disp), dropped_g, dropped_d

    def result_columns(self) -> Built | None:
        """The organisation the plan made, as columns (copy-on-write).

        The result keeps the base's rows in their order, without the removed units, and
        appends the created ones; a column the plan did not change is the base's own array.
        Only the rows of the units read, changed or created are written from their records,
        and the command tree is rebuilt from the base's children lists with only the lists
        the plan holds replaced (no sort over the whole organisation). Returns ``None`` when
        the result is not one tree or a value does not fit its column (the caller then
        builds it unit by unit for the precise error).
        """
        base = self.base
        b = base.columns
        index = base.index
        n = len(b.ids)
        own, created = self.units.own, self.units.created
        m = len(created)
        gone, gone_rows = self.units.gone_rows()
        g = len(gone_rows)
        nr = n - g + m
        new_row = _row_map(n, gone_rows, m)
        new_base = new_row[:n]
        created_row = {uid: n - g + j for j, uid in enumerate(created)}

        def at(uid: str) -> int:
            r = index.get(uid)
            return created_row[uid] if r is None else int(new_base[r])

        # The id and name lists are the base's with the changes kept apart, made whole only
        # when read whole (a one-unit edit copies no list of every unit).
        gone_list = gone_rows.tolist()
        ids: list[str] = b.ids
        if g or m:
            ids = cast("list[str]", PatchedList(b.ids, gone_list, list(created), {}))
        touched = list(own.values())
        base_rows = np.array([index.get(uid, -1) for uid in own], dtype=np.int64)
        tr = np.array([at(uid) for uid in own], dtype=np.int64)
        from_base = base_rows >= 0
        br = base_rows[from_base]

        differs = np.zeros(len(br), dtype=bool)

        def column(a: np.ndarray, fill: Any, values: list[Any]) -> np.ndarray:
            vals = np.array(values, dtype=a.dtype) if values else np.zeros(0, dtype=a.dtype)
            old, now = a[br], vals[from_base]
            if a.dtype.kind == "f":
                differs[...] |= ~((old == now) | (np.isnan(old) & np.isnan(now)))
            else:
                differs[...] |= old != now
            if not g and not m:
                if np.array_equal(a[br], vals) and not (vals != vals).any():
                    return a  # the plan changed nothing in this column
                out = a.copy()
            else:
                out = _cut(a, gone_rows, m, fill)
            if len(tr):
                out[tr] = vals
            return out

        functions = list(b.functions)
        fn_code = {f: i for i, f in enumerate(functions)}
        kind_code = {k: i for i, k in enumerate(KINDS)}
        cat_code = {c: i for i, c in enumerate(CATEGORY_CODES)}
        try:
            for u in touched:
                if u.function is not None and u.function not in fn_code:
                    fn_code[u.function] = len(functions)
                    functions.append(u.function)
            p_vals = [-1 if u.parent is None else at(u.parent) for u in touched]
            kind = column(b.kind, 0, [kind_code[u.kind] for u in touched])
            function = column(
                b.function, -1, [-1 if u.function is None else fn_code[u.function] for u in touched]
            )
            category = column(
                b.category,
                -1,
                [-1 if u.category is None else cat_code[u.category] for u in touched],
            )
            est = column(
                b.establishment, -1,
                [-1 if u.establishment is None else u.establishment for u in touched],
            )  # fmt: skip
            police = column(b.police, 0, [u.police for u in touched])
            aux = column(b.auxiliaries, 0, [u.auxiliaries for u in touched])
            leaders = column(
                b.leaders, -1, [-1 if u.leaders is None else u.leaders for u in touched]
            )
            roster = column(
                b.duty_roster, -1,
                [-1 if u.duty_roster is None else int(u.duty_roster) for u in touched],
            )  # fmt: skip
            share = column(
                b.community_share, np.nan,
                [np.nan if u.community_share is None else u.community_share for u in touched],
            )  # fmt: skip
            # Parents: base rows shifted past the removed ones, then the touched rows'.
            bp = b.parent
            if g or m:
                parent = _renumbered(_cut(bp, gone_rows, m, -1), gone_rows, new_row)
                if len(tr):
                    parent[tr] = p_vals
            elif len(tr) and not np.array_equal(bp[tr], p_vals):
                parent = bp.copy()
                parent[tr] = p_vals
            else:
                parent = bp  # no unit changed parent: the base's column
            self._parents_kept = parent is bp
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        b_names = b.names
        tail = [""] * m
        patch: dict[int, str] = {}
        slot = (np.cumsum(from_base) - 1).tolist()
        for k, (j, u, r) in enumerate(zip(tr.tolist(), touched, base_rows.tolist(), strict=True)):
            if r < 0:
                tail[j - (n - g)] = u.name
            elif b_names[r] != u.name:
                patch[j] = u.name
                differs[slot[k]] = True
        names: list[str] = b_names
        if g or m or patch:
            names = cast("list[str]", PatchedList(b_names, gone_list, tail, patch))
        cols = Columns(
            ids, names, parent, kind, function, tuple(functions), category, est, police, aux,
            leaders, roster, share,
        )  # fmt: skip
        if self._roots(p_vals, br, gone_rows) != 1:
            return None
        self._pruned: tuple[np.ndarray, np.ndarray] | None = None
        self._inserted: tuple[np.ndarray, np.ndarray] | None = None
        tree = self._result_tree(cols, new_row, gone_rows, created_row, at)
        if tree is None:
            return None
        # Rows whose kind or parent changed, and the new ones: placements are checked there.
        bpar = bp[br]
        was_parent = np.where(bpar >= 0, new_base[np.maximum(bpar, 0)], -1)
        trb = tr[from_base]
        moved = (parent[trb] != was_parent) | (kind[trb] != b.kind[br])
        changed = np.concatenate([trb[moved], np.arange(n - g, nr)])
        # Base rows whose kind, function or parent changed (the edges at or below them are
        # looked at again).
        fmap = np.array([fn_code[f] for f in b.functions] + [-1], dtype=np.int64)
        bf = b.function[br].astype(np.int64)
        altered = br[moved | (function[trb] != fmap[np.where(bf >= 0, bf, len(b.functions))])]
        if g or m:
            rindex: Mapping[str, int] = RowIndex(index, gone, created, cols)
        else:
            rindex = index
        # The parent column was compared above in ``moved``.
        differs[moved] = True
        base_of = _kept_rows(n, gone_rows, m)
        # Rows whose placement warnings may differ from the base's: the touched ones (kind,
        # parent or name changed, or created) and their children.
        lo, hi = tree.starts[tr], tree.starts[tr + 1]
        size = hi - lo
        kids_at = np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
        again = np.concatenate([tr, tree.kids[kids_at]])
        fb = np.flatnonzero(from_base)
        modified = [touched[k] for k in fb[differs].tolist()]
        modified += [touched[k] for k in np.flatnonzero(~from_base).tolist()]
        return Built(
            cols, tree, touched, new_row, rindex, changed, gone_rows, altered, created_row,
            base_of, modified, index_base=index, pruned=self._pruned, again=again, rows=tr,
            inserted=self._inserted,
        )  # fmt: skip

    def _roots(self, p_vals: list[int], touched_rows: np.ndarray, gone_rows: np.ndarray) -> int:
        """How many units of the result have no parent, counted where that can change: the
        units the plan touched, the base's root, and the children of removed units."""
        base = self.base
        bt = base._tree
        n = len(base)
        touched = np.zeros(n, dtype=bool)
        touched[touched_rows] = True
        gone = np.zeros(n, dtype=bool)
        gone[gone_rows] = True
        count = sum(1 for p in p_vals if p < 0)
        root = int(bt.order[0])
        count += not (touched[root] or gone[root])
        if len(gone_rows):
            starts = bt.starts
            lo, hi = starts[gone_rows], starts[gone_rows + 1]
            size = hi - lo
            at = np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(int(size.sum()))
            kids = bt.kids[at]
            count += int((~touched[kids] & ~gone[kids]).sum())
        return count

    def _result_tree(
        self,
        cols: Columns,
        new_row: np.ndarray,
        gone_rows: np.ndarray,
        created_row: Mapping[str, int],
        at: Any,
    ) -> _Tree | None:
        """The result's command tree: the base's children lists (shifted past the removed
        rows), with the lists the plan holds put in their place; checked against the parent
        column, else made by a sort of the whole (``None``: not one tree). The base's own
        tree when the plan changed no parent and no children list."""
        if not created_row and not len(gone_rows) and self._same_tree(cols):
            return self.base._tree
        if not created_row and len(gone_rows):
            pruned = self._pruned_tree(cols, new_row, gone_rows)
            if pruned is not None:
                return pruned
        if created_row and not len(gone_rows):
            grown = self._inserted_tree(cols, created_row)
            if grown is not None:
                return grown
        base = self.base
        bt = base._tree
        index = base.index
        parent = cols.parent
        nr = len(parent)
        kids_own = self.children.own
        new_base = new_row[: len(base)]
        try:
            repl: dict[int, list[str] | None] = {int(r): None for r in gone_rows.tolist()}
            for uid, kl in kids_own.items():
                r = index.get(uid)
                if r is not None and uid in self.units:
                    repl[r] = kl
            kr = new_base[bt.kids]
            starts = bt.starts
            held = sorted(repl)
            # The rows of every child in the lists the plan holds, looked up in one go.
            lists = [repl[r] or [] for r in held] + [kids_own[uid] for uid in created_row]
            flat = [c for kl in lists for c in kl]
            got = np.array([index.get(c, -1) for c in flat], dtype=np.int64)
            rows = np.where(got >= 0, new_base[np.maximum(got, 0)], -1)
            for j in np.flatnonzero(got < 0).tolist():
                rows[j] = created_row[flat[j]]
            ends = np.cumsum([0] + [len(kl) for kl in lists]).tolist()
            # Each held list takes the place of its row's base list (ranges of ``kr``, in
            # row order, apart): the base lists without those ranges, the held lists
            # inserted where they began; the created units' lists at the end.
            held_a = np.array(held, dtype=np.int64)
            lo, hi = starts[held_a], starts[held_a + 1]
            edge = np.zeros(len(kr) + 1, dtype=np.int64)
            np.add.at(edge, lo, 1)
            np.add.at(edge, hi, -1)
            kept = kr[np.cumsum(edge[:-1]) == 0]
            size = hi - lo
            place = np.repeat(lo - (np.cumsum(size) - size), np.diff(ends[: len(held) + 1]))
            kids = np.concatenate(
                [np.insert(kept, place, rows[: ends[len(held)]]), rows[ends[len(held)] :]]
            )
        except KeyError:
            kids = None
        counts = np.bincount(parent[parent >= 0], minlength=nr)
        ok = kids is not None and len(kids) == nr - 1 and bool((kids >= 0).all())
        if ok:
            assert kids is not None
            seen = np.zeros(nr, dtype=bool)
            seen[kids] = True
            ok = int(seen.sum()) == nr - 1 and np.array_equal(
                parent[kids], np.repeat(np.arange(nr), counts)
            )
        if ok:
            assert kids is not None
            return _tree_walk(kids, counts, int(np.flatnonzero(parent < 0)[0]))
        # The lists and the parents disagree: sort the whole, siblings as the lists say.
        key = np.arange(nr)
        for uid, kl in kids_own.items():
            if uid in self.units:
                for j, c in enumerate(kl):
                    if c in self.units:
                        key[at(c)] = j
        return _tree(parent, key)

    def _same_tree(self, cols: Columns) -> bool:
        """Whether the result (no unit removed or created) has the base's command tree:
        the same parent column, and every children list the plan holds the base's."""
        base = self.base
        if not self._parents_kept:
            return False
        bt, index = base._tree, base.index
        starts, kids = bt.starts, bt.kids
        for uid, kl in self.children.own.items():
            r = index.get(uid)
            if r is None:
                return False
            was = kids[starts[r] : starts[r + 1]]
            if len(kl) != len(was) or [index.get(c, -1) for c in kl] != was.tolist():
                return False
        return True

    def _inserted_tree(self, cols: Columns, created_row: Mapping[str, int]) -> _Tree | None:
        """The result's command tree when the plan only added units, each without units
        under it, under units of the base (none removed or moved, no children list
        reordered): the base's tree with the new units put in their places — breadth-first
        order, levels and children lists — no walk. ``None`` when anything else changed."""
        base = self.base
        bt, index = base._tree, base.index
        bp = base.columns.parent
        n, m = len(bp), len(created_row)
        parent = cols.parent
        if len(parent) != n + m or not np.array_equal(parent[:n], bp):
            return None
        up = parent[n:]
        if (up < 0).any() or (up >= n).any():
            return None
        starts, bkids = bt.starts, bt.kids
        kid_at = np.zeros(m, dtype=np.int64)  # where in the base's children lists
        sib = np.zeros(m, dtype=np.int64)  # base siblings before it
        in_list = np.zeros(m, dtype=np.int64)  # its place in its parent's list
        placed = np.zeros(m, dtype=bool)
        for uid, kl in self.children.own.items():
            if uid in created_row:
                if kl:
                    return None  # a new unit with units under it
                continue
            r = index.get(uid)
            if r is None or uid not in self.units:
                return None
            j = 0
            kept: list[int] = []
            for place, c in enumerate(kl):
                cr = index.get(c)
                if cr is not None:
                    kept.append(cr)
                    j += 1
                    continue
                k = created_row.get(c, -1) - n
                if k < 0 or placed[k] or up[k] != r:
                    return None
                placed[k] = True
                kid_at[k], sib[k], in_list[k] = starts[r] + j, j, place
            if kept != bkids[starts[r] : starts[r + 1]].tolist():
                return None
        if not placed.all():
            return None
        rows = np.arange(n, n + m, dtype=np.int64)
        o = np.lexsort((in_list, up, kid_at))
        kids = np.insert(bkids, kid_at[o], rows[o])
        new_starts = np.empty(n + m + 1, dtype=np.int64)
        new_starts[: n + 1] = starts + np.searchsorted(np.sort(up), np.arange(n + 1))
        new_starts[n + 1 :] = len(kids)
        # In breadth-first order: after the base siblings before it in its parent's run.
        pos = base.positions
        at = pos.of_row[up]
        points = np.searchsorted(pos.parent, at) + sib
        o = np.lexsort((in_list, at, points))
        points, added = points[o], rows[o]
        order = np.insert(bt.order, points, added)
        depth = np.concatenate([bt.depth, bt.depth[up] + 1])
        sizes = np.diff(bt.bounds)
        grow = np.bincount(bt.depth[up] + 1, minlength=len(sizes) + 1)
        sizes = np.concatenate([sizes, [0]]) + grow[: len(sizes) + 1]
        if not sizes[-1]:
            sizes = sizes[:-1]
        bounds = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        self._inserted = (points, added)
        return _Tree(order, depth, bounds, kids, new_starts)

    def _pruned_tree(
        self, cols: Columns, new_row: np.ndarray, gone_rows: np.ndarray
    ) -> _Tree | None:
        """The result's command tree when the plan only removed whole subtrees (a merge or
        close of units without sub-units, say): the base's tree without those rows — its
        breadth-first order, levels and children lists filtered, no walk. ``None`` when
        anything else changed: a unit kept moved, a children list was reordered or grew,
        or a removed unit's child stayed."""
        base = self.base
        bt, index, ids = base._tree, base.index, base.columns.ids
        bp = base.columns.parent
        n = len(bp)
        new_base = new_row[:n]
        starts, bkids = bt.starts, bt.kids
        gone = np.zeros(n, dtype=bool)
        gone[gone_rows] = True
        lo, hi = starts[gone_rows], starts[gone_rows + 1]
        if any(not gone[bkids[a:b]].all() for a, b in zip(lo.tolist(), hi.tolist(), strict=True)):
            return None  # a removed unit's child stayed
        parent = cols.parent
        units = self.units
        for uid, u in units.own.items():
            r = index.get(uid, -1)
            if r < 0 or gone[r]:
                return None
            p = int(bp[r])
            if (p < 0) != (u.parent is None) or (
                p >= 0 and (u.parent != ids[p] or parent[new_base[r]] != new_base[p])
            ):
                return None
        for uid, kl in self.children.own.items():
            r = index.get(uid, -1)
            if r < 0 or gone[r]:
                continue
            was = bkids[starts[r] : starts[r + 1]]
            if kl != [ids[c] for c in was[~gone[was]].tolist()]:
                return None
        # Where the removed rows are in the breadth-first order and in the children lists.
        at_order = np.sort(_bfs_place(base)[gone_rows])
        up = bp[gone_rows]
        at_kids = np.zeros(len(gone_rows), dtype=np.int64)
        for j, (r, p) in enumerate(zip(gone_rows.tolist(), up.tolist(), strict=True)):
            a = int(starts[p])
            at_kids[j] = a + int(np.flatnonzero(bkids[a : int(starts[p + 1])] == r)[0])
        at_kids.sort()
        order = _renumbered(_cut(bt.order, at_order), gone_rows, new_row)
        depth = _cut(bt.depth, gone_rows)
        lost = np.bincount(bt.depth[gone_rows], minlength=len(bt.bounds) - 1)
        bounds = bt.bounds - np.concatenate([[0], np.cumsum(lost)])
        levels = len(bounds)
        while levels > 2 and bounds[levels - 1] == bounds[levels - 2]:
            levels -= 1  # a deepest level left empty
        kids = _renumbered(_cut(bkids, at_kids), gone_rows, new_row)
        new_starts = _less_below(_cut(starts, gone_rows), at_kids)
        self._pruned = (_bfs_place(base), at_order)
        return _Tree(order, depth, bounds[:levels].copy(), kids, new_starts)

    def final_edges_on(self, built: Built) -> tuple[list, list, np.ndarray, np.ndarray] | None:
        """:meth:`final_edges` on the result's columns, looking one by one only at the edges
        a plan may have changed: those it added, and those with an end removed or at or
        below a unit it read or changed; every other base edge still holds. Returns
        ``(dropped_guides, dropped_dispatches, guide_ends, dispatch_ends)``: the kept edges
        as the rows of their ends, in the order :meth:`final_edges` gives them (the id
        pairs are these rows' ids). ``None`` when a kept DISPATCHES edge runs to its
        centre's own parent (the caller then builds the organisation unit by unit for the
        error)."""
        base = self.base
        n = len(base)
        mark = np.zeros(n, dtype=bool)
        mark[built.altered] = True
        mark[built.gone_rows] = True
        parent = base.columns.parent
        below = _below(base, np.concatenate([built.altered, built.gone_rows]), n // 16)

        def under_mark(rows: np.ndarray) -> np.ndarray:
            """Whether each row, or a unit above it in the base, is marked."""
            if below is not None:
                return below[rows]
            hit = mark[rows].copy()
            at, cur = np.arange(len(rows)), rows
            while len(cur):
                cur = parent[cur]
                alive = cur >= 0
                at, cur = at[alive], cur[alive]
                hit[at] |= mark[cur]
            return hit

        g = self._final(self.guides, base.guide_rows, built, under_mark, guides=True)
        d = self._final(self.dispatches, base.dispatch_rows, built, lambda r: mark[r], guides=False)
        if d is None or g is None:
            return None
        return g[0], d[0], g[1], d[1]

    def _redirected_rows(self, built: Built, rows: np.ndarray) -> np.ndarray:
        """Row in the result where each removed base row's edges end up (``-1``: they end);
        kept per plan."""
        if built.redirected is None:
            built.redirected = {}
        got = built.redirected
        ids = self.base.columns.ids
        out = np.empty(len(rows), dtype=np.int64)
        for j, r in enumerate(rows.tolist()):
            t = got.get(r)
            if t is None:
                uid = self.resolve(ids[r])
                t = got[r] = -1 if uid is None else built.row_of(uid)
            out[j] = t
        return out

    def _final(
        self,
        edges: _Edges,
        base_ends: np.ndarray,
        built: Built,
        dirty: Any,
        *,
        guides: bool,
    ) -> tuple[list[tuple[str, str]], np.ndarray] | None:
        cols, tree = built.cols, built.tree
        nb = edges.base_size
        if edges.removed:
            alive = np.ones(nb, dtype=bool)
            alive[list(edges.removed)] = False
            idx = np.flatnonzero(alive)
            eb = base_ends[idx].reshape(-1, 2)
        else:
            idx = np.arange(nb)
            eb = base_ends.reshape(-1, 2)
        ends = built.new_row[eb] if len(eb) else np.zeros((0, 2), dtype=np.int64)
        check = dirty(eb[:, 0]) | dirty(eb[:, 1]) if len(eb) else np.zeros(0, dtype=bool)
        # Edges whose ends were redirected or added: only those can repeat another edge.
        moved = np.zeros(0, dtype=np.int64)
        if len(built.gone_rows) and len(eb):
            # Ends removed by the plan follow its redirects (a merged unit's edges go to
            # the unit it was merged into).
            lost = ends < 0
            if lost.any():
                ends[lost] = self._redirected_rows(built, eb[lost])
                moved = np.flatnonzero(lost.any(axis=1))
        added = list(edges.added)
        if added:
            red = self.redirect

            def row(uid: str) -> int:
                t = self.resolve(uid) if uid in red else uid
                return -1 if t is None else built.row_of(t)

            ends = np.concatenate(
                [
                    ends,
                    np.array([(row(a), row(b)) for a, b in added], dtype=np.int64).reshape(-1, 2),
                ]
            )
            check = np.concatenate([check, np.ones(len(added), dtype=bool)])
        ok = np.ones(len(ends), dtype=bool)
        cj = np.flatnonzero(check)
        if len(cj):
            ce = ends[cj]
            if guides:
                ok[cj] = (
                    guides_hold(cols, tree, ce) if len(cj) > 256 else _guides_hold_few(cols, ce)
                )
            else:
                ok[cj] = dispatches_hold(cols, ce)
                kept = ce[ok[cj]]
                if len(kept) and (cols.parent[kept[:, 0]] == kept[:, 1]).any():
                    return None
        nk = len(idx)
        dropped = [
            edges.pair(int(idx[j])) if j < nk else added[j - nk] for j in cj[~ok[cj]].tolist()
        ]
        keep = np.flatnonzero(ok)
        if added:
            moved = np.concatenate([moved, np.arange(len(idx), len(ends))])
        if len(moved):
            # The same edge reached twice (through a redirect): the first one stays. Only
            # an edge redirected or added can repeat another one.
            ke = ends[keep]
            key = ke[:, 0] * (len(cols) + 1) + ke[:, 1]
            mk = ends[moved]
            suspect = np.flatnonzero(_member(key, _uniq(mk[:, 0] * (len(cols) + 1) + mk[:, 1])))
            sk = key[suspect]
            by = np.argsort(sk, kind="stable")
            again = np.zeros(len(sk), dtype=bool)
            again[by[1:]] = sk[by[1:]] == sk[by[:-1]]  # not the first edge with its key
            if again.any():
                keep = np.delete(keep, suspect[again])
        # By the places of the upper and then the lower end in the breadth-first order, as
        # the organisation built unit by unit (parents first) has them.
        if len(keep) > 1:
            up, low = built.places(ends[keep, 0]), built.places(ends[keep, 1])
            step = (up[1:] > up[:-1]) | ((up[1:] == up[:-1]) & (low[1:] > low[:-1]))
            if not step.all():
                keep = keep[np.lexsort((low, up))]
        return dropped, ends[keep].reshape(-1, 2)

    def ordered_units(self) -> list[Unit]:
        """Units parents first (breadth-first from the root), ready for an OrgGraph."""
        out = []
        level = [self.root]
        while level:
            nxt = []
            for u in level:
                out.append(self.units[u])
                nxt.extend(self.children[u])
            level = nxt
        return out


#: Up to this many removed rows, the arrays are cut by slices (one copy, no index mask).
_FEW = 256


_IOTA = np.arange(0, dtype=np.int64)


def _iota(n: int) -> np.ndarray:
    """``np.arange(n)``, kept between calls (read only)."""
    global _IOTA
    if len(_IOTA) < n:
        _IOTA = np.arange(max(n, 2 * len(_IOTA)), dtype=np.int64)
        _IOTA.flags.writeable = False
    return _IOTA[:n]


def _row_map(n: int, gone_rows: np.ndarray, m: int) -> np.ndarray:
    """Row in the result of every base row (``-1``: removed), then of the ``m`` created
    rows, then a last ``-1`` (so that ``map[parent]`` leaves the root's ``-1`` as it is)."""
    g = len(gone_rows)
    out = np.empty(n + m + 1, dtype=np.int64)
    iota = _iota(n + m)
    if g > _FEW:
        keep = np.ones(n, dtype=bool)
        keep[gone_rows] = False
        out[:n] = np.where(keep, iota[:n] - np.cumsum(~keep), -1)
    else:
        prev = 0
        for k, r in enumerate(gone_rows.tolist()):
            np.subtract(iota[prev:r], k, out=out[prev:r])
            out[r] = -1
            prev = r + 1
        np.subtract(iota[prev:n], g, out=out[prev:n])
    np.subtract(iota[n : n + m], g, out=out[n : n + m])
    out[n + m] = -1
    return out


def _kept_rows(n: int, gone_rows: np.ndarray, m: int) -> np.ndarray:
    """Base row of every row of the result (``-1``: created): ``_row_map`` inverted."""
    return _cut(_iota(n), gone_rows, m, -1)


def _cut(a: np.ndarray, gone_rows: np.ndarray, m: int = 0, fill: Any = 0) -> np.ndarray:
    """A new array: ``a`` without the entries at ``gone_rows`` (sorted, unique), then ``m``
    entries ``fill``."""
    g = len(gone_rows)
    if g > _FEW:
        out = np.delete(a, gone_rows)
        return np.concatenate([out, np.full(m, fill, dtype=a.dtype)]) if m else out
    n = len(a)
    out = np.empty(n - g + m, dtype=a.dtype)
    prev = at = 0
    for r in gone_rows.tolist():
        out[at : at + r - prev] = a[prev:r]
        at += r - prev
        prev = r + 1
    out[at : at + n - prev] = a[prev:]
    if m:
        out[n - g :] = fill
    return out


def _renumbered(rows: np.ndarray, gone_rows: np.ndarray, row_map: np.ndarray) -> np.ndarray:
    """Base row numbers (none of them removed; ``-1`` stays) as rows of the result: a fresh
    ``rows`` array renumbered in place, or a new one."""
    if len(gone_rows) > 4:
        return row_map[rows]
    for r in gone_rows.tolist()[::-1]:  # from the last: each step keeps the order
        rows -= rows > r
    return rows


def _less_below(values: np.ndarray, marks: np.ndarray) -> np.ndarray:
    """Non-decreasing ``values`` (a fresh array, changed in place), each less the number of
    ``marks`` (sorted) below it."""
    if len(marks) > 16:
        return values - np.searchsorted(marks, values, side="left")
    for j in np.searchsorted(values, marks, side="right")[::-1].tolist():
        values[j:] -= 1
    return values


def _below(org: OrgGraph, rows: np.ndarray, cap: int) -> np.ndarray | None:
    """Whether each row of an organisation is one of ``rows`` or lies below one, walking
    down from them (``None`` when more than ``cap`` rows would be visited)."""
    t = org._tree
    starts, kids = t.starts, t.kids
    out = np.zeros(len(starts) - 1, dtype=bool)
    frontier = _uniq(rows)
    seen = 0
    while len(frontier):
        seen += len(frontier)
        if seen > cap:
            return None
        out[frontier] = True
        lo, hi = starts[frontier], starts[frontier + 1]
        size = hi - lo
        total = int(size.sum())
        frontier = kids[np.repeat(lo - (np.cumsum(size) - size), size) + np.arange(total)]
        frontier = frontier[~out[frontier]]
    return out


def _uniq(a: np.ndarray) -> np.ndarray:
    """``np.unique`` by a sort (the first call of ``np.unique`` imports ``numpy.ma``: tens
    of ms inside a timed edit)."""
    a = np.sort(a)
    return a[np.concatenate([[True], a[1:] != a[:-1]])] if len(a) else a


def _member(a: np.ndarray, sorted_unique: np.ndarray) -> np.ndarray:
    """Whether each entry of ``a`` is in ``sorted_unique``."""
    if not len(sorted_unique):
        return np.zeros(len(a), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_unique, a), len(sorted_unique) - 1)
    return sorted_unique[at] == a


def _bfs_place(org: OrgGraph) -> np.ndarray:
    """Place of every row in an organisation's breadth-first order (kept with it)."""
    got = org.memo.get("bfs_place")
    if got is None:
        order = org._tree.order
        got = np.empty(len(order), dtype=np.int64)
        got[order] = np.arange(len(order))
        got.flags.writeable = False
        org.memo["bfs_place"] = got
    return got


def _guides_hold_few(cols: Columns, ends: np.ndarray) -> np.ndarray:
    """:func:`~orgmodel.model.guides_hold` for a few edges, climbing the parent column
    from each end (no pass over the whole organisation)."""
    kind, fn, parent = cols.kind, cols.function, cols.parent
    dept = KINDS.index("department")
    bureau = {KINDS.index(k) for k in BUREAU_KINDS}

    def near(r: int) -> int:
        while r >= 0 and int(kind[r]) not in bureau:
            r = int(parent[r])
        return r

    out = np.zeros(len(ends), dtype=bool)
    for j, (a, b) in enumerate(ends.tolist()):
        if a < 0 or b < 0 or a == b or kind[a] != dept or kind[b] != dept:
            continue
        if fn[a] < 0 or fn[a] != fn[b]:
            continue
        bu, bl = near(a), near(b)
        if bu < 0 or bl < 0 or bu == bl:
            continue
        cur = bl
        while True:
            p = int(parent[cur])
            cur = near(p) if p >= 0 else -1
            if cur < 0:
                break
            if cur == bu:
                out[j] = True
                break
    return out


@dataclass(eq=False)
class Built:
    """The columns a plan made (:meth:`Workspace.result_columns`)."""

    cols: Columns
    tree: _Tree
    #: The units read, changed or created, as records.
    touched: list[Unit]
    #: Row in the result of every base row, then of every created unit (``-1``: removed).
    new_row: np.ndarray
    #: Unit id → row in the result.
    index: Mapping[str, int]
    #: Rows whose kind or parent changed, and the created ones.
    changed: np.ndarray
    #: Base rows removed, sorted.
    gone_rows: np.ndarray
    #: Base rows kept whose kind, function or parent changed.
    altered: np.ndarray
    #: Created unit id → row.
    created_row: Mapping[str, int]
    #: Base rows of the result's rows (``-1``: created).
    base_rows: np.ndarray
    #: Touched units that differ from their base row, or are new (to be checked).
    modified: list[Unit]
    redirected: dict[int, int] | None = None
    #: When the tree is the base's with some rows pruned: the base's breadth-first places
    #: and, sorted, the places of the pruned rows.
    pruned: tuple[np.ndarray, np.ndarray] | None = None
    #: Rows whose placement warnings are looked at again (the rest are the base's).
    again: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: Rows of the touched units (read, changed or created): every other row holds its
    #: base row's values.
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    #: When the tree is the base's with units added: where they go in the base's
    #: breadth-first order, and their rows (:meth:`Workspace._inserted_tree`).
    inserted: tuple[np.ndarray, np.ndarray] | None = None

    def positions_patch(self, base: OrgGraph) -> PositionsPatch | None:
        """How the base's breadth-first positions carry over to the result: when its tree
        is the base's, or the base's with whole subtrees pruned or units added (``None``:
        otherwise)."""
        if self.inserted is not None:
            none = np.zeros(0, dtype=np.int64)
            points, added = self.inserted
            return PositionsPatch(
                base.positions, none, none, self.base_rows, self.rows, points, added
            )
        if self.pruned is not None:
            gone = self.pruned[1]
        elif self.tree is base._tree:
            gone = np.zeros(0, dtype=np.int64)
        else:
            return None
        return PositionsPatch(base.positions, gone, self.gone_rows, self.base_rows, self.rows)

    def row_of(self, uid: str) -> int:
        """The row of a unit of the result (base or created)."""
        r = self.created_row.get(uid)
        if r is not None:
            return r
        return int(self.new_row[self.index_base[uid]])

    index_base: Mapping[str, int] = field(default_factory=dict)

    def places(self, rows: np.ndarray) -> np.ndarray:
        """Places of rows in the breadth-first order."""
        if self.pruned is None:
            return self.bfs_pos[rows]
        was, cut = self.pruned
        p = was[self.base_rows[rows]]
        return p - np.searchsorted(cut, p, side="left") if len(cut) else p

    @cached_property
    def bfs_pos(self) -> np.ndarray:
        """Place of every row in the breadth-first order."""
        order = self.tree.order
        pos = np.empty(len(order), dtype=np.int64)
        pos[order] = np.arange(len(order))
        return pos


#: The nouns :meth:`Workspace.get` names an unknown id with, as msgids.
_NOUNS = {"unit": N_("unit"), "parent": N_("parent")}


def joined(messages: list[str]) -> str:
    """Messages joined with ``; `` (``；``), each shown in the language in force."""
    out = messages[0] if messages else ""
    for m in messages[1:]:
        out = lazy("{a}; {b}", a=out, b=m)
    return out


def check_unit_fields(u: Unit, ws: Workspace) -> list[str]:
    """The model's per-unit rules (kind, function, category, numbers), as messages."""
    out: list[str] = []
    if not isinstance(u.name, str) or not u.name.strip():
        out.append(lazy("unit has no name"))
    if u.kind not in KIND_NAMES:
        out.append(lazy("unknown kind {kind!r}", kind=u.kind))
    for f in ("establishment", "leaders"):
        v = getattr(u, f)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            out.append(
                lazy(
                    "{field} must be a non-negative whole number, got {v!r}",
                    field=field_text(f),
                    v=v,
                )
            )
    if u.function is not None:
        if not isinstance(u.function, str) or u.function not in ws.catalogue:
            out.append(lazy("unknown function code {code!r}", code=u.function))
        elif u.kind not in FUNCTION_KINDS:
            out.append(
                lazy(
                    "a {kind} unit has no function (functions belong to departments)",
                    kind=u.kind,
                )
            )
    if u.category is not None and u.category not in CATEGORIES:
        out.append(lazy("unknown category {category!r}", category=u.category))
    if u.duty_roster is not None and not isinstance(u.duty_roster, bool):
        out.append(
            lazy(
                "{field} must be true or false, got {v!r}",
                field=field_text("duty_roster"),
                v=u.duty_roster,
            )
        )
    cs = u.community_share
    if cs is not None and (
        isinstance(cs, bool) or not isinstance(cs, int | float) or not 0 <= cs <= 1
    ):
        out.append(
            lazy(
                "{field} must be between 0 and 1, got {v!r}",
                field=field_text("community_share"),
                v=cs,
            )
        )
    return out

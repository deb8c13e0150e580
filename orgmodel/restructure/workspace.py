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
from collections.abc import Iterable, Iterator, MutableMapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from orgmodel.i18n import lazy
from orgmodel.model import (
    BUREAU_KINDS,
    CATEGORIES,
    CATEGORY_CODES,
    DEPARTMENT_KINDS,
    FUNCTION_KINDS,
    GROUP_KINDS,
    KIND_NAMES,
    KINDS,
    Columns,
    OrgGraph,
    Unit,
    _Tree,
    _tree,
    dispatches_hold,
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

    def total(self, field: str) -> int:
        """Σ of ``police`` or ``auxiliaries`` over the current units."""
        col = getattr(self.base.columns, field)
        index = self.base.index
        out = int(col.sum())
        rows = [index[u] for u in self.gone] + [index[u] for u in self.own if u in index]
        if rows:
            out -= int(col[np.array(rows, dtype=np.int64)].sum())
        return out + sum(getattr(u, field) for u in self.own.values())


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
        self.guides: dict[tuple[str, str], None] = dict.fromkeys(org.guides)
        self.dispatches: dict[tuple[str, str], None] = dict.fromkeys(org.dispatches)
        self.pmix: dict[str, dict[str | None, int]] = {}
        self.amix: dict[str, dict[str | None, int]] = {}
        self.retired_p: dict[str | None, int] = {}
        self.retired_a: dict[str | None, int] = {}
        self.hired_p = 0
        self.hired_a = 0
        self.origins: dict[str, set[str]] = {}
        self.redirect: dict[str, str] = {}
        self.ever = _Ever(org)
        #: Folder for relative template paths (the plan file's folder).
        self.base_dir: Path | None = None

    # -- lookups ----------------------------------------------------------------------------

    def get(self, uid: Any, what: str = "unit") -> Unit:
        """The unit, or an error naming the unknown id."""
        if not isinstance(uid, str) or uid not in self.units:
            noun, _, role = what.partition(" (")
            raise OpError(f"unknown {noun} {uid!r}" + (f" ({role}" if role else ""))
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
            cur = self.units[cur].parent
        return False

    def kind_of(self, uid: str) -> str:
        """A unit's kind (read without copying the unit)."""
        u = self.units.own.get(uid)
        if u is not None:
            return u.kind
        base = self.base
        return KINDS[base.columns.kind[base.index[uid]]]

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
            u = self.units[uid]
            if u.kind in BUREAU_KINDS:
                return uid
            uid = u.parent
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
                        field=field,
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
                    field=field,
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
                lazy("unknown unit field(s) {join}{hint}", join=", ".join(extra), hint=hint)
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
                        "unknown attribute {k!r} (settable: {join})", k=k, join=", ".join(SETTABLE)
                    )
                )
            setattr(trial, k, v)
        problems = check_unit_fields(trial, self)
        if problems:
            raise OpError(f"unit {unit.id!r}: " + "; ".join(problems))
        for k in attrs:
            setattr(unit, k, getattr(trial, k))

    def reparent(self, uid: str, new_parent: str, index: int | None = None) -> None:
        """Move a unit (with its subtree) under another unit."""
        if uid == self.root:
            raise OpError(lazy("cannot move the root {uid!r}", uid=uid))
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

    def result_columns(self) -> tuple[Columns, _Tree, list[Unit], np.ndarray] | None:
        """The organisation the plan made, as columns in breadth-first order (copy-on-write).

        Rows of the units no operation read are the base's; the rows of the units read,
        changed or created are written from their records. Returns ``(columns, tree,
        touched units)``, or ``None`` when the result is not one tree (the caller then
        builds it unit by unit for the precise error).
        """
        base = self.base
        b = base.columns
        index = base.index
        n = len(b.ids)
        own, created = self.units.own, self.units.created
        m = len(created)
        ids = b.ids + created
        row = {uid: n + j for j, uid in enumerate(created)}

        def at(uid: str) -> int:
            r = index.get(uid)
            return row[uid] if r is None else r

        def grow(a: np.ndarray, fill: Any) -> np.ndarray:
            return np.concatenate([a, np.full(m, fill, dtype=a.dtype)])

        names = b.names + [""] * m
        parent, kind = grow(b.parent, -1), grow(b.kind, 0)
        function, category = grow(b.function, -1), grow(b.category, -1)
        est, police, aux = grow(b.establishment, -1), grow(b.police, 0), grow(b.auxiliaries, 0)
        leaders, roster = grow(b.leaders, -1), grow(b.duty_roster, -1)
        share = grow(b.community_share, np.nan)
        functions = list(b.functions)
        fn_code = {f: i for i, f in enumerate(functions)}
        kind_code = {k: i for i, k in enumerate(KINDS)}
        cat_code = {c: i for i, c in enumerate(CATEGORY_CODES)}
        touched = list(own.values())
        try:
            rs = [at(uid) for uid in own]
            for u in touched:
                if u.function is not None and u.function not in fn_code:
                    fn_code[u.function] = len(functions)
                    functions.append(u.function)
            if rs:
                r = np.array(rs, dtype=np.int64)
                for j, u in zip(rs, touched, strict=True):
                    names[j] = u.name
                parent[r] = [-1 if u.parent is None else at(u.parent) for u in touched]
                kind[r] = [kind_code[u.kind] for u in touched]
                function[r] = [-1 if u.function is None else fn_code[u.function] for u in touched]
                category[r] = [-1 if u.category is None else cat_code[u.category] for u in touched]
                est[r] = [-1 if u.establishment is None else u.establishment for u in touched]
                police[r] = [u.police for u in touched]
                aux[r] = [u.auxiliaries for u in touched]
                leaders[r] = [-1 if u.leaders is None else u.leaders for u in touched]
                roster[r] = [-1 if u.duty_roster is None else int(u.duty_roster) for u in touched]
                share[r] = [
                    np.nan if u.community_share is None else u.community_share for u in touched
                ]
        except (KeyError, TypeError, ValueError, OverflowError):
            return None
        # Siblings in the order of the children lists the plan read or changed; the base's
        # (row order) elsewhere.
        key = np.arange(n + m)
        for uid, kids in self.children.own.items():
            if uid in self.units:
                for j, c in enumerate(kids):
                    key[at(c)] = j
        keep = np.ones(n + m, dtype=bool)
        if self.units.gone:
            keep[[index[u] for u in self.units.gone]] = False
        kept = np.flatnonzero(keep)
        new_row = np.full(n + m, -1, dtype=np.int64)
        new_row[kept] = np.arange(len(kept))
        p = parent[kept]
        p_new = np.where(p >= 0, new_row[np.maximum(p, 0)], -1)
        if ((p >= 0) & (p_new < 0)).any():
            return None  # a unit under a removed one
        walk = _tree(p_new, key[kept])
        if walk is None:
            return None
        # Breadth-first rows, as the organisation is written and read back.
        rows = kept[walk.order]
        pos = np.empty(len(kept), dtype=np.int64)
        pos[walk.order] = np.arange(len(kept))
        p_bfs = p_new[walk.order]
        p_bfs = np.where(p_bfs >= 0, pos[np.maximum(p_bfs, 0)], -1)
        r_list = rows.tolist()
        cols = Columns(
            [ids[r] for r in r_list],
            [names[r] for r in r_list],
            p_bfs,
            kind[rows],
            function[rows],
            tuple(functions),
            category[rows],
            est[rows],
            police[rows],
            aux[rows],
            leaders[rows],
            roster[rows],
            share[rows],
        )
        tree = _tree(p_bfs)
        if tree is None:  # pragma: no cover - the walk above found one tree
            return None
        to_result = np.full(n + m, -1, dtype=np.int64)
        to_result[rows] = np.arange(len(rows))
        return cols, tree, touched, to_result

    def final_edges_on(
        self, cols: Columns, tree: _Tree, new_row: np.ndarray
    ) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list, list, np.ndarray, np.ndarray]:
        """:meth:`final_edges`, checked over the result's columns at once; also the rows of
        the kept edges' ends. ``new_row`` maps a base row (then the created units, in
        creation order) to its row in the result (``-1``: gone)."""
        index = self.base.index
        n = len(self.base)
        created = {u: n + j for j, u in enumerate(self.units.created)}

        def ends_of(edges: list[tuple[str, str]]) -> np.ndarray:
            ext = np.array(
                [
                    (index.get(a, created.get(a, -1)), index.get(b, created.get(b, -1)))
                    for a, b in edges
                ],
                dtype=np.int64,
            ).reshape(-1, 2)
            return np.where(ext >= 0, new_row[np.maximum(ext, 0)], -1)

        def resolved(edges: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
            red = self.redirect
            if not red:
                return list(edges)
            out = []
            for a, b in edges:
                ra = self.resolve(a) if a in red else a
                rb = self.resolve(b) if b in red else b
                out.append((ra or "", rb or ""))
            return out

        def split(
            edges: list[tuple[str, str]], moved: list[tuple[str, str]], ends: np.ndarray,
            holds: np.ndarray,
        ) -> tuple[list[tuple[str, str]], list[tuple[str, str]], np.ndarray]:  # fmt: skip
            kept: dict[tuple[str, str], int] = {}
            dropped = []
            for j, (e, r, ok) in enumerate(zip(edges, moved, holds.tolist(), strict=True)):
                if ok:
                    kept.setdefault(r, j)
                else:
                    dropped.append(e)
            return list(kept), dropped, ends[list(kept.values())].reshape(-1, 2)

        g = list(self.guides)
        gr = resolved(g)
        ge = ends_of(gr)
        guides, dropped_g, g_ends = split(g, gr, ge, guides_hold(cols, tree, ge))
        d = list(self.dispatches)
        dr = resolved(d)
        de = ends_of(dr)
        disp, dropped_d, d_ends = split(d, dr, de, dispatches_hold(cols, de))
        return guides, disp, dropped_g, dropped_d, g_ends, d_ends

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


def check_unit_fields(u: Unit, ws: Workspace) -> list[str]:
    """The model's per-unit rules (kind, function, category, numbers), as messages."""
    out = []
    if not isinstance(u.name, str) or not u.name.strip():
        out.append("unit has no name")
    if u.kind not in KIND_NAMES:
        out.append(f"unknown kind {u.kind!r}")
    for f in ("establishment", "leaders"):
        v = getattr(u, f)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            out.append(f"{f} must be a non-negative whole number, got {v!r}")
    if u.function is not None:
        if not isinstance(u.function, str) or u.function not in ws.catalogue:
            out.append(f"unknown function code {u.function!r}")
        elif u.kind not in FUNCTION_KINDS:
            out.append(f"a {u.kind} unit has no function (functions belong to departments)")
    if u.category is not None and u.category not in CATEGORIES:
        out.append(f"unknown category {u.category!r}")
    if u.duty_roster is not None and not isinstance(u.duty_roster, bool):
        out.append(f"duty_roster must be true or false, got {u.duty_roster!r}")
    cs = u.community_share
    if cs is not None and (
        isinstance(cs, bool) or not isinstance(cs, int | float) or not 0 <= cs <= 1
    ):
        out.append(f"community_share must be between 0 and 1, got {cs!r}")
    return out

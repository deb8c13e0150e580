"""Per-unit columns shared by the metrics, each computed once, vectorised, when first asked.

:class:`Frame` wraps an organisation and the norms. A public metric function builds one and
reads the columns it needs; :func:`orgmodel.metrics.suite.metric_report` builds one for the
whole report, so that a column used by several sections (the nearest bureau, subtree
totals, staffing) is computed once.

Everything here works on numpy arrays indexed by *position*: the unit's place in the
breadth-first order of :meth:`OrgGraph.order` (the root is 0, every parent comes before its
children, and each level is one contiguous slice, ``bounds[d]:bounds[d + 1]``). The
organisation holds its structure and its units' own columns in that order
(:attr:`OrgGraph.positions`), so a frame reads them as they are. So:

- a top-down column (nearest bureau, nearest dispatched unit, level) is one fancy-indexing
  step per level: ``near[level] = near[parent[level]]`` where the unit itself does not set it
  — made only as deep as it is read (:class:`_Down`: most units are in the deepest levels,
  and a report reads the nearest bureau at stations and departments);
- a bottom-up column (subtree sums) is one ``bincount`` per level, deepest first, adding a
  level into the level above it;
- group-bys (funnels, bands, kinds) are ``bincount`` over a key column.

Sums of integers are exact whatever the order. Sums of floats are accumulated in the same
order as a loop over the units would (``bincount`` and ``np.add.at`` add in index order), so
every figure is the one the unit-by-unit definition gives, to the last bit. Nothing searches
descendants. The dict-valued properties (:attr:`Frame.spans`, :attr:`Frame.bureau` …) are
the per-unit answers of the public functions, built from the arrays when asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np

from orgmodel.metrics._util import norms_or_default
from orgmodel.model import (
    BUREAU_KINDS,
    CATEGORY_CODES,
    CATEGORY_FRONTLINE_KINDS,
    CATEGORY_LEADERSHIP_KINDS,
    DEPARTMENT_KINDS,
    FRONTLINE_KINDS,
    KIND_LEVELS,
    KINDS,
    ORGAN_KINDS,
    Columns,
    OrgGraph,
)
from orgmodel.norms import Norms

__all__: list[str] = []

# DEPARTMENT_KINDS (内设机构) and ORGAN_KINDS (机关) live in orgmodel.model, with GROUP_KINDS:
# a group (片区, 体系) is neither, and its norms give it no posts, so no hidden loss.
#: The function of a community team (社区警务队).
COMMUNITY_FUNCTION = "community_policing"

#: Kinds that belong to the establishment (编制单元) of the 派出所 they sit in.
STATION_MEMBER_KINDS = frozenset({"team", "office", "community_post"})

KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}


def kind_table(kinds: frozenset[str] | set[str]) -> np.ndarray:
    """Boolean lookup over kind codes: ``kind_table(BUREAU_KINDS)[kind]``."""
    t = np.zeros(len(KINDS), dtype=bool)
    for k in kinds:
        t[KIND_CODE[k]] = True
    return t


_BUREAU_T = kind_table(BUREAU_KINDS)
_ORGAN_T = kind_table(ORGAN_KINDS)
_DEPT_T = kind_table(DEPARTMENT_KINDS)
_FRONT_T = kind_table(FRONTLINE_KINDS)
_MEMBER_T = kind_table(STATION_MEMBER_KINDS)
_STATION = KIND_CODE["station"]
_POST = KIND_CODE["community_post"]
_TEAM = KIND_CODE["team"]
_COUNTY = KIND_CODE["county"]
#: KIND_LEVELS by kind code (-1: the unit takes its parent's level).
_KIND_LEVEL = np.array([KIND_LEVELS.get(k, -1) for k in KINDS], dtype=np.int8)
#: The level code of a unit without one (no unit above it has a level): shown as "?".
_NO_LEVEL = 9
assert max(KIND_LEVELS.values()) < _NO_LEVEL
#: category * len(KINDS) + kind of every kind whose category does not come from a function
#: (management for the others: a unit without a function; see Frame.cat_kind).
_CAT_KIND = np.array(
    [
        CATEGORY_CODES.index(
            "leadership"
            if k in CATEGORY_LEADERSHIP_KINDS
            else "frontline"
            if k in CATEGORY_FRONTLINE_KINDS
            else "management"
        )
        * len(KINDS)
        + i
        for i, k in enumerate(KINDS)
    ],
    dtype=np.int64,
)
#: Kinds that take their category from their function.
_BY_FUNCTION_T = ~kind_table(CATEGORY_LEADERSHIP_KINDS | CATEGORY_FRONTLINE_KINDS)
_LEADERSHIP = CATEGORY_CODES.index("leadership")
_FRONTLINE = CATEGORY_CODES.index("frontline")
_MANAGEMENT = CATEGORY_CODES.index("management")
#: Kinds without a level of their own (they take their parent's).
_TAKES_LEVEL_T = _KIND_LEVEL < 0
#: The staffing group-bys' key of a unit of every kind (Frame._staffing_key), before the
#: departments take their function's category and the units in _TAKES_LEVEL_T their
#: parent's level (their level part here is 0).
_LEVEL_PART_T = np.maximum(_KIND_LEVEL, 0).astype(np.int64) * (len(CATEGORY_CODES) * len(KINDS))
_KEY_T = _LEVEL_PART_T + _CAT_KIND


class _NodeView(Mapping[str, dict[str, Any]]):
    """Unit id → its attribute dict, built from the columns when read."""

    def __init__(self, org: OrgGraph) -> None:
        self._org = org

    def __getitem__(self, u: str) -> dict[str, Any]:
        return self._org.attrs(u)

    def __iter__(self) -> Iterator[str]:
        return iter(self._org.order())

    def __len__(self) -> int:
        return len(self._org)


class Labels:
    """Ids and Chinese names of units by position, read from the organisation's columns.

    What a report's per-unit rows keep (:class:`orgmodel.metrics.rows.Rows`) instead of the
    whole frame: the organisation's columns and the breadth-first rows. A few entries are
    read one by one (a scenario's id and name lists are then never made whole); many, from
    the lists.
    """

    __slots__ = ("_cols", "_rows")

    #: Above this many entries, read from the whole lists.
    FEW = 2048

    def __init__(self, cols: Columns, rows: np.ndarray) -> None:
        self._cols, self._rows = cols, rows

    def ids(self, positions: np.ndarray) -> list[str]:
        """Unit ids of positions."""
        rows = self._rows[positions].tolist()
        if len(rows) > self.FEW:
            ids = self._cols.ids
            return [ids[r] for r in rows]
        at = self._cols.id_at
        return [at(r) for r in rows]

    def names(self, positions: np.ndarray) -> list[str]:
        """Chinese names of positions."""
        rows = self._rows[positions].tolist()
        if len(rows) > self.FEW:
            names = self._cols.names
            return [names[r] for r in rows]
        at = self._cols.name_at
        return [at(r) for r in rows]

    def refs(self, positions: np.ndarray) -> list[dict[str, Any] | None]:
        """``{id, name}`` of positions, ``None`` where a position is ``-1``."""
        rows = np.where(positions >= 0, self._rows[np.maximum(positions, 0)], -1)
        cols = self._cols
        if len(rows) > self.FEW:
            ids, names = cols.ids, cols.names
            return [None if r < 0 else {"id": ids[r], "name": names[r]} for r in rows.tolist()]
        ida, namea = cols.id_at, cols.name_at
        return [None if r < 0 else {"id": ida(r), "name": namea(r)} for r in rows.tolist()]


class Staffing:
    """Result of the staffing pass (see :attr:`Frame.staffing`).

    Per establishment (arrays over ``heads``, the head units' positions, breadth-first):
    ``g_members`` (units, the head included), ``g_police``, ``g_people``, ``g_fixed`` (its
    fixed posts F), ``g_own_fixed`` (the head's own part: L + A + D·k) and ``g_loss`` (its
    hidden loss). ``hollow_a``: positions of the heads of hollow
    establishments, breadth-first.

    Per unit (arrays by position, built when read): ``fixed_a`` is the unit's own
    contribution to fixed posts (a station head: L + A + D·k once; a team or office: its
    ``added_posts``; a community post in a station: 0), ``overhead_a`` the officers of that
    unit absorbed by its establishment's posts, ``loss_a`` the establishment's hidden loss on
    its head (0 on the members), ``head_a`` the establishment head. Per head:
    ``est_police_a``, ``est_people_a``, ``est_fixed_a`` and ``est_members_a`` (0 on members).
    The dict attributes (``fixed``, ``head``, ``est_police`` …) give the same by unit id.
    A report reads the establishments by slot instead (:meth:`slots`; ``hollow_s``: the
    slots of the hollow ones), so that no per-unit column is made for it.
    """

    def __init__(
        self,
        ids: Callable[[], list[str]],
        n: int,
        head: Callable[[], np.ndarray],
        heads: np.ndarray,
        overhead: Callable[[], np.ndarray],
        member_fixed: np.ndarray | None,
    ) -> None:
        self._order = ids  # unit ids by position, built when a dict attribute is read
        self._n = n
        self._head = head  # builds head_a
        self.heads = heads
        self._overhead = overhead
        #: added_posts of every member's kind (members count it); None: none has any
        self._member_fixed = member_fixed
        self.g_members = np.zeros(0, dtype=np.int64)
        self.g_police = np.zeros(0, dtype=np.int64)
        #: People (police + auxiliaries) of the establishments in some slots of ``heads``
        #: (all of them for ``None``): ``g_people`` is built when first read, and the few
        #: rows a report shows take theirs alone (:meth:`people_at`).
        self.people: Callable[[np.ndarray | None], np.ndarray] = lambda slots: np.zeros(
            0, dtype=np.int64
        )
        self.g_fixed = np.zeros(0, dtype=np.int64)
        self.g_own_fixed = np.zeros(0, dtype=np.int64)
        self.g_loss = np.zeros(0)
        self.hollow_a = np.zeros(0, dtype=np.int64)
        self.hollow_s = np.zeros(0, dtype=np.int64)
        #: group key → [units, police, leaders, admin, duty] deductions.
        self.by_level: dict[str, list[int]] = {}
        self.by_category: dict[str, list[int]] = {}
        #: kind → [units, police, fixed posts, overhead, hollow units]; loss apart (float).
        self.by_kind: dict[str, list[int]] = {}
        self.kind_loss: dict[str, float] = {}
        self.kind_aux: dict[str, int] = {}
        self.auxiliaries = 0
        self.establishment = 0
        self.establishments = 0
        #: kind → [Σ (police − L) / L, units with L > 0]: supervision ratios.
        self.supervision: dict[str, list[float]] = {}

    @cached_property
    def g_people(self) -> np.ndarray:
        """Police and auxiliaries of every establishment (over ``heads``)."""
        return self.people(None)

    def slots(self, positions: np.ndarray) -> np.ndarray:
        """Slots in ``heads`` (and the ``g_`` arrays) of the establishments headed at
        ``positions`` (heads)."""
        return np.searchsorted(self.heads, positions)

    def people_at(self, positions: np.ndarray) -> np.ndarray:
        """People of the establishments headed at ``positions`` (heads)."""
        slots = self.slots(positions)
        if "g_people" in self.__dict__:
            return self.g_people[slots]
        return self.people(slots)

    # -- per unit, by position --------------------------------------------------------------

    def _on_heads(self, values: np.ndarray) -> np.ndarray:
        out = np.zeros(self._n, dtype=values.dtype)
        out[self.heads] = values
        return out

    @cached_property
    def head_a(self) -> np.ndarray:
        return self._head()

    @cached_property
    def is_head(self) -> np.ndarray:
        return self._on_heads(np.ones(len(self.heads), dtype=bool))

    @cached_property
    def est_police_a(self) -> np.ndarray:
        return self._on_heads(self.g_police)

    @cached_property
    def est_people_a(self) -> np.ndarray:
        return self._on_heads(self.g_people)

    @cached_property
    def est_fixed_a(self) -> np.ndarray:
        return self._on_heads(self.g_fixed)

    @cached_property
    def est_members_a(self) -> np.ndarray:
        return self._on_heads(self.g_members)

    @cached_property
    def loss_a(self) -> np.ndarray:
        return self._on_heads(self.g_loss)

    @cached_property
    def fixed_a(self) -> np.ndarray:
        mf = self._member_fixed
        out = np.zeros(self._n, dtype=np.int64) if mf is None else mf.astype(np.int64)
        out[self.heads] = self.g_own_fixed
        return out

    @cached_property
    def overhead_a(self) -> np.ndarray:
        return self._overhead()

    # -- by unit id -------------------------------------------------------------------------

    @property
    def _ids(self) -> list[str]:
        return self._order()

    def _by_unit(self, a: np.ndarray) -> dict[str, Any]:
        return dict(zip(self._ids, a.tolist(), strict=True))

    def _by_head(self, a: np.ndarray) -> dict[str, Any]:
        ids = self._ids
        heads = self.heads
        return dict(zip((ids[h] for h in heads.tolist()), a[heads].tolist(), strict=True))

    @cached_property
    def fixed(self) -> dict[str, int]:
        return self._by_unit(self.fixed_a)

    @cached_property
    def overhead(self) -> dict[str, int]:
        return self._by_unit(self.overhead_a)

    @cached_property
    def loss(self) -> dict[str, float]:
        return self._by_unit(self.loss_a)

    @cached_property
    def head(self) -> dict[str, str]:
        ids = self._ids
        return dict(zip(ids, (ids[h] for h in self.head_a.tolist()), strict=True))

    @cached_property
    def est_police(self) -> dict[str, int]:
        return self._by_head(self.est_police_a)

    @cached_property
    def est_people(self) -> dict[str, int]:
        return self._by_head(self.est_people_a)

    @cached_property
    def est_fixed(self) -> dict[str, int]:
        return self._by_head(self.est_fixed_a)

    @cached_property
    def est_members(self) -> dict[str, int]:
        return self._by_head(self.est_members_a)

    @cached_property
    def hollow(self) -> list[str]:
        """Hollow establishments (空壳), by their head, breadth-first."""
        ids = self._ids
        return [ids[h] for h in self.hollow_a.tolist()]


def _fill(
    a: np.ndarray, sizes: np.ndarray, k1: np.ndarray, k2: np.ndarray, k3: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Officers of each unit taken by its establishment's posts: the units that take any,
    and their parts of the leader posts, of the leader and admin posts, and of all three.

    ``a``: officers of the units grouped by establishment (the head first, then breadth-
    first); ``sizes``: units per establishment; ``k1, k2, k3``: its leader posts c1, leader
    and admin posts c1 + c2, and all three c1 + c2 + c3, with c1, c2, c3 its leader, admin
    and duty posts (≥ 0). The posts are filled in turn from the units in order, each sort
    from what the sorts before it left, so after unit i — with S the establishment's
    officers up to and including i — the first k sorts of posts, of capacity
    K = c1 + … + ck together, have taken min(S, K). A unit's part is the growth it
    brings: min(S, K) − min(S − a_i, K), that is min(a_i, max(K − E, 0)) with E = S − a_i
    the officers before it: none once E reaches K. Returns ``(at, p1, p2, p3)``: the positions in ``a`` (ascending) of the units
    with E < c1 + c2 + c3, and their parts; every other unit's parts are 0.
    """
    big = max(int(a.sum()) if len(a) else 0, int(k3.max()) if len(k3) else 0)
    dt = np.int32 if 2 * big < 2**31 - 1 else np.int64  # exact either way
    excl: np.ndarray = np.cumsum(a, dtype=dt)
    np.subtract(excl, a, out=excl, casting="unsafe")  # officers before each unit, all together
    starts = np.cumsum(sizes) - sizes
    base = excl[starts]  # … before each establishment
    at = np.flatnonzero(excl < np.repeat(base + k3.astype(dt), sizes))
    g = np.searchsorted(starts, at, side="right") - 1  # the establishment of each
    before = excl[at] - base[g]
    a_at = a[at]
    p1, p2, p3 = (np.minimum(np.maximum(k[g] - before, 0), a_at) for k in (k1, k2, k3))
    return at, p1, p2, p3


#: Whether the staffing pass groups establishments level by level when it can (tests turn
#: it off to compare with the grouping by sort).
_BY_LEVEL = True
#: Up to this many establishments, their people are added up one by one, not all at once.
_FEW_ESTABLISHMENTS = 64
#: Whether the staffing group-bys count the community posts as the rest of the totals when
#: they share one key (tests turn it off to compare with the counting of every unit).
_BULK = True
#: Bits of the integers a float64 sum holds exactly with room to spare (the staffing
#: group-bys pack two integer columns into one weight within them; tests lower it).
_EXACT_BITS = 52


#: Units of each run of members that the post filling walks one at a time (the posts are
#: usually filled by a run's first unit or two); the rest of a run still open is read at
#: once (tests lower it).
_ROUNDS = 16


class _Keys(NamedTuple):
    """The staffing group-bys' keys (see :meth:`Frame._staffing_keys`)."""

    key: np.ndarray
    others: np.ndarray | None
    key_o: np.ndarray
    kind_o: np.ndarray


class _Took:
    """Units that take a part of their establishment's posts (see :func:`_fill`): their
    positions ``at``, their slots in the heads where they are heads (``None``: members, or
    of no known slot), and their parts of the leader posts, of the leader and admin posts,
    and of all three."""

    __slots__ = ("at", "head_slots", "p1", "p2", "p3")

    def __init__(
        self,
        at: np.ndarray,
        head_slots: np.ndarray | slice | None,
        p1: np.ndarray,
        p2: np.ndarray,
        p3: np.ndarray,
    ) -> None:
        self.at, self.head_slots = at, head_slots
        self.p1, self.p2, self.p3 = p1, p2, p3


class _MemberLevels:
    """Establishments whose members all sit right below their head (no member under a
    member): each head with the runs of its joined children, level by level.

    ``ok`` is false when the levels are not in runs of siblings (:attr:`Frame.blocks`).
    """

    def __init__(
        self, fr: Frame, joined: np.ndarray, heads: np.ndarray, whole: set[int] | None = None
    ) -> None:
        self.heads = heads
        self.at_heads = _as_index(heads)  # heads as an index (a slice where it can)
        blocks = fr.blocks
        self.ok = blocks is not None
        #: (start, end, run starts, run parents' slots in heads, joined mask or None: all)
        self.levels: list[tuple[int, int, np.ndarray, np.ndarray, np.ndarray | None]] = []
        nh = len(heads)
        bounds = fr.bounds
        for d, (s, e, first, parents) in enumerate(blocks or [], start=1):
            all_joined = whole is not None and s in whole
            jm = joined[s:e]
            if not all_joined and not jm.any():
                continue
            # the parents' slots: among the heads of the level above (all of it: a range)
            hs, he = np.searchsorted(heads, bounds[d - 1 : d + 1]).tolist()
            if he - hs == bounds[d] - bounds[d - 1]:
                slot = parents - (bounds[d - 1] - hs)
            else:
                slot = np.searchsorted(heads[hs:he], parents)
                slot += hs
            if all_joined or jm.all():
                self.levels.append((s, e, first, slot, None))
                continue
            # runs under a unit that is no head hold no member: left out of the sums
            keep = np.add.reduceat(jm, first, dtype=np.int64) > 0
            ok = slot < nh
            ok[ok] &= heads[slot[ok]] == parents[ok]
            slot = np.where(keep & ok, slot, nh)  # nh: a slot past the heads, dropped
            self.levels.append((s, e, first, slot, jm))

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Σ of an integer column over every establishment (by slot of ``heads``)."""
        nh = len(self.heads)
        out = np.zeros(nh + 1, dtype=np.int64)
        out[:nh] = values[self.at_heads]
        for s, e, first, slot, jm in self.levels:
            v = values[s:e] if jm is None else np.where(jm, values[s:e], 0)
            out[slot] += np.add.reduceat(v, first, dtype=np.int64)
        return out[:nh]

    def sums_at(self, values: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """:meth:`sums` at some slots of ``heads`` alone: a few establishments' runs read
        one by one."""
        nh = len(self.heads)
        out = values[self.heads[slots]].astype(np.int64)
        want = np.zeros(nh + 1, dtype=bool)  # nh: the runs left out
        want[slots] = True
        for s, e, first, slot, jm in self.levels:
            ends = np.append(first[1:], e - s)
            for r in np.flatnonzero(want[slot]).tolist():
                a, b = int(first[r]), int(ends[r])
                v = values[s + a : s + b]
                total = int(v.sum() if jm is None else v[jm[a:b]].sum())
                out[slots == slot[r]] += total
        return out

    def any_of(self, values: Callable[[int, int], np.ndarray]) -> np.ndarray:
        """Whether some member of every establishment (by slot of ``heads``) holds a
        boolean column, given level by level: ``values(s, e)`` for the level ``s:e``."""
        nh = len(self.heads)
        out = np.zeros(nh + 1, dtype=bool)
        for s, e, first, slot, jm in self.levels:
            v = values(s, e)
            if jm is not None:
                v = v & jm
            out[slot[np.logical_or.reduceat(v, first)]] = True
        return out[:nh]

    def sizes(self) -> np.ndarray:
        """Units of every establishment, the head included."""
        nh = len(self.heads)
        out = np.ones(nh + 1, dtype=np.int64)
        for s, e, first, slot, jm in self.levels:
            if jm is None:
                out[slot] += np.diff(first, append=e - s)
            else:
                out[slot] += np.add.reduceat(jm, first, dtype=np.int64)
        return out[:nh]

    def fill(
        self, police: np.ndarray, k1: np.ndarray, k2: np.ndarray, k3: np.ndarray
    ) -> list[_Took]:
        """:func:`_fill` of these establishments, in pieces: the heads that take a part of
        a post (their slots in ``heads`` given), then the members level by level (their
        positions), with their parts (``k1, k2, k3``: the posts cumulated, as there)."""
        heads = self.heads
        a_h = police[self.at_heads]
        # A head comes first in its establishment: none before it.
        if (k3 > 0).all():
            took = [_Took(heads, slice(None), *(np.minimum(k, a_h) for k in (k1, k2, k3)))]
        else:
            h = np.flatnonzero(k3 > 0)
            took = [_Took(heads[h], h, *(np.minimum(k[h], a_h[h]) for k in (k1, k2, k3)))]
        # A member: E officers before it — its head's and its run's before it.
        nh = len(heads)
        ks = (k1, k2, k3)
        for s, e, first, slot, jm in self.levels:
            if jm is None:
                room = k3[slot] - a_h[slot]  # what the head left (≤ 0: nothing)
            else:  # runs under a unit that is no head (slot nh) take nothing
                sl = np.minimum(slot, nh - 1)
                room = np.where(slot < nh, k3[sl] - a_h[sl], 0)
            runs = np.flatnonzero(room > 0)
            if not len(runs):
                continue
            v = police[s:e] if jm is None else np.where(jm, police[s:e], 0)
            # A unit takes a part while the officers before it in its run fall short of the
            # room its head left: the run's leading units, up to the first whose officers
            # reach it — usually the first or second. So the runs are walked a unit at a
            # time, those still open only; after _ROUNDS units, the rest of each at once.
            ends = np.append(first[1:], e - s)[runs]
            pos, left, before = first[runs], room[runs], a_h[slot[runs]]
            act = np.arange(len(runs))  # the open runs, among ``runs``
            at_l, run_l, before_l = [], [], []
            for _ in range(_ROUNDS):
                if not len(act):
                    break
                at_l.append(pos)
                run_l.append(act)
                before_l.append(before)
                v_at = v[pos]
                left = left - v_at
                pos = pos + 1
                open_ = (left > 0) & (pos < ends[act])
                act, pos, left, before = act[open_], pos[open_], left[open_], (before + v_at)[open_]
            if len(act):
                cnt = ends[act] - pos
                idx = np.repeat(pos - (np.cumsum(cnt) - cnt), cnt) + np.arange(int(cnt.sum()))
                r = np.repeat(np.arange(len(act)), cnt)
                vals = v[idx]
                excl = np.cumsum(vals) - vals  # officers before each, from the first open
                excl -= excl[(np.cumsum(cnt) - cnt)][r]  # … from its run's first open unit
                take = excl < left[r]
                at_l.append(idx[take])
                run_l.append(act[r[take]])
                before_l.append(before[r[take]] + excl[take])
            at = np.concatenate(at_l)
            sl = slot[runs[np.concatenate(run_l)]]
            before = np.concatenate(before_l)
            if jm is not None:  # a unit that did not join takes nothing here
                keep = jm[at]
                at, sl, before = at[keep], sl[keep], before[keep]
            v_at = v[at]
            at += s
            took.append(
                _Took(at, None, *(np.minimum(np.maximum(k[sl] - before, 0), v_at) for k in ks))
            )
        return took


class Bureaus:
    """The bureaus of an organisation as tables (see :attr:`Frame.bureaus`).

    ``pos``: their positions, breadth-first; ``up``: the position of each one's parent
    bureau (the nearest bureau above its parent; ``-1``: none); ``slot``: position → row of
    these tables over the positions up to the last bureau, ``:pos[-1] + 1`` (``-1`` for a
    unit that is no bureau); ``d_table[b, f]``: function ``f`` is
    in D(B) (a department or command centre of B has it); ``p_table[b, f]``: ``f`` is in
    D(P) of B's parent bureau (for the root: in the ``parent_bureau`` recorded with the
    organisation); ``has_parent``: B has such a P. Per bureau, ``functions`` = |D(B)| and
    ``shared`` = |D(B) ∩ D(P)| (0 without a P); ``measured``: it counts in the mirror
    index (departments and a P). ``dept_slot``: the row of the bureau of every department
    (:attr:`Frame.department_positions`; ``-1``: none above it).
    """

    def __init__(
        self,
        pos: np.ndarray,
        up: np.ndarray,
        slot: np.ndarray,
        d_table: np.ndarray,
        p_table: np.ndarray,
        has_parent: np.ndarray,
        dept_slot: np.ndarray,
    ) -> None:
        self.pos, self.up, self.slot = pos, up, slot
        self.d_table, self.p_table, self.has_parent = d_table, p_table, has_parent
        self.dept_slot = dept_slot
        self.functions = d_table.sum(axis=1)
        self.shared = (d_table & p_table).sum(axis=1)
        self.measured = has_parent & (self.functions > 0)


def _as_index(positions: np.ndarray) -> np.ndarray | slice:
    """``positions`` (ascending, distinct) as an index: the slice ``0:len`` where they are
    ``0, 1, …`` (a view instead of a gather; the heads of a generated organisation are
    every unit above the deepest level)."""
    m = len(positions)
    if m and positions[0] == 0 and positions[-1] == m - 1:
        return slice(0, m)
    return positions


def _small_int(bound: int) -> Any:
    """The smallest signed integer type holding ``-bound … bound``."""
    for t in (np.int8, np.int16, np.int32):
        if bound < np.iinfo(t).max:
            return t
    return np.int64


def small_counts(values: np.ndarray) -> np.ndarray:
    """``np.bincount(values)`` of small non-negative integers in a narrow type (int8 path
    lengths, levels): one comparison per value, without the int64 copy ``bincount`` makes
    of a narrow array."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    top = int(values.max())
    if top > 64 or values.dtype.itemsize >= 8:
        return np.bincount(values)
    return np.array([np.count_nonzero(values == v) for v in range(top + 1)], dtype=np.int64)


def first_true(mask: np.ndarray, k: int) -> np.ndarray:
    """Indices of the first ``k`` true entries of a boolean array (all of them if fewer):
    ``np.flatnonzero(mask)[:k]`` without listing every true entry."""
    out: list[np.ndarray] = []
    got, step, start = 0, max(4 * k, 4096), 0
    while got < k and start < len(mask):
        part = np.flatnonzero(mask[start : start + step])[: k - got]
        out.append(part + start)
        got += len(part)
        start += step
        step *= 4
    return np.concatenate(out) if out else np.zeros(0, dtype=np.int64)


def unique_sorted(values: np.ndarray) -> np.ndarray:
    """The distinct values of an integer array, ascending: ``np.unique`` by a sort. (numpy's
    own takes ~1 µs per element on this numpy (a hash table), and its first call imports
    ``numpy.ma``, ~70 ms; a sort of 40k positions takes under 1 ms, and none is made when
    the values come ascending already, as the ends of edges listed in order often do.)"""
    if len(values) > 1 and bool((values[1:] > values[:-1]).all()):
        return values.copy()  # ascending and distinct already
    out = np.sort(values)
    if len(out) > 1:
        keep = np.empty(len(out), dtype=bool)
        keep[0] = True
        np.not_equal(out[1:], out[:-1], out=keep[1:])
        out = out[keep]
    return out


#: A column given by its slices: ``get(s, e)`` is ``column[s:e]`` for one level's ``s:e``.
_Slices = Callable[[int, int], np.ndarray]


def _slicer(value: np.ndarray | _Slices) -> _Slices:
    if isinstance(value, np.ndarray):
        return lambda s, e: value[s:e]
    return value


class _Columns(Mapping[str, np.ndarray]):
    """Named columns, each computed by its function when first read, then kept."""

    def __init__(self, makers: dict[str, Callable[[], np.ndarray]]) -> None:
        self._makers = makers
        self._made: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        got = self._made.get(key)
        if got is None:
            got = self._made[key] = self._makers[key]()
        return got

    def made(self, key: str) -> bool:
        """Whether the column ``key`` has been computed."""
        return key in self._made

    def __iter__(self) -> Iterator[str]:
        return iter(self._makers)

    def __len__(self) -> int:
        return len(self._makers)


def _first_seen(keys: np.ndarray, nkeys: int) -> np.ndarray:
    """Position of the first occurrence of every key (``len(keys)`` when absent)."""
    first = np.full(nkeys, len(keys), dtype=np.int64)
    if len(keys):
        # a key first occurs where a run of equal keys starts
        at = np.flatnonzero(keys[1:] != keys[:-1])
        at += 1
        at = np.concatenate(([0], at))
        np.minimum.at(first, keys[at], at)
    return first


def _first_seen_of(keys: np.ndarray, present: np.ndarray) -> np.ndarray:
    """:func:`_first_seen` of keys known to be ``present`` (a boolean array over the keys):
    read in growing prefixes, up to where the last of them first occurs."""
    n, nkeys = len(keys), len(present)
    first = np.full(nkeys, n, dtype=np.int64)
    todo = int(present.sum())
    s, step = 0, 4096
    while todo and s < n:
        e = min(n, s + step)
        f = _first_seen(keys[s:e], nkeys)
        new = (f < e - s) & (first == n)
        first[new] = f[new] + s
        todo -= int(new.sum())
        s, step = e, step * 4
    return first


class _Down:
    """A top-down column (:meth:`Frame.spread`) made level by level only as deep as it is
    read: most units sit in the deepest levels, and a report reads such a column at a few
    positions (stations, departments, bureaus) high in the tree."""

    def __init__(
        self,
        fr: Frame,
        at: np.ndarray,
        values: np.ndarray | int | bool,
        root: int | bool,
        dtype: Any,
    ) -> None:
        self._fr, self._at, self._values, self._root = fr, at, values, root
        self.column = np.empty(0, dtype=dtype)
        self.levels = 0  # the column covers positions :bounds[levels]

    def upto(self, levels: int) -> np.ndarray:
        """The column over the first ``levels`` levels (at least; positions
        ``:bounds[levels]`` and maybe more)."""
        b = self._fr.bounds
        levels = min(levels, len(b) - 1)
        if levels > self.levels:
            out = np.empty(b[levels], dtype=self.column.dtype)
            out[: len(self.column)] = self.column
            self._fr._spread_levels(out, self._at, self._values, self._root, self.levels, levels)
            self.column, self.levels = out, levels
        return self.column

    def whole(self) -> np.ndarray:
        """The whole column."""
        return self.upto(len(self._fr.bounds) - 1)

    def __getitem__(self, positions: np.ndarray) -> np.ndarray:
        """The column at some positions (a few deep ones are climbed to, not made)."""
        if not len(positions):
            return self.column[:0]
        deepest = int(positions.max())
        if deepest >= len(self.column) and len(positions) <= self.FEW:
            return self._climbed(positions)
        if deepest >= len(self.column):
            self.upto(int(self._fr.depth_of(np.array([deepest]))[0]) + 1)
        return self.column[positions]

    #: Up to this many positions below the column made are read by climbing to it.
    FEW = 256

    def _climbed(self, positions: np.ndarray) -> np.ndarray:
        """The column at positions, each below the levels made climbing to its nearest set
        unit or to the column: a unit takes its own value where set, else its parent's."""
        fr, at, values = self._fr, self._at, self._values
        self.upto(1)
        out = np.empty(len(positions), dtype=self.column.dtype)
        cur = np.asarray(positions, dtype=np.int64)
        left = np.arange(len(cur))
        while len(left):
            made = cur < len(self.column)
            out[left[made]] = self.column[cur[made]]
            left, cur = left[~made], cur[~made]
            k = np.minimum(np.searchsorted(at, cur), max(len(at) - 1, 0))
            own = (at[k] == cur) if len(at) else np.zeros(len(cur), dtype=bool)
            if own.any():
                out[left[own]] = values if np.ndim(values) == 0 else values[k[own]]  # type: ignore[index]
            left, cur = left[~own], fr.ppos[cur[~own]]
        return out


def _signed_counts(h: np.ndarray, weights: np.ndarray | None) -> dict[int, int]:
    """Σ ``weights`` (1 each without) by value of the small integers ``h``: value → sum,
    for the values present. A few values: one comparison each; many: one ``bincount``."""
    if not len(h):
        return {}
    lo, hi = int(h.min()), int(h.max())
    if hi - lo < 8:
        if weights is None:
            got = [int(np.count_nonzero(h == v)) for v in range(lo, hi + 1)]
        else:
            got = [int(np.dot(h == v, weights)) for v in range(lo, hi + 1)]
    else:
        key = h.astype(np.intp) - lo
        n = np.bincount(key) if weights is None else np.bincount(key, weights=weights)
        got = n.astype(np.int64).tolist()  # exact: counts below 2**53
    return {lo + k: c for k, c in enumerate(got) if c}


class _PostPaths:
    """Command paths of the community posts (:attr:`Frame.post_paths`), one per group.

    Level by level, the posts come in groups whose posts share a path: the runs of siblings
    (the path is the parent's business: its nearest bureau and dispatched unit), or each post
    alone. A run may hold other units too; its size counts them, and their paths (their
    parents', the same) are kept to be taken off again. The posts dispatched themselves,
    reached in 1 hop by dispatch where their run's path is longer, are kept apart
    (``fixed``). A post at the root has a path of 0 hops. So the report's distribution is a
    ``bincount`` over the groups, and the per-post arrays (:meth:`arrays`) are made only
    when read.

    Paths are signed: negative where the shorter way is by dispatch (reached through a
    command centre), ``|path|`` hops either way.
    """

    def __init__(self, fr: Frame, posts: np.ndarray, small: Any) -> None:
        self._fr = fr
        self.posts = posts
        self.small = small
        #: (level, i, j, paths, (run starts, run sizes) or None, paths of the other units
        #: in the runs or None, (fixed posts as indices into posts[i:j], their runs' paths)
        #: or None): the posts ``posts[i:j]`` of one level.
        self.parts: list[
            tuple[
                int,
                int,
                int,
                np.ndarray,
                tuple[np.ndarray, np.ndarray] | None,
                np.ndarray | None,
                tuple[np.ndarray, np.ndarray] | None,
            ]
        ] = []

    def add(
        self,
        d: int,
        i: int,
        j: int,
        h: np.ndarray,
        runs: tuple[np.ndarray, np.ndarray] | None,
        h_others: np.ndarray | None,
        fixed: tuple[np.ndarray, np.ndarray] | None,
    ) -> None:
        """Add the posts ``posts[i:j]`` of level ``d`` (see :attr:`parts`)."""
        self.parts.append((d, i, j, h, runs, h_others, fixed))

    def distribution(self) -> tuple[dict[int, int], int]:
        """(path in hops → posts, ascending; posts reached by dispatch)."""
        counts: dict[int, int] = {}
        via = 0
        if len(self.posts) and self.posts[0] == 0:
            counts[0] = 1  # the root: 0 hops
        for _, _, _, h, runs, h_others, fixed in self.parts:
            by_path = _signed_counts(h, None if runs is None else runs[1])
            if h_others is not None and len(h_others):
                for v, c in _signed_counts(h_others, None).items():
                    by_path[v] -= c
            if fixed is not None:  # each 1 hop by dispatch, no longer its run's path
                for v in fixed[1].tolist():
                    by_path[v] -= 1
                by_path[-1] = by_path.get(-1, 0) + len(fixed[1])
            for v, c in by_path.items():
                if c:
                    counts[abs(v)] = counts.get(abs(v), 0) + c
                    via += c if v < 0 else 0
        return {v: counts[v] for v in sorted(counts) if counts[v]}, via

    def first(self, hops: int, k: int) -> np.ndarray:
        """Positions of the first ``k`` posts (breadth-first) whose path is ``hops`` hops."""
        kind = self._fr.kind
        found: list[np.ndarray] = []
        need = k
        if hops == 0 and len(self.posts) and self.posts[0] == 0:
            found.append(self.posts[:1])
            need -= 1
        for d, i, j, h, runs, _, fixed in self.parts:
            if need <= 0:
                break
            lp = self.posts[i:j]
            if runs is None:
                got = lp[first_true(np.abs(h) == hops, need)]
            else:
                s = int(self._fr.bounds[d])
                first, sizes = runs
                cand = np.flatnonzero(np.abs(h) == hops)
                drop = fixed[0] if fixed is not None else np.zeros(0, dtype=np.int64)
                # the fixed posts have 1 hop now: out of their runs, in if 1 is wanted
                extra = lp[drop] if hops == 1 else lp[:0]
                out = lp[:0]
                m = 0
                while m < len(cand):  # runs in growing chunks, until enough posts
                    m = min(len(cand), max(2 * m, 64))
                    c = cand[:m]
                    n = sizes[c]
                    start = np.repeat(s + first[c] - (np.cumsum(n) - n), n)
                    units = start + np.arange(int(n.sum()))
                    units = units[kind[units] == _POST]
                    if len(drop):
                        units = units[~np.isin(units, lp[drop])]
                    out = units
                    if len(units) >= need:
                        break
                if len(extra):
                    out = np.union1d(out, extra)
                got = out[:need]
            found.append(got)
            need -= len(got)
        return np.concatenate(found) if found else np.zeros(0, dtype=np.int64)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions of the posts, their paths in hops, reached by dispatch), by post."""
        posts, small, kind = self.posts, self.small, self._fr.kind
        hops = np.zeros(len(posts), dtype=small)  # a post at the root: 0 hops
        via = np.zeros(len(posts), dtype=bool)
        b = self._fr.bounds
        for d, i, j, h, runs, _, fixed in self.parts:
            if runs is None:
                got = h.copy()
            else:
                s, e = b[d], b[d + 1]
                got = np.repeat(h, runs[1])
                if j - i < e - s:
                    got = got[kind[s:e] == _POST]
                if fixed is not None:
                    got[fixed[0]] = -1
            v = got < 0
            via[i:j] = v
            np.negative(got, out=got, where=v)
            hops[i:j] = got
        return posts, hops, via


class Frame:
    """An organisation, its norms and lazily computed per-unit columns (see the module)."""

    def __init__(self, org: OrgGraph, norms: Norms | None = None) -> None:
        self.org = org
        self.norms = norms_or_default(norms)
        self.n = len(org)
        # The organisation holds its structure and columns in breadth-first order: read,
        # not gathered (read-only arrays, shared by every report on it).
        pos = org.positions
        self.positions = pos
        self.rows = org.bfs_rows
        self.bounds: list[int] = pos.bounds.tolist()
        self.pos_of_row = pos.of_row
        self.ppos = pos.parent
        self.kind = pos.kind
        self.police = pos.police
        self.aux = pos.auxiliaries
        self.fn = pos.function
        self.functions = org.columns.functions
        self._others: dict[int, tuple[np.ndarray, np.ndarray, dict[int, tuple[int, int, int]]]] = {}

    @cached_property
    def depth(self) -> np.ndarray:
        """REPORTS_TO hops from the root, by position."""
        return np.repeat(np.arange(len(self.bounds) - 1), np.diff(self.bounds))

    def depth_of(self, positions: np.ndarray) -> np.ndarray:
        """REPORTS_TO hops from the root of positions (``-1`` counts as the root's), without
        the whole :attr:`depth` column."""
        return np.searchsorted(self._bounds_a, positions, side="right")

    @cached_property
    def _bounds_a(self) -> np.ndarray:
        return np.asarray(self.bounds[1:-1], dtype=np.int64)

    # -- small helpers ------------------------------------------------------------------------

    @cached_property
    def order(self) -> list[str]:
        """Unit ids by position (built when read; rows use :attr:`labels`)."""
        return self.org.order()

    @cached_property
    def labels(self) -> Labels:
        """Ids and Chinese names by position, for building report rows."""
        cols = self.org.columns
        return Labels(cols, self.rows)

    @property
    def parents(self) -> Mapping[str, str | None]:
        """The parent of every unit, by id."""
        return self.org.parents()

    @cached_property
    def node(self) -> Mapping[str, dict[str, Any]]:
        """Unit id → attribute dict (built when read; prefer the arrays in loops)."""
        return _NodeView(self.org)

    @cached_property
    def names(self) -> list[str]:
        """Chinese names by position."""
        names = self.org.columns.names
        return [names[r] for r in self.rows.tolist()]

    def kind_name(self, i: int) -> str:
        """The kind of the unit at position ``i``."""
        return KINDS[self.kind[i]]

    def function_of(self, i: int) -> str | None:
        """The function code of the unit at position ``i``."""
        f = int(self.fn[i])
        return self.functions[f] if f >= 0 else None

    def ref(self, u: str | None) -> dict[str, Any] | None:
        """A unit as reports show it: id and Chinese name (``None`` stays ``None``)."""
        return None if u is None else {"id": u, "name": self.org.name_of(u)}

    def refp(self, i: int) -> dict[str, Any] | None:
        """The unit at position ``i`` as reports show it (``-1``: ``None``)."""
        return None if i < 0 else {"id": self.order[i], "name": self.names[i]}

    def levels(self, top_down: bool = True) -> Iterator[tuple[int, int]]:
        """``(start, end)`` of every level below the root, top-down or bottom-up."""
        b = self.bounds
        ds = range(1, len(b) - 1)
        for d in ds if top_down else reversed(ds):
            yield b[d], b[d + 1]

    def down(self, own: np.ndarray) -> np.ndarray:
        """Top-down: every position takes ``own`` where it is not ``-1``, else its parent's
        value (the root keeps its own)."""
        out = own.copy()
        ppos, b = self.ppos, self.bounds
        take = np.flatnonzero(out[1:] < 0) + 1  # the units that take their parent's
        cut = np.searchsorted(take, b).tolist()
        for d in range(1, len(b) - 1):
            t = take[cut[d] : cut[d + 1]]
            out[t] = out[ppos[t]]
        return out

    def spread(
        self,
        at: np.ndarray,
        values: np.ndarray | int | bool,
        root: int | bool,
        dtype: Any = np.int64,
        levels: int | None = None,
    ) -> np.ndarray:
        """Top-down: the units at positions ``at`` (ascending) take ``values`` (an array
        along ``at``, or one value for all), every other unit its parent's value, the root
        ``root`` unless it is in ``at``. :meth:`down` with the set units given as a list:
        one gather per level and the few set units written over it. With ``levels``, only
        the first ``levels`` levels are made (the column over positions ``:bounds[levels]``;
        ``at`` may go further)."""
        b = self.bounds
        top = len(b) - 1 if levels is None else max(1, min(levels, len(b) - 1))
        out = np.empty(b[top], dtype=dtype)
        self._spread_levels(out, at, values, root, 0, top)
        return out

    def _spread_levels(
        self,
        out: np.ndarray,
        at: np.ndarray,
        values: np.ndarray | int | bool,
        root: int | bool,
        first: int,
        stop: int,
    ) -> None:
        """:meth:`spread` into ``out`` over the levels ``first … stop - 1`` (the levels
        above ``first`` are there already)."""
        b, ppos = self.bounds, self.ppos
        cut = np.searchsorted(at, b[first : stop + 1]).tolist()
        one = np.ndim(values) == 0
        if first == 0:
            out[0] = root if cut[1] == 0 else values if one else values[0]  # type: ignore[index]
        for d in range(max(first, 1), stop):
            s, e = b[d], b[d + 1]
            # out[s:e] = out[ppos[s:e]] without a temporary: the parents lie before s, so
            # the source and the level do not overlap ("clip": the positions are valid)
            np.take(out[:s], ppos[s:e], out=out[s:e], mode="clip")
            i, j = cut[d - first], cut[d - first + 1]
            if j > i:
                out[at[i:j]] = values if one else values[i:j]  # type: ignore[index]

    def down_to(
        self, at: np.ndarray, values: np.ndarray | int | bool, root: int | bool, dtype: Any
    ) -> _Down:
        """:meth:`spread` made only as deep as it is read (see :class:`_Down`)."""
        return _Down(self, at, values, root, dtype)

    def _from_parents(self, column: np.ndarray, d: int) -> np.ndarray:
        """The values of ``column`` (by position, covering level ``d - 1``) at the parents
        of level ``d``'s units, one per unit of the level: by runs of siblings where the
        organisation has them (one value per run, repeated), else gathered."""
        b = self.bounds
        s, e = b[d], b[d + 1]
        blocks = self.blocks
        if blocks is None:
            return column[self.ppos[s:e]]
        first, parents = blocks[d - 1][2:]
        return np.repeat(column[parents], np.diff(first, append=e - s))

    @cached_property
    def blocks(self) -> list[tuple[int, int, np.ndarray, np.ndarray]] | None:
        """Every level below the root as ``(start, end, first, parents)``: its units come
        in runs of siblings, run k starting at ``start + first[k]`` under the unit at
        position ``parents[k]`` (``None`` if siblings are not contiguous in some level).
        The breadth-first walk lists each level's units by their parents' order, so they
        are; a subtree sum is then one ``add.reduceat`` per level, exact in integers."""
        runs = self.positions.runs
        if runs is None:
            return None
        return [(s, e, *run) for (s, e), run in zip(self.levels(), runs, strict=True)]

    def up(self, values: np.ndarray, reset: np.ndarray | None = None) -> np.ndarray:
        """Bottom-up subtree sums of an integer column (exact).

        With ``reset`` (a boolean column), a unit where it is true counts its whole subtree
        total instead: ``out[u] = up(values)[u]`` there — used for "police in stations".
        """
        if reset is not None:
            return self._up_with(reset, self.up(values))
        out = values.astype(np.int64)
        blocks = self.blocks
        if blocks is None:
            b, ppos = self.bounds, self.ppos
            for d in range(len(b) - 2, 0, -1):
                s, e = b[d], b[d + 1]
                ps = b[d - 1]
                add = np.bincount(ppos[s:e] - ps, weights=out[s:e], minlength=s - ps)
                out[ps:s] += add.astype(np.int64)
            return out
        for s, e, first, parents in reversed(blocks):
            out[parents] += np.add.reduceat(out[s:e], first)
        return out

    def up_float(self, values: np.ndarray) -> np.ndarray:
        """Bottom-up subtree sums of a float column, added in the order of a loop over the
        reversed breadth-first order (so the result is that loop's, to the last bit)."""
        ppos, b = self.ppos, self.bounds
        # Without negative values no sum is -0.0, and adding a child's 0.0 changes nothing:
        # only the children with a non-zero total are added then, in the same order.
        skip_zeros = not np.signbit(values).any()
        deepest = len(b) - 2
        if skip_zeros:
            # Below the deepest non-zero value every total is 0.0: those levels are copied
            # into zeros that are never touched (a sparse column, e.g. losses on the heads).
            nz = np.flatnonzero(values)
            deepest = int(np.searchsorted(b, nz[-1], side="right")) - 1 if len(nz) else 0
            del nz
            out = np.zeros(self.n, dtype=np.float64)
            end = b[deepest + 1]
            out[:end] = values[:end]
        else:
            out = values.astype(np.float64)  # a copy
        for d in range(deepest, 0, -1):
            s, e = b[d], b[d + 1]
            if skip_zeros:
                kids = s + np.flatnonzero(out[s:e])[::-1]
                np.add.at(out, ppos[kids], out[kids])
            else:
                np.add.at(out, ppos[s:e][::-1], out[s:e][::-1])
        return out

    def up_float_root(self, at: np.ndarray, values: np.ndarray) -> float:
        """:meth:`up_float` at the root of a column that is 0.0 but at the positions ``at``
        (ascending), where it holds ``values``: the same sum to the last bit, without the
        whole column (only the levels down to the deepest non-zero value are kept).

        :meth:`up_float` adds a level's children into their parents one at a time, last
        child first, each parent starting from its own value. Here one weighted
        ``bincount`` per level does the same additions in the same order: its weights list
        the parents' own values first, then the children last first, and ``bincount`` adds
        them into 0.0 in that order (0.0 + own is own: no value is negative here).
        """
        if np.signbit(values).any():
            col = np.zeros(self.n, dtype=np.float64)
            col[at] = values
            return float(self.up_float(col)[0])
        nonzero = values != 0
        if not len(values) or not nonzero.any():
            return 0.0
        k = len(values) - int(np.argmax(nonzero[::-1]))  # ``at`` up to the last non-zero
        b, ppos = self.bounds, self.ppos
        deepest = int(np.searchsorted(b, at[k - 1], side="right")) - 1
        out = np.zeros(b[deepest + 1], dtype=np.float64)
        if int(at[k - 1]) == k - 1:  # ascending from 0: the first positions (heads)
            out[:k] = values[:k]
        else:
            out[at[:k]] = values[:k]
        for d in range(deepest, 0, -1):
            s, e, ps = b[d], b[d + 1], b[d - 1]
            key = np.concatenate((np.arange(s - ps), ppos[s:e][::-1] - ps))
            w = np.concatenate((out[ps:s], out[s:e][::-1]))
            out[ps:s] = np.bincount(key, weights=w, minlength=s - ps)
        return float(out[0])

    def positions_of_kind(self, kind: str) -> np.ndarray:
        """Positions of the units of a kind, breadth-first (kept, read-only)."""
        return self.positions.of_kind(KIND_CODE[kind])

    def ids_at(self, positions: np.ndarray) -> list[str]:
        """Unit ids of positions."""
        return self.labels.ids(positions)

    # -- columns ------------------------------------------------------------------------------

    @cached_property
    def near_bureau(self) -> np.ndarray:
        """Position of the nearest bureau at or above every unit (``-1``: none)."""
        return self.near_bureau_at.whole()

    @cached_property
    def near_bureau_at(self) -> _Down:
        """:attr:`near_bureau`, read at positions (``near_bureau_at[positions]``) and made
        only as deep as read."""
        at = self.bureau_positions
        return self.down_to(at, at, -1, np.int64)  # a root without a bureau: none below

    @cached_property
    def bureau_positions(self) -> np.ndarray:
        """Positions of the bureaus, breadth-first."""
        return self._of_kinds(_BUREAU_T)

    @cached_property
    def bureau(self) -> dict[str, str | None]:
        """Nearest bureau at or above every unit, by id."""
        order = self.order
        return {
            u: (order[b] if b >= 0 else None)
            for u, b in zip(order, self.near_bureau.tolist(), strict=True)
        }

    @cached_property
    def units_of_kind(self) -> dict[str, list[str]]:
        """Units of every kind, breadth-first."""
        present = np.flatnonzero(np.bincount(self.kind, minlength=len(KINDS)))
        first = _first_seen(self.kind, len(KINDS))
        out: dict[str, list[str]] = {}
        for k in sorted(present.tolist(), key=lambda k: first[k]):
            out[KINDS[k]] = self.ids_at(np.flatnonzero(self.kind == k))
        return out

    @cached_property
    def edges(self) -> tuple[int, int]:
        """(GUIDES edges, DISPATCHES edges)."""
        return len(self.org.guide_rows), len(self.org.dispatch_rows)

    @cached_property
    def span(self) -> np.ndarray:
        """Direct REPORTS_TO children of every unit, by position (0 for a leaf)."""
        if self.blocks is None:
            return np.bincount(self.ppos[1:], minlength=self.n)
        m, sp = self.managing
        out = np.zeros(self.n, dtype=np.int64)
        out[m] = sp
        return out

    @cached_property
    def managing(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the managing units — those with a child — breadth-first, their
        spans): from the runs of siblings (:attr:`blocks`), one run per managing unit,
        without a whole column."""
        blocks = self.blocks
        if blocks is None:
            m = np.flatnonzero(self.span)
            return m, self.span[m]
        if not blocks:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return (
            np.concatenate([p for _, _, _, p in blocks]),
            np.concatenate([np.diff(first, append=e - s) for s, e, first, _ in blocks]),
        )

    @cached_property
    def spans(self) -> dict[str, int]:
        """Direct REPORTS_TO children of every managing unit."""
        m, sp = self.managing
        return dict(zip(self.ids_at(m), sp.tolist(), strict=True))

    @cached_property
    def path_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(positions of the community posts, their command paths, reached by dispatch).

        The paths are small integers (int8 while the organisation has under 127 levels),
        expanded from :attr:`post_paths` (one path per run of sibling posts).
        """
        return self.post_paths.arrays()

    @cached_property
    def post_paths(self) -> _PostPaths:
        """The command paths of the community posts, kept by groups (see :class:`_PostPaths`).

        A post is no bureau, so its nearest bureau is its parent's, and so is its nearest
        dispatched unit unless it is dispatched itself: level by level, the path is worked
        out once per run of siblings (or per post, where a level has few) from top-down
        columns of depths made over the levels above the deepest post only.
        """
        posts = self.positions_of_kind("community_post")
        b = self.bounds
        small = _small_int(len(b) + 1)
        cut = np.searchsorted(posts, b).tolist()
        with_posts = [d for d in range(1, len(b) - 1) if cut[d + 1] > cut[d]]
        out = _PostPaths(self, posts, small)
        if not with_posts:
            return out
        stop = with_posts[-1]  # the columns cover the levels above the deepest post
        # Depth of the nearest bureau at or above every unit (0, the root's, for none).
        bureaus = self.bureau_positions
        bureaus = bureaus[: np.searchsorted(bureaus, b[stop])]
        b_depth = self.spread(bureaus, self.depth_of(bureaus).astype(small), 0, small, stop)
        # Depth of the nearest dispatched unit at or above every unit (-1: none).
        disp = self.org.dispatch_rows
        at = unique_sorted(self.pos_of_row[disp[:, 1]]) if len(disp) else disp[:0, 1]
        n_depth = None
        if len(at):
            n_depth = self.spread(at, self.depth_of(at).astype(small), -1, small, stop)
            cut_at = np.searchsorted(at, b).tolist()

        def by_parent(d: int, parents: np.ndarray | slice) -> np.ndarray:
            """The path of a unit of level ``d`` below each of ``parents`` (positions, or
            a slice of them) by its parent: down the command line, or by dispatch, negated
            (every path is at least 1 hop: the sign tells which way it went)."""
            h = np.subtract(d, b_depth[parents], dtype=small)
            if n_depth is not None:
                nd = n_depth[parents]
                alt = np.subtract(d + 1, nd, dtype=small)
                np.copyto(h, np.negative(alt), where=(nd >= 0) & (alt < h))
            return h

        blocks, ppos = self.blocks, self.ppos
        for d in with_posts:
            i, j = cut[d], cut[d + 1]
            s, e = b[d], b[d + 1]
            lp = posts[i:j]
            # The posts dispatched themselves: 1 hop by dispatch, if shorter.
            fix = np.zeros(0, dtype=np.int64)
            if n_depth is not None:
                mine = at[cut_at[d] : cut_at[d + 1]]  # dispatched units of the level …
                if len(mine):  # … the posts among them
                    k = np.minimum(np.searchsorted(lp, mine), j - i - 1)
                    fix = k[lp[k] == mine]
            runs = None if blocks is None else blocks[d - 1]
            if runs is None or j - i <= len(runs[2]):
                h = by_parent(d, ppos[lp])  # one group per post
                if len(fix):
                    h[fix] = np.where(np.abs(h[fix]) > 1, -1, h[fix])
                out.add(d, i, j, h, None, None, None)
                continue
            first, parents = runs[2], runs[3]
            sizes = np.diff(first, append=e - s)
            # by the parent, all of level d - 1 at once (no gathers), then read at the parents
            ps = b[d - 1]
            h_up = by_parent(d, slice(ps, s))
            h_others = None  # of the level's units that are no post (in the runs' sizes)
            if j - i < e - s:
                h_others = h_up[self.others_at(d)[1] - ps]
            fixed = None
            if len(fix):
                old = by_parent(d, ppos[lp[fix]])
                big = np.abs(old) > 1
                fixed = (fix[big], old[big])
            out.add(d, i, j, h_up[parents - ps], (first, sizes), h_others, fixed)
        return out

    def others_at(self, d: int) -> tuple[np.ndarray, np.ndarray, dict[int, tuple[int, int, int]]]:
        """The units of level ``d`` that are no community post (the posts are most units of
        the deepest level; passes over the others read few positions), kept for the frame.

        Returns ``(positions, parents, groups)``: their positions grouped by kind (each
        group ascending, not sorted as a whole), their parents' positions, and kind →
        ``(start, lo, hi)``: the group is ``positions[start:start + hi - lo]``, that is
        ``positions_of_kind(kind)[lo:hi]``.
        """
        got = self._others.get(d)
        if got is None:
            b, pos = self.bounds, self.positions
            parts, groups, start = [], {}, 0
            for k in range(len(KINDS)):
                if k == _POST:
                    continue
                lo, hi = np.searchsorted(pos.of_kind(k), b[d : d + 2]).tolist()
                if hi > lo:
                    parts.append(pos.of_kind(k)[lo:hi])
                    groups[k] = (start, lo, hi)
                    start += hi - lo
            at = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
            got = self._others[d] = (at, self.ppos[at], groups)
        return got

    @cached_property
    def paths(self) -> tuple[dict[str, int], set[str]]:
        """(command path of every community post, posts reached faster by dispatch)."""
        posts, hops, via = self.path_arrays
        ids = self.ids_at(posts)
        return (
            dict(zip(ids, hops.tolist(), strict=True)),
            set(self.ids_at(posts[via])),
        )

    @property
    def by_layer(self) -> dict[int, list[int]]:
        """Layer → [units, police]."""
        b = self.bounds
        units = np.diff(b).tolist()
        if len(b) > 2 and self.total_top is not None:
            # the levels above the deepest one, and the deepest as the rest of the total
            # (its units are most units: not read again)
            police = np.add.reduceat(self.police[: b[-2]], b[:-2]).tolist()
            police.append(self.police_total - sum(police))
        else:
            police = np.add.reduceat(self.police, b[:-1]).tolist()  # levels are slices
        return {d: [u, p] for d, (u, p) in enumerate(zip(units, police, strict=True))}

    @property
    def deepest_frontline(self) -> int:
        """Deepest layer of a frontline unit, −1 when there is none."""
        pos = self.positions
        last = [pos.of_kind(k)[-1:] for k in np.flatnonzero(_FRONT_T).tolist()]
        deepest = np.concatenate(last) if last else np.zeros(0, dtype=np.int64)
        return int(self.depth_of(deepest).max()) if len(deepest) else -1

    @property
    def departments(self) -> list[str]:
        """Departments and command centres, breadth-first."""
        return self.ids_at(self.department_positions)

    @cached_property
    def department_positions(self) -> np.ndarray:
        """Positions of the departments and command centres, breadth-first."""
        return self._of_kinds(_DEPT_T)

    @cached_property
    def department_fn(self) -> np.ndarray:
        """Function code of every department and command centre
        (:attr:`department_positions`; ``-1``: none)."""
        return self.fn[self.department_positions]

    @cached_property
    def department_bureau(self) -> np.ndarray:
        """Position of the nearest bureau above every department and command centre
        (:attr:`department_positions`; ``-1``: none)."""
        return self.near_bureau_at[self.department_positions]

    @cached_property
    def department_police(self) -> np.ndarray:
        """Police of every department and command centre (:attr:`department_positions`)."""
        return self.police[self.department_positions]

    def _of_kinds(self, table: np.ndarray) -> np.ndarray:
        """Positions of the units of the kinds a lookup table marks, ascending."""
        pos = self.positions
        parts = [pos.of_kind(k) for k in np.flatnonzero(table).tolist()]
        if len(parts) == 1:
            return parts[0]
        out = np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)
        out.sort(kind="stable")  # a merge of the ascending runs (a quicksort takes 8× longer)
        return out

    @cached_property
    def sums_arrays(self) -> _Columns:
        """Subtree sums of police by position: ``total``, ``station`` (in station subtrees),
        ``community`` (in community teams and posts), ``station_community`` (community
        police inside stations) and ``organ`` (in bureau units, departments, centres).
        Each is computed when first read (the report needs the organ sums at the root
        alone: :attr:`organ_police`)."""
        return _Columns(
            {
                "total": self._total,
                "station": self._station_column,
                "community": self._community,
                # Community police of a station's subtree, counted at the station and
                # summed above.
                "station_community": lambda: self._up_at(
                    self.positions_of_kind("station"), self.sums_arrays["community"]
                ),
                "organ": lambda: self.up(np.where(_ORGAN_T[self.kind], self.police, 0)),
            }
        )

    @cached_property
    def station_top(self) -> np.ndarray:
        """``sums_arrays["station"]`` down to the level of the deepest station, without a
        whole column (below it every unit's is 0: no station lies in its subtree)."""
        return self._up_at(self.positions_of_kind("station"), self.total_slice, whole=False)

    def _station_column(self) -> np.ndarray:
        top = self.station_top
        out = np.zeros(self.n, dtype=np.int64)
        out[: len(top)] = top
        return out

    def station_at(self, positions: np.ndarray) -> np.ndarray:
        """``sums_arrays["station"]`` at some positions (from :attr:`station_top`)."""
        if self.sums_arrays.made("station"):
            return self.sums_arrays["station"][positions]
        top = self.station_top
        inside = positions < len(top)
        if inside.all():
            return top[positions]
        return np.where(inside, top[np.where(inside, positions, 0)], 0)

    @property
    def total(self) -> np.ndarray:
        """Police in every unit's subtree (``sums_arrays["total"]``)."""
        return self.sums_arrays["total"]

    @cached_property
    def total_top(self) -> np.ndarray | None:
        """:attr:`total` above the deepest level (whose units are leaves: their own police),
        without a whole column; ``None`` where :meth:`up` goes another way."""
        return self._up_top(self.police)

    def _total(self) -> np.ndarray:
        top = self.total_top
        if top is None:
            return self.up(self.police)
        return np.concatenate((top, self.police[len(top) :].astype(np.int64)))

    @property
    def police_total(self) -> int:
        """Police of the whole organisation (:attr:`total` at the root)."""
        return int(self.total_at(np.zeros(1, dtype=np.int64))[0])

    def total_at(self, positions: np.ndarray) -> np.ndarray:
        """:attr:`total` at some positions (from :attr:`total_top` and the leaves' police)."""
        top = self.total_top
        if top is None or self.sums_arrays.made("total"):
            return self.total[positions]
        inside = positions < len(top)
        if inside.all():
            return top[positions]
        return np.where(inside, top[np.where(inside, positions, 0)], self.police[positions])

    def total_slice(self, s: int, e: int) -> np.ndarray:
        """:attr:`total` over the positions ``s:e`` of one level."""
        top = self.total_top
        if top is None or self.sums_arrays.made("total"):
            return self.total[s:e]
        return top[s:e] if e <= len(top) else self.police[s:e]

    @cached_property
    def organ_police(self) -> int:
        """Police in bureau units, departments and centres, over the whole organisation
        (``sums_arrays["organ"]`` at the root)."""
        if self.sums_arrays.made("organ"):
            return int(self.sums_arrays["organ"][0])
        if (_ORGAN_T == (_BUREAU_T | _DEPT_T)).all():  # the units of two position lists
            police = self.police
            return int(police[self.bureaus.pos].sum()) + int(self.department_police.sum())
        return int(self.police[_ORGAN_T[self.kind]].sum())

    def _community_teams(self) -> np.ndarray:
        """Positions of the community teams (社区警务队: teams of the community function)."""
        return self.positions_of_kind("team")[self._team_is_community]

    @cached_property
    def _team_is_community(self) -> np.ndarray:
        """Whether each team (:meth:`positions_of_kind`) is a community team."""
        teams = self.positions_of_kind("team")
        return self.fn[teams] == self._function_code(COMMUNITY_FUNCTION)

    def _community(self) -> np.ndarray:
        is_com = self.kind == _POST
        is_com[self._community_teams()] = True
        return self._up_with(is_com, self.total_slice)

    @cached_property
    def not_posts(self) -> np.ndarray:
        """Positions of the units that are no community post, ascending (the posts are
        most units: the staffing group-bys and the community sums look at the others)."""
        pos = self.positions
        parts = [pos.of_kind(k) for k in range(len(KINDS)) if k != _POST]
        out = np.concatenate(parts)
        out.sort(kind="stable")  # a merge of the ascending runs (not a pass over every unit)
        out.flags.writeable = False
        return out

    @cached_property
    def community_top(self) -> np.ndarray | None:
        """``sums_arrays["community"]`` above the deepest level, without a whole column: the
        deepest level's units are leaves, so a parent there gets the police of all its
        children (:attr:`total_top` less its own) less those of the children that are no
        community unit — few next to the posts. ``None`` where :attr:`total_top` is."""
        top = self.total_top
        if top is None:
            return None
        b, kind, police = self.bounds, self.kind, self.police
        s, ps = b[-2], b[-3]
        com_teams = self._community_teams()
        is_com = kind[:s] == _POST  # community units above the deepest level
        is_com[com_teams[com_teams < s]] = True
        # the deepest level's units that are no community unit: neither posts nor
        # community teams
        rest, parent, groups = self.others_at(len(b) - 2)
        team = groups.get(_TEAM)
        if team is not None:
            start, lo, hi = team
            keep = np.ones(len(rest), dtype=bool)
            keep[start : start + hi - lo] = ~self._team_is_community[lo:hi]
            rest, parent = rest[keep], parent[keep]
        out = np.zeros(s, dtype=np.int64)
        out[ps:s] = top[ps:s] - police[ps:s]  # the children's police
        if len(rest):
            other = np.bincount(parent - ps, weights=police[rest], minlength=s - ps)
            out[ps:s] -= other.astype(np.int64)  # exact: integers below 2**53
        for d in range(len(b) - 3, -1, -1):
            ls, le = b[d], b[d + 1]
            np.copyto(out[ls:le], top[ls:le], where=is_com[ls:le])
            if not d:
                break
            self._add_level_to_parents(out, d)
        return out

    def community_at(self, positions: np.ndarray) -> np.ndarray:
        """``sums_arrays["community"]`` at some positions (from :attr:`community_top`; a unit
        of the deepest level: its police if it is a community unit, else 0)."""
        top = self.community_top
        if top is None or self.sums_arrays.made("community"):
            return self.sums_arrays["community"][positions]
        inside = positions < len(top)
        if inside.all():
            return top[positions]
        kind = self.kind[positions]
        team = (kind == _TEAM) & (self.fn[positions] == self._function_code(COMMUNITY_FUNCTION))
        leaf = np.where((kind == _POST) | team, self.police[positions], 0)
        return np.where(inside, top[np.where(inside, positions, 0)], leaf)

    @cached_property
    def station_community(self) -> int:
        """Community police inside stations, over the whole organisation
        (``sums_arrays["station_community"]`` at the root): the community police of the
        stations that lie in no other station."""
        if self.sums_arrays.made("station_community"):
            return int(self.sums_arrays["station_community"][0])
        st = self.positions_of_kind("station")
        if not len(st):
            return 0
        p = self.ppos[st]
        outer = st[(p < 0) | ~self.in_station_at(np.maximum(p, 0))]
        return int(self.community_at(outer).sum())

    def _up_with(self, reset: np.ndarray, value: np.ndarray | _Slices) -> np.ndarray:
        """Bottom-up sums where a unit with ``reset`` counts ``value`` instead of its
        children's sum (:meth:`_up_at` with a boolean column: whole-level copies, no
        positions)."""
        b = self.bounds
        get = _slicer(value)
        out = np.zeros(self.n, dtype=np.int64)
        levels = [d for d in range(len(b) - 1) if reset[b[d] : b[d + 1]].any()]
        for d in range(levels[-1] if levels else -1, -1, -1):
            s, e = b[d], b[d + 1]
            if d in levels:
                np.copyto(out[s:e], get(s, e), where=reset[s:e])
            if not d:
                break
            self._add_level_to_parents(out, d)
        return out

    def _add_level_to_parents(self, out: np.ndarray, d: int) -> None:
        """Add level ``d``'s sums in ``out`` (int64, breadth-first positions) to their
        parents on level ``d - 1``: by runs of joined children where the frame has them."""
        b = self.bounds
        s, e = b[d], b[d + 1]
        if self.blocks is not None:
            _, _, first, parents = self.blocks[d - 1]
            out[parents] += np.add.reduceat(out[s:e], first)
        else:
            ps = b[d - 1]
            add = np.bincount(self.ppos[s:e] - ps, weights=out[s:e], minlength=s - ps)
            out[ps:s] += add.astype(np.int64)

    def _up_at(self, at: np.ndarray, value: np.ndarray | _Slices, whole: bool = True) -> np.ndarray:
        """:meth:`_up_with` with the reset units given by position (ascending). Below the
        deepest of them every sum is 0, so the passes start at its level; without
        ``whole``, the column stops there too (positions ``:bounds[deepest + 1]``, at least
        the root's)."""
        b = self.bounds
        get = _slicer(value)
        deepest = int(np.searchsorted(b, at[-1], side="right")) - 1 if len(at) else 0
        out = np.zeros(self.n if whole else b[deepest + 1], dtype=np.int64)
        if not len(at):
            return out
        cut = np.searchsorted(at, b).tolist()
        for d in range(deepest, -1, -1):
            s, e = b[d], b[d + 1]
            idx = at[cut[d] : cut[d + 1]]
            if len(idx):
                out[idx] = get(s, e)[idx - s]
            if not d:
                break
            self._add_level_to_parents(out, d)
        return out

    def _function_code(self, code: str) -> int:
        try:
            return self.functions.index(code)
        except ValueError:
            return -2

    @cached_property
    def sums(self) -> dict[str, dict[str, int]]:
        """:attr:`sums_arrays` by unit id."""
        order = self.order
        return {k: dict(zip(order, a.tolist(), strict=True)) for k, a in self.sums_arrays.items()}

    @cached_property
    def county_level_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """(positions of the county-level bureaus breadth-first, position of the nearest
        county-level bureau at or above every unit — ``-1`` above them, e.g. a city's own
        organs).

        A county-level bureau (县级公安机关) is the bureau nearest above a station — a county
        bureau or 分局, or a city bureau that commands stations directly — and a county bureau
        with no bureau below it (even without stations: its share is 0); a county bureau that
        only heads other 分局 is not one (DOMAIN.md, "Frontline shares").
        """
        return self.county_level_bureaus, self.county_level_at.whole()

    @cached_property
    def county_level_bureaus(self) -> np.ndarray:
        """Positions of the county-level bureaus, breadth-first (see
        :attr:`county_level_arrays`)."""
        kind, ppos, near, t = self.kind, self.ppos, self.near_bureau_at, self.bureaus
        # Marked over the bureaus: above a station, or a county bureau with no bureau
        # below it (no bureau has it as its parent bureau).
        marked = np.zeros(len(t.pos), dtype=bool)
        st = self.positions_of_kind("station")
        st = st[st > 0]  # (the root has no parent)
        b = near[ppos[st]]
        marked[t.slot[b[b >= 0]]] = True
        has_below = np.zeros(len(t.pos), dtype=bool)
        has_below[t.slot[t.up[t.up >= 0]]] = True
        marked |= (kind[t.pos] == _COUNTY) & ~has_below
        return t.pos[marked]

    @cached_property
    def county_level_at(self) -> _Down:
        """The nearest county-level bureau at or above every unit (:attr:`county_level_arrays`),
        read at positions and made only as deep as read."""
        # Only bureaus are marked: that of a unit's nearest bureau, or of the nearest bureau
        # above that one, …
        at = self.county_level_bureaus
        return self.down_to(at, at, -1, np.int64)

    @cached_property
    def county_level(self) -> tuple[list[str], dict[str, str | None]]:
        """:attr:`county_level_arrays` by unit id."""
        bureaus, cl = self.county_level_arrays
        order = self.order
        return self.ids_at(bureaus), {
            u: (order[c] if c >= 0 else None) for u, c in zip(order, cl.tolist(), strict=True)
        }

    @cached_property
    def in_station(self) -> np.ndarray:
        """Whether every unit is a station or lies inside one."""
        return self._in_station.whole()

    @cached_property
    def _in_station(self) -> _Down:
        return self.down_to(self.positions_of_kind("station"), True, False, bool)

    def in_station_at(self, positions: np.ndarray) -> np.ndarray:
        """:attr:`in_station` at some positions, carried down only to the deepest of them
        (the levels below, most units, are left alone; see :class:`_Down`)."""
        return self._in_station[positions]

    @cached_property
    def county_level_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """Subtree sums over the units inside county-level bureaus only (organs of a city,
        province or ministry above them left out): (police in station subtrees, police),
        integers."""
        bureaus, cl = self.county_level_arrays
        sums, ppos = self.sums_arrays, self.ppos
        # A unit inside a county-level bureau has its whole subtree inside: its sums are
        # its subtree's — all its police inside a station (so every unit there is), else
        # those of the stations below it (sums_arrays' "station").
        tot = sums["total"]
        num = np.where(self.in_station, tot, sums["station"])
        den = tot.copy()
        above = np.flatnonzero(cl < 0)
        if len(above):
            # Above them, the children's sums, added bottom-up from the units above and the
            # county-level bureaus under them (a unit inside under one above is such a bureau).
            num[above] = 0
            den[above] = 0
            p = ppos[bureaus]
            tops = bureaus[(p >= 0) & (cl[np.maximum(p, 0)] < 0)]
            x = unique_sorted(np.concatenate((above[above > 0], tops)))
            b = self.bounds
            cut = np.searchsorted(x, b).tolist()
            for d in range(len(b) - 2, 0, -1):
                idx = x[cut[d] : cut[d + 1]]
                if len(idx):
                    np.add.at(num, ppos[idx], num[idx])
                    np.add.at(den, ppos[idx], den[idx])
        return num, den

    @cached_property
    def county_level_sums_b(self) -> tuple[np.ndarray, np.ndarray]:
        """:attr:`county_level_sums` at the county-level bureaus (breadth-first) — what the
        report reads of them: inside its own region, each bureau's are its subtree's."""
        bureaus = self.county_level_bureaus
        if "county_level_sums" in self.__dict__:
            num, den = self.county_level_sums
            return num[bureaus], den[bureaus]
        tot = self.total_at(bureaus)
        inside = self.in_station_at(bureaus)
        return np.where(inside, tot, self.station_at(bureaus)), tot

    @cached_property
    def station_sums(self) -> tuple[np.ndarray, np.ndarray]:
        """(police, community police) in the subtree of every station
        (:meth:`positions_of_kind`), as :meth:`total_at` and :meth:`community_at` there."""
        st = self.positions_of_kind("station")
        return self.total_at(st), self.community_at(st)

    @cached_property
    def county_level_own(self) -> tuple[np.ndarray, np.ndarray]:
        """(police in station subtrees, police) over each county-level bureau's own region
        (:meth:`own_region_b` of :attr:`county_level_sums_b`), floats holding integers."""
        num, den = self.county_level_sums_b
        return self.own_region_b(num), self.own_region_b(den)

    def _up_top(self, values: np.ndarray) -> np.ndarray | None:
        """:meth:`up` above the deepest level, whose units are leaves (their sums are their
        own values): read there, not copied. ``None`` without :attr:`blocks` or below a
        lone root."""
        b, blocks = self.bounds, self.blocks
        deepest = len(b) - 2
        if deepest == 0 or blocks is None:
            return None
        top = values[: b[deepest]].astype(np.int64)
        s, e, first, parents = blocks[deepest - 1]
        top[parents] += np.add.reduceat(values[s:e], first, dtype=np.int64)
        for s, e, first, parents in reversed(blocks[: deepest - 1]):
            top[parents] += np.add.reduceat(top[s:e], first)
        return top

    def subtree_at(self, values: np.ndarray, positions: np.ndarray) -> np.ndarray:
        """Subtree sums of an integer column at some positions (:meth:`up` there), without a
        whole column: the deepest level (leaves, most of the units) is read, not copied."""
        top = self.aux_top if values is self.aux else self._up_top(values)
        if top is None:
            return self.up(values)[positions]
        inside = positions < len(top)
        if inside.all():
            return top[positions]
        return np.where(inside, top[np.where(inside, positions, 0)], values[positions])

    @cached_property
    def aux_top(self) -> np.ndarray | None:
        """:meth:`_up_top` of the auxiliaries (read at stations and at bureaus)."""
        return self._up_top(self.aux)

    @cached_property
    def subtree_aux(self) -> np.ndarray:
        """Auxiliaries in every unit's subtree, by position."""
        return self.up(self.aux)

    @property
    def subtree_sums_aux(self) -> dict[str, float]:
        """Auxiliaries in every unit's subtree, by id."""
        return dict(zip(self.order, self.subtree_aux.astype(np.float64).tolist(), strict=True))

    def own_region(self, subtree: np.ndarray | Mapping[str, float]) -> dict[str, float]:
        """A subtree sum over each county-level bureau's own region: its subtree without the
        subtrees of the county-level bureaus below it (so no officer is counted twice)."""
        arr = self._as_array(subtree)
        return dict(
            zip(
                self.ids_at(self.county_level_bureaus),
                self.own_region_a(arr).tolist(),
                strict=True,
            )
        )

    def own_region_a(self, subtree: np.ndarray) -> np.ndarray:
        """:meth:`own_region` as an array over the county-level bureaus (breadth-first)."""
        return self.own_region_b(subtree[self.county_level_bureaus])

    def own_region_b(self, at_bureaus: np.ndarray) -> np.ndarray:
        """:meth:`own_region_a` from the subtree sums at the county-level bureaus alone."""
        bureaus, cl = self.county_level_bureaus, self.county_level_at
        out = at_bureaus.astype(np.float64)
        if len(bureaus):
            p = self.ppos[bureaus]
            up = np.where(p >= 0, cl[np.maximum(p, 0)], -1)
            has = up >= 0
            slot = np.searchsorted(bureaus, up[has])
            np.subtract.at(out, slot, at_bureaus[has].astype(np.float64))
        return out

    def _as_array(self, values: np.ndarray | Mapping[str, float]) -> np.ndarray:
        if isinstance(values, np.ndarray):
            return values
        return np.array([values.get(u, 0.0) for u in self.order], dtype=np.float64)

    @cached_property
    def cat_kind(self) -> np.ndarray:
        """``category * len(KINDS) + kind`` of every unit, by position: its category
        (:meth:`OrgGraph.category_of`: its own, else by kind, else its function's) and kind
        in one code — the staffing group-bys' key without the level."""
        return self._cat_kind()

    def _cat_kind(self) -> np.ndarray:
        """:attr:`cat_kind`, a fresh array each time."""
        ck = _CAT_KIND[self.kind]
        kind = self.kind
        if (_BY_FUNCTION_T == _DEPT_T).all():
            by_fn = self.department_positions
        else:
            by_fn = np.flatnonzero(_BY_FUNCTION_T[kind])
        if len(by_fn):
            # a function's category (-1, no function: the table's last, management)
            ck[by_fn] = self.org.function_category_codes[self.fn[by_fn]] * len(KINDS)
            ck[by_fn] += kind[by_fn]
        own = self.org.columns.category
        if len(own) and own.max() >= 0:  # some units give their own
            c = own[self.rows]
            ck = np.where(c >= 0, c.astype(np.int64) * len(KINDS) + kind, ck)
        return ck

    @cached_property
    def category(self) -> np.ndarray:
        """Category code of every unit (:meth:`OrgGraph.category_of`), by position."""
        return self.cat_kind // len(KINDS)

    @cached_property
    def level9(self) -> np.ndarray:
        """KIND_LEVELS of every unit, inside units taking their parent's, ``_NO_LEVEL``
        where none is (int8)."""
        own = _KIND_LEVEL[self.kind]
        if own[0] < 0:
            own[0] = _NO_LEVEL  # and so for the units below that take it
        return self.down(own)

    @cached_property
    def level(self) -> np.ndarray:
        """KIND_LEVELS of every unit, inside units taking their parent's (``-1``: none)."""
        lv = self.level9.astype(np.int64)
        lv[lv == _NO_LEVEL] = -1
        return lv

    @cached_property
    def staffing(self) -> Staffing:
        """Fixed posts, hidden loss and the funnel deductions of every establishment and unit
        (see :mod:`orgmodel.metrics.workforce` for the formulas).

        A station with its teams, office and community posts is one establishment (编制单元):
        its fixed posts are the station's L + A, D·k once if the station or any member keeps
        a roster, plus the members' ``added_posts``; its police are the whole group's, against
        S of ``station``. The posts are filled by the station's own officers first, then the
        members' in breadth-first order, so each unit's funnel deductions never exceed its own
        officers. Every other unit is its own establishment.
        """
        n, kind, police, aux = self.n, self.kind, self.police, self.aux
        norms = self.norms
        nk = len(KINDS)

        def per_kind(f: Any, dtype: Any = np.int64) -> np.ndarray:
            return np.array(
                [f(norms.kinds[k]) if k in norms.kinds else 0 for k in KINDS], dtype=dtype
            )

        L_k = per_kind(lambda k: k.leaders)
        A_k = per_kind(lambda k: k.admin)
        DK_k = per_kind(lambda k: k.duty_posts * k.officers_per_post)
        R_k = per_kind(lambda k: k.duty_roster, bool)
        S_k = per_kind(lambda k: k.efficient_size)
        ADD_k = per_kind(lambda k: k.added_posts)
        cols = self.org.columns
        # Leaders of every unit: its kind's, unless some units give their own (then a column).
        lead_n: np.ndarray | None = None
        if len(cols.leaders) and cols.leaders.max() >= 0:
            own_lead = cols.leaders[self.rows]
            lead_n = np.where(own_lead >= 0, own_lead, L_k[kind])
            del own_lead

        # Establishment heads, level by level: a station member joins the establishment of
        # its parent when that parent is a station or has joined one (then its station's).
        ppos, blocks = self.ppos, self.blocks
        inst = np.empty(n, dtype=bool)  # a station, or a unit joined to one
        inst[0] = kind[0] == _STATION
        joined = np.zeros(n, dtype=bool)
        head_parts = [np.zeros(1, dtype=np.int64)]  # the root heads its own
        join_levels: list[tuple[int, int]] = []  # (start, end) of the levels with joined units
        nested = False  # some member's parent is a member too (a post under a team)
        # Units of the member kinds per level, counted from the positions by kind (a level
        # of members only under establishments needs no per-unit column).
        of_member = [self.positions.of_kind(c) for c in np.flatnonzero(_MEMBER_T).tolist()]
        b_a = np.asarray(self.bounds[1:])  # the levels below the root, as self.levels()
        members_in: list[int] = np.sum(
            [np.diff(np.searchsorted(p, b_a)) for p in of_member], axis=0
        ).tolist()
        whole: set[int] = set()  # starts of the levels whose units have all joined
        for i, (s, e) in enumerate(self.levels()):
            k = kind[s:e]
            parent_level = e < n  # the deepest level is no unit's parent
            if not members_in[i]:
                if parent_level:
                    np.equal(k, _STATION, out=inst[s:e])
                head_parts.append(np.arange(s, e))
                continue
            join: np.ndarray | None  # None: every unit joins
            if blocks is not None:  # the parents' by runs of siblings
                _, _, first, parents = blocks[i]
                joins = inst[parents]
                if members_in[i] == e - s and joins.all():
                    join = None  # every unit a member under a station or a member
                else:
                    join = np.repeat(joins, np.diff(first, append=e - s))
                    join &= _MEMBER_T[k]
            else:
                join = inst[ppos[s:e]] & _MEMBER_T[k]
            if join_levels and join_levels[-1][1] == s and not nested:
                if join is None:
                    up = joined[parents] if blocks is not None else joined[ppos[s:e]]
                    nested = bool(up.any())
                else:
                    nested = bool((joined[ppos[s:e]] & join).any())
            if join is None:
                joined[s:e] = True
                if parent_level:
                    inst[s:e] = True
                whole.add(s)
                join_levels.append((s, e))
                continue
            joined[s:e] = join
            if parent_level:
                np.logical_or(k == _STATION, join, out=inst[s:e])
            if join.all():
                whole.add(s)
                join_levels.append((s, e))
            elif join.any():
                join_levels.append((s, e))
                head_parts.append(np.flatnonzero(~join) + s)
            else:
                head_parts.append(np.arange(s, e))
        del inst
        heads = np.concatenate(head_parts)
        del head_parts

        def head_column() -> np.ndarray:
            """The head of every unit's establishment, by position (top-down)."""
            out = np.arange(n)
            for s, e in join_levels:
                t = np.flatnonzero(joined[s:e]) + s
                out[t] = out[ppos[t]]
            return out

        at_heads = _as_index(heads)  # heads as an index (a slice where it can)
        kh = kind[at_heads]
        own_roster = len(cols.duty_roster) and cols.duty_roster.max() >= 0
        by_level = None
        head: np.ndarray | None = None
        if _BY_LEVEL and not nested and not own_roster and not ADD_k.any():
            by_level = _MemberLevels(self, joined, heads, whole)
        if by_level is not None and by_level.ok:
            # Every member sits right below its head: establishments are the heads and
            # runs of their children, level by level (no sort, no gather).
            order_in = starts = np.zeros(0, dtype=np.int64)
            sizes, est_p = by_level.sizes(), by_level.sums(police)
        else:
            by_level = None
            head = head_column()
            # Units grouped by establishment, breadth-first inside (the head first).
            order_in = np.argsort(head, kind="stable")
            sizes = np.bincount(head, minlength=n)[heads]
            starts = np.cumsum(sizes) - sizes
            est_p = np.add.reduceat(police[order_in], starts) if len(heads) else sizes
        # Whether the establishment keeps a roster: its head or any member does.
        if own_roster:  # some units set their own
            roster = R_k[kind[order_in]]
            own_roster = cols.duty_roster[self.rows[order_in]]
            roster = np.where(own_roster >= 0, own_roster == 1, roster)
            del own_roster
            roster_any = np.logical_or.reduceat(roster, starts) if len(heads) else sizes > 0
            del roster
        else:  # by kind: the head's, or that of a member of a kind that keeps one
            # (an establishment with members is headed by a station: if stations keep a
            # roster, so does every such establishment already; None: by the head's kind)
            roster_any = None
            if (R_k & _MEMBER_T).any() and not R_k[_STATION]:
                roster_any = R_k[kh]
                if by_level is not None:
                    roster_any |= by_level.any_of(lambda s, e: R_k[kind[s:e]])
                else:
                    assert head is not None
                    for s, e in join_levels:
                        keeps = np.flatnonzero(R_k[kind[s:e]] & joined[s:e]) + s
                        roster_any[np.searchsorted(heads, head[keeps])] = True
        add_m = np.where(joined, ADD_k[kind], 0) if ADD_k.any() else None
        added = None
        if add_m is not None:
            added = (
                np.add.reduceat(add_m[order_in], starts)
                if len(heads)
                else np.zeros(0, dtype=np.int64)
            )
        # Heads: their establishment's posts, overhead, hollowness and loss; the posts
        # cumulated for the filling: leader (k1), leader and admin (k2), all (k3 = est_f).
        if lead_n is None and roster_any is None:  # all by the head's kind: tables
            f_head = (L_k + A_k + np.where(R_k, DK_k, 0))[kh]
            k1, k2 = L_k[kh], (L_k + A_k)[kh]
        else:
            lead_h = L_k[kh] if lead_n is None else lead_n[at_heads]
            duty_h = np.where(R_k[kh] if roster_any is None else roster_any, DK_k[kh], 0)
            k1 = lead_h
            k2 = lead_h + A_k[kh]
            f_head = k2 + duty_h
        est_f = f_head if added is None else f_head + added
        if added is not None:
            k1 = k1 + added
            k2 = k2 + added
        s_k = S_k[kh]
        o = np.minimum(est_p, est_f)
        with np.errstate(divide="ignore", invalid="ignore"):  # o · (1 − P / S) where P < S
            x = np.divide(est_p, s_k)
            np.subtract(1.0, x, out=x)
            np.multiply(o, x, out=x)
        x[est_p >= s_k] = 0.0
        del o
        hollow = est_p < est_f
        # Fill each establishment's [leader, admin, duty] posts from its units in
        # breadth-first order, head first (see _fill).
        caps = (k1, k2, est_f)
        if by_level is not None:
            took = by_level.fill(police, *caps)
        else:
            at, *parts = _fill(police[order_in], sizes, *caps)
            took = [_Took(order_in[at], None, *parts)]  # the units that take part of a post

        def overhead() -> np.ndarray:
            out = np.zeros(n, dtype=np.int64)
            for t in took:
                out[t.at] = t.p3
            return out

        st = Staffing(
            lambda: self.order,
            n,
            (lambda: head) if head is not None else head_column,
            heads,
            overhead,
            add_m,
        )
        st.g_members, st.g_police = sizes, est_p

        def people(slots: np.ndarray | None) -> np.ndarray:
            if by_level is not None:  # cheap as a whole: built once and kept, unless few
                if slots is None:
                    return est_p + by_level.sums(aux)
                if len(slots) <= _FEW_ESTABLISHMENTS:
                    return est_p[slots] + by_level.sums_at(aux, slots)
                return st.g_people[slots]
            if slots is None:
                return est_p + (np.add.reduceat(aux[order_in], starts) if len(heads) else sizes)
            a, b = starts[slots].tolist(), (starts[slots] + sizes[slots]).tolist()
            extra = [int(aux[order_in[i:j]].sum()) for i, j in zip(a, b, strict=True)]
            return est_p[slots] + np.array(extra, dtype=np.int64)

        st.people = people
        st.g_fixed, st.g_own_fixed, st.g_loss = est_f, f_head, x
        st.hollow_s = np.flatnonzero(hollow)
        st.hollow_a = heads[st.hollow_s]
        st.establishments = len(heads)

        # Group-bys over (level, category, kind), in order of first appearance, as one loop
        # over the units accumulating into rows would have created them. Integer sums are
        # exact in any order; the float ones (hidden loss, supervision) add breadth-first.
        ncat = len(CATEGORY_CODES)
        key, others, key_o, kind_o = self._staffing_keys()
        nkeys = (_NO_LEVEL + 1) * ncat * nk

        def two_sums(
            k: np.ndarray, lo: np.ndarray, hi: np.ndarray, bound: int | None = None
        ) -> list[np.ndarray]:
            """Σ of two non-negative integer columns by key (over all keys, int64), in one
            bincount when exact: the weight ``lo + hi · 2**b`` with 2**b above Σ lo, every
            partial sum below 2**53. ``bound``: a bound of both sums, both columns known
            non-negative (then they are not read for it)."""
            if not len(lo):
                return [np.zeros(nkeys, dtype=np.int64) for _ in range(2)]
            if bound is not None:
                b = bound.bit_length()
                fits = 2 * b <= _EXACT_BITS
            else:
                b = int(lo.sum()).bit_length()
                fits = bool(lo.min() >= 0 and hi.min() >= 0)
                fits = fits and int(hi.sum()).bit_length() + b <= _EXACT_BITS
            if fits:
                w = np.multiply(hi, float(1 << b))
                np.add(w, lo, out=w, casting="unsafe")
                got = np.bincount(k, weights=w, minlength=nkeys).astype(np.int64)
                del w
                return [got & ((1 << b) - 1), got >> b]
            return [np.bincount(k, weights=c, minlength=nkeys).astype(np.int64) for c in (lo, hi)]

        # Units, police and auxiliaries: every unit by its key, or where the community posts
        # share one key, the others by theirs (``key_o``) and the posts as the rest of the
        # totals (integers: exact in any order).
        police_o = police if others is None else police[others]
        aux_o = aux if others is None else aux[others]
        counts_o = np.bincount(key_o, minlength=nkeys)
        f = _first_seen_of(key_o, counts_o > 0)
        police_k, aux_k = two_sums(key_o, police_o, aux_o)
        if others is None:
            counts, first = counts_o, f
        else:
            counts = counts_o.copy()
            first = np.full(nkeys, n, dtype=np.int64)
            found = f < len(others)
            first[found] = others[f[found]]
            kb = int(_KEY_T[_POST])  # a post's level and category are its kind's
            counts[kb] += n - len(others)
            first[kb] = int(self.positions.of_kind(_POST)[0])  # the first post
            # every unit is in one establishment: their police are all police
            police_k[kb] += int(est_p.sum()) - int(police_k.sum())
            aux_k[kb] += int(aux.sum()) - int(aux_k.sum())
        present = np.flatnonzero(counts)
        present = present[np.argsort(first[present], kind="stable")]
        police_s, aux_s = police_k[present].tolist(), aux_k[present].tolist()

        def sums(k: np.ndarray, w: np.ndarray | None, dtype: Any = np.int64) -> list[Any]:
            if w is not None and not w.any():
                return [0.0 if dtype is float else 0] * len(present)
            got = np.bincount(k, weights=w, minlength=nkeys)[present]
            return got.astype(dtype).tolist()

        if (
            isinstance(at_heads, slice)
            and others is not None
            and len(others) >= len(heads)  # a lone post: heads, and no others
            and others[len(heads) - 1] == len(heads) - 1
        ):
            key_h = key_o[at_heads]  # the heads come first among the others
        else:
            key_h = key[at_heads]
        fixed_sum = sums(key_h, f_head)
        if add_m is not None:
            fixed_sum = [a + b for a, b in zip(fixed_sum, sums(key, add_m), strict=True)]
        # The posts' parts, by the key of the units that took them (a head's: key_h).
        lead_k = np.zeros(nkeys, dtype=np.int64)
        lead_adm_k = np.zeros(nkeys, dtype=np.int64)
        over_k = np.zeros(nkeys, dtype=np.int64)
        # (parts of posts ≥ 0 where the posts are, each at most the unit's police)
        tables_ok = min(L_k.min(), A_k.min(), DK_k.min(), ADD_k.min()) >= 0
        parts_bound = int(est_p.sum()) if tables_ok else None
        for t in took:
            kt = key[t.at] if t.head_slots is None else key_h[t.head_slots]
            a, b = two_sums(kt, t.p1, t.p2, parts_bound)
            lead_k += a
            lead_adm_k += b
            if len(kt):
                over_k += np.bincount(kt, weights=t.p3, minlength=nkeys).astype(np.int64)
        lead_s, lead_adm_s = lead_k[present].tolist(), lead_adm_k[present].tolist()
        over_s = over_k[present].tolist()
        adm_s = [b - a for a, b in zip(lead_s, lead_adm_s, strict=True)]
        duty_s = [c - b for b, c in zip(lead_adm_s, over_s, strict=True)]
        # Supervision over the units with leaders only (the others add 0.0: no change).
        if lead_n is None and (others is None or L_k[_POST] == 0):  # none among the posts
            lead_l = L_k[kind_o]
            has = lead_l != 0
            if has.all():
                key_l, police_l, sup_n = key_o, police_o, counts_o
            else:
                key_l, police_l, lead_l = key_o[has], police_o[has], lead_l[has]
                sup_n = np.bincount(key_l, minlength=nkeys)
        else:
            if lead_n is not None:
                with_l = np.flatnonzero(lead_n)
                lead_l = lead_n[with_l]
            else:
                with_l = np.flatnonzero((L_k != 0)[kind])
                lead_l = L_k[kind[with_l]]
            key_l, police_l = key[with_l], police[with_l]
            sup_n = np.bincount(key_l, minlength=nkeys)
        sup = police_l - lead_l
        sup = sup / lead_l
        del lead_l, police_l
        # Σ 编制数 over the units that give one (-1: not given), in any order: integers.
        est = cols.establishment
        st.establishment = (
            int(est.sum()) if not len(est) or est.min() >= 0 else int(est[est > 0].sum())
        )
        combos = zip(
            present.tolist(),
            counts[present].tolist(),
            police_s,
            lead_s,
            adm_s,
            duty_s,
            fixed_sum,
            over_s,
            sums(key_h[hollow], None),
            sums(key_h, x, float),
            aux_s,
            sums(key_l, sup, float),
            sup_n[present].tolist(),
            strict=True,
        )
        for k, *row in combos:
            kd = k % nk
            c = (k // nk) % ncat
            lv = k // nk // ncat
            lvl_s = "?" if lv == _NO_LEVEL else str(lv)
            kname, cname = KINDS[kd], CATEGORY_CODES[c]
            for target in (
                st.by_level.setdefault(lvl_s, [0, 0, 0, 0, 0]),
                st.by_category.setdefault(cname, [0, 0, 0, 0, 0]),
            ):
                for j in range(5):
                    target[j] += row[j]
            kk = st.by_kind.setdefault(kname, [0, 0, 0, 0, 0])
            kk[0] += row[0]
            kk[1] += row[1]
            kk[2] += row[5]
            kk[3] += row[6]
            kk[4] += row[7]
            st.kind_loss[kname] = st.kind_loss.get(kname, 0.0) + row[8]
            st.auxiliaries += row[9]
            st.kind_aux[kname] = st.kind_aux.get(kname, 0) + row[9]
            if row[11]:
                sv = st.supervision.setdefault(kname, [0.0, 0])
                sv[0] += row[10]
                sv[1] += row[11]
        return st

    def _staffing_key(self) -> tuple[np.ndarray, np.ndarray | None]:
        """``(key, others)`` of :meth:`_staffing_keys`."""
        keys = self._staffing_keys()
        return keys.key, keys.others

    def _staffing_keys(self) -> _Keys:
        """The staffing group-bys' key of every unit:
        ``(level · len(CATEGORY_CODES) + category) · len(KINDS) + kind``, with the unit's
        level (:attr:`level9`) and category (:attr:`cat_kind`). A table by kind and function
        gives it, then the units without a level of their own take their parent's, level by
        level.

        Returns ``(key, others, key_o, kind_o)``: ``key`` by position (fresh; int16 where
        ``others`` is given). Where the community posts are many and share one key (no unit
        gives its own category), ``others`` holds the positions of every other unit,
        ascending, and only they are looked at here: ``key_o`` and ``kind_o`` are their
        keys and kinds (int64). Else ``others`` is ``None`` and those are over every unit.
        """
        nk = len(KINDS)
        per_level = len(CATEGORY_CODES) * nk
        kind, b, n = self.kind, self.bounds, self.n
        own = self.org.columns.category
        own_given = bool(len(own) and own.max() >= 0)  # some units give their own
        others = None
        if _BULK and not own_given and not _TAKES_LEVEL_T[_POST] and not _BY_FUNCTION_T[_POST]:
            rest = self.not_posts
            if 4 * (n - len(rest)) >= n and len(rest) < n:
                others = rest
        kind_o = kind if others is None else kind[others]
        fn_o = self.fn if others is None else self.fn[others]
        # one table by (kind, function + 1): the kind's key, the category of the function
        # for the kinds that take theirs from it (no function, -1: management, the last)
        fcat = self.org.function_category_codes
        fcat = np.concatenate((fcat[-1:], fcat[:-1])).astype(np.int64)
        nf = len(fcat)
        table = _KEY_T[:, None] + np.where(
            _BY_FUNCTION_T[:, None], (fcat[None, :] - _MANAGEMENT) * nk, 0
        )
        at = np.multiply(kind_o, nf)
        at += fn_o
        at += 1
        key_o = table.ravel()[at]
        del at, fn_o
        if _KIND_LEVEL[kind[0]] < 0:  # the root (others[0]: no post takes a level)
            key_o[0] += _NO_LEVEL * per_level  # and so for the units below that take it
        if own_given:  # every unit looked at (others is None)
            c = own[self.rows].astype(np.int64)
            at = np.flatnonzero(c >= 0)
            key_o[at] += (c[at] - key_o[at] % per_level // nk) * nk
        # The units that take their parent's level (the root has set its own above), level
        # by level, from the level part of the keys above the deepest level (no unit there
        # is a parent).
        take_i = np.flatnonzero(_TAKES_LEVEL_T[kind_o])
        take = take_i if others is None else others[take_i]
        if len(take) and take[0] == 0:
            take_i, take = take_i[1:], take[1:]
        cut = np.searchsorted(take, b).tolist()
        ppos = self.ppos
        above = b[-2] if len(b) > 2 else n
        lv = _LEVEL_PART_T[kind[:above]]
        if _KIND_LEVEL[kind[0]] < 0:
            lv[0] = _NO_LEVEL * per_level
        for d in range(1, len(b) - 1):
            lo, hi = cut[d], cut[d + 1]
            if hi > lo:
                t = take[lo:hi]
                got = lv[ppos[t]]
                key_o[take_i[lo:hi]] += got
                if d < len(b) - 2:
                    lv[t] = got
        if others is None:
            key = key_o
        else:
            key = np.full(n, _KEY_T[_POST], dtype=np.int16)
            key[others] = key_o.astype(np.int16)
        return _Keys(key, others, key_o, kind_o)

    @cached_property
    def bureaus(self) -> Bureaus:
        """Every bureau's departments' functions D(B) and its parent bureau's D(P), as
        tables (see :class:`Bureaus`)."""
        near, ppos, fns = self.near_bureau_at, self.ppos, self.functions
        pos = self.bureau_positions
        nb, nf = len(pos), len(fns)
        # over the positions up to the last bureau (the others are no bureau)
        slot = np.full(int(pos[-1]) + 1 if nb else 0, -1, dtype=np.int64)
        slot[pos] = np.arange(nb)
        d_table = np.zeros((nb, nf), dtype=bool)
        fd, nd = self.department_fn, self.department_bureau
        # each department's bureau's row (-1: none; ``slot[-1]``, read there, is replaced)
        ds = np.where(nd >= 0, slot[nd], -1) if nb else np.full(len(nd), -1, dtype=np.int64)
        has = (fd >= 0) & (ds >= 0)
        d_table[ds[has], fd[has]] = True
        p = ppos[pos]
        up = np.where(p >= 0, near[np.maximum(p, 0)], -1)
        up_slot = np.where(up >= 0, slot[np.maximum(up, 0)], -1)
        has_parent = up_slot >= 0
        p_table = np.zeros((nb, nf), dtype=bool)
        p_table[has_parent] = d_table[up_slot[has_parent]]
        pb = self.org.parent_bureau
        if nb and pos[0] == 0 and pb is not None:
            # the root measured against the parent bureau recorded with the organisation
            has_parent[0] = True
            index = {f: j for j, f in enumerate(fns)}
            for f in pb.functions:
                if f in index:
                    p_table[0, index[f]] = True
        return Bureaus(pos, up, slot, d_table, p_table, has_parent, ds)

    @cached_property
    def structure(self) -> tuple[dict[str, set[str]], dict[str, str | None]]:
        """(D(B): functions of every bureau's departments, parent bureau of every bureau),
        by id."""
        t, fns = self.bureaus, self.functions
        ids = self.ids_at(t.pos)
        upper = [
            None if u < 0 else ids[k]
            for u, k in zip(t.up.tolist(), t.slot[np.maximum(t.up, 0)].tolist(), strict=True)
        ]
        funcs = {
            b: {fns[j] for j in np.flatnonzero(row).tolist()}
            for b, row in zip(ids, t.d_table, strict=True)
        }
        return funcs, dict(zip(ids, upper, strict=True))

    @property
    def bureau_pos(self) -> dict[str, int]:
        """Bureau id → position."""
        pos = self.bureaus.pos
        return dict(zip(self.ids_at(pos), pos.tolist(), strict=True))

    def parent_functions(self, b: str) -> set[str] | None:
        """D(P) of the parent bureau of bureau ``b`` (``org.parent_bureau`` for the root)."""
        funcs, upper = self.structure
        p = upper[b]
        if p is not None:
            return funcs[p]
        if b == self.org.root and self.org.parent_bureau is not None:
            return set(self.org.parent_bureau.functions)
        return None

    def subtree_sums(self, values: Mapping[str, float]) -> dict[str, float]:
        """Σ of a per-unit value over every unit's subtree (bottom-up), by id."""
        return dict(zip(self.order, self.up_float(self._as_array(values)).tolist(), strict=True))

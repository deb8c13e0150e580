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

The columnar core
-----------------
An :class:`OrgGraph` keeps its units as columns (:class:`Columns`): numpy arrays indexed by
row — parent row (``-1`` for the root), kind and function codes, category, police,
auxiliaries, leaders, establishment, duty roster, community share — with the ids and names
as lists and an id ↔ row map (:attr:`OrgGraph.index`). The breadth-first order
(:attr:`OrgGraph.bfs_rows`) and the levels (:attr:`OrgGraph.level_bounds`) are computed
once, at construction, and so is the organisation in that order (:attr:`OrgGraph.positions`,
:class:`Positions`: parent positions, runs of siblings, positions by kind, and the units'
kind, function, police and auxiliaries by position). Metrics run over these arrays
(:mod:`orgmodel.metrics`).

Two ways in, the same checks and the same errors:

- ``OrgGraph(units, guides, dispatches, ...)`` from :class:`Unit` records;
- :meth:`OrgGraph.from_columns` ``(ids, names, parent, kind, *, function=…, police=…, …)``
  straight from columns — lists as a reader has them (``None`` where a field is not
  given) or numpy arrays (``-1`` / ``NaN`` for not given) — for large files: no record per
  unit is made.

Checks run on whole columns; when one fails, the organisation is checked unit by unit and
:class:`OrgValidationError` lists every problem with its unit and place. The
:class:`networkx.DiGraph` (:attr:`OrgGraph.graph`, :meth:`OrgGraph.to_networkx`) is built
only when asked for.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from itertools import compress
from typing import Any

import networkx as nx
import numpy as np

from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.i18n import N_, LazyText, get_language, gettext, join_list, lazy, ngettext

__all__ = [
    "BUREAU_KINDS",
    "CATEGORY_CODES",
    "CATEGORY_FRONTLINE_KINDS",
    "CATEGORY_LEADERSHIP_KINDS",
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
    "Columns",
    "KindText",
    "OrgGraph",
    "OrgValidationError",
    "ParentBureau",
    "Positions",
    "RowIndex",
    "Unit",
    "ValidationIssue",
    "kind_label",
    "placement_issues",
]

REPORTS_TO = "REPORTS_TO"
GUIDES = "GUIDES"
DISPATCHES = "DISPATCHES"
EDGE_TYPES = (REPORTS_TO, GUIDES, DISPATCHES)

#: Unit fields that messages name, as msgids: the English is the field's name in files
#: (``police``), the Chinese the term a planner reads (民警).
FIELD_MSGIDS: dict[str, str] = {
    "police": N_("police"),
    "auxiliaries": N_("auxiliaries"),
    "establishment": N_("establishment"),
    "leaders": N_("leaders"),
    "duty_roster": N_("duty_roster"),
    "community_share": N_("community_share"),
}


def field_text(field: str) -> str:
    """A unit field as a message names it: ``police`` in English, 民警 in Chinese."""
    msgid = FIELD_MSGIDS.get(field)
    return lazy(msgid) if msgid is not None else field


#: Unit kinds with their Chinese names (DOMAIN.md, "The graph").
KIND_NAMES: dict[str, str] = {
    "ministry": "公安部",
    "province": "省公安厅",
    "city": "市公安局",
    "county": "县（市、区）公安局/公安分局",
    "department": "内设机构",
    "command_center": "情报指挥中心",
    "station": "派出所",
    "team": "派出所内的队",
    "office": "派出所综合指挥室",
    "community_post": "社区警务室",
    "group": "片区/体系协调机构",
}
KINDS: tuple[str, ...] = tuple(KIND_NAMES)


def kind_label(kind: str, name: str | None = None) -> str:
    """A unit kind as a person reads it in the language in force: its Chinese name in Chinese
    (``派出所``), the Chinese name with its code in English (``派出所 (station)``); the code
    itself when it has no name. ``name`` gives the Chinese name of a kind-like scope that
    :data:`KIND_NAMES` does not list.

    Examples
    --------
    >>> kind_label("station")
    '派出所 (station)'
    >>> from orgmodel.i18n import language
    >>> with language("zh"):
    ...     kind_label("station")
    '派出所'
    """
    shown = name if name is not None else KIND_NAMES.get(kind)
    if shown is None or shown == kind:
        return kind
    return shown if get_language() == "zh" else f"{shown} ({kind})"


class KindText(LazyText):
    """A kind inside a message: English as a ``str`` (``派出所 (station)``), shown as
    :func:`kind_label` says in the language in force where it is shown."""

    kind: str
    name: str | None

    def __new__(cls, kind: str, name: str | None = None) -> KindText:
        shown = name if name is not None else KIND_NAMES.get(kind)
        english = kind if shown is None or shown == kind else f"{shown} ({kind})"
        self = str.__new__(cls, english)
        self.message, self.params = english, {}
        self.kind, self.name = kind, name
        return self

    def __str__(self) -> str:
        return kind_label(self.kind, self.name)


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
#: Kinds whose category (unless a unit gives its own) is ``leadership`` and ``frontline``;
#: every other kind takes its function's (:meth:`OrgGraph.category_of`).
CATEGORY_LEADERSHIP_KINDS = BUREAU_KINDS | GROUP_KINDS
CATEGORY_FRONTLINE_KINDS = FRONTLINE_KINDS


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
# name break CSV round trips and the stores' bulk import; they are never meant. Nor are the
# invisible format characters: bidi controls (U+202E shows "派出所" reversed and hides what a
# name says), zero-width spaces and joiners, line/paragraph separators, BOMs, tag characters.
_CONTROL = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u0600-\u0605\u061c\u06dd\u070f\u180e\u200b-\u200f"
    "\u0890\u0891\u08e2\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e007f]"
)


#: The invisible characters a name or an id picks up most (pasted from a web page, a word
#: processor, a right-to-left text), by their Unicode names (msgids: Chinese in Chinese).
_CHAR_NAMES: dict[str, str] = {
    "\u00ad": N_("soft hyphen"),
    "\u061c": N_("arabic letter mark"),
    "\u180e": N_("mongolian vowel separator"),
    "\u200b": N_("zero width space"),
    "\u200c": N_("zero width non-joiner"),
    "\u200d": N_("zero width joiner"),
    "\u200e": N_("left-to-right mark"),
    "\u200f": N_("right-to-left mark"),
    "\u2028": N_("line separator"),
    "\u2029": N_("paragraph separator"),
    "\u202a": N_("left-to-right embedding"),
    "\u202b": N_("right-to-left embedding"),
    "\u202c": N_("pop directional formatting"),
    "\u202d": N_("left-to-right override"),
    "\u202e": N_("right-to-left override"),
    "\u2060": N_("word joiner"),
    "\u2066": N_("left-to-right isolate"),
    "\u2067": N_("right-to-left isolate"),
    "\u2068": N_("first strong isolate"),
    "\u2069": N_("pop directional isolate"),
    "\ufeff": N_("zero width no-break space"),
}


def _char_name(ch: str) -> LazyText:
    """What an invisible format character is, in the language where it is shown: its Unicode
    name for the common ones (``zero width space``, 零宽空格), else its family (a tag
    character; a format character), the code point naming it exactly."""
    if ch in _CHAR_NAMES:
        return lazy(_CHAR_NAMES[ch])
    if 0xE0000 <= ord(ch) <= 0xE007F:
        return lazy(N_("tag character"))
    return lazy(N_("format character"))


def _control_char(text: str) -> str | None:
    """A description of the first control or invisible format character in ``text``
    (``None``: there is none)."""
    m = _CONTROL.search(text)
    if m is None:
        return None
    ch = m.group()
    code, pos = f"U+{ord(ch):04X}", m.start() + 1
    # msgids: shown in the language in force (an English text as a str, for startswith)
    if ch == "\r":
        return lazy("carriage return {code} at position {pos}", code=code, pos=pos)
    if ch == "\n":
        return lazy("line break {code} at position {pos}", code=code, pos=pos)
    if ch == "\t":
        return lazy("tab {code} at position {pos}", code=code, pos=pos)
    if ch == "\x00":
        return lazy("NUL {code} at position {pos}", code=code, pos=pos)
    if unicodedata.category(ch) == "Cc":
        return lazy("control character {code} at position {pos}", code=code, pos=pos)
    return lazy(
        "invisible {what} {code} at position {pos}", what=_char_name(ch), code=code, pos=pos
    )


def _bad_name_char(name: str) -> str | None:
    """Why a name is refused for a control or invisible format character, else ``None``."""
    bad_char = _control_char(name)
    if bad_char is None:
        return None
    if bad_char.startswith("invisible"):
        return lazy(
            "the name holds an {bad_char}: remove it (a bidi control or zero-width character makes a name read other than it shows)",
            bad_char=bad_char,
        )
    return lazy(
        "the name holds a {bad_char}: remove it (Excel writes one for a line break)",
        bad_char=bad_char,
    )


def _has_control(texts: list[str]) -> bool:
    """Whether a text of ``texts`` holds a control character (printable text holds none:
    a quick pass tells first)."""
    return not all(map(str.isprintable, texts)) and any(map(_CONTROL.search, texts))


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
        unit = gettext("unit {unit!r}").format(unit=self.unit) if self.unit else None
        # str(): a place given as a LazyText (``org.csv row 5``) shows in the language in force
        place = gettext(", ").join(str(p) for p in (self.where, unit) if p)
        message = str(self.message)  # a LazyText shows in the language in force
        return (
            gettext("{place}: {message}").format(place=place, message=message) if place else message
        )


class OrgValidationError(ValueError):
    """An organisation failed validation; ``issues`` lists every violation found at once."""

    def __init__(self, issues: list[ValidationIssue], source: str | None = None) -> None:
        self.issues = issues
        self.source = source
        head = gettext("{source}: ").format(source=source) if source else ""
        n = len(issues)
        lines = [
            head
            + ngettext(
                "{n} problem in the organisation:", "{n} problems in the organisation:", n
            ).format(n=n)
        ]
        lines += [f"  - {i}" for i in issues]
        super().__init__("\n".join(lines))


@dataclass(frozen=True, eq=False)
class Columns:
    """The columnar core of an :class:`OrgGraph`: one row per unit, in file order.

    Every array has one entry per unit (row ``i`` is ``ids[i]``). Optional fields use a
    sentinel for "not given": ``-1`` in the integer columns, ``NaN`` in ``community_share``.
    The arrays are read-only (numpy ``flags.writeable`` is off): they are shared between an
    organisation and the scenarios built from it (copy-on-write), and results derived from
    them are kept with the organisation (:attr:`OrgGraph.memo`), so a write would leave
    those stale. Writing raises ``ValueError``; change a copy (``cols.police.copy()``) and
    build a new organisation from it.

    Attributes
    ----------
    ids, names : list of str
        Unit ids and Chinese names.
    parent : numpy.ndarray of int64
        Row of the command parent (REPORTS_TO), ``-1`` for the root.
    kind : numpy.ndarray of int8
        Index into :data:`KINDS`.
    function : numpy.ndarray of int32
        Index into ``functions``, ``-1`` for none.
    functions : tuple of str
        The function codes the ``function`` column indexes.
    category : numpy.ndarray of int8
        Index into :data:`CATEGORY_CODES`, ``-1`` for none (the default applies).
    establishment, leaders : numpy.ndarray of int64
        编制数 and 领导职数, ``-1`` for none (leaders then take the norm).
    police, auxiliaries : numpy.ndarray of int64
        民警实有 and 辅警 posted in the unit itself.
    duty_roster : numpy.ndarray of int8
        ``1`` true, ``0`` false, ``-1`` none (the norm of the kind applies).
    community_share : numpy.ndarray of float64
        ``NaN`` for none.
    """

    ids: list[str]
    names: list[str]
    parent: np.ndarray
    kind: np.ndarray
    function: np.ndarray
    functions: tuple[str, ...]
    category: np.ndarray
    establishment: np.ndarray
    police: np.ndarray
    auxiliaries: np.ndarray
    leaders: np.ndarray
    duty_roster: np.ndarray
    community_share: np.ndarray

    def __post_init__(self) -> None:
        for f in _ARRAY_FIELDS:
            object.__setattr__(self, f, _read_only(getattr(self, f)))

    def __len__(self) -> int:
        return len(self.parent)

    def id_at(self, i: int) -> str:
        """``ids[i]``, without making a scenario's id list whole (see :class:`PatchedList`)."""
        v = self.__dict__["_ids"]
        return v[i] if type(v) is list else v.at(i)

    def name_at(self, i: int) -> str:
        """``names[i]``, without making a scenario's name list whole."""
        v = self.__dict__["_names"]
        return v[i] if type(v) is list else v.at(i)

    def row_dict(self, i: int) -> dict[str, Any]:
        """Row ``i`` as a node attribute dict (every field of :data:`NODE_FIELDS`)."""
        fn = int(self.function[i])
        cat = int(self.category[i])
        est = int(self.establishment[i])
        lead = int(self.leaders[i])
        roster = int(self.duty_roster[i])
        cs = float(self.community_share[i])
        return {
            "name": self.name_at(i),
            "kind": KINDS[self.kind[i]],
            "function": None if fn < 0 else self.functions[fn],
            "category": None if cat < 0 else CATEGORY_CODES[cat],
            "establishment": None if est < 0 else est,
            "police": int(self.police[i]),
            "auxiliaries": int(self.auxiliaries[i]),
            "leaders": None if lead < 0 else lead,
            "duty_roster": None if roster < 0 else bool(roster),
            "community_share": None if cs != cs else cs,
        }


class PatchedList:
    """A list column (ids or names) of an organisation derived from a base, held as the
    base's list without some rows, with some rows written over and new rows appended, until
    it is read whole: a one-unit edit of a national organisation then copies no list of
    650k strings (reading one entry costs a bisection over the removed rows).

    Parameters
    ----------
    base : list of str
        The base organisation's list (shared, never changed).
    gone : list of int
        Base rows removed, sorted.
    tail : list of str
        The appended rows' values.
    patch : dict of int to str
        Values written over rows of the result (row numbers after the removal).
    """

    __slots__ = ("base", "gone", "patch", "tail")

    def __init__(
        self, base: list[str], gone: list[int], tail: list[str], patch: dict[int, str]
    ) -> None:
        self.base, self.gone, self.tail, self.patch = base, gone, tail, patch

    def __len__(self) -> int:
        return len(self.base) - len(self.gone) + len(self.tail)

    def at(self, i: int) -> str:
        """The value at row ``i`` of the result."""
        if i < 0:
            i += len(self)
        v = self.patch.get(i)
        if v is not None:
            return v
        kept = len(self.base) - len(self.gone)
        if i >= kept:
            return self.tail[i - kept]
        if i < 0:
            raise IndexError(i)
        b, k = i, 0
        while True:  # the base row b with b - (removed rows up to b) == i
            k2 = bisect_right(self.gone, b)
            if k2 == k:
                return self.base[b]
            b, k = i + k2, k2

    def whole(self) -> list[str]:
        """The list itself."""
        gone = self.gone
        if not gone:
            out = list(self.base)
        elif len(gone) <= 64:
            out = list(self.base)
            for r in reversed(gone):
                del out[r]
        else:
            keep = np.ones(len(self.base), dtype=bool)
            keep[gone] = False
            out = list(compress(self.base, keep.tolist()))
        out += self.tail
        for i, v in self.patch.items():
            out[i] = v
        return out


class _ListColumn:
    """The ``ids`` / ``names`` attributes of :class:`Columns`: a list, made whole from a
    :class:`PatchedList` when first read."""

    def __init__(self, slot: str) -> None:
        self.slot = slot

    def __get__(self, obj: Any, owner: Any = None) -> Any:
        if obj is None:
            return self
        v = obj.__dict__[self.slot]
        if type(v) is not list:
            v = obj.__dict__[self.slot] = v.whole()
        return v

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.slot] = value


Columns.ids = _ListColumn("_ids")  # type: ignore[assignment]
Columns.names = _ListColumn("_names")  # type: ignore[assignment]


_ARRAY_FIELDS = (
    "parent", "kind", "function", "category", "establishment", "police", "auxiliaries",
    "leaders", "duty_roster", "community_share",
)  # fmt: skip


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view of ``a`` (``a`` itself stays as it was)."""
    v = a.view()
    v.flags.writeable = False
    return v


#: Category codes, in the order of :attr:`Columns.category`.
CATEGORY_CODES: tuple[str, ...] = ("management", "duty", "frontline", "leadership")
_KIND_CODE: dict[str, int] = {k: i for i, k in enumerate(KINDS)}
_CATEGORY_CODE: dict[str, int] = {c: i for i, c in enumerate(CATEGORY_CODES)}


class RowIndex(Mapping[str, int]):
    """Unit id → row of an organisation derived from a base by removing some rows and
    appending new ones (copy-on-write): the base's map, shifted past the removed rows.

    A lookup costs a dict lookup and a bisection; after many lookups the map is built as a
    plain dict once (the same answers, faster).

    Parameters
    ----------
    base : mapping of str to int
        The base organisation's id → row.
    gone : mapping of str to int
        Base units removed, with their base rows.
    created : sequence of str
        Ids of the appended rows, in row order.
    cols : Columns
        The derived organisation's columns (its ids, by row, are what iteration gives;
        read only when the map is made whole).
    """

    def __init__(
        self,
        base: Mapping[str, int],
        gone: Mapping[str, int],
        created: Sequence[str],
        cols: Columns,
    ) -> None:
        self._base = base
        self._gone = set(gone)
        self._gone_rows = sorted(gone.values())
        first = len(cols) - len(created)
        self._created = {u: first + j for j, u in enumerate(created)}
        self._cols = cols
        self._dict: dict[str, int] | None = None
        self._left = max(64, len(cols) // 8)

    def _full(self) -> dict[str, int]:
        if self._dict is None:
            self._dict = {u: i for i, u in enumerate(self._cols.ids)}
        return self._dict

    def __getitem__(self, uid: str) -> int:
        if self._dict is not None:
            return self._dict[uid]
        self._left -= 1
        if self._left < 0:
            return self._full()[uid]
        r = self._base.get(uid)
        if r is None:
            return self._created[uid]
        if self._gone_rows:
            if uid in self._gone:
                raise KeyError(uid)
            return r - bisect_right(self._gone_rows, r)
        return r

    def __contains__(self, uid: object) -> bool:
        try:
            self[uid]  # type: ignore[index]
        except (KeyError, TypeError):
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(self._cols.ids)

    def __len__(self) -> int:
        return len(self._cols)


def _kind_mask(kinds: Iterable[str]) -> np.ndarray:
    """A boolean lookup table over kind codes: ``table[kind_code]``."""
    t = np.zeros(len(KINDS), dtype=bool)
    for k in kinds:
        t[_KIND_CODE[k]] = True
    return t


_BUREAU_T = _kind_mask(BUREAU_KINDS)
_FUNCTION_KIND_T = _kind_mask(FUNCTION_KINDS)
_STATION = _KIND_CODE["station"]
_GROUP = _KIND_CODE["group"]


class _Invalid(Exception):
    """The fast checks found a problem: the precise report comes from the full validation."""


def _fill(n: int, value: int) -> np.ndarray:
    return np.full(n, value, dtype=np.int64)


def _int_column(values: Any, name: str, optional: bool) -> np.ndarray:
    """A whole-number column from a list (``None`` allowed when optional) or an array."""
    if isinstance(values, np.ndarray):
        if values.dtype.kind not in "iu":
            raise _Invalid(name)
        arr = values.astype(np.int64, copy=False)
        lo = -1 if optional else 0
        if arr.size and (arr.min() < lo or arr.max() > MAX_HEADCOUNT):
            raise _Invalid(name)
        return arr
    vals = list(values)
    try:
        return _int_list_column(vals, name, optional)
    except OverflowError:  # beyond 64 bits: the unit-by-unit check names it
        raise _Invalid(name) from None


def _int_list_column(vals: list[Any], name: str, optional: bool) -> np.ndarray:
    if optional:
        if any(v is not None and type(v) is not int for v in vals):
            raise _Invalid(name)
        arr = np.array([-1 if v is None else v for v in vals], dtype=np.int64)
        if arr.size and (arr.max() > MAX_HEADCOUNT or (arr < -1).any()):
            raise _Invalid(name)
        # -1 from the file is an error, not "none": only None means none.
        if arr.size and (arr == -1).sum() != sum(1 for v in vals if v is None):
            raise _Invalid(name)
        return arr
    if any(type(v) is not int for v in vals):
        raise _Invalid(name)
    arr = np.array(vals, dtype=np.int64) if vals else np.zeros(0, dtype=np.int64)
    if arr.size and (arr.min() < 0 or arr.max() > MAX_HEADCOUNT):
        raise _Invalid(name)
    return arr


def _columns(
    ids: Sequence[str],
    names: Sequence[str],
    parent: Any,
    kind: Any,
    function: Any,
    category: Any,
    establishment: Any,
    police: Any,
    auxiliaries: Any,
    leaders: Any,
    duty_roster: Any,
    community_share: Any,
    catalogue: FunctionCatalogue,
    known: Mapping[str, int] | None = None,
    checked: bool = False,
) -> tuple[Columns, Mapping[str, int] | None]:
    """Columns from raw inputs, checking every per-unit rule; raises :class:`_Invalid`.
    ``known`` is the id → row map of ``ids`` when the caller has one. ``checked``: the
    caller (a reader) has checked the ids and names already — lists of text, ids unique
    (``known`` is their map), none blank, no control character — so those passes over
    every unit are not made again."""
    if checked and type(ids) is list and type(names) is list:
        # known: their map, or None (the caller checked the ids unique: built when asked)
        n = len(ids)
        index: Mapping[str, int] | None = known
        if not n or len(names) != n or (index is not None and len(index) != n):
            raise _Invalid("size")
    else:
        ids = list(ids)
        names = list(names)
        n = len(ids)
        if not n or len(names) != n:
            raise _Invalid("size")
        if set(map(type, ids)) != {str}:
            raise _Invalid("id")
        index = known if type(known) is dict else dict(zip(ids, range(n), strict=True))
        if len(index) != n or "" in index:
            raise _Invalid("duplicate or empty id")
        if _has_control(ids):
            raise _Invalid("id control")
        if set(map(type, names)) != {str} or not all(map(str.strip, names)):
            raise _Invalid("name")
        if _has_control(names):
            raise _Invalid("name control")
    # kind
    if isinstance(kind, np.ndarray):
        if kind.dtype.kind not in "iu" or (
            kind.size and (kind.min() < 0 or kind.max() >= len(KINDS))
        ):
            raise _Invalid("kind")
        kind_a = kind.astype(np.int8, copy=False)
    else:
        try:
            kind_a = np.array([_KIND_CODE[k] for k in kind], dtype=np.int8)
        except (KeyError, TypeError):
            raise _Invalid("kind") from None
    # parent
    if isinstance(parent, np.ndarray):
        if parent.dtype.kind not in "iu":
            raise _Invalid("parent")
        parent_a = parent.astype(np.int64, copy=False)
        if parent_a.size and (parent_a.min() < -1 or parent_a.max() >= n):
            raise _Invalid("parent")
    else:
        rows = index if index is not None else dict(zip(ids, range(n), strict=True))
        try:
            parent_a = np.array([-1 if p is None else rows[p] for p in parent], dtype=np.int64)
        except (KeyError, TypeError):
            raise _Invalid("parent") from None
    if len(kind_a) != n or len(parent_a) != n:
        raise _Invalid("size")
    # function (codes of the catalogue) and category
    if function is None:
        fn_a = np.full(n, -1, dtype=np.int32)
        functions: tuple[str, ...] = ()
    elif isinstance(function, tuple) and len(function) == 2 and isinstance(function[0], np.ndarray):
        fn_a = function[0].astype(np.int32, copy=False)
        functions = tuple(function[1])
        if any(f not in catalogue for f in functions):
            raise _Invalid("function")
    else:
        table: dict[Any, int] = {None: -1}
        codes: list[str] = []
        vals = []
        for f in function:
            c = table.get(f) if f is None or type(f) is str else None
            if c is None:
                if type(f) is not str or f not in catalogue:
                    raise _Invalid("function")
                c = table[f] = len(codes)
                codes.append(f)
            vals.append(c)
        fn_a = np.array(vals, dtype=np.int32)
        functions = tuple(codes)
    if len(fn_a) != n or ((fn_a >= 0) & ~_FUNCTION_KIND_T[kind_a]).any():
        raise _Invalid("function kind")
    if category is None:
        cat_a = np.full(n, -1, dtype=np.int8)
    elif isinstance(category, np.ndarray):
        cat_a = category.astype(np.int8, copy=False)
    else:
        try:
            cat_a = np.array(
                [-1 if c is None else _CATEGORY_CODE[c] for c in category], dtype=np.int8
            )
        except (KeyError, TypeError):
            raise _Invalid("category") from None
    police_a = _int_column(police, "police", False) if police is not None else _fill(n, 0)
    aux_a = (
        _int_column(auxiliaries, "auxiliaries", False) if auxiliaries is not None else _fill(n, 0)
    )
    est_a = (
        _int_column(establishment, "establishment", True)
        if establishment is not None
        else _fill(n, -1)
    )
    lead_a = _int_column(leaders, "leaders", True) if leaders is not None else _fill(n, -1)
    if duty_roster is None:
        roster_a = np.full(n, -1, dtype=np.int8)
    elif isinstance(duty_roster, np.ndarray):
        roster_a = duty_roster.astype(np.int8, copy=False)
        if roster_a.size and (roster_a.min() < -1 or roster_a.max() > 1):
            raise _Invalid("duty_roster")
    else:
        rl = list(duty_roster)
        if any(v is not None and type(v) is not bool for v in rl):
            raise _Invalid("duty_roster")
        roster_a = np.array([-1 if v is None else int(v) for v in rl], dtype=np.int8)
    if community_share is None:
        cs_a = np.full(n, np.nan)
    elif isinstance(community_share, np.ndarray):
        cs_a = community_share.astype(np.float64, copy=False)
    else:
        cl = list(community_share)
        if any(
            v is not None and (type(v) is bool or not isinstance(v, int | float) or v != v)
            for v in cl
        ):
            raise _Invalid("community_share")
        cs_a = np.array([np.nan if v is None else float(v) for v in cl], dtype=np.float64)
    bad_cs = ~np.isnan(cs_a) & ((cs_a < 0) | (cs_a > 1))
    if bad_cs.any():
        raise _Invalid("community_share")
    for a in (cat_a, police_a, aux_a, est_a, lead_a, roster_a, cs_a):
        if len(a) != n:
            raise _Invalid("size")
    group = kind_a == _GROUP
    if group.any() and (police_a[group].any() or aux_a[group].any() or (est_a[group] > 0).any()):
        raise _Invalid("group")
    cols = Columns(
        ids, names, parent_a, kind_a, fn_a, functions, cat_a, est_a, police_a, aux_a,
        lead_a, roster_a, cs_a,
    )  # fmt: skip
    return cols, index


@dataclass(frozen=True, eq=False)
class _Tree:
    """The command tree of a set of columns: breadth-first order and levels, built once."""

    #: Rows breadth-first from the root (children in file order).
    order: np.ndarray
    #: REPORTS_TO hops from the root, by row.
    depth: np.ndarray
    #: Position in ``order`` where each level starts, and the end: level d is
    #: ``order[bounds[d]:bounds[d + 1]]``.
    bounds: np.ndarray
    #: Children of row i: ``kids[starts[i]:starts[i + 1]]``, in sibling order.
    kids: np.ndarray
    starts: np.ndarray

    def __post_init__(self) -> None:  # shared by the organisation's users: read-only
        for f in ("order", "depth", "bounds", "kids", "starts"):
            object.__setattr__(self, f, _read_only(getattr(self, f)))


def _tree(parent: np.ndarray, key: np.ndarray | None = None) -> _Tree | None:
    """Breadth-first order of a parent column; ``None`` when it is not one rooted tree.

    Siblings come in row order, or in the order of ``key`` when given.
    """
    n = len(parent)
    roots = np.flatnonzero(parent < 0)
    if len(roots) != 1:
        return None  # a unit that is its own parent is never reached: below
    if key is None:
        # Rows by parent, the root (-1) first: its children lists, in row order.
        child_sorted = np.argsort(parent, kind="stable")[1:]
    else:
        child_rows = np.flatnonzero(parent >= 0)
        child_sorted = child_rows[np.lexsort((key[child_rows], parent[child_rows]))]
        del child_rows
    counts = np.bincount(parent[child_sorted], minlength=n)
    return _tree_walk(child_sorted, counts, int(roots[0]))


def _tree_walk(kids: np.ndarray, counts: np.ndarray, root: int) -> _Tree | None:
    """The breadth-first walk of a tree given as children lists: ``kids`` grouped by parent
    row (in sibling order inside a group), ``counts`` children per row. ``None`` when some
    row is not reached from ``root`` (a cycle)."""
    n = len(counts)
    starts = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(counts, out=starts[1:])
    depth = np.full(n, -1, dtype=np.int64)
    frontier = np.array([root], dtype=np.int64)
    parts = [frontier]
    bounds = [0, 1]
    d = 0
    depth[frontier] = 0
    while True:
        c = counts[frontier]
        total = int(c.sum())
        if not total:
            break
        first = np.repeat(starts[frontier] - (np.cumsum(c) - c), c)
        frontier = kids[first + np.arange(total)]
        d += 1
        depth[frontier] = d
        parts.append(frontier)
        bounds.append(bounds[-1] + total)
        if bounds[-1] > n:  # a cycle feeds the walk forever
            return None
    order = np.concatenate(parts)
    if len(order) < n:
        return None
    return _Tree(order, depth, np.array(bounds, dtype=np.int64), kids, starts)


@dataclass(frozen=True, eq=False)
class Positions:
    """The organisation in breadth-first order: its structure and its units' own input
    columns by *position* (the place in :attr:`OrgGraph.bfs_rows`; the root is 0, every
    parent comes before its children, each level is one slice ``bounds[d]:bounds[d + 1]``).

    Built once with the organisation (an organisation never changes), so that the metrics
    read these columns as they are instead of gathering them from file order at every
    report. Every array is read-only.

    Attributes
    ----------
    bounds : numpy.ndarray of int64
        Where each level starts, and the end (:attr:`OrgGraph.level_bounds`).
    of_row : numpy.ndarray of int64
        Position of every row of :attr:`OrgGraph.columns`.
    parent : numpy.ndarray of int64
        Position of the command parent of every position (``-1`` for the root).
    kind : numpy.ndarray of int64
        Kind code (index into :data:`KINDS`) by position; int64 as it indexes lookup tables
        (an int8 index is converted to a fresh int64 array at every such use).
    function : numpy.ndarray of int32
        Function code (index into ``columns.functions``, ``-1``: none) by position.
    police, auxiliaries : numpy.ndarray of int64
        民警 and 辅警 posted in the unit itself, by position.
    runs : list of (numpy.ndarray, numpy.ndarray), or None
        For every level below the root, its runs of siblings: ``(first, parents)`` — run
        ``k`` starts at ``bounds[d] + first[k]`` and its units' parent is at position
        ``parents[k]``. The walk lists each level by its parents' order, so siblings are
        contiguous; ``None`` if some level is not (a tree built another way).
    by_kind : tuple of numpy.ndarray of int64
        The positions of the units of every kind, ascending, by kind code
        (:meth:`of_kind`).
    """

    bounds: np.ndarray
    of_row: np.ndarray
    parent: np.ndarray
    kind: np.ndarray
    function: np.ndarray
    police: np.ndarray
    auxiliaries: np.ndarray
    runs: list[tuple[np.ndarray, np.ndarray]] | None
    by_kind: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:  # shared by every report on the organisation
        for f in _POSITION_FIELDS:
            object.__setattr__(self, f, _read_only(getattr(self, f)))
        if self.runs is not None:
            object.__setattr__(self, "runs", [(_read_only(a), _read_only(b)) for a, b in self.runs])
        object.__setattr__(self, "by_kind", tuple(map(_read_only, self.by_kind)))

    def of_kind(self, code: int) -> np.ndarray:
        """Positions of the units of kind code ``code``, ascending."""
        return self.by_kind[code]


_POSITION_FIELDS = ("bounds", "of_row", "parent", "kind", "function", "police", "auxiliaries")


def _positions(cols: Columns, tree: _Tree) -> Positions:
    """The :class:`Positions` of an organisation's columns and command tree."""
    rows, bounds = tree.order, tree.bounds
    n = len(rows)
    of_row = np.empty(n, dtype=np.int64)
    of_row[rows] = np.arange(n)
    ppos = of_row[cols.parent[rows]]  # the root's -1 reads the last row: set below
    ppos[0] = -1
    kind8 = cols.kind[rows]
    # positions by kind: one comparison per kind on the narrow column (a sort costs more)
    by_kind = tuple(np.flatnonzero(kind8 == k) for k in range(len(KINDS)))
    kind = kind8.astype(np.int64)  # (see Positions.kind)
    del kind8
    b = bounds.tolist()
    runs: list[tuple[np.ndarray, np.ndarray]] | None = []
    for d in range(1, len(b) - 1):
        p = ppos[b[d] : b[d + 1]]
        if len(p) > 1 and bool((p[1:] < p[:-1]).any()):
            runs = None
            break
        runs.append(_sibling_runs(p))  # type: ignore[union-attr]
    return Positions(
        bounds, of_row, ppos, kind, cols.function[rows], cols.police[rows],
        cols.auxiliaries[rows], runs, by_kind,
    )  # fmt: skip


def _sibling_runs(parents: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The runs of siblings of one level, from its parents' positions (ascending).

    Returns ``(first, parents)`` as :attr:`Positions.runs` holds them: where each run starts,
    relative to the level's first position, and the position of the run's parent.

    >>> first, of = _sibling_runs(np.array([0, 0, 2, 2, 2, 5]))
    >>> first.tolist(), of.tolist()
    ([0, 2, 5], [0, 2, 5])
    """
    cut = np.empty(len(parents), dtype=bool)
    cut[:1] = True
    np.not_equal(parents[1:], parents[:-1], out=cut[1:])
    first = np.flatnonzero(cut)
    return first, parents[first]


@dataclass(frozen=True, eq=False)
class PositionsPatch:
    """How an organisation derived from a base (copy-on-write) places its units relative to
    the base's breadth-first order, so that :func:`_patched_positions` can carry the base's
    :class:`Positions` over instead of building them again.

    The derived organisation's tree is the base's with the positions ``gone`` removed
    (sorted; whole subtrees, none created, nothing moved or reordered), the base rows
    ``gone_rows`` (sorted); or the base's with units added under units of the base
    (``points``, ``added``: none removed, moved or reordered); all empty: the same tree. ``base_rows`` is the base row of
    every row of the result (all kept), and
    ``rows`` the rows of the result whose own values (kind, function, police, auxiliaries)
    may differ from their base row's: every other row holds the base's values.
    """

    base: Positions
    gone: np.ndarray
    gone_rows: np.ndarray
    base_rows: np.ndarray
    rows: np.ndarray
    #: Where units were added instead (none removed): the places in the base's
    #: breadth-first order before which each goes (ascending, ties in the order they go in)
    #: and their rows.
    points: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    added: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _shifted(values: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """Positions of the base (none of them in ``gone``, sorted; ``-1`` stays) after the
    removal of the positions ``gone``: each less the number of ``gone`` below it (a new
    array)."""
    if len(gone) > 4:
        return values - np.searchsorted(gone, values)
    g = gone.tolist()
    out = values - (values > g[-1])
    for r in g[-2::-1]:  # from the last: each step keeps the order
        out -= out > r
    return out


def _cut_shifted(values: np.ndarray, cut: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """:func:`_shifted` of ascending ``values`` without the entries at ``cut`` (sorted,
    unique), in one pass of slices: ascending values less the removed positions below them
    are so by runs."""
    if len(cut) + len(gone) > 64:
        return _shifted(_without(values, cut), gone)
    # Where each count of removed positions below begins, and the entries to skip.
    steps = np.searchsorted(values, gone, side="right").tolist()
    marks = sorted([(i, 0) for i in steps] + [(i, 1) for i in cut.tolist()])
    out = np.empty(len(values) - len(cut), dtype=values.dtype)
    prev = at = less = 0
    for i, skip in marks:
        if i > prev:
            np.subtract(values[prev:i], less, out=out[at : at + i - prev])
            at += i - prev
            prev = i
        if skip:
            prev = i + 1
        else:
            less += 1
    np.subtract(values[prev:], less, out=out[at:])
    return out


def _without(a: np.ndarray, gone: np.ndarray) -> np.ndarray:
    """A new array: ``a`` without the entries at ``gone`` (sorted, unique), by slices."""
    if len(gone) > 256:
        return np.delete(a, gone)
    out = np.empty(len(a) - len(gone), dtype=a.dtype)
    prev = at = 0
    for r in gone.tolist():
        out[at : at + r - prev] = a[prev:r]
        at += r - prev
        prev = r + 1
    out[at:] = a[prev:]
    return out


def _patched_positions(cols: Columns, tree: _Tree, patch: PositionsPatch) -> Positions | None:
    """:func:`_positions` of a derived organisation from its base's (see
    :class:`PositionsPatch`): the base's arrays shared where the edit left them as they
    were, cut past the removed positions and shifted in bulk where not, and the rows the
    edit wrote put in their places. ``None`` when the base's positions do not carry over
    (the caller builds them whole); the result is :func:`_positions`'s, array for array."""
    old, gone = patch.base, patch.gone
    if old.runs is None:
        return None
    if len(patch.points):
        return None if len(gone) else _inserted_positions(cols, tree, patch)
    b = tree.bounds
    if len(gone):
        of_row = _shifted(_without(old.of_row, patch.gone_rows), gone)
        ppos = _cut_shifted(old.parent, gone, gone)  # ascending: parents come first
    else:
        if len(b) != len(old.bounds):
            return None
        of_row, ppos = old.of_row, old.parent
    at = of_row[patch.rows] if len(patch.rows) else np.zeros(0, dtype=np.int64)

    def column(name: str, values: np.ndarray) -> np.ndarray:
        was: np.ndarray = getattr(old, name)
        new = values[patch.rows]
        if len(gone):
            out = _without(was, gone)
        elif np.array_equal(was[at], new):
            return was  # the edit changed nothing of this column
        else:
            out = was.copy()
        out[at] = new
        return out

    kind = column("kind", cols.kind)
    function = column("function", cols.function)
    police = column("police", cols.police)
    aux = column("auxiliaries", cols.auxiliaries)
    # Positions by kind: the base's, cut and shifted; a kind that gained or lost a unit
    # among the rows written is looked up again.
    was_kind = old.kind[old.of_row[patch.base_rows[patch.rows]]]
    now_kind = kind[at]
    differ = now_kind != was_kind
    again = set(was_kind[differ].tolist()) | set(now_kind[differ].tolist())
    gone_kind = old.kind[gone]
    by_kind = []
    for k, pos in enumerate(old.by_kind):
        if k in again:
            by_kind.append(np.flatnonzero(kind == k))
        elif len(gone) and len(pos):
            mine = gone[gone_kind == k]
            by_kind.append(_cut_shifted(pos, np.searchsorted(pos, mine), gone))
        else:
            by_kind.append(pos)
    # Sibling runs: the base's, shifted; a level that lost units made again.
    runs: list[tuple[np.ndarray, np.ndarray]] = []
    ob = old.bounds
    cut_at = np.searchsorted(gone, ob) if len(gone) else None
    for d in range(1, len(b) - 1):
        first_b, parents_b = old.runs[d - 1]
        if cut_at is not None and cut_at[d + 1] > cut_at[d]:  # this level lost units
            runs.append(_sibling_runs(ppos[b[d] : b[d + 1]]))
        elif cut_at is not None and cut_at[d] > 0:  # the level above lost units: parents
            runs.append((first_b, _cut_shifted(parents_b, gone[:0], gone)))
        else:
            runs.append((first_b, parents_b))
    return Positions(b, of_row, ppos, kind, function, police, aux, runs, tuple(by_kind))


def _raised(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Positions of the base after units were put before the positions ``points``
    (ascending): each plus the number of points at or below it (a new array; ``-1``
    stays)."""
    if len(points) > 4:
        return values + np.searchsorted(points, values, side="right")
    q = points.tolist()
    out = values + (values >= q[-1])
    for x in q[-2::-1]:  # from the last: a value raised was past every point below
        out += out >= x
    return out


def _inserted_positions(cols: Columns, tree: _Tree, patch: PositionsPatch) -> Positions:
    """:func:`_patched_positions` for units added under units of the base: the base's
    positions raised past the places the new units go, and theirs put in."""
    old, q, add = patch.base, patch.points, patch.added
    old_runs = old.runs or []
    m, b = len(q), tree.bounds
    newpos = q + np.arange(m)  # the added units' positions, ascending
    of_row = np.empty(len(cols), dtype=np.int64)
    nb = len(old.of_row)
    of_row[:nb] = _raised(old.of_row, q)
    of_row[add] = newpos
    ppos = np.insert(_raised(old.parent, q), q, of_row[cols.parent[add]])
    at = of_row[patch.rows]

    def column(name: str, values: np.ndarray) -> np.ndarray:
        out = np.insert(getattr(old, name), q, values[add])
        out[at] = values[patch.rows]
        return out

    kind = column("kind", cols.kind)
    function = column("function", cols.function)
    police = column("police", cols.police)
    aux = column("auxiliaries", cols.auxiliaries)
    kept = patch.base_rows[patch.rows] >= 0
    was_kind = old.kind[old.of_row[patch.base_rows[patch.rows][kept]]]
    now_kind = kind[at[kept]]
    differ = now_kind != was_kind
    again = set(was_kind[differ].tolist()) | set(now_kind[differ].tolist())
    add_kind = kind[newpos]
    by_kind = []
    for k, pos in enumerate(old.by_kind):
        if k in again:
            by_kind.append(np.flatnonzero(kind == k))
            continue
        raised = _raised(pos, q) if len(pos) else pos
        mine = newpos[add_kind == k]
        if len(mine):
            raised = np.insert(raised, np.searchsorted(raised, mine), mine)
        by_kind.append(raised)
    runs: list[tuple[np.ndarray, np.ndarray]] = []
    level_of = np.searchsorted(b, newpos, side="right") - 1
    grew = set(level_of.tolist())
    first_point = int(q[0])
    for d in range(1, len(b) - 1):
        if d in grew or d > len(old_runs):
            runs.append(_sibling_runs(ppos[b[d] : b[d + 1]]))
            continue
        first_b, parents_b = old_runs[d - 1]
        if len(parents_b) and first_point <= int(parents_b[-1]):
            parents_b = _raised(parents_b, q)
        runs.append((first_b, parents_b))
    return Positions(b, of_row, ppos, kind, function, police, aux, runs, tuple(by_kind))


def _climb_to(cols: Columns, rows: np.ndarray, stop: np.ndarray) -> np.ndarray:
    """The nearest unit at or above each of ``rows`` whose kind the lookup table ``stop``
    marks (``-1``: none; a row ``-1`` stays ``-1``): each climbs the parent column, only as
    far as it must (departments, teams and offices sit right below what they are looked up
    for, so a pass over the whole organisation would cost more)."""
    kind, parent = cols.kind, cols.parent
    out = np.asarray(rows, dtype=np.int64).copy()
    left = np.flatnonzero(out >= 0)
    while len(left):
        cur = out[left]
        go = ~stop[kind[cur]]
        left, cur = left[go], cur[go]
        out[left] = parent[cur]
        left = left[out[left] >= 0]
    return out


def edge_rows(index: Mapping[str, int], pairs: Sequence[tuple[str, str]]) -> np.ndarray:
    """Rows of both ends of every edge, shape (edges, 2); ``-1`` for an unknown id."""
    get = index.get
    out = np.empty((len(pairs), 2), dtype=np.int64)
    out[:, 0] = [get(a, -1) for a, _ in pairs]
    out[:, 1] = [get(b, -1) for _, b in pairs]
    return out


def guides_hold(cols: Columns, tree: _Tree, ends: np.ndarray) -> np.ndarray:
    """Which GUIDES edges (rows of both ends, as from :func:`edge_rows`) hold: two
    departments of the same function, the upper in a bureau above the lower's bureau."""
    if not len(ends):
        return np.zeros(0, dtype=bool)
    a, b = ends[:, 0], ends[:, 1]
    ok = (a >= 0) & (b >= 0) & (a != b)
    a0, b0 = np.maximum(a, 0), np.maximum(b, 0)
    dept = _KIND_CODE["department"]
    ok &= (cols.kind[a0] == dept) & (cols.kind[b0] == dept)
    fa, fb = cols.function[a0], cols.function[b0]
    ok &= (fa >= 0) & (fa == fb)
    bu, bl = _climb_to(cols, np.where(ok, a0, -1), _BUREAU_T), _climb_to(cols, b0, _BUREAU_T)
    ok &= (bu >= 0) & (bl >= 0) & (bu != bl)
    # The bureau strictly above each bureau; climb from the lower's until the upper's.
    bureaus = np.flatnonzero(_BUREAU_T[cols.kind])
    up = _climb_to(cols, cols.parent[bureaus], _BUREAU_T)  # by slot of ``bureaus``
    cur, hit = np.where(ok, bl, -1), np.zeros(len(a), dtype=bool)
    for _ in range(len(tree.bounds)):
        at = np.flatnonzero(cur >= 0)
        if not len(at):
            break
        cur[at] = up[np.searchsorted(bureaus, cur[at])]
        hit |= (cur >= 0) & (cur == bu)
    return ok & hit


def _edge_order(ends: np.ndarray, what: str) -> tuple[np.ndarray, np.ndarray]:
    """The order of edges by (upper or source row, lower or target row), and their ends in
    that order; raises :class:`_Invalid` for an edge given twice (every end is a row here:
    the same rows are the same ids)."""
    order = np.lexsort((ends[:, 1], ends[:, 0]))
    ends = ends[order]
    if len(ends) > 1 and (ends[1:] == ends[:-1]).all(axis=1).any():
        raise _Invalid(what)
    return order, ends


class EdgeColumns(Sequence[tuple[str, str]]):
    """Edges as two columns of ids (``upper[i]`` → ``lower[i]``), read as (upper, lower)
    pairs: a reader hands them with their rows to :meth:`OrgGraph._from_columns`, which
    then makes no pair unless the edges are read (or refused)."""

    __slots__ = ("lower", "upper")

    def __init__(self, upper: list[str], lower: list[str]) -> None:
        self.upper, self.lower = upper, lower

    def __len__(self) -> int:
        return len(self.upper)

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return list(zip(self.upper[i], self.lower[i], strict=True))
        return (self.upper[i], self.lower[i])

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return zip(self.upper, self.lower, strict=True)


def _in_order(
    pairs: Sequence[tuple[str, str]], order: np.ndarray, checked: bool
) -> list[tuple[str, str]]:
    """``pairs`` in ``order`` (as tuples); the list itself when a reader's pairs (tuples)
    are in that order already; none for :class:`EdgeColumns` (made from the rows when
    first read)."""
    if type(pairs) is EdgeColumns:
        return []
    if checked and isinstance(pairs, list) and (order[1:] > order[:-1]).all():
        return pairs
    if checked and type(pairs[0]) is tuple:  # a reader's pairs: tuples already
        return list(map(pairs.__getitem__, order.tolist()))
    return [(pairs[i][0], pairs[i][1]) for i in order.tolist()]


def dispatches_hold(cols: Columns, ends: np.ndarray) -> np.ndarray:
    """Which DISPATCHES edges hold: from a command centre to another unit."""
    if not len(ends):
        return np.zeros(0, dtype=bool)
    a, b = ends[:, 0], ends[:, 1]
    ok = (a >= 0) & (b >= 0) & (a != b)
    return ok & (cols.kind[np.maximum(a, 0)] == _KIND_CODE["command_center"])


def _placement_rows(cols: Columns, rows: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Rows (of ``rows``, or of all, in row order) of stations under a department or
    command centre, and of departments inside a 派出所."""
    kind, parent = cols.kind, cols.parent
    k = kind if rows is None else kind[rows]
    # Only stations and departments can be either: their parents' kinds alone are read.
    st = np.flatnonzero(k == _STATION)
    dp = np.flatnonzero(_kind_mask(DEPARTMENT_KINDS)[k])
    if rows is not None:
        st, dp = rows[st], rows[dp]
    p_st, p_dp = parent[st], parent[dp]
    pk_st = np.where(p_st >= 0, kind[np.maximum(p_st, 0)], -1)
    pk_dp = np.where(p_dp >= 0, kind[np.maximum(p_dp, 0)], -1)
    warn = st[(pk_st >= 0) & _kind_mask(DEPARTMENT_KINDS)[np.maximum(pk_st, 0)]]
    inside = dp[(pk_dp >= 0) & _kind_mask(_IN_STATION)[np.maximum(pk_dp, 0)]]
    return warn, inside


@dataclass(frozen=True, eq=False)
class PlacementNear:
    """What :meth:`OrgGraph.derived` needs to carry a base's placement warnings over.

    ``row_map``: row in the derived organisation of every base row (``-1``: removed);
    ``again``: rows whose warnings may have changed (kind, parent, or the parent's kind or
    name changed, or created); ``places``: rows → their places in the breadth-first order.
    """

    base: OrgGraph
    row_map: np.ndarray
    again: np.ndarray
    places: Callable[[np.ndarray], np.ndarray]


class OrgGraph:
    """A validated organisation graph: columns at the core, networkx on demand.

    Build it from :class:`Unit` records and the GUIDES / DISPATCHES pairs, or from columns
    with :meth:`from_columns`; construction checks every rule of the model and raises
    :class:`OrgValidationError` listing all violations.

    The units live in a :class:`Columns` table (numpy arrays indexed by row, an id ↔ row
    map) with the breadth-first order and levels computed once; metrics run over those
    arrays. :attr:`graph` (a :class:`networkx.DiGraph`) is built the first time it is asked
    for, and :meth:`to_networkx` gives a fresh copy to change freely.

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

    root: str
    id: str
    name: str
    description: str
    parent_bureau: ParentBureau | None
    catalogue: FunctionCatalogue
    #: For an organisation a plan made (:func:`~orgmodel.restructure.apply_plan`): its base
    #: and, by row, the base row each unit was (``-1``: created) — so a diff against the
    #: base matches units without looking up every id.
    _derived_from: tuple[OrgGraph, np.ndarray] | None = None
    #: Rows of the placement warnings (:meth:`_placement_warnings`), kept for scenarios.
    _placement_at: tuple[np.ndarray, np.ndarray] | None = None

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
        units = list(units)
        self._setup(
            lambda cat: _columns(
                [u.id for u in units],
                [u.name for u in units],
                [u.parent for u in units],
                [u.kind for u in units],
                [u.function for u in units],
                [u.category for u in units],
                [u.establishment for u in units],
                [u.police for u in units],
                [u.auxiliaries for u in units],
                [u.leaders for u in units],
                [u.duty_roster for u in units],
                [u.community_share for u in units],
                cat,
            ),
            lambda: units,
            guides,
            dispatches,
            id=id,
            name=name,
            description=description,
            parent_bureau=parent_bureau,
            catalogue=catalogue,
            where=where,
            issues=issues,
            warnings=warnings,
            source=source,
        )

    @classmethod
    def from_columns(
        cls,
        ids: Sequence[str],
        names: Sequence[str],
        parent: Sequence[str | None] | np.ndarray,
        kind: Sequence[str] | np.ndarray,
        *,
        function: Sequence[str | None] | tuple[np.ndarray, Sequence[str]] | None = None,
        category: Sequence[str | None] | np.ndarray | None = None,
        establishment: Sequence[int | None] | np.ndarray | None = None,
        police: Sequence[int] | np.ndarray | None = None,
        auxiliaries: Sequence[int] | np.ndarray | None = None,
        leaders: Sequence[int | None] | np.ndarray | None = None,
        duty_roster: Sequence[bool | None] | np.ndarray | None = None,
        community_share: Sequence[float | None] | np.ndarray | None = None,
        guides: Iterable[tuple[str, str]] = (),
        dispatches: Iterable[tuple[str, str]] = (),
        id: str = "",
        name: str = "",
        description: str = "",
        parent_bureau: ParentBureau | None = None,
        catalogue: FunctionCatalogue | None = None,
        where: Mapping[str, str] | None = None,
        issues: Iterable[ValidationIssue] = (),
        warnings: Iterable[ValidationIssue] = (),
        source: str | None = None,
        index: Mapping[str, int] | None = None,
    ) -> OrgGraph:
        """An organisation straight from columns (one entry per unit, in file order).

        The fast way in for readers of large files: no :class:`Unit` record is made. The
        checks are the model's, vectorised; when one fails, the organisation is checked unit
        by unit and :class:`OrgValidationError` carries exactly the messages, units and
        places the :class:`Unit` constructor gives.

        Parameters
        ----------
        ids, names : sequence of str
            Unit ids and Chinese names.
        parent : sequence of str or None, or numpy.ndarray of int
            Parent ids (``None`` for the root), or parent rows (``-1`` for the root).
        kind : sequence of str, or numpy.ndarray of int
            Kind names, or indices into :data:`KINDS`.
        function : sequence of str or None, or (codes array, code table), optional
            Function codes; or an int array indexing a table of codes (``-1`` for none).
        category : sequence of str or None, or numpy.ndarray of int, optional
            Categories, or indices into :data:`CATEGORY_CODES` (``-1`` for none).
        establishment, leaders : sequence of int or None, or numpy.ndarray, optional
            ``None`` (in an array: ``-1``) where not given.
        police, auxiliaries : sequence of int, or numpy.ndarray, optional
            0 when the column is not given.
        duty_roster : sequence of bool or None, or numpy.ndarray, optional
            In an array: ``1``, ``0``, or ``-1`` for none.
        community_share : sequence of float or None, or numpy.ndarray, optional
            In an array: ``NaN`` for none.
        guides, dispatches, id, name, description, parent_bureau, catalogue, where, issues, warnings, source
            As for the constructor.
        index : mapping of str to int, optional
            The id → row map of ``ids`` when the caller has built it already (a reader
            does, to resolve parents): kept as the organisation's :attr:`index` instead of
            a second one. Only its size is checked: every id at its own row.

        Returns
        -------
        OrgGraph

        Raises
        ------
        OrgValidationError
            Every rule broken, as the constructor reports it.

        Examples
        --------
        >>> org = OrgGraph.from_columns(
        ...     ["b", "s"], ["某县公安局", "城关派出所"], [None, "b"], ["county", "station"],
        ...     police=[5, 20],
        ... )
        >>> org.children("b"), org.total_police(), org.columns.police.tolist()
        (['s'], 25, [5, 20])
        """
        return cls._from_columns(
            ids, names, parent, kind, function=function, category=category,
            establishment=establishment, police=police, auxiliaries=auxiliaries,
            leaders=leaders, duty_roster=duty_roster, community_share=community_share,
            guides=guides, dispatches=dispatches, id=id, name=name, description=description,
            parent_bureau=parent_bureau, catalogue=catalogue, where=where, issues=issues,
            warnings=warnings, source=source, index=index,
        )  # fmt: skip

    @classmethod
    def _from_columns(
        cls,
        ids: Sequence[str],
        names: Sequence[str],
        parent: Sequence[str | None] | np.ndarray,
        kind: Sequence[str] | np.ndarray,
        *,
        function: Sequence[str | None] | tuple[np.ndarray, Sequence[str]] | None = None,
        category: Sequence[str | None] | np.ndarray | None = None,
        establishment: Sequence[int | None] | np.ndarray | None = None,
        police: Sequence[int] | np.ndarray | None = None,
        auxiliaries: Sequence[int] | np.ndarray | None = None,
        leaders: Sequence[int | None] | np.ndarray | None = None,
        duty_roster: Sequence[bool | None] | np.ndarray | None = None,
        community_share: Sequence[float | None] | np.ndarray | None = None,
        guides: Iterable[tuple[str, str]] = (),
        dispatches: Iterable[tuple[str, str]] = (),
        id: str = "",
        name: str = "",
        description: str = "",
        parent_bureau: ParentBureau | None = None,
        catalogue: FunctionCatalogue | None = None,
        where: Mapping[str, str] | None = None,
        issues: Iterable[ValidationIssue] = (),
        warnings: Iterable[ValidationIssue] = (),
        source: str | None = None,
        index: Mapping[str, int] | None = None,
        checked: bool = False,
        guide_ends: np.ndarray | None = None,
        dispatch_ends: np.ndarray | None = None,
    ) -> OrgGraph:
        """:meth:`from_columns`, and the way in for a reader that has checked more itself
        (private: the caller vouches for what it says it checked; the errors are the same).

        ``checked``: ``ids`` and ``names`` are lists of text, the ids unique with ``index``
        (a dict) their map, or ``None`` (it is built when first asked for), none blank, no
        control or invisible format character in either;
        the edges are pairs of text. ``guide_ends`` / ``dispatch_ends``: the rows of both
        ends of every edge, looked up in ``index`` (``-1``: not there), as
        :func:`edge_rows` gives them.
        """
        cols_in = (
            ids, names, parent, kind, function, category, establishment, police, auxiliaries,
            leaders, duty_roster, community_share,
        )  # fmt: skip

        def units() -> list[Unit]:
            return _units_from_raw(*cols_in)

        self = cls.__new__(cls)
        self._setup(
            lambda cat: _columns(*cols_in, cat, index, checked),
            units,
            guides,
            dispatches,
            id=id,
            name=name,
            description=description,
            parent_bureau=parent_bureau,
            catalogue=catalogue,
            where=where,
            issues=issues,
            warnings=warnings,
            source=source,
            checked=checked,
            guide_ends=guide_ends,
            dispatch_ends=dispatch_ends,
        )
        return self

    @classmethod
    def derived(
        cls,
        base: OrgGraph,
        cols: Columns,
        guides: Sequence[tuple[str, str]] | None,
        dispatches: Sequence[tuple[str, str]] | None,
        touched: Iterable[Unit],
        *,
        id: str,
        name: str,
        description: str,
        tree: _Tree | None = None,
        guide_ends: np.ndarray | None = None,
        dispatch_ends: np.ndarray | None = None,
        index: Mapping[str, int] | None = None,
        changed_rows: np.ndarray | None = None,
        edges_checked: bool = False,
        near: PlacementNear | None = None,
        positions: PositionsPatch | None = None,
    ) -> OrgGraph | None:
        """An organisation made from ``base`` by changing some rows (copy-on-write).

        ``cols`` holds every unit; only the ``touched`` units are checked one by one, the
        tree, placements and edges over the whole — or, with ``changed_rows`` (the rows
        whose kind or parent changed, and the new ones), the placements only around those
        rows. ``index`` is the id ↔ row map when the caller has one (else it is built when
        first asked for). With ``edges_checked`` the caller has checked that every edge
        holds (``guide_ends`` / ``dispatch_ends`` are then required, and the id pairs,
        when ``guides`` / ``dispatches`` are ``None``, are those rows' ids, made when first
        read). ``near`` carries the base's placement warnings over, looking again only at
        the rows it names; ``positions``, the base's :class:`Positions` (see
        :class:`PositionsPatch`). Returns ``None`` when
        a check fails: the caller then builds the organisation from :class:`Unit` records
        for the precise error.
        """
        self = cls.__new__(cls)
        self.id, self.name, self.description = id, name, description
        self.parent_bureau = base.parent_bureau
        self.catalogue = base.catalogue
        try:
            for u in touched:
                if not isinstance(u.id, str) or not u.id or _control_char(u.id):
                    raise _Invalid("id")
                if _check_unit(u, None, self.catalogue):
                    raise _Invalid("unit")
            tree = tree if tree is not None else _tree(cols.parent)
            if tree is None:
                raise _Invalid("tree")
            # The id ↔ row map is built when first asked for (ids are unique: the
            # workspace never reuses one).
            self._cols, self._tree = cols, tree
            if index is not None:
                self.__dict__["_index"] = index
            if changed_rows is not None and not (changed_rows == tree.order[0]).any():
                self._check_structure_near(changed_rows)
                warnings = self._placement_warnings({}, bfs=True, near=near)
            else:
                self._check_structure({})
                warnings = self._placement_warnings({}, bfs=True)
            if edges_checked and guide_ends is not None and dispatch_ends is not None:
                self._guide_ends, self._dispatch_ends = guide_ends, dispatch_ends
                if guides is not None:
                    self._guides = list(guides)
                if dispatches is not None:
                    self._dispatches = list(dispatches)
            elif guides is None or dispatches is None:
                raise TypeError("derived: the edges as id pairs, or checked as rows")
            else:
                self._guides = self._checked_guides(list(guides), guide_ends)
                self._dispatches = self._checked_dispatches(list(dispatches), dispatch_ends)
        except _Invalid:
            return None
        self.warnings = tuple(warnings)
        self.root = cols.id_at(int(tree.order[0]))
        patched = None if positions is None else _patched_positions(cols, tree, positions)
        self._positions = patched if patched is not None else _positions(cols, tree)
        return self

    def _setup(
        self,
        make_columns: Callable[[FunctionCatalogue], tuple[Columns, Mapping[str, int] | None]],
        make_units: Callable[[], list[Unit]],
        guides: Iterable[tuple[str, str]],
        dispatches: Iterable[tuple[str, str]],
        *,
        id: str,
        name: str,
        description: str,
        parent_bureau: ParentBureau | None,
        catalogue: FunctionCatalogue | None,
        where: Mapping[str, str] | None,
        issues: Iterable[ValidationIssue],
        warnings: Iterable[ValidationIssue],
        source: str | None,
        checked: bool = False,
        guide_ends: np.ndarray | None = None,
        dispatch_ends: np.ndarray | None = None,
    ) -> None:
        if isinstance(name, str) and (bad_name := _bad_name_char(name)):
            # the organisation's own name, like every unit's (a lone CR from an Excel cell)
            raise OrgValidationError([ValidationIssue(bad_name, field="name")], source)
        self.id = id
        self.name = name
        self.description = description
        self.parent_bureau = parent_bureau
        self.catalogue = catalogue if catalogue is not None else load_catalogue()
        issues = list(issues)
        # A reader's edges as two columns of ids, with their rows (checked): the pairs are
        # made when first read (org.guides), not at load (87,000 tuples in a national file,
        # each one the collector counted: ~120 collections, 0.3 s of its load).
        if not (checked and guide_ends is not None and type(guides) is EdgeColumns):
            guides = list(guides)
        if not (checked and dispatch_ends is not None and type(dispatches) is EdgeColumns):
            dispatches = list(dispatches)
        try:
            if issues:
                raise _Invalid("reader")
            if parent_bureau is not None and any(
                fn not in self.catalogue for fn in parent_bureau.functions
            ):
                raise _Invalid("parent_bureau")
            cols, index = make_columns(self.catalogue)
            tree = _tree(cols.parent)
            if tree is None:
                raise _Invalid("tree")
            self._cols, self._tree = cols, tree
            if index is not None:  # else the id → row map is built when first asked for
                self.__dict__["_index"] = index
            placement_warnings = self._check_structure(where or {})
            guide_pairs = self._checked_guides(guides, guide_ends, checked=checked)
            dispatch_pairs = self._checked_dispatches(dispatches, dispatch_ends, checked=checked)
            if type(guides) is not EdgeColumns:  # else the pairs of the rows, when first read
                self._guides = guide_pairs
            if type(dispatches) is not EdgeColumns:
                self._dispatches = dispatch_pairs
        except _Invalid:
            found = _legacy_issues(
                make_units(), guides, dispatches, parent_bureau, self.catalogue, where or {},
                issues,
            )  # fmt: skip
            if not found:  # pragma: no cover - the fast checks and the full ones agree
                found = [ValidationIssue(lazy("the organisation is invalid"))]
            raise OrgValidationError(found, source) from None
        self.warnings: tuple[ValidationIssue, ...] = (*warnings, *placement_warnings)
        self.root = cols.ids[int(tree.order[0])]
        self._positions = _positions(cols, tree)

    # -- validation -------------------------------------------------------------------------

    def _check_structure(self, where: Mapping[str, str]) -> list[ValidationIssue]:
        """Stations under stations and team/office placement (raising :class:`_Invalid`);
        the placement warnings."""
        cols = self._cols
        kind, parent = cols.kind, cols.parent
        st = np.flatnonzero(kind == _STATION)
        ps = parent[st]
        if (kind[ps[ps >= 0]] == _STATION).any():
            raise _Invalid("station under station")
        tio = np.flatnonzero(_kind_mask(_STATION_INNER)[kind])
        if len(tio):
            # Nearest enclosing unit that is not a team, office or community post (none: the
            # chain reaches above the root, which the unit-by-unit check lets pass too).
            enc = _climb_to(cols, parent[tio], ~_kind_mask(_STATION_INNER | {"community_post"}))
            if ((enc >= 0) & (kind[np.maximum(enc, 0)] != _STATION)).any():
                raise _Invalid("placement")
        return self._placement_warnings(where)

    def _placement_warnings(
        self,
        where: Mapping[str, str],
        *,
        bfs: bool = False,
        near: PlacementNear | None = None,
    ) -> list[ValidationIssue]:
        """Warnings for stations under a department or command centre, then for departments
        inside a 派出所, each in row order (or in breadth-first order). With ``near`` (an
        organisation derived from a base), the base's warnings are carried over and only
        the rows it names are looked at again. The rows are kept with the organisation."""
        cols = self._cols
        kind, parent = cols.kind, cols.parent
        base = None if near is None else near.base._placement_at
        if near is not None and base is not None:
            again = np.sort(near.again)  # (np.unique: its first call imports numpy.ma)
            again = again[np.concatenate([[True], again[1:] != again[:-1]])[: len(again)]]
            warn_rows, inside = _placement_rows(cols, again)
            parts = []
            for was, now in zip(base, (warn_rows, inside), strict=True):
                carried = near.row_map[was]
                carried = carried[carried >= 0]
                if len(again):
                    at = np.minimum(np.searchsorted(again, carried), len(again) - 1)
                    carried = carried[again[at] != carried]
                parts.append(np.concatenate([carried, now]))
            warn_rows, inside = parts
            if len(warn_rows) + len(inside) > 1:
                warn_rows = warn_rows[np.argsort(near.places(warn_rows), kind="stable")]
                inside = inside[np.argsort(near.places(inside), kind="stable")]
        else:
            warn_rows, inside = _placement_rows(cols, None)
            if bfs and len(warn_rows) + len(inside) > 1:
                pos = np.empty(len(kind), dtype=np.int64)
                pos[self._tree.order] = np.arange(len(kind))
                warn_rows = warn_rows[np.argsort(pos[warn_rows])]
                inside = inside[np.argsort(pos[inside])]
        self._placement_at = (warn_rows, inside)
        out = []
        for i in warn_rows.tolist():
            p = int(parent[i])
            pkn = KINDS[kind[p]]
            uid = cols.id_at(i)
            out.append(
                ValidationIssue(
                    lazy(
                        "a 派出所 (station) under {value!r} ({get}), not directly under a bureau: it still counts as a 派出所 in the station share; check its parent",
                        value=cols.name_at(p),
                        get=KIND_NAMES.get(pkn, pkn),
                    ),
                    uid,
                    where.get(uid),
                )
            )
        # A 内设机构 inside a 派出所 counts as organ police and as station police at once.
        for i in inside.tolist():
            out.append(_inside_station_warning(cols, i, where))
        return out

    def _check_structure_near(self, rows: np.ndarray) -> None:
        """:meth:`_check_structure`'s errors, looked for only where they can arise after
        the ``rows`` (not the root) changed kind or parent, or were created: at those rows,
        their children, and the teams and offices whose enclosing unit they are or lie on
        the way to (raising :class:`_Invalid`)."""
        cols, tree = self._cols, self._tree
        kinds, parent = cols.kind, cols.parent
        kids, starts = tree.kids, tree.starts
        inner = _kind_mask(_STATION_INNER)
        skip = _kind_mask(_STATION_INNER | {"community_post"})
        for r in rows.tolist():
            k = int(kinds[r])
            p = int(parent[r])
            ch = kids[starts[r] : starts[r + 1]]
            if k == _STATION and (
                (p >= 0 and kinds[p] == _STATION) or (kinds[ch] == _STATION).any()
            ):
                raise _Invalid("station under station")
            # The team/office at r, and below r through other teams, offices and posts.
            stack = [r]
            while stack:
                x = stack.pop()
                kx = int(kinds[x])
                if x != r and not skip[kx]:
                    continue
                if inner[kx]:
                    cur = int(parent[x])
                    while skip[kinds[cur]] and parent[cur] >= 0:
                        cur = int(parent[cur])
                    if kinds[cur] != _STATION:
                        raise _Invalid("placement")
                stack.extend(kids[starts[x] : starts[x + 1]].tolist())

    def _row_bureau(self, i: int) -> int:
        kind, parent = self._cols.kind, self._cols.parent
        while i >= 0 and not _BUREAU_T[kind[i]]:
            i = int(parent[i])
        return i

    def _checked_guides(
        self,
        guides: Sequence[tuple[str, str]],
        ends: np.ndarray | None = None,
        *,
        checked: bool = False,
    ) -> list[tuple[str, str]]:
        self._guide_ends = np.zeros((0, 2), dtype=np.int64)
        if not guides:
            return []
        if not checked and any(type(u) is not str or type(v) is not str for u, v in guides):
            raise _Invalid("guides")
        if ends is None:
            ends = edge_rows(self._index, guides)
        if not guides_hold(self._cols, self._tree, ends).all():
            raise _Invalid("guides")
        # By the upper unit's row, then the lower unit's: one order whatever order they came
        # in, so a store (whose edge reads have no order) gives back what was saved.
        order, self._guide_ends = _edge_order(ends, "guides")
        return _in_order(guides, order, checked)

    def _checked_dispatches(
        self,
        dispatches: Sequence[tuple[str, str]],
        ends: np.ndarray | None = None,
        *,
        checked: bool = False,
    ) -> list[tuple[str, str]]:
        self._dispatch_ends = np.zeros((0, 2), dtype=np.int64)
        if not dispatches:
            return []
        if not checked and any(type(u) is not str or type(v) is not str for u, v in dispatches):
            raise _Invalid("dispatches")
        if ends is None:
            ends = edge_rows(self._index, dispatches)
        cols = self._cols
        if not dispatches_hold(cols, ends).all() or (cols.parent[ends[:, 0]] == ends[:, 1]).any():
            raise _Invalid("dispatches")
        order, self._dispatch_ends = _edge_order(ends, "dispatches")  # by source, then target
        return _in_order(dispatches, order, checked)

    # -- the columns ------------------------------------------------------------------------

    @property
    def columns(self) -> Columns:
        """The columnar table of the units, in file order (read it; do not change it)."""
        return self._cols

    @property
    def index(self) -> Mapping[str, int]:
        """Unit id → row in :attr:`columns`."""
        return self._index

    @cached_property
    def _index(self) -> dict[str, int]:
        return {u: i for i, u in enumerate(self._cols.ids)}

    @cached_property
    def preorder(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Depth-first order (parents first, children in file order): ``(rows in that
        order, place of every row in it, subtree size of every row)``. The subtree of row
        ``i`` is ``rows[place[i] : place[i] + size[i]]``."""
        t, parent = self._tree, self._cols.parent
        n = len(parent)
        size = np.ones(n, dtype=np.int64)
        order, b = t.order, t.bounds.tolist()
        for d in range(len(b) - 2, 0, -1):
            rows = order[b[d] : b[d + 1]]
            np.add.at(size, parent[rows], size[rows])
        # Offset of each child below its parent: 1 + the sizes of the siblings before it.
        kids = t.kids
        ks = size[kids]
        cum = np.cumsum(ks) - ks
        first = t.starts[:-1]
        owner = parent[kids]
        offset = np.empty(n, dtype=np.int64)
        offset[kids] = 1 + cum - cum[np.minimum(first[owner], len(kids) - 1)]
        place = np.zeros(n, dtype=np.int64)
        for d in range(1, len(b) - 1):
            rows = order[b[d] : b[d + 1]]
            place[rows] = place[parent[rows]] + offset[rows]
        rows_pre = np.empty(n, dtype=np.int64)
        rows_pre[place] = np.arange(n)
        return _read_only(rows_pre), _read_only(place), _read_only(size)

    @cached_property
    def function_category_codes(self) -> np.ndarray:
        """Category code (index into :data:`CATEGORY_CODES`) of every function of
        :attr:`columns` ``.functions`` by its code, and ``management`` last (for no function
        or one outside the catalogue): what :meth:`category_of` gives a unit that takes its
        category from its function."""
        cols, cat = self._cols, self.catalogue
        management = CATEGORY_CODES.index("management")
        return _read_only(
            np.array(
                [
                    CATEGORY_CODES.index(cat[f].category)
                    if f in cat and cat[f].category in CATEGORY_CODES
                    else management
                    for f in cols.functions
                ]
                + [management],
                dtype=np.int64,
            )
        )

    @cached_property
    def category_rows(self) -> np.ndarray:
        """:meth:`category_of` of every row, as indices into :data:`CATEGORY_CODES`."""
        cols = self._cols
        by_fn = self.function_category_codes
        fn = by_fn[np.where(cols.function >= 0, cols.function, len(cols.functions))]
        lead = _kind_mask(CATEGORY_LEADERSHIP_KINDS)[cols.kind]
        front = _kind_mask(CATEGORY_FRONTLINE_KINDS)[cols.kind]
        default = np.where(
            lead,
            CATEGORY_CODES.index("leadership"),
            np.where(front, CATEGORY_CODES.index("frontline"), fn),
        )
        return _read_only(np.where(cols.category >= 0, cols.category.astype(np.int64), default))

    @cached_property
    def memo(self) -> dict[Any, Any]:
        """Results derived from this organisation, kept with it (it never changes): the
        metric suite keeps its headline numbers here, per norms, for :func:`diff_orgs`."""
        return {}

    @property
    def guide_rows(self) -> np.ndarray:
        """Rows of the GUIDES edges' ends, shape (edges, 2), in :attr:`guides` order."""
        return self._guide_ends

    @property
    def dispatch_rows(self) -> np.ndarray:
        """Rows of the DISPATCHES edges' ends, shape (edges, 2), in :attr:`dispatches` order."""
        return self._dispatch_ends

    @property
    def bfs_rows(self) -> np.ndarray:
        """Rows breadth-first from the root (every parent before its children)."""
        return self._tree.order

    @property
    def level_bounds(self) -> np.ndarray:
        """Where each level starts in :attr:`bfs_rows` (and the end): level ``d`` is
        ``bfs_rows[level_bounds[d]:level_bounds[d + 1]]``."""
        return self._tree.bounds

    @property
    def positions(self) -> Positions:
        """The structure and the units' own columns in breadth-first order (see
        :class:`Positions`), built with the organisation."""
        return self._positions

    @property
    def depth_by_row(self) -> np.ndarray:
        """REPORTS_TO hops from the root, by row."""
        return self._tree.depth

    # -- access -----------------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._cols)

    def __contains__(self, unit_id: object) -> bool:
        return unit_id in self._index

    def __iter__(self) -> Iterator[str]:
        return iter(self.order())

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

    @cached_property
    def _order(self) -> list[str]:
        ids = self._cols.ids
        return [ids[i] for i in self._tree.order.tolist()]

    @cached_property
    def _parent(self) -> dict[str, str | None]:
        ids = self._cols.ids
        return {
            u: (ids[p] if p >= 0 else None)
            for u, p in zip(ids, self._cols.parent.tolist(), strict=True)
        }

    @cached_property
    def _depth(self) -> dict[str, int]:
        ids = self._cols.ids
        depth = self._tree.depth.tolist()
        return {ids[i]: depth[i] for i in self._tree.order.tolist()}

    def parent(self, unit_id: str) -> str | None:
        """The command parent (REPORTS_TO target) of a unit, ``None`` for the root."""
        p = int(self._cols.parent[self._index[unit_id]])
        return self._cols.id_at(p) if p >= 0 else None

    def children(self, unit_id: str) -> list[str]:
        """Direct REPORTS_TO children of a unit, in file order."""
        i = self._index[unit_id]
        t, ids = self._tree, self._cols.ids
        return [ids[c] for c in t.kids[t.starts[i] : t.starts[i + 1]].tolist()]

    def attrs(self, unit_id: str) -> dict[str, Any]:
        """The node attribute dict of a unit (every field of :class:`Unit` but ``id`` and
        ``parent``; a fresh dict)."""
        return self._cols.row_dict(self._index[unit_id])

    def unit(self, unit_id: str) -> Unit:
        """A unit as a :class:`Unit` record."""
        i = self._index[unit_id]
        p = int(self._cols.parent[i])
        return Unit(
            id=unit_id,
            parent=self._cols.id_at(p) if p >= 0 else None,
            **self._cols.row_dict(i),
        )

    def units(self) -> Iterator[Unit]:
        """Every unit, root first, parents before children (breadth-first)."""
        return (self.unit(u) for u in self.order())

    def order(self) -> list[str]:
        """Unit ids breadth-first from the root: every parent comes before its children."""
        return self._order

    def depth(self, unit_id: str) -> int:
        """REPORTS_TO hops from the root (the root is 0)."""
        return int(self._tree.depth[self._index[unit_id]])

    def depths(self) -> Mapping[str, int]:
        """Depth of every unit (REPORTS_TO hops from the root)."""
        return self._depth

    def parents(self) -> Mapping[str, str | None]:
        """The parent of every unit."""
        return self._parent

    @cached_property
    def _guides(self) -> list[tuple[str, str]]:
        # An organisation derived with its edges as rows only: the pairs of their ids.
        ids = self._cols.ids
        return [(ids[a], ids[b]) for a, b in self._guide_ends.tolist()]

    @cached_property
    def _dispatches(self) -> list[tuple[str, str]]:
        ids = self._cols.ids
        return [(ids[a], ids[b]) for a, b in self._dispatch_ends.tolist()]

    @property
    def guides(self) -> list[tuple[str, str]]:
        """GUIDES edges as (upper department, lower department), ordered by the upper
        unit's place in :attr:`columns`, then the lower's (whatever order they came in)."""
        return list(self._guides)

    @property
    def dispatches(self) -> list[tuple[str, str]]:
        """DISPATCHES edges as (command centre, unit), ordered by the centre's place in
        :attr:`columns`, then the unit's (whatever order they came in)."""
        return list(self._dispatches)

    @cached_property
    def graph(self) -> nx.DiGraph:
        """The organisation as a :class:`networkx.DiGraph`, built on first use (read it; do
        not change it — :meth:`to_networkx` gives a copy of your own)."""
        return self.to_networkx()

    def to_networkx(self) -> nx.DiGraph:
        """A new :class:`networkx.DiGraph` of the organisation.

        Nodes carry the fields of :class:`Unit` (without ``id`` and ``parent``) that the
        unit has: a field it leaves out (no function, no establishment …) is no attribute,
        not ``None``, so that ``nx.write_graphml`` writes the graph as it is (GraphML has no
        null). Edges carry a ``type``: ``REPORTS_TO`` (child → parent), ``GUIDES`` and
        ``DISPATCHES``.

        Examples
        --------
        >>> org = OrgGraph([Unit("b", "某县公安局", "county", police=5)], id="x")
        >>> org.to_networkx().nodes["b"]
        {'name': '某县公安局', 'kind': 'county', 'police': 5, 'auxiliaries': 0}
        """
        cols = self._cols
        g: nx.DiGraph = nx.DiGraph()
        g.add_nodes_from(
            (u, {k: v for k, v in cols.row_dict(i).items() if v is not None})
            for i, u in enumerate(cols.ids)
        )
        ids = cols.ids
        g.add_edges_from(
            (u, ids[p], {"type": REPORTS_TO})
            for u, p in zip(ids, cols.parent.tolist(), strict=True)
            if p >= 0
        )
        g.add_edges_from((u, v, {"type": GUIDES}) for u, v in self._guides)
        g.add_edges_from((u, v, {"type": DISPATCHES}) for u, v in self._dispatches)
        return g

    def bureau_of(self, unit_id: str) -> str | None:
        """The nearest bureau (公安部/厅/局/分局) at or above a unit."""
        b = self._row_bureau(self._index[unit_id])
        return self._cols.ids[b] if b >= 0 else None

    def category_of(self, unit_id: str) -> str:
        """A unit's category: its own, else its function's default, else by kind.

        Bureaus themselves are ``leadership`` (their own police are the bureau leadership),
        and so are groups (片区, 体系: a command layer without posts of its own);
        stations, teams, offices and posts are ``frontline``.
        """
        i = self._index[unit_id]
        cols = self._cols
        c = int(cols.category[i])
        if c >= 0:
            return CATEGORY_CODES[c]
        kind = KINDS[cols.kind[i]]
        if kind in CATEGORY_LEADERSHIP_KINDS:
            return "leadership"
        if kind in CATEGORY_FRONTLINE_KINDS:
            return "frontline"
        fn = _function_of(cols, i)
        if fn and fn in self.catalogue:
            return self.catalogue[fn].category
        return "management"

    def name_of(self, unit_id: str) -> str:
        """The Chinese name of a unit."""
        return self._cols.name_at(self._index[unit_id])

    def total_police(self) -> int:
        """Σ police over every unit (民警实有总数)."""
        return int(self._cols.police.sum())

    def total_auxiliaries(self) -> int:
        """Σ auxiliaries over every unit (辅警总数)."""
        return int(self._cols.auxiliaries.sum())

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


def _function_of(cols: Columns, i: int) -> str | None:
    f = int(cols.function[i])
    return cols.functions[f] if f >= 0 else None


def _units_from_raw(
    ids: Any, names: Any, parent: Any, kind: Any, function: Any, category: Any,
    establishment: Any, police: Any, auxiliaries: Any, leaders: Any, duty_roster: Any,
    community_share: Any,
) -> list[Unit]:  # fmt: skip
    """Unit records from the raw inputs of :meth:`OrgGraph.from_columns` (for the full
    check's messages: values are kept as given, arrays' sentinels read as none)."""
    ids = list(ids)
    n = len(ids)

    def col(values: Any, default: Any, none: Any = None) -> list[Any]:
        if values is None:
            return [default] * n
        if isinstance(values, np.ndarray):
            out = values.tolist()
            if none is not None:
                out = [None if (v == none or v != v) else v for v in out]
            return out
        return list(values)

    if isinstance(parent, np.ndarray):
        parent = [ids[p] if 0 <= p < n else (None if p < 0 else str(p)) for p in parent.tolist()]
    if isinstance(kind, np.ndarray):
        kind = [KINDS[k] if 0 <= k < len(KINDS) else str(k) for k in kind.tolist()]
    if isinstance(function, tuple) and len(function) == 2 and isinstance(function[0], np.ndarray):
        table = list(function[1])
        function = [table[f] if f >= 0 else None for f in function[0].tolist()]
    if isinstance(category, np.ndarray):
        category = [CATEGORY_CODES[c] if c >= 0 else None for c in category.tolist()]
    if isinstance(duty_roster, np.ndarray):
        duty_roster = [None if v < 0 else bool(v) for v in duty_roster.tolist()]
    names_l, parent_l, kind_l = list(names), col(parent, None), col(kind, "")
    fn_l, cat_l = col(function, None), col(category, None)
    est_l, police_l = col(establishment, None, -1), col(police, 0)
    aux_l, lead_l = col(auxiliaries, 0), col(leaders, None, -1)
    roster_l, cs_l = col(duty_roster, None), col(community_share, None, np.nan)

    def padded(values: list[Any]) -> list[Any]:  # a short column reads as None past its end
        return values if len(values) >= n else values + [None] * (n - len(values))

    # in Unit's field order after id
    fields = (
        names_l,
        kind_l,
        parent_l,
        fn_l,
        cat_l,
        est_l,
        police_l,
        aux_l,
        lead_l,
        roster_l,
        cs_l,
    )
    return list(map(Unit, ids, *map(padded, fields)))


#: Kinds that live inside a 派出所 (DOMAIN.md: "派出所内的队", "派出所综合指挥室").
_STATION_INNER = frozenset({"team", "office"})
#: A station and what lives inside it: a 内设机构 placed under one of these is in a 派出所.
_IN_STATION = _STATION_INNER | {"station", "community_post"}


def _inside_station_warning(cols: Columns, i: int, where: Mapping[str, str]) -> ValidationIssue:
    """The warning for a department or command centre (row ``i``) placed inside a 派出所."""
    p = int(cols.parent[i])
    kind, pkind = KINDS[cols.kind[i]], KINDS[cols.kind[p]]
    uid = cols.id_at(i)
    return ValidationIssue(
        lazy(
            "a {kind} ({kind_name}) under {parent!r} ({parent_kind}), inside a 派出所: its police count both as organ (机关) police and as station police; if it is one of the station's teams (a 中队), its kind is team (派出所内的队)",
            kind=kind,
            kind_name=KIND_NAMES[kind],
            parent=cols.name_at(p),
            parent_kind=KIND_NAMES.get(pkind, pkind),
        ),
        uid,
        where.get(uid),
    )


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
    nodes = g.nodes
    kind_of = {uid: nodes[uid]["kind"] for uid in parent}
    name_of = {uid: nodes[uid]["name"] for uid in parent}
    errors = _placement_errors(kind_of, name_of, parent, where)
    warnings: list[ValidationIssue] = []
    for uid, p in parent.items():
        if kind_of[uid] == "station" and p is not None and p in nodes:
            pk = nodes[p]["kind"]
            # Under a station is an error of its own; under a group (片区) is by design.
            if pk in ("department", "command_center"):
                warnings.append(
                    ValidationIssue(
                        lazy(
                            "a 派出所 (station) under {name!r} ({get}), not directly under a bureau: it still counts as a 派出所 in the station share; check its parent",
                            name=nodes[p]["name"],
                            get=KIND_NAMES.get(pk, pk),
                        ),
                        uid,
                        where.get(uid),
                    )
                )
    return errors, warnings


def _placement_errors(
    kind_of: Mapping[str, Any],
    name_of: Mapping[str, Any],
    parent: Mapping[str, str | None],
    where: Mapping[str, str],
) -> list[ValidationIssue]:
    """:func:`placement_issues`' errors, from maps of id → kind, name and parent (in the
    order of ``parent``)."""
    errors: list[ValidationIssue] = []
    enclosing = _STATION_INNER | {"community_post"}
    for uid, p in parent.items():
        kind = kind_of[uid]
        if not _kind_in(kind, _STATION_INNER):
            continue
        cur, seen = p, 0
        while (
            cur is not None
            and _has(kind_of, cur)
            and _kind_in(kind_of[cur], enclosing)
            and seen <= len(parent)
        ):
            cur, seen = parent.get(cur), seen + 1
        if cur is None or not _has(kind_of, cur):
            continue
        if kind_of[cur] != "station":
            ck = kind_of[cur]
            errors.append(
                ValidationIssue(
                    lazy(
                        "{value} {kind} ({value2}) must sit inside a 派出所 (station), but it is under {name!r} ({get}); if it is a 大队/中队/科室 of the bureau, its kind is department",
                        value="an" if kind == "office" else "a",
                        kind=kind,
                        value2=KIND_NAMES[kind],
                        name=name_of[cur],
                        get=KIND_NAMES.get(ck, ck),
                    ),
                    uid,
                    where.get(uid),
                )
            )
    return errors


def _kind_in(kind: Any, kinds: frozenset[str]) -> bool:
    return isinstance(kind, str) and kind in kinds


def _has(mapping: Mapping[str, Any], key: Any) -> bool:
    """``key in mapping``, false for a key that cannot be one (a list)."""
    try:
        return key in mapping
    except TypeError:
        return False


class _Nodes:
    """The units as the edge checks read them: id → kind, function and parent (the first
    unit of each id), and the GUIDES and DISPATCHES edges accepted so far."""

    def __init__(
        self,
        kind_of: dict[str, Any],
        function_of: dict[str, Any],
        parent: dict[str, str | None],
    ) -> None:
        self.kind_of, self.function_of, self.parent = kind_of, function_of, parent
        self.edges: set[tuple[str, str]] = set()

    def has_edge(self, a: str, b: str) -> bool:
        """An edge a → b of any type (REPORTS_TO: b is a's parent, another unit)."""
        return (a, b) in self.edges or (self.parent.get(a) == b and b != a and b in self.parent)


def _bureau_of(nodes: _Nodes, unit_id: Any) -> Any:
    """The nearest bureau at or above ``unit_id`` (``None``: none; :data:`_OFF_TREE`:
    the way up leaves the units, through a parent that does not exist)."""
    parent, kind_of = nodes.parent, nodes.kind_of
    seen = 0
    while unit_id is not None and seen <= len(parent):
        if not _has(kind_of, unit_id):
            return _OFF_TREE
        if _kind_in(kind_of[unit_id], BUREAU_KINDS):
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
        p = parent.get(p) if _has(parent, p) else None
        seen += 1
    return False


def _rows_failing(values: list[Any], ok: Callable[[Any], bool]) -> list[int]:
    """Rows whose value ``ok`` refuses (every row checked: a pass over a list)."""
    return [i for i, v in enumerate(values) if not ok(v)]


def _headcount_ok(v: Any) -> bool:
    return type(v) is int and 0 <= v <= MAX_HEADCOUNT


def _optional_headcount_ok(v: Any) -> bool:
    return v is None or (type(v) is int and 0 <= v <= MAX_HEADCOUNT)


def _category_ok(c: Any) -> bool:
    return c is None or (type(c) is str and c in CATEGORIES)


def _share_ok(v: Any) -> bool:
    return v is None or (type(v) in (int, float) and 0 <= v <= 1)


def _suspect_rows(units: list[Unit], catalogue: FunctionCatalogue) -> set[int]:
    """Rows whose unit may break a rule :func:`_check_unit` or the id checks name (a
    superset: the rest break none), found a column at a time; most files have few."""
    suspects: set[int] = set()
    get = operator.attrgetter
    ids = list(map(get("id"), units))
    if set(map(type, ids)) != {str} or "" in ids or not all(map(str.isprintable, ids)):
        suspects.update(
            i for i, v in enumerate(ids) if type(v) is not str or not v or not v.isprintable()
        )
    names = list(map(get("name"), units))
    if set(map(type, names)) != {str} or not all(map(str.isprintable, names)):
        suspects.update(i for i, v in enumerate(names) if type(v) is not str or not v.isprintable())
    if not all(map(str.strip, (v for v in names if type(v) is str))):
        suspects.update(i for i, v in enumerate(names) if type(v) is str and not v.strip())
    kinds = list(map(get("kind"), units))
    try:
        kinds_ok = set(kinds) <= _KIND_SET and set(map(type, kinds)) == {str}
    except TypeError:  # an unhashable kind
        kinds_ok = False
    if not kinds_ok:
        suspects.update(_rows_failing(kinds, lambda k: type(k) is str and k in _KIND_SET))
    for f in _INT_FIELDS:
        vals = list(map(get(f), units))
        optional = f in ("establishment", "leaders")
        types = set(map(type, vals))
        plain = [v for v in vals if v is not None] if optional and type(None) in types else vals
        if (
            types <= {int, type(None)}
            and (type(None) not in types or optional)
            and (not plain or (min(plain) >= 0 and max(plain) <= MAX_HEADCOUNT))
        ):
            continue
        suspects.update(_rows_failing(vals, _optional_headcount_ok if optional else _headcount_ok))
    fns = list(map(get("function"), units))
    for i, f in enumerate(fns):
        if f is not None and (
            type(f) is not str
            or f not in catalogue
            or type(kinds[i]) is not str
            or kinds[i] not in FUNCTION_KINDS
        ):
            suspects.add(i)
    cats = list(map(get("category"), units))
    if not set(map(type, cats)) <= {str, type(None)} or not set(cats) <= _CATEGORY_SET:
        suspects.update(_rows_failing(cats, _category_ok))
    rosters = list(map(get("duty_roster"), units))
    if not set(map(type, rosters)) <= {bool, type(None)}:
        suspects.update(_rows_failing(rosters, lambda v: v is None or type(v) is bool))
    shares = list(map(get("community_share"), units))
    if set(map(type, shares)) != {type(None)}:
        suspects.update(_rows_failing(shares, _share_ok))
    for i, k in enumerate(kinds):
        if k == "group":
            suspects.add(i)
    return suspects


_KIND_SET = frozenset(KINDS)
_CATEGORY_SET = frozenset({*CATEGORIES, None})
#: A parent chain that leaves the units (a parent that does not exist): no bureau known.
_OFF_TREE = "\x00off-tree"


def _legacy_issues(
    units: list[Unit],
    guides: Iterable[tuple[str, str]],
    dispatches: Iterable[tuple[str, str]],
    parent_bureau: ParentBureau | None,
    catalogue: FunctionCatalogue,
    where: Mapping[str, str],
    issues: Iterable[ValidationIssue],
) -> list[ValidationIssue]:
    """Every rule broken, unit by unit: the full check behind :class:`OrgValidationError`.

    The constructors check columns at once and come here only when something is wrong, so
    that the messages, units and places are those of a unit-by-unit reading of the file.
    The per-unit rules are screened a column at a time first (:func:`_suspect_rows`): only
    the units flagged are read one by one. The tree, placement and edge rules walk plain
    maps of id → kind and id → parent.
    """
    found: list[ValidationIssue] = list(issues)
    if parent_bureau is not None:
        for fn in parent_bureau.functions:
            if fn not in catalogue:
                found.append(
                    ValidationIssue(lazy("parent_bureau: unknown function code {fn!r}", fn=fn))
                )
    suspects = _suspect_rows(units, catalogue)
    ids = [u.id for u in units]
    # The first unit with an id is the one kept (a later one is a duplicate).
    first: dict[str, int] = {}
    if not suspects:  # every id is non-empty text: the map is the rows, unless one repeats
        first = dict(zip(ids, range(len(ids)), strict=True))
    if suspects or len(first) != len(ids):
        first = {}
        for i, uid in enumerate(ids):
            if isinstance(uid, str) and uid and uid not in first:
                first[uid] = i
    if len(first) != len(ids):
        suspects.update(
            i for i, uid in enumerate(ids) if isinstance(uid, str) and uid and first[uid] != i
        )
    for i in sorted(suspects):
        u = units[i]
        loc = where.get(u.id) if isinstance(u.id, str) else None
        if not isinstance(u.id, str) or not u.id:
            found.append(ValidationIssue(lazy("unit has no id"), None, loc))
            continue
        if first[u.id] != i:
            found.append(ValidationIssue(lazy("duplicate unit id"), u.id, loc))
            continue
        bad_char = _control_char(u.id)
        if bad_char:
            found.append(
                ValidationIssue(
                    lazy("the unit id holds an {bad_char}", bad_char=bad_char)
                    if bad_char.startswith("invisible")
                    else lazy("the unit id holds a {bad_char}", bad_char=bad_char),
                    u.id,
                    loc,
                    "id",
                )
            )
        found.extend(_check_unit(u, loc, catalogue))
    # In the order ids first appear (as a dict keeps them).
    order = sorted(first.values()) if len(first) != len(ids) or suspects else range(len(ids))
    parent: dict[str, str | None] = {ids[i]: units[i].parent for i in order}
    kind_of: dict[str, Any] = {ids[i]: units[i].kind for i in order}

    roots = [uid for uid, p in parent.items() if p is None]
    if not units:
        found.append(ValidationIssue(lazy("the organisation has no units")))
    elif len(roots) == 0:
        found.append(ValidationIssue(lazy("no root unit (every unit names a parent)")))
    elif len(roots) > 1:
        found.append(
            ValidationIssue(
                lazy(
                    "more than one root unit: {roots} (exactly one unit may have no parent)",
                    roots=join_list(roots if len(roots) <= 10 else [*roots[:10], "…"]),
                )
            )
        )
    children: dict[str, list[str]] = {uid: [] for uid in parent}
    for uid, p in parent.items():
        if p is None:
            continue
        if p == uid:
            found.append(ValidationIssue(lazy("unit is its own parent"), uid, where.get(uid)))
        elif not isinstance(p, str) or p not in parent:
            found.append(
                ValidationIssue(lazy("parent {p!r} does not exist", p=p), uid, where.get(uid))
            )
        else:
            children[p].append(uid)
            if kind_of[uid] == "station" and kind_of[p] == "station":
                found.append(
                    ValidationIssue(
                        lazy(
                            "a station under the station {p!r}: bundle stations under a group (片区, 中心所) instead",
                            p=p,
                        ),
                        uid,
                        where.get(uid),
                    )
                )

    # Breadth-first from the root; units not reached sit on a cycle or under a unit whose
    # parent does not exist (named above: not a cycle).
    depth: dict[str, int] = {}
    queue = deque(roots)
    for r in roots:
        depth[r] = 0
    while queue:
        uid = queue.popleft()
        for c in children[uid]:
            if c not in depth:
                depth[c] = depth[uid] + 1
                queue.append(c)
    if len(depth) < len(parent):
        on_cycle = _on_cycle(parent, depth)
        if on_cycle:
            shown = join_list(on_cycle if len(on_cycle) <= 10 else [*on_cycle[:10], "…"])
            found.append(
                ValidationIssue(
                    lazy("REPORTS_TO cycle: units {shown} never reach the root", shown=shown)
                )
            )

    name_of = {ids[i]: units[i].name for i in order}
    found.extend(_placement_errors(kind_of, name_of, parent, where))
    nodes = _Nodes(kind_of, {ids[i]: units[i].function for i in order}, parent)
    for upper, lower in guides:
        found.extend(_check_guides(nodes, upper, lower))
    for cc, target in dispatches:
        found.extend(_check_dispatch(nodes, cc, target))
    return found


def _on_cycle(parent: Mapping[str, Any], reached: Container[str]) -> list[str]:
    """The units, in ``parent``'s order, whose parent chain loops: on a REPORTS_TO cycle or
    under one. A chain that ends at a parent not in ``parent`` (or at a unit that is its own
    parent) is no cycle: that parent is reported where it is named.

    >>> _on_cycle({"r": None, "a": "b", "b": "a", "c": "a", "s": "nope", "p": "s"}, {"r"})
    ['a', 'b', 'c']
    """
    loops: dict[str, bool] = {}
    for uid in parent:
        if uid in reached or uid in loops:
            continue
        path: list[str] = []
        seen: set[str] = set()
        cur: Any = uid
        while (
            isinstance(cur, str)
            and cur in parent
            and cur not in reached
            and cur not in loops
            and cur not in seen
            and parent[cur] != cur
        ):
            path.append(cur)
            seen.add(cur)
            cur = parent[cur]
        verdict = isinstance(cur, str) and loops.get(cur, cur in seen)
        for x in path:
            loops[x] = verdict
    return [uid for uid in parent if loops.get(uid)]


def _check_unit(u: Unit, loc: str | None, catalogue: FunctionCatalogue) -> list[ValidationIssue]:
    out: list[ValidationIssue] = []

    def bad(msg: str, field: str | None = None) -> None:
        out.append(ValidationIssue(msg, u.id, loc, field))

    if not isinstance(u.name, str) or not u.name.strip():
        bad(lazy("unit has no name"), "name")
    elif bad_name := _bad_name_char(u.name):
        bad(bad_name, "name")
    if not isinstance(u.kind, str) or u.kind not in KIND_NAMES:
        bad(
            lazy("unknown kind {kind!r} (known: {join})", kind=u.kind, join=join_list(KINDS)),
            "kind",
        )
    for f in _INT_FIELDS:
        v = getattr(u, f)
        if v is None and f in ("establishment", "leaders"):
            continue
        if isinstance(v, bool) or not isinstance(v, int):
            bad(lazy("{f} must be a whole number, got {v!r}", f=field_text(f), v=v), f)
        elif v < 0:
            bad(lazy("{f} must not be negative, got {v}", f=field_text(f), v=v), f)
        elif v > MAX_HEADCOUNT:
            bad(
                lazy(
                    "{f} {v} is more than {MAX_HEADCOUNT:,}, not a headcount of one unit",
                    f=field_text(f),
                    v=v,
                    MAX_HEADCOUNT=MAX_HEADCOUNT,
                ),
                f,
            )
    if u.function is not None:
        if not isinstance(u.function, str):
            bad(
                lazy("function must be a function code, got {function!r}", function=u.function),
                "function",
            )
        elif u.function not in catalogue:
            bad(lazy("unknown function code {function!r}", function=u.function), "function")
        elif u.kind not in FUNCTION_KINDS:
            bad(
                lazy(
                    "a {kind} unit has no function (functions belong to departments)", kind=u.kind
                ),
                "function",
            )
    if u.category is not None and (not isinstance(u.category, str) or u.category not in CATEGORIES):
        bad(
            lazy(
                "unknown category {category!r} (known: {join})",
                category=u.category,
                join=join_list(sorted(CATEGORIES)),
            ),
            "category",
        )
    if u.duty_roster is not None and not isinstance(u.duty_roster, bool):
        bad(
            lazy(
                "{field} must be true or false, got {v!r}",
                field=field_text("duty_roster"),
                v=u.duty_roster,
            ),
            "duty_roster",
        )
    cs = u.community_share
    if cs is not None and (
        isinstance(cs, bool) or not isinstance(cs, int | float) or not 0 <= cs <= 1
    ):
        bad(
            lazy(
                "{field} must be a number between 0 and 1, got {cs!r}",
                field=field_text("community_share"),
                cs=cs,
            ),
            "community_share",
        )
    if u.kind in GROUP_KINDS and (u.police or u.auxiliaries or u.establishment):
        bad(
            lazy(
                "a group (片区/体系) holds no establishment and no officers of its own (police {police}, auxiliaries {auxiliaries}, establishment {establishment})",
                police=u.police,
                auxiliaries=u.auxiliaries,
                establishment=u.establishment,
            )
        )
    return out


def _check_guides(nodes: _Nodes, upper: str, lower: str) -> list[ValidationIssue]:
    label = f"GUIDES {upper!r} → {lower!r}"
    kind_of, function_of = nodes.kind_of, nodes.function_of
    missing = [x for x in (upper, lower) if not _has(kind_of, x)]
    if missing:
        return [
            ValidationIssue(lazy("{label}: unit {m!r} does not exist", label=label, m=m))
            for m in missing
        ]
    if kind_of[upper] != "department" or kind_of[lower] != "department":
        return [ValidationIssue(lazy("{label}: GUIDES links departments only", label=label))]
    fa, fb = function_of[upper], function_of[lower]
    if fa is None or fa != fb:
        return [
            ValidationIssue(
                lazy(
                    "{label}: functions differ ({function!r} vs {function2!r}); GUIDES links departments of the same function",
                    label=label,
                    function=fa,
                    function2=fb,
                )
            )
        ]
    bu, bl = _bureau_of(nodes, upper), _bureau_of(nodes, lower)
    if bu is _OFF_TREE or bl is _OFF_TREE:
        return []  # a parent that does not exist (named already): no bureau to compare
    if bu is None or bl is None or bu == bl or not _is_ancestor(nodes.parent, bu, bl):
        return [
            ValidationIssue(
                lazy(
                    "{label}: GUIDES runs from a bureau's department to a department of a bureau below it",
                    label=label,
                )
            )
        ]
    if nodes.has_edge(upper, lower):
        return [ValidationIssue(lazy("{label}: duplicate edge", label=label))]
    nodes.edges.add((upper, lower))
    return []


def _check_dispatch(nodes: _Nodes, cc: str, target: str) -> list[ValidationIssue]:
    label = f"DISPATCHES {cc!r} → {target!r}"
    missing = [x for x in (cc, target) if not _has(nodes.kind_of, x)]
    if missing:
        return [
            ValidationIssue(lazy("{label}: unit {m!r} does not exist", label=label, m=m))
            for m in missing
        ]
    if nodes.kind_of[cc] != "command_center":
        return [ValidationIssue(lazy("{label}: only a command_center dispatches", label=label))]
    if cc == target or nodes.has_edge(cc, target):
        return [ValidationIssue(lazy("{label}: self-dispatch or duplicate edge", label=label))]
    nodes.edges.add((cc, target))
    return []

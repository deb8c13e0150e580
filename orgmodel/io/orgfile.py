"""The organisation file format (``docs/format.md``), in YAML or JSON.

One document::

    orgmodel: 1
    id: mirror-county
    name: 某县公安局
    units:
      - {id: b, name: 某县公安局, kind: county, police: 5}
      - {id: s1, parent: b, name: 城关派出所, kind: station, police: 6}
    parent_bureau:  # optional: the bureau above the root, when it is not in the file
      name: 某市公安局
      functions: [command, office, criminal]
    guides:      # 条: upper department → lower department of the same function
      - {from: city-xj, to: county-xj}
    dispatches:  # 情指中心 → unit it tasks directly
      - {from: b-cc, to: s1}

Errors name the file and the unit's place in it (``units[12]``, and the line for YAML).
"""

from __future__ import annotations

import codecs
import functools
import itertools
import json
import logging
import operator
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
import numpy as np
import orjson
import yaml

from orgmodel._yaml import UniqueKeyLoader
from orgmodel.catalogue import FunctionCatalogue
from orgmodel.errors import InputError
from orgmodel.i18n import lazy
from orgmodel.io.ids import _NUMERIC_START, IdError, normalize_id
from orgmodel.io.jsonkeys import (
    check_unique_keys,
    colons,
    fast_key_count,
    key_colons,
    key_count,
    malformed_json,
    unescaped_quotes,
)
from orgmodel.io.nesting import MAX_NESTING, BracketWalk, check_nesting, too_deep
from orgmodel.model import (
    CATEGORY_CODES,
    KINDS,
    MAX_HEADCOUNT,
    UNIT_FIELDS,
    EdgeColumns,
    OrgGraph,
    OrgValidationError,
    ParentBureau,
    ValidationIssue,
    _control_char,
)

__all__ = [
    "FORMAT_VERSION",
    "YAML_C_LOADER",
    "dump_org",
    "load_org",
    "org_from_dict",
    "org_to_dict",
    "read_org",
    "write_org",
]

FORMAT_VERSION = 1
log = logging.getLogger("orgmodel.io")
#: Whether YAML is read by libyaml's C loader (PyYAML built without libyaml falls back to
#: its pure-Python loader, about ten times slower; a warning says so once).
YAML_C_LOADER: bool = hasattr(yaml, "CSafeLoader")
_YAML_LOADER: Any = UniqueKeyLoader  # libyaml's safe loader, refusing duplicate keys
_YAML_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _edge_pairs(
    raw: Any, key: str, where: str
) -> tuple[list[tuple[str, str]], list[ValidationIssue]]:
    pairs: list[tuple[str, str]] = []
    issues: list[ValidationIssue] = []
    if raw is None:
        return pairs, issues
    if not isinstance(raw, list):
        return pairs, [ValidationIssue(lazy("'{key}' must be a list", key=key), where=where)]
    if all(type(e) is dict and len(e) == 2 and "from" in e and "to" in e for e in raw):
        ends_a = _ids([e["from"] for e in raw])
        ends_b = _ids([e["to"] for e in raw])
        if not any(type(x) is not str for x in ends_a) and not any(
            type(x) is not str for x in ends_b
        ):
            return list(zip(ends_a, ends_b, strict=True)), issues
    for i, e in enumerate(raw):
        ends = None
        if isinstance(e, dict) and set(e) == {"from", "to"}:
            ends = (e["from"], e["to"])
        elif isinstance(e, list | tuple) and len(e) == 2:
            ends = (e[0], e[1])
        if ends is not None:
            try:
                a, b = normalize_id(ends[0]), normalize_id(ends[1])
            except IdError as err:
                issues.append(
                    ValidationIssue(lazy("{key}[{i}]: {err}", key=key, i=i, err=err), where=where)
                )
                continue
            pairs.append((a or "", b or ""))
        else:
            issues.append(
                ValidationIssue(
                    lazy("{key}[{i}] must be {{from: ID, to: ID}}", key=key, i=i), where=where
                )
            )
    return pairs, issues


class _Where(Mapping[str, str]):
    """Where each unit sits in the file (``units[12]``, with the line for YAML), worked out
    only for the units an error names: a national file has 650,000 of them."""

    def __init__(self, index: dict[str, int], lines: dict[int, int] | None) -> None:
        self._index = index
        self._lines = lines

    def __getitem__(self, uid: str) -> str:
        return _loc(self._index[uid], self._lines)

    def __iter__(self) -> Iterator[str]:
        return iter(self._index)

    def __len__(self) -> int:
        return len(self._index)

    def __contains__(self, uid: object) -> bool:
        return uid in self._index


def _loc(i: int, lines: dict[int, int] | None) -> str:
    if lines and i in lines:
        return lazy("units[{i}] (line {line})", i=i, line=lines[i])
    return f"units[{i}]"


class _BadId:
    """An id that :func:`normalize_id` refused, kept in its column with the reason."""

    __slots__ = ("error",)

    def __init__(self, error: IdError) -> None:
        self.error = error


def _checked_id(value: Any) -> str | _BadId | None:
    try:
        return normalize_id(value)
    except IdError as err:
        return _BadId(err)


def _ids(raw: list[Any]) -> list[Any]:
    """Normalised ids; an id refused stays in its place as a :class:`_BadId`.

    An ASCII id that no rule of :func:`normalize_id` changes (the ids of every generated
    and most exported files) is taken as it is: when every id of the list is one, a few
    whole-list passes tell (:func:`_all_plain`); else each is tested inline, as a function
    call per id would cost more than the parse."""
    if _all_plain(raw):
        return raw
    num = _NUMERIC_START
    return [
        x
        if type(x) is str and x.isascii() and x and x[0] not in num and x[0] > " " < x[-1]
        else _checked_id(x)
        for x in raw
    ]


#: Bytes that may not start or end an id taken as it is (:func:`~orgmodel.io.ids._plain`):
#: blanks and control characters; at the start, also what starts a number.
_BAD_LAST = np.zeros(256, dtype=bool)
_BAD_LAST[: ord(" ") + 1] = True
_BAD_FIRST = _BAD_LAST.copy()
_BAD_FIRST[list(b"+-0123456789.")] = True


#: ASCII control characters (the model refuses them in an id).
_CONTROL_BYTE = np.zeros(256, dtype=bool)
_CONTROL_BYTE[: ord(" ")] = True
_CONTROL_BYTE[0x7F] = True


def _all_plain(raw: list[Any], *, empty: bool = False) -> bool:
    """Whether every item is a non-empty ASCII id that :func:`normalize_id` leaves as it is
    and that holds no control character, or ``None`` (or ``""`` when ``empty``): the items
    joined with NUL, the first and last byte of each checked at once."""
    items = len(raw)
    try:
        text = "\x00".join(raw)
    except TypeError:  # None (the root's parent), or not text
        strs = [x for x in raw if x is not None]
        if len(strs) == len(raw) or set(map(type, strs)) != {str}:
            return False
        text = "\x00".join(strs)
        items = len(strs)
    if not text.isascii():
        return False
    b = np.frombuffer(f"\x00{text}\x00".encode("ascii"), dtype=np.uint8)
    sep = np.flatnonzero(b == 0)
    # Every control byte is a separator: no NUL inside an item, no other control character.
    if len(sep) != items + 1 or np.count_nonzero(_CONTROL_BYTE[b]) != len(sep):
        return False
    blank = sep[1:] - sep[:-1] == 1
    if not empty and blank.any():
        return False
    bad = _BAD_FIRST[b[sep[:-1] + 1]] | _BAD_LAST[b[sep[1:] - 1]]
    return not (bad & ~blank).any()


#: The unit fields as columns, in :class:`Unit` order after id, name, kind and parent,
#: each with its value when the field is left out.
_VALUE_FIELDS: tuple[tuple[str, Any], ...] = (
    ("function", None),
    ("category", None),
    ("establishment", None),
    ("police", 0),
    ("auxiliaries", 0),
    ("leaders", None),
    ("duty_roster", None),
    ("community_share", None),
)


def _unit_columns(
    raw_units: list[Any], lines: dict[int, int] | None
) -> tuple[dict[str, list[Any]], dict[str, int], list[ValidationIssue]]:
    """The file's units as columns (one list per :class:`Unit` field, values as given), the
    file position of each id, and the problems of the rows themselves: not a mapping, a bad
    or missing id, unknown or missing fields, a duplicate id. Rows without a usable id are
    left out of the columns.

    Each column is one comprehension over the rows; the per-row checks run only for the
    rows that fail a whole-column test, so a clean national file costs a few passes.
    """
    found: list[tuple[int, ValidationIssue]] = []
    rows: list[Any] = raw_units
    pos: list[int] | None = None  # file position of each kept row, when some are dropped
    if not all(type(r) is dict for r in rows):
        pos = [i for i, r in enumerate(rows) if isinstance(r, dict)]
        kept = set(pos)
        found += [
            (i, ValidationIssue(lazy("a unit must be a mapping"), where=_loc(i, lines)))
            for i in range(len(rows))
            if i not in kept
        ]
        rows = [rows[i] for i in pos]

    def at(k: int) -> int:
        return k if pos is None else pos[k]

    ids, parents = _ids([r.get("id") for r in rows]), _ids([r.get("parent") for r in rows])
    drop: set[int] = set()
    if any(type(x) is not str for x in ids) or any(type(x) is _BadId for x in parents):
        for k, (uid, parent) in enumerate(zip(ids, parents, strict=True)):
            bad = uid if type(uid) is _BadId else parent if type(parent) is _BadId else None
            if bad is not None:
                assert isinstance(bad, _BadId)
                found.append(
                    (
                        at(k),
                        ValidationIssue(
                            lazy("id {error}", error=bad.error),
                            where=_loc(at(k), lines),
                            field="id",
                        ),
                    )
                )
                drop.add(k)
            elif uid is None:
                found.append(
                    (
                        at(k),
                        ValidationIssue(
                            lazy("unit has no id"), where=_loc(at(k), lines), field="id"
                        ),
                    )
                )
                drop.add(k)
    names = [r.get("name") for r in rows]
    kinds = [r.get("kind") for r in rows]
    known = frozenset(UNIT_FIELDS)
    odd: list[int] = []
    if not set().union(*rows) <= known or _blank(names) or _blank(kinds):
        odd = [
            k
            for k, r in enumerate(rows)
            if not r.keys() <= known or r.get("name") in (None, "") or r.get("kind") in (None, "")
        ]
    for k in odd:
        if k in drop:
            continue
        r, uid, loc = rows[k], ids[k], _loc(at(k), lines)
        for x in sorted(set(r) - known, key=str):
            found.append(
                (at(k), ValidationIssue(lazy("unknown field {x!r}", x=x), uid, loc, field=str(x)))
            )
        for req in ("name", "kind"):
            if r.get(req) in (None, ""):
                found.append(
                    (at(k), ValidationIssue(lazy("missing {req}", req=req), uid, loc, field=req))
                )
    index: dict[str, int] = {}
    if not drop:
        index = dict(zip(ids, range(len(ids)) if pos is None else pos, strict=True))
    if drop or len(index) < len(ids):  # a duplicate id: the first one stands
        index = {}
        for k, uid in enumerate(ids):
            if k in drop:
                continue
            if uid in index:
                found.append(
                    (at(k), ValidationIssue(lazy("duplicate unit id"), uid, _loc(at(k), lines)))
                )
                drop.add(k)
            else:
                index[uid] = at(k)
    cols: dict[str, list[Any]] = {
        "id": ids,
        "name": [x if type(x) is str else str(x or "") for x in names],
        "kind": [x if type(x) is str else str(x or "") for x in kinds],
        "parent": parents,
    }
    for f, default in _VALUE_FIELDS:
        cols[f] = [r.get(f, default) for r in rows]
    if drop:
        keep = [k for k in range(len(rows)) if k not in drop]
        cols = {f: [c[k] for k in keep] for f, c in cols.items()}
    found.sort(key=lambda t: t[0])  # file order, each row's own problems in check order
    return cols, index, [i for _, i in found]


def _blank(values: list[Any]) -> bool:
    return None in values or "" in values


def _build(cols: dict[str, Any], index: dict[str, int], **kw: Any) -> OrgGraph:
    """An :class:`OrgGraph` straight from unit columns (:meth:`OrgGraph.from_columns`;
    the streaming reader passes what it checked itself); ``index`` maps each id to its row
    when the reader dropped none."""
    return OrgGraph._from_columns(
        cols["id"],
        cols["name"],
        cols["parent"],
        cols["kind"],
        **{f: cols[f] for f, _ in _VALUE_FIELDS},
        index=index,
        **kw,
    )


def org_from_dict(
    data: Any,
    source: str = "<organisation>",
    *,
    catalogue: FunctionCatalogue | None = None,
    lines: dict[int, int] | None = None,
) -> OrgGraph:
    """Build an :class:`OrgGraph` from the file format's data.

    Raises
    ------
    OrgValidationError
        Listing every problem, each naming ``units[i]`` (and the line where known).
    """
    if not isinstance(data, dict):
        raise OrgValidationError(
            [ValidationIssue(lazy("expected a mapping with 'units' at the top level"))], source
        )
    version = data.get("orgmodel", FORMAT_VERSION)
    if isinstance(version, bool):  # true is 1 to Python: it must not pass as version 1
        raise OrgValidationError(
            [
                ValidationIssue(
                    lazy(
                        "the format version 'orgmodel' must be the number {FORMAT_VERSION}, not {value} (a yes/no value)",
                        value=str(version).lower(),
                        FORMAT_VERSION=FORMAT_VERSION,
                    ),
                    field="orgmodel",
                )
            ],
            source,
        )
    if version != FORMAT_VERSION:
        raise OrgValidationError(
            [
                ValidationIssue(
                    lazy(
                        "unsupported format version {version!r} (this is {FORMAT_VERSION})",
                        version=version,
                        FORMAT_VERSION=FORMAT_VERSION,
                    )
                )
            ],
            source,
        )
    raw_units = data.get("units")
    if not isinstance(raw_units, list):
        raise OrgValidationError([ValidationIssue(lazy("'units' must be a list of units"))], source)
    cols, index, issues = _unit_columns(raw_units, lines)
    return _assemble(data, cols, index, issues, lines, source, catalogue)


def _assemble(
    data: dict[str, Any],
    cols: dict[str, Any],
    index: dict[str, int],
    issues: list[ValidationIssue],
    lines: dict[int, int] | None,
    source: str,
    catalogue: FunctionCatalogue | None,
    edges: tuple[Sequence[tuple[str, str]], Sequence[tuple[str, str]]] | None = None,
    **checked: Any,
) -> OrgGraph:
    """The organisation from the document's top level and its unit columns (and its
    GUIDES and DISPATCHES pairs, where the reader has made them; ``checked``: what the
    streaming reader checked itself, as :meth:`OrgGraph._from_columns` takes it)."""
    pb = data.get("parent_bureau")
    parent_bureau: ParentBureau | None = None
    if pb is not None:
        if (
            not isinstance(pb, dict)
            or not isinstance(pb.get("name"), str)
            or not isinstance(pb.get("functions"), list)
        ):
            issues.append(
                ValidationIssue(
                    lazy("parent_bureau must be {name: 上级公安机关名称, functions: [code, ...]}"),
                    where="parent_bureau",
                )
            )
        else:
            parent_bureau = ParentBureau(pb["name"], tuple(str(f) for f in pb["functions"]))
    guides: Sequence[tuple[str, str]]
    dispatches: Sequence[tuple[str, str]]
    if edges is None:
        guides, gi = _edge_pairs(data.get("guides"), "guides", "guides")
        dispatches, di = _edge_pairs(data.get("dispatches"), "dispatches", "dispatches")
    else:
        (guides, dispatches), gi, di = edges, [], []
    issues += gi + di
    return _build(
        cols,
        index,
        guides=guides,
        dispatches=dispatches,
        id=str(data.get("id") or ""),
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        parent_bureau=parent_bureau,
        catalogue=catalogue,
        where=_Where(index, lines),
        issues=issues,
        source=source,
        **checked,
    )


# -- JSON streamed into columns ---------------------------------------------------------
#
# A JSON organisation file is read in blocks: the units array is cut between units into
# pieces of a few MiB, each decoded by msgspec into typed records (no dict per unit) and
# appended to the columns at once, so that only the columns stay. A record type takes
# exactly what the model accepts of a well-formed unit (known fields, their types, the
# headcount range); a file it does not take — and any file the model then refuses — is read
# again by the reader above, which names every problem as it always has.

#: Bytes read at a time by the streaming JSON reader.
_BLOCK = 1 << 22
_Headcount = Annotated[int, msgspec.Meta(ge=0, le=MAX_HEADCOUNT)]
_Kind: Any = Literal.__getitem__(KINDS)
_Category: Any = Literal.__getitem__(CATEGORY_CODES)
# A field left out reads as its column's sentinel for none ("" for no parent); an explicit
# null as None. A headcount left out reads as -1 (0 in its column): the fields given are
# then counted, to find a key given twice (:meth:`_UnitColumns.add`).
_UNIT_SPEC: list[tuple[Any, ...]] = [
    ("id", str),
    ("name", str),
    ("kind", _Kind),
    ("parent", str | None, ""),
    ("function", str | None, None),
    ("category", _Category | None, None),
    ("establishment", _Headcount | None, -1),
    ("police", _Headcount, -1),
    ("auxiliaries", _Headcount, -1),
    ("leaders", _Headcount | None, -1),
    ("duty_roster", bool | None, -1),
    ("community_share", Annotated[float, msgspec.Meta(ge=0, le=1)] | None, float("nan")),
]
_UnitRecord: Any = msgspec.defstruct(
    "_UnitRecord", _UNIT_SPEC, forbid_unknown_fields=True, gc=False
)
_RECORDS = msgspec.json.Decoder(list[_UnitRecord])
#: Fields most files leave out (a generated national file has none of them): a piece is
#: first decoded as records without them, whose columns are then filled with "none" at
#: once instead of being read unit by unit; a piece with one of them is decoded whole.
_RARE = ("category", "leaders", "duty_roster", "community_share")
_CommonUnitRecord: Any = msgspec.defstruct(
    "_CommonUnitRecord",
    [f for f in _UNIT_SPEC if f[0] not in _RARE],
    forbid_unknown_fields=True,
    gc=False,
)
_RECORDS_COMMON = msgspec.json.Decoder(list[_CommonUnitRecord])
_EdgeRecord: Any = msgspec.defstruct(
    "_EdgeRecord", [("a", str), ("b", str)], rename={"a": "from", "b": "to"},
    forbid_unknown_fields=True, gc=False,
)  # fmt: skip
#: The document around the units (fields the reader does not know are skipped, as the full
#: reader skips them); edges only as {from, to} records, anything else to the full reader.
_TOP = msgspec.json.Decoder(
    msgspec.defstruct(
        "_Top",
        [
            ("orgmodel", Any, FORMAT_VERSION),
            ("id", Any, None),
            ("name", Any, None),
            ("description", Any, None),
            ("parent_bureau", Any, None),
            ("units", Any, None),
            ("guides", list[_EdgeRecord] | None, None),
            ("dispatches", list[_EdgeRecord] | None, None),
        ],
        gc=False,
    )
)
_UNITS_KEY = re.compile(rb'"units"\s*:\s*\[')
#: What stands for the streamed units array when the rest of the document is decoded: any
#: other value there means the document has a later units key (the full reader keeps that).
_UNITS_HERE = b'"\\u0000units"'
_ESCAPED = re.compile(rb'\\+"')
_SPACE = frozenset(b" \t\r\n")
_KIND_CODES = {k: i for i, k in enumerate(KINDS)}
_GET = {f: operator.attrgetter(f) for f in UNIT_FIELDS}
_CATEGORY_CODES: dict[str | None, int] = {c: i for i, c in enumerate(CATEGORY_CODES)}
_CATEGORY_CODES[None] = -1
#: Tries at finding a place to cut a block before reading on (names full of '},').
_CUT_TRIES = 16


class _NotFast(Exception):
    """The streaming reader leaves this file to the full reader."""


class _Undecodable(_NotFast):
    """A piece is not a JSON list of unit records (nothing of it was taken)."""


class _Refused(_NotFast):
    """The model refused the organisation the stream read whole: its error is the one the
    full reader would raise (no need to read the file again)."""

    def __init__(self, error: OrgValidationError) -> None:
        super().__init__(str(error))
        self.error = error


def _quotes(buf: bytearray, end: int) -> int:
    """Quotes in ``buf[:end]`` that open or close a string (not escaped)."""
    n = buf.count(b'"', 0, end)
    if buf.find(b"\\", 0, end) >= 0:
        n -= sum(1 for m in _ESCAPED.finditer(buf, 0, end) if len(m.group()) % 2 == 0)
    return n


def _cut(buf: bytearray, exact: bool) -> int:
    """The last comma between two units in ``buf`` (``'[' + units``), or -1.

    Not ``exact``: the last ``},`` — inside a string only if a name holds one, and then
    the piece before it ends in an open string, which no decoder takes (the caller cuts
    again, exactly)."""
    end, size = len(buf), len(buf)
    for _ in range(_CUT_TRIES):
        p = buf.rfind(b"}", 0, end)
        if p < 0:
            return -1
        q = p + 1
        while q < size and buf[q] in _SPACE:
            q += 1
        if q < size and buf[q] == 44 and (not exact or _quotes(buf, p) % 2 == 0):  # ','
            return q
        end = p
    return -1


def _array_end(buf: bytearray) -> int:
    """The ``]`` that closes the units array in ``buf`` (``'[' + units + ']' + rest``), or
    -1 when ``buf`` holds none yet."""
    pos = 0
    for _ in range(_CUT_TRIES):
        r = buf.find(b"]", pos)
        if r < 0 or _quotes(buf, r) % 2 == 0:
            return r
        pos = r + 1
    raise _NotFast


def _put(out: np.ndarray, rows: slice, values: list[Any], none: Any) -> None:
    """Write an optional column's values (a field left out is already the sentinel)."""
    try:
        out[rows] = values
    except TypeError:  # an explicit null
        out[rows] = [none if v is None else v for v in values]


#: The unit columns as arrays: (field, dtype).
_ARRAYS: tuple[tuple[str, Any], ...] = (
    ("parent", np.int64),
    ("kind", np.int8),
    ("function", np.int32),
    ("category", np.int8),
    ("establishment", np.int64),
    ("police", np.int64),
    ("auxiliaries", np.int64),
    ("leaders", np.int64),
    ("duty_roster", np.int8),
    ("community_share", np.float64),
)


class _UnitColumns:
    """Unit columns filled piece by piece from decoded records, ids resolved to rows.

    The arrays are allocated once for the units the document's size suggests (grown if
    it holds more) and cut to size at the end, in place: no piece is kept to be joined.
    """

    def __init__(self, size: int | None) -> None:
        self.size = size  # the document's bytes, where known
        self.ids: list[str] = []
        self.names: list[str] = []
        self.index: dict[str, int] = {}
        self.later: dict[int, str] = {}  # row → a parent id not read yet
        self.functions: dict[str | None, int] = {None: -1}
        self.arrays: dict[str, np.ndarray] = {f: np.empty(0, dtype=t) for f, t in _ARRAYS}
        #: Whether the ids and names passed the model's checks of them here (no control or
        #: invisible format character, no blank name): the model then does not check
        #: them again; else it does, and names the unit.
        self.checked = True
        #: Whether pieces are decoded without the rare fields first (until one has them).
        self.common = True

    def _room(self, rows: int, piece_bytes: int) -> None:
        cap = len(self.arrays["parent"])
        if rows <= cap:
            return
        if not cap and self.size:  # the first piece tells the bytes per unit
            want = int(self.size / (piece_bytes / rows) * 1.05) + 16
        else:
            want = int(cap * 1.5) + 16
        for a in self.arrays.values():
            a.resize(max(want, rows), refcheck=False)

    def add(self, piece: memoryview) -> None:
        recs, rare = None, not self.common
        if self.common:
            try:
                recs = _RECORDS_COMMON.decode(piece)
            except msgspec.ValidationError:  # one of the rare fields (or a bad value)
                self.common, rare = False, True
            except msgspec.DecodeError:
                raise _Undecodable from None
        if recs is None:
            try:
                recs = _RECORDS.decode(piece)
            except (msgspec.DecodeError, msgspec.ValidationError):
                raise _Undecodable from None
        if not recs:
            return
        n, base = len(recs), len(self.ids)
        ids = [r.id for r in recs]
        if not _all_plain(ids):
            ids = _ids(ids)
            if set(map(type, ids)) != {str}:
                raise _NotFast
            # Printable text holds no control or invisible format character (one pass).
            self.checked = self.checked and " ".join(ids).isprintable()
        parents = [r.parent for r in recs]
        no_parent = parents.count("")  # before the ids are normalised
        if not _all_plain(parents, empty=True):
            parents = _ids(parents)
            if _BadId in set(map(type, parents)):
                raise _NotFast
        index = self.index
        index.update(zip(ids, range(base, base + n), strict=True))
        if len(index) != base + n:
            raise _NotFast  # a duplicate id
        self.ids += ids
        names = list(map(_GET["name"], recs))
        if self.checked:
            self.checked = all(map(str.strip, names)) and " ".join(names).isprintable()
        self.names += names
        prow = list(map(index.get, parents, itertools.repeat(-2, n)))
        if -2 in prow:
            self.later.update((base + k, parents[k]) for k, v in enumerate(prow) if v == -2)
        fns = list(map(_GET["function"], recs))
        table = self.functions
        for f in set(fns).difference(table):
            table[f] = len(table) - 1
        self._room(base + n, len(piece))
        rows = slice(base, base + n)
        arr = self.arrays
        arr["parent"][rows] = prow
        arr["kind"][rows] = list(map(_KIND_CODES.__getitem__, map(_GET["kind"], recs)))
        arr["function"][rows] = list(map(table.__getitem__, fns))
        arr["police"][rows] = [r.police for r in recs]
        arr["auxiliaries"][rows] = [r.auxiliaries for r in recs]
        _put(arr["establishment"], rows, [r.establishment for r in recs], -1)
        # The keys kept, to find one given twice (at most: a field given as null, or a
        # parent as "", counts as left out; a headcount left out reads as -1, then 0).
        keys = n * 8 - no_parent
        for f in ("function", "establishment", "police", "auxiliaries"):
            column = arr[f][rows]
            left_out = column == -1
            if (k := int(np.count_nonzero(left_out))) and f in ("police", "auxiliaries"):
                column[left_out] = 0
            keys -= k
        if not rare:
            for f in ("category", "leaders", "duty_roster"):
                arr[f][rows] = -1
            arr["community_share"][rows] = np.nan
        else:
            arr["category"][rows] = list(
                map(_CATEGORY_CODES.__getitem__, map(_GET["category"], recs))
            )
            _put(arr["leaders"], rows, [r.leaders for r in recs], -1)
            _put(arr["duty_roster"], rows, [r.duty_roster for r in recs], -1)
            _put(arr["community_share"], rows, [r.community_share for r in recs], np.nan)
            keys += n * 4 - int(np.count_nonzero(np.isnan(arr["community_share"][rows])))
            for f in ("category", "leaders", "duty_roster"):
                keys -= int(np.count_nonzero(arr[f][rows] == -1))
        _unique_unit_keys(piece, keys)

    def columns(self) -> dict[str, Any]:
        """The columns as :meth:`OrgGraph.from_columns` takes them."""
        n = len(self.ids)
        if not n:
            raise _NotFast
        cols: dict[str, Any] = {}
        for f, a in self.arrays.items():
            a.resize(n, refcheck=False)
            cols[f] = a
        self.arrays = {}
        missing: dict[int, str] = {}
        for row, p in self.later.items():
            r = -1 if p is None or p == "" else self.index.get(p)
            if r is None:
                missing[row] = p
            else:
                cols["parent"][row] = r
        if missing:
            # A parent that does not exist: the parents as ids, as the full reader gives
            # them (the model names the unit and the parent, from this one reading).
            ids = self.ids
            parents: list[str | None] = [
                ids[r] if r >= 0 else None for r in cols["parent"].tolist()
            ]
            for row, p in missing.items():
                parents[row] = p
            cols["parent"] = parents
        codes = [f for f in self.functions if f is not None]
        cols["function"] = (cols["function"], codes)
        cols["id"], cols["name"] = self.ids, self.names
        return cols


def _unique_unit_keys(piece: memoryview, keys: int) -> None:
    """Raise :class:`_NotFast` when a unit of ``piece`` (a JSON list of flat units, decoded
    with ``keys`` keys kept, or fewer) gives a key twice: the full reader names it.

    Each colon of a list of flat units outside a string is a key written: as many colons as
    keys kept is a clean piece (:mod:`orgmodel.io.jsonkeys`); only when not (a colon in a
    name, a field given as null) are they counted again, exactly."""
    if colons(piece) == keys:
        return
    written = key_colons(piece)
    if written != keys and written != key_count(orjson.loads(piece)):
        raise _NotFast


def _read_json_stream(
    blocks: Iterable[bytes | memoryview],
    source: str,
    catalogue: FunctionCatalogue | None,
    size: int | None = None,
) -> OrgGraph | None:
    """An organisation from a JSON document read in blocks (``size`` bytes in all, where
    known), or ``None``: the document is left to the full reader (:func:`read_org`), which
    names what is wrong with it."""
    found = _json_stream(blocks, source, catalogue, size)
    return found if isinstance(found, OrgGraph) else None


def _json_stream(
    blocks: Iterable[bytes | memoryview],
    source: str,
    catalogue: FunctionCatalogue | None,
    size: int | None = None,
) -> OrgGraph | OrgValidationError | None:
    """:func:`_read_json_stream`, or the model's refusal of a document the stream read
    whole (the full reader's error, word for word: raise it)."""
    try:
        return _stream(iter(blocks), source, catalogue, size)
    except _Refused as refused:
        return refused.error
    except _NotFast:
        return None


def _stream(
    blocks: Iterator[bytes | memoryview],
    source: str,
    catalogue: FunctionCatalogue | None,
    size: int | None,
) -> OrgGraph:
    walk = BracketWalk()  # the nesting check of the full reader, on the whole document
    # The members before the units array: those the reader takes kept, any other checked
    # and dropped (a large one in pieces), up to where the units array opens.
    lead = _Tail(head=True)
    opened = False
    for block in blocks:
        walk.feed(block)
        piece = bytes(block)
        if not opened:
            piece = piece.lstrip(_JSON_SPACE)
            if not piece:
                continue
            if piece[:1] != b"{":
                raise _NotFast  # not a mapping
            piece, opened = piece[1:], True
        lead.feed(piece)
        if lead.units_at >= 0:
            break
        if lead.done:
            raise _NotFast  # no units
    else:
        raise _NotFast
    cols = _UnitColumns(size)
    buf = bytearray(b"[") + piece[lead.units_at + 1 :]
    del piece
    end = _array_end(buf)
    while end < 0:
        more = next(blocks, None)
        if more is None:
            raise _NotFast  # the units array never closes
        walk.feed(more)
        buf += more
        end = _array_end(buf)
        if end < 0 and (cut := _cut(buf, exact=False)) > 0:
            buf[cut] = 93  # ']'
            try:
                with memoryview(buf) as mv:
                    cols.add(mv[: cut + 1])
            except _Undecodable:
                buf[cut] = 44  # ','
                if (exact := _cut(buf, exact=True)) == cut:
                    raise
                if exact < 0:
                    continue  # no cut outside the strings yet: read on
                cut = exact
                buf[cut] = 93
                with memoryview(buf) as mv:
                    cols.add(mv[: cut + 1])
            buf = bytearray(b"[") + buf[cut + 1 :]
    tail = _Tail()
    tail.feed(bytes(buf[end + 1 :]))
    del buf[end + 1 :]
    with memoryview(buf) as mv:
        cols.add(mv)
    del buf
    for block in blocks:
        walk.feed(block)
        tail.feed(bytes(block))
    if walk.deepest > MAX_NESTING:
        raise _NotFast
    kept = tail.finish()
    try:
        before = bytes(lead.kept[1:]) + b"," if lead.kept else b""
        top: Any = _TOP.decode(b"{" + before + b'"units":' + _UNITS_HERE + kept + b"}")
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise _NotFast from None
    _unique_top_keys(
        bytes(lead.kept) + kept, lead.names + tail.names, [*lead.seen, "units", *tail.seen], top
    )
    del lead, tail, kept
    if (
        type(top.orgmodel) is bool  # true == 1: the full reader refuses it by name
        or top.orgmodel != FORMAT_VERSION
        or top.units != "\x00units"  # a second units key, spelt with escapes ("\u0075nits")
    ):
        raise _NotFast
    (guides, guide_ends), (dispatches, dispatch_ends) = (
        _pairs(top.guides, cols.index),
        _pairs(top.dispatches, cols.index),
    )
    data = {f: getattr(top, f) for f in ("id", "name", "description", "parent_bureau")}
    del top
    columns = cols.columns()
    issues: list[ValidationIssue] = []
    try:
        return _assemble(
            data, columns, cols.index, issues, None, source, catalogue, (guides, dispatches),
            checked=cols.checked, guide_ends=guide_ends, dispatch_ends=dispatch_ends,
        )  # fmt: skip
    except OrgValidationError as e:
        # Every unit and edge was read as the full reader reads it (the same values, rows
        # and places): the model's refusal is the full reader's, word for word.
        raise _Refused(e) from None


def _unique_top_keys(kept: bytes, names: list[str], seen: list[str], top: Any) -> None:
    """Raise :class:`_NotFast` when the document gives a key twice (the full reader names
    it): ``seen``, the name of every member, in order; ``kept``, the members ``names``
    kept (before the units and after them), decoded as ``top``. (A member the reader does
    not keep is checked for repeated keys as it is dropped, :func:`_check_json`.)

    The kept members' colons are counted against the keys they keep (an edge record keeps
    its two), exactly only when they differ (a colon in the description)."""
    if len(set(seen)) != len(seen):
        raise _NotFast  # a top-level key given twice
    keys = 0
    for name in names:
        value = getattr(top, name)
        edges = name in ("guides", "dispatches")
        keys += 1 + (2 * len(value or ()) if edges else key_count(value))
    if colons(kept) != keys and key_colons(b"{" + kept[1:] + b"}") != keys:
        raise _NotFast


#: Fields of the document around the units that the reader takes (any other is skipped).
_TOP_FIELDS = frozenset(
    {"orgmodel", "id", "name", "description", "parent_bureau", "guides", "dispatches"}
)
#: Structural bytes: their change of depth ('{' '[' +1, '}' ']' -1, ',' 0).
_DEPTH_STEP = np.zeros(256, dtype=np.int64)
_DEPTH_STEP[list(b"{[")] = 1
_DEPTH_STEP[list(b"}]")] = -1
_STRUCTURAL = np.zeros(256, dtype=bool)
_STRUCTURAL[list(b"{[}],")] = True
_STRUCTURAL_COLON = _STRUCTURAL.copy()
_STRUCTURAL_COLON[ord(":")] = True
_MEMBER_KEY = re.compile(rb'[ \t\r\n]*("(?:[^"\\]|\\.)*")[ \t\r\n]*:[ \t\r\n]*')
_JSON_SPACE = b" \t\r\n"


#: Bytes the tail reader scans at a time (its work arrays are a few times this size).
_SCAN = 1 << 20
#: A high surrogate's escape (``\ud83d``): a string is not cut just after one.
_HIGH_SURROGATE = re.compile(rb"\\u[dD][89abAB][0-9a-fA-F]{2}")
#: Bytes looked back over for the start of a run of backslashes (then back to the string's
#: start).
_RUN_WINDOW = 1 << 16
#: The key a mapping cut in pieces is reopened with, for the container that goes on in it:
#: one NUL, so that it meets no key of a real file (a mapping that gives it, next to the
#: cut, is left to the full reader).
_CUT_KEY = "\x00"
_CUT_KEY_JSON = b'"\\u0000"'


class _Tail:
    """The members of the document's mapping, fed in blocks: those the reader takes are
    kept (to be decoded at the end); any other is checked as JSON — whole, or a large one
    in pieces cut between the items of its array or mapping, or inside its string — and
    dropped, so that a large member the reader does not know is never held whole.

    Read after the units array (the default), or from the document's start (``head``:
    the first member follows the opening brace) until the units array opens:
    :attr:`units_at` then tells where in the last block fed.

    Where each member starts and ends is found from the brackets and commas outside
    strings, counted over each block at once; every byte is then decoded, so a document
    that is not JSON is left to the full reader, which names what is wrong."""

    def __init__(self, *, head: bool = False) -> None:
        self.kept = bytearray()  # ',"guides": […]' for each member kept
        self.names: list[str] = []  # the name of each member kept
        self.seen: list[str] = []  # the name of every member
        self.cur = bytearray()  # the member being read (since its last cut)
        #: How a cut member's next piece opens: the containers open at the cut, each
        #: mapping with a key for what follows ('{"":[{"":"' inside a string), the
        #: document's mapping first.
        self.reopen = b""
        #: Of a cut member, by depth (the member's value at 2): the containers open at the
        #: last cut ('[' or '{'), and the keys each mapping has given so far.
        self.open: list[tuple[int, set[str] | None]] = []
        self.dummy: frozenset[int] = frozenset()  # depths whose mapping got a key ("")
        self.after_comma = False  # the last cut was at a comma: an item must follow
        self.next_try = 0  # the member's size at which to try cutting it again
        #: Inside a string: where in ``cur`` the quote that opened it is (-1: the last
        #: byte of :attr:`reopen`).
        self.quote_at = 0
        self.head = head
        self.first = not head  # before the first member: only blanks
        self.done = False  # the document's closing brace was read
        self.in_string = False
        self.backslashes = 0  # at the end of what was fed
        self.depth = 1  # inside the document's mapping
        #: ``head``: where the units array opens in the block last fed (-1: not yet).
        self.units_at = -1

    def feed(self, data: bytes) -> None:
        if self.done and data.strip(_JSON_SPACE):
            raise _NotFast  # something after the document
        for i in range(0, len(data), _SCAN):
            if self.done:
                if data[i:].strip(_JSON_SPACE):
                    raise _NotFast
                return
            self._feed(data[i : i + _SCAN])
            if self.units_at >= 0:
                self.units_at += i
                return

    def _quotes(self, data: bytes, b: np.ndarray) -> np.ndarray:
        """Positions of the quotes in ``data`` (``b``: its bytes) that open or close a
        string: a quote after an odd run of backslashes is text. Works over the quotes
        and the runs of backslashes only (no array the size of the block but ``b``'s)."""
        quotes, self.backslashes = unescaped_quotes(b, self.backslashes, b"\\" in data)
        return quotes

    def _feed(self, data: bytes) -> None:
        if self.done:
            if data.strip(_JSON_SPACE):
                raise _NotFast  # something after the document
            return
        b = np.frombuffer(data, dtype=np.uint8)
        n = len(b)
        if not n:
            return
        in_string, carried = self.in_string, self.backslashes
        quotes = self._quotes(data, b)
        if in_string and not len(quotes):  # the whole block inside one string
            self.cur += data
            if len(self.cur) > max(_BLOCK, self.next_try):
                self._cut_member()
            return
        pos = np.flatnonzero(_STRUCTURAL[b])
        outside = (np.searchsorted(quotes, pos) + in_string) % 2 == 0
        pos = pos[outside]
        steps = _DEPTH_STEP[b[pos]]
        depth = self.depth + np.cumsum(steps)
        if self.head and self._units_open(data, pos, depth, steps, carried):
            return
        if len(depth):
            self.depth = int(depth[-1])
        self.in_string = bool((len(quotes) + in_string) % 2)
        closed = np.flatnonzero(depth < 1)
        stop = int(pos[closed[0]]) if len(closed) else n
        bounds = pos[(depth == 1) & (pos < stop) & (b[pos] == 44)].tolist()  # ',' between members
        start = 0
        for p in bounds:
            self.cur += data[start:p]
            self._member_done()
            start = p + 1
        if len(closed):
            if b[stop] != 125 or data[stop + 1 :].strip(_JSON_SPACE):  # '}', then blanks
                raise _NotFast
            self.cur += data[start:stop]
            self._member_done()
            self.done = True
            return
        self.cur += data[start:]
        if self.in_string:  # the quote that opened the string, in cur
            self.quote_at = len(self.cur) - (n - int(quotes[-1]))
        if len(self.cur) > max(_BLOCK, self.next_try):
            # A comma between the items of the member's value, found in this block: no
            # need to look over the member again.
            cuts = pos[(depth == 2) & (b[pos] == 44) & (pos >= start)]
            comma = len(self.cur) - (n - int(cuts[-1])) if len(cuts) else -1
            self._cut_member(comma)

    def _units_open(
        self, data: bytes, pos: np.ndarray, depth: np.ndarray, steps: np.ndarray, carried: int
    ) -> bool:
        """``head``: whether the units array opens in ``data`` (then ``data`` up to it is
        fed, and :attr:`units_at` set). ``carried``: the backslashes ending the block fed
        before."""
        opens = np.flatnonzero((depth == 2) & (steps == 1))
        if not len(opens):
            return False
        member_starts = np.flatnonzero((depth == 1) & (steps == 0))  # ',' between members
        for k in opens.tolist():
            at = int(pos[k])
            if data[at] != 91:  # '['
                continue
            j = np.searchsorted(member_starts, k) - 1
            prefix = data[int(pos[member_starts[j]]) + 1 : at] if j >= 0 else self.cur + data[:at]
            m = _MEMBER_KEY.fullmatch(prefix)
            if m is None or _member_name(m) != "units":
                continue
            self.head = False  # fed as any member, up to the units array
            self.backslashes = carried
            self._feed(data[:at])
            if self.reopen or self.in_string or self.depth != 1:  # pragma: no cover
                raise _NotFast
            self.cur = bytearray()
            self.units_at = at
            return True
        return False

    def _cut_member(self, comma: int = -1) -> None:
        """Check and drop the start of the member being read, if it is not one the reader
        takes: cut at the last comma between two items at any depth, or inside a string
        value at any depth (where no escape or UTF-8 character is split); the containers
        open there are closed for the check and reopened for the next piece."""
        cur = self.cur
        head, value_at = self.reopen, -1
        if not head:
            m = _MEMBER_KEY.match(cur)
            if m is None or m.end() >= len(cur):
                return
            if _member_name(m) in _TOP_FIELDS | {"units"}:
                return  # taken (or left to the full reader) whole
            head, value_at = b"{", 1 + m.end()
        text = head + cur
        if comma >= 0:  # a comma between the items of the member's value (depth 2)
            c = len(head) + comma
            opener = self.open[0][0] if self.reopen else text[value_at]
            stack = [123, opener]
            before = text[max(c - 64, 0) : c].rstrip(_JSON_SPACE)
            if not before and c > 64:  # many blanks: look further back
                before = text[:c].rstrip(_JSON_SPACE)
            if before[-1:] in (b"[", b"{"):
                raise _NotFast  # '[,': the piece before would read as an empty list
            self._piece(text[:c] + _closers(stack), head, 2, stack, in_string=False)
            self.cur = bytearray(text[c + 1 :])
            self.quote_at += len(head) - (c + 1)
            return
        if self.in_string:  # cut the string, if it is a value (not a key)
            q = len(head) + self.quote_at
            b, pos, steps, depth = _structure(text[:q])  # before it only
            stack = _open_at(b, pos, steps, depth, len(pos))
            prev = int(b[pos[-1]])
            if prev in (58, 91) or (prev == 44 and stack[-1] == 91):  # ':' '[' ','
                at = _string_cut(text, q + 1)
                if at > q + 1:
                    closers = b'"' + _closers(stack)
                    low = _lowest(pos, depth, len(head), at, len(self.open) + 1)
                    self._piece(text[:at] + closers, head, low, stack, in_string=True)
                    self.cur, self.quote_at = bytearray(text[at:]), -1
                    return
        else:
            b, pos, steps, depth = _structure(text)
        commas = np.flatnonzero((b[pos] == 44) & (depth >= 2))
        if len(commas):
            k = int(commas[-1])
            c = int(pos[k])
            o = int(pos[k - 1])
            if b[o] in (91, 123) and not text[o + 1 : c].strip(_JSON_SPACE):
                raise _NotFast  # '[,': the piece before would read as an empty list
            stack = _open_at(b, pos, steps, depth, k)
            low = _lowest(pos, depth, len(head), c, len(self.open) + 1)
            self._piece(text[:c] + _closers(stack), head, low, stack, in_string=False)
            self.cur = bytearray(text[c + 1 :])
            self.quote_at += len(head) - (c + 1)
            return
        self.next_try = 2 * len(cur)  # nothing to cut yet (a long key): try again later

    def _piece(
        self, piece: bytes, head: bytes, low: int, stack: list[int], *, in_string: bool
    ) -> None:
        """Check one piece of a cut member (``piece``: the text up to the cut, with the
        ``stack`` of containers open there closed; ``low``: the least depth since the last
        cut) and set up the next piece."""
        if self.after_comma:
            _after_comma(piece[len(head) :])
        if not self.reopen:
            m = _MEMBER_KEY.match(piece, 1)
            assert m is not None
            self.seen.append(_member_name(m))
        _check_json(piece)
        self._cut_keys(piece, low, stack)
        parts, dummy = [b'{"":'], set()  # the document's mapping, keyed for the member
        for d, c in enumerate(stack[1:], start=2):
            if c == 123 and (in_string or d < len(stack)):  # a mapping holding what follows
                parts.append(b"{" + _CUT_KEY_JSON + b":")
                dummy.add(d)
            else:
                parts.append(bytes([c]))
        if in_string:
            parts.append(b'"')
        self.reopen, self.dummy = b"".join(parts), frozenset(dummy)
        self.after_comma = not in_string
        self.next_try = 0

    def _cut_keys(self, piece: bytes, low: int, stack: list[int]) -> None:
        """A key given twice in a mapping cut in pieces: the keys each mapping open at the
        last cut gives in ``piece`` are checked against those it gave before
        (:class:`_NotFast` when one repeats: the full reader names it); the keys of the
        mappings open at this cut (``stack``, by depth: the same ones down to depth
        ``low``, new ones below) are kept for the next piece."""
        if not any(c == 123 for c, _ in self.open) and 123 not in stack[1:]:
            self.open = [(c, None) for c in stack[1:]]
            return
        node: Any = orjson.loads(piece)
        path = [node]
        for d, (_, keys) in enumerate(self.open, start=2):  # reopened: the first items
            node = next(iter(node.values())) if type(node) is dict else node[0]
            path.append(node)
            if keys is not None:
                given = set(node) - ({_CUT_KEY} if d in self.dummy else set())
                if not keys.isdisjoint(given):
                    raise _NotFast
                keys |= given
        keep = min(low, len(self.open) + 1)
        now = self.open[: keep - 1]
        node = path[keep - 1]
        for c in stack[keep:]:  # opened since the last cut: the last items
            node = next(reversed(node.values())) if type(node) is dict else node[-1]
            now.append((c, set(node) if c == 123 else None))
        self.open = now

    def _member_done(self) -> None:
        cur = self.cur
        if self.reopen:
            if self.after_comma:
                _after_comma(cur)
            piece = self.reopen + cur + b"}"
            _check_json(piece)
            self._cut_keys(piece, len(self.open) + 1, [123])
        elif self.first:
            if cur.strip(_JSON_SPACE):
                raise _NotFast
        else:
            m = _MEMBER_KEY.match(cur)
            if m is None:
                raise _NotFast  # an empty member, or no key
            name = _member_name(m)
            if name == "units":
                raise _NotFast  # a second units key: the last one stands (the full reader)
            self.seen.append(name)
            if name in _TOP_FIELDS:
                self.kept += b"," + cur
                self.names.append(name)
            else:
                _check_json(b"{" + cur + b"}")
        self.first = False
        self.reopen, self.open, self.dummy = b"", [], frozenset()
        self.after_comma, self.next_try = False, 0
        self.cur = bytearray()

    def finish(self) -> bytes:
        """The members kept, each after a comma; raises :class:`_NotFast` when the
        document did not close."""
        if not self.done:
            raise _NotFast
        return bytes(self.kept)


def _open_at(
    b: np.ndarray, pos: np.ndarray, steps: np.ndarray, depth: np.ndarray, k: int
) -> list[int]:
    """The containers open before the ``k``-th structural byte (``pos``, their ``steps``
    and the ``depth`` after each), outermost first: ``'{'`` or ``'['`` by depth."""
    d = int(depth[k - 1]) if k else 0
    if d > MAX_NESTING:
        raise _NotFast  # the full reader refuses the nesting
    openers = np.flatnonzero(steps[:k] == 1)
    at_depth = depth[openers]
    return [int(b[pos[openers[at_depth == level][-1]]]) for level in range(1, d + 1)]


def _structure(text: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bytes of ``text`` (which opens outside a string), the positions of its
    structural bytes outside strings (colons too), their change of depth and the depth
    after each."""
    b = np.frombuffer(text, dtype=np.uint8)
    quotes, _ = unescaped_quotes(b, 0, b"\\" in text)
    pos = np.flatnonzero(_STRUCTURAL_COLON[b])
    pos = pos[np.searchsorted(quotes, pos) % 2 == 0]
    steps = _DEPTH_STEP[b[pos]]
    return b, pos, steps, np.cumsum(steps)


def _lowest(pos: np.ndarray, depth: np.ndarray, start: int, end: int, depth_then: int) -> int:
    """The least depth after the structural bytes at ``start`` to ``end`` (``depth_then``
    when there are none): the containers open down to it went on unclosed."""
    body = (pos >= start) & (pos < end)
    return int(depth[body].min()) if body.any() else depth_then


def _closers(stack: list[int]) -> bytes:
    return bytes(93 if c == 91 else 125 for c in reversed(stack))


def _string_cut(buf: bytes | bytearray, lo: int) -> int:
    """A place in ``buf[lo:]`` (inside a string, ``lo`` where a character starts) to cut
    it in two strings that are each JSON exactly when the whole is: no escape and no
    UTF-8 character split — before a byte with no backslash in the six before it, or
    before an escape that starts a run of backslashes' pairs; -1 when none is found near
    the end."""
    p = len(buf)
    for _ in range(4 * _CUT_TRIES):
        q = buf.rfind(b"\\", lo, p)  # the last backslash of a run
        c = p - 1
        while c >= max(q + 7, lo + 1) and 0x80 <= buf[c] < 0xC0:  # a UTF-8 continuation
            c -= 1
        if c >= max(q + 7, lo + 1):
            return c
        if q < 0:
            return -1
        start = max(lo, q + 1 - _RUN_WINDOW)
        seg = bytes(buf[start : q + 1])
        run = len(seg) - len(seg.rstrip(b"\\"))
        if run == len(seg) and start > lo:  # a run longer than the window: back to lo
            other = np.flatnonzero(np.frombuffer(buf, np.uint8, q + 1 - lo, lo) != 92)
            run = q + 1 - lo - (int(other[-1]) + 1 if len(other) else 0)
        r = q + 1 - run  # escapes start at r, r + 2, …
        cut = r + (q - r) // 2 * 2
        if cut > lo and (cut > r or not _HIGH_SURROGATE.fullmatch(buf, max(r - 6, 0), r)):
            return cut
        p = r
    return -1


def _after_comma(piece: bytes | bytearray) -> None:
    """A piece of a member after a cut comma starts with an item (``[1, ]`` is not JSON,
    though ``[1]`` and ``[ ]`` are)."""
    if piece.lstrip(_JSON_SPACE)[:1] in (b"", b"]", b"}"):
        raise _NotFast


def _member_name(m: re.Match[bytes]) -> str:
    try:
        return str(msgspec.json.decode(m.group(1), type=str))
    except (msgspec.DecodeError, msgspec.ValidationError):
        raise _NotFast from None


def _check_json(piece: bytes | bytearray) -> None:
    """Raise :class:`_NotFast` unless ``piece`` is one JSON value in UTF-8."""
    try:
        msgspec.json.decode(piece, type=msgspec.Raw)
        bytes(piece).decode("utf-8")
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError):
        raise _NotFast from None
    # A key given twice in a member the reader skips is refused as the full reader does.
    # The colons bound the keys written from above, fast_key_count the keys kept from below:
    # equal, no key was repeated; only otherwise are the keys counted exactly (a Python walk).
    n = colons(piece)
    if n:
        data = orjson.loads(piece)
        fast = fast_key_count(data)
        if n != fast and (written := key_colons(piece)) != fast and written != key_count(data):
            raise _NotFast


def _pairs(
    edges: list[Any] | None, index: dict[str, int]
) -> tuple[Sequence[tuple[str, str]], np.ndarray | None]:
    """(from, to) of typed edge records, the ids normalised as :func:`_edge_pairs` does
    (as two columns: the model makes the pairs when they are read), and the rows of their
    ends (``-1``: no such unit)."""
    if edges is None:
        return [], None
    a, b = _ids([e.a for e in edges]), _ids([e.b for e in edges])
    if (set(map(type, a)) | set(map(type, b))) - {str}:
        raise _NotFast
    n = len(a)
    ends = np.empty((n, 2), dtype=np.int64)
    ends[:, 0] = list(map(index.get, a, itertools.repeat(-1, n)))
    ends[:, 1] = list(map(index.get, b, itertools.repeat(-1, n)))
    return EdgeColumns(a, b), ends


def _blocks(raw: bytes | memoryview) -> Iterator[memoryview]:
    mv = memoryview(raw)
    return (mv[i : i + _BLOCK] for i in range(0, len(mv), _BLOCK))


def org_to_dict(org: OrgGraph) -> dict[str, Any]:
    """The organisation as file-format data (units parents-first, breadth-first)."""
    out: dict[str, Any] = {"orgmodel": FORMAT_VERSION, "id": org.id, "name": org.name}
    if org.description:
        out["description"] = org.description
    if org.parent_bureau is not None:
        out["parent_bureau"] = {
            "name": org.parent_bureau.name,
            "functions": list(org.parent_bureau.functions),
        }
    out["units"] = [u.to_dict() for u in org.units()]
    out["guides"] = [{"from": a, "to": b} for a, b in org.guides]
    out["dispatches"] = [{"from": a, "to": b} for a, b in org.dispatches]
    return out


def _unit_lines(text: str) -> dict[int, int]:
    """Line numbers (1-based) of each entry of ``units`` in a YAML text; {} if unknown."""
    try:
        node = yaml.compose(text, Loader=_YAML_LOADER)
    except yaml.YAMLError:
        return {}
    if not isinstance(node, yaml.MappingNode):
        return {}
    for k, v in node.value:
        if getattr(k, "value", None) == "units" and isinstance(v, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(v.value)}
    return {}


def _parse(text: str | bytes, fmt: str, source: str) -> Any:
    """JSON (orjson; the standard library names what is wrong with a file orjson refuses,
    and reads what only it accepts, such as an integer beyond 64 bits, which the model then
    refuses by name) or YAML (libyaml's C loader where PyYAML has it)."""
    if fmt == "json":
        return _parse_json(text, source)[0]
    if isinstance(text, bytes):
        text = _utf8(text, source)
    check_nesting(text, source)
    _yaml_line_breaks(text, source)
    if not YAML_C_LOADER:
        _slow_yaml_note()
    try:
        return yaml.load(text, Loader=_YAML_LOADER)
    except yaml.YAMLError as e:
        raise InputError(lazy("{source}: malformed YAML: {e}", source=source, e=e)) from e


#: What YAML reads as a line break besides CR and LF: NEL, LS, PS.
_YAML_BREAKS = re.compile("[\x85\u2028\u2029]")


def _yaml_line_breaks(text: str, source: str) -> None:
    """Refuse a YAML text holding U+0085 (next line), U+2028 or U+2029 (line, paragraph
    separator): YAML reads each as a line break, so an id or a name holding one would be
    changed silently (``'s<U+0085>1'`` read as ``'s 1'``), or the document cut where it shows
    none.

    Raises
    ------
    InputError
        Naming the line (as an editor counts them) and the character as the model names a
        control character in an id.
    """
    m = _YAML_BREAKS.search(text)
    if m is None:
        return
    start = text.rfind("\n", 0, m.start()) + 1
    end = text.find("\n", m.start())
    line_text = text[start : end if end >= 0 else len(text)]
    raise InputError(
        lazy(
            "{source}, line {line}: {bad_char}: YAML reads it as a line break and would "
            "silently change the text around it; remove it",
            source=source,
            line=text.count("\n", 0, m.start()) + 1,
            bad_char=_control_char(line_text),
        )
    )


#: Digits enough for an integer beyond 64 bits (which orjson reads as a float): 19 digits
#: in a row, looked for as 19 zeros once every digit is made a zero (bytes.translate and a
#: substring search run at memory speed; a regex tries each position, 20× slower).
_LONG_RUN = b"0" * 19
_ZERO_DIGITS = bytes.maketrans(b"123456789", b"000000000")
_DIGIT_PIECE = 1 << 20


def _long_integers(text: str | bytes) -> bool:
    """Whether ``text`` may hold an integer that orjson reads as a float."""
    step = _DIGIT_PIECE
    for i in range(0, len(text), step):
        piece = text[i : i + step + len(_LONG_RUN) - 1]  # overlapping the next piece
        raw = piece.encode("utf-8", "surrogatepass") if isinstance(piece, str) else piece
        if _LONG_RUN in raw.translate(_ZERO_DIGITS):
            return True
    return False


def _parse_json(text: str | bytes, source: str) -> tuple[Any, bool]:
    """JSON as :func:`_parse` reads it, and whether orjson read it (else the standard
    library)."""
    check_nesting(text, source, indentation=False)
    try:
        return orjson.loads(text), True
    except orjson.JSONDecodeError:
        pass
    if isinstance(text, bytes):
        text = _utf8(text, source)
    try:
        return json.loads(text), False
    except RecursionError:  # deeper than orjson reads, its depth hidden by "]" in strings
        raise too_deep(source) from None
    except json.JSONDecodeError as e:
        raise malformed_json(source, e) from e


@functools.cache
def _slow_yaml_note() -> None:
    log.warning(
        "PyYAML has no libyaml here (yaml.CSafeLoader): YAML files are read by the "
        "pure-Python loader, about ten times slower; JSON files are read fast either way"
    )


def _utf8(raw: bytes, source: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputError(
            lazy(
                "{source}: not UTF-8 text (byte {start}); save the file as UTF-8",
                source=source,
                start=e.start,
            )
        ) from e


def read_org(
    text: str | bytes,
    fmt: str = "yaml",
    source: str = "<organisation>",
    *,
    catalogue: FunctionCatalogue | None = None,
) -> OrgGraph:
    """Parse an organisation from YAML or JSON text (``bytes``: UTF-8).

    JSON is read by orjson (the national organisation's 100 MB in well under a second);
    YAML by libyaml's C loader when PyYAML was built with it (else the pure-Python loader,
    about ten times slower: :data:`YAML_C_LOADER` says which).

    Raises
    ------
    InputError
        Malformed JSON/YAML, not UTF-8, or nested deeper than
        :data:`orgmodel.io.nesting.MAX_NESTING` (:class:`~orgmodel.io.nesting.NestingError`,
        before any parsing).
    OrgValidationError
        The organisation breaks a rule of the model.
    """
    if fmt == "json":
        try:
            raw = text.encode("utf-8") if isinstance(text, str) else text
        except UnicodeEncodeError:  # a lone surrogate: the full reader names it
            raw = None
        if raw is not None:
            found = _json_stream(_blocks(raw), source, catalogue, len(raw))
            if isinstance(found, OrgValidationError):
                raise found
            if found is not None:
                return found
    return _read_full(text, fmt, source, catalogue)


def _read_full(
    text: str | bytes, fmt: str, source: str, catalogue: FunctionCatalogue | None
) -> OrgGraph:
    """:func:`read_org` without the streaming reader: the document parsed whole."""
    if fmt == "json":
        data, by_orjson = _parse_json(text, source)
        check_unique_keys(text, data, source)
    else:
        data, by_orjson = _parse(text, fmt, source), False
    try:
        return org_from_dict(data, source, catalogue=catalogue)
    except OrgValidationError:
        if fmt == "json":
            if not by_orjson or not _long_integers(text):
                raise
            # orjson reads an integer beyond 64 bits as a float: the standard library keeps
            # it whole, so the messages are exactly those of the file as written.
            return org_from_dict(json.loads(text), source, catalogue=catalogue)
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return org_from_dict(data, source, catalogue=catalogue, lines=_unit_lines(text))


def _fmt_of(path: Path) -> str:
    suf = path.suffix.lower()
    if suf == ".json":
        return "json"
    if suf in (".yaml", ".yml"):
        return "yaml"
    raise InputError(
        lazy(
            "{path}: unknown organisation file type {suf!r} (use .yaml, .yml or .json)",
            path=path,
            suf=suf,
        )
    )


def load_org(path: str | Path, *, catalogue: FunctionCatalogue | None = None) -> OrgGraph:
    """Load an organisation file (``.yaml``/``.yml``/``.json``).

    Raises
    ------
    InputError
        The file is missing, not UTF-8, or not well-formed YAML/JSON.
    OrgValidationError
        The organisation breaks a rule of the model (every violation listed).
    """
    p = Path(path)
    fmt = _fmt_of(p)
    try:
        if fmt == "json":
            # Read in blocks into columns; a file that needs the full reader is read again.
            with p.open("rb") as f:
                blocks = iter(lambda: f.read(_BLOCK), b"")
                found = _json_stream(blocks, str(p), catalogue, os.fstat(f.fileno()).st_size)
            if isinstance(found, OrgValidationError):
                raise found  # the model refused what the stream read whole: no second read
            if found is not None:
                return found
        raw = p.read_bytes()
    except FileNotFoundError as e:
        raise InputError(lazy("{p}: no such file", p=p)) from e
    except IsADirectoryError as e:
        raise InputError(lazy("{p}: is a folder, not an organisation file", p=p)) from e
    # orjson checks the UTF-8 of what it reads; the decoder then names the bad byte. A JSON
    # file here is one the stream left: read whole (not streamed again).
    if fmt == "json":
        # a UTF-8 byte order mark (Notepad's "UTF-8 with BOM") is no JSON text: dropped, as
        # the YAML reader and an upload (utf-8-sig) drop it
        return _read_full(raw.removeprefix(codecs.BOM_UTF8), fmt, str(p), catalogue)
    return read_org(_utf8(raw, str(p)), fmt, str(p), catalogue=catalogue)


def dump_org(org: OrgGraph, fmt: str = "yaml") -> str:
    """The organisation as YAML or JSON text (UTF-8, Chinese kept as is)."""
    data = org_to_dict(org)
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1)
    return yaml.dump(
        data,
        Dumper=_YAML_DUMPER,
        allow_unicode=True,
        sort_keys=False,
        width=120,
        default_flow_style=None,
    )


def write_org(org: OrgGraph, path: str | Path) -> Path:
    """Write an organisation file; the format follows the suffix. Written whole or not at all."""
    p = Path(path)
    text = dump_org(org, _fmt_of(p))
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(p)
    return p

"""Per-unit lists of a metric report, kept as columns and built into rows when read.

A metric report lists units in several places (narrow spans, hollow establishments, mirror
units, stations, policy checks …; :data:`orgmodel.io.per_unit.PER_UNIT_LISTS`). On the
national organisation they hold some 230,000 rows, and building them as Python dicts took
most of the suite's time although a report is mostly read for its numbers, or a page at a
time. So each such list is kept as a :class:`Rows`: a read-only sequence that holds the
columns (numpy arrays gathered at the listed units) and builds the row dicts only when they
are read — one row for an index, a plain list for a slice, every row (once, then kept) for
iteration.

The report's sections are :class:`Section` dicts, and a section hands out a per-unit list
as the plain ``list`` it stands for: reading ``report["workforce"]["hollow"]`` (or any other
read through the section: ``get``, ``items``, ``dict(section)``, :func:`json.dumps`,
pickling) builds the list once and keeps it in place of its :class:`Rows`. What a caller
holds is therefore always a real list — :func:`json.dumps`, ``msgspec.json.encode``,
``rows * 2``, comparisons, ``copy`` and pickling behave as for any list, and no encoder can
see an empty list in place of a long one. The faces that show a page of a list read it
without building it (:func:`lazy`). The JSON of a report is what it was when the lists were
built eagerly.

A row is the same dict, with the same keys in the same order and the same values, whichever
way it is read.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, ItemsView, Iterator, Mapping, Sequence, ValuesView
from typing import Any, SupportsIndex, overload

import numpy as np
import yaml

__all__ = ["Rows", "Section", "lazy"]

Row = dict[str, Any]
#: Builds the rows at some places of a list (an integer array, in the order wanted).
Builder = Callable[[np.ndarray], list[Row]]


class Rows(Sequence[Row]):
    """A report's per-unit list, built from columns when read (see the module).

    Parameters
    ----------
    n : int
        Number of rows.
    build : callable
        ``build(places)`` returns the rows at ``places`` (an int64 array of row numbers,
        0-based, in the order wanted) as a list of fresh dicts.

    Examples
    --------
    >>> import numpy as np
    >>> span = np.array([3, 1, 4])
    >>> rows = Rows(3, lambda at: [{"unit": int(i), "span": s} for i, s in
    ...                            zip(at, span[at].tolist())])
    >>> len(rows), rows[1], rows[-1]["span"]
    (3, {'unit': 1, 'span': 1}, 4)
    >>> rows[:2] == [{"unit": 0, "span": 3}, {"unit": 1, "span": 1}]
    True
    >>> [r["span"] for r in rows]
    [3, 1, 4]
    """

    __slots__ = ("_build", "_n", "_rows")

    def __init__(self, n: int, build: Builder) -> None:
        self._n = int(n)
        self._build = build
        self._rows: list[Row] | None = None

    @classmethod
    def of(cls, rows: list[Row]) -> Rows:
        """Rows already built (a list of a few rows kept as one)."""
        out = cls(len(rows), lambda at: [rows[i] for i in at.tolist()])
        out._rows = rows
        return out

    @classmethod
    def chain(cls, parts: Sequence[Rows]) -> Rows:
        """One list of the rows of several, in turn."""
        if len(parts) == 1:
            return parts[0]
        ends = np.cumsum([len(p) for p in parts], dtype=np.int64)
        starts = ends - np.array([len(p) for p in parts], dtype=np.int64)

        def build(at: np.ndarray) -> list[Row]:
            part = np.searchsorted(ends, at, side="right")
            out: list[Any] = [None] * len(at)
            for k in sorted(set(part.tolist())):
                slots = np.flatnonzero(part == k)
                built = parts[k].rows_at(at[slots] - starts[k])
                for j, row in zip(slots.tolist(), built, strict=True):
                    out[j] = row
            return out

        return cls(int(ends[-1]) if len(parts) else 0, build)

    # -- building -----------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Every row, built once and kept (the list is the report's: do not change it)."""
        if self._rows is None:
            self._rows = self._build(np.arange(self._n, dtype=np.int64))
        return self._rows

    def rows_at(self, at: np.ndarray) -> list[Row]:
        """The rows at some places (0-based, in range), as a new list."""
        if self._rows is not None:
            rows = self._rows
            return [rows[i] for i in at.tolist()]
        if not len(at):
            return []
        return self._build(at)

    # -- the sequence -------------------------------------------------------------------------

    def __len__(self) -> int:
        return self._n

    @overload
    def __getitem__(self, i: SupportsIndex) -> Row: ...

    @overload
    def __getitem__(self, i: slice) -> list[Row]: ...

    def __getitem__(self, i: SupportsIndex | slice) -> Row | list[Row]:
        if isinstance(i, slice):
            return self.rows_at(np.arange(self._n, dtype=np.int64)[i])
        k = operator.index(i)
        if k < 0:
            k += self._n
        if not 0 <= k < self._n:
            raise IndexError("Rows index out of range")
        return self.rows_at(np.array([k], dtype=np.int64))[0]

    def __iter__(self) -> Iterator[Row]:
        return iter(self.rows())

    def __reversed__(self) -> Iterator[Row]:
        return reversed(self.rows())

    def __contains__(self, value: object) -> bool:
        return value in self.rows()

    def index(self, value: Any, start: int = 0, stop: int | None = None) -> int:
        return self.rows().index(value, start, self._n if stop is None else stop)

    def count(self, value: Any) -> int:
        return self.rows().count(value)

    def copy(self) -> list[Row]:
        """A plain list of the rows (as ``list.copy``)."""
        return list(self.rows())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Rows):
            return self is other or (self._n == other._n and self.rows() == other.rows())
        if isinstance(other, list):
            return self._n == len(other) and self.rows() == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __add__(self, other: object) -> list[Row]:
        if isinstance(other, Rows | list):
            return [*self.rows(), *other]
        return NotImplemented

    def __radd__(self, other: object) -> list[Row]:
        if isinstance(other, list):
            return [*other, *self.rows()]
        return NotImplemented

    def __mul__(self, n: SupportsIndex) -> list[Row]:
        return self.rows() * n

    __rmul__ = __mul__

    def _order(self, other: object, op: Callable[[Any, Any], bool]) -> bool:
        if isinstance(other, Rows):
            other = other.rows()
        if isinstance(other, list):
            return op(self.rows(), other)
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        return self._order(other, operator.lt)

    def __le__(self, other: object) -> bool:
        return self._order(other, operator.le)

    def __gt__(self, other: object) -> bool:
        return self._order(other, operator.gt)

    def __ge__(self, other: object) -> bool:
        return self._order(other, operator.ge)

    def __repr__(self) -> str:
        return repr(self.rows())

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled and copied as the plain list it stands for
        return (list, (self.rows(),))


class Section(dict[str, Any]):
    """A section of a metric report: a dict whose per-unit lists are built when first read.

    The section keeps each per-unit list as a :class:`Rows` until it is read; any read
    through the section — ``section[key]``, :meth:`get`, :meth:`values`, :meth:`items`,
    ``dict(section)``, ``{**section}``, :func:`json.dumps`, pickling, :func:`copy.copy` —
    builds the list, keeps it in place of the :class:`Rows` and hands out that plain
    ``list``. So what a caller gets is the list itself: :func:`json.dumps`,
    ``msgspec.json.encode``, ``rows * 2``, ``rows + […]``, ``rows < […]``, slicing and
    changing it all behave as they do for a list, and ``section[key] is section[key]``.

    Faces that show a page of a list (:func:`orgmodel.io.per_unit.page_lists`, the CLI's
    tables) read it with :meth:`lazy`, which builds no row. An encoder that reads a dict's
    storage directly (orjson, msgspec and pydantic-core on the section itself) meets a list
    not yet read as the :class:`Rows`, which it refuses with a TypeError — never as an empty
    list; pass it ``default=list`` (orjson) or ``enc_hook=list`` (msgspec), or
    :meth:`plain` the section first.

    Examples
    --------
    >>> import json
    >>> sec = Section({"n": 2, "rows": Rows.of([{"id": "a"}, {"id": "b"}])})
    >>> type(sec.lazy("rows")).__name__, type(sec["rows"]).__name__
    ('Rows', 'list')
    >>> sec["rows"] * 2 == [{"id": "a"}, {"id": "b"}] * 2, json.dumps(sec["rows"][:1])
    (True, '[{"id": "a"}]')
    """

    __slots__ = ()

    def _read(self, key: Any, value: Any) -> Any:
        if isinstance(value, Rows):
            value = value.rows()
            dict.__setitem__(self, key, value)
        return value

    def _read_all(self) -> None:
        for key, value in list(dict.items(self)):
            if isinstance(value, Rows):
                self._read(key, value)

    def __getitem__(self, key: Any) -> Any:
        return self._read(key, dict.__getitem__(self, key))

    def get(self, key: Any, default: Any = None) -> Any:
        return self[key] if dict.__contains__(self, key) else default

    def lazy(self, key: Any, default: Any = None) -> Any:
        """The value at ``key`` without building it: a per-unit list not read yet is its
        :class:`Rows` (index or slice it to build those rows alone)."""
        return dict.get(self, key, default)

    def values(self) -> ValuesView[Any]:  # type: ignore[override]
        self._read_all()
        return dict.values(self)

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        self._read_all()
        return dict.items(self)

    def __iter__(self) -> Iterator[str]:
        # defined here so that dict(section), {**section} and dict.update(section) read
        # through __getitem__ (CPython copies a dict subclass's storage directly otherwise)
        return dict.__iter__(self)

    def pop(self, key: Any, *default: Any) -> Any:
        if dict.__contains__(self, key):
            self[key]
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple[str, Any]:
        key, value = dict.popitem(self)
        return key, (value.rows() if isinstance(value, Rows) else value)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        if dict.__contains__(self, key):
            return self[key]
        dict.__setitem__(self, key, default)
        return default

    def copy(self) -> Section:
        """A shallow copy, a :class:`Section` too (lists not read yet stay unbuilt in both)."""
        return Section(dict.items(self))

    def __or__(self, other: Any) -> Any:
        if not isinstance(other, dict):
            return NotImplemented
        out = Section(dict.items(self))
        out.update(other)
        return out

    def __ror__(self, other: Any) -> Any:
        if not isinstance(other, dict):
            return NotImplemented
        return {**other, **self}

    def __reduce__(self) -> tuple[Any, ...]:
        return (Section, (dict(self.items()),))

    def plain(self) -> dict[str, Any]:
        """A plain dict of this section, the lists built."""
        return dict(self.items())


def lazy(section: Mapping[str, Any], key: str, default: Any = None) -> Any:
    """``section[key]`` without building a per-unit list not read yet (:meth:`Section.lazy`;
    any other mapping: its ``get``)."""
    if isinstance(section, Section):
        return section.lazy(key, default)
    return section.get(key, default)


def _represent_rows(dumper: Any, rows: Rows) -> yaml.Node:
    return dumper.represent_list(rows.rows())


def _represent_section(dumper: Any, section: Section) -> yaml.Node:
    return dumper.represent_dict(section.plain())


# yaml.safe_dump(report) writes a report as it did when its sections were dicts and its
# lists lists (PyYAML represents exact types only: a dict subclass was "cannot represent").
for _dumper in (yaml.SafeDumper, yaml.Dumper, getattr(yaml, "CSafeDumper", None)):
    if _dumper is not None:
        _dumper.add_representer(Rows, _represent_rows)
        _dumper.add_representer(Section, _represent_section)

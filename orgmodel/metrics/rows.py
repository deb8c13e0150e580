"""Per-unit lists of a metric report, kept as columns and built into rows when read.

A metric report lists units in several places (narrow spans, hollow establishments, mirror
units, stations, policy checks …; :data:`orgmodel.io.per_unit.PER_UNIT_LISTS`). On the
national organisation they hold some 230,000 rows, and building them as Python dicts took
most of the suite's time although a report is mostly read for its numbers, or a page at a
time. So each such list is a :class:`Rows`: a read-only sequence that holds the columns
(numpy arrays gathered at the listed units) and builds the row dicts only when they are
read — one row for an index, a plain list for a slice, every row (once, then kept) for
iteration. It compares equal to the list of the same rows, and :class:`Section` — the
report's section dicts — hands the lists to :func:`json.dumps` as plain lists, so the JSON of
a report is what it was when the lists were lists.

A row is the same dict, with the same keys in the same order and the same values, whichever
way it is read. Rows are read-only: change a copy (``list(rows)``), not the report.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, ItemsView, Iterator, Sequence
from typing import Any, SupportsIndex, overload

import numpy as np
import yaml

__all__ = ["Rows", "Section"]

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
            for k in np.unique(part).tolist():
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

    def __repr__(self) -> str:
        return repr(self.rows())

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled and copied as the plain list it stands for
        return (list, (self.rows(),))


class Section(dict[str, Any]):
    """A section of a metric report: a dict whose per-unit lists may be :class:`Rows`.

    Reading a key gives the :class:`Rows` itself; :meth:`items` — which :func:`json.dumps`
    and pickling use for a dict subclass — gives them as plain lists, so a report is
    serialised exactly as one holding lists.
    """

    __slots__ = ()

    def items(self) -> ItemsView[str, Any]:  # type: ignore[override]
        return {k: (v.rows() if isinstance(v, Rows) else v) for k, v in dict.items(self)}.items()

    def __reduce__(self) -> tuple[Any, ...]:
        return (Section, (dict(self.items()),))

    def plain(self) -> dict[str, Any]:
        """A plain dict of this section, the lists built."""
        return dict(self.items())


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

"""Benchmarks of orgmodel at 10k, 100k and national scale (``make bench``).

A *case* is something to time on a generated organisation — loading the file, the metric
suite, a restructuring, a store round trip. Cases live in ``benchmarks/cases/*.py``; each
module registers its cases with :func:`case`::

    from benchmarks import BenchContext, case

    @case("load", "read the JSON file into a validated OrgGraph")
    def load(ctx: BenchContext) -> Callable[[], object]:
        from orgmodel.io import load_org
        return lambda: load_org(ctx.org_path)

The decorated function *prepares* (untimed) and returns the action to time. Every case runs
at every size in a fresh subprocess, so its peak memory (``ru_maxrss``) is its own: it
includes what ``prepare`` loads, which is what a user of that operation would pay.
A case that cannot run yet (a module not built) gives ``requires``, a function returning the
reason or ``None``; it then shows as skipped instead of failing.

A case may name an *anchor*: a bare baseline case (``anchor-*``: the same work done with the
plainest tools — ``orjson.loads`` and numpy arrays, a bare networkx build, a bare LadybugDB COPY
or Arrow read). The runner runs the anchor at the same size in the same run and shows the
ratio of CPU seconds, so the comparison holds however busy the machine is. A case may name
further anchors (``also``): stricter baselines whose ratios the table shows beside the first
(the metric suite against ``anchor-numpy``, the pass over the loaded columns that its target
is judged against, and ``anchor-numpy-held``, the same pass over the columns the
organisation already holds in breadth-first order).

Sizes are (provinces, cities per province, counties per city) of :mod:`orgmodel.generate`;
the generated files are cached in ``data/bench/`` keyed by size, seed and generator version.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["CASES", "DEFAULT_SIZES", "SIZES", "BenchContext", "Case", "Size", "case"]


@dataclass(frozen=True)
class Size:
    """A generated organisation: ``provinces`` × ``cities`` × ``counties`` with a seed."""

    name: str
    provinces: int
    cities: int
    counties: int
    seed: int = 0

    @property
    def key(self) -> str:
        return f"P{self.provinces}-C{self.cities}-K{self.counties}-s{self.seed}"


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", 1, 2, 2),  # ~1k units, for smoke tests
    "10k": Size("10k", 2, 3, 7),
    "100k": Size("100k", 6, 8, 9),
    "national": Size("national", 31, 11, 8),  # ~650k units
}
DEFAULT_SIZES = ("10k", "100k", "national")


@dataclass(frozen=True)
class BenchContext:
    """What a case gets to prepare itself: the organisation file, its size, a scratch folder."""

    org_path: Path
    size: Size
    units: int
    scratch: Path


Prepare = Callable[[BenchContext], Callable[[], object]]


@dataclass(frozen=True)
class Case:
    """One registered benchmark case."""

    name: str
    description: str
    prepare: Prepare
    requires: Callable[[], str | None] | None = None
    #: Size-independent (e.g. a load test of a seed organisation): run at the first size only.
    once: bool = False
    #: Largest organisation (units) the case runs on; larger sizes show as skipped.
    max_units: int | None = None
    #: The bare baseline this case is measured against: another case, run at the same size
    #: in the same run; the table shows this case's CPU seconds over the anchor's.
    anchor: str | None = None
    #: The ratio to the anchor this case aims at (shown beside the ratio; not asserted).
    target: float | None = None
    #: Further anchors, each run at the same size too, whose ratios the table shows after
    #: the first one's (no target: a stricter comparison for the reader).
    also: tuple[str, ...] = ()

    def unavailable(self) -> str | None:
        """Why the case cannot run here, or ``None`` when it can."""
        return self.requires() if self.requires is not None else None


#: Registered cases by name, in registration order.
CASES: dict[str, Case] = {}


def case(
    name: str,
    description: str,
    *,
    requires: Callable[[], str | None] | None = None,
    once: bool = False,
    max_units: int | None = None,
    anchor: str | None = None,
    target: float | None = None,
    also: tuple[str, ...] = (),
) -> Callable[[Prepare], Prepare]:
    """Register a benchmark case (see the module docstring).

    An action may return a dict with ``bench_note`` (shown in the table's note column) and
    ``bench_report`` (text printed after the table, e.g. a latency table).

    ``anchor`` names the bare baseline case (a plain ``orjson.loads``, a bare COPY …) that the
    table divides this case's CPU seconds by, with ``target`` the ratio aimed at; ``also``
    names further anchors whose ratios are shown after it (requires ``anchor``).
    """
    if also and anchor is None:
        raise ValueError(f"benchmark case {name!r}: 'also' anchors without an anchor")

    def register(prepare: Prepare) -> Prepare:
        if name in CASES:
            raise ValueError(f"benchmark case {name!r} registered twice")
        CASES[name] = Case(
            name, description, prepare, requires, once, max_units, anchor, target, also
        )
        return prepare

    return register

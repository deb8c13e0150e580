"""Lineage maps (机构沿革对照表): which unit of a later export continues which of an earlier one.

Two yearly HR exports of the same bureau often renumber units: a merged 派出所 gets a new id, a
renamed 大队 a new code. ``orgmodel compare A B --lineage FILE`` matches units through such a
map instead of by id alone. A map is ``old id → new id``, one pair a row, in one of:

- CSV (UTF-8, optional header ``old,new`` or ``old_id,new_id`` or ``原编号,新编号``)::

      old,new
      s1,zx
      s2,zx
      xj,xz-dd

- YAML or JSON: a mapping ``{old: new}`` or ``{old: [new, ...]}`` (a split), optionally under
  a top-level ``lineage`` key.

Several old ids naming one new id is a merge; one old id naming several new ids a split. An
old unit may also continue under its own id (list it too when it does). The map only says who
continues whom: officer flows between two snapshots stay estimated (DOMAIN.md).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy
from orgmodel.seeds import parse_data

__all__ = ["check_lineage", "lineage_origins", "read_lineage"]

_HEADERS = ({"old", "new"}, {"old_id", "new_id"}, {"原编号", "新编号"}, {"from", "to"})


def read_lineage(path: str | Path) -> dict[str, list[str]]:
    """Read a lineage map file: old id → the new ids that continue it.

    Raises
    ------
    InputError
        The file is missing, not UTF-8, malformed, or a row lacks an id (row named).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except FileNotFoundError as e:
        raise InputError(lazy("{p}: lineage file not found", p=p)) from e
    except UnicodeDecodeError as e:
        raise InputError(lazy("{p}: not UTF-8 text (byte {start})", p=p, start=e.start)) from e
    if p.suffix.lower() == ".csv":
        return _from_csv(text, str(p))
    try:
        data = parse_data(text, p)  # JSON for .json (a key given twice named), else YAML
    except yaml.YAMLError as e:
        raise InputError(lazy("{p}: malformed {value}: {e}", p=p, value="YAML", e=e)) from e
    return lineage_from_data(data, str(p))


def _from_csv(text: str, source: str) -> dict[str, list[str]]:
    rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    if rows and {c.strip().lower() for c in rows[0][:2]} in _HEADERS:
        rows = rows[1:]
        first = 2
    else:
        first = 1
    out: dict[str, list[str]] = {}
    for i, r in enumerate(rows, start=first):
        if len(r) < 2 or not r[0].strip() or not r[1].strip():
            raise InputError(
                lazy(
                    "{source} row {i}: expected two ids, old,new; got {r!r}",
                    source=source,
                    i=i,
                    r=r,
                )
            )
        old, new = r[0].strip(), r[1].strip()
        targets = out.setdefault(old, [])
        if new not in targets:
            targets.append(new)
    return out


def lineage_from_data(data: Any, source: str = "<lineage>") -> dict[str, list[str]]:
    """A lineage map from plain data (``{old: new}`` or ``{old: [new, ...]}``)."""
    if isinstance(data, dict) and set(data) == {"lineage"}:
        data = data["lineage"]
    if not isinstance(data, dict):
        raise InputError(
            lazy("{source}: a lineage map is a mapping old id → new id", source=source)
        )
    out: dict[str, list[str]] = {}
    for old, new in data.items():
        news = [new] if isinstance(new, str | int) else new
        if (
            not isinstance(news, list)
            or not news
            or not all(isinstance(n, str | int) for n in news)
        ):
            raise InputError(
                lazy(
                    "{source}: {old!r}: expected a new id or a list of new ids",
                    source=source,
                    old=old,
                )
            )
        out[str(old)] = [str(n) for n in news]
    return out


def check_lineage(
    lineage: Mapping[str, Iterable[str]], before: Iterable[str], after: Iterable[str], source: str
) -> None:
    """Every old id must be a unit of the earlier organisation and every new id one of the
    later; raises :class:`InputError` listing the unknown ids."""
    a, b = set(before), set(after)
    bad_old = sorted(o for o in lineage if o not in a)
    bad_new = sorted({n for ns in lineage.values() for n in ns if n not in b})
    problems: list[str] = []
    if bad_old:
        problems.append(
            lazy("old ids not in the first organisation: {ids}", ids=join_list(bad_old[:10]))
        )
    if bad_new:
        problems.append(
            lazy("new ids not in the second organisation: {ids}", ids=join_list(bad_new[:10]))
        )
    if problems:
        raise InputError(
            lazy("{source}: {problems}", source=source, problems=join_list(problems, "; "))
        )


def lineage_origins(lineage: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Invert ``old → new ids`` into ``new id → old ids`` (the shape :func:`diff_orgs` takes).

    >>> lineage_origins({"s1": ["zx"], "s2": ["zx"], "xj": ["xj", "xz"]})
    {'zx': ['s1', 's2'], 'xj': ['xj'], 'xz': ['xj']}
    """
    out: dict[str, list[str]] = {}
    for old, news in lineage.items():
        for n in news:
            out.setdefault(n, []).append(old)
    return out

"""Per-unit lists of a metric report, kept usable at national scale.

A metric report (:func:`orgmodel.metrics.metric_report`) lists units in several places —
narrow and wide spans, hollow establishments (空壳单位), mirror units (对口小单位), bureaus,
county-level bureaus (县级公安机关), stations, policy checks. On the national organisation
(~650,000 units) they make the JSON 50 MB. So the faces show them a page at a time, with the
count of the whole list (:func:`page_lists`: the CLI's ``--json`` and the API's ``page`` and
``limit``), and write every unit's measures to a file on request (:func:`write_per_unit`:
``orgmodel metrics … --per-unit FILE.parquet|csv``).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from orgmodel.errors import InputError
from orgmodel.io._atomic import atomic_output
from orgmodel.labels import METRICS, shown_value
from orgmodel.metrics.rows import lazy

__all__ = [
    "PER_UNIT_LISTS",
    "PER_UNIT_SUFFIXES",
    "page_lists",
    "shown_columns",
    "write_per_unit",
]

#: The report's per-unit lists as (section, key): each grows with the organisation.
#: (``workforce.top_hidden_loss`` and ``layers.command_path.longest`` are top-20s already.)
PER_UNIT_LISTS: tuple[tuple[str, str], ...] = (
    ("span", "narrow"),
    ("span", "wide"),
    ("workforce", "hollow"),
    ("mirror", "by_bureau"),
    ("mirror", "units"),
    ("shares", "county_level"),
    ("shares", "stations"),
    ("policy", "results"),
)
#: The report's lists of units that are not cut into pages (top-20s), shown as the paged
#: lists are (:func:`page_lists`).
TOP_LISTS: tuple[tuple[str, str], ...] = (("workforce", "top_hidden_loss"),)
#: Per-unit figures that are expected values (期望值, :attr:`MetricLabel.expected`): sums of
#: fractions, whose floats carry noise (``4.800000000000001``).
_EXPECTED = frozenset(k for k, m in METRICS.items() if m.expected)
#: File types :func:`write_per_unit` writes.
PER_UNIT_SUFFIXES: tuple[str, ...] = (".parquet", ".csv")


def page_lists(
    report: Mapping[str, Any], limit: int | None, page: int = 1
) -> tuple[dict[str, Any], dict[str, dict[str, int]]]:
    """One page of every per-unit list of a report, and what each list holds in all.

    Parameters
    ----------
    report : mapping
        A metric report, whole or one part (sections not in it are skipped).
    limit : int or None
        Rows per page; ``None`` keeps every row (the counts are still given).
    page : int
        1-based page number; a page past the end is empty.

    Returns
    -------
    (dict, dict)
        The report with each list cut to its page (the sections it cuts are copies; the
        input is not changed), and for each list present, keyed ``"section.key"``:
        ``total`` rows, ``page``, ``limit`` (0: no limit), ``pages`` and rows ``shown``.
        In the rows (and in :data:`TOP_LISTS`) an expected value is the figure as the
        product shows it (:func:`orgmodel.labels.shown_value`: hidden loss ``4.8``, not
        ``4.800000000000001``), as the CSV and XLSX of units write it; the report's own
        figures and the Parquet file keep the exact values.

    Raises
    ------
    ValueError
        ``limit`` below 1 or ``page`` below 1.

    Examples
    --------
    >>> r = {"span": {"narrow": [1, 2, 3, 4, 5], "mean_span": 2.0}}
    >>> out, lists = page_lists(r, limit=2, page=3)
    >>> out["span"]["narrow"], lists["span.narrow"]
    ([5], {'total': 5, 'page': 3, 'limit': 2, 'pages': 3, 'shown': 1})
    """
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be at least 1, got {limit}")
    if page < 1:
        raise ValueError(f"page must be at least 1, got {page}")
    out = dict(report)
    copied: set[str] = set()
    lists: dict[str, dict[str, int]] = {}
    for section, key in PER_UNIT_LISTS:
        part = out.get(section)
        if not isinstance(part, Mapping):
            continue
        # a report's lists are built from its columns when read (orgmodel.metrics.rows): read
        # without building, a page builds its rows alone, and the page is a plain list
        rows = lazy(part, key)
        if not isinstance(rows, Sequence) or isinstance(rows, str):
            continue
        shown: list[Any]
        if limit is None:
            shown = rows if isinstance(rows, list) else list(rows)
            pages = 1
        else:
            shown = list(rows[(page - 1) * limit : page * limit])
            pages = max(1, math.ceil(len(rows) / limit))
        shown = _shown_rows(shown)
        if shown is not rows:
            if section not in copied:
                # the section's own storage, its other lists unbuilt (each is cut in turn)
                out[section] = dict(dict.items(part) if isinstance(part, dict) else part)
                copied.add(section)
            out[section][key] = shown
        lists[f"{section}.{key}"] = {
            "total": len(rows),
            "page": page if limit is not None else 1,
            "limit": limit or 0,
            "pages": pages,
            "shown": len(shown),
        }
    for section, key in TOP_LISTS:
        part = out.get(section)
        if not isinstance(part, Mapping):
            continue
        rows = lazy(part, key)
        if isinstance(rows, Sequence) and (shown := _shown_rows(rows)) is not rows:
            if section not in copied:
                out[section] = dict(dict.items(part) if isinstance(part, dict) else part)
                copied.add(section)
            out[section][key] = shown
    return out, lists


def _shown_rows(rows: Sequence[Any]) -> Any:
    """``rows`` (dicts) with each expected value as shown; ``rows`` itself when none holds one.

    >>> _shown_rows([{"id": "a", "hidden_loss": 4.800000000000001}, {"id": "b", "hidden_loss": 0}])
    [{'id': 'a', 'hidden_loss': 4.8}, {'id': 'b', 'hidden_loss': 0}]
    """
    first = rows[0] if len(rows) else None
    if not isinstance(first, Mapping) or _EXPECTED.isdisjoint(first):
        return rows
    keys = _EXPECTED.intersection(first)
    return [
        {k: shown_value(k, v) if k in keys and type(v) is float else v for k, v in r.items()}
        for r in rows
    ]


def shown_columns(columns: Mapping[str, Sequence[Any]]) -> dict[str, Sequence[Any]]:
    """The per-unit columns with each figure as the product shows it, for a file people read
    (CSV, the XLSX sheet of units): a fractional column that is a metric rounded as
    :func:`orgmodel.labels.format_value` shows that metric (``hidden_loss``, an expected
    value: one decimal, ``7.2`` where the float arithmetic left ``7.199999999999999``).
    Whole-number columns (officers, posts, spans, layers) are exact and stay as they are.

    >>> shown_columns({"police": [7, 12], "hidden_loss": [7.199999999999999, 3.7333333333333334]})
    {'police': [7, 12], 'hidden_loss': [7.2, 3.7]}
    """
    out: dict[str, Sequence[Any]] = dict(columns)
    for key, values in columns.items():
        if key in METRICS and any(type(v) is float for v in values):
            out[key] = [shown_value(key, v) if type(v) is float else v for v in values]
    return out


def write_per_unit(columns: Mapping[str, Sequence[Any]], path: str | Path) -> Path:
    """Write one row per unit to ``path``: Parquet (``.parquet``) or CSV (``.csv``, UTF-8
    with BOM so that Excel shows 汉字). Written whole or not at all.

    The CSV shows each figure as the product shows it (:func:`shown_columns`: an expected
    value such as ``hidden_loss`` with one decimal); Parquet, the file for further
    computation, keeps every value exactly as computed.

    Parameters
    ----------
    columns : mapping of str to sequence
        One column per measure, one entry per unit
        (:meth:`orgmodel.scripting.MetricReport.unit_columns`).
    path : str or Path
        The file; its suffix picks the format.

    Raises
    ------
    InputError
        The suffix is neither ``.parquet`` nor ``.csv``.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in PER_UNIT_SUFFIXES:
        raise InputError(
            f"--per-unit {p}: unknown file type {suffix or '(none)'!r}; use .parquet or .csv"
        )
    with atomic_output(p) as tmp:
        if suffix == ".parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(pa.table({k: list(v) for k, v in columns.items()}), tmp)
        else:
            shown = shown_columns(columns)
            with tmp.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f, lineterminator="\n")
                w.writerow(list(shown))
                w.writerows(zip(*shown.values(), strict=True))
    return p

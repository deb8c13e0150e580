"""What both stores share: rows of an organisation, rebuilding one, engine refusals, and
the type check of a user query's parameters.

The check of user queries themselves lives in :mod:`orgmodel.store.query_door`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml

from orgmodel._yaml import load_yaml
from orgmodel.i18n import join_list, lazy
from orgmodel.model import CATEGORY_CODES, KINDS, OrgGraph, ParentBureau
from orgmodel.restructure.plan import refuse_repeated_keys
from orgmodel.store.base import QueryError, ReadOnlyQueryError

__all__: list[str] = []

#: Columns of the Unit table, in the schema's order (the order of the bulk-import files).
UNIT_COLUMNS: tuple[str, ...] = (
    "key",
    "org_id",
    "version",
    "id",
    "seq",
    "parent",
    "name",
    "kind",
    "function",
    "category",
    "establishment",
    "police",
    "auxiliaries",
    "leaders",
    "duty_roster",
    "community_share",
)


def version_key(org_id: str, version: int) -> str:
    return f"{org_id}@{version}"


def unit_key(org_id: str, version: int, unit_id: str) -> str:
    return f"{org_id}@{version}:{unit_id}"


def now_utc() -> datetime:
    return datetime.now(UTC)


def as_utc(value: Any) -> datetime:
    """A stored timestamp as an aware UTC datetime (LadybugDB returns naive UTC)."""
    if hasattr(value, "to_native"):  # neo4j.time.DateTime
        value = value.to_native()
    if not isinstance(value, datetime):
        raise TypeError(f"not a timestamp: {value!r}")
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


#: Arrow types of the Unit table's columns (schema.ladybug.cypher), in :data:`UNIT_COLUMNS`
#: order.
_UNIT_TYPES: tuple[pa.DataType, ...] = (
    pa.string(),
    pa.string(),
    pa.int64(),
    pa.string(),
    pa.int64(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.string(),
    pa.int64(),
    pa.int64(),
    pa.int64(),
    pa.int64(),
    pa.bool_(),
    pa.float64(),
)
UNIT_SCHEMA = pa.schema(list(zip(UNIT_COLUMNS, _UNIT_TYPES, strict=True)))
EDGE_SCHEMA = pa.schema([("from", pa.string()), ("to", pa.string())])


@dataclass(frozen=True, slots=True)
class OrgRows:
    """An organisation flattened for writing, as Arrow tables: the units (columns of
    :data:`UNIT_COLUMNS`, breadth-first, ``seq`` 0, 1, …) and each edge type's
    (from key, to key) pairs. LadybugDB copies the tables in bulk; Neo4j sends them as
    UNWIND batches of rows (:meth:`unit_rows`, :meth:`pairs`)."""

    table: pa.Table
    edges: dict[str, pa.Table]
    root_key: str
    header: dict[str, Any]

    def unit_rows(self) -> list[dict[str, Any]]:
        """One dict per unit, without the fields left empty."""
        cols = [self.table.column(c).to_pylist() for c in UNIT_COLUMNS]
        return [
            {k: v for k, v in zip(UNIT_COLUMNS, r, strict=True) if v is not None}
            for r in zip(*cols, strict=True)
        ]

    def pairs(self, edge: str) -> list[tuple[str, str]]:
        """(from key, to key) of an edge type (``reports_to``, ``guides``, ``dispatches``)."""
        t = self.edges[edge]
        return list(zip(t.column(0).to_pylist(), t.column(1).to_pylist(), strict=True))


def _take(table: Sequence[str], codes: np.ndarray) -> pa.Array:
    """Codes (``-1``: none) decoded through a table of strings, as an Arrow string array."""
    return pa.array(list(table) or [""], pa.string()).take(pa.array(codes, mask=codes < 0))


def org_rows(org: OrgGraph, org_id: str, version: int) -> OrgRows:
    """The rows a save writes for ``org`` as ``org_id`` version ``version``: built from the
    organisation's columns with Arrow compute, no Python loop over units."""
    cols = org.columns
    order = pa.array(org.bfs_rows)
    prefix = f"{org_id}@{version}:"
    ids_by_row = pa.array(cols.ids, pa.string())
    ids = ids_by_row.take(order)
    keys = pc.binary_join_element_wise(prefix, ids, "")
    prow = cols.parent[org.bfs_rows]
    parent = ids_by_row.take(pa.array(prow, mask=prow < 0))
    n = len(cols)

    def opt(a: np.ndarray) -> pa.Array:
        v = a[org.bfs_rows]
        return pa.array(v, pa.int64(), mask=v < 0)

    roster = cols.duty_roster[org.bfs_rows]
    share = cols.community_share[org.bfs_rows]
    table = pa.Table.from_arrays(
        [
            keys,
            pa.array(np.full(n, org_id, dtype=object), pa.string()),
            pa.array(np.full(n, version, dtype=np.int64)),
            ids,
            pa.array(np.arange(n, dtype=np.int64)),
            parent,
            pa.array(cols.names, pa.string()).take(order),
            _take(KINDS, cols.kind[org.bfs_rows]),
            _take(cols.functions, cols.function[org.bfs_rows]),
            _take(CATEGORY_CODES, cols.category[org.bfs_rows]),
            opt(cols.establishment),
            pa.array(cols.police[org.bfs_rows], pa.int64()),
            pa.array(cols.auxiliaries[org.bfs_rows], pa.int64()),
            opt(cols.leaders),
            pa.array(roster == 1, pa.bool_(), mask=roster < 0),
            pa.array(share, pa.float64(), mask=np.isnan(share)),
        ],
        schema=UNIT_SCHEMA,
    )
    has_parent = prow >= 0
    reports = pa.Table.from_arrays(
        [
            keys.filter(pa.array(has_parent)),
            pc.binary_join_element_wise(prefix, parent.filter(pa.array(has_parent)), ""),
        ],
        schema=EDGE_SCHEMA,
    )

    def edge_table(pairs: list[tuple[str, str]]) -> pa.Table:
        return pa.Table.from_arrays(
            [
                pa.array([prefix + a for a, _ in pairs], pa.string()),
                pa.array([prefix + b for _, b in pairs], pa.string()),
            ],
            schema=EDGE_SCHEMA,
        )

    guides, dispatches = org.guides, org.dispatches
    pb = org.parent_bureau
    header = {
        "graph_id": org.id,
        "name": org.name,
        "description": org.description,
        "parent_bureau_name": pb.name if pb is not None else None,
        "parent_bureau_functions": list(pb.functions) if pb is not None else None,
        "units": n,
        "police": org.total_police(),
        "auxiliaries": org.total_auxiliaries(),
        "guides": len(guides),
        "dispatches": len(dispatches),
    }
    return OrgRows(
        table=table,
        edges={
            "reports_to": reports,
            "guides": edge_table(guides),
            "dispatches": edge_table(dispatches),
        },
        root_key=prefix + org.root,
        header=header,
    )


def unit_columns(table: pa.Table) -> tuple[dict[str, Any], bool]:
    """A stored version's unit columns (``read/units``) as :meth:`OrgGraph.from_columns`
    takes them — text as lists, numbers as arrays with the columns' sentinels for none —
    and whether the ids and names pass the model's checks of them here: text, the ids
    unique and none blank, no blank name, no control or invisible format character in
    either. The model then does not make those passes over every unit again (else it
    does, and names the unit)."""

    def col(name: str) -> pa.ChunkedArray:
        return table.column(name)

    def ints(name: str, none: int) -> np.ndarray:
        return np.asarray(col(name).fill_null(none).to_numpy(), dtype=np.int64)

    roster = col("duty_roster")
    roster_codes = pc.if_else(pc.is_null(roster), -1, pc.cast(roster, pa.int8()))
    id_arr = col("id").combine_chunks()
    ids, names = id_arr.to_pylist(), col("name").to_pylist()
    n = len(ids)
    functions = pc.drop_null(pc.unique(col("function"))).to_pylist()
    # One hash lookup for the ids and the parents: each id's first row (its own row when
    # the ids are unique) and each parent's row.
    parent = col("parent").combine_chunks().cast(id_arr.type)
    rows = pc.index_in(pa.concat_arrays([id_arr, parent]), value_set=id_arr)
    own, prow = rows.slice(0, n), rows.slice(n)
    unique = own.null_count == 0 and np.array_equal(own.to_numpy(), np.arange(n))
    checked = (
        unique
        and "" not in ids
        and col("name").null_count == 0
        # printable text holds no control or invisible format character (one pass)
        and " ".join(ids).isprintable()
        and all(map(str.strip, names))
        and " ".join(names).isprintable()
    )
    # Parents, kinds, functions and categories as codes, joined by Arrow's hash lookup; a
    # value found nowhere (a stored version that no longer validates) goes as text, so that
    # the model names it.
    coded = {
        "parent": (
            np.asarray(prow.fill_null(-1).to_numpy(), dtype=np.int64)
            if prow.null_count == parent.null_count
            else None
        ),
        "kind": _codes(col("kind"), pa.array(KINDS, pa.string())),
        "function": _codes(col("function"), pa.array(functions, pa.string())),
        "category": _codes(col("category"), pa.array(CATEGORY_CODES, pa.string())),
    }
    text = {k: col(k).to_pylist() for k, v in coded.items() if v is None}
    fn = coded["function"]
    cols = {
        "ids": ids,
        "names": names,
        "parent": text.get("parent", coded["parent"]),
        "kind": text.get("kind", coded["kind"]),
        "function": text.get("function", None if fn is None else (fn, functions)),
        "category": text.get("category", coded["category"]),
        "establishment": ints("establishment", -1),
        "police": ints("police", 0),
        "auxiliaries": ints("auxiliaries", 0),
        "leaders": ints("leaders", -1),
        "duty_roster": np.asarray(roster_codes.to_numpy(), dtype=np.int8),
        "community_share": np.asarray(
            col("community_share").cast(pa.float64()).fill_null(np.nan).to_numpy(),
            dtype=np.float64,
        ),
    }
    return cols, bool(checked)


def edge_ends(units: pa.Table, edges: pa.Table) -> np.ndarray | None:
    """Rows (in ``units``, ``read/units``) of both ends of edges given by the units' seq
    (``read/guide_rows``, ``read/dispatch_rows``), shape (edges, 2); ``None`` when a seq is
    not one of the units' (a damaged store: read the edges by id)."""
    if edges.num_rows == 0:
        return np.zeros((0, 2), dtype=np.int64)
    seq_col, a_col, b_col = units.column("seq"), edges.column("source"), edges.column("target")
    if seq_col.null_count or a_col.null_count or b_col.null_count:
        return None
    seq = np.asarray(seq_col.to_numpy(), dtype=np.int64)
    ends = np.empty((edges.num_rows, 2), dtype=np.int64)
    ends[:, 0], ends[:, 1] = a_col.to_numpy(), b_col.to_numpy()
    n = len(seq)
    if np.array_equal(seq, np.arange(n)):  # as saved: seq 0, 1, … is the row
        return ends if ends.min() >= 0 and ends.max() < n else None
    if n > 1 and not (seq[1:] > seq[:-1]).all():
        return None
    rows = np.minimum(np.searchsorted(seq, ends), n - 1)
    return rows if (seq[rows] == ends).all() else None


def _codes(values: pa.ChunkedArray, table: pa.Array) -> np.ndarray | None:
    """Each value's place in ``table`` (``-1`` for none); ``None`` if a value is not there."""
    idx = pc.index_in(values, value_set=table)
    if idx.null_count != values.null_count:
        return None
    return np.asarray(idx.fill_null(-1).to_numpy(), dtype=np.int64)


def rows_table(rows: Sequence[Mapping[str, Any]]) -> pa.Table:
    """``read/units`` rows (dicts, as a Bolt server returns them) as an Arrow table."""
    names = [c for c in UNIT_COLUMNS if c not in ("key", "org_id", "version")]
    types = dict(zip(UNIT_COLUMNS, _UNIT_TYPES, strict=True))
    return pa.table(
        {c: pa.array([r.get(c) for r in rows], types[c]) for c in names},
    )


def org_from_table(
    header: Mapping[str, Any],
    units: pa.Table,
    guides: Iterable[tuple[str, str]] | np.ndarray,
    dispatches: Iterable[tuple[str, str]] | np.ndarray,
    source: str,
) -> OrgGraph:
    """Rebuild an organisation from a stored version: its header, its units (``read/units``,
    in ``seq`` order) and its edges — (from id, to id) pairs, or the rows of their ends
    in ``units`` (:func:`edge_ends`)."""
    pb = None
    if header.get("parent_bureau_name") is not None:
        pb = ParentBureau(
            header["parent_bureau_name"], tuple(header.get("parent_bureau_functions") or ())
        )
    cols, checked = unit_columns(units)

    def split(edges: Any) -> tuple[list[tuple[str, str]], np.ndarray | None]:
        if isinstance(edges, np.ndarray):
            return pairs_at(cols["ids"], edges), edges
        return list(edges), None

    (guide_pairs, guide_ends), (dispatch_pairs, dispatch_ends) = split(guides), split(dispatches)
    return OrgGraph._from_columns(
        **cols,
        guides=guide_pairs,
        dispatches=dispatch_pairs,
        id=header.get("graph_id") or "",
        name=header.get("name") or "",
        description=header.get("description") or "",
        parent_bureau=pb,
        source=source,
        checked=checked,
        guide_ends=guide_ends,
        dispatch_ends=dispatch_ends,
    )


def pairs_at(ids: list[str], ends: np.ndarray) -> list[tuple[str, str]]:
    """(from id, to id) of edges given by the rows of their ends."""
    return list(
        zip(
            map(ids.__getitem__, ends[:, 0].tolist()),
            map(ids.__getitem__, ends[:, 1].tolist()),
            strict=True,
        )
    )


def plan_text(plan: Mapping[str, Any] | str) -> str:
    """A plan as text to store: YAML text as given, a mapping as JSON (UTF-8 kept)."""
    if isinstance(plan, str):
        return plan
    return json.dumps(plan, ensure_ascii=False, indent=1, default=str)


def plan_data(text: str) -> Any:
    """A plan's text parsed: what a client sends as ``plan_text``, and a stored plan's text
    read back.

    A plan given as data is stored as JSON (:func:`plan_text`): it is read with the JSON
    parser, some hundred times faster than a YAML parser on the same text; anything else
    (YAML as the planner wrote it, or JSON that ``json`` refuses) with orgmodel's YAML
    reader (:func:`orgmodel._yaml.load_yaml`, which reads JSON too), as every plan file is.

    Raises
    ------
    PlanError
        JSON giving a key twice in one object, in JSON's terms, as a ``.json`` plan file is
        refused (``ops[0] (transfer): key 'police' is given twice in one object: …``).
    yaml.YAMLError
        Malformed, or YAML giving a key twice in one mapping (``duplicate key 'share' at
        line 5 (first given at line 3)``): the last value would silently win, in YAML or
        JSON alike, so neither reader takes it.
    """
    if text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:  # malformed, or a YAML flow mapping: the YAML reader names it
            pass
        else:
            refuse_repeated_keys(text, data)
            return data
    return load_yaml(text)


def plan_summary(plan: Mapping[str, Any] | str) -> tuple[str, int]:
    """A plan's name and number of operations, kept with its scenario for listings.

    Text is parsed here (once, when the scenario is saved); a plan that cannot be read
    summarises as ``("", 0)``.
    """
    data: Any = plan
    if isinstance(plan, str):
        try:
            data = plan_data(plan)
        except (yaml.YAMLError, RecursionError, ValueError):
            return "", 0
    if not isinstance(data, Mapping):
        return "", 0
    ops = data.get("ops")
    return str(data.get("name") or ""), len(ops) if isinstance(ops, list) else 0


def read_only_refusal(engine_message: str) -> ReadOnlyQueryError:
    """The clear message for a write the engine refused in a read-only transaction."""
    first = engine_message.strip().splitlines()[0] if engine_message.strip() else ""
    return ReadOnlyQueryError(
        lazy(
            "refused: the store runs queries read-only, and this one would change the graph (CREATE, MERGE, SET, DELETE, REMOVE, DROP/ALTER and write procedures are not allowed); nothing was changed. Engine: {first}",
            first=first,
        )
    )


def plain(value: Any) -> Any:
    """A query result value as plain JSON-ready data (nodes and rels as property dicts)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "to_native") and not isinstance(value, Mapping):
        # neo4j.time.DateTime / Date / Time; a naive DateTime (ArcadeDB returns them) is UTC.
        with contextlib.suppress(ValueError, TypeError):
            value = value.to_native()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return as_utc(value).isoformat() if value.tzinfo is None else value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if hasattr(value, "iso_format"):  # neo4j.time types
        return value.iso_format()
    labels = getattr(value, "labels", None)
    if labels is not None and hasattr(value, "items"):  # neo4j Node (a Mapping too: before dicts)
        return {"_label": ":".join(sorted(labels)), **{k: plain(v) for k, v in value.items()}}
    rtype = getattr(value, "type", None)
    if isinstance(rtype, str) and hasattr(value, "items"):  # neo4j Relationship
        return {"_label": rtype, **{k: plain(v) for k, v in value.items()}}
    if isinstance(value, Mapping):  # a LadybugDB node or rel is a dict with _ID, _LABEL …
        out: dict[str, Any] = {}
        for k, v in value.items():
            key = str(k)
            if key.upper() in ("_ID", "_SRC", "_DST") and isinstance(v, Mapping):
                continue  # internal offsets, meaningless outside the engine
            out["_label" if key.upper() == "_LABEL" else key] = plain(v)
        return out
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    nodes = getattr(value, "nodes", None)
    if nodes is not None:  # neo4j Path
        return {"nodes": [plain(n) for n in nodes], "rels": [plain(r) for r in value]}
    return str(value)


# -- parameters of a user query -------------------------------------------------------------

_SCALARS = (bool, int, float, str, datetime, date)


def check_param_types(params: Mapping[str, Any], where: str = "") -> None:
    """Refuse parameter values a store cannot type: a clear QueryError, never a driver crash.

    Both engines get the same rules, so a query that runs on one runs on the other: text,
    numbers (integers within 64 bits), booleans, dates and datetimes, ``None``, lists of one
    type and maps with text keys, nested.

    Raises
    ------
    QueryError
        Naming the parameter (``$name``, ``$name.key``, ``$name[i]``) and what is wrong.
    """
    for k, v in params.items():
        _check_value(v, f"{where}{k}")


def _check_value(v: Any, name: str) -> None:
    if v is None or isinstance(v, _SCALARS):
        if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
            raise QueryError(
                lazy("parameter ${name}: {v} does not fit a 64-bit integer", name=name, v=v)
            )
        return
    if isinstance(v, Mapping):
        if not all(isinstance(k, str) for k in v):
            raise QueryError(lazy("parameter ${name}: map keys must be text", name=name))
        check_param_types(v, f"{name}.")
        return
    if isinstance(v, list | tuple):
        kinds = {_kind(x) for x in v if x is not None}
        if len(kinds) > 1:
            raise QueryError(
                lazy(
                    "parameter ${name}: a list must hold values of one type, got {join}",
                    name=name,
                    join=join_list(sorted(kinds)),
                )
            )
        for i, x in enumerate(v):
            _check_value(x, f"{name}[{i}]")
        return
    raise QueryError(
        lazy(
            "parameter ${name}: unsupported value of type {name2}",
            name=name,
            name2=type(v).__name__,
        )
    )


def _kind(v: Any) -> str:
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, Mapping):
        return "map"
    if isinstance(v, list | tuple):
        return "list"
    return type(v).__name__

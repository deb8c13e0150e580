"""What both stores share: rows of an organisation, rebuilding one, engine refusals, and
the type check of a user query's parameters.

The check of user queries themselves lives in :mod:`orgmodel.store.query_door`.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

import yaml

from orgmodel.model import OrgGraph, ParentBureau, Unit
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


@dataclass(frozen=True, slots=True)
class OrgRows:
    """An organisation flattened for writing: unit rows and edge key pairs."""

    units: list[tuple[Any, ...]]
    reports_to: list[tuple[str, str]]
    guides: list[tuple[str, str]]
    dispatches: list[tuple[str, str]]
    root_key: str
    header: dict[str, Any]


def org_rows(org: OrgGraph, org_id: str, version: int) -> OrgRows:
    """The rows a save writes for ``org`` as ``org_id`` version ``version``."""
    units: list[tuple[Any, ...]] = []
    reports: list[tuple[str, str]] = []
    prefix = f"{org_id}@{version}:"
    nodes = org.graph.nodes
    parents = org.parents()
    # Straight from the node attributes: building Unit records first costs a third of a save.
    for seq, uid in enumerate(org.order()):
        a = nodes[uid]
        key = prefix + uid
        parent = parents[uid]
        cs = a["community_share"]
        units.append(
            (
                key,
                org_id,
                version,
                uid,
                seq,
                parent,
                a["name"],
                a["kind"],
                a["function"],
                a["category"],
                a["establishment"],
                a["police"],
                a["auxiliaries"],
                a["leaders"],
                a["duty_roster"],
                None if cs is None else float(cs),
            )
        )
        if parent is not None:
            reports.append((key, prefix + parent))
    pb = org.parent_bureau
    header = {
        "graph_id": org.id,
        "name": org.name,
        "description": org.description,
        "parent_bureau_name": pb.name if pb is not None else None,
        "parent_bureau_functions": list(pb.functions) if pb is not None else None,
        "units": len(org),
        "police": org.total_police(),
        "auxiliaries": org.total_auxiliaries(),
        "guides": len(org.guides),
        "dispatches": len(org.dispatches),
    }
    return OrgRows(
        units=units,
        reports_to=reports,
        guides=[(prefix + a, prefix + b) for a, b in org.guides],
        dispatches=[(prefix + a, prefix + b) for a, b in org.dispatches],
        root_key=prefix + org.root,
        header=header,
    )


def org_from_rows(
    header: Mapping[str, Any],
    units: Iterable[Mapping[str, Any]],
    guides: Iterable[tuple[str, str]],
    dispatches: Iterable[tuple[str, str]],
    source: str,
) -> OrgGraph:
    """Rebuild an organisation from stored rows (units in ``seq`` order)."""

    def opt_int(v: Any) -> int | None:
        return None if v is None else int(v)

    records = [
        Unit(
            id=r["id"],
            name=r["name"],
            kind=r["kind"],
            parent=r.get("parent"),
            function=r.get("function"),
            category=r.get("category"),
            establishment=opt_int(r.get("establishment")),
            police=int(r.get("police") or 0),
            auxiliaries=int(r.get("auxiliaries") or 0),
            leaders=opt_int(r.get("leaders")),
            duty_roster=None if r.get("duty_roster") is None else bool(r["duty_roster"]),
            community_share=(
                None if r.get("community_share") is None else float(r["community_share"])
            ),
        )
        for r in units
    ]
    pb = None
    if header.get("parent_bureau_name") is not None:
        pb = ParentBureau(
            header["parent_bureau_name"], tuple(header.get("parent_bureau_functions") or ())
        )
    return OrgGraph(
        records,
        list(guides),
        list(dispatches),
        id=header.get("graph_id") or "",
        name=header.get("name") or "",
        description=header.get("description") or "",
        parent_bureau=pb,
        source=source,
    )


def plan_text(plan: Mapping[str, Any] | str) -> str:
    """A plan as text to store: YAML text as given, a mapping as JSON (UTF-8 kept)."""
    if isinstance(plan, str):
        return plan
    return json.dumps(plan, ensure_ascii=False, indent=1, default=str)


def plan_data(text: str) -> Any:
    """A stored plan's text parsed back (JSON is YAML, so one parser reads both)."""
    return yaml.safe_load(text)


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
        "refused: the store runs queries read-only, and this one would change the graph "
        "(CREATE, MERGE, SET, DELETE, REMOVE, DROP/ALTER and write procedures are not allowed); "
        f"nothing was changed. Engine: {first}"
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
            raise QueryError(f"parameter ${name}: {v} does not fit a 64-bit integer")
        return
    if isinstance(v, Mapping):
        if not all(isinstance(k, str) for k in v):
            raise QueryError(f"parameter ${name}: map keys must be text")
        check_param_types(v, f"{name}.")
        return
    if isinstance(v, list | tuple):
        kinds = {_kind(x) for x in v if x is not None}
        if len(kinds) > 1:
            raise QueryError(
                f"parameter ${name}: a list must hold values of one type, got "
                f"{', '.join(sorted(kinds))}"
            )
        for i, x in enumerate(v):
            _check_value(x, f"{name}[{i}]")
        return
    raise QueryError(f"parameter ${name}: unsupported value of type {type(v).__name__}")


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

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

import json
from pathlib import Path
from typing import Any

import yaml

from orgmodel.catalogue import FunctionCatalogue
from orgmodel.errors import InputError
from orgmodel.io.ids import IdError, normalize_id
from orgmodel.io.nesting import check_nesting
from orgmodel.model import (
    UNIT_FIELDS,
    OrgGraph,
    OrgValidationError,
    ParentBureau,
    Unit,
    ValidationIssue,
)

__all__ = [
    "FORMAT_VERSION",
    "dump_org",
    "load_org",
    "org_from_dict",
    "org_to_dict",
    "read_org",
    "write_org",
]

FORMAT_VERSION = 1
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_YAML_DUMPER: Any = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _edge_pairs(
    raw: Any, key: str, where: str
) -> tuple[list[tuple[str, str]], list[ValidationIssue]]:
    pairs: list[tuple[str, str]] = []
    issues: list[ValidationIssue] = []
    if raw is None:
        return pairs, issues
    if not isinstance(raw, list):
        return pairs, [ValidationIssue(f"'{key}' must be a list", where=where)]
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
                issues.append(ValidationIssue(f"{key}[{i}]: {err}", where=where))
                continue
            pairs.append((a or "", b or ""))
        else:
            issues.append(ValidationIssue(f"{key}[{i}] must be {{from: ID, to: ID}}", where=where))
    return pairs, issues


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
            [ValidationIssue("expected a mapping with 'units' at the top level")], source
        )
    version = data.get("orgmodel", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise OrgValidationError(
            [ValidationIssue(f"unsupported format version {version!r} (this is {FORMAT_VERSION})")],
            source,
        )
    raw_units = data.get("units")
    if not isinstance(raw_units, list):
        raise OrgValidationError([ValidationIssue("'units' must be a list of units")], source)
    issues: list[ValidationIssue] = []
    units: list[Unit] = []
    where: dict[str, str] = {}
    known = set(UNIT_FIELDS)
    for i, row in enumerate(raw_units):
        loc = f"units[{i}]" + (f" (line {lines[i]})" if lines and i in lines else "")
        if not isinstance(row, dict):
            issues.append(ValidationIssue("a unit must be a mapping", where=loc))
            continue
        extra = sorted(set(row) - known)
        try:
            uid = normalize_id(row.get("id"))
            parent = normalize_id(row.get("parent"))
        except IdError as err:
            issues.append(ValidationIssue(f"id {err}", where=loc, field="id"))
            continue
        if uid is None:
            issues.append(ValidationIssue("unit has no id", where=loc, field="id"))
            continue
        for x in extra:
            issues.append(ValidationIssue(f"unknown field {x!r}", uid, loc, field=str(x)))
        for req in ("name", "kind"):
            if row.get(req) in (None, ""):
                issues.append(ValidationIssue(f"missing {req}", uid, loc, field=req))
        if uid in where:
            issues.append(ValidationIssue("duplicate unit id", uid, loc))
            continue
        where[uid] = loc
        units.append(
            Unit(
                id=uid,
                name=str(row.get("name") or ""),
                kind=str(row.get("kind") or ""),
                parent=parent,
                function=row.get("function"),
                category=row.get("category"),
                establishment=row.get("establishment"),
                police=row.get("police", 0),
                auxiliaries=row.get("auxiliaries", 0),
                leaders=row.get("leaders"),
                duty_roster=row.get("duty_roster"),
                community_share=row.get("community_share"),
            )
        )
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
                    "parent_bureau must be {name: 上级公安机关名称, functions: [code, ...]}",
                    where="parent_bureau",
                )
            )
        else:
            parent_bureau = ParentBureau(pb["name"], tuple(str(f) for f in pb["functions"]))
    guides, gi = _edge_pairs(data.get("guides"), "guides", "guides")
    dispatches, di = _edge_pairs(data.get("dispatches"), "dispatches", "dispatches")
    issues += gi + di
    return OrgGraph(
        units,
        guides,
        dispatches,
        id=str(data.get("id") or ""),
        name=str(data.get("name") or ""),
        description=str(data.get("description") or ""),
        parent_bureau=parent_bureau,
        catalogue=catalogue,
        where=where,
        issues=issues,
        source=source,
    )


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


def read_org(
    text: str,
    fmt: str = "yaml",
    source: str = "<organisation>",
    *,
    catalogue: FunctionCatalogue | None = None,
) -> OrgGraph:
    """Parse an organisation from YAML or JSON text.

    Raises
    ------
    InputError
        Malformed JSON/YAML, or nested deeper than :data:`orgmodel.io.nesting.MAX_NESTING`
        (:class:`~orgmodel.io.nesting.NestingError`, before any parsing).
    OrgValidationError
        The organisation breaks a rule of the model.
    """
    check_nesting(text, source)
    try:
        data = json.loads(text) if fmt == "json" else yaml.load(text, Loader=_YAML_LOADER)
    except json.JSONDecodeError as e:
        raise InputError(
            f"{source}: malformed JSON at line {e.lineno}, column {e.colno}: {e.msg}"
        ) from e
    except yaml.YAMLError as e:
        raise InputError(f"{source}: malformed YAML: {e}") from e
    try:
        return org_from_dict(data, source, catalogue=catalogue)
    except OrgValidationError:
        if fmt == "json":
            raise
        return org_from_dict(data, source, catalogue=catalogue, lines=_unit_lines(text))


def _fmt_of(path: Path) -> str:
    suf = path.suffix.lower()
    if suf == ".json":
        return "json"
    if suf in (".yaml", ".yml"):
        return "yaml"
    raise InputError(f"{path}: unknown organisation file type {suf!r} (use .yaml, .yml or .json)")


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
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise InputError(f"{p}: no such file") from e
    except IsADirectoryError as e:
        raise InputError(f"{p}: is a folder, not an organisation file") from e
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: not UTF-8 text (byte {e.start}); save the file as UTF-8") from e
    return read_org(text, fmt, str(p), catalogue=catalogue)


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

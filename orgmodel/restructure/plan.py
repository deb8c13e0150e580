"""Restructuring plans (改革方案): a name, a description and an ordered list of operations.

A plan is data — a YAML file that can be reviewed, versioned, diffed and re-run
(``docs/plans.md``)::

    name: 大部门制改革
    description: 把 24 个内设机构整合为 8 个大部门
    ops:
      - {op: apply_template, template: county-dabumen}
      - {op: sink, share: 0.2, rule: proportional}

Loading checks the *shape* of every operation (known ``op``, required fields present, no
unknown fields); what an operation does to an organisation is checked when the whole plan is
run on a working copy (:func:`orgmodel.restructure.apply_plan`). Either way an error is a
:class:`PlanError` naming the operation's index, its ``op`` and the reason.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from orgmodel.errors import InputError

__all__ = ["OP_FIELDS", "Plan", "PlanError", "load_plan", "plan_from_dict"]

_SELECT = frozenset({"units", "unit", "select"})

#: Every operation: (required fields, optional fields). ``op`` itself is implied.
OP_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "merge": (frozenset({"units", "into"}), frozenset({"note"})),
    "split": (frozenset({"unit", "into"}), frozenset({"note"})),
    "move": (frozenset({"to"}), _SELECT | {"note"}),
    "close": (frozenset({"unit"}), frozenset({"to", "children_to", "retire", "note"})),
    "create": (
        frozenset({"unit"}),
        frozenset({"police", "auxiliaries", "from", "hire", "adopt", "note"}),
    ),
    "transfer": (frozenset({"from", "to"}), frozenset({"police", "auxiliaries", "note"})),
    "hire": (frozenset({"unit"}), frozenset({"police", "auxiliaries", "note"})),
    "retire": (frozenset({"unit"}), frozenset({"police", "auxiliaries", "note"})),
    "remove_layer": (frozenset(), _SELECT | {"note"}),
    "set": (frozenset({"attrs"}), _SELECT | {"note"}),
    "apply_template": (
        frozenset({"template"}),
        frozenset({"scope", "bureaus", "note"}),
    ),
    "sink": (
        frozenset(),
        frozenset(
            {
                "scope",
                "bureaus",
                "share",
                "police",
                "auxiliaries_share",
                "rule",
                "weights",
                "land",
                "keep_leaders",
                "note",
            }
        ),
    ),
    "two_teams_one_office": (
        frozenset(),
        _SELECT | {"community_share", "office", "keep", "note"},
    ),
    "mirror": (
        frozenset(),
        frozenset({"scope", "bureaus", "police", "pool", "guides", "note"}),
    ),
}
#: Operations that pick their units with ``units``/``unit``/``select`` (one of them needed).
SELECTING_OPS = frozenset({"move", "remove_layer", "set"})


class PlanError(InputError):
    """A plan cannot be loaded or applied; nothing was applied.

    ``index`` is the position of the failing operation in ``ops`` (``None`` for the plan as
    a whole), ``op`` its name and ``reason`` what is wrong.
    """

    def __init__(
        self,
        reason: str,
        *,
        index: int | None = None,
        op: str | None = None,
        source: str | None = None,
    ) -> None:
        self.reason = reason
        self.index = index
        self.op = op
        self.source = source
        where = []
        if source:
            where.append(source)
        if index is not None:
            where.append(f"ops[{index}]" + (f" ({op})" if op else ""))
        super().__init__(": ".join([*where, reason]) if where else reason)


@dataclass(frozen=True)
class Plan:
    """A restructuring plan: ``ops`` are plain mappings, each with its ``op`` name.

    ``base`` names the organisation the plan was written for (its id); it is a note for the
    reader and the default base when a plan is loaded into a store, not a restriction: a
    plan applies to any organisation whose units it names. ``base_dir`` is where relative
    template paths are resolved (the plan file's folder).
    """

    name: str
    description: str = ""
    ops: tuple[Mapping[str, Any], ...] = ()
    base: str | None = None
    source: str = "<plan>"
    base_dir: Path | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The plan as file data."""
        out: dict[str, Any] = {"name": self.name, "description": self.description}
        if self.base is not None:
            out["base"] = self.base
        out["ops"] = [dict(o) for o in self.ops]
        return out


def _check_op(i: int, raw: Any, source: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise PlanError("an operation must be a mapping with an 'op' field", index=i, source=source)
    name = raw.get("op")
    if name not in OP_FIELDS:
        known = ", ".join(OP_FIELDS)
        raise PlanError(
            f"unknown operation {name!r} (known: {known})",
            index=i,
            op=str(name) if name is not None else None,
            source=source,
        )
    required, optional = OP_FIELDS[name]
    keys = set(raw) - {"op"}
    missing = sorted(required - keys)
    if missing:
        raise PlanError(f"missing field(s) {', '.join(missing)}", index=i, op=name, source=source)
    unknown = sorted(keys - required - optional)
    if unknown:
        allowed = ", ".join(sorted(required | optional))
        raise PlanError(
            f"unknown field(s) {', '.join(unknown)} (allowed: {allowed})",
            index=i,
            op=name,
            source=source,
        )
    if name in SELECTING_OPS and not (keys & _SELECT):
        raise PlanError(
            "say which units: 'unit', 'units' or 'select'", index=i, op=name, source=source
        )
    return dict(raw)


def plan_from_dict(
    data: Any, source: str = "<plan>", *, base_dir: str | Path | None = None
) -> Plan:
    """Build a :class:`Plan` from its file data, checking the shape of every operation.

    Parameters
    ----------
    data : mapping
        ``{name, description?, ops: [{op: ..., ...}, ...]}``.
    source : str
        Where the data came from, for messages.
    base_dir : path, optional
        Folder for relative template paths.

    Raises
    ------
    PlanError
        Naming the operation's index, ``op`` and the reason.

    Examples
    --------
    >>> p = plan_from_dict({"name": "t", "ops": [{"op": "move", "unit": "a", "to": "b"}]})
    >>> p.ops[0]["op"], len(p.ops)
    ('move', 1)
    """
    if not isinstance(data, dict):
        raise PlanError("a plan must be a mapping with 'name' and 'ops'", source=source)
    unknown = sorted(set(data) - {"name", "description", "base", "ops", "orgmodel"})
    if unknown:
        raise PlanError(f"unknown top-level field(s) {', '.join(unknown)}", source=source)
    ops = data.get("ops")
    if not isinstance(ops, list):
        raise PlanError("'ops' must be a list of operations", source=source)
    base = data.get("base")
    if base is not None and (not isinstance(base, str) or not base):
        raise PlanError("'base' must be the id of an organisation", source=source)
    checked = tuple(_check_op(i, o, source) for i, o in enumerate(ops))
    return Plan(
        name=str(data.get("name") or Path(source).stem),
        description=str(data.get("description") or ""),
        ops=checked,
        base=base,
        source=source,
        base_dir=Path(base_dir) if base_dir is not None else None,
    )


def load_plan(path: str | Path) -> Plan:
    """Load a plan file (YAML or JSON).

    Raises
    ------
    PlanError
        The file is missing, not UTF-8, malformed, or an operation is malformed.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError as e:
        raise PlanError("no such plan file", source=str(p)) from e
    except IsADirectoryError as e:
        raise PlanError("is a folder, not a plan file", source=str(p)) from e
    except UnicodeDecodeError as e:
        raise PlanError(f"not UTF-8 text (byte {e.start})", source=str(p)) from e
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise PlanError(f"malformed YAML: {e}", source=str(p)) from e
    return plan_from_dict(data, str(p), base_dir=p.parent)

"""How the kind of a unit is read from an HR spreadsheet's 类型 cell (``seeds/kind_rules.yaml``).

Most 类型 values name one kind (派出所 → ``station``, 大队 → ``department``). The 科所队 habit
does not: a bare 队 is a 大队 (a department) under a bureau but a team inside a 派出所; 所 is
a 派出所 unless the unit is a 看守所 or 拘留所 (监管 departments); 室 is a 派出所's
综合指挥室 inside a station and a 科室 under a bureau. Those are resolved from the unit's name
and its parent's kind by rules kept as data; where no rule decides, the caller refuses the row
and shows the choices.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy, located
from orgmodel.model import KIND_NAMES
from orgmodel.seeds import read_data_yaml, seed_path

__all__ = ["BareRule", "KindRules", "load_kind_rules", "norm_label"]


def norm_label(text: str) -> str:
    """A label as compared: full width → half width, lower case, no spaces, ``_`` or ``-``."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


@dataclass(frozen=True, slots=True)
class BareRule:
    """One rule for a bare 类型: when it applies and the kind (and function) it gives."""

    kind: str
    name: tuple[str, ...] = ()
    parent: tuple[str, ...] = ()
    function: str | None = None

    def applies(self, unit_name: str, parent_kind: str | None) -> bool:
        """The unit's name holds one of ``name`` and its parent's kind is in ``parent``."""
        if self.name and not any(n in unit_name for n in self.name):
            return False
        return not self.parent or parent_kind in self.parent


@dataclass(frozen=True)
class KindRules:
    """Kind names and the rules for bare 类型 values.

    Examples
    --------
    >>> rules = load_kind_rules()
    >>> rules.name_kind("派出所"), rules.name_kind("队"), rules.is_bare("队")
    ('station', None, True)
    >>> rules.infer("队", "刑事侦查大队", "county")
    ('department', None)
    >>> rules.infer("所", "临河县看守所", "county")
    ('department', 'detention')
    >>> rules.infer("室", "综合指挥室", "station")
    ('office', None)
    >>> rules.infer("所", "交警所", "department") is None
    True
    """

    names: dict[str, str]
    bare: dict[str, tuple[tuple[BareRule, ...], tuple[str, ...]]]
    given: dict[str, str] = field(default_factory=dict)
    source: str = ""

    def name_kind(self, text: str) -> str | None:
        """The kind a 类型 cell always means (code or name), ``None`` if unknown or bare."""
        return self.names.get(norm_label(text))

    def is_bare(self, text: str) -> bool:
        """Whether a 类型 cell needs the unit's name and position to tell its kind."""
        return norm_label(text) in self.bare

    def choices(self, text: str) -> tuple[str, ...]:
        """The kinds a bare 类型 can be."""
        return self.bare[norm_label(text)][1]

    def infer(
        self, text: str, unit_name: str, parent_kind: str | None
    ) -> tuple[str, str | None] | None:
        """(kind, function or None) of a bare 类型 by the first rule that applies, else None."""
        rules, _ = self.bare[norm_label(text)]
        for r in rules:
            if r.applies(unit_name, parent_kind):
                return r.kind, r.function
        return None

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Every name of each kind, as given in the file."""
        out: dict[str, list[str]] = {k: [] for k in KIND_NAMES}
        for label, kind in self.given.items():
            out[kind].append(label)
        return {k: tuple(v) for k, v in out.items()}


def _strings(v: Any, where: str) -> tuple[str, ...]:
    if v is None:
        return ()
    if isinstance(v, str):
        return (v,)
    if isinstance(v, list) and all(isinstance(x, str) for x in v):
        return tuple(v)
    raise InputError(lazy("{where}: expected a list of names", where=where))


def _kind(v: Any, where: str) -> str:
    if v not in KIND_NAMES:
        raise InputError(
            lazy(
                "{where}: unknown kind {v!r} (known: {join})",
                where=where,
                v=v,
                join=join_list(KIND_NAMES),
            )
        )
    return str(v)


def _parse(data: Any, source: str) -> KindRules:
    if not isinstance(data, dict) or not isinstance(data.get("names"), dict):
        raise InputError(
            lazy("{source}: expected a mapping with 'names' and 'bare'", source=source)
        )
    names: dict[str, str] = {}
    given: dict[str, str] = {}
    for kind in KIND_NAMES:
        names[norm_label(kind)] = kind
    for kind, labels in data["names"].items():
        _kind(kind, located(source, "names"))
        for label in _strings(labels, located(source, f"names.{kind}")):
            key = norm_label(label)
            if key in names and names[key] != kind:
                raise InputError(
                    lazy(
                        "{source}: names.{kind}: {label!r} already names {value}",
                        source=source,
                        kind=kind,
                        label=label,
                        value=names[key],
                    )
                )
            names[key] = kind
            given[label] = kind
    bare: dict[str, tuple[tuple[BareRule, ...], tuple[str, ...]]] = {}
    raw_bare = data.get("bare") or {}
    if not isinstance(raw_bare, dict):
        raise InputError(lazy("{source}: 'bare' must be a mapping", source=source))
    for label, spec in raw_bare.items():
        where = located(source, f"bare.{label}")
        if not isinstance(spec, dict) or not isinstance(spec.get("rules"), list):
            raise InputError(
                lazy("{where}: expected {{choices: [...], rules: [...]}}", where=where)
            )
        key = norm_label(str(label))
        if key in names:
            raise InputError(
                lazy(
                    "{where}: {label!r} is also under names ({value})",
                    where=where,
                    label=label,
                    value=names[key],
                )
            )
        choices = tuple(_kind(c, where) for c in _strings(spec.get("choices"), where))
        rules = []
        for i, r in enumerate(spec["rules"]):
            w = located(source, f"bare.{label}.rules[{i}]")
            if not isinstance(r, dict) or set(r) - {"name", "parent", "kind", "function"}:
                raise InputError(lazy("{w}: expected {{name, parent, kind, function}}", w=w))
            rules.append(
                BareRule(
                    kind=_kind(r.get("kind"), w),
                    name=_strings(r.get("name"), w),
                    parent=tuple(_kind(k, w) for k in _strings(r.get("parent"), w)),
                    function=str(r["function"]) if r.get("function") else None,
                )
            )
        bare[key] = (tuple(rules), choices or tuple(dict.fromkeys(r.kind for r in rules)))
    return KindRules(names, bare, given, source)


def load_kind_rules(path: str | Path | None = None) -> KindRules:
    """Load the kind rules; the shipped ``seeds/kind_rules.yaml`` by default.

    Raises
    ------
    InputError
        The file is missing or malformed (the message names the file and the entry).
    """
    if path is None:
        return _default()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default() -> KindRules:
    return _load(seed_path("kind_rules.yaml"))


def _load(p: Path) -> KindRules:
    return _parse(read_data_yaml(p, "kind rules"), str(p))

"""Restructuring templates (大部门、大警种 模板): which large department takes each function.

A template is data (``seeds/templates/*.yaml``)::

    id: county-dabumen
    name: 县级公安机关大部门制
    applies_to: county            # the bureau kind it is meant for
    id_pattern: "{bureau}-{code}" # ids of the large departments it creates
    departments:
      - {code: intel_command, name: 情报指挥中心, kind: command_center,
         functions: [command, office]}
      - {code: investigation, name: 侦查打击大队, functions: [criminal, economic, ...]}

A template maps the functions it is about, each to exactly one large department; it need not
list all 22 functions of the catalogue. Applied to a bureau, a department whose function the
template does not map is an error (it would have nowhere to go) unless the template (or the
operation) says ``keep_unmapped: true``: then such departments stay as they are. Each large
department's ``code`` is a function of the catalogue, usually a ``scope: large`` one whose
``covers`` lists what it merges.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy, located
from orgmodel.model import BUREAU_KINDS
from orgmodel.seeds import parse_data, seed_path

__all__ = ["LargeDepartment", "Template", "load_template", "template_from_dict"]

_TEMPLATE_KINDS = ("department", "command_center")


@dataclass(frozen=True, slots=True)
class LargeDepartment:
    """One large department (大部门) of a template and the functions it takes in."""

    code: str
    name: str
    functions: tuple[str, ...]
    kind: str = "department"
    category: str | None = None
    leaders: int | None = None
    duty_roster: bool | None = None


@dataclass(frozen=True)
class Template:
    """A function → large-department mapping, applied per bureau of ``applies_to``."""

    id: str
    name: str
    applies_to: str
    departments: tuple[LargeDepartment, ...]
    id_pattern: str = "{bureau}-{code}"
    description: str = ""
    source: str = ""
    keep_unmapped: bool = False

    def mapping(self) -> dict[str, LargeDepartment]:
        """Function code → the large department that takes it (a large code maps to itself)."""
        out: dict[str, LargeDepartment] = {}
        for d in self.departments:
            out[d.code] = d
            for f in d.functions:
                out[f] = d
        return out

    def to_dict(self) -> dict[str, Any]:
        """The template as file data."""
        return {
            "id": self.id,
            "name": self.name,
            "applies_to": self.applies_to,
            "id_pattern": self.id_pattern,
            "departments": [
                {
                    "code": d.code,
                    "name": d.name,
                    "kind": d.kind,
                    "functions": list(d.functions),
                    **({"category": d.category} if d.category else {}),
                }
                for d in self.departments
            ],
        }


def template_from_dict(
    data: Any, source: str = "<template>", *, catalogue: FunctionCatalogue | None = None
) -> Template:
    """Build and check a :class:`Template`.

    Raises
    ------
    InputError
        Malformed entries, unknown function codes, or a function mapped twice.
    """
    cat = catalogue if catalogue is not None else load_catalogue()
    if not isinstance(data, dict) or not isinstance(data.get("departments"), list):
        raise InputError(
            lazy("{source}: expected a mapping with a list under 'departments'", source=source)
        )
    applies_to = str(data.get("applies_to", "county"))
    if applies_to not in BUREAU_KINDS:
        raise InputError(
            lazy(
                "{source}: applies_to must be a bureau kind, got {applies_to!r}",
                source=source,
                applies_to=applies_to,
            )
        )
    pattern = str(data.get("id_pattern", "{bureau}-{code}"))
    if "{bureau}" not in pattern or "{code}" not in pattern:
        raise InputError(
            lazy("{source}: id_pattern must contain {{bureau}} and {{code}}", source=source)
        )
    depts: list[LargeDepartment] = []
    seen: dict[str, str] = {}
    for i, row in enumerate(data["departments"]):
        where = located(source, f"departments[{i}]")
        if not isinstance(row, dict) or not row.get("code") or not row.get("name"):
            raise InputError(lazy("{where}: expected {{code, name, functions}}", where=where))
        code = str(row["code"])
        if code not in cat:
            raise InputError(
                lazy("{where}: {code!r} is not a function of the catalogue", where=where, code=code)
            )
        fns = row.get("functions")
        if fns is None:
            fns = list(cat[code].covers)
        if not isinstance(fns, list) or not all(isinstance(f, str) for f in fns):
            raise InputError(
                lazy("{where}: functions must be a list of function codes", where=where)
            )
        for f in fns:
            if f not in cat:
                raise InputError(lazy("{where}: unknown function code {f!r}", where=where, f=f))
            if f in seen:
                raise InputError(
                    lazy(
                        "{where}: function {f!r} is already mapped to {value!r}",
                        where=where,
                        f=f,
                        value=seen[f],
                    )
                )
            seen[f] = code
        kind = str(row.get("kind", "department"))
        if kind not in _TEMPLATE_KINDS:
            raise InputError(
                lazy("{where}: kind must be department or command_center", where=where)
            )
        category = row.get("category")
        if category is not None and category not in ("management", "duty"):
            raise InputError(lazy("{where}: category must be management or duty", where=where))
        leaders = row.get("leaders")
        if leaders is not None and (not isinstance(leaders, int) or leaders < 0):
            raise InputError(
                lazy("{where}: leaders must be a non-negative whole number", where=where)
            )
        roster = row.get("duty_roster")
        if roster is not None and not isinstance(roster, bool):
            raise InputError(lazy("{where}: duty_roster must be true or false", where=where))
        depts.append(
            LargeDepartment(code, str(row["name"]), tuple(fns), kind, category, leaders, roster)
        )
    codes = [d.code for d in depts]
    dup = sorted({c for c in codes if codes.count(c) > 1})
    if dup:
        raise InputError(
            lazy(
                "{source}: large department code(s) used twice: {join}",
                source=source,
                join=join_list(dup),
            )
        )
    keep = data.get("keep_unmapped", False)
    if not isinstance(keep, bool):
        raise InputError(lazy("{source}: keep_unmapped must be true or false", source=source))
    return Template(
        id=str(data.get("id") or Path(source).stem),
        name=str(data.get("name") or ""),
        applies_to=applies_to,
        departments=tuple(depts),
        id_pattern=pattern,
        description=str(data.get("description") or ""),
        source=source,
        keep_unmapped=keep,
    )


def load_template(
    ref: str | Path,
    *,
    base_dir: str | Path | None = None,
    catalogue: FunctionCatalogue | None = None,
) -> Template:
    """Load a template by file path (relative to ``base_dir``) or by seed name.

    ``load_template("county-dabumen")`` reads ``seeds/templates/county-dabumen.yaml``.

    Raises
    ------
    InputError
        The template is not found, malformed or incomplete.
    """
    ref_s = str(ref)
    candidates: list[Path] = []
    p = Path(ref_s)
    if p.is_absolute():
        candidates.append(p)
    else:
        if base_dir is not None:
            candidates.append(Path(base_dir) / p)
        candidates.append(p)
        if p.suffix not in (".yaml", ".yml", ".json"):
            candidates.append(seed_path("templates", f"{ref_s}.yaml"))
    for c in candidates:
        if c.is_file():
            try:
                data = parse_data(c.read_text(encoding="utf-8"), c)
            except (yaml.YAMLError, UnicodeDecodeError) as e:
                raise InputError(lazy("{c}: malformed template: {e}", c=c, e=e)) from e
            return template_from_dict(data, str(c), catalogue=catalogue)
    raise InputError(
        lazy("template {ref_s!r} not found (a file, or a name in seeds/templates/)", ref_s=ref_s)
    )

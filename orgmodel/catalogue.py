"""The function catalogue (警种/职能): codes, Chinese and English names, default categories.

The catalogue is data (``seeds/functions.yaml``). Departments carry a function code; their
category follows 《公安机关组织管理条例》 art. 7: ``management`` (综合管理机构) or ``duty``
(执法勤务机构). Station-level functions (社区警务, 案件办理, 综合指挥) are ``frontline``.
Large-department functions (``scope: large``) name the 大部门 that templates create and list
the functions each one ``covers``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy, located
from orgmodel.seeds import read_data_yaml, seed_path

__all__ = ["Function", "FunctionCatalogue", "load_catalogue"]


@dataclass(frozen=True, slots=True)
class Function:
    """One function (警种) of the catalogue."""

    code: str
    name: str
    name_en: str
    category: str
    scope: str = "bureau"
    covers: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class FunctionCatalogue:
    """Function codes → :class:`Function`, with lookup by Chinese name or alias."""

    functions: dict[str, Function]
    source: str = ""
    _by_name: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        for f in self.functions.values():
            for n in (f.name, f.name_en, *f.aliases):
                self._by_name.setdefault(n, f.code)
                self._by_name.setdefault(n.lower(), f.code)

    def __contains__(self, code: object) -> bool:
        return code in self.functions

    def __getitem__(self, code: str) -> Function:
        return self.functions[code]

    def __iter__(self) -> Iterator[Function]:
        return iter(self.functions.values())

    def __len__(self) -> int:
        return len(self.functions)

    def resolve(self, text: str) -> str | None:
        """A function code from a code, a Chinese name, an English name or an alias."""
        t = text.strip()
        if t in self.functions:
            return t
        return self._by_name.get(t) or self._by_name.get(t.lower())

    def codes(self, scope: str | None = None) -> list[str]:
        """Function codes, optionally only those of one scope (bureau, station, large)."""
        return [f.code for f in self.functions.values() if scope is None or f.scope == scope]

    def to_dict(self) -> dict[str, object]:
        """The catalogue as plain data."""
        return {
            "functions": [
                {
                    "code": f.code,
                    "name": f.name,
                    "name_en": f.name_en,
                    "category": f.category,
                    "scope": f.scope,
                    **({"covers": list(f.covers)} if f.covers else {}),
                    **({"aliases": list(f.aliases)} if f.aliases else {}),
                }
                for f in self.functions.values()
            ]
        }


def _parse(data: object, source: str) -> FunctionCatalogue:
    if not isinstance(data, dict) or not isinstance(data.get("functions"), list):
        raise InputError(
            lazy("{source}: expected a mapping with a list under 'functions'", source=source)
        )
    out: dict[str, Function] = {}
    for i, row in enumerate(data["functions"]):
        where = located(source, f"functions[{i}]")
        if not isinstance(row, dict):
            raise InputError(lazy("{where}: expected a mapping", where=where))
        missing = [k for k in ("code", "name", "name_en", "category") if not row.get(k)]
        if missing:
            raise InputError(lazy("{where}: missing {join}", where=where, join=join_list(missing)))
        code = str(row["code"])
        if code in out:
            raise InputError(
                lazy("{where}: duplicate function code {code!r}", where=where, code=code)
            )
        if row["category"] not in ("management", "duty", "frontline"):
            raise InputError(
                lazy("{where}: category must be management, duty or frontline", where=where)
            )
        out[code] = Function(
            code=code,
            name=str(row["name"]),
            name_en=str(row["name_en"]),
            category=str(row["category"]),
            scope=str(row.get("scope", "bureau")),
            covers=tuple(str(c) for c in row.get("covers", ()) or ()),
            aliases=tuple(str(a) for a in row.get("aliases", ()) or ()),
        )
    for f in out.values():
        unknown = [c for c in f.covers if c not in out]
        if unknown:
            raise InputError(
                lazy(
                    "{source}: {code} covers unknown functions {unknown}",
                    source=source,
                    code=f.code,
                    unknown=join_list(unknown),
                )
            )
    return FunctionCatalogue(out, source)


def load_catalogue(path: str | Path | None = None) -> FunctionCatalogue:
    """Load a function catalogue; the shipped ``seeds/functions.yaml`` by default.

    Raises
    ------
    InputError
        The file is missing or malformed (the message names the file and the entry).
    """
    if path is None:
        return _default_catalogue()
    return _load(Path(path))


@lru_cache(maxsize=1)
def _default_catalogue() -> FunctionCatalogue:
    return _load(seed_path("functions.yaml"))


def _load(p: Path) -> FunctionCatalogue:
    return _parse(read_data_yaml(p, "function catalogue"), str(p))

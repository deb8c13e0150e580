"""Unit references in plans: ids, selectors, and lists of both (``docs/plans.md``, "Naming units").

Every operation that takes units resolves them here, so one syntax holds everywhere:

- an id: ``st-chengguan``;
- a selector: ``{kind: station, function: 治安, name: "城*", within: jc, of: city, ids: [...],
  exclude: ...}`` — every field given must hold; ``within`` (subtrees) and ``of`` (units of
  these bureaus themselves, not of the bureaus below them) take unit references in turn;
- a list of ids and selectors: their union, in order, without repeats.

A reference that names an unknown id, or a selector that matches nothing, is an error that
quotes it: a plan never acts on an empty set by accident.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from orgmodel.i18n import join_list, lazy
from orgmodel.model import BUREAU_KINDS, KIND_NAMES

if TYPE_CHECKING:
    from orgmodel.restructure.workspace import Workspace

__all__ = ["resolve_units", "show_ref"]

_SELECTOR_FIELDS = ("kind", "function", "name", "within", "of", "ids", "exclude")


def show_ref(ref: Any) -> str:
    """A unit reference as the plan wrote it (for messages)."""
    if isinstance(ref, dict):
        return "{" + ", ".join(f"{k}: {show_ref(v)}" for k, v in ref.items()) + "}"
    if isinstance(ref, list):
        return "[" + ", ".join(show_ref(v) for v in ref) + "]"
    return str(ref)


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def resolve_units(ws: Workspace, ref: Any, what: str = "units") -> list[str]:
    """The unit ids a reference names, in organisation order for selectors.

    Raises
    ------
    OpError
        An unknown id, an id listed twice, a malformed selector, or a selector (or the
        whole reference) that matches no unit.
    """
    from orgmodel.restructure.workspace import OpError

    if isinstance(ref, str):
        ws.get(ref, "unit" + (f" ({what})" if what != "units" else ""))
        return [ref]
    if isinstance(ref, dict):
        out = _select(ws, ref, what)
        if not out:
            raise OpError(
                lazy(
                    "{what}: selector {show_ref} matches no unit", what=what, show_ref=show_ref(ref)
                )
            )
        return out
    if isinstance(ref, list) and ref:
        seen: dict[str, None] = {}
        for item in ref:
            if isinstance(item, str) and item in seen:
                raise OpError(lazy("{what}: unit {item!r} is listed twice", what=what, item=item))
            if isinstance(item, list):
                raise OpError(lazy("{what}: a list holds ids and selectors, not lists", what=what))
            for u in resolve_units(ws, item, what):
                seen.setdefault(u, None)
        return list(seen)
    raise OpError(
        lazy(
            "{what}: expected a unit id, a selector or a non-empty list, got {ref!r}",
            what=what,
            ref=ref,
        )
    )


def _select(ws: Workspace, sel: dict[str, Any], what: str) -> list[str]:
    from orgmodel.restructure.workspace import OpError

    extra = sorted(set(sel) - set(_SELECTOR_FIELDS))
    if extra or not sel:
        fields = join_list(_SELECTOR_FIELDS)
        raise OpError(
            lazy(
                "{what}: a selector takes {fields} (not {extra})",
                what=what,
                fields=fields,
                extra=join_list(extra),
            )
            if extra
            else lazy("{what}: a selector takes {fields}", what=what, fields=fields)
        )
    kinds = set(_as_list(sel["kind"])) if "kind" in sel else None
    if kinds is not None:
        bad = sorted(str(k) for k in kinds if k not in KIND_NAMES)
        if bad:
            raise OpError(
                lazy(
                    "{what}: unknown kind(s) {join} (known: {join2})",
                    what=what,
                    join=join_list(bad),
                    join2=join_list(KIND_NAMES),
                )
            )
    fns: set[str] | None = None
    if "function" in sel:
        fns = set()
        for f in _as_list(sel["function"]):
            code = ws.catalogue.resolve(f) if isinstance(f, str) else None
            if code is None:
                raise OpError(
                    lazy(
                        "{what}: unknown function {f!r} (a code or Chinese name of the catalogue)",
                        what=what,
                        f=f,
                    )
                )
            fns.add(code)
    pattern = sel.get("name")
    if pattern is not None and not isinstance(pattern, str):
        raise OpError(
            lazy(
                "{what}: name must be a pattern string, got {pattern!r}", what=what, pattern=pattern
            )
        )
    ids = set(resolve_units(ws, sel["ids"], what)) if "ids" in sel else None
    tops = resolve_units(ws, sel["within"], what) if "within" in sel else [ws.root]
    of = None
    if "of" in sel:
        of = set(resolve_units(ws, sel["of"], what))
        for b in of:
            if ws.units[b].kind not in BUREAU_KINDS:
                raise OpError(
                    lazy(
                        "{what}: 'of' names bureaus; {label} is not one",
                        what=what,
                        label=ws.label(b),
                    )
                )
    excluded = set(resolve_units(ws, sel["exclude"], what)) if "exclude" in sel else set()
    out: dict[str, None] = {}
    for top in tops:
        for u in ws.subtree(top):
            if u in out or u in excluded:
                continue
            unit = ws.units[u]
            if kinds is not None and unit.kind not in kinds:
                continue
            if fns is not None and unit.function not in fns:
                continue
            if ids is not None and u not in ids:
                continue
            if pattern is not None and not fnmatchcase(unit.name, pattern):
                continue
            if of is not None and (unit.parent is None or ws.bureau_of(unit.parent) not in of):
                continue
            out[u] = None
    return list(out)

"""A refused organisation is reported unit by unit (``_legacy_issues``), now from columns
and plain id maps instead of a networkx graph: the messages, units, places and their order
are those of the former unit-by-unit check, kept below as the reference (word for word as
it was, networkx and all), on organisations broken at random in many ways at once."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import deque
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgmodel import model
from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.generate import generate_org
from orgmodel.i18n import join_list, language, lazy
from orgmodel.io import read_org
from orgmodel.model import (
    BUREAU_KINDS,
    DISPATCHES,
    GUIDES,
    KIND_NAMES,
    NODE_FIELDS,
    REPORTS_TO,
    OrgValidationError,
    ParentBureau,
    Unit,
    ValidationIssue,
    _check_unit,
    _control_char,
    _legacy_issues,
)

_STATION_INNER = frozenset({"team", "office"})

# -- the reference: the check as it was before the columns (orgmodel/model.py at 4b9eab1)


def _old_placement_issues(
    g: nx.DiGraph, parent: Mapping[str, str | None], where: Mapping[str, str] | None = None
) -> tuple[list[ValidationIssue], list[ValidationIssue]]:
    """Units placed where their kind does not belong: (errors, warnings).

    Errors: a ``team`` or ``office`` (派出所内的队/室) whose nearest enclosing unit — going up
    past other teams, offices and community posts — is not a ``station``. Such a unit would
    count as frontline outside any 派出所 and raise the station and community shares.

    Warnings: a ``station`` (派出所) whose parent is a department or command centre (a 所
    under a 大队) rather than a bureau. Some forces do place 派出所 so (水上、林区派出所), so
    it is allowed, but the county-level bureau and the organ share read differently.

    Parameters
    ----------
    g : networkx.DiGraph
        Nodes with a ``kind`` attribute.
    parent : mapping of unit id to parent id
        The command parent of every node (``None`` for the root); parents not in ``g`` are
        ignored (reported elsewhere).
    where : mapping of unit id to str, optional
        Where each unit came from, for the messages.
    """
    where = where or {}
    errors: list[ValidationIssue] = []
    warnings: list[ValidationIssue] = []
    kinds = g.nodes
    for uid, p in parent.items():
        kind = kinds[uid]["kind"]
        if kind in _STATION_INNER:
            cur, seen = p, 0
            while (
                cur is not None
                and cur in kinds
                and kinds[cur]["kind"] in _STATION_INNER | {"community_post"}
                and seen <= len(parent)
            ):
                cur, seen = parent.get(cur), seen + 1
            if cur is None or cur not in kinds:
                continue
            if kinds[cur]["kind"] != "station":
                ck = kinds[cur]["kind"]
                errors.append(
                    ValidationIssue(
                        lazy(
                            "{value} {kind} ({value2}) must sit inside a 派出所 (station), but it is under {name!r} ({get}); if it is a 大队/中队/科室 of the bureau, its kind is department",
                            value="an" if kind == "office" else "a",
                            kind=kind,
                            value2=KIND_NAMES[kind],
                            name=kinds[cur]["name"],
                            get=KIND_NAMES.get(ck, ck),
                        ),
                        uid,
                        where.get(uid),
                    )
                )
        elif kind == "station" and p is not None and p in kinds:
            pk = kinds[p]["kind"]
            # Under a station is an error of its own; under a group (片区) is by design.
            if pk in ("department", "command_center"):
                warnings.append(
                    ValidationIssue(
                        lazy(
                            "a 派出所 (station) under {name!r} ({get}), not directly under a bureau: it still counts as a 派出所 in the station share; check its parent",
                            name=kinds[p]["name"],
                            get=KIND_NAMES.get(pk, pk),
                        ),
                        uid,
                        where.get(uid),
                    )
                )
    return errors, warnings


def _old_bureau_of(
    parent: Mapping[str, str | None], g: nx.DiGraph, unit_id: str | None
) -> str | None:
    seen = 0
    while unit_id is not None and seen <= len(parent):
        if g.nodes[unit_id]["kind"] in BUREAU_KINDS:
            return unit_id
        unit_id = parent.get(unit_id)
        seen += 1
    return None


def _old_is_ancestor(parent: Mapping[str, str | None], anc: str, unit_id: str) -> bool:
    p = parent.get(unit_id)
    seen = 0
    while p is not None and seen <= len(parent):
        if p == anc:
            return True
        p = parent.get(p)
        seen += 1
    return False


def old_issues(
    units: list[Unit],
    guides: Iterable[tuple[str, str]],
    dispatches: Iterable[tuple[str, str]],
    parent_bureau: ParentBureau | None,
    catalogue: FunctionCatalogue,
    where: Mapping[str, str],
    issues: Iterable[ValidationIssue],
) -> list[ValidationIssue]:
    """Every rule broken, unit by unit: the full check behind :class:`OrgValidationError`.

    The constructors check columns at once and come here only when something is wrong, so
    that the messages, units and places are those of a unit-by-unit reading of the file.
    """
    found: list[ValidationIssue] = list(issues)
    if parent_bureau is not None:
        for fn in parent_bureau.functions:
            if fn not in catalogue:
                found.append(
                    ValidationIssue(lazy("parent_bureau: unknown function code {fn!r}", fn=fn))
                )
    g: nx.DiGraph = nx.DiGraph()
    parent: dict[str, str | None] = {}
    for u in units:
        loc = where.get(u.id) if isinstance(u.id, str) else None
        if not isinstance(u.id, str) or not u.id:
            found.append(ValidationIssue(lazy("unit has no id"), None, loc))
            continue
        if u.id in parent:
            found.append(ValidationIssue(lazy("duplicate unit id"), u.id, loc))
            continue
        bad_char = _control_char(u.id)
        if bad_char:
            found.append(
                ValidationIssue(
                    lazy("the unit id holds an {bad_char}", bad_char=bad_char)
                    if bad_char.startswith("invisible")
                    else lazy("the unit id holds a {bad_char}", bad_char=bad_char),
                    u.id,
                    loc,
                    "id",
                )
            )
        found.extend(_check_unit(u, loc, catalogue))
        parent[u.id] = u.parent
        g.add_node(u.id, **{k: getattr(u, k) for k in NODE_FIELDS})

    roots = [uid for uid, p in parent.items() if p is None]
    if not units:
        found.append(ValidationIssue(lazy("the organisation has no units")))
    elif len(roots) == 0:
        found.append(ValidationIssue(lazy("no root unit (every unit names a parent)")))
    elif len(roots) > 1:
        found.append(
            ValidationIssue(
                lazy(
                    "more than one root unit: {roots} (exactly one unit may have no parent)",
                    roots=join_list(roots if len(roots) <= 10 else [*roots[:10], "…"]),
                )
            )
        )
    children: dict[str, list[str]] = {uid: [] for uid in parent}
    for uid, p in parent.items():
        if p is None:
            continue
        if p == uid:
            found.append(ValidationIssue(lazy("unit is its own parent"), uid, where.get(uid)))
        elif not isinstance(p, str) or p not in parent:
            found.append(
                ValidationIssue(lazy("parent {p!r} does not exist", p=p), uid, where.get(uid))
            )
        else:
            children[p].append(uid)
            g.add_edge(uid, p, type=REPORTS_TO)
            if g.nodes[uid]["kind"] == "station" and g.nodes[p]["kind"] == "station":
                found.append(
                    ValidationIssue(
                        lazy(
                            "a station under the station {p!r}: bundle stations under a group (片区, 中心所) instead",
                            p=p,
                        ),
                        uid,
                        where.get(uid),
                    )
                )

    # Breadth-first from the root; units not reached sit on a cycle.
    depth: dict[str, int] = {}
    queue = deque(roots)
    for r in roots:
        depth[r] = 0
    while queue:
        uid = queue.popleft()
        for c in children[uid]:
            if c not in depth:
                depth[c] = depth[uid] + 1
                queue.append(c)
    if len(depth) < len(parent):
        # the one change to the former check: a unit under a parent that does not exist (that
        # parent named above) is not on a cycle (was: every unit not reached)
        on_cycle = model._on_cycle(parent, depth)
        if on_cycle:
            shown = join_list(on_cycle if len(on_cycle) <= 10 else [*on_cycle[:10], "…"])
            found.append(
                ValidationIssue(
                    lazy("REPORTS_TO cycle: units {shown} never reach the root", shown=shown)
                )
            )

    placement_errors, _ = _old_placement_issues(g, parent, where)
    found.extend(placement_errors)
    for upper, lower in guides:
        found.extend(_old_check_guides(g, parent, upper, lower))
    for cc, target in dispatches:
        found.extend(_old_check_dispatch(g, cc, target))
    return found


def _old_check_guides(
    g: nx.DiGraph, parent: Mapping[str, str | None], upper: str, lower: str
) -> list[ValidationIssue]:
    label = f"GUIDES {upper!r} → {lower!r}"
    missing = [x for x in (upper, lower) if x not in g]
    if missing:
        return [
            ValidationIssue(lazy("{label}: unit {m!r} does not exist", label=label, m=m))
            for m in missing
        ]
    a, b = g.nodes[upper], g.nodes[lower]
    if a["kind"] != "department" or b["kind"] != "department":
        return [ValidationIssue(lazy("{label}: GUIDES links departments only", label=label))]
    if a["function"] is None or a["function"] != b["function"]:
        return [
            ValidationIssue(
                lazy(
                    "{label}: functions differ ({function!r} vs {function2!r}); GUIDES links departments of the same function",
                    label=label,
                    function=a["function"],
                    function2=b["function"],
                )
            )
        ]
    bu, bl = _old_bureau_of(parent, g, upper), _old_bureau_of(parent, g, lower)
    if bu is None or bl is None or bu == bl or not _old_is_ancestor(parent, bu, bl):
        return [
            ValidationIssue(
                lazy(
                    "{label}: GUIDES runs from a bureau's department to a department of a bureau below it",
                    label=label,
                )
            )
        ]
    if g.has_edge(upper, lower):
        return [ValidationIssue(lazy("{label}: duplicate edge", label=label))]
    g.add_edge(upper, lower, type=GUIDES)
    return []


def _old_check_dispatch(g: nx.DiGraph, cc: str, target: str) -> list[ValidationIssue]:
    label = f"DISPATCHES {cc!r} → {target!r}"
    missing = [x for x in (cc, target) if x not in g]
    if missing:
        return [
            ValidationIssue(lazy("{label}: unit {m!r} does not exist", label=label, m=m))
            for m in missing
        ]
    if g.nodes[cc]["kind"] != "command_center":
        return [ValidationIssue(lazy("{label}: only a command_center dispatches", label=label))]
    if cc == target or g.has_edge(cc, target):
        return [ValidationIssue(lazy("{label}: self-dispatch or duplicate edge", label=label))]
    g.add_edge(cc, target, type=DISPATCHES)
    return []


# -- broken organisations ------------------------------------------------------------

_BAD: dict[str, list[Any]] = {
    "id": ["", None, 5, "a\x07b", "a\u200bb"],
    "name": ["", " ", None, "x\ry", 3],
    "kind": ["precinct", None, "group", "station", "team", "office", "department"],
    "parent": [None, "nope", "mps"],
    "function": ["nosuchfn", 5, "criminal", None],
    "category": ["nope", 3, "duty"],
    "establishment": [-1, 2.5, True, None, 20_000_000, "5", 10**30],
    "police": [-1, 2.5, True, None, 20_000_000, 0],
    "auxiliaries": [-3, 1.0, False],
    "leaders": [-1, None, 3, "2"],
    "duty_roster": ["yes", 1, True],
    "community_share": [1.5, -0.1, True, math.nan, "0.5", 0.3],
}


@pytest.fixture(scope="module")
def small() -> tuple[list[Unit], list[tuple[str, str]], list[tuple[str, str]]]:
    org = generate_org(1, 2, 1, seed=2)
    return list(org.units()), list(org.guides), list(org.dispatches)


_change = st.tuples(
    st.integers(0, 10**6), st.sampled_from(sorted(_BAD)), st.integers(0, 10**6), st.booleans()
)


def _broken(units: list[Unit], draws: list[tuple[int, str, int, bool]]) -> list[Unit]:
    out = list(units)
    for row, field, pick, other in draws:
        i = row % len(out)
        if other and field in ("id", "parent"):  # another unit's id: duplicates, cycles
            value: Any = out[pick % len(out)].id
        elif field == "parent" and pick % 3 == 0:
            value = out[i].id  # its own parent
        else:
            value = _BAD[field][pick % len(_BAD[field])]
        out[i] = dataclasses.replace(out[i], **{field: value})
    return out


def _pairs(ids: list[Any], raw: list[tuple[int, int, bool]], base: list[tuple[str, str]]):
    out = list(base)
    for a, b, copy in raw:
        if copy and base:
            out.append(base[a % len(base)])
        else:
            out.append((ids[a % len(ids)] if a % 7 else "nope", ids[b % len(ids)]))
    return out


def _rows(issues: Iterable[ValidationIssue]) -> list[tuple[str, Any, Any, Any]]:
    return [(str(i.message), i.unit, i.where, i.field) for i in issues]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(_change, max_size=12),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.booleans()), max_size=4),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.booleans()), max_size=4),
    st.booleans(),
)
def test_a_refused_organisation_is_reported_as_the_unit_by_unit_check_reported_it(
    small: tuple[list[Unit], list[tuple[str, str]], list[tuple[str, str]]],
    changes: list[tuple[int, str, int, bool]],
    guide_draws: list[tuple[int, int, bool]],
    dispatch_draws: list[tuple[int, int, bool]],
    bad_bureau: bool,
) -> None:
    units0, guides0, dispatches0 = small
    units = _broken(units0, changes)
    ids = [u.id for u in units]
    guides = _pairs(ids, guide_draws, guides0)
    dispatches = _pairs(ids, dispatch_draws, dispatches0)
    pb = ParentBureau("上级公安机关", ("criminal", "zzz")) if bad_bureau else None
    where: dict[str, str] = {}
    for i, uid in enumerate(ids):
        if isinstance(uid, str):
            where.setdefault(uid, f"units[{i}]")
    cat = load_catalogue()
    reader = [ValidationIssue("from the reader", where="guides")]
    new = _legacy_issues(units, guides, dispatches, pb, cat, where, reader)
    try:
        old = old_issues(units, guides, dispatches, pb, cat, where, reader)
    except (KeyError, TypeError):  # the former check's crash (a parent that does not exist)
        assert new  # the report stands instead
        return
    assert _rows(new) == _rows(old)


def test_a_refused_file_is_the_former_error_word_for_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A file broken in eleven ways (a duplicate, a cycle, an unknown parent, a bad kind,
    # negative counts, two roots, a team outside a station, a station under a station, a
    # bad edge of each type): the error, in English and in Chinese, is the former one.
    units = list(generate_org(1, 2, 1, seed=2).units())
    by_kind: dict[str, list[int]] = {}
    for i, u in enumerate(units):
        by_kind.setdefault(u.kind, []).append(i)
    st_, dep = by_kind["station"], by_kind["department"]
    units.append(dataclasses.replace(units[st_[0]]))  # duplicate id
    units[st_[1]] = dataclasses.replace(units[st_[1]], parent=units[st_[2]].id)
    units[st_[2]] = dataclasses.replace(units[st_[2]], parent=units[st_[1]].id)  # cycle
    units[dep[3]] = dataclasses.replace(units[dep[3]], parent="nope")
    units[dep[4]] = dataclasses.replace(units[dep[4]], kind="precinct")
    units[dep[5]] = dataclasses.replace(units[dep[5]], police=-3, auxiliaries=-1)
    units[st_[3]] = dataclasses.replace(units[st_[3]], parent=None)  # a second root
    units[st_[4]] = dataclasses.replace(units[st_[4]], parent=units[st_[5]].id)
    units.append(Unit("t-x", "某队", "team", parent=units[dep[6]].id))
    guides = [(units[dep[0]].id, units[dep[1]].id), ("x", units[st_[0]].id)]
    dispatches = [(units[st_[0]].id, units[st_[6]].id)]
    data = {
        "orgmodel": 1,
        "id": "t",
        "name": "某县",
        "units": [u.to_dict() for u in units],
        "guides": [{"from": a, "to": b} for a, b in guides],
        "dispatches": [{"from": a, "to": b} for a, b in dispatches],
    }
    text = json.dumps(data, ensure_ascii=False)
    for lang in ("en", "zh"):
        with language(lang):
            with pytest.raises(OrgValidationError) as got:
                read_org(text, "json", "org.json")
            with monkeypatch.context() as m:
                m.setattr(model, "_legacy_issues", old_issues)
                with pytest.raises(OrgValidationError) as want:
                    read_org(text, "json", "org.json")
            assert str(got.value) == str(want.value)
            assert _rows(got.value.issues) == _rows(want.value.issues)
            assert len(got.value.issues) >= 11


def test_a_guide_from_a_unit_whose_parent_does_not_exist_is_reported() -> None:
    # The former check raised KeyError (a traceback as the answer) walking up to the
    # bureau through a parent that does not exist; the parent is named instead.
    units = list(generate_org(1, 2, 1, seed=2).units())
    guides = list(generate_org(1, 2, 1, seed=2).guides)
    _, lower = guides[0]
    row = next(i for i, u in enumerate(units) if u.id == lower)
    units[row] = dataclasses.replace(units[row], parent="nope")
    with pytest.raises(KeyError):
        old_issues(units, guides, [], None, load_catalogue(), {}, [])
    with pytest.raises(OrgValidationError) as e:
        read_org(
            json.dumps(
                {
                    "orgmodel": 1,
                    "units": [u.to_dict() for u in units],
                    "guides": [{"from": a, "to": b} for a, b in guides],
                }
            ),
            "json",
            "org.json",
        )
    assert f"unit {lower!r}: parent 'nope' does not exist" in str(e.value)

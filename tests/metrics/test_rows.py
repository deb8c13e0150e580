"""The report's per-unit lists, built from columns when read (orgmodel.metrics.rows).

Two things are checked: that :class:`Rows` behaves as the list it stands for (index, slice,
iteration, equality, pickling, JSON through :class:`Section`), and that the lists of a real
report hold exactly the rows the public per-unit functions give — each row rebuilt here from
the dict-valued functions (``narrow_spans``, ``hollow_units``, ``establishments``,
``mirror_units``, ``community_shares`` …) and the units' own records, not from the report —
so that the JSON of a report is byte for byte what it was when the lists were lists.
"""

from __future__ import annotations

import copy
import json
import pickle
from typing import Any

import numpy as np
import pytest
import yaml

from orgmodel.catalogue import load_catalogue
from orgmodel.io.per_unit import PER_UNIT_LISTS, page_lists
from orgmodel.metrics import (
    bureau_functions,
    community_shares,
    establishments,
    hollow_units,
    metric_by_unit,
    metric_report,
    mirror_by_bureau,
    mirror_units,
    narrow_spans,
    station_shares,
    subtree_police,
    wide_spans,
)
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import DEPARTMENT_KINDS, OrgGraph
from orgmodel.norms import Norms, load_norms, load_policy
from tests.metrics.test_reference import varied

# -- Rows as a list ---------------------------------------------------------------------------


def _squares(n: int, built: list[int]) -> Rows:
    """Rows {i, sq} with a record of how many rows were built."""

    def build(at: np.ndarray) -> list[dict[str, Any]]:
        built.append(len(at))
        return [{"i": i, "sq": i * i} for i in at.tolist()]

    return Rows(n, build)


def test_rows_index_slice_and_iterate_as_the_list() -> None:
    want = [{"i": i, "sq": i * i} for i in range(7)]
    built: list[int] = []
    rows = _squares(7, built)
    assert len(rows) == 7 and bool(rows) and not Rows(0, lambda at: [])
    assert rows[3] == {"i": 3, "sq": 9} and rows[-1] == want[-1]
    with pytest.raises(IndexError):
        rows[7]
    with pytest.raises(IndexError):
        rows[-8]
    for s in (slice(2, 5), slice(None, None, -2), slice(-3, None), slice(5, 2), slice(0, 99)):
        part = rows[s]
        assert part == want[s] and isinstance(part, list)
    # nothing but the asked rows was built so far: 1 + 1 + the slices' rows
    assert sum(built) == 1 + 1 + 3 + 4 + 3 + 0 + 7
    assert list(rows) == want and list(reversed(rows)) == want[::-1]
    assert built[-1] == 7  # iteration built every row once …
    n = len(built)
    assert rows[2] == want[2] and list(rows) == want and len(built) == n  # … and keeps them
    assert {"i": 2, "sq": 4} in rows and rows.index(want[4]) == 4 and rows.count(want[0]) == 1


def test_rows_equal_lists_and_each_other() -> None:
    want = [{"i": i, "sq": i * i} for i in range(4)]
    rows = _squares(4, [])
    assert rows == want and want == rows and rows == _squares(4, [])
    assert rows != want[:3] and want[:3] != rows and rows != [*want[:3], {"i": 3, "sq": 0}]
    assert rows != tuple(want)  # as a list is never equal to a tuple
    assert repr(rows) == repr(want)
    assert rows + [1] == [*want, 1] and [0] + rows == [0, *want]  # noqa: RUF005
    assert rows.copy() == want and rows.copy() is not rows.rows()


def test_rows_pickle_and_copy_as_plain_lists() -> None:
    want = [{"i": i, "sq": i * i} for i in range(3)]
    for again in (pickle.loads(pickle.dumps(_squares(3, []))), copy.deepcopy(_squares(3, []))):
        assert type(again) is list and again == want
    sec = Section({"n": 3, "rows": _squares(3, [])})
    for again in (pickle.loads(pickle.dumps(sec)), copy.deepcopy(sec)):
        assert again == {"n": 3, "rows": want} and type(again["rows"]) is list


def test_rows_chain_keeps_the_parts_in_turn() -> None:
    a, b, c = _squares(3, []), Rows.of([{"x": 1}]), _squares(2, [])
    want = [*a, {"x": 1}, *c]
    chained = Rows.chain([a, _squares(0, []), b, c])
    assert len(chained) == 6
    assert [chained[i] for i in range(6)] == want and chained[::-1] == want[::-1]
    assert chained[2:5] == want[2:5] and list(chained) == want


def test_a_section_is_json_as_lists_whatever_the_options() -> None:
    sec = Section({"count": 2, "rows": _squares(2, []), "tail": [1]})
    plain = {"count": 2, "rows": [{"i": 0, "sq": 0}, {"i": 1, "sq": 1}], "tail": [1]}
    for kw in ({}, {"indent": 1}, {"sort_keys": True}, {"ensure_ascii": False, "indent": 2}):
        assert json.dumps({"s": sec}, **kw) == json.dumps({"s": plain}, **kw)  # type: ignore[arg-type]
    assert sec == plain and sec["rows"] == plain["rows"]


def test_a_section_and_its_rows_dump_as_yaml_as_dicts_and_lists() -> None:
    # PyYAML represents exact types only: safe_dump of a report was "cannot represent an object"
    sec = Section({"count": 2, "rows": _squares(2, []), "inner": Section({"r": _squares(1, [])})})
    plain = {
        "count": 2,
        "rows": [{"i": 0, "sq": 0}, {"i": 1, "sq": 1}],
        "inner": {"r": [{"i": 0, "sq": 0}]},
    }
    # the C dumper too where libyaml is built in (the plain one again where it is not)
    for dumper in (yaml.SafeDumper, yaml.Dumper, getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
        assert yaml.dump({"s": sec}, Dumper=dumper) == yaml.dump({"s": plain}, Dumper=dumper)
    assert yaml.safe_load(yaml.safe_dump(sec["rows"])) == plain["rows"]


def test_rows_order_and_repeat_as_the_list() -> None:
    want = [{"i": i, "sq": i * i} for i in range(3)]
    rows = _squares(3, [])
    assert rows * 2 == want * 2 and 2 * rows == want * 2 and rows * 0 == []
    # dicts have no order: the comparison a list makes is made (and refused) the same way
    with pytest.raises(TypeError):
        rows < [{"i": 0, "sq": 1}]  # noqa: B015
    assert not (rows < want) and rows <= want and rows >= want and not (rows > want)
    assert Rows.of([1, 2]) < [1, 3] and Rows.of([1, 2]) > [1] and Rows.of([3]) > Rows.of([2])
    with pytest.raises(TypeError):
        rows * 1.5  # type: ignore[operator]


def _section() -> tuple[Section, dict[str, Any], list[int]]:
    built: list[int] = []
    sec = Section({"n": 3, "rows": _squares(3, built), "top": [{"i": 9}]})
    plain = {"n": 3, "rows": [{"i": i, "sq": i * i} for i in range(3)], "top": [{"i": 9}]}
    return sec, plain, built


def test_a_section_hands_out_its_lists_as_plain_lists() -> None:
    """What a caller reads from a section is a real list (the break tester's
    json.dumps(report["workforce"]["hollow"]) was 'Object of type Rows is not JSON
    serializable'), built once, kept, and the same object on every read."""
    msgspec = pytest.importorskip("msgspec")
    orjson = pytest.importorskip("orjson")
    sec, plain, built = _section()
    assert sec.lazy("rows") == plain["rows"] and isinstance(sec.lazy("rows"), Rows)
    rows = sec["rows"]
    assert type(rows) is list and rows == plain["rows"] and built == [3]
    assert sec["rows"] is rows and sec.get("rows") is rows and sec.lazy("rows") is rows
    text = json.dumps(plain["rows"])
    assert json.dumps(rows) == text and msgspec.json.encode(rows) == orjson.dumps(rows)
    assert json.loads(msgspec.json.encode(rows)) == plain["rows"]
    assert rows * 2 == plain["rows"] * 2 and rows + [{"i": 5}] == [*plain["rows"], {"i": 5}]  # noqa: RUF005
    assert rows <= plain["rows"] and rows == plain["rows"]
    assert copy.copy(rows) == rows and pickle.loads(pickle.dumps(rows)) == rows
    rows.append({"i": 3})  # a list the caller changes stays changed, as in any dict
    assert len(sec["rows"]) == 4 and json.loads(json.dumps(sec))["rows"][-1] == {"i": 3}
    assert built == [3]  # built once


@pytest.mark.parametrize(
    "read",
    [
        lambda s: s["rows"],
        lambda s: s.get("rows"),
        lambda s: dict(s)["rows"],
        lambda s: {**s}["rows"],
        lambda s: s.copy()["rows"],
        lambda s: (s | {})["rows"],
        lambda s: ({} | s)["rows"],
        lambda s: dict(s.items())["rows"],
        lambda s: list(s.values())[1],
        lambda s: s.plain()["rows"],
        lambda s: s.setdefault("rows"),
        lambda s: s.pop("rows"),
        lambda s: copy.copy(s)["rows"],
        lambda s: copy.deepcopy(s)["rows"],
        lambda s: pickle.loads(pickle.dumps(s))["rows"],
        lambda s: json.loads(json.dumps(s))["rows"],
    ],
    ids=lambda f: "",
)
def test_every_read_through_a_section_gives_the_list(read: Any) -> None:
    sec, plain, _ = _section()
    got = read(sec)
    assert type(got) is list and got == plain["rows"]
    # … and what the read copied (dict(s), {**s}, copies) holds no Rows either
    for copied in (dict(sec), {**sec}, sec.copy()):
        assert not any(isinstance(v, Rows) for v in dict.values(copied))


def test_encoders_that_read_a_dicts_storage_refuse_an_unread_list_never_write_it_empty() -> None:
    """orjson, msgspec and pydantic-core read a dict subclass's storage directly: a list not
    read yet is its Rows there, which they refuse (a TypeError) — a list subclass with its
    rows not built would have been written as [] (a silent wrong number). default=list /
    enc_hook=list, or Section.plain(), write the rows."""
    msgspec = pytest.importorskip("msgspec")
    orjson = pytest.importorskip("orjson")
    pydantic_core = pytest.importorskip("pydantic_core")
    sec, plain, _ = _section()
    want = orjson.dumps(plain)
    for encode in (orjson.dumps, msgspec.json.encode, pydantic_core.to_json):
        with pytest.raises((TypeError, ValueError)):  # pydantic-core: PydanticSerializationError
            encode(sec)
    assert orjson.dumps(sec, default=list) == want
    assert msgspec.json.encode(sec, enc_hook=list) == want
    assert orjson.dumps(sec.plain()) == want == msgspec.json.encode(sec.plain())
    sec["rows"]  # once read, the storage holds the list
    for encode in (orjson.dumps, msgspec.json.encode, pydantic_core.to_json):
        assert encode(sec) == want


# -- the report's lists against the public per-unit functions ---------------------------------


def _unit_ref(org: OrgGraph, u: str | None) -> dict[str, Any] | None:
    return None if u is None else {"id": u, "name": org.name_of(u)}


def eager_lists(org: OrgGraph, norms: Norms) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Every per-unit list of a report, row by row from the public dict-valued functions and
    the units' records (breadth-first is ``org.order()``)."""
    unit = {u: org.unit(u) for u in org.order()}
    cat = load_catalogue()

    def span_rows(spans: dict[str, int]) -> list[dict[str, Any]]:
        return [
            {"id": u, "name": unit[u].name, "kind": unit[u].kind, "span": s}
            for u, s in spans.items()
        ]

    est = establishments(org, norms=norms)
    hollow = [
        {"id": h, "name": est[h]["name"], "kind": est[h]["kind"], "members": est[h]["members"],
         "police": est[h]["police"], "people": est[h]["people"],
         "fixed_posts": est[h]["fixed_posts"], "shortfall": short}
        for h, short in hollow_units(org, norms=norms).items()
    ]  # fmt: skip
    hollow.sort(key=lambda r: -r["shortfall"])  # largest shortfall first, stable

    def parent_bureau(b: str) -> str | None:
        p = org.parent(b)
        return None if p is None else org.bureau_of(p)

    depts = [u for u in org.order() if unit[u].kind in DEPARTMENT_KINDS]
    funcs = {b: set(f) for b, f in bureau_functions(org).items()}
    measured = mirror_by_bureau(org)
    by_bureau = []
    for b, f in funcs.items():
        p = parent_bureau(b)
        mine = [d for d in depts if org.bureau_of(d) == b]
        police = sum(unit[d].police for d in mine)
        if p is not None:
            pf: set[str] | None = funcs[p]
            ref = _unit_ref(org, p)
        elif b == org.root and org.parent_bureau is not None:
            pf = set(org.parent_bureau.functions)
            ref = {"id": None, "name": org.parent_bureau.name}
        else:
            pf, ref = None, None
        by_bureau.append(
            {
                "id": b,
                "name": unit[b].name,
                "kind": unit[b].kind,
                "parent_bureau": ref,
                "departments": len(mine),
                "department_police": police,
                "mean_department_size": police / len(mine) if mine else None,
                "functions": len(f),
                "shared_functions": None if pf is None else len(f & pf),
                "mirror": measured.get(b),
            }
        )
    mirrors = [
        {
            "id": u,
            "name": unit[u].name,
            "function": unit[u].function,
            "function_name": cat[unit[u].function].name,  # type: ignore[index]
            "police": unit[u].police,
            "efficient_size": norms[unit[u].kind].efficient_size,
            "bureau": _unit_ref(org, org.bureau_of(u)),
        }
        for u in mirror_units(org, norms=norms)
    ]

    # county-level bureaus: police in the own region (the subtree without the county-level
    # bureaus below), station police there (units inside a station subtree)
    shares = station_shares(org)

    def own_region(b: str) -> list[str]:
        out, stack = [], [b]
        while stack:
            x = stack.pop()
            out.append(x)
            stack.extend(c for c in org.children(x) if c not in shares)
        return out

    def in_station(x: str) -> bool:
        while x is not None:
            if unit[x].kind == "station":
                return True
            x = unit[x].parent  # type: ignore[assignment]
        return False

    county_level = []
    for b, share in shares.items():
        region = own_region(b)
        police = sum(unit[x].police for x in region)
        county_level.append(
            {
                "id": b,
                "name": unit[b].name,
                "kind": unit[b].kind,
                "police": police,
                "people": police + sum(unit[x].auxiliaries for x in region),
                "station_police": sum(unit[x].police for x in region if in_station(x)),
                "station_share": share,
            }
        )
    sub = subtree_police(org)

    def subtree(x: str) -> list[str]:
        return [x, *(y for c in org.children(x) for y in subtree(c))]

    def in_community(x: str, station: str) -> bool:
        """x is a community post or community team, or lies in one, inside the station."""
        while True:
            u = unit[x]
            if u.kind == "community_post" or (
                u.kind == "team" and u.function == "community_policing"
            ):
                return True
            if x == station:
                return False
            x = u.parent  # type: ignore[assignment]

    stations = []
    for s, share in community_shares(org).items():
        c = sum(unit[x].police for x in subtree(s) if in_community(x, s))
        assert share == (c / sub[s] if sub[s] else None)
        stations.append(
            {
                "id": s,
                "name": unit[s].name,
                "bureau": _unit_ref(org, org.bureau_of(s)),
                "police": sub[s],
                "people": sub[s] + sum(unit[x].auxiliaries for x in subtree(s)),
                "community_police": c,
                "community_share": c / sub[s] if sub[s] else None,
            }
        )
    results = []
    for rule in load_policy():
        if rule.scope == "county_level":
            value_of: dict[str, float | None] = dict(shares)
            scope = list(shares)
            assert rule.metric == "station_share"
        elif rule.scope == "org":
            value_of = metric_by_unit(org, rule.metric, norms=norms)
            scope = [org.root]
        else:
            value_of = metric_by_unit(org, rule.metric, norms=norms)
            scope = [u for u in org.order() if unit[u].kind == rule.scope]
        for u in scope:
            v = value_of[u]
            results.append(
                {
                    "rule": rule.id, "description": rule.description, "metric": rule.metric,
                    "metric_name": _metric_name(rule.metric), "scope": rule.scope,
                    "unit_id": u, "unit_name": unit[u].name, "value": v,
                    "threshold": rule.threshold, "comparator": rule.comparator,
                    "source": rule.source, "passed": None if v is None else rule.holds(v),
                    "note": None if v is not None else "指标无定义 (undefined: denominator is 0)",
                }
            )  # fmt: skip
    return {
        ("span", "narrow"): span_rows(narrow_spans(org, norms=norms)),
        ("span", "wide"): span_rows(wide_spans(org, norms=norms)),
        ("workforce", "hollow"): hollow,
        ("mirror", "by_bureau"): by_bureau,
        ("mirror", "units"): mirrors,
        ("shares", "county_level"): county_level,
        ("shares", "stations"): stations,
        ("policy", "results"): results,
    }


def _metric_name(metric: str) -> str:
    from orgmodel.labels import METRICS

    return METRICS[metric].zh


def _orgs() -> list[tuple[str, OrgGraph]]:
    from orgmodel.model import Unit
    from tests.metrics.conftest import county_units, make_county

    # a station with no officers: its community share, and its check, are undefined
    empty = OrgGraph([*county_units(), Unit("s0", "空派出所", "station", parent="r")], id="e")
    return [
        ("county", make_county()),
        ("empty-station", empty),
        *((f"varied-{s}", varied(s)) for s in (0, 1, 2)),
    ]


@pytest.mark.parametrize(("name", "org"), _orgs(), ids=lambda v: v if isinstance(v, str) else "")
def test_report_lists_are_the_rows_of_the_public_functions(name: str, org: OrgGraph) -> None:
    norms = load_norms()
    # the shipped policy rules are those the eager path above knows how to scope
    assert {r.scope for r in load_policy()} <= {"county_level", "org", "station", "county"}
    want = eager_lists(org, norms)
    report = metric_report(org, norms=norms)
    assert {(s, k) for s, k in PER_UNIT_LISTS} == set(want)
    for (section, key), rows in want.items():
        got = report[section].lazy(key)
        assert isinstance(got, Rows), (section, key)
        # read one row at a time before anything built them all …
        assert [got[i] for i in range(len(got))] == rows, (name, section, key)
        assert got[::-1] == rows[::-1] and got[1:4] == rows[1:4]
        # … then the whole list, as iteration builds it
        assert list(got) == rows and got == rows
        # read through the section, the list is the plain list of these rows, JSON and all
        plain = report[section][key]
        assert type(plain) is list and plain == rows and plain is report[section][key]
        assert json.dumps(plain, ensure_ascii=False) == json.dumps(rows, ensure_ascii=False)
    assert report["workforce"]["shortfall"] == sum(
        r["shortfall"] for r in want[("workforce", "hollow")]
    )
    assert report["mirror"]["mirror_unit_police"] == sum(
        r["police"] for r in want[("mirror", "units")]
    )
    assert report["policy"]["checks"] == len(want[("policy", "results")])
    if name == "empty-station":
        assert report["policy"]["not_evaluated"] == 1
    for k in ("passed", "failed"):
        assert report["policy"][k] == sum(
            r["passed"] is (k == "passed") for r in want[("policy", "results")]
        )

    # The JSON of the report is byte for byte that of the same report holding these lists.
    eager = {s: dict(v) for s, v in report.items()}
    for (section, key), rows in want.items():
        eager[section][key] = rows
    for kw in ({"ensure_ascii": False}, {"indent": 1, "sort_keys": True}):
        assert json.dumps(metric_report(org, norms=norms), **kw) == json.dumps(eager, **kw)  # type: ignore[arg-type]


def test_pages_of_a_report_are_slices_of_its_lists() -> None:
    org = varied(1)
    norms = load_norms()
    want = eager_lists(org, norms)
    report = metric_report(org, norms=norms)  # nothing read yet: pages build their rows alone
    total = {k: len(v) for k, v in want.items()}
    for limit in (1, 3, 1000):
        pages = max(1, *(-(-n // limit) for n in total.values()))
        for page in range(1, pages + 2):
            out, lists = page_lists(report, limit, page)
            for (section, key), rows in want.items():
                shown = out[section][key]
                assert type(shown) is list and shown == rows[(page - 1) * limit : page * limit]
                assert lists[f"{section}.{key}"]["total"] == len(rows)
            json.dumps(out)  # a page is plain JSON
    out, lists = page_lists(report, None)
    assert all(type(out[s][k]) is list and out[s][k] == want[(s, k)] for s, k in want)


def test_subtree_sums_by_sibling_runs_equal_the_bincount_pass(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Subtree sums add each level's runs of siblings into their parents (add.reduceat);
    the bincount pass kept for a level order without such runs gives the same report."""
    from orgmodel.metrics._frame import Frame

    org = varied(2)
    fast = json.dumps(metric_report(org), ensure_ascii=False)
    assert Frame(org).blocks is not None
    monkeypatch.setattr(Frame, "blocks", property(lambda self: None))
    assert json.dumps(metric_report(varied(2)), ensure_ascii=False) == fast


@pytest.mark.parametrize("name", ["orgmodel.metrics.rows", "orgmodel.io.per_unit"])
def test_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0

"""The seed organisations in seeds/orgs/ load and hold the figures they claim.

Subtree totals and fixed posts are computed here with plain loops (not with orgmodel.metrics)
so that the seeds are checked independently of the metric suite.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import yaml

from orgmodel.io import load_org
from orgmodel.model import OrgGraph

ROOT = Path(__file__).resolve().parents[1]
ORGS = ROOT / "seeds" / "orgs"
INTERNAL = ("department", "command_center")


def _load(name: str) -> OrgGraph:
    return load_org(ORGS / f"{name}.yaml")


def _subtree_police(org: OrgGraph) -> dict[str, int]:
    """Police of each unit's whole subtree: children are added to parents, leaves first."""
    total = {uid: org.attrs(uid)["police"] for uid in org.order()}
    for uid in reversed(org.order()):  # breadth-first reversed: children before parents
        p = org.parent(uid)
        if p is not None:
            total[p] += total[uid]
    return total


def _of_kind(org: OrgGraph, *kinds: str) -> list[str]:
    return [u for u in org.order() if org.attrs(u)["kind"] in kinds]


def _fixed_posts(org: OrgGraph, uid: str) -> int:
    """F = L + A + (D × k if the unit keeps its own 24/7 roster), from seeds/norms.yaml."""
    norms = yaml.safe_load((ROOT / "seeds" / "norms.yaml").read_text(encoding="utf-8"))
    a = org.attrs(uid)
    n = norms["kinds"][a["kind"]]
    k = n.get("officers_per_post", norms["officers_per_post"])
    leaders = n["leaders"] if a["leaders"] is None else a["leaders"]
    roster = n["duty_roster"] if a["duty_roster"] is None else a["duty_roster"]
    return leaders + n["admin"] + (n["duty_posts"] * k if roster else 0)


@pytest.mark.parametrize("name", ["mirror-county", "mirror-city", "taizhou-gxq-before"])
def test_seed_loads_with_its_id(name: str) -> None:
    org = _load(name)
    assert org.id == name
    for uid in _of_kind(org, "department", "command_center"):
        assert org.attrs(uid)["function"] in org.catalogue, uid


# -- 泰州高新区分局 (DOMAIN.md, "Published cases") ---------------------------------------------


def test_taizhou_matches_published_figures() -> None:
    org = _load("taizhou-gxq-before")
    sub = _subtree_police(org)
    bureau = org.root
    # 183 officers in all = 0 (the bureau unit: its leaders sit in the internal units)
    #                     + 97 (17 internal units) + 86 (stations with their posts).
    assert org.attrs(bureau)["kind"] == "county"
    assert org.attrs(bureau)["police"] == 0
    assert org.total_police() == 183
    assert sub[bureau] == 183

    internal = _of_kind(org, *INTERNAL)
    assert len(internal) == 17
    assert sum(1 for u in internal if org.attrs(u)["kind"] == "command_center") == 1
    assert all(org.parent(u) == bureau for u in internal)
    assert sum(org.attrs(u)["police"] for u in internal) == 97  # 97 / 183 = 53%

    stations = _of_kind(org, "station")
    assert 3 <= len(stations) <= 4
    assert sum(sub[s] for s in stations) == 86  # 86 / 183 = 47%
    assert 0 + 97 + 86 == 183
    # The bureau's direct children are exactly the 17 internal units and the stations.
    assert sorted(org.children(bureau)) == sorted(internal + stations)
    # Every community post sits under a station.
    for p in _of_kind(org, "community_post"):
        assert org.attrs(org.parent(p))["kind"] == "station"
    assert org.parent_bureau is not None and org.parent_bureau.name == "泰州市公安局"


# -- mirror-county: 河西县公安局 -----------------------------------------------------------------


def test_mirror_county_shape_and_numbers() -> None:
    org = _load("mirror-county")
    sub = _subtree_police(org)
    bureau = org.root
    assert org.attrs(bureau)["kind"] == "county"
    # Own police of the bureau unit = its leadership (局长、政委、副局长).
    assert 3 <= org.attrs(bureau)["police"] <= 7

    ccs = _of_kind(org, "command_center")
    assert len(ccs) == 1 and org.attrs(ccs[0])["function"] == "command"
    assert any(a == ccs[0] and org.attrs(b)["kind"] == "station" for a, b in org.dispatches)

    depts = _of_kind(org, "department")
    assert len(depts) >= 20
    functions = [org.attrs(d)["function"] for d in depts]
    assert len(set(functions)) == len(functions)  # one department per 警种
    # 上下对口: every department copies a function of the city bureau above.
    assert org.parent_bureau is not None
    assert set(functions) <= set(org.parent_bureau.functions)

    stations = _of_kind(org, "station")
    assert 12 <= len(stations) <= 18
    for s in stations:
        kinds = [org.attrs(c)["kind"] for c in org.children(s)]
        assert "community_post" in kinds, s

    police, aux = org.total_police(), org.total_auxiliaries()
    assert 400 <= police <= 600
    assert 0.75 * police <= aux <= 1.25 * police

    # Station share (pre-reform, below or near the national 40%) and a high organ share.
    station_police = sum(sub[s] for s in stations)
    organ_police = org.attrs(bureau)["police"] + sum(sub[u] for u in _of_kind(org, *INTERNAL))
    assert station_police + organ_police == police
    assert 0.35 <= station_police / police <= 0.45
    assert organ_police / police >= 0.55

    # 空壳: at least 3 departments too small to staff their own posts (police < F).
    # E.g. a department with duty_roster: F = L 2 + A 1 + D 1 × k 5 = 8 > 3 officers.
    hollow = [d for d in depts if org.attrs(d)["police"] < _fixed_posts(org, d)]
    assert len(hollow) >= 3, hollow
    # Traffic and criminal investigation are the large ones; exit-entry is tiny.
    size = {org.attrs(d)["function"]: org.attrs(d)["police"] for d in depts}
    assert size["traffic"] == max(size.values())
    assert size["criminal"] >= 30
    assert size["exit_entry"] <= 5


# -- mirror-city: 临江市公安局 -------------------------------------------------------------------


def test_mirror_city_guides_mirror_every_same_function_pair() -> None:
    org = _load("mirror-city")
    city = org.root
    assert org.attrs(city)["kind"] == "city"
    counties = _of_kind(org, "county")
    assert 3 <= len(counties) <= 5
    assert all(org.parent(c) == city for c in counties)

    def depts_of(bureau: str) -> dict[str, str]:
        out = {}
        for c in org.children(bureau):
            if org.attrs(c)["kind"] == "department":
                out[org.attrs(c)["function"]] = c
        return out

    city_depts = depts_of(city)
    assert len(city_depts) >= 18
    expected = set()
    for county in counties:
        cd = depts_of(county)
        # Each lower bureau copies most of the city's functions (上下对口).
        assert len(set(cd) & set(city_depts)) / len(city_depts) >= 0.7, county
        expected |= {(city_depts[f], d) for f, d in cd.items() if f in city_depts}
        assert sum(1 for c in org.children(county) if org.attrs(c)["kind"] == "command_center")
        stations = [c for c in org.children(county) if org.attrs(c)["kind"] == "station"]
        assert stations, county
        for s in stations:
            assert any(org.attrs(c)["kind"] == "community_post" for c in org.children(s)), s

    for upper, lower in org.guides:
        a, b = org.attrs(upper), org.attrs(lower)
        assert a["kind"] == b["kind"] == "department"
        assert a["function"] == b["function"]
        assert org.parent(upper) == city and org.parent(lower) in counties
    assert set(org.guides) == expected
    assert len(org.guides) == len(expected)

    # A few thousand police; auxiliaries of the same order.
    police = org.total_police()
    assert 2000 <= police <= 5000
    assert 0.6 * police <= org.total_auxiliaries() <= 1.4 * police


def test_every_data_file_reader_names_the_file_and_the_problem(tmp_path: Path) -> None:
    from orgmodel.catalogue import load_catalogue
    from orgmodel.errors import InputError
    from orgmodel.kind_rules import load_kind_rules
    from orgmodel.norms import load_norms

    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("名称: 刑侦".encode("gbk"))
    for load, what in ((load_catalogue, "function catalogue"), (load_kind_rules, "kind rules"),
                       (load_norms, "norms")):  # fmt: skip
        with pytest.raises(InputError, match=rf"none\.yaml: {what} file not found"):
            load(tmp_path / "none.yaml")
        with pytest.raises(InputError, match=r"bad\.yaml: malformed YAML"):
            load(bad)
        with pytest.raises(InputError, match=r"gbk\.yaml: not UTF-8 text"):
            load(gbk)


def test_json_data_files_are_read_as_json(tmp_path: Path) -> None:
    # A norms or policy file given as JSON went through the YAML reader: a key given twice
    # read "malformed YAML: duplicate key …", a JSON syntax error "malformed YAML: while
    # parsing a flow mapping". Both are JSON problems, named as such, with their place.
    import json

    from orgmodel.errors import InputError
    from orgmodel.i18n import language
    from orgmodel.norms import load_norms, load_policy
    from orgmodel.seeds import seed_path

    norms = yaml.safe_load(seed_path("norms.yaml").read_text(encoding="utf-8"))
    text = json.dumps(norms, ensure_ascii=False)
    good = tmp_path / "norms.json"
    good.write_text(text, encoding="utf-8")
    assert load_norms(good).absence_rate == load_norms().absence_rate
    twice = tmp_path / "twice.json"
    twice.write_text(text.replace('"absence_rate": ', '"absence_rate": 0.3, "absence_rate": '))
    with pytest.raises(InputError) as info:
        load_norms(twice)
    assert str(info.value) == (
        f"{twice}: the top level: key 'absence_rate' is given twice in one object: the last "
        "value would silently win; give it once"
    )
    with language("zh"):
        assert str(info.value).startswith(f"{twice}：文件顶层：键 'absence_rate' 在同一对象中")
    policy = yaml.safe_load(seed_path("policy.yaml").read_text(encoding="utf-8"))
    ptext = json.dumps(policy, ensure_ascii=False).replace('"threshold": ', '"threshold": 0.5, "threshold": ', 1)  # fmt: skip
    p = tmp_path / "policy.json"
    p.write_text(ptext, encoding="utf-8")
    with pytest.raises(InputError, match=r"policy\.json: rules\[0\]: key 'threshold' is given"):
        load_policy(p)
    bad = tmp_path / "bad.json"
    bad.write_text('{"kinds": {,}}', encoding="utf-8")
    # column 12: the comma after '{' (11 characters before it)
    with pytest.raises(InputError, match=r"bad\.json: malformed JSON at line 1, column 12: "):
        load_norms(bad)


def test_a_json_template_giving_a_key_twice_is_refused_naming_it(tmp_path: Path) -> None:
    import json

    from orgmodel.errors import InputError
    from orgmodel.restructure.templates import load_template
    from orgmodel.seeds import seed_path

    data = yaml.safe_load(seed_path("templates", "county-dabumen.yaml").read_text("utf-8"))
    text = json.dumps(data, ensure_ascii=False)
    good = tmp_path / "t.json"
    good.write_text(text, encoding="utf-8")
    a, b = load_template(good), load_template("county-dabumen")
    assert dataclasses.replace(a, source=b.source) == b  # the same template, from JSON
    first = next(iter(data))  # the first top-level key, given twice
    bad = tmp_path / "bad.json"
    bad.write_text(text.replace("{", "{" + json.dumps(first) + ': "x", ', 1), encoding="utf-8")
    with pytest.raises(InputError, match=rf"bad\.json: the top level: key '{first}' is given"):
        load_template(bad)

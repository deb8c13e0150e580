"""Templates: each function mapped once; applied per bureau with hand-worked numbers."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgmodel.catalogue import load_catalogue
from orgmodel.errors import InputError
from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import PlanError, apply_plan, load_template, template_from_dict
from tests.restructure._graphs import plan, police


@pytest.mark.parametrize(
    ("name", "n"), [("county-dabumen", 8), ("sandui-liangshi", 5), ("city-dabumen", 10)]
)
def test_seed_templates_map_every_bureau_function(name: str, n: int) -> None:
    t = load_template(name)
    assert len(t.departments) == n
    mapping = t.mapping()
    assert set(load_catalogue().codes("bureau")) <= set(mapping)


def test_a_template_maps_only_the_functions_it_is_about() -> None:
    data = {"departments": [{"code": "investigation", "name": "侦查", "functions": ["criminal"]}]}
    t = template_from_dict(data, "t.yaml")
    assert set(t.mapping()) == {"investigation", "criminal"} and not t.keep_unmapped


def test_unmapped_function_a_bureau_has_is_refused_unless_kept(tmp_path: Path) -> None:
    org = OrgGraph(
        [
            Unit("b", "县局", "county"),
            Unit("x", "刑侦大队", "department", "b", "criminal", police=10),
            Unit("j", "经侦大队", "department", "b", "economic", police=5),
            Unit("t", "交警大队", "department", "b", "traffic", police=20),
        ]
    )
    tpl = tmp_path / "inv.yaml"
    tpl.write_text(
        "id: inv\ndepartments:\n"
        "  - {code: investigation, name: 侦查大队, functions: [criminal, economic]}\n",
        encoding="utf-8",
    )
    op = {"op": "apply_template", "template": str(tpl)}
    with pytest.raises(PlanError, match="maps no large department for function 'traffic'"):
        apply_plan(org, plan(op))
    r = apply_plan(org, plan({**op, "keep_unmapped": True}))
    # 刑侦 10 + 经侦 5 → 侦查大队 15; 交警大队 20 kept as it is
    assert police(r.org, "b-investigation") == 15 and police(r.org, "t") == 20
    assert r.org.children("b") == ["b-investigation", "t"]


def test_function_mapped_twice_refused() -> None:
    data = {
        "departments": [
            {"code": "investigation", "name": "侦查", "functions": ["criminal"]},
            {"code": "prevention_control", "name": "治安", "functions": ["criminal"]},
        ]
    }
    with pytest.raises(InputError, match="already mapped"):
        template_from_dict(data, "t.yaml")


def test_county_template_on_small_county(org: OrgGraph) -> None:
    r = apply_plan(org, plan({"op": "apply_template", "template": "county-dabumen"}))
    o = r.org
    # cc (command, 6) + d3 (office, 3) → 情报指挥中心 9, a command centre keeping dispatches
    # d1 (criminal, 10) + d2 (economic, 5) → 侦查打击大队 15 with d1a under it
    assert o.children("b") == ["b-intel_command", "b-investigation", "s1", "s2"]
    assert police(o, "b-intel_command") == 9 and o.attrs("b-intel_command")["kind"] == (
        "command_center"
    )
    assert police(o, "b-investigation") == 15 and o.children("b-investigation") == ["d1a"]
    assert sorted(o.dispatches) == [("b-intel_command", "s1"), ("b-intel_command", "s2")]
    assert r.lineage.origins["b-investigation"] == ("d1", "d2")
    assert o.total_police() == 53


def test_template_with_department_of_unmapped_function() -> None:
    # a county whose department already carries a large function of another template
    org = OrgGraph(
        [
            Unit("b", "县局", "county"),
            Unit("x", "案件侦办队", "department", "b", "case_investigation", police=5),
        ]
    )
    with pytest.raises(PlanError) as e:
        apply_plan(org, plan({"op": "apply_template", "template": "county-dabumen"}))
    assert e.value.index == 0 and e.value.op == "apply_template"
    assert "maps no large department for function 'case_investigation'" in e.value.reason


def test_template_only_in_scope() -> None:
    # city c with two counties; scope k1 only restructures k1
    units = [Unit("c", "市局", "city")]
    for k in ("k1", "k2"):
        units += [
            Unit(k, f"{k}县局", "county", "c"),
            Unit(f"{k}-x", "刑侦", "department", k, "criminal", police=6),
            Unit(f"{k}-j", "经侦", "department", k, "economic", police=2),
        ]
    org = OrgGraph(units)
    o = apply_plan(
        org, plan({"op": "apply_template", "template": "county-dabumen", "scope": "k1"})
    ).org
    assert police(o, "k1-investigation") == 8 and "k2-x" in o and "k2-j" in o
    o = apply_plan(org, plan({"op": "apply_template", "template": "county-dabumen"})).org
    assert police(o, "k2-investigation") == 8 and "c-investigation" not in o


def test_county_template_lowers_mirror_index_and_hidden_loss(org: OrgGraph) -> None:
    from orgmodel.restructure import diff_orgs

    r = apply_plan(org, plan({"op": "apply_template", "template": "county-dabumen"}))
    d = diff_orgs(org, r.org, lineage=r.lineage)
    before, after = d["metrics"]["before"], d["metrics"]["after"]
    # 上下对口: before D(B) = {command, criminal, economic, office}, all in the parent's set
    # → 4/4 = 1; after D(B) = {intel_command, investigation, criminal} (d1a, the 刑侦中队
    # now under 侦查打击大队, keeps its function) → 1/3
    assert before["mirror_index"] == 1.0 and after["mirror_index"] == pytest.approx(1 / 3)
    # hidden loss O × (1 − police/S), seeds/norms.yaml:
    #  before: b 4×(1−4/30)=3.467, cc 6×(1−6/30)=4.8 (F=2+1+2×5=13), d1 3×(1−10/30)=2,
    #          d1a 3×(1−3/30)=2.7, d2 3×(1−5/30)=2.5, d3 3×(1−3/30)=2.7,
    #          s1 with its post p1 (one establishment, 12 + 2 = 14) 8×(1−14/40)=5.2,
    #          s2 8×(1−8/40)=6.4                                      → 29.767
    #  after:  情报指挥中心 9 police, F=13: 9×(1−9/30)=6.3; 侦查打击大队 15 police with a
    #          roster, F=2+1+5=8: 8×(1−15/30)=4; b, d1a, s1, s2 unchanged → 28.067
    assert before["hidden_loss"] == pytest.approx(29.7667, abs=1e-3)
    assert after["hidden_loss"] == pytest.approx(28.0667, abs=1e-3)
    assert d["freed"]["hidden_loss"] == pytest.approx(1.7, abs=1e-6)
    # departments 5 (cc, d1, d1a, d2, d3) → 3 (two large + d1a below 侦查打击大队)
    assert (before["departments"], after["departments"]) == (5, 3)

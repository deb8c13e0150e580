"""A part of a scenario (``report --plan P --root U``, ``om.compare(result, root=U)``) whose
unit the plan took away is refused with what the plan did, not as "no unit U"."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

import orgmodel as om
from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.io import load_org
from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import (
    Lineage,
    apply_plan,
    plan_from_dict,
    subtree_after,
    subtree_before,
)
from orgmodel.seeds import seed_path

COUNTY = str(seed_path("orgs", "mirror-county.yaml"))
DABUMEN = str(seed_path("plans", "dabumen-county.yaml"))


def _base() -> OrgGraph:
    return OrgGraph(
        [
            Unit("b", "县局", "county", police=5),
            Unit("x", "刑侦大队", "department", parent="b", function="criminal", police=9),
            Unit("y", "经侦大队", "department", parent="b", function="economic", police=4),
            Unit("p", "宣传室", "department", parent="b", function="publicity", police=2),
        ],
        id="c",
    )


def _apply(ops: list[dict[str, object]]) -> tuple[OrgGraph, Lineage]:
    base = _base()
    r = apply_plan(base, plan_from_dict({"name": "t", "ops": ops}))
    return r.org, r.lineage


def _refusal(ops: list[dict[str, object]], unit: str) -> tuple[str, str]:
    after, lineage = _apply(ops)
    with pytest.raises(InputError) as e:
        subtree_after(_base(), after, unit, lineage)
    with language("zh"):
        zh = str(e.value)
    return str(e.value), zh


def test_a_merged_unit_names_the_unit_it_went_into() -> None:
    en, zh = _refusal(
        [{"op": "merge", "units": ["x", "y"], "into": {"id": "z", "name": "侦查大队", "function": "criminal"}}],
        "y",
    )  # fmt: skip
    assert (
        en == "the plan merged unit 'y' (经侦大队) into 'z' (侦查大队): it is not in the scenario"
    )
    assert zh == "方案已把单位 'y'（经侦大队）并入 'z'（侦查大队）：改革后不再有这个单位"


def test_a_closed_unit_is_said_removed() -> None:
    en, zh = _refusal([{"op": "close", "unit": "p", "to": "x"}], "p")
    assert en == "the plan removed unit 'p' (宣传室): it is not in the scenario"
    assert zh == "方案已撤销单位 'p'（宣传室）：改革后不再有这个单位"


def test_a_unit_in_neither_side_is_no_unit() -> None:
    after, lineage = _apply([{"op": "close", "unit": "p", "to": "x"}])
    with pytest.raises(InputError, match="no unit 'q'"):
        subtree_after(_base(), after, "q", lineage)
    # a unit the plan kept is its part, as focus.subtree gives it
    assert subtree_after(_base(), after, "x", lineage).total_police() == 9 + 2


def test_report_root_on_a_merged_unit_in_both_languages(tmp_path: Path) -> None:
    out = str(tmp_path / "r.html")
    args = ["report", COUNTY, "--plan", DABUMEN, "--root", "dept-criminal", "-o", out]
    zh = CliRunner().invoke(app, [*args, "--lang", "zh"])
    en = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert zh.exit_code == 1 and en.exit_code == 1, (zh.output, en.output)
    assert zh.output.strip() == (
        "错误：方案已把单位 'dept-criminal'（刑事侦查大队）并入 "
        "'bureau-investigation'（侦查打击大队）：改革后不再有这个单位"
    )
    assert en.output.strip() == (
        "error: the plan merged unit 'dept-criminal' (刑事侦查大队) into "
        "'bureau-investigation' (侦查打击大队): it is not in the scenario"
    )
    assert not Path(out).exists()


def test_scripting_compare_root_on_a_merged_unit() -> None:
    result = om.apply(load_org(COUNTY), DABUMEN)
    with pytest.raises(
        InputError, match=r"merged unit 'dept-office' \(办公室\) into 'bureau-intel_command'"
    ):
        om.compare(result, root="dept-office")


def test_a_unit_under_a_new_id_is_followed() -> None:
    # the template makes 交通管理大队 (bureau-traffic) of 交通警察大队 (dept-traffic) alone:
    # the same unit, renamed; its 65 police and 110 auxiliaries (seed file) stayed
    result = om.apply(load_org(COUNTY), DABUMEN)
    c = om.compare(result, root="dept-traffic")
    assert (c.before.root, c.after.root) == ("dept-traffic", "bureau-traffic")
    assert c.diff["officers"]["stayed"] == {"police": 65, "auxiliaries": 110}
    assert c.diff["counts"]["renamed"] == 1


def test_a_unit_the_plan_created_is_said_created_in_both_languages() -> None:
    # x and y merged into a new unit z: z has no part before the plan; the refusal names
    # the units it came from and a base unit to choose instead (its parent b)
    base = _base()
    r = apply_plan(base, plan_from_dict({"name": "t", "ops": [
        {"op": "merge", "units": ["x", "y"], "into": {"id": "z", "name": "侦查大队", "function": "criminal"}}]}))  # fmt: skip
    with pytest.raises(InputError) as e:
        subtree_before(base, r.org, "z", r.lineage)
    assert str(e.value) == (
        "the plan created unit 'z' (侦查大队) from 'x' (刑侦大队), 'y' (经侦大队): it is not "
        "in the base; choose a unit of the base, such as its parent 'b' (县局)"
    )
    with language("zh"):
        assert str(e.value) == (
            "单位 'z'（侦查大队）是方案由 'x'（刑侦大队）、'y'（经侦大队）新建的：改革前没有这个"
            "单位；请选择改革前就有的单位，例如它的上级 'b'（县局）"
        )
    # a base unit is its own part; a unit in neither side is still "no unit"
    assert subtree_before(base, r.org, "p", r.lineage).total_police() == 2
    with pytest.raises(InputError, match="no unit 'q'"):
        subtree_before(base, r.org, "q", r.lineage)


def test_a_renamed_unit_is_taken_under_its_base_id() -> None:
    # a 大部门 of one department under a new id is that department: before-part of x
    base = _base()
    r = apply_plan(base, plan_from_dict({"name": "t", "ops": [
        {"op": "merge", "units": ["x"], "into": {"id": "xx", "name": "刑侦大队"}}]}))  # fmt: skip
    if r.lineage.renamed.get("xx") != "x":
        pytest.skip("a one-unit merge is not recorded as a rename in this version")
    assert subtree_before(base, r.org, "xx", r.lineage).total_police() == 9


def test_report_root_on_a_created_unit(tmp_path: Path) -> None:
    # a plan merging two departments into a new unit z; --root z is refused
    # with what the plan did, in both languages, and writes no file
    org_file = tmp_path / "c.yaml"
    org_file.write_text(
        "id: c\nname: 县局\nunits:\n"
        "  - {id: b, name: 县局, kind: county, police: 5}\n"
        "  - {id: x, name: 刑侦大队, kind: department, parent: b, function: criminal, police: 9}\n"
        "  - {id: y, name: 经侦大队, kind: department, parent: b, function: criminal, police: 4}\n",
        encoding="utf-8",
    )
    plan_file = tmp_path / "p.yaml"
    plan_file.write_text(
        "name: t\nops:\n  - op: merge\n    units: [x, y]\n    into: {id: z, name: 侦查大队}\n",
        encoding="utf-8",
    )
    out = tmp_path / "r.html"
    args = ["report", str(org_file), "--plan", str(plan_file), "--root", "z", "-o", str(out)]
    zh = CliRunner().invoke(app, [*args, "--lang", "zh"])
    en = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert zh.exit_code != 0 and en.exit_code != 0
    assert "单位 'z'（侦查大队）是方案由 'x'（刑侦大队）、'y'（经侦大队）新建的" in zh.output
    assert "the plan created unit 'z' (侦查大队)" in en.output
    assert not out.exists()


def test_compare_of_two_plain_organisations_never_speaks_of_a_plan() -> None:
    # b is a plain organisation (no plan's lineage): y missing from it is "no unit", not
    # "the plan removed"
    a = _base()
    b = apply_plan(a, plan_from_dict({"name": "t", "ops": [{"op": "merge", "units": ["x", "y"],
        "into": {"id": "z", "name": "侦查大队", "function": "criminal"}}]})).org  # fmt: skip
    with pytest.raises(InputError) as e:
        om.compare(a, b, root="y")
    assert str(e.value).startswith("no unit 'y' in organisation")
    assert "removed" not in str(e.value)


def test_a_created_unit_under_a_renamed_one_names_the_renamed_unit_by_its_base_id() -> None:
    # x renamed to xx (a one-unit merge), then n created under xx: the hint names x (its
    # parent, by its base id), not the bureau above it
    base = _base()
    r = apply_plan(base, plan_from_dict({"name": "t", "ops": [
        {"op": "merge", "units": ["x"], "into": {"id": "xx", "name": "刑侦大队"}},
        {"op": "create", "unit": {"id": "n", "name": "新中队", "kind": "department", "parent": "xx", "function": "criminal"}}]}))  # fmt: skip
    if r.lineage.renamed.get("xx") != "x":
        pytest.skip("a one-unit merge is not recorded as a rename in this version")
    with pytest.raises(InputError) as e:
        subtree_before(base, r.org, "n", r.lineage)
    assert "such as its parent 'x' (刑侦大队)" in str(e.value)

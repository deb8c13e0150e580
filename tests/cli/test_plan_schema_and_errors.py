"""``orgmodel plan schema`` and the plan errors of issue 12, through the CLI.

Each error (a selector that matches nothing, a staffing pool that is short, a dispatch from a
unit that is not a command centre, a bundle across bureaus) exits 1 with a message naming the
operation and the reason, and writes nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema_rs  # with schemathesis (dev dependency)
import pytest
import yaml
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.seeds import seed_path

runner = CliRunner()

ORG = """\
id: t
name: 测试市公安局
units:
  - {id: c, name: 测试市公安局, kind: city, police: 5}
  - {id: c-xj, parent: c, name: 刑侦支队, kind: department, function: criminal, police: 30}
  - {id: k1, parent: c, name: 东区分局, kind: county, police: 4}
  - {id: k1-cc, parent: k1, name: 东区指挥中心, kind: command_center, function: command, police: 8}
  - {id: k1-xj, parent: k1, name: 东区刑侦大队, kind: department, function: criminal, police: 12}
  - {id: k1-s1, parent: k1, name: 东门派出所, kind: station, police: 4}
  - {id: k1-s1-p, parent: k1-s1, name: 东门警务室, kind: community_post, police: 1}
  - {id: k2, parent: c, name: 西区分局, kind: county, police: 4}
  - {id: k2-s1, parent: k2, name: 西门派出所, kind: station, police: 9}
"""

ERRORS = {
    "empty selector": (
        "- {op: sink, police: 2, from: {function: 交警, of: c}, to: {kind: station}}\n",
        "ops[0] (sink): from: selector {function: 交警, of: c} matches no unit",
    ),
    "short pool": (
        # 东门派出所 has 4 police and keeps its 2 leader posts: it can give 2, the post needs 4
        "- {op: staff, units: {kind: community_post}, pattern: {police: 5}}\n",
        "ops[0] (staff): pool short: 1 unit(s) of 东门派出所（k1-s1） need 4 more police but its "
        "pool can give only 2 (short by 2)",
    ),
    "dispatch from a department": (
        "- {op: dispatch, from: k1-xj, to: k1-s1}\n",
        "ops[0] (dispatch): 东区刑侦大队（k1-xj） is a department (内设机构), not a command "
        "centre: only a 情指中心 (command_center) dispatches",
    ),
    "a unit in two groups": (
        # before the fix the second group was silently nested inside the first
        "- op: bundle\n  groups:\n"
        "  - {id: g1, name: 甲片区, units: [k1-s1]}\n"
        "  - {id: g2, name: 乙片区, units: [k1-s1]}\n",
        "ops[0] (bundle): 东门派出所（k1-s1） is named by two groups ('g1' and 'g2'); "
        "a unit belongs to one group",
    ),
    "bundle with no groups": (
        "- {op: bundle, groups: []}\n",
        "ops[0] (bundle): groups: give at least one group",
    ),
    "bundle across bureaus": (
        "- op: bundle\n  units: {kind: station}\n  into: {id: pq, name: 城区片区}\n",
        "ops[0] (bundle): bundle across bureaus: a group (片区/体系) lies inside one bureau, but "
        "the units belong to 2 bureaus",
    ),
}


@pytest.fixture
def org(tmp_path: Path) -> Path:
    f = tmp_path / "org.yaml"
    f.write_text(ORG, encoding="utf-8")
    return f


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_issue12_errors_exit_1_name_the_op_and_write_nothing(org: Path, case: str) -> None:
    ops, expected = ERRORS[case]
    # a good operation first: the error must undo it too
    plan = org.parent / "plan.yaml"
    plan.write_text(
        "name: 测试\nops:\n- {op: transfer, from: c-xj, to: k2-s1, police: 3}\n"
        + ops.replace("ops[0]", "ops[1]"),
        encoding="utf-8",
    )
    out = org.parent / "after.yaml"
    before = org.read_bytes()
    res = runner.invoke(app, ["apply", str(org), str(plan), "-o", str(out)])
    assert res.exit_code == 1, res.output
    assert res.output.startswith("error: ") and "Traceback" not in res.output
    assert expected.replace("ops[0]", "ops[1]") in " ".join(res.output.split()), res.output
    assert not out.exists() and list(org.parent.glob("after*")) == []
    assert org.read_bytes() == before


def test_plan_schema_is_printed_and_checks_the_seed_plans() -> None:
    res = runner.invoke(app, ["plan", "schema"])
    assert res.exit_code == 0, res.output
    schema = json.loads(res.output)
    assert schema["title"] == "orgmodel restructuring plan (改革方案)"
    ops = {
        d["properties"]["op"]["const"]
        for d in schema["$defs"].values()
        if "op" in d.get("properties", {})
    }
    assert {"bundle", "dispatch", "staff", "integrate_command", "merge_by_function"} <= ops
    check = jsonschema_rs.validator_for(schema)
    plans = sorted(seed_path("plans").glob("*.yaml"))
    assert len(plans) == 7
    for f in plans:
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        assert check.is_valid(data), (f.name, [str(e) for e in check.iter_errors(data)][:3])
    # an editor flags what the loader refuses: a share above 1, an unknown field, a bad op
    assert not check.is_valid({"name": "x", "ops": [{"op": "sink", "share": 2}]})
    assert not check.is_valid({"ops": [{"op": "move", "units": "a", "to": "b", "bogus": 1}]})
    assert not check.is_valid({"ops": [{"op": "teleport"}]})
    assert check.is_valid({"ops": [{"op": "move", "units": {"kind": "station"}, "to": "b"}]})

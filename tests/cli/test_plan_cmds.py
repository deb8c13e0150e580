"""``orgmodel apply`` and ``orgmodel compare``: output, JSON, and every plan error class.

Each error class of issue 3 point 3 (unknown unit, merging into a descendant, moving the
root, transferring too many officers, an unmapped template function, malformed YAML) exits
with code 1, names the operation's index, its ``op`` and the reason, and writes no output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.io import load_org
from orgmodel.seeds import seed_path

runner = CliRunner()

ORG = """\
id: t
name: 测试县公安局
units:
  - {id: r, name: 测试县公安局, kind: county, police: 4}
  - {id: xz, parent: r, name: 刑事侦查大队, kind: department, function: criminal, police: 20}
  - {id: xz1, parent: xz, name: 刑侦一中队, kind: department, function: criminal, police: 6}
  - {id: jz, parent: r, name: 经济犯罪侦查大队, kind: department, function: economic, police: 5}
  - {id: s, parent: r, name: 城关派出所, kind: station, police: 10}
"""

GOOD_PLAN = """\
name: 合并侦查
ops:
  - {op: merge, units: [xz, jz], into: xz}
  - {op: transfer, from: xz, to: s, police: 5}
"""

UNMAPPED_TEMPLATE = """\
id: partial
departments:
  - {code: investigation, name: 侦查打击大队, functions: [economic]}
"""

ERRORS = {
    "unknown unit": (
        "ops:\n  - {op: set, unit: s, attrs: {name: 新所}}\n  - {op: transfer, from: nope, to: s, police: 1}\n",
        None,
    ),
    "merge into descendant": (
        "ops:\n  - {op: merge, units: [xz, jz], into: xz1}\n",
        "ops[0] (merge): cannot merge 'xz' into its own descendant 'xz1'",
    ),
    "move the root": (
        "ops:\n  - {op: set, unit: s, attrs: {name: 新所}}\n  - {op: move, unit: r, to: s}\n",
        "ops[1] (move): cannot move the root 'r'",
    ),
    "transfer too many": (
        "ops:\n  - {op: transfer, from: jz, to: s, police: 9}\n",
        "ops[0] (transfer): cannot transfer 9 police from 'jz': it has 5",
    ),
    "unmapped template": (
        "ops:\n  - {op: apply_template, template: partial.yaml}\n",
        "ops[0] (apply_template): template 'partial' maps no large department for function "
        "'criminal'",
    ),
    "malformed yaml": ("ops:\n  - {op: merge, units: [xz\n", "malformed YAML"),
    "unknown op": ("ops:\n  - {op: teleport, unit: s}\n", "ops[0] (teleport): unknown operation"),
}


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "org.yaml").write_text(ORG, encoding="utf-8")
    (tmp_path / "plan.yaml").write_text(GOOD_PLAN, encoding="utf-8")
    (tmp_path / "partial.yaml").write_text(UNMAPPED_TEMPLATE, encoding="utf-8")
    return tmp_path


def test_apply_writes_scenario_and_prints_diff(files: Path) -> None:
    out = files / "after.yaml"
    res = runner.invoke(
        app,
        [
            "apply",
            str(files / "org.yaml"),
            str(files / "plan.yaml"),
            "-o",
            str(out),
            "--lang",
            "zh",
        ],
    )
    assert res.exit_code == 0, res.output
    for text in (
        "合并侦查",
        "指标对比",
        "内设机构数",
        "合并",
        "警力流向",
        "经济犯罪侦查大队",
    ):
        assert text in res.output
    after = load_org(out)
    # xz 20 + jz 5 − 5 = 20; s 10 + 5 = 15; 45 in all
    assert after.attrs("xz")["police"] == 20 and after.attrs("s")["police"] == 15
    assert after.total_police() == 45 and "jz" not in after


def test_apply_json_is_one_object(files: Path) -> None:
    res = runner.invoke(app, ["apply", str(files / "org.yaml"), str(files / "plan.yaml"), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.output)
    assert data["hired"] == {"police": 0, "auxiliaries": 0}
    assert data["diff"]["units"]["merged"] == [
        {"into": "xz", "name": "刑事侦查大队", "from": ["jz", "xz"]}
    ]
    assert data["diff"]["metrics"]["delta"]["departments"] == -1
    assert [s["op"] for s in data["steps"]] == ["merge", "transfer"]


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_plan_errors_exit_1_and_write_nothing(files: Path, case: str) -> None:
    text, expected = ERRORS[case]
    (files / "bad.yaml").write_text(text, encoding="utf-8")
    out = files / "after.yaml"
    res = runner.invoke(
        app, ["apply", str(files / "org.yaml"), str(files / "bad.yaml"), "-o", str(out)]
    )
    assert res.exit_code == 1, res.output
    assert res.output.startswith("error: ")
    assert "Traceback" not in res.output
    assert str(files / "bad.yaml") in res.output
    if case == "unknown unit":
        assert "ops[1] (transfer): unknown unit 'nope' (from)" in res.output
    else:
        assert expected in res.output
    assert not out.exists()
    assert list(files.glob("after*")) == []


def test_missing_plan_file(files: Path) -> None:
    res = runner.invoke(app, ["apply", str(files / "org.yaml"), str(files / "none.yaml")])
    assert res.exit_code == 1 and "no such plan file" in res.output


def test_compare_two_files(files: Path) -> None:
    out = files / "after.yaml"
    runner.invoke(app, ["apply", str(files / "org.yaml"), str(files / "plan.yaml"), "-o", str(out)])
    res = runner.invoke(app, ["compare", str(files / "org.yaml"), str(out), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "org.yaml" in res.output and "after.yaml" in res.output and "内设机构数" in res.output
    res = runner.invoke(app, ["compare", str(files / "org.yaml"), str(out)], env={"COLUMNS": "200"})
    assert res.exit_code == 0 and "internal departments" in res.output  # pinned English
    res = runner.invoke(app, ["compare", str(files / "org.yaml"), str(out), "--json"])
    d = json.loads(res.output)
    # matched by id: jz removed, xz changed (20 → 20 police) — s gained 5
    assert [u["id"] for u in d["units"]["removed"]] == ["jz"]
    assert d["officers"]["police_a"] == d["officers"]["police_b"] == 45


# A county whose parent bureau has only 刑侦: merging 经侦 into 刑侦 leaves one department,
# whose function the parent has.
MIRROR_ORG = """\
id: t6
name: 测试县公安局
parent_bureau: {name: 测试市公安局, functions: [criminal]}
units:
  - {id: r, name: 测试县公安局, kind: county, police: 6}
  - {id: d1, parent: r, name: 刑事侦查大队, kind: department, function: criminal, police: 13}
  - {id: d2, parent: r, name: 经济犯罪侦查大队, kind: department, function: economic, police: 5}
  - {id: s, parent: r, name: 城关派出所, kind: station, police: 23}
"""


def _row(output: str, key: str) -> list[str]:
    """The cells of a metric's row in the headline table (found by its id column)."""
    [line] = [ln for ln in output.splitlines() if f"│ {key} " in ln]
    return [c.strip() for c in line.strip("│ ").split("│")]


@pytest.mark.parametrize("command", ["apply", "compare"])
def test_expected_values_and_share_changes_read_one_way(tmp_path: Path, command: str) -> None:
    # Deployable officers (seeds/norms.yaml: absence 10%; each unit gives its leaders L,
    # admin A and duty D×k first, DOMAIN.md "availability funnel"):
    #   before: county 6 − 4 − 2 = 0; 刑侦 13 − 2 − 1 = 10; 经侦 5 − 2 − 1 = 2;
    #           派出所 23 − 2 − 1 − 1×5 = 15  → 27 × 0.9 = 24.3
    #   after the merge: 刑侦 18 − 2 − 1 = 15 → 0 + 15 + 15 = 30 → 30 × 0.9 = 27.0
    # An expected value keeps its decimal when it is whole: 27.0, not 27 (it was 27 in the
    # CLI and 27.0 on the dashboard).
    # Mirror index: before |{criminal, economic} ∩ {criminal}| / 2 = 50%; after 1/1 = 100%:
    # a change of +50.0 percentage points (个百分点), like every share's change.
    org, plan, after = tmp_path / "org.yaml", tmp_path / "plan.yaml", tmp_path / "after.yaml"
    org.write_text(MIRROR_ORG, encoding="utf-8")
    plan.write_text("name: 合并侦查\nops:\n  - {op: merge, units: [d1, d2], into: d1}\n")
    res = runner.invoke(app, ["apply", str(org), str(plan), "-o", str(after)])
    assert res.exit_code == 0, res.output
    args = (
        [command, str(org), str(after)]
        if command == "compare"
        else [command, str(org), str(plan), "-o", str(tmp_path / "again.yaml")]
    )
    for lang, pp in (("zh", "个百分点"), ("en", "pp")):
        res = runner.invoke(app, [*args, "--lang", lang], env={"COLUMNS": "200"})
        assert res.exit_code == 0, res.output
        assert _row(res.output, "deployable")[-3:] == ["24.3", "27.0", "+2.7"]
        assert _row(res.output, "mirror_index")[-3:] == ["50.0%", "100.0%", f"+50.0 {pp}"]


def test_seed_taizhou_through_the_cli(tmp_path: Path) -> None:
    res = runner.invoke(
        app,
        [
            "apply",
            str(seed_path("orgs", "taizhou-gxq-before.yaml")),
            str(seed_path("plans", "taizhou-gxq-sandui-liangshi.yaml")),
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)["diff"]
    assert d["officers"]["police_b"] == 183 and d["metrics"]["after"]["departments"] == 5


def test_demo_function_prints_side_by_side() -> None:
    from io import StringIO

    from rich.console import Console

    from orgmodel.cli.plan_cmds import print_dabumen_demo
    from orgmodel.i18n import language

    buf = StringIO()
    with language("zh"):  # the library speaks English unless told (orgmodel.i18n)
        d = print_dabumen_demo(Console(file=buf, width=160))
    text = buf.getvalue()
    assert "改革前：河西县公安局" in text and "改革后：河西县公安局" in text
    assert "侦查打击大队" in text and "刑事侦查大队" in text
    assert d["metrics"]["after"]["departments"] == 8


EXPORT_2023 = """\
id: hr-2023
name: 某县公安局
units:
  - {id: r, name: 某县公安局, kind: county, police: 10}
  - {id: s1, parent: r, name: 城关派出所, kind: station, police: 150}
  - {id: s2, parent: r, name: 东关派出所, kind: station, police: 130}
  - {id: s3, parent: r, name: 西关派出所, kind: station, police: 120}
"""

EXPORT_2024 = """\
id: hr-2024
name: 某县公安局
units:
  - {id: r, name: 某县公安局, kind: county, police: 10}
  - {id: zx, parent: r, name: 中心派出所, kind: station, police: 398}
"""


def test_compare_two_exports_with_a_lineage_map(tmp_path: Path) -> None:
    a, b = tmp_path / "2023.yaml", tmp_path / "2024.yaml"
    a.write_text(EXPORT_2023, encoding="utf-8")
    b.write_text(EXPORT_2024, encoding="utf-8")
    ids = tmp_path / "ids.csv"
    ids.write_text("old,new\ns1,zx\ns2,zx\ns3,zx\n", encoding="utf-8")
    # By id only: s1–s3 release 400, zx gains 398 → moved 398, retired 2, stayed r's 10.
    res = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    o = json.loads(res.output)["officers"]
    assert (o["stayed"]["police"], o["moved"]["police"], o["retired"]["police"]) == (10, 398, 2)
    assert o["hired"]["police"] == 0 and o["method"] == "estimated"
    # Through the map: zx continues s1–s3, a merge, which moves officers (DOMAIN.md; as
    # orgmodel apply counts it): zx is none of the three, so stayed is r's min(10, 10) = 10;
    # released 400, gained 398 → moved 398, retired 2 — each station's officers to zx.
    res = runner.invoke(app, ["compare", str(a), str(b), "--lineage", str(ids), "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    o = d["officers"]
    assert (o["stayed"]["police"], o["moved"]["police"], o["retired"]["police"]) == (10, 398, 2)
    assert o["hired"]["police"] == 0
    assert {f["from"] for f in o["flows"] if f["to"] == "zx"} == {"s1", "s2", "s3"}
    assert d["units"]["merged"][0]["from"] == ["s1", "s2", "s3"]
    res = runner.invoke(app, ["compare", str(a), str(b), "--lineage", str(ids), "--lang", "zh"])
    assert res.exit_code == 0, res.output
    assert "留任 10" in res.output and "调动 398" in res.output and "减员 2" in res.output
    assert "估算" in res.output
    # A rename is the same unit under a new code: its officers stayed (zx continues s1 alone).
    b.write_text(EXPORT_2023.replace("id: s1,", "id: zx,").replace("hr-2023", "hr-2024"))
    ids.write_text("old,new\ns1,zx\n", encoding="utf-8")
    res = runner.invoke(app, ["compare", str(a), str(b), "--lineage", str(ids), "--json"])
    o = json.loads(res.output)["officers"]
    # 10 + 150 + 130 + 120 = 410, nobody moved: all stayed.
    assert (o["stayed"]["police"], o["moved"]["police"], o["retired"]["police"]) == (410, 0, 0)
    # A map naming a unit that is not there is an error naming the file and the id.
    ids.write_text("old,new\ns9,zx\n", encoding="utf-8")
    res = runner.invoke(app, ["compare", str(a), str(b), "--lineage", str(ids)])
    assert res.exit_code != 0 and "s9" in res.output and "ids.csv" in res.output


_SPANS = """\
orgmodel: 1
id: {id}
name: 甲县公安局
units:
  - {{id: b, name: 甲县公安局, kind: county, police: 5}}
  - {{id: xz, parent: b, name: 刑侦大队, kind: department, function: criminal, police: 12}}
  - {{id: s1, parent: b, name: 一所, kind: station, police: 20}}
  - {{id: s2, parent: b, name: 二所, kind: station, police: 20}}
  - {{id: p1, parent: s1, name: 一室, kind: community_post, police: 2}}
  - {{id: p2, parent: s1, name: 二室, kind: community_post, police: 2}}
  - {{id: p3, parent: s2, name: 三室, kind: community_post, police: 2}}
  - {{id: p4, parent: s2, name: 四室, kind: community_post, police: 2}}
"""


def test_compare_changes_are_worked_from_the_figures_shown(tmp_path: Path) -> None:
    # Managing units b, s1, s2. Before: spans 3, 2, 2 → mean 7/3 = 2.333, shown 2.3; two of
    # three at span 2 (narrow) → 66.7%. After (a fifth post under s2): spans 3, 2, 3 → 8/3 =
    # 2.667, shown 2.7; one of three narrow → 33.3%. The change shown must be what the
    # figures give: 2.7 − 2.3 = +0.4 (the exact +0.333 showed +0.3) and 33.3 − 66.7 =
    # −33.4 pp (the exact −33.3 pp did not add up to the figures beside it).
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(_SPANS.format(id="a"), encoding="utf-8")
    b.write_text(
        _SPANS.format(id="b2") + "  - {id: p5, parent: s2, name: 五室, kind: community_post}\n",
        encoding="utf-8",
    )
    res = runner.invoke(app, ["compare", str(a), str(b)], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    rows = {
        line.split("│")[2].strip(): [c.strip() for c in line.split("│")[3:6]]
        for line in res.output.splitlines()
        if line.count("│") == 6
    }
    assert rows["mean_span"] == ["2.3", "2.7", "+0.4"]
    # the minus is U+2212, as in the report and the dashboard
    assert rows["narrow_span_share"] == ["66.7%", "33.3%", "−33.4 pp"]
    assert rows["units"] == ["8", "9", "+1"]

"""A plan file's errors read in the language they are shown in: pydantic's reasons (a missing
field, a value that is not a number, out of range, none of the choices …) and the models' own
rules are msgids (orgmodel._pydantic_reasons, orgmodel.restructure.plan), not pydantic's English."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.i18n import language
from orgmodel.restructure.plan import (
    PlanError,
    check_op,
    load_plan,
    plan_from_dict,
    read_plan_text,
)

ROOT = Path(__file__).resolve().parents[2]
COUNTY = str(ROOT / "seeds" / "orgs" / "mirror-county.yaml")
#: pydantic's English words, none of which may show in a Chinese message.
PYDANTIC_ENGLISH = re.compile(r"Input should|Field required|valid integer|should have|Value error")


CASES: list[tuple[dict[str, Any], str, str]] = [
    # (operation, English reason, Chinese reason)
    ({"op": "merge", "units": ["a"], "into": {"id": "x"}},
     "into.name: field missing", "into.name：缺少此字段"),
    ({"op": "sink", "share": "abc"}, "share: 'abc' is not a number", "share：'abc' 不是数字"),
    ({"op": "sink", "share": 1.5},
     "share: must be at most 1.0, got 1.5", "share：不能大于 1.0，收到的是 1.5"),
    ({"op": "sink", "share": 0.2, "land": "moon"},
     "land: 'moon' is none of 'station' or 'community'",
     "land：'moon' 不是 'station'、'community' 之一"),
    ({"op": "hire", "unit": "a", "police": 2.5},
     "police: 2.5 is not a whole number", "police：2.5 不是整数"),
    ({"op": "close", "unit": "a", "retire": "yes"},
     "retire: 'yes' is neither true nor false", "retire：'yes' 既不是 true 也不是 false"),
    ({"op": "set", "units": "a", "attrs": {}}, "attrs: must not be empty", "attrs：不能为空"),
    # a union (2 | [parts]): the branch whose type fitted says what is wrong, not "not a number"
    ({"op": "split", "unit": "a", "into": [{"id": "x", "name": "a"}]},
     "into: must have at least 2 items, got 1", "into：至少要有 2 项，收到的是 1 项"),
    # the models' own rules
    ({"op": "hire", "unit": "a"},
     "hire needs police and/or auxiliaries", "hire 需要给出 police 和/或 auxiliaries"),
    ({"op": "move", "units": [{}], "to": "b"},
     "units[0]: a selector needs at least one of kind, function, name, within, of, ids, exclude",
     "units[0]：选择器至少要有 kind、function、name、within、of、ids、exclude 中的一项"),
]  # fmt: skip


@pytest.mark.parametrize(("op", "en", "zh"), CASES)
def test_operation_errors_in_both_languages(op: dict[str, Any], en: str, zh: str) -> None:
    with pytest.raises(PlanError) as info:
        check_op(0, op, "p.yaml")
    e = info.value
    # as a str (a script, the API): English, the same on every machine
    assert e.reason == en
    assert str.__str__(e.args[0]) == f"p.yaml: ops[0] ({op['op']}): {en}"
    with language("zh"):
        shown = str(e)
    assert shown == f"p.yaml：ops[0]（{op['op']}）：{zh}"
    assert not PYDANTIC_ENGLISH.search(shown)


def test_plan_level_field_error_in_both_languages() -> None:
    with pytest.raises(PlanError) as info:
        plan_from_dict({"name": 3, "ops": []}, "p.yaml")
    assert str(info.value) == "p.yaml: name: 3 is not text"
    with language("zh"):
        assert str(info.value) == "p.yaml：name：3 不是文本"


def test_apply_prints_a_plan_error_in_the_commands_language(tmp_path: Path) -> None:
    plan = tmp_path / "p.yaml"
    plan.write_text("ops:\n  - {op: merge, units: [a, b], into: {id: m}}\n", encoding="utf-8")
    runner = CliRunner()
    zh = runner.invoke(app, ["apply", COUNTY, str(plan), "--lang", "zh"])
    assert zh.exit_code == 1
    assert zh.output.strip() == f"错误：{plan}：ops[0]（merge）：into.name：缺少此字段"
    en = runner.invoke(app, ["apply", COUNTY, str(plan), "--lang", "en"])
    assert en.exit_code == 1
    assert en.output.strip() == f"error: {plan}: ops[0] (merge): into.name: field missing"


def test_bundle_across_bureaus_lists_the_units_by_bureau_in_either_language() -> None:
    # 解放路派出所 is in the 江城分局, 汤坊派出所 in the 石门县公安局: a group cannot span them
    from orgmodel.io import load_org
    from orgmodel.restructure import apply_plan

    city = load_org(ROOT / "seeds" / "orgs" / "mirror-city.yaml")
    into = {"id": "g", "name": "片区"}
    op = {"op": "bundle", "units": ["jc-st-jiefang", "sm-st-tangfang"], "into": into}
    plan = plan_from_dict({"name": "p", "ops": [op]})
    shown = {}
    for lang in ("en", "zh"):
        with language(lang), pytest.raises(PlanError) as info:
            apply_plan(city, plan)
        with language(lang):
            shown[lang] = str(info.value)
    assert (
        "(解放路派出所 of 临江市公安局江城分局（jc）; 汤坊派出所 of 石门县公安局（sm）)"
        in shown["en"]
    )
    assert (
        "（临江市公安局江城分局（jc）的解放路派出所；石门县公安局（sm）的汤坊派出所）"
        in shown["zh"]
    )
    assert not re.search(r"\bof\b|; ", shown["zh"]), shown["zh"]


JSON_PLAN_KEY_TWICE = (
    '{"name": "x", "ops": [\n'
    '  {"op": "move", "unit": "a", "to": "b"},\n'
    '  {"op": "move", "unit": "c", "to": "b"},\n'
    '  {"op": "transfer", "from": "xj", "to": "s1", "police": 2, "police": 9}\n'
    "]}\n"
)


@pytest.mark.parametrize(
    ("lang", "expected", "not_said"),
    [
        (
            "en",
            "ops[2] (transfer): key 'police' is given twice in one object: the last value "
            "would silently win; give it once",
            "YAML",
        ),
        ("zh", "ops[2]（transfer）：键 'police' 在同一对象中给了两次", "YAML"),
    ],
)
def test_a_json_plan_file_giving_a_key_twice_says_so_as_json(
    tmp_path: Path, lang: str, expected: str, not_said: str
) -> None:
    # Before, a .json plan went through the YAML reader: "YAML 格式错误" (malformed YAML)
    # for a JSON file, with lines but no operation named.
    p = tmp_path / "plan.json"
    p.write_text(JSON_PLAN_KEY_TWICE, encoding="utf-8")
    with language(lang):
        with pytest.raises(PlanError) as ei:
            load_plan(p)
        msg = str(ei.value)  # a lazy text: shown in the language in force
    assert expected in msg and not_said not in msg, msg
    assert (ei.value.index, ei.value.op) == (2, "transfer")


def test_a_malformed_json_plan_file_is_named_as_json(tmp_path: Path) -> None:
    p = tmp_path / "plan.json"
    p.write_text('{"name": "x", "ops": [,]}', encoding="utf-8")
    with language("en"):
        with pytest.raises(PlanError) as ei:
            load_plan(p)
        # column 23: the comma after '[' (22 characters before it)
        assert str(ei.value) == f"{p}: malformed JSON at line 1, column 23: Expecting value"
    with language("zh"):
        with pytest.raises(PlanError) as ei:
            load_plan(p)
        assert "第 1 行第 23 列 JSON 格式错误" in str(ei.value), str(ei.value)


def test_a_key_twice_deeper_in_an_operation_names_the_field_path() -> None:
    text = '{"ops": [{"op": "merge", "units": ["a", "b"], "into": {"id": "x", "id": "y"}}]}'
    with language("en"):
        with pytest.raises(PlanError) as ei:
            read_plan_text(text, "p.json", json_text=True)
        assert str(ei.value).startswith("p.json: ops[0] (merge): into: key 'id' is given twice")


@pytest.mark.parametrize(
    ("op", "en", "zh"),
    [
        # a unit moved under itself was "under its own descendant 'cc'"
        (
            {"op": "move", "unit": "cc", "to": "cc"},
            "ops[0] (move): cannot move 'cc' under itself",
            "ops[0]（move）：不能把 'cc' 移到它自己之下",
        ),
        # the merged unit put under one of the units it replaces: not a descendant either
        (
            {
                "op": "merge",
                "units": ["dept-office", "dept-political"],
                "into": {"id": "zh", "name": "综合室", "parent": "dept-office"},
            },
            "ops[0] (merge): into.parent 'dept-office' is one of the units merged: the merged "
            "unit cannot sit under a unit that the merge removes",
            "ops[0]（merge）：into.parent 'dept-office' 是被合并的单位之一",
        ),
    ],
)
def test_a_unit_under_itself_is_not_called_its_own_descendant(
    op: dict[str, Any], en: str, zh: str
) -> None:
    from orgmodel.io import load_org
    from orgmodel.restructure import apply_plan

    org = load_org(COUNTY)
    plan = plan_from_dict({"name": "x", "ops": [op]})
    with language("en"), pytest.raises(PlanError) as ei:
        apply_plan(org, plan)
    assert str(ei.value) == f"<plan>: {en}"
    assert "descendant" not in str(ei.value)
    with language("zh"):  # the reason is worded where the plan is applied
        with pytest.raises(PlanError) as ei:
            apply_plan(org, plan)
        assert zh in str(ei.value), str(ei.value)

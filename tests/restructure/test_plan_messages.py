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
from orgmodel.restructure.plan import PlanError, check_op, plan_from_dict

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

"""Messages about a file read as one language: in Chinese the file name is followed by a
full-width colon (``norms.yaml：kinds.station：…``) and the words around it are Chinese (规则
'x', not ``rule 'x'``); in English the same message keeps its ASCII colon.

tests/conftest.py pins the suite to English; ``--lang zh`` asks for the default here.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from orgmodel.catalogue import load_catalogue
from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.kind_rules import load_kind_rules
from orgmodel.restructure.templates import load_template
from orgmodel.seeds import seed_path

COUNTY = str(seed_path("orgs", "mirror-county.yaml"))


def _fail(*args: str) -> str:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert r.exit_code == 1, r.output
    return " ".join(r.output.split())


def _write(tmp_path: Path, name: str, data: Any) -> str:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(p)


def _seed(name: str) -> Any:
    return yaml.safe_load(seed_path(name).read_text(encoding="utf-8"))


def test_norms_errors_name_the_file_with_a_full_width_colon(tmp_path: Path) -> None:
    norms = _seed("norms.yaml")
    norms["kinds"]["station"]["leaders"] = -1
    path = _write(tmp_path, "n.yaml", norms)
    zh = _fail("metrics", COUNTY, "--norms", path, "--lang", "zh")
    en = _fail("metrics", COUNTY, "--norms", path, "--lang", "en")
    assert f"{path}：kinds.station：leaders 必须是非负整数，收到的是 -1" in zh, zh
    assert f"{path}: kinds.station: leaders must be a non-negative whole number, got -1" in en
    # the span block: its own place, the same colon
    norms = _seed("norms.yaml")
    norms["span"] = {"narow_below": 3}
    path = _write(tmp_path, "s.yaml", norms)
    zh = _fail("metrics", COUNTY, "--norms", path, "--lang", "zh")
    assert f"{path}：span：'narow_below' 不是定额的键" in zh, zh


def test_policy_errors_name_the_rule_in_chinese(tmp_path: Path) -> None:
    policy = _seed("policy.yaml")
    policy["rules"][0]["metric"] = "bogus"
    path = _write(tmp_path, "p.yaml", policy)
    zh = _fail("metrics", COUNTY, "--policy", path, "--lang", "zh")
    en = _fail("metrics", COUNTY, "--policy", path, "--lang", "en")
    assert f"{path}：规则 'station-share-40'：未知指标 'bogus'" in zh, zh
    assert "rule '" not in zh
    assert f"{path}: rule 'station-share-40': unknown metric 'bogus'" in en, en
    policy = _seed("policy.yaml")
    del policy["rules"][1]["threshold"]
    path = _write(tmp_path, "q.yaml", policy)
    zh = _fail("metrics", COUNTY, "--policy", path, "--lang", "zh")
    assert f"{path}：rules[1]：缺少 threshold" in zh, zh


def _message(load: Any, path: str) -> tuple[str, str]:
    with pytest.raises(InputError) as e:
        load(path)
    with language("zh"):
        zh = str(e.value)
    return zh, str(e.value)


@pytest.mark.parametrize(
    ("seed", "break_it", "load", "zh", "en"),
    [
        (
            "functions.yaml",
            lambda d: d["functions"][2].pop("name"),
            load_catalogue,
            "：functions[2]：缺少 name",
            ": functions[2]: missing name",
        ),
        (
            "kind_rules.yaml",
            lambda d: d["names"].update(bogus=["某某"]),
            load_kind_rules,
            "：names：未知单位类型 'bogus'",
            ": names: unknown kind 'bogus'",
        ),
        (
            "kind_rules.yaml",
            lambda d: d["bare"].update({"某队": {"choices": ["team"], "rules": [{"kind": "x"}]}}),
            load_kind_rules,
            "：bare.某队.rules[0]：未知单位类型 'x'",
            ": bare.某队.rules[0]: unknown kind 'x'",
        ),
        (
            "templates/county-dabumen.yaml",
            lambda d: d["departments"][1].update(functions=["bogus"]),
            load_template,
            "：departments[1]：",
            ": departments[1]: ",
        ),
    ],
    ids=["catalogue", "kind-names", "kind-bare-rule", "template"],
)
def test_catalogue_kind_rules_and_template_errors_name_the_file_with_a_full_width_colon(
    tmp_path: Path, seed: str, break_it: Any, load: Any, zh: str, en: str
) -> None:
    data = _seed(seed)
    break_it(data)
    path = _write(tmp_path, Path(seed).name, data)
    got_zh, got_en = _message(load, path)
    assert got_zh.startswith(path + zh), got_zh
    assert got_en.startswith(path + en), got_en
    # nothing English left between the colons in Chinese
    assert not re.search(r"\b(rule|missing|unknown|expected)\b", got_zh), got_zh


def test_plan_operation_is_named_with_full_width_brackets(tmp_path: Path) -> None:
    path = _write(tmp_path, "close.yaml", {"name": "撤销", "ops": [{"op": "close", "unit": "x"}]})
    zh = _fail("apply", COUNTY, path, "--lang", "zh")
    en = _fail("apply", COUNTY, path, "--lang", "en")
    assert f"{path}：ops[0]（close）：" in zh, zh
    assert f"{path}: ops[0] (close): " in en, en


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cli_change_column_signs_as_the_report_does(lang: str) -> None:
    from orgmodel.charts.numbers import format_delta
    from orgmodel.io import load_org
    from orgmodel.metrics import headline
    from orgmodel.restructure import apply_plan, load_plan

    plan = str(seed_path("plans", "dabumen-county.yaml"))
    r = CliRunner().invoke(app, ["apply", COUNTY, plan, "--lang", lang], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    rows = {
        cells[2]: cells[5]
        for line in r.output.splitlines()
        if line.count("│") == 6 and len(cells := [c.strip() for c in line.split("│")]) == 7
    }
    # 74 units before, 60 after: a fall of 14, written with U+2212 like the report's panel
    assert rows["units"] == "−14"
    result = apply_plan(load_org(COUNTY), load_plan(plan))
    before, after = headline(result.base), headline(result.org)
    for key, cell in rows.items():
        shown, _ = format_delta(key, before[key], after[key], lang=lang)
        # the same text as the report's (a share's change is " pp" in the English table)
        assert cell == shown.replace(" percentage points", " pp"), (key, cell, shown)
    assert not [c for c in rows.values() if c.startswith("-")], rows
    # the renamed unit by its names, before and after (it showed its old id, dept-traffic)
    assert "交通警察大队 → 交通管理大队" in r.output and "dept-traffic →" not in r.output


def test_invisible_characters_are_named_in_chinese(tmp_path: Path) -> None:
    # a right-to-left override (U+202E), a BOM (U+FEFF), an Arabic number sign (U+0600,
    # named by its family) and a tag character (U+E0041) in four names
    names = ["城关\\u202e所", "\\ufeff东关所", "西关\\u0600所", "北关\\udb40\\udc41所"]
    units = ", ".join(
        f'{{"id": "s{i}", "name": "{n}", "kind": "station", "parent": "b"}}'
        for i, n in enumerate(names)
    )
    org = tmp_path / "o.json"
    org.write_text(
        '{"orgmodel": 1, "id": "t", "name": "T", "units": [{"id": "b", "name": "局", '
        f'"kind": "county"}}, {units}]}}',
        encoding="utf-8",
    )
    zh = _fail("validate", str(org), "--lang", "zh")
    en = _fail("validate", str(org), "--lang", "en")
    for code, name, pos in (("U+202E", "从右到左强制", 3), ("U+FEFF", "零宽不换行空格/BOM", 1),
                            ("U+0600", "格式字符", 3), ("U+E0041", "标签字符", 3)):  # fmt: skip
        assert f"不可见字符 {code}（{name}，第 {pos} 个字符）" in zh, zh
    # no English word left in the Chinese (ids and codes aside)
    assert not re.findall(r"[a-z]{4,}", re.sub(r"units\[\d\]", "", zh.replace(str(org), ""))), zh
    assert "名称中含有不可见字符" in zh, zh
    assert "invisible right-to-left override U+202E at position 3" in en, en
    assert "invisible zero width no-break space U+FEFF at position 1" in en, en
    assert "invisible format character U+0600 at position 3" in en, en
    assert "invisible tag character U+E0041 at position 3" in en, en


#: ASCII brackets touching Chinese: "河西县公安局 (mirror-county)", "过窄 (< 3)", "人数(民警".
HAN_ASCII_BRACKET = re.compile(r"[\u4e00-\u9fff）]\s*\(|\)\s*[\u4e00-\u9fff]")


def test_metrics_in_chinese_use_full_width_brackets() -> None:
    r = CliRunner().invoke(app, ["metrics", COUNTY, "--lang", "zh"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    out = r.output
    assert "河西县公安局（mirror-county）" in out
    assert "（station-share-40）" in out and "过窄（< 3）" in out and "1（1）" in out
    assert "县（市、区）公安局/公安分局" in out  # the kind's name (orgmodel.model.KIND_NAMES)
    assert not HAN_ASCII_BRACKET.findall(out), HAN_ASCII_BRACKET.findall(out)
    en = CliRunner().invoke(app, ["metrics", COUNTY, "--lang", "en"], env={"COLUMNS": "200"})
    assert "河西县公安局 (mirror-county)" in en.output and "narrow (< 3)" in en.output


def test_scenario_and_template_names_use_full_width_brackets(tmp_path: Path) -> None:
    from orgmodel.restructure.templates import load_template as template

    out = tmp_path / "s.yaml"
    plan = str(seed_path("plans", "dabumen-county.yaml"))
    r = CliRunner().invoke(app, ["apply", COUNTY, plan, "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0, r.output
    # the scenario's name is data (Chinese words, Chinese brackets) in every language
    assert (
        yaml.safe_load(out.read_text(encoding="utf-8"))["name"]
        == "河西县公安局（县局大部门制改革）"
    )
    assert template("county-dabumen").name == "县级公安机关大部门制（8 个大部门）"
    assert template("city-dabumen").name == "市级公安机关大部门制（10 个大部门）"


def test_yaml_deeper_than_libyaml_allows_is_too_deep() -> None:
    # 20,000 flow levels: libyaml's scanner stops at 1,000 before the parser hands out the
    # events of the first 64; refused by the nesting limit, not as malformed YAML
    from orgmodel.io.nesting import NestingError, check_nesting

    with pytest.raises(NestingError, match="more than 64 levels deep"):
        check_nesting("units: " + "[" * 20_000 + "]" * 20_000 + "\n", "deep.yaml")

"""Chinese first: the catalogues are whole and compiled, and the command line speaks Chinese by
default and English with ``--lang en`` or an English locale (orgmodel.i18n, orgmodel.cli._lang).

tests/conftest.py pins the suite to English (LANGUAGE=en); the tests here that check the
default take the language variables out of the environment first.
"""

from __future__ import annotations

import doctest
import importlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.i18n import (
    DOMAIN,
    LIBRARY_DEFAULT,
    LOCALE_DIR,
    get_language,
    language,
    language_from_env,
    lazy,
)

ROOT = Path(__file__).resolve().parents[1]
PO = LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po"
MO = PO.with_suffix(".mo")
#: The keywords `make i18n` extracts with (Babel's defaults, which include N_, and lazy).
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy": None}
LANG_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
COUNTY = str(ROOT / "seeds" / "orgs" / "mirror-county.yaml")
#: Placeholders that only carry an English plural ending ("s" or ""), which Chinese drops.
PLURAL_ONLY = {"s"}


def _catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="zh", domain=DOMAIN)


def _code_msgids() -> set[str | tuple[str, ...]]:
    """Every msgid in orgmodel/, extracted as `make i18n` does (babel.cfg, KEYWORDS)."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as f:
        method_map, options_map = parse_mapping_cfg(f)
    ids: set[str | tuple[str, ...]] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        ids.add(message if isinstance(message, str) else tuple(message))
    return ids


def test_committed_mo_is_the_po_compiled() -> None:
    # `make i18n` compiles with pybabel, which writes write_mo(catalogue, use_fuzzy=False)
    buf = io.BytesIO()
    write_mo(buf, _catalogue(), use_fuzzy=False)
    assert buf.getvalue() == MO.read_bytes(), "orgmodel.mo is stale: run `make i18n`"


def test_every_msgid_in_the_code_has_a_chinese_translation() -> None:
    cat = _catalogue()
    code = _code_msgids()
    assert len(code) > 200  # the CLI's help, messages and the report, at least
    missing, fuzzy, empty = [], [], []
    for mid in sorted(code, key=str):
        key = mid if isinstance(mid, str) else mid[0]
        m = cat.get(key)
        if m is None:
            missing.append(mid)
        elif m.fuzzy:
            fuzzy.append(mid)
        elif not (m.string if isinstance(m.string, str) else all(m.string)):
            empty.append(mid)
    assert not missing, f"not in the catalogue (run `make i18n`, then translate): {missing}"
    assert not fuzzy and not empty, f"untranslated: {fuzzy + empty}"
    stale = sorted(m.id for m in cat if m.id and (m.id if isinstance(m.id, str) else tuple(m.id)) not in code)  # fmt: skip
    assert not stale, f"in the catalogue but no longer in the code (run `make i18n`): {stale}"


def test_no_message_is_marked_inside_an_f_string() -> None:
    # Babel reads an f-string as one token: a _("…") inside it is never extracted, so it would
    # stay English in Chinese output without the test above noticing.
    import tokenize

    marked = re.compile(r"\b(?:_|N_|gettext|ngettext|lazy)\(")
    hits = []
    for path in sorted((ROOT / "orgmodel").rglob("*.py")):
        with path.open("rb") as f:
            for tok in tokenize.tokenize(f.readline):
                kind = tok.type
                if kind == tokenize.STRING or kind == getattr(tokenize, "FSTRING_START", -1):
                    prefix = tok.string.split("'")[0].split('"')[0].lower()
                    if "f" in prefix and marked.search(tok.string):
                        hits.append(f"{path.relative_to(ROOT)}:{tok.start[0]}")
    assert not hits, f"take the message out of the f-string: {hits}"


def test_translations_keep_every_placeholder() -> None:
    # A placeholder the msgid lacks is a KeyError where the message is shown; one left out
    # loses a fact. Only a plural word may go: Chinese has no plural ("{n} row(s)").
    field = re.compile(r"\{([^{}:!]*)[^{}]*\}")

    def names(text: str) -> set[str]:
        return set(field.findall(text.replace("{{", "").replace("}}", "")))

    for m in _catalogue():
        if not m.id:
            continue
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        want = names(ids[-1])
        for s in strings:
            assert names(s) <= want, (m.id, s)
            assert want - names(s) <= PLURAL_ONLY, (m.id, s)


def test_a_field_name_sits_flush_against_chinese_text() -> None:
    # {field} and {f} carry a unit field's Chinese name in Chinese (model.field_text: 民警,
    # 辅警, 编制, 24小时值班 …): Chinese beside Chinese takes no space ("民警不能为负", as
    # "减员 {n} 名{field}" always read); a space stays beside digits, Latin text and quotes
    # ("民警 77", "{field} {e}").
    from orgmodel.model import FIELD_MSGIDS, field_text

    cjk = "[\u4e00-\u9fff]"
    spaced = re.compile(rf"\{{(?:field|f)\}} (?={cjk})|(?<={cjk}) \{{(?:field|f)\}}")
    for m in _catalogue():
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for s in strings:
            assert not spaced.search(s or ""), (m.id, s)
    with language("zh"):
        names = {f: str(field_text(f)) for f in FIELD_MSGIDS}
    # each begins and ends in 汉字 (a digit may lead: 24小时值班), so flush is right
    assert all(re.fullmatch(rf"\d*{cjk}.*{cjk}", n) for n in names.values()), names


@pytest.mark.parametrize(
    "name",
    [
        "orgmodel.i18n",
        "orgmodel.cli._lang",
        "orgmodel.charts.numbers",
        "orgmodel.metrics._util",
        "orgmodel._pydantic_reasons",
    ],
)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_the_library_speaks_english_whatever_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert LIBRARY_DEFAULT == "en" and get_language() == "en"
    err = InputError(lazy("{path}: folder {folder} does not exist", path="a.yaml", folder="x"))
    assert str(err) == "a.yaml: folder x does not exist"
    with language("zh"):
        assert str(err) == "a.yaml：文件夹 x 不存在"  # the same error, shown in Chinese
    assert get_language() == "en"


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LC_ALL": "zh_CN.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),  # LC_ALL before LANG
        ({"LC_MESSAGES": "en_GB", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:en", "LANG": "zh_CN.UTF-8"}, "en"),  # LANGUAGE first, a list
        ({"LANGUAGE": "", "LANG": "en_US.UTF-8"}, "en"),  # empty counts as unset
    ],
)
def test_the_environment_is_read_as_gettext_reads_it(env: dict[str, str], expected: str) -> None:
    assert language_from_env(env) == expected


@pytest.fixture
def no_lang_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in LANG_VARS:
        monkeypatch.delenv(var, raising=False)


@pytest.mark.usefixtures("no_lang_env")
def test_cli_speaks_chinese_by_default_and_english_with_lang_en() -> None:
    runner = CliRunner()
    zh = runner.invoke(app, ["validate", COUNTY])
    assert zh.exit_code == 0, zh.output
    assert "校验通过：河西县公安局 — 74 个单位，497 名民警" in zh.output
    en = runner.invoke(app, ["validate", COUNTY, "--lang", "en"])
    assert en.exit_code == 0, en.output
    assert "ok: 河西县公安局 — 74 units, 497 police (民警)" in en.output
    # an error, each way: the `error:` prefix and the message are translated
    bad = runner.invoke(app, ["metrics", COUNTY, "--format", "pdf"])
    assert (
        bad.exit_code == 1
        and "错误：--format：'pdf' 不是 table、json、csv、xlsx 之一" in bad.output
    )
    bad = runner.invoke(app, ["--lang=en", "metrics", COUNTY, "--format", "pdf"])
    assert bad.exit_code == 1
    assert "error: --format: 'pdf' is none of table, json, csv, xlsx" in bad.output
    # --lang zh wins over an English environment
    os.environ["LANG"] = "en_US.UTF-8"
    try:
        assert "校验通过" in runner.invoke(app, ["validate", COUNTY, "--lang", "zh"]).output
        assert "ok: " in runner.invoke(app, ["validate", COUNTY]).output
    finally:
        del os.environ["LANG"]
    assert get_language() == "en"  # a command leaves the caller's language as it was


@pytest.mark.usefixtures("no_lang_env")
def test_help_in_both_languages() -> None:
    runner = CliRunner()
    zh = runner.invoke(app, ["metrics", "--help"], env={"COLUMNS": "200"})
    assert zh.exit_code == 0, zh.output
    # the command's help, an option's help and typer's panel titles
    assert "测算一个组织：管理幅度与层级" in zh.output
    assert "编制定额文件（默认为自带的 seeds/norms.yaml）。" in zh.output
    assert "选项" in zh.output and "显示本帮助并退出。" in zh.output
    assert "Staffing norms file" not in zh.output
    en = runner.invoke(app, ["--lang", "en", "metrics", "--help"], env={"COLUMNS": "200"})
    assert en.exit_code == 0, en.output
    assert "Measure an organisation: span and layers" in en.output
    assert "Staffing norms file (default: the shipped seeds/norms.yaml)." in en.output
    assert "Options" in en.output and "Show this message and exit." in en.output
    assert "测算一个组织" not in en.output
    top = runner.invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert "命令" in top.output and "校验一个组织" in top.output and "--lang" in top.output


@pytest.mark.usefixtures("no_lang_env")
def test_a_bad_lang_is_refused() -> None:
    r = CliRunner().invoke(app, ["--lang", "fr", "validate", COUNTY])
    assert r.exit_code == 2 and "错误：--lang：'fr' 不是 zh、en 之一" in r.output
    r = CliRunner().invoke(app, ["validate", COUNTY, "--lang"])
    assert r.exit_code == 2 and "--lang 需要一个值：zh 或 en" in r.output


def test_the_installed_command_reads_lang_from_the_environment() -> None:
    # a real process, as a planner runs it: LANG=en_US.UTF-8 → English, LANG=zh_CN → Chinese
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    code = "from orgmodel.cli import main; main()"
    for lang, text in (
        ("en_US.UTF-8", "ok: 河西县公安局"),
        ("zh_CN.UTF-8", "校验通过：河西县公安局"),
    ):
        p = subprocess.run(
            [sys.executable, "-c", code, "validate", COUNTY],
            env={**env, "LANG": lang},
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
        )
        assert p.returncode == 0, p.stderr
        assert text in p.stdout


#: click's usage errors, each in both languages: (arguments, Chinese text, English text). The
#: click that typer vendors writes them in English f-strings; orgmodel.cli._lang rebuilds them.
USAGE_ERRORS = [
    (["metrics", "--bogus"], "没有这个选项：--bogus", "no such option: --bogus"),
    (["metrics"], "缺少参数 '组织文件'", "missing argument 'ORG'"),
    (
        ["metrics", COUNTY, "--limit", "abc"],
        "'--limit' 的值无效：'abc' 不是整数",
        "invalid value for '--limit': 'abc' is not a whole number",
    ),
    (
        ["metrics", COUNTY, "--limit", "-1"],
        "'--limit' 的值无效：不能小于 0，收到的是 -1",
        "invalid value for '--limit': must be at least 0, got -1",
    ),
    (["metrics", COUNTY, "--norms"], "选项 --norms 需要一个值", "option --norms needs a value"),
    (["metrics", COUNTY, "--json=3"], "选项 --json 不接受值", "option --json takes no value"),
    (["validate", COUNTY, "x", "y"], "多余的参数：x y", "unexpected extra arguments: x y"),
    (
        ["db", "query", "--timeout", "soon", "RETURN 1"],
        "'--timeout' 的值无效：'soon' 不是数字",
        "invalid value for '--timeout': 'soon' is not a number",
    ),
]
#: Words of click's English that must not show in Chinese output (and the reverse).
CLICK_ENGLISH = ("Usage:", "Try '", "for help", "No such option", "Missing", "Invalid value",
                 "Error", "[OPTIONS]", "Input should", "Got unexpected", "requires an")  # fmt: skip


@pytest.mark.usefixtures("no_lang_env")
@pytest.mark.parametrize(("args", "zh", "en"), USAGE_ERRORS, ids=lambda v: str(v)[:30])
def test_usage_errors_in_both_languages(args: list[str], zh: str, en: str) -> None:
    runner = CliRunner()
    r = runner.invoke(app, args, env={"COLUMNS": "200"})
    assert r.exit_code == 2, r.output
    assert zh in r.output and "错误" in r.output, r.output
    assert not [w for w in CLICK_ENGLISH if w in r.output], r.output
    r = runner.invoke(app, ["--lang", "en", *args], env={"COLUMNS": "200"})
    assert r.exit_code == 2, r.output
    assert en in r.output and "错误" not in r.output and "值无效" not in r.output, r.output


@pytest.mark.usefixtures("no_lang_env")
def test_usage_line_and_help_hint_follow_the_language() -> None:
    runner = CliRunner()
    zh = runner.invoke(app, ["metrics", "--bogus"], env={"COLUMNS": "200"})
    assert "用法：orgmodel metrics [选项] {组织文件}" in zh.output
    assert "运行 'orgmodel metrics --help' 查看帮助。" in zh.output
    top = runner.invoke(app, ["db", "--help"], env={"COLUMNS": "200"})
    assert "用法：orgmodel db [选项] 命令 [参数]..." in top.output and "Usage" not in top.output
    en = runner.invoke(app, ["--lang", "en", "metrics", "--bogus"], env={"COLUMNS": "200"})
    assert "Usage: orgmodel metrics [OPTIONS] {ORG}" in en.output
    assert "Try 'orgmodel metrics --help' for help." in en.output
    # the next run in the same process is untouched: click's own words are put back
    from typer._click.formatting import HelpFormatter

    f = HelpFormatter(width=80)
    f.write_usage("x", "y")
    assert f.getvalue().startswith("Usage: x y")


@pytest.mark.usefixtures("no_lang_env")
def test_importer_locations_speak_the_messages_language(tmp_path: Path) -> None:
    # row 3 has a bad 民警 figure (column E), row 4 a parent no unit has (column B)
    csv = tmp_path / "org.csv"
    csv.write_text(
        "编号,上级编号,名称,类型,民警\nb,,某县公安局,county,5\n"
        "s1,b,城关派出所,station,abc\ns2,zz,东关派出所,station,3\n",
        encoding="utf-8",
    )
    # a YAML unit with a negative figure: units[1], on line 7
    yml = tmp_path / "org.yaml"
    yml.write_text(
        "id: x\nname: X\nunits:\n  - id: b\n    name: 县局\n    kind: county\n"
        "  - id: s\n    name: 所\n    kind: station\n    parent: b\n    police: -3\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    zh = runner.invoke(app, ["validate", str(csv)])
    assert zh.exit_code == 1
    assert "org.csv 第 3 行，E 列（民警）、单位 's1'：民警必须是整数" in zh.output, zh.output
    assert "org.csv 第 4 行，B 列（上级编号）、单位 's2'：" in zh.output, zh.output
    assert not re.search(r"\b(row|column|line|sheet)\b", zh.output), zh.output
    en = runner.invoke(app, ["--lang", "en", "validate", str(csv)])
    assert "org.csv row 3, column E (民警), unit 's1': police must be a whole" in en.output
    assert "第" not in en.output and "列" not in en.output
    zh = runner.invoke(app, ["validate", str(yml)])
    assert "units[1]（第 7 行）、单位 's'：" in zh.output, zh.output
    en = runner.invoke(app, ["validate", str(yml), "--lang", "en"])
    assert "units[1] (line 7), unit 's': " in en.output, en.output
    # the library keeps the English place as the issue's string (API, scripts, comparisons)
    from orgmodel.io import load_any
    from orgmodel.model import OrgValidationError

    with pytest.raises(OrgValidationError) as err:
        load_any(csv)
    where = err.value.issues[0].where
    assert where == "org.csv row 3, column E (民警)"
    with language("zh"):
        assert str(where) == "org.csv 第 3 行，E 列（民警）"


@pytest.mark.usefixtures("no_lang_env")
def test_importer_and_duplicate_key_reasons_speak_the_messages_language(tmp_path: Path) -> None:
    # messages once built from English pieces (a hint, a missing parent column, a repeated key)
    nocol = tmp_path / "nocol.csv"
    nocol.write_text("id,name,kind\na,局,county\nb,所,station\n", encoding="utf-8")
    share = tmp_path / "share.csv"
    share.write_text(
        "id,parent_id,name,kind,community_share\nb,,县局,county,\ns,b,所,station,61.59\n",
        encoding="utf-8",
    )
    dup = tmp_path / "dup.yaml"
    dup.write_text("name: 甲\nname: 乙\nops: []\n", encoding="utf-8")
    runner = CliRunner()
    good = tmp_path / "good.csv"
    good.write_text("id,parent_id,name,kind\nb,,县局,county\n", encoding="utf-8")
    org = tmp_path / "o.yaml"
    zh = [
        runner.invoke(app, ["validate", str(nocol)]).output,
        runner.invoke(app, ["validate", str(share)]).output,
        runner.invoke(app, ["apply", str(good), str(dup), "-o", str(org)]).output,
    ]
    assert "缺少必需的列 'parent_id'" in zh[0] and "层级编码" in zh[0], zh[0]
    assert "（请写作 0.6 或 60%）" in zh[1], zh[1]
    assert "键 'name' 在第 2 行重复" in zh[2], zh[2]
    for out in zh:
        assert not re.search(r"\b(nor|write|duplicate|constructing|unicode)\b", out), out
    en = runner.invoke(app, ["--lang", "en", "validate", str(share)]).output
    assert "(write 0.6 or 60%)" in en, en
    en = runner.invoke(app, ["--lang", "en", "apply", str(good), str(dup), "-o", str(org)])
    assert "duplicate key 'name' at line 2 (first given at line 1)" in en.output, en.output


@pytest.mark.usefixtures("no_lang_env")
def test_control_characters_in_ids_and_names_are_described_in_the_messages_language(
    tmp_path: Path,
) -> None:
    org = tmp_path / "o.json"
    org.write_text(
        '{"orgmodel": 1, "id": "t", "name": "T", "units": [{"id": "b", "name": "局", '
        '"kind": "county"}, {"id": "c\\u0007x", "name": "所", "kind": "station", "parent": "b"},'
        ' {"id": "e\\u200bx", "name": "所\\t二", "kind": "station", "parent": "b"}]}',
        encoding="utf-8",
    )
    runner = CliRunner()
    zh = runner.invoke(app, ["validate", str(org)]).output
    assert "控制字符 U+0007（第 2 个字符）" in zh, zh
    assert "不可见字符 U+200B（零宽空格，第 2 个字符）" in zh, zh
    assert "制表符 U+0009（第 2 个字符）" in zh, zh
    assert not re.search(r"\b(position|control|invisible|tab)\b", zh), zh
    en = runner.invoke(app, ["--lang", "en", "validate", str(org)]).output
    assert "control character U+0007 at position 2" in en, en
    assert "invisible zero width space U+200B at position 2" in en, en


@pytest.mark.usefixtures("no_lang_env")
@pytest.mark.parametrize(
    ("op", "zh", "en"),
    [
        (
            "{op: transfer, from: s, to: b, police: 99}",
            "不能从 's' 调出 99 名民警：它只有 3 名",
            "cannot transfer 99 police from 's': it has 3",
        ),
        (
            "{op: retire, unit: s, auxiliaries: 5}",
            "不能从 's' 减员 5 名辅警：它只有 0 名",
            "cannot retire 5 auxiliaries from 's': it has 0",
        ),
    ],
    ids=["transfer", "retire"],
)
def test_officer_counts_in_plan_errors_name_the_field_in_the_messages_language(
    tmp_path: Path, op: str, zh: str, en: str
) -> None:
    org = tmp_path / "o.csv"
    org.write_text("id,parent_id,name,kind,police\nb,,局,county,5\ns,b,所,station,3\n", "utf-8")
    plan = tmp_path / "p.yaml"
    plan.write_text(f"name: x\nops:\n  - {op}\n", encoding="utf-8")
    out = tmp_path / "after.yaml"
    runner = CliRunner()
    r = runner.invoke(app, ["apply", str(org), str(plan), "-o", str(out)])
    assert zh in r.output, r.output
    r = runner.invoke(app, ["--lang", "en", "apply", str(org), str(plan), "-o", str(out)])
    assert en in r.output, r.output


@pytest.mark.usefixtures("no_lang_env")
def test_funnel_rows_are_one_language_per_output() -> None:
    runner = CliRunner()
    zh = runner.invoke(app, ["metrics", COUNTY], env={"COLUMNS": "200"})
    assert zh.exit_code == 0, zh.output
    rows = [ln for ln in zh.output.splitlines() if ln.startswith("│ 合计") or "局领导" in ln]
    assert rows and all("total" not in r and "leadership" not in r for r in rows), rows
    assert (
        "│ 县级 公安局/分局 " in zh.output and "(county)  " not in zh.output.split("层级/类别")[1]
    )
    en = runner.invoke(app, ["metrics", COUNTY, "--lang", "en"], env={"COLUMNS": "200"})
    assert "│ total " in en.output and "合计" not in en.output
    assert "局领导 (bureau leadership)" in en.output  # a Chinese term with its English gloss


def test_norms_table_names_each_kind_once() -> None:
    from orgmodel.charts.report import _norms_table
    from orgmodel.norms import load_norms

    with language("zh"):
        zh = _norms_table(load_norms())
    assert "<td>片区/体系协调机构</td>" in zh and "<td>派出所</td>" in zh
    # no 简称（全称（…））: the kind's name once, its own brackets full-width
    assert "<td>县（市、区）公安局/公安分局</td>" in zh
    assert "））" not in re.sub(r"<summary>.*?</summary>", "", zh)
    with language("en"):
        en = _norms_table(load_norms())
    assert "<td>派出所 (station)</td>" in en and "<td>片区/体系协调机构 (group)</td>" in en
    assert "<td>县（市、区）公安局/公安分局 (county)</td>" in en
    assert "((" not in en and "））" not in en


@pytest.mark.usefixtures("no_lang_env")
def test_plan_errors_in_both_languages(tmp_path: Path) -> None:
    # an unknown unit in a merge, and a created unit of an unknown kind
    plans = {
        "merge.yaml": "name: m\nops:\n  - op: merge\n    units: [nope, dept-office]\n"
        "    into: {id: x, name: X}\n",
        "create.yaml": "name: c\nops:\n  - op: create\n"
        "    unit: {id: n1, name: 新单位, kind: stationx, parent: bureau}\n",
    }
    want = {
        "merge.yaml": ("merge.yaml：ops[0]（merge）：未知的单位 'nope'",
                       "merge.yaml: ops[0] (merge): unknown unit 'nope'"),
        "create.yaml": ("ops[0]（create）：单位 'n1'：未知的单位类型 'stationx'",
                        "ops[0] (create): unit 'n1': unknown kind 'stationx'"),
    }  # fmt: skip
    runner = CliRunner()
    for name, text in plans.items():
        plan = tmp_path / name
        plan.write_text(text, encoding="utf-8")
        out = str(tmp_path / "out.yaml")
        zh = runner.invoke(app, ["apply", COUNTY, str(plan), "-o", out])
        assert zh.exit_code == 1 and want[name][0] in zh.output, zh.output
        assert not re.search(r"unknown|unit '|: ops", zh.output), zh.output
        en = runner.invoke(app, ["apply", COUNTY, str(plan), "-o", out, "--lang", "en"])
        assert en.exit_code == 1 and want[name][1] in en.output, en.output


def test_query_door_refusals_in_both_languages() -> None:
    from orgmodel.store import QueryRefused
    from orgmodel.store.query_door import pass_query

    with pytest.raises(QueryRefused) as info:
        pass_query("MATCH (n)\nCREATE (m)")
    assert str(info.value).startswith(
        "refused: CREATE at line 2, column 1: it writes to the graph."
    )
    with language("zh"):
        text = str(info.value)
    assert text.startswith("已拒绝：第 2 行第 1 列处的 CREATE：它会写入图。"), text
    assert not re.search(r"line|column|writes", text)


def test_kinds_alone_in_chinese_and_with_their_code_in_english() -> None:
    # the kind table of `orgmodel metrics` showed "派出所 (station)" under the Chinese default
    runner = CliRunner()
    zh = runner.invoke(app, ["metrics", COUNTY, "--lang", "zh"], env={"COLUMNS": "160"})
    assert zh.exit_code == 0
    assert "│ 派出所 " in zh.output and "(station)" not in zh.output
    assert "(county)" not in zh.output and "(community_post)" not in zh.output
    en = runner.invoke(app, ["metrics", COUNTY, "--lang", "en"], env={"COLUMNS": "160"})
    assert en.exit_code == 0
    assert "派出所 (station)" in en.output and "社区警务室 (community_post)" in en.output


def test_a_file_without_suffix_is_said_so_in_each_language(tmp_path: Path) -> None:
    # the message showed a '(none)' placeholder as if it were the suffix
    f = tmp_path / "roster"
    f.write_text("x", encoding="utf-8")
    runner = CliRunner()
    zh = runner.invoke(app, ["validate", str(f), "--lang", "zh"])
    assert zh.exit_code == 1 and "文件名没有后缀" in zh.output and "(none)" not in zh.output
    en = runner.invoke(app, ["validate", str(f), "--lang", "en"])
    assert en.exit_code == 1 and "the file name has no suffix" in en.output
    assert "(none)" not in en.output


def test_one_spreadsheet_option_applies_several_apply() -> None:
    import orgmodel as om

    with pytest.raises(InputError) as one:
        om.read(COUNTY, sheet="x")
    assert "mirror-county.yaml: sheet= applies to spreadsheets (" in str(one.value)
    with pytest.raises(InputError) as two:
        om.read(COUNTY, sheet="x", totals=True)
    assert "sheet=, totals= apply to spreadsheets" in str(two.value)
    with language("zh"):
        assert "sheet= 只适用于表格文件" in str(one.value)


#: An ASCII colon touching Chinese, or after a placeholder before Chinese: "{name}: 指标报告",
#: "上级: {name}", "%{y}: %{x} 人". YAML written inside a message ("rule: weights",
#: "'hire: true'") has ASCII on both sides and stays.
HAN_COLON = re.compile(r"[\u4e00-\u9fff）」》}]\s?:(?![\w/])|:\s*[\u4e00-\u9fff]")


def test_chinese_translations_use_full_width_colons() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    bad = []
    for m in _catalogue():
        for s in [m.string] if isinstance(m.string, str) else list(m.string or ()):
            t = re.sub(r"[a-z+]+://", "", re.sub(r"\{[^{}]*\}", "{}", s or ""))
            if han.search(t) and HAN_COLON.search(t):
                bad.append((m.id, s))
    assert not bad, bad
    assert HAN_COLON.search("{}: 指标报告") and HAN_COLON.search("上级: {}")
    assert not HAN_COLON.search("'weights' 只能与 rule: weights 一起用")


def test_lists_in_library_messages_are_joined_in_the_language_shown() -> None:
    # one helper (orgmodel.i18n.join_list): the message is made once, in English, and lists
    # its items with 、 where it is shown in Chinese
    from orgmodel.norms import policy_from_dict

    with pytest.raises(InputError) as info:
        policy_from_dict({"rules": [{"id": "x", "description": "d"}]}, "p.yaml")
    err = info.value
    assert str(err) == "p.yaml: rules[0]: missing metric, scope, comparator, threshold"
    with language("zh"):
        assert str(err) == "p.yaml：rules[0]：缺少 metric、scope、comparator、threshold"
    with pytest.raises(InputError) as info:
        policy_from_dict({"rules": [{"id": "x", "description": "d", "metric": "nope", "scope": "org",
                                     "comparator": ">=", "threshold": 1}]}, "p.yaml")  # fmt: skip
    with language("zh"):
        text = str(info.value)
    assert "station_share、station_share_all" in text and ", " not in text, text

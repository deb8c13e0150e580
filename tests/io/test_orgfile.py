"""The YAML/JSON organisation file (orgmodel/io/orgfile.py): round trips and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from orgmodel._yaml import UniqueKeyLoader
from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.io.ids import normalize_id
from orgmodel.io.orgfile import (
    dump_org,
    load_org,
    org_from_dict,
    org_to_dict,
    read_org,
    write_org,
)
from orgmodel.model import OrgGraph, OrgValidationError, ParentBureau

SMALL = """\
orgmodel: 1
id: hx
name: 河西县公安局
units:
  - {id: b, name: 河西县公安局, kind: county, police: 5}
  - {id: xz, parent: b, name: 刑侦大队, kind: department, function: criminal, police: 12}
  - {id: s, parent: b, name: 城关派出所, kind: station, police: 20, auxiliaries: 9}
"""


@pytest.mark.parametrize("suffix", [".yaml", ".yml", ".json"])
def test_round_trip_file(org: OrgGraph, tmp_path: Path, suffix: str) -> None:
    p = write_org(org, tmp_path / f"org{suffix}")
    back = load_org(p)
    assert back == org
    assert back.parent_bureau == ParentBureau("江南省公安厅", ("command", "criminal"))
    assert back.description == "测试用：一个市局、一个县局"
    assert sorted(back.dispatches) == [("c-cc", "s"), ("k-cc", "p"), ("k-cc", "s")]
    # Chinese is written as is, not escaped.
    assert "临江市公安局" in p.read_text(encoding="utf-8")
    assert list(tmp_path.iterdir()) == [p]


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_is_stable(org: OrgGraph, fmt: str) -> None:
    text = dump_org(org, fmt)
    assert dump_org(read_org(text, fmt), fmt) == text


def test_dict_round_trip_keeps_unit_order(org: OrgGraph) -> None:
    d = org_to_dict(org)
    assert [u["id"] for u in d["units"]] == org.order()
    # None fields are left out: the county bureau has no function, category or share.
    k = next(u for u in d["units"] if u["id"] == "k")
    assert set(k) == {"id", "name", "kind", "parent", "police", "auxiliaries", "leaders"}
    assert org_from_dict(d) == org


def test_small_file_values(tmp_path: Path) -> None:
    p = tmp_path / "hx.yaml"
    p.write_text(SMALL, encoding="utf-8")
    org = load_org(p)
    assert (org.id, org.name, len(org)) == ("hx", "河西县公安局", 3)
    # 5 + 12 + 20 = 37 police; 9 auxiliaries
    assert (org.total_police(), org.total_auxiliaries()) == (37, 9)
    assert org.attrs("xz")["function"] == "criminal"


def test_malformed_yaml(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("units: [\n  - {id: r\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.yaml: malformed YAML"):
        load_org(p)


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('{"units": [\n  {"id": "r",}\n]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.json: malformed JSON at line 2, column"):
        load_org(p)


def test_a_byte_order_mark_is_read_past_in_json_and_yaml_files(tmp_path: Path) -> None:
    # Notepad's "UTF-8 with BOM": a JSON organisation or plan file was refused with the
    # standard library's 'Unexpected UTF-8 BOM (decode using utf-8-sig)' (YAML and an upload
    # of the same bytes were read)
    from orgmodel.restructure import load_plan

    org = read_org(SMALL)
    for suffix in (".yaml", ".json"):
        p = tmp_path / f"bom{suffix}"
        p.write_text(dump_org(org, suffix[1:]), encoding="utf-8-sig")
        assert p.read_bytes().startswith(b"\xef\xbb\xbf")
        assert load_org(p) == org
        plan = tmp_path / f"plan{suffix}"
        plan.write_text(json.dumps({"name": "调警", "ops": []}), encoding="utf-8-sig")
        assert load_plan(plan).name == "调警"
    # a syntax error is still named where an editor shows it (the mark is no column)
    p = tmp_path / "bad.json"
    p.write_text('{"units": [}', encoding="utf-8-sig")
    with pytest.raises(InputError, match=r"bad\.json: malformed JSON at line 1, column 12"):
        load_org(p)


def test_a_truncated_json_file_is_named_without_a_dangling_at(tmp_path: Path) -> None:
    # was 'malformed JSON at line 2, column 10: Unterminated string starting at'
    from orgmodel.restructure import PlanError, load_plan

    p = tmp_path / "cut.json"
    p.write_text('{"units": [\n  {"id": "r', encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_org(p)
    assert str(e.value).endswith("malformed JSON at line 2, column 10: Unterminated string")
    plan = tmp_path / "plan.json"
    plan.write_text('{"name": "x\u0001"}', encoding="utf-8")
    with pytest.raises(PlanError) as pe:
        load_plan(plan)
    assert str(pe.value).endswith("line 1, column 12: Invalid control character"), pe.value


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "gbk.yaml"
    p.write_bytes(SMALL.encode("gbk"))
    with pytest.raises(InputError, match="not UTF-8 text"):
        load_org(p)


def test_missing_file_and_wrong_suffix(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load_org(tmp_path / "nope.yaml")
    (tmp_path / "org.txt").write_text(SMALL, encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown organisation file type '\.txt'"):
        load_org(tmp_path / "org.txt")


def test_unknown_field_names_unit_and_line(tmp_path: Path) -> None:
    p = tmp_path / "org.yaml"
    p.write_text(SMALL.replace("police: 12}", "police: 12, colour: red}"), encoding="utf-8")
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    # units[1] is on line 6 of the file.
    assert "units[1] (line 6), unit 'xz': unknown field 'colour'" in str(e.value)


def test_line_numbers_for_every_issue(tmp_path: Path) -> None:
    text = SMALL.replace("parent: b, name: 城关", "parent: q, name: 城关").replace(
        "police: 12", "police: -1"
    )
    p = tmp_path / "org.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    msg = str(e.value)
    assert msg.startswith(f"{p}: 2 problems")
    assert "units[1] (line 6), unit 'xz': police must not be negative, got -1" in msg
    assert "units[2] (line 7), unit 's': parent 'q' does not exist" in msg


def test_json_issues_name_the_unit_index(tmp_path: Path) -> None:
    data = yaml.safe_load(SMALL)
    data["units"][2]["kind"] = "飞船"
    p = tmp_path / "org.json"
    p.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(OrgValidationError, match=r"units\[2\], unit 's': unknown kind '飞船'"):
        load_org(p)


def test_unsupported_version() -> None:
    with pytest.raises(OrgValidationError, match="unsupported format version 2"):
        read_org(SMALL.replace("orgmodel: 1", "orgmodel: 2"))


@pytest.mark.parametrize("value", [True, False])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_version_true_is_not_version_1(tmp_path: Path, suffix: str, value: bool) -> None:
    # True == 1 in Python: `"orgmodel": true` was read as format version 1 (by the JSON
    # stream and by the full reader alike). A yes/no is no version: refused, naming the
    # file and the key.
    data = yaml.safe_load(SMALL)
    data["orgmodel"] = value
    p = tmp_path / f"org{suffix}"
    text = json.dumps(data, ensure_ascii=False) if suffix == ".json" else yaml.safe_dump(data)
    p.write_text(text, encoding="utf-8")
    word = "true" if value else "false"
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    assert str(e.value).startswith(f"{p}: 1 problem in the organisation:")
    assert f"the format version 'orgmodel' must be the number 1, not {word}" in str(e.value)
    assert e.value.issues[0].field == "orgmodel"
    with pytest.raises(OrgValidationError, match=f"'orgmodel' must be the number 1, not {word}"):
        read_org(text.encode(), suffix[1:], str(p))


def test_parent_bureau_read_and_checked(tmp_path: Path) -> None:
    good = SMALL + "parent_bureau:\n  name: 临江市公安局\n  functions: [command, criminal]\n"
    org = read_org(good)
    assert org.parent_bureau == ParentBureau("临江市公安局", ("command", "criminal"))
    assert org_to_dict(org)["parent_bureau"] == {
        "name": "临江市公安局",
        "functions": ["command", "criminal"],
    }
    with pytest.raises(OrgValidationError, match="parent_bureau: unknown function code 'magic'"):
        read_org(SMALL + "parent_bureau: {name: 市局, functions: [magic]}\n")
    with pytest.raises(OrgValidationError, match="parent_bureau must be"):
        read_org(SMALL + "parent_bureau: 临江市公安局\n")


def test_bad_edge_list() -> None:
    with pytest.raises(OrgValidationError, match=r"guides\[0\] must be \{from: ID, to: ID\}"):
        read_org(SMALL + "guides:\n  - {from: xz}\n")


def test_example_in_docs_loads() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    block = doc.split("### A complete example", 1)[1].split("```yaml\n", 1)[1].split("```", 1)[0]
    org = read_org(block, source="docs/format.md")
    assert (org.id, org.name, len(org)) == ("hexi-county", "河西县公安局", 10)
    # 5 + 12 + 18 + 4 + 26 + 12 + 8 + 3 + 2 + 1 = 91, as the document says
    assert org.total_police() == 91
    assert org.parent_bureau is not None and org.parent_bureau.name == "临江市公安局"


def test_yaml_duplicate_key_is_refused(tmp_path: Path) -> None:
    # PyYAML kept the last of two keys: s's police would silently be 21, not 12.
    p = tmp_path / "dup.yaml"
    p.write_text(
        "orgmodel: 1\nid: d\nname: d\nunits:\n"
        "  - {id: b, name: 县局, kind: county, police: 3}\n"
        "  - id: s\n"
        "    parent: b\n"
        "    name: 城关派出所\n"
        "    kind: station\n"
        "    police: 12\n"
        "    police: 21\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as e:
        load_org(p)
    msg = str(e.value)
    assert "dup.yaml" in msg and "duplicate key 'police' at line 11 (first given at line 10)" in msg


def test_yaml_duplicate_key_in_plans_and_data_files(tmp_path: Path) -> None:
    from orgmodel.norms import load_norms
    from orgmodel.restructure import PlanError, load_plan

    plan = tmp_path / "p.yaml"
    plan.write_text("name: p\nops:\n  - {op: hire, unit: s1, police: 3, police: 30}\n")
    with pytest.raises(PlanError, match="duplicate key 'police' at line 3"):
        load_plan(plan)
    norms = tmp_path / "n.yaml"
    norms.write_text("station: {leaders: 2}\nstation: {leaders: 9}\n")
    with pytest.raises(InputError, match="duplicate key 'station' at line 2"):
        load_norms(norms)
    # YAML merge keys may still be overridden: that is what they are for.
    assert yaml.load("a: &a {x: 1}\nb: {<<: *a, x: 2}", Loader=UniqueKeyLoader)["b"] == {"x": 2}


def _write(p: Path, data: dict[str, object]) -> Path:
    text = json.dumps(data, ensure_ascii=False) if p.suffix == ".json" else yaml.safe_dump(data)
    p.write_text(text, encoding="utf-8")
    return p


@pytest.mark.parametrize("parent", ["", " ", None, "left out"])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_empty_parent_reads_as_no_parent(tmp_path: Path, suffix: str, parent: str | None) -> None:
    # docs/format.md: "parent — none = the root". An empty text is none too, read exactly as
    # a parent left out or null, by the JSON stream and the full reader alike: the root when
    # it is the only unit without a parent …
    data = yaml.safe_load(SMALL)
    if parent != "left out":
        data["units"][0]["parent"] = parent
    org = load_org(_write(tmp_path / f"root{suffix}", data))
    assert org == read_org(SMALL) and org.parent("b") is None
    # … and never a second root in silence: 城关派出所 with "parent": "" is refused, naming
    # the file and both units without a parent.
    data["units"][2]["parent"] = None if parent == "left out" else parent
    if parent == "left out":
        del data["units"][2]["parent"]
    p = _write(tmp_path / f"two-roots{suffix}", data)
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    assert str(e.value) == (
        f"{p}: 1 problem in the organisation:\n"
        "  - more than one root unit: b, s (exactly one unit may have no parent)"
    )


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize(
    ("uid", "shown", "what"),
    [
        ("a\x07b", r"'a\x07b'", "a control character U+0007 at position 2"),
        ("xz\x1b[31m", r"'xz\x1b[31m'", "a control character U+001B at position 3"),
        ("x\x00z", r"'x\x00z'", "a NUL U+0000 at position 2"),
    ],
)
def test_control_character_inside_an_id_is_refused(
    tmp_path: Path, suffix: str, uid: str, shown: str, what: str
) -> None:
    # A C0 control character inside an id (not only at its ends, which the stream's quick
    # test looks at) is refused, the row named and the id shown escaped: a terminal would
    # ring, recolour or cut the text where it stands.
    p = tmp_path / f"org{suffix}"
    if suffix == ".json":
        data = yaml.safe_load(SMALL)
        data["units"][1]["id"] = uid
        _write(p, data)
    else:  # as written by hand, on line 6: YAML's own escapes in a quoted id
        quoted = "".join(f"\\x{ord(c):02x}" if ord(c) < 32 else c for c in uid)
        p.write_text(SMALL.replace("{id: xz,", f'{{id: "{quoted}",'), encoding="utf-8")
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    line = " (line 6)" if suffix == ".yaml" else ""
    assert f"units[1]{line}, unit {shown}: the unit id holds {what}" in str(e.value)
    assert uid not in str(e.value)  # never the raw character


@pytest.mark.parametrize(
    ("ch", "en", "zh"),
    [
        ("\x85", "control character U+0085 at position 12", "控制字符 U+0085（第 12 个字符）"),
        (
            "\u2028",
            "invisible line separator U+2028 at position 12",
            "不可见字符 U+2028（行分隔符，第 12 个字符）",
        ),
        (
            "\u2029",
            "invisible paragraph separator U+2029 at position 12",
            "不可见字符 U+2029（段落分隔符，第 12 个字符）",
        ),
    ],
)
def test_a_yaml_line_separator_in_an_id_is_refused_not_folded(ch: str, en: str, zh: str) -> None:
    # YAML reads U+0085 as a line break: 's\x851' was read as the id 's 1' without a word.
    text = (
        "orgmodel: 1\nid: t\nname: 县\nunits:\n  - {id: b, name: 局, kind: county}\n"
        f"  - {{id: 's{ch}1', name: 所, kind: station, parent: b}}\n"
    )
    with pytest.raises(InputError) as e:
        read_org(text, "yaml", "org.yaml")
    # line 6, position 12: "  - {id: 's" is 11 characters, the separator the 12th
    assert str(e.value) == (
        f"org.yaml, line 6: {en}: YAML reads it as a line break and would silently change "
        "the text around it; remove it"
    )
    with language("zh"):
        assert str(e.value) == (
            f"org.yaml，第 6 行：{zh}：YAML 会把它当作换行，悄悄改变它前后的文字；请删除它"
        )


def test_a_line_separator_around_an_id_is_refused_not_stripped() -> None:
    # str.strip() took U+0085 and U+2028 for blanks: 's1\x85' became 's1' and a parent
    # 'b\u2028' matched 'b', silently.
    data = {
        "orgmodel": 1,
        "id": "t",
        "name": "县",
        "units": [
            {"id": "b", "name": "局", "kind": "county"},
            {"id": "s1\x85", "name": "所", "kind": "station", "parent": "b\u2028"},
        ],
    }
    with pytest.raises(OrgValidationError) as e:
        read_org(json.dumps(data), "json", "org.json")
    assert [str(i) for i in e.value.issues] == [
        "units[1], unit 's1\\x85': the unit id holds a control character U+0085 at position 3",
        "units[1], unit 's1\\x85': parent 'b\\u2028' does not exist",
    ]
    assert normalize_id(" s1\t") == "s1"  # blanks around an id are still stripped

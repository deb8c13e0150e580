"""The HR spreadsheet importer and table export (orgmodel/io/tabular.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.io.tabular import (
    COLUMN_ALIASES,
    COLUMNS,
    KIND_ALIASES,
    export_table,
    load_table,
    resolve_column,
    resolve_kind,
)
from orgmodel.model import OrgGraph, OrgValidationError, ParentBureau

# The spreadsheet a 县公安局 HR office would export, with Chinese headers and names.
CN = """\
机构编号,上级机构编号,机构名称,机构类型,警种,类别,编制数,民警实有,辅警人数,领导职数,24小时值班,社区工作占比
hx,,河西县公安局,县公安局,,,10,5,0,4,否,
hx-xz,hx,刑事侦查大队,大队,刑侦,执法勤务,20,18,3,2,是,
hx-cc,hx,情报指挥中心,情指中心,情指,,,12,4,,是,
s1,hx,城关派出所,派出所,,,30,22,25,3,是,40%
s1-sq,s1,社区警务队,队,社区警务,,,9,6,,否,0.8
s1-zh,s1,综合指挥室,室,综合指挥,,,3,1,,Y,
p1,s1-sq,东街社区警务室,警务室,,,,2,3,,N,1
"""


def write(tmp_path: Path, text: str, name: str = "org.csv", encoding: str = "utf-8") -> Path:
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def write_xlsx(tmp_path: Path, rows: list[list[Any]], name: str = "org.xlsx") -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for r in rows:
        ws.append(r)
    p = tmp_path / name
    wb.save(p)
    return p


def problems(path: Path, **kw: Any) -> str:
    with pytest.raises(OrgValidationError) as e:
        load_table(path, **kw)
    return str(e.value)


def check_cn(org: OrgGraph) -> None:
    assert len(org) == 7
    # 5 + 18 + 12 + 22 + 9 + 3 + 2 = 71 police; 0 + 3 + 4 + 25 + 6 + 1 + 3 = 42 auxiliaries
    assert (org.total_police(), org.total_auxiliaries()) == (71, 42)
    assert [org.attrs(u)["kind"] for u in org.order()] == [
        "county",
        "department",
        "command_center",
        "station",
        "team",
        "office",
        "community_post",
    ]
    xz = org.unit("hx-xz")
    assert (xz.function, xz.category, xz.establishment, xz.leaders) == ("criminal", "duty", 20, 2)
    assert xz.duty_roster is True
    assert org.unit("hx").duty_roster is False
    assert org.unit("hx-cc").function == "command"
    assert org.unit("s1-sq").function == "community_policing"
    assert org.unit("s1-zh").function == "station_command"
    assert org.unit("s1").community_share == pytest.approx(0.4)  # 40%
    assert org.unit("p1").community_share == 1.0
    assert org.unit("p1").parent == "s1-sq"
    assert org.name_of("p1") == "东街社区警务室"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    org = load_table(write(tmp_path, CN, encoding=encoding))
    check_cn(org)
    assert (org.id, org.name) == ("org", "河西县公安局")


def test_gb18030_only_character(tmp_path: Path) -> None:
    # 𠀀 (U+20000) exists in GB18030 but not in GBK.
    p = write(tmp_path, CN.replace("东街社区", "𠀀街社区"), encoding="gb18030")
    assert load_table(p).name_of("p1") == "𠀀街社区警务室"


def test_crlf_and_tabs(tmp_path: Path) -> None:
    p = write(tmp_path, CN.replace(",", "\t").replace("\n", "\r\n"), encoding="gbk")
    check_cn(load_table(p))


def test_english_headers_and_codes(tmp_path: Path) -> None:
    text = (
        "id,parent_id,name,kind,function,police,duty_roster\n"
        "b,,某县公安局,county,,5,false\n"
        "x,b,刑侦大队,department,criminal,18,true\n"
        "y,b,经侦大队,department,Economic crime,6,0\n"
    )
    org = load_table(write(tmp_path, text))
    assert org.unit("x").function == "criminal"
    assert org.unit("y").function == "economic"  # by English name
    assert org.unit("y").duty_roster is False


def test_headers_in_any_order_and_full_width(tmp_path: Path) -> None:
    text = "民警 , 名称,类型,ＩＤ,上级编号\n5,某县公安局,分局,b,\n20,城关派出所,派出所,s,b\n"
    org = load_table(write(tmp_path, text))
    assert org.total_police() == 25
    assert org.parent("s") == "b"


@pytest.mark.parametrize(
    ("column", "alias"), [(c, a) for c, aliases in COLUMN_ALIASES.items() for a in aliases]
)
def test_every_column_alias(column: str, alias: str) -> None:
    assert resolve_column(alias) == column


@pytest.mark.parametrize(
    ("kind", "alias"), [(k, a) for k, aliases in KIND_ALIASES.items() for a in (k, *aliases)]
)
def test_every_kind_alias(kind: str, alias: str) -> None:
    assert resolve_kind(alias) == kind


def test_kind_with_full_width_brackets() -> None:
    assert resolve_kind("县（市、区）公安局") == "county"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("是", True),
        ("否", False),
        ("true", True),
        ("FALSE", False),
        ("1", True),
        ("0", False),
        ("Y", True),
        ("n", False),
        ("yes", True),
        ("", None),
    ],
)
def test_duty_roster_words(tmp_path: Path, text: str, value: bool | None) -> None:
    p = write(tmp_path, f"id,parent_id,name,kind,duty_roster\nb,,某县公安局,county,{text}\n")
    assert load_table(p).unit("b").duty_roster is value


def test_blank_lines_are_skipped_but_counted(tmp_path: Path) -> None:
    text = "id,parent_id,name,kind,police\n\nb,,局,county,1\n,,,,\ns,b,所,station,x\n"
    # Row 1 header, row 2 blank, row 3 b, row 4 empty cells, row 5 s.
    assert "org.csv row 5, column E (police), unit 's'" in problems(write(tmp_path, text))


def test_id_and_name_overrides(tmp_path: Path) -> None:
    org = load_table(write(tmp_path, CN, "河西.csv"), id="hx-2024", name="河西县公安局(改革前)")
    assert (org.id, org.name) == ("hx-2024", "河西县公安局(改革前)")
    assert load_table(tmp_path / "河西.csv").id == "河西"


def test_guided_by_and_dispatched_by(tmp_path: Path) -> None:
    text = (
        "编号,上级编号,名称,类型,警种,业务指导,调度\n"
        "c,,临江市公安局,市公安局,,,\n"
        "c-xz,c,刑侦支队,支队,刑侦,,\n"
        "c-cc,c,情指中心,情指中心,情指,,\n"
        "k,c,河西县公安局,县公安局,,,\n"
        "k-xz,k,刑侦大队,大队,刑侦,c-xz,\n"
        "k-cc,k,情指中心,情指中心,情指,,\n"
        "s,k,城关派出所,派出所,,,k-cc;c-cc\n"
    )
    org = load_table(write(tmp_path, text))
    assert org.guides == [("c-xz", "k-xz")]
    assert sorted(org.dispatches) == [("c-cc", "s"), ("k-cc", "s")]


# -- XLSX ---------------------------------------------------------------------------------


def cn_rows() -> list[list[Any]]:
    rows: list[list[Any]] = [line.split(",") for line in CN.splitlines()]
    for r in rows[1:]:
        # Numbers as Excel stores them: ints, and a float where someone typed 18.0.
        for j in (6, 7, 8, 9):
            r[j] = int(r[j]) if r[j] else None
    rows[2][7] = 18.0
    rows[1][10] = False  # an Excel boolean cell
    return rows


def test_xlsx_import(tmp_path: Path) -> None:
    org = load_table(write_xlsx(tmp_path, cn_rows()))
    check_cn(org)


def test_xlsx_numeric_ids(tmp_path: Path) -> None:
    p = write_xlsx(
        tmp_path,
        [
            ["编号", "上级编号", "名称", "类型"],
            [1001, None, "局", "分局"],
            [1002, 1001.0, "所", "派出所"],
        ],
    )
    assert load_table(p).parent("1002") == "1001"


def test_xlsx_sheet_choice_and_errors(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "说明"
    ws.append(["这是说明页"])
    data = wb.create_sheet("机构")
    for r in cn_rows():
        data.append(r)
    p = tmp_path / "book.xlsx"
    wb.save(p)
    check_cn(load_table(p, sheet="机构"))
    with pytest.raises(InputError, match=r"no sheet '人员' \(sheets: 说明, 机构\)"):
        load_table(p, sheet="人员")


def test_xlsx_errors_name_row_and_column(tmp_path: Path) -> None:
    rows = cn_rows()
    rows[3][7] = "十二"  # hx-cc police, sheet row 4, column H
    msg = problems(write_xlsx(tmp_path, rows))
    assert "org.xlsx row 4, column H (民警实有), unit 'hx-cc': police must be a whole number" in msg


def test_not_a_workbook_and_text_named_xls(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"not a readable \.xlsx workbook"):
        load_table(write(tmp_path, CN, "fake.xlsx"))
    # Some HR systems "export to Excel" as delimited text named .xls: read it, and say so.
    org = load_table(write(tmp_path, CN, "old.xls"))
    check_cn(org)
    assert org.warnings[0].message == "old.xls is delimited text named .xls; read as CSV"
    with pytest.raises(InputError, match=r"unknown spreadsheet type '\.txt'"):
        load_table(write(tmp_path, CN, "org.txt"))
    with pytest.raises(InputError, match="no such file"):
        load_table(tmp_path / "missing.xlsx")
    with pytest.raises(InputError, match="no such file"):
        load_table(tmp_path / "missing.csv")


# -- bad input: each class names file, row and column -------------------------------------

HEAD = "id,parent_id,name,kind,function,category,police,auxiliaries,duty_roster,community_share\n"
ROOT = "b,,某县公安局,county,,,5,0,,\n"

BAD: dict[str, tuple[str, str]] = {
    "non-numeric police": (
        "s,b,城关派出所,station,,,二十,0,,\n",
        "org.csv row 3, column G (police), unit 's': police must be a whole number, got '二十'",
    ),
    "fractional police": (
        "s,b,城关派出所,station,,,2.5,0,,\n",
        "row 3, column G (police), unit 's': police must be a whole number, got '2.5'",
    ),
    "negative auxiliaries": (
        "s,b,城关派出所,station,,,2,-3,,\n",
        "row 3, column H (auxiliaries), unit 's': auxiliaries must not be negative, got -3",
    ),
    "unknown kind": (
        "s,b,城关派出所,飞船,,,2,0,,\n",
        "row 3, column D (kind), unit 's': unknown kind '飞船'",
    ),
    "empty kind": ("s,b,城关派出所,,,,2,0,,\n", "row 3, column D (kind), unit 's': kind is empty"),
    "unknown function": (
        "x,b,禁酒大队,大队,禁酒,,2,0,,\n",
        "row 3, column E (function), unit 'x': unknown function '禁酒'",
    ),
    "unknown category": (
        "x,b,刑侦大队,大队,刑侦,机要,2,0,,\n",
        "row 3, column F (category), unit 'x': unknown category '机要'",
    ),
    "bad duty roster": (
        "s,b,城关派出所,station,,,2,0,有时,\n",
        "row 3, column I (duty_roster), unit 's': duty_roster must be 是/否",
    ),
    "share above one": (
        "s,b,城关派出所,station,,,2,0,,61.59\n",
        "row 3, column J (community_share), unit 's': community_share must be a share between "
        "0 and 1, got '61.59' (write 0.6 or 60%)",
    ),
    "share not a number": (
        "s,b,城关派出所,station,,,2,0,,大半\n",
        "row 3, column J (community_share), unit 's': community_share must be a share",
    ),
    "empty id": (",b,城关派出所,station,,,2,0,,\n", "row 3, column A (id): id is empty"),
    "empty name": ("s,b,,station,,,2,0,,\n", "row 3, column C (name), unit 's': name is empty"),
    "duplicate id": (
        "s,b,城关派出所,station,,,2,0,,\ns,b,东关派出所,station,,,2,0,,\n",
        "row 4, column A (id), unit 's': duplicate id 's', already used in row 3",
    ),
    "missing parent": (
        "s,q,城关派出所,station,,,2,0,,\n",
        "org.csv row 3, column B (parent_id), unit 's': parent 'q' is neither an id nor the "
        "name of a unit in the table",
    ),
    "function on a station": (
        "s,b,城关派出所,station,刑侦,,2,0,,\n",
        "org.csv row 3, unit 's': a station unit has no function",
    ),
    "cycle": (
        "x,y,甲大队,大队,,,1,0,,\ny,x,乙大队,大队,,,1,0,,\n",
        "org.csv rows 3, 4: REPORTS_TO cycle: units x, y never reach the root",
    ),
    "two roots": (
        "k,,另一县局,分局,,,1,0,,\n",
        "org.csv rows 2, 3, column parent_id: more than one root unit: b, k",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input(tmp_path: Path, case: str) -> None:
    body, expected = BAD[case]
    msg = problems(write(tmp_path, HEAD + ROOT + body))
    assert msg.startswith(f"{tmp_path / 'org.csv'}: ")
    assert expected in msg


def test_missing_and_repeated_columns(tmp_path: Path) -> None:
    text = "编号,名称,备注,民警,民警实有\nb,某县公安局,无,5,5\n"
    msg = problems(write(tmp_path, text))
    assert "备注" not in msg  # other columns are ignored (a warning), not refused
    assert (
        "org.csv row 1, column E (民警实有): column '民警实有' repeats 'police', "
        "already given in column D (民警)"
    ) in msg
    assert "missing required column 'kind'" in msg


def test_every_bad_cell_at_once(tmp_path: Path) -> None:
    body = (
        "s,b,城关派出所,station,,,二十,0,也许,\n"
        "x,b,禁酒大队,飞船,禁酒,,1,-1,,\n"
        "t,zz,东关派出所,station,,,1,0,,\n"
    )
    msg = problems(write(tmp_path, HEAD + ROOT + body))
    # police, duty_roster (row 3); kind, function, auxiliaries (row 4); parent (row 5)
    assert msg.splitlines()[0].endswith("6 problems in the organisation:")
    for where in (
        "row 3, column G",
        "row 3, column I",
        "row 4, column D",
        "row 4, column E",
        "row 4, column H",
        "row 5, column B (parent_id), unit 't': parent 'zz'",
    ):
        assert where in msg


def test_guides_errors_name_the_cell(tmp_path: Path) -> None:
    text = (
        "编号,上级编号,名称,类型,警种,业务指导\n"
        "c,,市局,市公安局,,\n"
        "c-xz,c,刑侦支队,支队,刑侦,\n"
        "k,c,县局,县公安局,,\n"
        "k-jz,k,经侦大队,大队,经侦,c-xz\n"
        "k-zz,k,治安大队,大队,治安,c-nope\n"
    )
    msg = problems(write(tmp_path, text))
    assert "org.csv row 5, column F (业务指导): GUIDES 'c-xz' → 'k-jz': functions differ" in msg
    assert (
        "row 6, column F (业务指导), unit 'k-zz': guided_by: unit 'c-nope' is not in the table"
        in msg
    )


def test_empty_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="the spreadsheet is empty"):
        load_table(write(tmp_path, "\n\n"))
    p = tmp_path / "junk.csv"
    # 0x81 0x20 is neither valid UTF-8 nor GB18030.
    p.write_bytes(b"id,name\n\x81\x20\x81\x20\n")
    with pytest.raises(InputError, match="neither UTF-8 nor GBK/GB18030"):
        load_table(p)


# -- export and round trips ---------------------------------------------------------------


def test_export_csv_has_bom_and_all_columns(org: OrgGraph, tmp_path: Path) -> None:
    p = export_table(org, tmp_path / "out.csv")
    raw = p.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert lines[1] == "c,,临江市公安局,city,,,15,12,0,5,,,,"
    # s is dispatched by two command centres, joined with ';'.
    assert any(line.startswith("s,k,城关派出所,station") and "c-cc;k-cc" in line for line in lines)


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_org_table_org(org: OrgGraph, tmp_path: Path, suffix: str) -> None:
    back = load_table(export_table(org, tmp_path / f"linjiang{suffix}"))
    assert sorted(u.to_dict().items() for u in back.units()) == sorted(
        u.to_dict().items() for u in org.units()
    )
    assert back.order() == org.order()
    assert back.guides == org.guides
    assert sorted(back.dispatches) == sorted(org.dispatches)
    if suffix == ".xlsx":
        # The organisation sheet keeps id, name, description and the parent bureau.
        assert back == org
        assert back.parent_bureau == ParentBureau("江南省公安厅", ("command", "criminal"))
    else:
        assert (back.id, back.name) == ("linjiang", "临江市公安局")


def test_csv_org_csv_is_identical(org: OrgGraph, tmp_path: Path) -> None:
    first = export_table(org, tmp_path / "a.csv")
    second = export_table(load_table(first), tmp_path / "b.csv")
    assert first.read_bytes() == second.read_bytes()


def test_chinese_csv_org_csv_keeps_everything(tmp_path: Path) -> None:
    org = load_table(write(tmp_path, CN, encoding="gbk"))
    (tmp_path / "out").mkdir()
    # Same file name, so the organisation id (from the file stem) is the same too.
    again = load_table(export_table(org, tmp_path / "out" / "org.csv"))
    assert again == org


def test_xlsx_org_xlsx_is_identical(org: OrgGraph, tmp_path: Path) -> None:
    first = export_table(org, tmp_path / "a.xlsx")
    second = export_table(load_table(first), tmp_path / "b.xlsx")

    def cells(p: Path) -> dict[str, list[tuple[Any, ...]]]:
        wb = load_workbook(p)
        return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb.worksheets}

    a, b = cells(first), cells(second)
    assert a == b
    assert list(a) == ["units", "organisation"]
    assert a["units"][0] == COLUMNS
    assert ("name", "临江市公安局") in a["organisation"]


def test_xlsx_keeps_text_that_looks_like_a_formula(tmp_path: Path) -> None:
    text = "id,parent_id,name,kind\nb,,=某县公安局,county\n"
    org = load_table(write(tmp_path, text))
    assert load_table(export_table(org, tmp_path / "f.xlsx")).name_of("b") == "=某县公安局"


def test_export_refuses_other_formats_and_writes_nothing(org: OrgGraph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write a table as 'txt'"):
        export_table(org, tmp_path / "out.txt")
    with pytest.raises(InputError, match="does not exist"):
        export_table(org, tmp_path / "no" / "out.csv")
    assert list(tmp_path.iterdir()) == []


def test_spreadsheet_example_in_docs(tmp_path: Path) -> None:
    doc = (Path(__file__).parents[2] / "docs" / "format.md").read_text(encoding="utf-8")
    section = doc.split("## 2. HR spreadsheets", 1)[1].split("### Example", 1)[1]
    lines = [ln for ln in section.splitlines() if ln.startswith("|") and "---" not in ln]
    lines = lines[: next(i for i, ln in enumerate(lines) if "cg-dj" in ln) + 1]
    csv_text = "\n".join(",".join(c.strip() for c in ln.strip("|").split("|")) for ln in lines)
    org = load_table(write(tmp_path, csv_text + "\n", encoding="gbk"))
    # 5 + 12 + 18 + 26 + 12 + 2 = 75 police
    assert (len(org), org.total_police()) == (6, 75)
    assert org.dispatches == [("hx-cc", "cg")]
    assert org.unit("cg-dj").community_share == 1.0


def test_header_with_unit_of_measure(tmp_path: Path) -> None:
    # 民警（人）, 警务辅助人员(名): the unit after the header is not its name. Before, both
    # columns were ignored and the county imported with 0 police and 0 auxiliaries.
    text = (
        "编号,上级编号,名称,类型,民警（人）,警务辅助人员(名)\n"
        "qh,,青禾县公安局,县公安局,6,2\n"
        "xz,qh,刑事侦查大队,大队,20,5\n"
        "cd,qh,城东派出所,派出所,10,12\n"
    )
    org = load_table(write(tmp_path, text))
    # police 6 + 20 + 10 = 36; auxiliaries 2 + 5 + 12 = 19
    assert sum(u.police for u in org.units()) == 36
    assert sum(u.auxiliaries for u in org.units()) == 19
    assert resolve_column("辅警 ( 人 )") == "auxiliaries"
    assert resolve_column("民警（含借调）") is None


def test_two_row_header_with_auxiliaries_over_establishment(tmp_path: Path) -> None:
    # 民警 over 编制|实有 and 辅警 over 编制|实有: 辅警编制 is no field (ignored), not a
    # second 编制 column (which refused the file before).
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["编号", "上级编号", "名称", "类型", "民警", None, "辅警", None])
    ws.append([None, None, None, None, "编制", "实有", "编制", "实有"])
    for c in "ABCD":
        ws.merge_cells(f"{c}1:{c}2")
    ws.merge_cells("E1:F1")
    ws.merge_cells("G1:H1")
    ws.append(["qh", None, "青禾县公安局", "县公安局", 8, 6, 3, 2])
    ws.append(["cd", "qh", "城东派出所", "派出所", 12, 10, 15, 12])
    p = tmp_path / "two.xlsx"
    wb.save(p)
    org = load_table(p)
    assert [org.unit(u).police for u in ("qh", "cd")] == [6, 10]
    assert [org.unit(u).auxiliaries for u in ("qh", "cd")] == [2, 12]
    assert [org.unit(u).establishment for u in ("qh", "cd")] == [8, 12]
    assert any("G (辅警编制)" in w.message for w in org.warnings)


def test_bare_dui_named_zhongdui(tmp_path: Path) -> None:
    # 队 named …中队: inside a 派出所 a team (frontline), under a 大队 a department. Before, a
    # 派出所's 巡逻中队 became a 机关 department and its 5 police left the station share.
    text = (
        "编号,上级编号,名称,类型,民警\n"
        "qh,,青禾县公安局,县公安局,6\n"
        "cd,qh,城东派出所,派出所,10\n"
        "cd-xl,cd,巡逻中队,队,5\n"
        "jj,qh,交通管理大队,队,30\n"
        "jj-1,jj,城区中队,队,10\n"
    )
    org = load_table(write(tmp_path, text))
    assert org.unit("cd-xl").kind == "team"
    assert org.unit("jj-1").kind == "department"
    assert org.unit("jj").kind == "department"


def test_explicit_zhongdui_daduei_inside_station(tmp_path: Path) -> None:
    # 类型 written out as 中队 under a 派出所 was a 机关 department, silently: its 8 police
    # counted as organ police and as station police at once. Now it is the station's team
    # (as a bare 队 is), said in a warning; a 大队 named so stays a department, warned about.
    text = (
        "编号,上级编号,名称,类型,民警\n"
        "b,,某县公安局,县公安局,5\n"
        "s,b,城关派出所,派出所,10\n"
        "t,s,治安巡逻中队,中队,8\n"
        "u,s,刑侦大队,大队,4\n"
        "x,b,刑侦中队,中队,3\n"
    )
    org = load_table(write(tmp_path, text))
    assert org.unit("t").kind == "team"
    assert org.unit("x").kind == "department"  # under the bureau: a department
    assert org.unit("u").kind == "department"
    row4 = [w for w in org.warnings if w.unit == "t"]
    assert len(row4) == 1 and "row 4" in str(row4[0].where) and "team" in row4[0].message
    row5 = [w for w in org.warnings if w.unit == "u"]
    assert len(row5) == 1 and "row 5" in str(row5[0].where)
    assert "inside a 派出所" in row5[0].message
    assert not [w for w in org.warnings if w.unit == "x"]


def test_hierarchical_code_gap_is_refused(tmp_path: Path) -> None:
    # No parent column: 01010201's parent is 010102 by its code, but no row has it. It was
    # attached to 0101 silently (a level too high, 010102's officers lost); now refused,
    # naming the missing code and the row. 0103 under 01 (no gap) is fine.
    text = (
        "编码,名称,类型,民警\n"
        "01,某县公安局,县公安局,5\n"
        "0101,城关派出所,派出所,10\n"
        "010101,社区警务队,社区警务队,4\n"
        "01010201,东街警务室,社区警务室,2\n"
        "0103,刑侦大队,大队,6\n"
    )
    with pytest.raises(OrgValidationError) as e:
        load_table(write(tmp_path, text))
    (issue,) = e.value.issues
    assert issue.unit == "01010201" and issue.where == "org.csv row 5"
    assert "'010102'" in issue.message and "'0101'" in issue.message
    # the unit is listed with its row in the language shown (no English inside the Chinese)
    assert "'01010201' (row 5)" in str(issue.message)
    with language("zh"):
        zh = str(issue.message)
    assert "'01010201'（第 5 行）" in zh and "row" not in zh, zh
    # With the missing row, the same codes load: 01010201 under 010102.
    org = load_table(write(tmp_path, text + "010102,西街社区警务队,社区警务队,3\n"))
    assert org.unit("01010201").parent == "010102"
    assert org.unit("0103").parent == "01"


def test_totals_blank_auxiliaries_total_is_refused(tmp_path: Path) -> None:
    # --totals: 城关派出所's 辅警 cell is blank. Taken as 0 (< its teams' 8 + 4 = 12) it made
    # the whole column read as each unit's own: 30 + 0 + 8 + 4 = 42 辅警 instead of the
    # bureau's total 30, with only a warning. A blank total is unknown: refused, naming the row.
    head = "编号,上级编号,名称,类型,民警,辅警\n"
    rows = (
        "b,,某县公安局,县公安局,40,30\n"
        "s,b,城关派出所,派出所,30,{s}\n"
        "t,s,社区警务队,社区警务队,10,8\n"
        "u,s,案件办理队,案件办理队,5,4\n"
    )
    with pytest.raises(OrgValidationError) as e:
        load_table(write(tmp_path, head + rows.format(s="")), totals=True)
    (issue,) = e.value.issues
    assert issue.unit == "s" and issue.where == "org.csv row 3, column F (辅警)"
    assert "auxiliaries is blank" in issue.message and "12" in issue.message
    # Given, the same column reads as totals: s own 12 − 12 = 0, b own 30 − 12 = 18.
    org = load_table(write(tmp_path, head + rows.format(s="12")), totals=True)
    assert [org.unit(u).auxiliaries for u in "bstu"] == [18, 0, 8, 4]
    # A real figure below its sub-units' (6 < 12) shows the column is per unit: a warning
    # naming the row, figures kept as each unit's own (30 + 6 + 8 + 4 = 48).
    org = load_table(write(tmp_path, head + rows.format(s="6")), totals=True)
    assert org.total_auxiliaries() == 48
    (w,) = [w for w in org.warnings if "not subtree totals" in w.message]
    assert "row 3: 城关派出所 has 6, its sub-units 12" in w.message
    assert w.where == "org.csv row 3, column F (辅警)"

"""Small HR exports of an invented 临川县公安局, one per habit of real exports (issue 11).

Each case writes its own file and says what importing it must give: the numbers, the warnings
or the refusal. ``tests/io``, ``tests/cli`` and ``tests/api`` run every case through their
door (library, ``orgmodel import``, ``POST /orgs``), so every door is held to the same answer.

The clean county (10 units)::

    临川县公安局 6 ─┬ 情报指挥中心 12, 刑事侦查大队 20, 治安管理大队 9
                    ├ 城南派出所 4 ─┬ 社区警务队 10 ── 南街警务室 2
                    │               └ 综合指挥室 3
                    └ 双河派出所 9 ── 双河警务室 2

police 6 + 12 + 20 + 9 + 4 + 10 + 2 + 3 + 9 + 2 = 77;
auxiliaries 0 + 4 + 6 + 3 + 6 + 12 + 3 + 2 + 5 + 1 = 42.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HEAD = [
    "机构编号",
    "上级机构编号",
    "机构名称",
    "机构类型",
    "警种",
    "民警实有",
    "辅警人数",
    "24小时值班",
]
ROWS: list[list[Any]] = [
    ["b", "", "临川县公安局", "县公安局", "", 6, 0, "否"],
    ["b-cc", "b", "情报指挥中心", "情指中心", "情指", 12, 4, "是"],
    ["b-xj", "b", "刑事侦查大队", "大队", "刑侦", 20, 6, "是"],
    ["b-za", "b", "治安管理大队", "大队", "治安", 9, 3, "否"],
    ["s1", "b", "城南派出所", "派出所", "", 4, 6, "是"],
    ["s1-sq", "s1", "社区警务队", "队", "社区警务", 10, 12, "否"],
    ["s1-p1", "s1-sq", "南街警务室", "警务室", "", 2, 3, "否"],
    ["s1-zh", "s1", "综合指挥室", "综合指挥室", "", 3, 2, "否"],
    ["s2", "b", "双河派出所", "派出所", "", 9, 5, "是"],
    ["s2-p1", "s2", "双河警务室", "警务室", "", 2, 1, "否"],
]
POLICE, AUXILIARIES, UNITS = 77, 42, 10


def rows() -> list[list[Any]]:
    return [list(r) for r in ROWS]


def csv_text(head: list[str], body: list[list[Any]]) -> str:
    return "".join(",".join("" if c is None else str(c) for c in r) + "\n" for r in [head, *body])


def write_csv(d: Path, name: str, head: list[str], body: list[list[Any]]) -> Path:
    p = d / name
    p.write_text(csv_text(head, body), encoding="utf-8-sig")
    return p


def write_xlsx(d: Path, name: str, sheets: dict[str, list[list[Any]]], **kw: Any) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    first = True
    for title, grid in sheets.items():
        ws = wb.active if first else wb.create_sheet()
        assert ws is not None
        ws.title = title
        first = False
        for r in grid:
            ws.append(r)
    if kw.get("edit"):
        kw["edit"](wb)
    p = d / name
    wb.save(p)
    return p


@dataclass
class Case:
    """One kind of export: how to write it, how to import it, what must come out."""

    kind: str
    write: Callable[[Path], Path]
    totals: bool = False
    sheet: str | None = None
    police: int | None = POLICE
    units: int = UNITS
    #: unit id → {field: value} that must hold after the import
    check: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    #: when set, the import is refused and every string appears in the message
    error: list[str] = field(default_factory=list)
    #: text that must not reach the organisation (personal data in ignored columns)
    absent: list[str] = field(default_factory=list)


def _title_rows(d: Path) -> Path:
    p = d / "title_rows.csv"
    p.write_text(
        "临川县公安局机构编制与警力花名册（2024年）,,,,,,,\n填报单位：政治处,,,,,,填报日期：2024-06-30,\n"
        + csv_text(HEAD, rows()),
        encoding="utf-8-sig",
    )
    return p


def _extra_columns(d: Path) -> Path:
    head = ["序号", *HEAD, "负责人", "联系电话", "备注"]
    body = [[i + 1, *r, "张某", f"1380000{i:04d}", "无"] for i, r in enumerate(rows())]
    return write_csv(d, "extra_columns.csv", head, body)


def _yonyou(d: Path) -> Path:
    head = ["部门编码", "部门名称", "上级部门编码", "类型", "警种", "实有民警", "辅警实有", "值班"]
    body = [[r[0], r[2], r[1], r[3], r[4], r[5], r[6], r[7]] for r in rows()]
    return write_csv(d, "yonyou.csv", head, body)


def _parent_by_name(d: Path) -> Path:
    name = {r[0]: r[2] for r in ROWS}
    body = [[r[0], name.get(r[1], ""), *r[2:]] for r in rows()]
    return write_csv(d, "parent_by_name.csv", HEAD, body)


def _parent_by_path(d: Path) -> Path:
    # Two 社区警务队 in two stations: only a path tells which one a post is under.
    body = rows()
    body.append(["s2-sq", "双河派出所", "社区警务队", "队", "社区警务", 0, 0, "否"])
    body[6][1] = "城南派出所/社区警务队"
    name = {r[0]: r[2] for r in ROWS}
    for r in body[:-1]:
        if r[1] in name:
            r[1] = name[r[1]]
    return write_csv(d, "parent_by_path.csv", HEAD, body)


def _codes(d: Path) -> Path:
    code = {
        "b": "01",
        "b-cc": "0101",
        "b-xj": "0102",
        "b-za": "0103",
        "s1": "0104",
        "s1-sq": "010401",
        "s1-p1": "01040101",
        "s1-zh": "010402",
        "s2": "0105",
        "s2-p1": "010501",
    }
    body = [[code[r[0]], *r[2:]] for r in rows()]
    return write_csv(d, "codes.csv", [HEAD[0], *HEAD[2:]], body)


def _root(marker: str) -> Callable[[Path], Path]:
    def w(d: Path) -> Path:
        body = rows()
        body[0][1] = marker
        return write_csv(d, f"root_{marker or 'blank'}.csv", HEAD, body)

    return w


def _float_ids(d: Path) -> Path:
    num = {r[0]: 101 + i for i, r in enumerate(ROWS)}
    body = [[f"{num[r[0]]}.0", f"{num[r[1]]}.0" if r[1] else "", *r[2:]] for r in rows()]
    return write_csv(d, "float_ids.csv", HEAD, body)


def _full_width(d: Path) -> Path:
    fw = str.maketrans(
        "0123456789abcdefghijklmnopqrstuvwxyz-",
        "０１２３４５６７８９ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－",
    )
    body = [[r[0].translate(fw), f" {r[1].translate(fw)} ", *r[2:]] for r in rows()]
    return write_csv(d, "full_width.csv", HEAD, body)


def _thousands_and_ticks(d: Path) -> Path:
    body = rows()
    body[2][5] = '"1,020"'  # 刑事侦查大队: 1,020 police
    for r in body:
        r[7] = {"是": "√", "否": "×"}[r[7]]
    body[1][7], body[3][7] = "Y", "N"
    return write_csv(d, "thousands_ticks.csv", HEAD, body)


def _scientific(d: Path) -> Path:
    body = rows()
    body[4][0] = "1.30102E+11"
    return write_csv(d, "scientific.csv", HEAD, body)


def _kesuodui(d: Path) -> Path:
    body = rows()
    body[2][3] = body[3][3] = "队"  # 大队 under the bureau: departments
    body[4][3] = body[8][3] = "所"  # 派出所
    body[7][3] = "室"  # 综合指挥室 inside a station: an office
    body.append(["b-ks", "b", "临川县看守所", "所", "", 15, 8, "是"])
    body.append(["b-zg", "b", "政工室", "室", "政工", 3, 0, "否"])
    return write_csv(d, "kesuodui.csv", HEAD, body)


def _ambiguous(d: Path) -> Path:
    body = rows()
    body.append(["b-xj-1", "b-xj", "技术所", "所", "", 2, 0, "否"])
    return write_csv(d, "ambiguous.csv", HEAD, body)


def _totals(d: Path) -> Path:
    body = rows()
    # 城南派出所 4 own + 社区警务队 (10 + 2) + 综合指挥室 3 = 19; 社区警务队 10 + 2 = 12;
    # 双河派出所 9 + 2 = 11. The bureau's row stays its own 6 (局领导).
    body[4][5], body[5][5], body[8][5] = 19, 12, 11
    return write_csv(d, "totals.csv", HEAD, body)


def _totals_whole(d: Path) -> Path:
    body = rows()
    # As _totals, and the bureau's row is the county's whole total: 77.
    body[0][5], body[4][5], body[5][5], body[8][5] = 77, 19, 12, 11
    return write_csv(d, "totals_whole.csv", HEAD, body)


def _own_big_station(d: Path) -> Path:
    # Own figures where every 派出所 has more 民警 than its sub-units (城南 17 > 10 + 3,
    # 社区警务队 10 > 2, 双河 9 > 2): ordinary, not totals. Only the bureau (6) is smaller.
    body = rows()
    body[4][5] = 17
    return write_csv(d, "own_big_station.csv", HEAD, body)


def _totals_checksum(d: Path) -> Path:
    # _totals (the bureau's row its own 6) with a 合计 row holding the real total, 77.
    body = rows()
    body[4][5], body[5][5], body[8][5] = 19, 12, 11
    body.append(["合计", "", "", "", "", 77, 42, ""])
    return write_csv(d, "totals_checksum.csv", HEAD, body)


def _footer(d: Path) -> Path:
    p = d / "footer.csv"
    p.write_text(
        csv_text(HEAD, rows())
        + ",,,,,,,\n"
        + "注：1.民警实有数不含借调人员,,,,,,,\n"
        + "2.辅警含文职辅警,,,,,,,\n"
        + "制表人：王某某,,,审核人：李某,,填报日期：2024-07-01,,\n"
        + "审核人：,,,联系电话：,,13800000000,,\n"  # the phone in the 民警 column
        + ",,,,,,,\n"
        + "以上数据截至2024年6月30日,,,,,,,\n",
        encoding="utf-8-sig",
    )
    return p


def _unit_below_note(d: Path) -> Path:
    body = rows()
    # A 注 line, then one more unit: the note is skipped, the unit is still read.
    body.insert(9, ["注：双河派出所警务室为新设", "", "", "", "", "", "", ""])
    return write_csv(d, "unit_below_note.csv", HEAD, body)


def _footer_xlsx(d: Path) -> Path:
    grid: list[list[Any]] = [["临川县公安局警力花名册"], HEAD, *rows(), []]
    grid.append(["注：民警实有数为2024年6月30日数，不含借调、援外人员。"])
    grid.append([])
    grid.append(["单位负责人（签字）：", None, None, "制表人：赵某", None, "联系电话：13800000000"])

    def edit(wb: Any) -> None:
        ws = wb.active
        ws.merge_cells("A1:H1")
        ws.merge_cells("A14:H15")  # the note, merged over two lines and the 民警 column

    return write_xlsx(d, "footer.xlsx", {"花名册": grid}, edit=edit)


def _subtotals(d: Path) -> Path:
    b = rows()
    body = [
        *b[0:4],
        ["", "", "机关小计", "", "", 6 + 12 + 20 + 9, 0 + 4 + 6 + 3, ""],  # 47, 13
        *b[4:8],
        ["", "", "城南派出所小计", "", "", 4 + 10 + 2 + 3, 6 + 12 + 3 + 2, ""],  # 19, 23
        *b[8:10],
        ["", "", "双河派出所小计", "", "", 12, 5 + 1, ""],  # 9 + 2 = 11, not 12
        ["总计", "", "", "", "", 77, 42, ""],
    ]
    return write_csv(d, "subtotals.csv", HEAD, body)


def _bare_subtotals(d: Path) -> Path:
    b = rows()
    body = [
        b[0],  # the bureau's row heads the first block, but its 小计 is 城南's alone
        *b[4:8],
        ["", "", "小计", "", "", 4 + 10 + 2 + 3, 6 + 12 + 3 + 2, ""],  # 19, 23
        *b[1:4],
        ["", "", "小计", "", "", 12 + 20 + 9, 4 + 6 + 3, ""],  # 41, 13
        *b[8:10],
        ["", "", "小计", "", "", 9 + 2, 5 + 1 + 1, ""],  # 11, but 辅警 7 ≠ 6
        ["合计", "", "", "", "", 77, 42, ""],
    ]
    return write_csv(d, "bare_subtotals.csv", HEAD, body)


def _parts(d: Path) -> Path:
    body = rows()
    body.append(["合计", "", "", "", "", 77, 42, ""])
    # stations: 城南 4 + 10 + 2 + 3 = 19 and 双河 9 + 2 = 11 → 30; 辅警 6 + 12 + 3 + 2 + 5 + 1 = 29
    body.append(["其中：派出所", "", "", "", "", 30, 29, ""])
    body.append(["其中：女民警", "", "", "", "", 12, "", ""])
    return write_csv(d, "parts.csv", HEAD, body)


def _last_row_no_kind(d: Path) -> Path:
    body = rows()
    body[-1][3:] = ["", "", "", "", ""]  # 双河警务室: no kind, no figures, still a unit
    return write_csv(d, "last_no_kind.csv", HEAD, body)


def _scientific_column(d: Path) -> Path:
    # Excel turned a column of 12-digit codes into 1.30102E+11: the root and both stations
    # (and the parent cells naming them) lost their digits.
    body = rows()
    code = {"b": "1.30102E+11", "s1": "1.30102E+11", "s2": "1.30102E+11"}
    for r in body:
        r[0] = code.get(r[0], r[0])
        r[1] = code.get(r[1], r[1])
    return write_csv(d, "scientific_column.csv", HEAD, body)


def _totals_negative(d: Path) -> Path:
    body = rows()
    body[4][5], body[5][5], body[8][5] = 14, 12, 11  # 城南: 14 < 12 + 3
    return write_csv(d, "totals_negative.csv", HEAD, body)


def _checksum(d: Path) -> Path:
    body = rows()
    body.append(["合计", "", "", "", "", 80, 42, ""])
    return write_csv(d, "checksum.csv", HEAD, body)


def _team_outside(d: Path) -> Path:
    body = rows()
    body.append(["b-xj-1", "b-xj", "一中队", "社区警务队", "", 5, 0, "否"])
    return write_csv(d, "team_outside.csv", HEAD, body)


def _station_under_dadui(d: Path) -> Path:
    body = rows()
    body[8][1] = "b-za"
    return write_csv(d, "station_under_dadui.csv", HEAD, body)


def _formulas(d: Path) -> Path:
    grid = [HEAD, *rows()]
    for i, r in enumerate(grid[1:], start=2):
        r[5] = f"={r[5]}+0" if i > 2 else r[5]  # as a script writes them: no cached values
    return write_xlsx(d, "formulas.xlsx", {"机构": grid})


def _merged(d: Path) -> Path:
    grid = [HEAD, *rows()]
    # 城南派出所, 社区警务队, 南街警务室, 综合指挥室: one merged 是 (rows 6–9, column H)
    for r in grid[6:10]:
        r[7] = None
    grid[5][7] = "是"

    def edit(wb: Any) -> None:
        wb.active.merge_cells("H6:H9")

    return write_xlsx(d, "merged.xlsx", {"机构": grid}, edit=edit)


def _two_row_header(d: Path) -> Path:
    top = ["机构编号", "上级机构编号", "机构名称", "机构类型", "警种", "民警", "辅警", "24小时值班"]
    sub = [None, None, None, None, None, "实有", "实有", None]
    grid = [["临川县公安局警力统计表"], top, sub, *rows()]

    def edit(wb: Any) -> None:
        ws = wb.active
        ws.merge_cells("A1:H1")
        for col in "ABCDEH":
            ws.merge_cells(f"{col}2:{col}3")

    return write_xlsx(d, "two_row_header.xlsx", {"警力": grid}, edit=edit)


def _instructions_sheet(d: Path) -> Path:
    notes = [["填表说明"], ["1. 每个机构一行"], ["2. 民警实有填本机构人数"]]
    return write_xlsx(d, "instructions.xlsx", {"填表说明": notes, "机构": [HEAD, *rows()]})


def _two_sheets(d: Path) -> Path:
    older = rows()
    older[2][5] = 18
    return write_xlsx(
        d,
        "two_sheets.xlsx",
        {"说明": [["见各年度表"]], "2023": [HEAD, *older], "2024": [HEAD, *rows()]},
    )


def _xls(d: Path) -> Path:
    import xlwt  # type: ignore[import-untyped]

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("机构")
    grid = [HEAD, *rows()]
    for i, r in enumerate(grid):
        for j, v in enumerate(r):
            if i in (5, 6) and j == 7:
                continue
            ws.write(i, j, v)
    ws.write_merge(5, 6, 7, 7, "是")  # 城南派出所 and its 社区警务队: one merged 是
    p = d / "old.xls"
    wb.save(str(p))
    return p


def _html_xls(d: Path) -> Path:
    p = d / "web_export.xls"
    p.write_text(
        "<html><body><table><tr><td>机构编号</td><td>机构名称</td></tr></table></body></html>",
        encoding="utf-8",
    )
    return p


CASES: dict[str, Case] = {
    c.kind: c
    for c in [
        Case("title rows", _title_rows),
        Case(
            "extra columns",
            _extra_columns,
            warnings=[
                "columns not imported (not kept): A (序号), J (负责人), K (联系电话), L (备注)"
            ],
            absent=["13800000001", "张某"],
        ),
        Case("用友 headers", _yonyou, check={"s1-p1": {"parent": "s1-sq"}}),
        Case("parent by name", _parent_by_name, check={"s1-p1": {"parent": "s1-sq"}}),
        Case(
            "parent by path",
            _parent_by_path,
            units=11,
            check={"s1-p1": {"parent": "s1-sq"}, "s2-sq": {"parent": "s2"}},
        ),
        Case(
            "hierarchical codes",
            _codes,
            check={"01040101": {"parent": "010401"}, "0105": {"parent": "01"}},
            warnings=["no parent column"],
        ),
        Case("root parent 0", _root("0")),
        Case("root parent -1", _root("-1")),
        Case("root parent 无", _root("无")),
        Case("float ids", _float_ids, check={"107": {"parent": "106"}}),
        Case("full-width ids", _full_width, check={"s1-p1": {"parent": "s1-sq"}}),
        Case(
            "thousands and ticks",
            _thousands_and_ticks,
            police=POLICE - 20 + 1020,
            check={
                "b-cc": {"duty_roster": True},
                "b-za": {"duty_roster": False},
                "s1": {"duty_roster": True},
            },
        ),
        Case(
            "scientific ids",
            _scientific,
            # One message: the children of the lost id get no "parent not found", no
            # "can be more than one kind", and no REPORTS_TO cycle.
            error=[
                "1 problem in the organisation",
                "scientific.csv row 6, column A (机构编号)",
                "id '1.30102E+11' is a number in scientific notation",
                "The rest of the table was not checked",
            ],
        ),
        Case(
            "科所队 kinds",
            _kesuodui,
            police=POLICE + 15 + 3,
            units=12,
            check={
                "b-xj": {"kind": "department"},
                "s1": {"kind": "station"},
                "s1-sq": {"kind": "team"},
                "s1-zh": {"kind": "office"},
                "b-ks": {"kind": "department", "function": "detention"},
                "b-zg": {"kind": "department"},
            },
        ),
        Case(
            "科所队 undecided",
            _ambiguous,
            error=[
                "ambiguous.csv row 12, column D (机构类型), unit 'b-xj-1'",
                "类型 '所' of '技术所' under '刑事侦查大队' (内设机构) can be more than one kind",
                "派出所 (station), 内设机构 (department)",
            ],
        ),
        Case(
            "subtree totals",
            _totals,
            totals=True,
            check={"s1": {"police": 4}, "s1-sq": {"police": 10}, "s2": {"police": 9}},
            # The bureau's 6 < its sub-units' 12 + 20 + 9 + 19 + 11 = 71: its own (局领导).
            # 辅警 are per unit here (城南 6 < 12 + 2): read as own, and said so.
            warnings=[
                "police 6 is less than its sub-units' 71, so it is read as the bureau's own",
                "the auxiliaries column is not subtree totals (row 6: 城南派出所 has 6, its sub-units 14)",
            ],
        ),
        Case(
            "subtree totals with the bureau's total",
            _totals_whole,
            totals=True,
            # the bureau: 77 − (12 + 20 + 9 + 19 + 11) = 6
            check={"b": {"police": 6}, "s1": {"police": 4}, "s2": {"police": 9}},
            warnings=["the auxiliaries column is not subtree totals"],
        ),
        Case(
            "subtree totals, no --totals",
            _totals_whole,
            # as read: 77 + 12 + 20 + 9 + 19 + 12 + 2 + 3 + 11 + 2 = 167
            police=167,
            warnings=[
                "totals_whole.csv, column F (民警实有)",
                "the 民警 figures may be subtree totals",
                "(4, the bureau included)",
                "As read, each figure is the unit's own: 167 民警 in all",
                # 城南派出所 19 − (12 + 3) = 4; 社区警务队 12 − 2 = 10
                "Read as subtree totals (--totals), own = total − sub-units (e.g. 城南派出所 "
                "19 − 15 = 4; 社区警务队 12 − 2 = 10): 77 民警 in all",
                "import again with --totals",
            ],
        ),
        # Every 派出所 above its sub-units, the bureau below: own figures, no warning.
        Case("own figures, stations above their posts", _own_big_station, police=77 - 4 + 17),
        Case(
            "subtree totals with a 合计 row, no --totals",
            _totals_checksum,
            # as read 6 + 12 + 20 + 9 + 19 + 12 + 2 + 3 + 11 + 2 = 96
            police=96,
            warnings=[
                "totals_checksum.csv row 12, column F (民警实有)",
                "合计 row: police 77, but the units add up to 96 (difference −19); read as "
                "subtree totals (--totals) they add up to 77",
            ],
        ),
        Case(
            "notes and sign-off below the table",
            _footer,
            warnings=[
                "footer.csv rows 13, 14, 15, 16, 18",
                "the table ends at row 13: the notes and sign-off below it (注, 制表人, 审核人, "
                "2 lines of text) are not units: skipped, not kept",
            ],
            absent=["王某某", "李某", "13800000000"],
        ),
        Case(
            "a unit row below a note",
            _unit_below_note,
            check={"s2-p1": {"parent": "s2", "police": 2}},
            warnings=[
                "unit_below_note.csv row 11: the notes and sign-off from row 11 on (注) are not "
                "units: skipped, not kept"
            ],
        ),
        Case(
            "notes and sign-off below a workbook's table",
            _footer_xlsx,
            warnings=["footer.xlsx rows 14, 15, 16", "(注, 单位负责人) are not units"],
            absent=["赵某", "13800000000"],
        ),
        Case(
            "小计 rows",
            _subtotals,
            warnings=[
                "subtotals.csv row 14, column F (民警实有)",
                "双河派出所小计 row: police 12, but 双河派出所 and its sub-units add up to 11 "
                "(difference +1)",
                "合计/小计 rows checked, not imported as units: rows 6 (机关小计), 11 "
                "(城南派出所小计), 15 (总计): they match",
            ],
        ),
        Case(
            "bare 小计 rows",
            _bare_subtotals,
            warnings=[
                "bare_subtotals.csv row 14, column G (辅警人数)",
                "小计 row: auxiliaries 7, but the units above it (rows 12–13) add up to 6 "
                "(difference +1)",
                "rows 7 (小计), 11 (小计), 15 (合计): they match the units' figures",
            ],
        ),
        Case(
            "其中 rows",
            _parts,
            warnings=[
                "rows 12 (合计), 13 (其中：派出所): they match the units' figures",
                "合计/小计/其中 rows not imported as units and not checked, as they name no unit "
                "or kind of unit: row 14 (其中：女民警)",
            ],
        ),
        Case(
            "a last unit row without kind or figures",
            _last_row_no_kind,
            error=["last_no_kind.csv row 11, column D (机构类型), unit 's2-p1': kind is empty"],
        ),
        Case(
            "scientific ids, a whole column",
            _scientific_column,
            error=[
                "1 problem in the organisation",
                "scientific_column.csv rows 2, 3, 4, 5, 6, 7, 9, 10, 11, column A (机构编号), "
                "column B (上级机构编号)",
                "ids whose digits Excel has lost (A2 '1.30102E+11', B3 '1.30102E+11',",
                "The rest of the table was not checked",
            ],
        ),
        Case(
            "totals that go negative",
            _totals_negative,
            totals=True,
            error=[
                "totals_negative.csv row 6, column F (民警实有), unit 's1'",
                "police 14 must include its sub-units', but they sum to 15",
            ],
        ),
        Case(
            "合计 row",
            _checksum,
            warnings=[
                "checksum.csv row 12, column F (民警实有)",
                "合计 row: police 80, but the units add up to 77 (difference +3)",
            ],
        ),
        Case(
            "team outside a 派出所",
            _team_outside,
            error=[
                "team_outside.csv row 12, unit 'b-xj-1'",
                "must sit inside a 派出所",
                "'刑事侦查大队'",
            ],
        ),
        Case(
            "派出所 under a 大队",
            _station_under_dadui,
            warnings=["unit 's2': a 派出所 (station) under '治安管理大队'"],
        ),
        Case(
            "formulas without values",
            _formulas,
            error=[
                "formulas.xlsx, column F (民警实有)",
                "formulas saved without their values (F3, F4,",
                "Open the file in Excel",
            ],
        ),
        Case(
            "merged cells",
            _merged,
            check={u: {"duty_roster": True} for u in ("s1", "s1-sq", "s1-p1", "s1-zh")},
        ),
        Case("two-row header", _two_row_header, check={"b-xj": {"police": 20, "auxiliaries": 6}}),
        Case("instructions sheet first", _instructions_sheet, warnings=["read sheet '机构'"]),
        Case(
            "two data sheets",
            _two_sheets,
            error=["sheets '2023', '2024' each have a header row", "--sheet"],
        ),
        Case("two data sheets, --sheet", _two_sheets, sheet="2023", police=POLICE - 2),
        Case("old .xls", _xls, check={"s1": {"duty_roster": True}, "s1-sq": {"duty_roster": True}}),
        Case(
            "HTML saved as .xls",
            _html_xls,
            error=["a web page (an HTML table) saved with an .xls name", "save it as .xlsx"],
        ),
    ]
}

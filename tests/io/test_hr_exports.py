"""HR exports as offices write them (issue 11), through the library's one reader.

Each case of :mod:`tests.hr_cases` is one habit of real exports, with the numbers, warnings or
refusal worked out there by hand.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orgmodel.errors import InputError
from orgmodel.io import load_any, read_upload
from orgmodel.io.orgfile import dump_org
from orgmodel.metrics import metric_report
from orgmodel.model import OrgValidationError
from tests.hr_cases import CASES, Case


@pytest.mark.parametrize("kind", sorted(CASES))
def test_each_kind_of_export(tmp_path: Path, kind: str) -> None:
    c: Case = CASES[kind]
    p = c.write(tmp_path)
    if c.error:
        with pytest.raises((OrgValidationError, InputError)) as e:
            load_any(p, totals=c.totals, sheet=c.sheet)
        for text in c.error:
            assert text in str(e.value)
        return
    org = load_any(p, totals=c.totals, sheet=c.sheet)
    assert (len(org), org.total_police()) == (c.units, c.police)
    for uid, want in c.check.items():
        u = org.unit(uid)
        assert {f: getattr(u, f) for f in want} == want, uid
    warnings = "\n".join(map(str, org.warnings))
    for text in c.warnings:
        assert text in warnings
    if not c.warnings:
        assert org.warnings == ()
    for text in c.absent:
        assert text not in dump_org(org)


def test_upload_reads_the_bytes_like_the_file(tmp_path: Path) -> None:
    for kind in ("merged cells", "科所队 undecided", "old .xls"):
        c = CASES[kind]
        p = c.write(tmp_path)
        try:
            want: object = dump_org(load_any(p))
        except OrgValidationError as e:
            want = [str(i) for i in e.issues]
        try:
            got: object = dump_org(read_upload(p.read_bytes(), p.name, id=p.stem))
        except OrgValidationError as e:
            got = [str(i) for i in e.issues]
            assert str(tmp_path) not in str(e)  # the upload's name, not a temporary folder
        assert got == want


def test_kesuodui_shares(tmp_path: Path) -> None:
    # Read by rule: 大队 队 are departments (20 + 9), 看守所 a department (15), 政工室 a
    # department (3); organ = 6 + 12 + 20 + 9 + 15 + 3 = 65 of 95 police; stations
    # 4 + 10 + 2 + 3 + 9 + 2 = 30. Read as frontline, 看守所 would have been a station.
    org = load_any(CASES["科所队 kinds"].write(tmp_path))
    shares = metric_report(org)["shares"]
    assert (shares["organ_police"], shares["station_police"], shares["police"]) == (65, 30, 95)
    assert shares["station_share"] == pytest.approx(30 / 95)


def test_ids_match_across_years(tmp_path: Path) -> None:
    # This year's export written by pandas (101.0) and next year's typed in full width: one id.
    a = load_any(CASES["float ids"].write(tmp_path))
    p = tmp_path / "next.csv"
    p.write_text(
        (tmp_path / "float_ids.csv")
        .read_text("utf-8-sig")
        .replace("101.0", "１０１")
        .replace("106.0", " 106 "),
        "utf-8",
    )
    b = load_any(p)
    assert sorted(a.order()) == sorted(b.order())
    assert all(a.parent(u) == b.parent(u) for u in a.order())


def test_undecided_kind_reads_in_the_language_shown(tmp_path: Path) -> None:
    # 类型 '所' under a 内设机构 is a 派出所 or a department: the message says where the unit
    # sits and lists the kinds in the language it is shown in (no "under" inside the Chinese)
    from orgmodel.i18n import language

    with pytest.raises(OrgValidationError) as e:
        load_any(CASES["科所队 undecided"].write(tmp_path))
    (issue,) = [i for i in e.value.issues if "'技术所'" in str(i.message)]
    assert "under '刑事侦查大队' (内设机构)" in str(issue.message)
    with language("zh"):
        zh = str(issue.message)
    assert "'技术所' 在 '刑事侦查大队'（内设机构）之下的类型 '所'" in zh, zh
    assert "派出所、内设机构" in zh and not re.search(r"[a-z]{4,}", zh), zh


@pytest.mark.parametrize(
    ("kind", "change"),
    # 77 − 96 = −19 (the 合计 row below what the units add up to); 78 − 77 = +1
    [("subtree totals with a 合计 row, no --totals", "−19"), ("小计 rows", "+1")],
)
def test_a_checksum_difference_is_signed_as_every_change_is(
    tmp_path: Path, kind: str, change: str
) -> None:
    # labels.format_change: − (U+2212) for a fall, never the ASCII hyphen-minus
    from orgmodel.i18n import language

    org = load_any(CASES[kind].write(tmp_path))
    (issue,) = [i for i in org.warnings if "(difference" in str(i.message)]
    assert f"(difference {change})" in str(issue.message)
    with language("zh"):
        zh = str(issue.message)
    assert f"（相差 {change}）" in zh, zh
    assert "police" not in zh and "行：民警 " in zh, zh  # the field named as a planner reads it


def test_totals_warnings_name_the_figure_in_chinese_flush_against_the_text(
    tmp_path: Path,
) -> None:
    # was 'police 6 少于其下级的 71' and 'auxiliaries 列不是含下级的合计' in Chinese
    from orgmodel.i18n import language

    c = CASES["subtree totals"]
    org = load_any(c.write(tmp_path), totals=c.totals)
    with language("zh"):
        zh = "\n".join(str(w.message) for w in org.warnings)
    assert "民警 6 少于其下级的 71" in zh, zh
    assert "：辅警列不是含下级的合计（第 6 行：城南派出所 为 6，其下级为 14" in zh, zh
    assert not re.search("police|auxiliaries", zh), zh


def test_a_total_row_figure_that_is_no_count_is_warned_not_taken_for_a_match(
    tmp_path: Path,
) -> None:
    # 合计 31.5 police (the units: 5 + 26 = 31) read as 'no 民警 or 辅警 figure'; 合计 '三十一'
    # police beside 30 auxiliaries (0 + 30, a match) read as 'they match the units' figures'
    from orgmodel.i18n import language

    head = "机构编号,上级机构编号,机构名称,机构类型,民警实有,辅警人数\n"
    units = "dq,,东桥县公安局,县公安局,5,0\ndqs,dq,东桥派出所,派出所,26,30\n"
    for total, figure in (("31.5,-3", "'31.5'"), ("三十一,30", "'三十一'")):
        p = tmp_path / "hr.csv"
        p.write_text(head + units + f",,合计,,{total}\n", encoding="utf-8")
        org = load_any(p)
        with language("zh"):
            zh = [str(w) for w in org.warnings]
        assert any(
            f"hr.csv 第 4 行，E 列（民警实有）：合计行：民警必须是整数，收到的是 {figure}：未核对"
            in w
            for w in zh
        ), zh
        assert not any("相符" in w or "没有民警或辅警数字" in w for w in zh), zh

"""Spreadsheet habits that used to import with exit 0 and wrong numbers: a count merged over
several units' rows, and a workbook with one sheet per year read silently from the first."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.io.tabular import load_table
from tests.io.test_tabular import check_cn, cn_rows

runner = CliRunner()


def book(tmp_path: Path, merge: str | None = None, years: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = years[0] if years else "机构"
    for r in cn_rows():
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    for year in years[1:]:
        other = wb.create_sheet(year)
        for r in cn_rows():
            other.append(r)
    p = tmp_path / "花名册.xlsx"
    wb.save(p)
    return p


def test_a_count_merged_over_two_units_is_refused_naming_the_cells(tmp_path: Path) -> None:
    # 民警实有 is column H; rows 5 and 6 are 城关派出所 (22) and its 社区警务队 (9). Merged,
    # the 22 would be copied to both rows: 22 + 22 instead of 22 + 9, 13 officers invented.
    p = book(tmp_path, merge="H5:H6")
    with pytest.raises(InputError, match=r"merged cells in a count column \(民警实有 H5:H6\)"):
        load_table(p)
    out = tmp_path / "org.yaml"
    r = runner.invoke(app, ["import", str(p), "-o", str(out)])
    assert r.exit_code == 1, r.output
    assert "Unmerge the cells" in r.output and "H5:H6" in r.output
    assert not out.exists()


def test_a_merged_yes_still_applies_to_every_row(tmp_path: Path) -> None:
    # 24小时值班 is column K: 是 merged over rows 5..7 (城关派出所, 社区警务队, 综合指挥室).
    org = load_table(book(tmp_path, merge="K5:K7"))
    assert [org.unit(u).duty_roster for u in ("s1", "s1-sq", "s1-zh")] == [True, True, True]


def test_one_sheet_a_year_is_not_read_silently_from_the_first(tmp_path: Path) -> None:
    p = book(tmp_path, years=("2023", "2024"))
    with pytest.raises(InputError, match=r"sheets '2023', '2024' each have a header row"):
        load_table(p)
    out = tmp_path / "org.yaml"
    r = runner.invoke(app, ["import", str(p), "-o", str(out)])
    assert r.exit_code == 1 and "--sheet" in r.output
    assert not out.exists()
    check_cn(load_table(p, sheet="2024"))

"""Titles of the CLI's tables wrap as Chinese text should (orgmodel.cli._table): a table is as
wide as its title when the terminal allows, and a title that must wrap never puts closing
punctuation at the start of a line."""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from orgmodel.cli import _table, app
from orgmodel.cli._table import Table, line_breaks

ROOT = Path(__file__).resolve().parents[2]
COUNTY = str(ROOT / "seeds" / "orgs" / "mirror-county.yaml")
CLOSING = "）】」』〕〉》，。、：；！？"


def _render(table: Table, width: int) -> list[str]:
    out = io.StringIO()
    Console(file=out, width=width, color_system=None).print(table)
    return [line.rstrip() for line in out.getvalue().splitlines()]


@pytest.mark.parametrize("width", [80, 40])
def test_no_title_line_of_the_metrics_report_starts_with_a_closing_bracket(width: int) -> None:
    # before, in 80 columns: '层级与指挥链（扁平化' then '）' alone (the table is 20 wide)
    r = CliRunner().invoke(app, ["metrics", COUNTY, "--lang", "zh"], env={"COLUMNS": str(width)})
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert not [line for line in lines if line and line[0] in CLOSING], r.output
    if width == 80:  # every title fits the terminal: each on one line
        assert "层级与指挥链（扁平化）" in lines, r.output


def test_a_table_is_as_wide_as_its_title_when_the_terminal_allows() -> None:
    t = Table(
        title="层级与指挥链（扁平化）",
        title_justify="left",
        show_header=False,
        box=None,
        pad_edge=False,
    )
    t.add_column()
    t.add_column(justify="right")
    t.add_row("层级", "3")
    # the title: 9 汉字 and 2 full-width brackets, 22 cells; the rows: 4 + 2 (padding) + 1
    # = 7 cells, widened to 22
    assert _render(t, 80) == ["层级与指挥链（扁平化）", "层级" + " " * 17 + "3"]
    assert t.min_width is None  # rendering leaves the table as it was


def test_a_title_that_must_wrap_keeps_its_closing_bracket_with_its_text() -> None:
    t = Table(title="层级与指挥链（扁平化）", title_justify="left", box=None)
    t.add_column("a")
    # 10 cells: '层级与指挥' | '链（扁平化' would leave '）' alone: '化' goes down with it
    assert _render(t, 10)[:3] == ["层级与指挥", "链（扁平", "化）"]


@pytest.mark.parametrize(
    ("text", "width", "lines"),
    [
        ("层级与指挥链（扁平化）", 20, ["层级与指挥链（扁平", "化）"]),
        ("abc（de", 5, ["abc", "（de"]),  # an opening bracket never ends a line
        # 4 cells (2 汉字) a line: '甲乙' | '，丙' | '丁。' would start a line with '，'
        ("甲乙，丙丁。", 4, ["甲", "乙，", "丙", "丁。"]),
        ("span bands (narrow < 3)", 12, ["span bands ", "(narrow < 3)"]),  # rich's word wrap
    ],
)
def test_line_breaks(text: str, width: int, lines: list[str]) -> None:
    cuts = line_breaks(text, width)
    got = [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]
    assert got == lines
    assert not any(re.match(f"[{CLOSING}]", line) for line in got)


def test_doctests() -> None:
    result = doctest.testmod(_table, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_titles_keep_their_style() -> None:
    # rich styles a string title 'table.title' (italic) and a caption 'table.caption' (dim
    # italic); the title text wrapping by line_breaks keeps both
    t = Table(title="组织", caption="说明", title_justify="left")
    t.add_column("单位")
    out = io.StringIO()
    Console(file=out, width=40, color_system="standard", force_terminal=True).print(t)
    title, *_, caption = out.getvalue().splitlines()
    assert "\x1b[3m" in title and "组织" in title, repr(title)
    assert "\x1b[2;3m" in caption and "说明" in caption, repr(caption)


def test_a_table_is_as_wide_as_its_caption_when_the_terminal_allows() -> None:
    # before: the officer-flows table (39 cells) wrapped its caption in 80 columns as
    # '民警 105 → 105：留任 103、调动' / '2、新招录 0、减员 0' (a figure apart from its label)
    t = Table(title="警力流向", title_justify="left")
    t.add_column("从")
    t.add_row("办公室")
    caption = "民警 105 → 105：留任 103、调动 2、新招录 0、减员 0"
    t.caption = caption
    # the caption: 11 汉字 and 4 full-width marks (：、、、) are 30 cells, the 20 other
    # characters (digits, spaces, →) 20 cells: 50 < 80, so one line
    lines = _render(t, 80)
    assert caption in [line.strip() for line in lines], lines
    assert t.min_width is None
    # a terminal narrower than the caption still wraps it
    assert caption not in [line.strip() for line in _render(t, 30)]

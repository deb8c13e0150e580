"""``orgmodel demo --no-serve``: what ``make demo`` prints before it starts the server."""

from __future__ import annotations

from typer.testing import CliRunner

from orgmodel.cli import app


def test_demo_prints_the_county_report_and_the_dabumen_comparison() -> None:
    r = CliRunner().invoke(app, ["demo", "--no-serve", "--lang", "zh"], env={"COLUMNS": "160"})
    assert r.exit_code == 0, r.output
    out = r.output
    # the seed county's report, by its Chinese name, with its 497 police
    assert "河西县公安局：指标报告" in out  # a full-width colon in Chinese
    assert "497" in out
    assert "警力隐性流失" in out
    # then the county before and after the 大部门 plan: 22 internal units (21 departments and
    # the 指挥中心) become the template's 8 large departments, officers conserved
    assert "大部门制改革" in out
    assert "民警、辅警总数不变" in out
    assert "侦查打击大队" in out

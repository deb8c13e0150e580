"""The offline HTML report and ``orgmodel report``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from plotly.offline import get_plotlyjs
from typer.testing import CliRunner

from orgmodel.charts.report import report_html
from orgmodel.cli import app
from orgmodel.model import OrgGraph
from orgmodel.restructure import apply_plan, plan_from_dict

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def manifest(page: str) -> list[dict[str, object]]:
    m = re.search(r"<script type='application/json' id='orgmodel-charts'>(.*?)</script>", page)
    assert m
    return json.loads(m.group(1))


def test_single_org_report(county: OrgGraph) -> None:
    page = report_html(county)
    assert "<title>某县公安局 组织结构分析报告</title>" in page
    assert "WenQuanYi Micro Hei" in page
    # plotly.js embedded once; besides it, nothing refers to the network
    js = get_plotlyjs()
    assert page.count(js) == 1
    rest = page.replace(js, "")
    assert not re.search(r"https?://", rest)
    assert not re.search(r"<script[^>]+src=", rest)
    kinds = [c["kind"] for c in manifest(page)]
    assert kinds == ["hierarchy", "graph", "spans", "funnel", "mirror"]
    # every listed chart has its div
    for c in manifest(page):
        assert f'id="{c["id"]}"' in page
    assert "隐性流失占比" in page and "编制与勤务定额" in page
    # every figure's config keeps data local: no send-to-cloud button, no Plotly logo
    configs = re.findall(r'\{"displaylogo": false, [^\n]*?"showSendToCloud": false', rest)
    assert len(configs) == 5


def test_plan_report_has_flows_and_pairs(county: OrgGraph) -> None:
    plan = plan_from_dict(
        {"name": "合并", "ops": [{"op": "merge", "units": ["d2", "d1"], "into": "d2"}]}
    )
    page = report_html(county, scenario=apply_plan(county, plan))
    kinds = [c["kind"] for c in manifest(page)]
    assert kinds[:3] == ["compare", "flows", "flows_category"]
    assert kinds[3:] == [k for k in ("hierarchy", "graph", "spans", "funnel", "mirror")
                         for _ in (0, 1)]  # fmt: skip
    assert "改革方案：合并" in page and "改革前" in page and "改革后" in page
    assert next(c for c in manifest(page) if c["kind"] == "compare")["traces"] == 6


def test_compare_and_plan_together_refused(county: OrgGraph) -> None:
    # the charts' tests run in Chinese (tests/charts/conftest.py)
    with pytest.raises(ValueError, match="compare= 与 scenario= 只能给出其一"):
        report_html(county, compare=county, scenario=object())


def test_report_command(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(
        app,
        [
            "report",
            str(SEEDS / "orgs" / "mirror-county.yaml"),
            "--plan",
            str(SEEDS / "plans" / "dabumen-county.yaml"),
            "-o",
            str(out),
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    assert "河西县公安局 改革方案评估报告" in page
    assert len(manifest(page)) == 13
    r = CliRunner().invoke(
        app,
        [
            "report",
            str(SEEDS / "orgs" / "mirror-county.yaml"),
            "--compare",
            str(SEEDS / "orgs" / "taizhou-gxq-before.yaml"),
            "-o",
            str(out),
            "--lang",
            "zh",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "对比报告" in out.read_text(encoding="utf-8")


def test_report_command_errors(tmp_path: Path) -> None:
    org = str(SEEDS / "orgs" / "mirror-county.yaml")
    r = CliRunner().invoke(app, ["report", org, "--compare", org, "--plan", org])
    assert r.exit_code == 1
    assert "either --compare or --plan" in r.output
    r = CliRunner().invoke(app, ["report", org, "-o", str(tmp_path / "nope" / "r.html")])
    assert r.exit_code == 1
    assert "does not exist" in r.output


def test_report_command_root(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    org = str(SEEDS / "orgs" / "mirror-county.yaml")
    r = CliRunner().invoke(
        app, ["report", org, "--root", "st-chengguan", "-o", str(out), "--lang", "zh"]
    )
    assert r.exit_code == 0, r.output
    page = out.read_text(encoding="utf-8")
    # every chart and number is of 城关派出所 alone: its title, its charts
    assert "<title>城关派出所 组织结构分析报告</title>" in page
    assert "范围：城关派出所（st-chengguan）" in page
    assert len(manifest(page)) == 5
    plan = str(SEEDS / "plans" / "dabumen-county.yaml")
    r = CliRunner().invoke(app, ["report", org, "--root", "bureau", "--plan", plan, "-o", str(out)])
    assert r.exit_code == 0, r.output
    r = CliRunner().invoke(app, ["report", org, "--root", "nope", "-o", str(out)])
    assert r.exit_code == 1
    assert "no unit 'nope'" in r.output


def test_report_in_english(county: OrgGraph, tmp_path: Path) -> None:
    # lang="en": the page's own words in English; unit names stay as written; Chinese is the
    # default for report_html (and for `orgmodel report` without --lang en).
    page = report_html(county, lang="en")
    assert "<html lang='en'>" in page and "某县公安局" in page
    for text in ("Headline metrics", "Policy checks", "Hollow units", "Hierarchy",
                 "deployable officers (expected value)", "Organisation structure report"):  # fmt: skip
        assert text in page, text
    for text in ("主要指标", "政策检查", "空壳单位", "期望值", "组织结构分析报告"):
        assert text not in page, text
    zh = report_html(county)
    assert "<html lang='zh-CN'>" in zh and "可部署警力（期望值）" in zh and "主要指标" in zh
    out = tmp_path / "r.html"
    org = str(SEEDS / "orgs" / "mirror-county.yaml")
    r = CliRunner().invoke(app, ["report", org, "-o", str(out), "--lang", "en"])
    assert r.exit_code == 0 and "wrote" in r.output
    assert "Organisation structure report: 河西县公安局" in out.read_text(encoding="utf-8")


def _hollow_kinds(page: str) -> list[str]:
    """The kind cells of the hollow-units table (unit, kind, police, fixed posts, short)."""
    m = re.search(r"<table class='hollow'>.*?<tbody>(.*?)</tbody>", page, re.S)
    assert m, "no hollow-units table"
    return re.findall(r"<tr><td>[^<]*</td><td>([^<]*)</td>", m.group(1))


def test_report_kinds_and_edge_types_in_the_language_of_the_page(county: OrgGraph) -> None:
    # the county bureau is hollow (conftest: fewer police than its fixed posts). Its kind reads
    # as every kind of the English page does (the norms table too): the Chinese name with its
    # code; the Chinese page has the Chinese name alone
    en, zh = report_html(county, lang="en"), report_html(county)
    assert _hollow_kinds(en) == ["县（市、区）公安局/公安分局 (county)"]
    assert "<td>派出所 (station)</td>" in en  # the norms table, written the same way
    assert _hollow_kinds(zh) == ["县（市、区）公安局/公安分局"]
    # legends of the edge types: Chinese names in Chinese, the files' type names in English
    assert "条 业务指导" in zh and "情指调度" in zh
    assert "(GUIDES)" not in zh and "(DISPATCHES)" not in zh and "(REPORTS_TO)" not in zh
    assert "条 professional guidance (GUIDES)" in en and "情指 tasking (DISPATCHES)" in en

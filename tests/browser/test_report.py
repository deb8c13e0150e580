"""The offline report opens with the network blocked and every chart draws."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app

pytestmark = pytest.mark.browser

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

# Each manifest entry: element id, kind, trace count; checked against what plotly drew.
DRAWN = """() => JSON.parse(document.getElementById('orgmodel-charts').textContent).map(c => {
    const el = document.getElementById(c.id);
    return {id: c.id, kind: c.kind, expected: c.traces,
            traces: el && el._fullData ? el._fullData.length : -1,
            svg: el ? el.querySelectorAll('svg.main-svg').length : 0,
            marks: el ? el.querySelectorAll('.trace, .sankey, .icicle, .funnel, .hm').length : 0};
})"""


def test_report_offline_every_chart_draws(page: tuple[Any, Any], tmp_path: Path,
                                          output_dir: Path) -> None:  # fmt: skip
    out = tmp_path / "report.html"
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
    pg, log = page
    blocked: list[str] = []

    def only_files(route: Any) -> None:
        url = route.request.url
        if url.startswith("file:"):
            route.continue_()
        else:
            blocked.append(url)
            route.abort()

    pg.route("**/*", only_files)
    pg.goto(out.as_uri())
    pg.wait_for_function(
        "() => { const m = JSON.parse(document.getElementById('orgmodel-charts').textContent);"
        " return m.every(c => { const el = document.getElementById(c.id);"
        " return el && el._fullLayout && el.querySelector('svg.main-svg'); }); }",
        timeout=30_000,
    )
    drawn = pg.evaluate(DRAWN)
    kinds = [d["kind"] for d in drawn]
    assert kinds[:3] == ["compare", "flows", "flows_category"]
    assert len(drawn) == 13
    for d in drawn:
        assert d["traces"] == d["expected"], d
        assert d["svg"] >= 1, d
        assert d["marks"] >= 1, d
    assert blocked == []
    assert log.errors == []
    assert pg.title() == "河西县公安局 改革方案评估报告"
    pg.screenshot(path=str(output_dir / "report-top.png"))
    # each shot is the section holding that chart (by the manifest), not the n-th section
    first_of: dict[str, str] = {}
    for d in drawn:
        first_of.setdefault(d["kind"], d["id"])
    for kind in ("flows", "mirror"):
        section = pg.locator(f"section:has(#{first_of[kind]})")
        section.screenshot(path=str(output_dir / f"report-{kind}.png"))
    (output_dir / "report-drawn.json").write_text(json.dumps(drawn, ensure_ascii=False, indent=1))

"""``orgmodel import`` (and ``validate``/``metrics``) on each kind of HR export (issue 11):
the numbers written, the warnings printed, and nothing written on a refusal."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.io.orgfile import load_org
from tests.hr_cases import CASES, Case

runner = CliRunner()


def _opts(c: Case) -> list[str]:
    return (["--totals"] if c.totals else []) + (["--sheet", c.sheet] if c.sheet else [])


@pytest.mark.parametrize("kind", sorted(CASES))
def test_import_each_kind(tmp_path: Path, kind: str) -> None:
    c = CASES[kind]
    src = c.write(tmp_path)
    out = tmp_path / "org.yaml"
    before = sorted(p.name for p in tmp_path.iterdir())
    r = runner.invoke(app, ["import", str(src), "-o", str(out), *_opts(c)])
    assert "Traceback" not in r.output
    if c.error:
        assert r.exit_code == 1, r.output
        assert r.output.startswith("error: ")
        for text in c.error:
            assert text in r.output
        assert sorted(p.name for p in tmp_path.iterdir()) == before  # nothing written
        return
    assert r.exit_code == 0, r.output
    assert f"imported {c.units} units, {c.police} police (民警)" in r.output
    for text in c.warnings:
        assert text in r.output
    if not c.warnings:
        assert "warning:" not in r.output
    org = load_org(out)
    assert (len(org), org.total_police()) == (c.units, c.police)
    for uid, want in c.check.items():
        assert {f: getattr(org.unit(uid), f) for f in want} == want
    for text in c.absent:
        assert text not in out.read_text("utf-8")


def test_validate_and_metrics_read_spreadsheets_and_graphml(tmp_path: Path) -> None:
    src = CASES["subtree totals"].write(tmp_path)
    r = runner.invoke(app, ["validate", str(src), "--totals"])
    assert r.exit_code == 0, r.output
    assert "ok: 临川县公安局 — 10 units, 77 police (民警)" in r.output
    r = runner.invoke(app, ["metrics", str(src), "--totals", "--json"])
    assert r.exit_code == 0, r.output
    # stations 4 + 10 + 2 + 3 + 9 + 2 = 30 of 77
    assert '"station_police": 30' in r.output
    g = tmp_path / "org.graphml"
    assert runner.invoke(app, ["export", str(src), "-o", str(g)]).exit_code == 0
    r = runner.invoke(app, ["validate", str(g)])
    assert r.exit_code == 0 and "10 units, 96 police" in r.output  # read as own figures
    bad = CASES["科所队 undecided"].write(tmp_path)
    r = runner.invoke(app, ["validate", str(bad)])
    assert r.exit_code == 1 and "ambiguous.csv row 12, column D (机构类型)" in r.output


def test_sheet_listed_when_unknown(tmp_path: Path) -> None:
    src = CASES["two data sheets"].write(tmp_path)
    r = runner.invoke(app, ["import", str(src), "-o", str(tmp_path / "o.yaml"), "--sheet", "2025"])
    assert r.exit_code == 1
    assert "no sheet '2025' (sheets: 说明, 2023, 2024)" in r.output

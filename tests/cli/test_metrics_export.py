"""orgmodel metrics --format csv|xlsx: per-unit metrics for a spreadsheet."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook
from typer.testing import CliRunner

from orgmodel.cli import app

SEED = str(Path(__file__).resolve().parents[2] / "seeds" / "orgs" / "mirror-county.yaml")


def test_metrics_csv_and_xlsx(tmp_path: Path) -> None:
    r = CliRunner().invoke(app, ["metrics", SEED, "--format", "csv"])
    assert r.exit_code == 0, r.output
    rows = list(csv.DictReader(io.StringIO(r.stdout)))
    assert len(rows) == 74
    bureau = rows[0]
    # the bureau: 5 police of its own, 497 under it, 37 direct units, hollow (short by 2)
    assert (bureau["name"], bureau["police"], bureau["subtree_police"]) == (
        "河西县公安局",
        "5",
        "497",
    )
    assert (bureau["span"], bureau["hollow"], bureau["shortfall"]) == ("37", "True", "2")
    out = tmp_path / "m.xlsx"
    r = CliRunner().invoke(app, ["metrics", SEED, "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    assert wb.sheetnames == ["主要指标", "单位", "政策检查"]
    heads = {row[0]: row[1] for row in wb["主要指标"].iter_rows(min_row=2, values_only=True)}
    # numbers, not text, formatted as the tables show them (497; 240.3; a share in %)
    assert heads["民警"] == 497 and heads["可部署警力（期望值）"] == 240.3
    formats = {row[0].value: row[1].number_format for row in wb["主要指标"].iter_rows(min_row=2)}
    assert formats["民警"] == "#,##0" and formats["可部署警力（期望值）"] == "#,##0.0"
    assert formats["隐性流失占比"] == "0.0%" and 0 < heads["隐性流失占比"] < 1
    assert wb["单位"].max_row == 75  # header + 74 units
    assert wb["政策检查"].max_row == 20  # header + 19 checks
    r = CliRunner().invoke(app, ["metrics", SEED, "--format", "xlsx"])
    assert r.exit_code == 1 and "needs -o" in r.output
    r = CliRunner().invoke(app, ["metrics", SEED, "--format", "pdf"])
    assert r.exit_code == 1 and "'pdf'" in r.output

"""orgmodel metrics --format csv|xlsx: per-unit metrics for a spreadsheet."""

from __future__ import annotations

import csv
import io
import re
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


TAIZHOU = str(Path(__file__).resolve().parents[2] / "seeds" / "orgs" / "taizhou-gxq-before.yaml")


def test_unit_figures_are_written_as_the_product_shows_them(tmp_path: Path) -> None:
    # 法制大队: 6 police, 8 fixed posts, efficient size 30: overhead min(6, 8) = 6, hidden
    # loss 6 × (1 − 6/30) = 4.8, which float arithmetic left as 4.800000000000001.
    # 刑事侦查大队: 16 police: 8 × (1 − 16/30) = 3.7333…, an expected value shown as 3.7.
    per_unit = tmp_path / "u.csv"
    r = CliRunner().invoke(app, ["metrics", TAIZHOU, "--per-unit", str(per_unit)])
    assert r.exit_code == 0, r.output
    exported = CliRunner().invoke(app, ["metrics", TAIZHOU, "--format", "csv"])
    assert exported.exit_code == 0, exported.output
    texts = [per_unit.read_text(encoding="utf-8-sig"), exported.stdout]
    for text in texts:
        rows = {row["id"]: row for row in csv.DictReader(io.StringIO(text))}
        legal, criminal = rows["dept-legal"], rows["dept-criminal"]
        assert (legal["police"], legal["fixed_posts"], legal["hidden_loss"]) == ("6", "8", "4.8")
        assert (criminal["police"], criminal["hidden_loss"]) == ("16", "3.7")
        # no float noise anywhere: every figure has at most one decimal
        assert re.search(r"\d\.\d\d", text) is None, re.findall(r"[\d.]*\.\d\d+", text)
    out = tmp_path / "m.xlsx"
    r = CliRunner().invoke(app, ["metrics", TAIZHOU, "--format", "xlsx", "-o", str(out)])
    assert r.exit_code == 0, r.output
    ws = load_workbook(out)["单位"]
    head = [c.value for c in ws[1]]
    rows_x = {row[0].value: row for row in ws.iter_rows(min_row=2)}
    loss = rows_x["dept-legal"][head.index("hidden_loss")]
    assert (loss.value, loss.number_format) == (4.8, "#,##0.0")
    assert rows_x["dept-criminal"][head.index("police")].value == 16
    # Parquet, for computing on, keeps the figure exactly as computed
    pq = tmp_path / "u.parquet"
    r = CliRunner().invoke(app, ["metrics", TAIZHOU, "--per-unit", str(pq)])
    assert r.exit_code == 0, r.output
    import pyarrow.parquet as pa_pq

    table = pa_pq.read_table(pq).to_pydict()
    i = table["id"].index("dept-criminal")
    assert table["hidden_loss"][i] == 8 * (1 - 16 / 30)

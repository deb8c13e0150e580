"""Per-unit lists paged with their counts (orgmodel/io/per_unit.py), and the complete
per-unit file (--per-unit FILE.parquet|csv)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.io import load_org
from orgmodel.io.per_unit import page_lists, write_per_unit
from orgmodel.metrics import metric_report
from orgmodel.seeds import seed_path

COUNTY = seed_path("orgs", "mirror-county.yaml")


@pytest.fixture(scope="module")
def report() -> dict:
    return metric_report(load_org(COUNTY))


def test_pages_cut_every_list_and_count_it(report: dict) -> None:
    # the seed county has 15 派出所 (DOMAIN.md's mirror county): pages of 4 are 4, 4, 4, 3
    stations = report["shares"]["stations"]
    assert len(stations) == 15
    out, lists = page_lists(report, limit=4, page=4)
    assert out["shares"]["stations"] == stations[12:15]
    assert lists["shares.stations"] == {
        "total": 15,
        "page": 4,
        "limit": 4,
        "pages": 4,  # ceil(15 / 4)
        "shown": 3,
    }
    # the input is left whole; the figures beside the lists are kept
    assert len(report["shares"]["stations"]) == 15
    assert out["shares"]["station_share"] == report["shares"]["station_share"]
    assert set(lists) >= {"span.narrow", "workforce.hollow", "policy.results"}
    # past the end: an empty page, still with the total
    out, lists = page_lists(report, limit=4, page=9)
    assert out["shares"]["stations"] == [] and lists["shares.stations"]["total"] == 15
    with pytest.raises(ValueError, match="limit must be at least 1"):
        page_lists(report, limit=0)


def test_cli_json_caps_lists_and_says_so(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["metrics", str(COUNTY), "--json", "--limit", "5"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert len(data["shares"]["stations"]) == 5
    assert data["lists"]["shares.stations"]["total"] == 15
    # 11 narrow-span units in the seed county: two pages of 5, then 1
    page3 = json.loads(
        CliRunner()
        .invoke(app, ["metrics", str(COUNTY), "--json", "--limit", "5", "--page", "3"])
        .stdout
    )
    assert len(page3["span"]["narrow"]) == 1 and page3["lists"]["span.narrow"]["pages"] == 3
    # nothing cut (the default 1,000 rows): no 'lists' key, every row
    whole = json.loads(CliRunner().invoke(app, ["metrics", str(COUNTY), "--json"]).stdout)
    assert "lists" not in whole and len(whole["shares"]["stations"]) == 15


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_per_unit_file_has_every_unit(tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"units{suffix}"
    res = CliRunner().invoke(app, ["metrics", str(COUNTY), "--per-unit", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert f"wrote {out} (74 units)" in res.output
    if suffix == ".parquet":
        t = pq.read_table(out)
        rows = t.to_pylist()
    else:
        with out.open(encoding="utf-8-sig") as f:
            rows = list(csv.DictReader(f))
    # 74 units and 497 police in the seed county (seeds/orgs/mirror-county.yaml)
    assert len(rows) == 74
    assert sum(int(r["police"]) for r in rows) == 497
    assert rows[0]["name"] == "河西县公安局"
    assert {"span", "hollow", "hidden_loss", "establishment"} <= set(rows[0])
    # docs/scripting.md: the seed county has 9 hollow establishments, 23 officers short
    hollow = [r for r in rows if str(r["hollow"]) in ("True", "true")]
    assert len(hollow) == 9
    assert sum(int(r["shortfall"]) for r in rows) == 23
    # the root's span: its 21 departments, the command centre and 15 派出所 report to it
    assert int(rows[0]["span"]) == 37
    assert int(rows[0]["subtree_police"]) == 497


def test_per_unit_file_type_refused_before_work(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["metrics", str(COUNTY), "--per-unit", str(tmp_path / "u.xlsx"), "--lang", "en"]
    )
    assert res.exit_code != 0 and "unknown file type '.xlsx'" in res.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(InputError, match=r"use \.parquet or \.csv"):
        write_per_unit({"id": ["a"]}, tmp_path / "u.txt")


def test_json_lists_show_expected_values_as_the_product_does() -> None:
    # 法制大队 of the Taizhou seed: 6 police, 8 fixed posts, S = 30: overhead min(6, 8) = 6,
    # hidden loss 6 × (1 − 6/30) = 4.8, which the float sum leaves as 4.800000000000001
    # (the CSV and XLSX of units write 4.8 already)
    org = load_org(seed_path("orgs", "taizhou-gxq-before.yaml"))
    report = metric_report(org)
    row = next(r for r in report["workforce"]["top_hidden_loss"] if r["id"] == "dept-legal")
    assert row["hidden_loss"] == pytest.approx(4.8) and row["hidden_loss"] != 4.8
    out, _ = page_lists(report, limit=None)
    shown = next(r for r in out["workforce"]["top_hidden_loss"] if r["id"] == "dept-legal")
    assert shown == {**row, "hidden_loss": 4.8}
    assert row["hidden_loss"] != 4.8  # the report itself keeps the exact figure
    assert out["workforce"]["hidden_loss"] == report["workforce"]["hidden_loss"]
    res = CliRunner().invoke(
        app, ["metrics", str(seed_path("orgs", "taizhou-gxq-before.yaml")), "--json"]
    )
    assert res.exit_code == 0, res.output
    assert '"hidden_loss": 4.8}' in res.stdout and "4.800000000000001" not in res.stdout

"""``orgmodel import`` and ``orgmodel export`` through the CLI: exit codes, messages, files."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.io.graphml import read_graphml
from orgmodel.io.orgfile import load_org
from orgmodel.io.tabular import load_table

runner = CliRunner()

CSV = """\
编号,上级编号,名称,类型,警种,民警,辅警,业务指导,调度
c,,临江市公安局,市公安局,,10,0,,
c-xz,c,刑侦支队,支队,刑侦,30,5,,
k,c,河西县公安局,分局,,5,0,,
k-xz,k,刑侦大队,大队,刑侦,12,2,c-xz,
k-cc,k,情指中心,情指中心,情指,8,3,,
s,k,城关派出所,派出所,,20,25,,k-cc
p,s,东街社区警务室,警务室,,3,4,,
"""
# 10 + 30 + 5 + 12 + 8 + 20 + 3 = 88 police

ORG_YAML = """\
orgmodel: 1
id: hx
name: 河西县公安局
parent_bureau: {name: 临江市公安局, functions: [criminal, command]}
units:
  - {id: b, name: 河西县公安局, kind: county, police: 5}
  - {id: xz, parent: b, name: 刑侦大队, kind: department, function: criminal, police: 12}
  - {id: cc, parent: b, name: 情指中心, kind: command_center, function: command, police: 8}
  - {id: s, parent: b, name: 城关派出所, kind: station, police: 20, community_share: 0.6}
dispatches:
  - {from: cc, to: s}
"""


def files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_import_csv(tmp_path: Path) -> None:
    src = tmp_path / "linjiang.csv"
    src.write_bytes(CSV.encode("gbk"))
    out = tmp_path / "org.yaml"
    r = runner.invoke(app, ["import", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert "imported 7 units, 88 police" in r.output
    org = load_org(out)
    assert (org.id, org.name) == ("linjiang", "临江市公安局")
    assert org.guides == [("c-xz", "k-xz")]
    assert org.dispatches == [("k-cc", "s")]
    assert org == load_table(src)
    assert files(tmp_path) == ["linjiang.csv", "org.yaml"]


def test_import_xlsx_to_json_with_id_and_name(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for line in CSV.splitlines():
        ws.append(line.split(","))
    src = tmp_path / "book.xlsx"
    wb.save(src)
    out = tmp_path / "org.json"
    r = runner.invoke(
        app, ["import", str(src), "-o", str(out), "--id", "lj-2024", "--name", "临江(改革前)"]
    )
    assert r.exit_code == 0, r.output
    org = load_org(out)
    assert (org.id, org.name, len(org), org.total_police()) == ("lj-2024", "临江(改革前)", 7, 88)


def test_import_bad_cells_writes_nothing(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text(CSV.replace(",20,25,", ",二十,25,").replace("警务室,,3", "飞船,,3"), "utf-8")
    out = tmp_path / "org.yaml"
    r = runner.invoke(app, ["import", str(src), "-o", str(out)])
    assert r.exit_code == 1
    assert r.output.startswith(f"error: {src}: 2 problems")
    assert "bad.csv row 7, column F (民警), unit 's': police must be a whole number" in r.output
    assert "bad.csv row 8, column D (类型), unit 'p': unknown kind '飞船'" in r.output
    assert "Traceback" not in r.output
    assert files(tmp_path) == ["bad.csv"]


def test_import_error_keeps_existing_output(tmp_path: Path) -> None:
    src = tmp_path / "bad.csv"
    src.write_text("编号,名称\nb,局\n", "utf-8")
    out = tmp_path / "org.yaml"
    out.write_text("old", "utf-8")
    r = runner.invoke(app, ["import", str(src), "-o", str(out)])
    assert r.exit_code == 1
    assert "missing required column 'kind'" in r.output
    assert out.read_text("utf-8") == "old"
    assert files(tmp_path) == ["bad.csv", "org.yaml"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.csv", "-o", "o.yaml"], "missing.csv: no such file"),
        (["org.csv", "-o", "o.csv"], "import writes an organisation file"),
        (["org.csv", "-o", "o.txt"], "cannot tell the format from '.txt'"),
        (["org.csv", "-o", "nofolder/o.yaml"], "folder nofolder does not exist"),
        (["org.txt", "-o", "o.yaml"], "unknown file type '.txt'"),
    ],
)
def test_import_usage_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "org.csv").write_text(CSV, "utf-8")
    (tmp_path / "org.txt").write_text(CSV, "utf-8")
    r = runner.invoke(app, ["import", *args])
    assert r.exit_code == 1
    assert r.output.startswith("error: ")
    assert message in r.output
    assert files(tmp_path) == ["org.csv", "org.txt"]


@pytest.mark.parametrize("fmt", ["graphml", "csv", "xlsx", "yaml", "json"])
def test_export_each_format(tmp_path: Path, fmt: str) -> None:
    src = tmp_path / "hx.yaml"
    src.write_text(ORG_YAML, "utf-8")
    out = tmp_path / "out" / f"hx.{fmt}"
    out.parent.mkdir()
    r = runner.invoke(app, ["export", str(src), "--format", fmt, "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert f"exported 4 units as {fmt}" in r.output
    assert files(out.parent) == [f"hx.{fmt}"]
    org = load_org(src)
    if fmt == "graphml":
        back = read_graphml(out)
    elif fmt in ("csv", "xlsx"):
        back = load_table(out)
    else:
        back = load_org(out)
    if fmt == "csv":  # CSV carries the units only; the parent bureau stays in the YAML
        assert sorted(u.to_dict().items() for u in back.units()) == sorted(
            u.to_dict().items() for u in org.units()
        )
        assert back.dispatches == org.dispatches
        assert back.parent_bureau is None
    else:
        assert back == org


def test_export_format_from_suffix_and_from_table(tmp_path: Path) -> None:
    src = tmp_path / "org.csv"
    src.write_text(CSV, "utf-8")
    out = tmp_path / "lj.graphml"
    r = runner.invoke(app, ["export", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert read_graphml(out).total_police() == 88


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hx.yaml", "--format", "pdf", "-o", "x.pdf"], "unknown format 'pdf'"),
        (["hx.yaml", "-o", "x.txt"], "give --format"),
        (["nope.yaml", "-f", "csv", "-o", "x.csv"], "nope.yaml: no such file"),
        (["bad.yaml", "-f", "graphml", "-o", "x.graphml"], "parent 'q' does not exist"),
        (["hx.yaml", "-f", "csv", "-o", "no/x.csv"], "folder no does not exist"),
    ],
)
def test_export_errors_write_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "hx.yaml").write_text(ORG_YAML, "utf-8")
    (tmp_path / "bad.yaml").write_text(
        ORG_YAML.replace("parent: b, name: 城关", "parent: q, name: 城关"), "utf-8"
    )
    r = runner.invoke(app, ["export", *args])
    assert r.exit_code == 1
    assert r.output.startswith("error: ")
    assert message in r.output
    assert "Traceback" not in r.output
    assert files(tmp_path) == ["bad.yaml", "hx.yaml"]


def test_csv_export_says_what_importing_it_back_loses(tmp_path: Path) -> None:
    # Round trip: YAML → CSV → import → YAML. The units and the DISPATCHES come back; the
    # parent bureau (临江市公安局, 2 functions, which the 上下对口 figures compare with) did
    # not, and the export said nothing about it.
    src = tmp_path / "hx.yaml"
    src.write_text(ORG_YAML, "utf-8")
    out, back_file = tmp_path / "hx.csv", tmp_path / "back.yaml"
    r = runner.invoke(app, ["export", str(src), "-o", str(out)])
    assert r.exit_code == 0, r.output
    assert r.stderr == (
        f"warning: {out}: a CSV table carries the units, GUIDES and DISPATCHES only; importing "
        "it back loses the parent bureau '临江市公安局' (2 functions): export .xlsx (its "
        "'organisation' sheet keeps them), .yaml or .json instead\n"
    )
    r = runner.invoke(app, ["import", str(out), "-o", str(back_file)])
    assert r.exit_code == 0, r.output
    org, back = load_org(src), load_org(back_file)
    assert [u.to_dict() for u in back.units()] == [u.to_dict() for u in org.units()]
    assert (back.dispatches, back.guides, back.id, back.name) == (
        org.dispatches,
        org.guides,
        "hx",
        "河西县公安局",
    )
    assert org.parent_bureau is not None and back.parent_bureau is None  # what was lost
    # In Chinese, with the id and name the file name and root do not give back
    other = tmp_path / "other.csv"
    r = runner.invoke(app, ["--lang", "zh", "export", str(src), "-o", str(other)])
    assert r.exit_code == 0, r.output
    assert r.stderr.startswith(f"警告：{other}：")
    assert "上级公安机关 '临江市公安局'" in r.stderr and "'hx'" in r.stderr
    # Nothing lost, nothing said: the XLSX keeps the parent bureau
    r = runner.invoke(app, ["export", str(src), "-o", str(tmp_path / "hx.xlsx")])
    assert r.exit_code == 0 and r.stderr == ""
    assert load_table(tmp_path / "hx.xlsx").parent_bureau == org.parent_bureau

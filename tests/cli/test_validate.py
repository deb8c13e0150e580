"""``orgmodel validate``: each class of bad input gives exit code 1 and names the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app

runner = CliRunner()

GOOD = """\
id: t
name: 测试县公安局
units:
  - {id: r, name: 测试县公安局, kind: county, police: 4}
  - {id: xz, parent: r, name: 刑事侦查大队, kind: department, function: criminal, police: 20}
  - {id: s, parent: r, name: 城关派出所, kind: station, police: 10}
"""

BAD = {
    "two roots": (
        "units:\n  - {id: a, name: 甲局, kind: county}\n  - {id: b, name: 乙局, kind: county}\n",
        "more than one root unit: a, b",
    ),
    "cycle": (
        "units:\n  - {id: r, name: 局, kind: county}\n"
        "  - {id: a, name: 甲, kind: department, parent: b}\n"
        "  - {id: b, name: 乙, kind: department, parent: a}\n",
        "REPORTS_TO cycle",
    ),
    "duplicate id": (
        "units:\n  - {id: r, name: 局, kind: county}\n"
        "  - {id: a, name: 甲, kind: station, parent: r}\n"
        "  - {id: a, name: 乙, kind: station, parent: r}\n",
        "units[2] (line 4), unit 'a': duplicate unit id",
    ),
    "missing parent": (
        "units:\n  - {id: r, name: 局, kind: county}\n  - {id: a, name: 甲, kind: station, parent: q}\n",
        "units[1] (line 3), unit 'a': parent 'q' does not exist",
    ),
    "negative count": (
        "units:\n  - {id: r, name: 局, kind: county, auxiliaries: -2}\n",
        "unit 'r': auxiliaries must not be negative, got -2",
    ),
    "unknown kind": (
        "units:\n  - {id: r, name: 局, kind: bureau}\n",
        "unit 'r': unknown kind 'bureau'",
    ),
    "unknown function": (
        "units:\n  - {id: r, name: 局, kind: county}\n"
        "  - {id: a, name: 甲, kind: department, parent: r, function: magic}\n",
        "unit 'a': unknown function code 'magic'",
    ),
    "guides across functions": (
        "units:\n  - {id: c, name: 市局, kind: city}\n"
        "  - {id: cx, name: 刑侦支队, kind: department, parent: c, function: criminal}\n"
        "  - {id: k, name: 县局, kind: county, parent: c}\n"
        "  - {id: kj, name: 经侦大队, kind: department, parent: k, function: economic}\n"
        "guides:\n  - {from: cx, to: kj}\n",
        "GUIDES 'cx' → 'kj': functions differ",
    ),
    "guides upwards": (
        "units:\n  - {id: c, name: 市局, kind: city}\n"
        "  - {id: cx, name: 刑侦支队, kind: department, parent: c, function: criminal}\n"
        "  - {id: k, name: 县局, kind: county, parent: c}\n"
        "  - {id: kx, name: 刑侦大队, kind: department, parent: k, function: criminal}\n"
        "guides:\n  - {from: kx, to: cx}\n",
        "GUIDES 'kx' → 'cx': GUIDES runs from a bureau's department to a department of a bureau",
    ),
    "unknown field": (
        "units:\n  - {id: r, name: 局, kind: county, polic: 3}\n",
        "unit 'r': unknown field 'polic'",
    ),
    "malformed yaml": ("units: [\n  - {id: r\n", "malformed YAML"),
    "not a mapping": ("- just\n- a list\n", "expected a mapping with 'units'"),
}


def test_good_file(tmp_path: Path) -> None:
    p = tmp_path / "ok.yaml"
    p.write_text(GOOD, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 0, r.output
    # 4 + 20 + 10 = 34 police
    assert "3 units, 34 police" in r.output
    assert "测试县公安局" in r.output


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input(tmp_path: Path, case: str) -> None:
    text, expected = BAD[case]
    p = tmp_path / "bad.yaml"
    p.write_text(text, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 1
    assert r.output.startswith(f"error: {p}")
    assert expected in r.output
    assert "Traceback" not in r.output


def test_missing_file(tmp_path: Path) -> None:
    r = runner.invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert r.exit_code == 1
    assert "nope.yaml: no such file" in r.output


def test_wrong_suffix(tmp_path: Path) -> None:
    p = tmp_path / "org.txt"
    p.write_text(GOOD, encoding="utf-8")
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 1
    assert "unknown file type '.txt'; orgmodel reads .yaml, .yml, .json, .csv" in r.output


def test_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "gbk.yaml"
    p.write_bytes(GOOD.encode("gbk"))
    r = runner.invoke(app, ["validate", str(p)])
    assert r.exit_code == 1
    assert "not UTF-8 text" in r.output

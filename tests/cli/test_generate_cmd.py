"""``orgmodel generate``: writes a loadable, deterministic file; bad arguments exit 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.io import load_org

runner = CliRunner()


def test_generate_writes_a_file_that_loads(tmp_path: Path) -> None:
    out = tmp_path / "org.json"
    r = runner.invoke(
        app,
        [
            "generate",
            "--provinces",
            "1",
            "--cities",
            "2",
            "--counties",
            "2",
            "--seed",
            "4",
            "-o",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    org = load_org(out)
    assert f"{len(org):,} units" in r.output
    assert f"{org.total_police():,} police" in r.output
    # 1 ministry + 1 province + 2 cities + 4 counties
    assert "4 县（市、区）公安局/公安分局" in r.output


def test_generate_same_seed_same_bytes_yaml(tmp_path: Path) -> None:
    args = ["generate", "-P", "1", "-C", "1", "-K", "2", "-s", "9", "-q"]
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert runner.invoke(app, [*args, "-o", str(a)]).exit_code == 0
    assert runner.invoke(app, [*args, "-o", str(b)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    assert len(load_org(a)) > 100


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-P", "0", "-C", "1", "-K", "1"], "provinces must be at least 1"),
        (["-P", "1", "-C", "-3", "-K", "1"], "cities must not be negative, got -3"),
        (["-P", "1", "-C", "1", "-K", "-1"], "counties must not be negative"),
    ],
)
def test_bad_scale(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "org.json"
    r = runner.invoke(app, ["generate", *args, "-o", str(out)])
    assert r.exit_code == 1
    assert f"error: {message}" in r.output
    assert "Traceback" not in r.output
    assert not out.exists()


def test_bad_output(tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["generate", "-P", "1", "-C", "1", "-K", "1", "-o", str(tmp_path / "o.txt")]
    )
    assert r.exit_code == 1
    assert "unknown file type '.txt'" in r.output
    r = runner.invoke(
        app, ["generate", "-P", "1", "-C", "1", "-K", "1", "-o", str(tmp_path / "no" / "o.json")]
    )
    assert r.exit_code == 1
    assert "does not exist" in r.output


def test_missing_and_malformed_options(tmp_path: Path) -> None:
    r = runner.invoke(app, ["generate", "-P", "1", "-C", "1", "-o", str(tmp_path / "o.json")])
    assert r.exit_code != 0
    assert "--counties" in r.output
    r = runner.invoke(
        app, ["generate", "-P", "x", "-C", "1", "-K", "1", "-o", str(tmp_path / "o.json")]
    )
    assert r.exit_code != 0
    assert "--provinces" in r.output

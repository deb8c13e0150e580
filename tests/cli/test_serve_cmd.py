"""``orgmodel serve`` through the CLI: refusals are one clear line and exit code 1."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _no_env_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ORGMODEL_TOKENS", raising=False)
    monkeypatch.delenv("ORGMODEL_TOKENS_FILE", raising=False)


def test_help() -> None:
    r = runner.invoke(app, ["serve", "--help"])
    assert r.exit_code == 0
    for opt in ("--store", "--host", "--port", "--tokens"):
        assert opt in r.output


def test_refuses_public_bind_without_tokens(tmp_path: Path) -> None:
    r = runner.invoke(app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--host", "0.0.0.0"])
    assert r.exit_code == 1
    assert "refusing to bind to 0.0.0.0" in r.output
    assert "Traceback" not in r.output


def test_bad_tokens_file(tmp_path: Path) -> None:
    f = tmp_path / "tokens.yaml"
    f.write_text("tokens:\n  - {token: short, role: admin}\n", encoding="utf-8")
    r = runner.invoke(app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--tokens", str(f)])
    assert r.exit_code == 1
    assert "at least 8 characters" in r.output


def test_unknown_role(tmp_path: Path) -> None:
    f = tmp_path / "tokens.json"
    f.write_text('{"a-long-enough-token": "superuser"}', encoding="utf-8")
    r = runner.invoke(app, ["serve", "--tokens", str(f), "--host", "0.0.0.0"])
    assert r.exit_code == 1
    assert "unknown role 'superuser'" in r.output


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_port_out_of_range_is_a_usage_error(tmp_path: Path, port: str) -> None:
    # the socket's bind raised OverflowError through gunicorn: a traceback as the answer
    r = runner.invoke(app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--port", port])
    assert r.exit_code == 2
    assert "--port" in r.output and port in r.output  # names the option and the value
    assert "Traceback" not in r.output and "OverflowError" not in r.output
    assert not (tmp_path / "s.lbdb").exists()  # refused before the store is opened

"""``orgmodel serve`` through the CLI: refusals are one clear line and exit code 1."""

from __future__ import annotations

import socket
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


# --- the command's language: refusals and start-up lines in Chinese by default, English with
# --lang en (tests/conftest.py pins LANGUAGE=en, so the Chinese runs pass --lang zh).


def _listening() -> socket.socket:
    """A socket listening on a free loopback port (the "other program")."""
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    return s


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", ["已被占用", "--port", "--port 0"]),
        ("en", ["is already in use", "choose another port with --port", "--port 0"]),
    ],
)
def test_port_in_use_is_one_clear_line_in_the_commands_language(
    tmp_path: Path, lang: str, said: list[str]
) -> None:
    # gunicorn tried five times, a second apart, logging "Connection in use: ('127.0.0.1', N)"
    # in English, after the store had been opened and seeded
    with _listening() as other:
        port = other.getsockname()[1]
        r = runner.invoke(
            app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--port", str(port), "--lang", lang]
        )
    assert r.exit_code == 1
    line = r.output.strip()
    assert line.startswith("错误：" if lang == "zh" else "error: ")
    assert f"127.0.0.1:{port}" in line  # the address
    for words in said:  # that it is in use, what to do
        assert words in line
    assert "Connection in use" not in r.output and "Traceback" not in r.output
    assert not (tmp_path / "s.lbdb").exists()  # refused before the store is opened


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "错误：拒绝监听 0.0.0.0：未配置访问令牌，服务以本机模式运行"),
        ("en", "error: refusing to bind to 0.0.0.0: no access tokens are configured"),
    ],
)
def test_public_bind_refusal_in_the_commands_language(tmp_path: Path, lang: str, said: str) -> None:
    r = runner.invoke(
        app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--host", "0.0.0.0", "--lang", lang]
    )
    assert r.exit_code == 1
    assert r.output.startswith(said)
    assert ("refusing" in r.output) == (lang == "en")  # no English left in Chinese


@pytest.mark.parametrize(
    ("lang", "body", "said"),
    [
        ("zh", None, "令牌文件不存在"),
        ("en", None, "no such tokens file"),
        ("zh", "tokens:\n  - {token: short, role: admin}\n", "tokens[0]：令牌必须是至少 8 个字符"),
        ("en", "tokens:\n  - {token: short, role: admin}\n", "tokens[0]: a token must be"),
        ("zh", "tokens:\n  - {token: long-enough-1, role: boss}\n", "未知角色 'boss'"),
        ("en", "tokens:\n  - {token: long-enough-1, role: boss}\n", "unknown role 'boss'"),
        ("zh", "tokens: [x\n", "令牌文件格式错误"),
        ("en", "tokens: [x\n", "malformed tokens file"),
    ],
)
def test_tokens_file_errors_in_the_commands_language(
    tmp_path: Path, lang: str, body: str | None, said: str
) -> None:
    f = tmp_path / "tokens.yaml"
    if body is not None:
        f.write_text(body, encoding="utf-8")
    r = runner.invoke(
        app, ["serve", "--store", str(tmp_path / "s.lbdb"), "--tokens", str(f), "--lang", lang]
    )
    assert r.exit_code == 1
    assert said in r.output
    assert r.output.startswith("错误：" if lang == "zh" else "error: ")
    assert str(f) in r.output  # names the file


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh", "错误：--log-level：'nosuch' 不是 critical、error、warning、info、debug 之一"),
        ("en", "error: --log-level: 'nosuch' is none of critical, error, warning, info, debug"),
    ],
)
def test_unknown_log_level_is_refused(tmp_path: Path, lang: str, said: str) -> None:
    # gunicorn took any word as 'info' and logged every start-up step in English
    store = tmp_path / "s.lbdb"
    r = runner.invoke(
        app, ["serve", "--store", str(store), "--log-level", "nosuch", "--lang", lang]
    )
    assert r.exit_code == 1
    assert said in r.output, r.output
    assert not store.exists()  # refused before the store is opened


def test_a_token_given_twice_in_a_json_tokens_file_is_refused(tmp_path: Path) -> None:
    # json.loads kept the last of the two: the token became admin without a word
    f = tmp_path / "tokens.json"
    f.write_text('{"a-long-enough-token": "viewer", "a-long-enough-token": "admin"}', "utf-8")
    r = runner.invoke(app, ["serve", "--tokens", str(f), "--store", str(tmp_path / "s.lbdb")])
    assert r.exit_code == 1
    assert "a token appears twice" in r.output, r.output
    assert not (tmp_path / "s.lbdb").exists()

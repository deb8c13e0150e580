"""Tokens from files and the environment; the local-mode bind rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.settings import Role, Settings, is_loopback, load_tokens, parse_tokens
from orgmodel.errors import InputError
from orgmodel.i18n import language


def test_token_file_list_and_mapping(tmp_path: Path) -> None:
    f = tmp_path / "t.yaml"
    f.write_text(
        "tokens:\n"
        "  - {token: aaaaaaaa-1, role: admin, name: 张三}\n"
        "  - {token: bbbbbbbb-2, role: Viewer}\n",
        encoding="utf-8",
    )
    t = load_tokens(f)
    assert t["aaaaaaaa-1"].role is Role.admin and t["aaaaaaaa-1"].name == "张三"
    assert t["bbbbbbbb-2"].role is Role.viewer and t["bbbbbbbb-2"].name == "viewer token"
    j = tmp_path / "t.json"
    j.write_text('{"cccccccc-3": "planner"}', encoding="utf-8")
    assert load_tokens(j)["cccccccc-3"].role is Role.planner
    assert "cccccccc" not in repr(load_tokens(j)["cccccccc-3"])


def test_roles_are_ordered() -> None:
    assert Role.viewer < Role.planner < Role.admin


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"tokens": [{"token": "short", "role": "admin"}]}, "at least 8"),
        ({"tokens": [{"token": "longenough", "role": "root"}]}, "unknown role"),
        ({"tokens": [{"token": "longenough", "role": "admin"}] * 2}, "twice"),
        ({"tokens": ["longenough"]}, "tokens[0]"),
        ("just text", "expected"),
    ],
)
def test_bad_tokens(data: object, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("[", r"\[").replace("]", r"\]")):
        parse_tokens(data, "tokens.yaml")


def test_env_tokens(tmp_path: Path) -> None:
    s = Settings.from_env(env={"ORGMODEL_TOKENS": "aaaaaaaa-1=admin, bbbbbbbb-2=viewer"})
    assert {t.role for t in s.tokens.values()} == {Role.admin, Role.viewer}
    s = Settings.from_env(env={"ORGMODEL_TOKENS": '{"cccccccc-3": "planner"}'})
    assert list(s.tokens) == ["cccccccc-3"]
    f = tmp_path / "t.yaml"
    f.write_text("dddddddd-4: admin\n", encoding="utf-8")
    s = Settings.from_env(
        env={"ORGMODEL_TOKENS_FILE": str(f), "ORGMODEL_TOKENS": "eeeeeeee-5=viewer"}
    )
    assert set(s.tokens) == {"dddddddd-4", "eeeeeeee-5"}
    with pytest.raises(InputError, match="TOKEN=ROLE"):
        Settings.from_env(env={"ORGMODEL_TOKENS": "no-equals-sign"})


def test_local_mode_bind_rule() -> None:
    assert Settings(host="127.0.0.1").local_mode
    Settings(host="127.0.0.1").check_bind()
    Settings(host="::1").check_bind()
    Settings(host="localhost").check_bind()
    with pytest.raises(InputError, match=r"refusing to bind to 0\.0\.0\.0"):
        Settings(host="0.0.0.0").check_bind()
    with pytest.raises(InputError, match="refusing"):
        Settings(host="192.168.1.10").check_bind()
    tokens = parse_tokens({"aaaaaaaa-1": "admin"}, "t")
    Settings(host="0.0.0.0", tokens=tokens).check_bind()


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("127.8.0.1") and is_loopback("[::1]")
    assert not is_loopback("10.0.0.1") and not is_loopback("testclient")


@pytest.mark.parametrize(
    ("host", "url", "shown"),
    [("::1", "http://[::1]:8123/", "::1"), ("127.0.0.1", "http://127.0.0.1:8123/", "127.0.0.1")],
)
def test_local_mode_start_message_names_the_address_bound(
    host: str, url: str, shown: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # `orgmodel serve --host ::1` said "serving 127.0.0.1 only" while it served [::1].
    from api.server import _print_ready

    s = Settings.from_env(host=host, tokens_file=None, env={})
    assert s.local_mode
    _print_ready(s, [])(url)
    out = capsys.readouterr().out
    assert f"serving {shown} only" in out and f"open {url}" in out


def test_start_up_lines_speak_the_commands_language(capsys: pytest.CaptureFixture[str]) -> None:
    # `orgmodel serve` printed them in English under the Chinese default
    from api.server import _print_ready
    from orgmodel.i18n import language

    s = Settings.from_env(tokens_file=None, env={})
    loaded = ["org mirror-county", "org mirror-city", "scenario dabumen-county"]
    url = "http://127.0.0.1:8123/"
    with language("zh"):
        _print_ready(s, loaded)(url)
    zh = capsys.readouterr().out.splitlines()
    assert zh == [
        "图库为空：已载入示例数据（组织 mirror-county、mirror-city；方案 dabumen-county）",
        "本机模式：未配置访问令牌——只在 127.0.0.1 上服务，每个调用者都是管理员"
        "（要给他人使用，请用 --tokens 文件 或 ORGMODEL_TOKENS 配置令牌）",
        f"orgmodel API 和分析看板已启动：请打开 {url}（API 文档：{url}docs）",
    ]
    with language("en"):
        _print_ready(s, loaded)(url)
    en = capsys.readouterr().out.splitlines()
    assert en[0] == (
        "empty store: loaded the seeds "
        "(organisations: mirror-county, mirror-city; scenarios: dabumen-county)"
    )
    assert en[1].startswith("local mode: no access tokens configured — serving 127.0.0.1 only")
    assert en[2] == f"orgmodel API and dashboard up: open {url}  (API docs: {url}docs)"


@pytest.mark.parametrize(("n", "zh", "en"), [(1, "已配置 1 个访问令牌", "1 access token configured"),
                                             (2, "已配置 2 个访问令牌", "2 access tokens configured")])  # fmt: skip
def test_tokens_line_counts_in_both_languages(
    n: int, zh: str, en: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.server import _print_ready
    from orgmodel.i18n import language

    tokens = {f"tok-{i}-long-enough": "viewer" for i in range(n)}
    s = Settings(tokens=parse_tokens(tokens, "t"))
    for lang in ("zh", "en"):
        with language(lang):
            _print_ready(s, [])("http://127.0.0.1:1/")
    out = capsys.readouterr().out.splitlines()
    assert out[0] == zh and out[2] == en


def test_check_port_free_refuses_an_address_in_use_and_passes_port_0() -> None:
    import socket

    from api.server import check_port_free
    from orgmodel.i18n import language

    check_port_free("127.0.0.1", 0)  # any free port: never in use
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen(1)
        port = other.getsockname()[1]
        with pytest.raises(InputError) as e:
            check_port_free("127.0.0.1", port)
    # English as a str (the library's language, what the API would see), Chinese when shown so
    assert str.__str__(e.value.args[0]).startswith(f"127.0.0.1:{port} is already in use")
    with language("zh"):
        assert str(e.value).startswith(f"127.0.0.1:{port} 已被占用")


@pytest.mark.parametrize(
    ("name", "text"),
    [("t.json", "{}"), ("t.json", '{"tokens": []}'), ("t.yaml", "tokens: []\n"), ("t.yaml", "")],
)
def test_a_tokens_file_with_no_token_is_refused_in_both_languages(
    tmp_path: Path, name: str, text: str
) -> None:
    # Before: {} gave no token, so the server started in local mode (every caller an admin)
    # although the user had asked for tokens.
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as e:
        Settings.from_env(tokens_file=f, env={})
    assert str(e.value) == (
        f"{f}: holds no token; without one the server would run in local mode, every caller "
        "an admin. Give at least one token, or no tokens at all to serve this machine alone"
    )
    with language("zh"):
        assert str(e.value) == (
            f"{f}：没有任何令牌；没有令牌时服务将以本机模式运行，每个调用者都是管理员。"
            "请至少给出一个令牌，或者完全不给令牌、只服务本机"
        )
    with pytest.raises(InputError, match=r"^ORGMODEL_TOKENS: holds no token"):
        Settings.from_env(env={"ORGMODEL_TOKENS": "{}"})
    # the TOKEN=ROLE form: a list of commas names no token either
    with pytest.raises(InputError, match=r"^ORGMODEL_TOKENS: holds no token"):
        Settings.from_env(env={"ORGMODEL_TOKENS": " , ,"})


def test_env_token_twice_refused() -> None:
    # 'T=admin,T=viewer' kept only the last role (1 token, a viewer) in silence
    with pytest.raises(InputError, match=r"^ORGMODEL_TOKENS: a token appears twice"):
        Settings.from_env(env={"ORGMODEL_TOKENS": "abcdefgh12=admin,abcdefgh12=viewer"})
    with language("zh"), pytest.raises(InputError, match="同一个令牌出现了两次"):
        Settings.from_env(env={"ORGMODEL_TOKENS": "abcdefgh12=admin, abcdefgh12 =admin"})

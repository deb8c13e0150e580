"""Help is whole Chinese by default and English with ``--lang en``: typer's value placeholders
(``<path>`` → ``〈路径〉``), number ranges, argument names in the usage line, section headings
without rich; and every ``orgmodel X`` a help text names is a command (orgmodel.cli._lang,
orgmodel.cli._framework_msgs).

tests/conftest.py pins the suite to English; these tests take the language variables out of
the environment first, as a planner's shell has them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer.main
from babel.messages.pofile import read_po
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.i18n import DOMAIN, LOCALE_DIR, gettext, language

ROOT = Path(__file__).resolve().parents[2]
LANG_VARS = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def _commands(cmd: Any = None, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command and group of ``orgmodel`` with its path (``("db", "push")``)."""
    cmd = typer.main.get_command(app) if cmd is None else cmd
    yield path, cmd
    for name, sub in sorted((getattr(cmd, "commands", None) or {}).items()):
        yield from _commands(sub, (*path, name))


PATHS = [p for p, _ in _commands()]

#: What typer and click write in English where a help shows a value or an argument: type
#: placeholders, click's old metavars, lower-case argument names in the usage line
#: (``{org}``), our argument names, typer's section words.
ENGLISH_PLACEHOLDERS = re.compile(
    r"<(?:str|path|bool|int|float|list|text|file|choice)[^>]*>"
    r"|\{[a-z_]+\}"
    r"|\b(?:FILE|TEXT|INTEGER|PATH|BOOLEAN|FLOAT|COMMAND|ARGS|OPTIONS|ORG|ORG_ID|ORG_A|ORG_B"
    r"|PLAN|CYPHER|SPREADSHEET)\b"
    r"|Usage|Options|Arguments|Commands|\[default|\[required|Show this message|x>=|<=x"
)
#: Upper-case words a Chinese help may hold: file formats, protocols, environment variables.
ACRONYMS = {"API", "BOM", "CSV", "GBK", "HR", "HTML", "HTTP", "JSON", "UTF", "XLSX", "YAML",
            "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "NEO4J_USER", "NEO4J_PASSWORD"}  # fmt: skip
CAPS = re.compile(r"(?<![\w$])[A-Z][A-Z0-9_]{2,}\b")


@pytest.fixture
def no_lang_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in LANG_VARS:
        monkeypatch.delenv(var, raising=False)


def _help(*args: str) -> str:
    r = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.output


@pytest.mark.usefixtures("no_lang_env")
@pytest.mark.parametrize("path", PATHS, ids=lambda p: " ".join(p) or "orgmodel")
def test_every_help_is_chinese_by_default(path: tuple[str, ...]) -> None:
    out = _help(*path)
    assert "用法：orgmodel" in out and "显示本帮助并退出。" in out
    assert "〈开关〉" in out  # --help itself: a switch, not <bool>
    assert not ENGLISH_PLACEHOLDERS.findall(out), ENGLISH_PLACEHOLDERS.findall(out)
    caps = {w for w in CAPS.findall(out) if w not in ACRONYMS and not w.startswith("ORGMODEL_")}
    assert not caps, caps


@pytest.mark.usefixtures("no_lang_env")
def test_placeholders_ranges_and_argument_names_in_both_languages() -> None:
    zh = _help("metrics")
    assert "用法：orgmodel metrics [选项] {组织文件}" in zh
    assert re.search(r"组织文件\s+〈路径〉", zh)  # the argument's name and type in its panel
    assert re.search(r"--limit\s+〈整数〉 \[≥ 0\]", zh)
    assert re.search(r"--page\s+〈整数〉 \[≥ 1\]", zh)
    assert re.search(r"--sheet\s+〈文本〉", zh)
    assert re.search(r"--port\s+〈整数〉 \[0–65535\]", _help("serve"))
    assert re.search(r"--timeout\s+〈数值〉", _help("db", "query"))
    assert re.search(r"--param\s+-p\s+〈文本，可重复〉", _help("db", "query"))
    assert "{组织文件A} {组织文件B}" in _help("compare")
    assert "{组织文件} {方案文件}" in _help("apply")
    assert "{人事表格}" in _help("import") and "{组织编号}" in _help("db", "pull")
    # English keeps typer's own words and click's upper-case argument names
    en = _help("--lang", "en", "metrics")
    assert "Usage: orgmodel metrics [OPTIONS] {ORG}" in en
    assert re.search(r"--limit\s+<int range> \[x>=0\]", en) and re.search(r"--norms\s+<path>", en)
    assert re.search(r"--help\s+<bool>", en) and "〈" not in en and "组织文件" not in en
    assert "{ORG_A} {ORG_B}" in _help("--lang", "en", "compare")
    assert re.search(r"--port\s+<int range> \[0<=x<=65535\]", _help("--lang", "en", "serve"))


def test_every_argument_has_one_name_in_each_language() -> None:
    # click's convention in English (upper case, ORG wherever an organisation file is
    # meant), the catalogue's Chinese, the same msgid for the same thing in every command
    names: dict[str, set[str]] = {}
    for path, cmd in _commands():
        for p in getattr(cmd, "params", ()):
            if p.param_type_name != "argument":
                continue
            where = " ".join(path)
            assert p.metavar and re.fullmatch(r"[A-Z][A-Z_]*", p.metavar), (where, p.name)
            with language("zh"):
                zh = gettext(p.metavar)
            assert zh != p.metavar and not re.search(r"[a-z]", zh), (where, p.metavar, zh)
            names.setdefault(p.name, set()).add(p.metavar)
    assert names["org"] == {"ORG"} and names["org_file"] == {"ORG"}
    assert names["org_id"] == {"ORG_ID"} and names["plan"] == {"PLAN"}


@pytest.mark.usefixtures("no_lang_env")
def test_missing_argument_is_named_in_the_language_in_force() -> None:
    r = CliRunner().invoke(app, ["compare", "x.yaml"], env={"COLUMNS": "200"})
    assert r.exit_code == 2 and "缺少参数 '组织文件B'" in r.output, r.output
    r = CliRunner().invoke(app, ["--lang", "en", "compare", "x.yaml"], env={"COLUMNS": "200"})
    assert r.exit_code == 2 and "missing argument 'ORG_B'" in r.output, r.output


def test_plain_help_without_rich_is_chinese_too() -> None:
    # TYPER_USE_RICH=0 (read when typer is imported): click's formatter, "Options:" headings
    env = {k: v for k, v in os.environ.items() if k not in LANG_VARS}
    p = subprocess.run(
        [sys.executable, "-c", "from orgmodel.cli import main; main()", "metrics", "--help"],
        env={**env, "TYPER_USE_RICH": "0", "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "参数：\n" in out and "选项：\n" in out and "Options:" not in out
    assert re.search(r"--norms 〈路径〉", out) and re.search(r"组织文件 〈路径〉", out)
    assert not ENGLISH_PLACEHOLDERS.findall(out), ENGLISH_PLACEHOLDERS.findall(out)


#: ``orgmodel <command> [<subcommand>]`` as a help text or a message names it.
MENTION = re.compile(r"orgmodel ([a-z][a-z-]*)(?: ([a-z][a-z-]*))?")


def _is_command(first: str, second: str | None) -> bool:
    root = typer.main.get_command(app)
    cmd = root.commands.get(first)  # type: ignore[attr-defined]
    if cmd is None:
        return False
    subs = getattr(cmd, "commands", None)
    return not subs or second is None or second in subs


def test_every_command_a_help_names_exists() -> None:
    texts = []
    for _path, cmd in _commands():
        texts += [cmd.help, cmd.short_help, cmd.epilog]
        texts += [getattr(p, "help", None) for p in cmd.params]
    texts = [t for t in texts if t]
    for lang in ("en", "zh"):
        with language(lang):
            named = [m.groups() for t in texts for m in MENTION.finditer(gettext(t))]
        # report --root points to `orgmodel export ORG …`, compare's help to orgmodel apply
        assert {"export", "apply"} <= {first for first, _ in named}
        bad = [n for n in named if not _is_command(*n)]
        assert not bad, (lang, bad)


def test_every_command_a_message_quotes_exists() -> None:
    # messages name commands in backquotes (`orgmodel db push ORG`), in both languages
    with (LOCALE_DIR / "zh" / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as f:
        cat = read_po(f, locale="zh", domain=DOMAIN)
    quoted = re.compile(r"`(orgmodel [^`]*)`")
    named = []
    for m in cat:
        for text in (m.id, m.string):
            for t in [text] if isinstance(text, str) else list(text or ()):
                named += [MENTION.match(q).groups() for q in quoted.findall(t)]  # type: ignore[union-attr]
    assert ("db", "push") in named and ("export", None) in named
    bad = [n for n in named if not _is_command(*n)]
    assert not bad, bad

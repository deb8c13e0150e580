"""``--lang`` is read before click parses the line, the way click will parse it: the value
of another option is that option's value, even when it reads ``--lang``."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.cli._lang import LangError, split_lang
from orgmodel.seeds import seed_path

COUNTY = str(seed_path("orgs", "mirror-county.yaml"))


@pytest.fixture
def no_lang_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No language in the environment: the command speaks its default, Chinese."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture(scope="module")
def root() -> object:
    return typer.main.get_command(app)


@pytest.mark.parametrize(
    ("args", "lang", "rest"),
    [
        # an option's value is not an option, whatever it reads
        (["report", "o.yaml", "--title", "--lang"], None, ["report", "o.yaml", "--title", "--lang"]),
        (["report", "o.yaml", "--title", "--lang", "--lang", "en"], "en",
         ["report", "o.yaml", "--title", "--lang"]),
        (["report", "o.yaml", "-o", "--lang", "--lang=zh"], "zh", ["report", "o.yaml", "-o", "--lang"]),
        (["report", "o.yaml", "--title=--lang"], None, ["report", "o.yaml", "--title=--lang"]),
        (["report", "o.yaml", "-o--lang", "--lang", "en"], "en", ["report", "o.yaml", "-o--lang"]),
        # a flag takes no value: the --lang after it is the language
        (["validate", "o.csv", "--totals", "--lang", "en"], "en", ["validate", "o.csv", "--totals"]),
        (["metrics", "o.yaml", "--json", "--lang", "en"], "en", ["metrics", "o.yaml", "--json"]),
        # before the command, after it, and after --
        (["--lang", "en", "metrics", "o.yaml"], "en", ["metrics", "o.yaml"]),
        (["metrics", "--", "--lang", "en"], None, ["metrics", "--", "--lang", "en"]),
    ],
)  # fmt: skip
def test_lang_is_pre_parsed_as_click_parses(
    root: object, args: list[str], lang: str | None, rest: list[str]
) -> None:
    assert split_lang(args, root) == (lang, rest)


def test_lang_without_a_value_is_still_refused(root: object) -> None:
    with pytest.raises(LangError):
        split_lang(["metrics", "o.yaml", "--json", "--lang"], root)


@pytest.mark.usefixtures("no_lang_env")
def test_a_title_reading_lang_is_the_title(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    r = CliRunner().invoke(app, ["report", COUNTY, "--title", "--lang", "-o", str(out)])
    assert r.exit_code == 0, r.output
    # the command ran in its default language (Chinese), and the page carries the title
    assert r.output.startswith("已写入"), r.output
    assert "<title>--lang</title>" in out.read_text(encoding="utf-8")


@pytest.mark.usefixtures("no_lang_env")
def test_a_format_reading_lang_is_refused_as_a_format() -> None:
    r = CliRunner().invoke(app, ["metrics", COUNTY, "--format", "--lang"])
    assert r.exit_code == 1, r.output
    assert "错误：--format：'--lang' 不是 table、json、csv、xlsx 之一" in r.output, r.output
    r = CliRunner().invoke(app, ["metrics", COUNTY, "--format", "--lang", "--lang", "en"])
    assert "error: --format: '--lang' is none of table, json, csv, xlsx" in r.output, r.output

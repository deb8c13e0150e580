"""The command line's Chinese reads as Chinese: table headers (编号, not id), full-width
colons after Chinese words, lists joined with 、 — and English stays English with ``--lang en``.

tests/conftest.py pins the suite to English; ``--lang zh`` asks for the default here.
"""

from __future__ import annotations

import re
from pathlib import Path

from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.seeds import seed_path

COUNTY = str(seed_path("orgs", "mirror-county.yaml"))
DABUMEN = str(seed_path("plans", "dabumen-county.yaml"))
#: An ASCII colon or comma touching Chinese: "改革前: 河西县公安局", "整合 X: 22 个", "留任 257, 调动".
HAN_ASCII_PUNCT = re.compile(r"[\u4e00-\u9fff）」》]\s*[:,;](?!//)|:\s*[\u4e00-\u9fff]")


def _run(*args: str) -> str:
    r = CliRunner().invoke(app, list(args), env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    return r.output


def _headers(out: str) -> list[list[str]]:
    """The header cells of every rich table (the ┃ … ┃ rows)."""
    return [[c.strip() for c in line.strip("┃").split("┃")] for line in out.splitlines()
            if line.startswith("┃")]  # fmt: skip


def test_apply_in_chinese_uses_full_width_punctuation() -> None:
    out = _run("apply", COUNTY, DABUMEN, "--lang", "zh")
    assert "改革前：河西县公安局" in out and "改革后：河西县公安局" in out
    # the operation's summary and the officer accounting (257 + 240 = 497 stayed or moved)
    assert "整合 河西县公安局：22 个内设机构 → 8 个大部门" in out
    # (the table's caption wraps: compared without spaces)
    assert "民警497→497：留任257、调动240、新招录0、减员0" in re.sub(r"\s+", "", out)
    # the plan's own description (seed data) too
    assert "按“大部门、大警种”模板" in out and "，不增不减。" in out
    assert not HAN_ASCII_PUNCT.findall(out), HAN_ASCII_PUNCT.findall(out)
    assert ["指标", "编号", "改革前", "改革后", "变化"] in _headers(out)


def test_apply_in_english_keeps_ascii_punctuation() -> None:
    out = _run("apply", COUNTY, DABUMEN, "--lang", "en")
    assert "before: 河西县公安局" in out
    assert "police497→497:stayed257,moved240,hired0,retired0" in re.sub(r"\s+", "", out)
    assert ["metric", "id", "before", "after", "change"] in _headers(out)
    assert "编号" not in out and "：留任" not in out


def test_metrics_tables_head_ids_in_the_language_in_force() -> None:
    zh = _headers(_run("metrics", COUNTY, "--lang", "zh"))
    en = _headers(_run("metrics", COUNTY, "--lang", "en"))
    # narrow-span units, hollow units and mirror units each have an id column
    assert sum(h[0] == "编号" for h in zh) >= 3 and not any("id" in h for h in zh)
    assert sum(h[0] == "id" for h in en) >= 3 and not any("编号" in h for h in en)
    assert ["编号", "名称", "单位类型", "幅度"] in zh


def test_lists_in_messages_follow_the_language(tmp_path: Path) -> None:
    # a bad --format lists the formats: 、 in Chinese, ", " in English (orgmodel.i18n.join_list)
    for lang, want in (
        ("zh", "graphml、csv、xlsx、yaml、json"),
        ("en", "graphml, csv, xlsx, yaml, json"),
    ):
        r = CliRunner().invoke(
            app, ["export", COUNTY, "-o", str(tmp_path / "x.out"), "-f", "pdf", "--lang", lang],
            env={"COLUMNS": "200"},
        )  # fmt: skip
        assert r.exit_code == 1 and want in r.output, r.output
    assert not list(tmp_path.iterdir())  # refused: nothing written

"""``orgmodel metrics``: tables with Chinese names, one JSON object, errors with exit code 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orgmodel.cli import app
from orgmodel.seeds import seed_path

runner = CliRunner()

ORG = """\
id: t
name: 测试县公安局
units:
  - {id: r, name: 测试县公安局, kind: county, police: 6}
  - {id: xz, parent: r, name: 刑事侦查大队, kind: department, function: criminal, police: 20}
  - {id: s, parent: r, name: 城关派出所, kind: station, police: 10}
  - {id: t1, parent: s, name: 社区警务队, kind: team, function: community_policing, police: 4}
"""


@pytest.fixture
def org_file(tmp_path: Path) -> Path:
    p = tmp_path / "org.yaml"
    p.write_text(ORG, encoding="utf-8")
    return p


def test_json_is_one_object_with_the_report_keys(org_file: Path) -> None:
    res = runner.invoke(app, ["metrics", str(org_file), "--json"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert list(data) == [
        "org",
        "span",
        "layers",
        "workforce",
        "mirror",
        "shares",
        "policy",
        "norms",
    ]
    # police 6 + 20 + 10 + 4 = 40; organ 6 + 20 = 26; stations 10 + 4 = 14; community 4 of 14
    assert data["org"]["police"] == 40
    assert data["shares"]["organ_share"] == pytest.approx(26 / 40)
    assert data["shares"]["station_share"] == pytest.approx(14 / 40)
    assert data["shares"]["community_share"] == pytest.approx(4 / 14)
    assert "测试县公安局" in res.stdout  # ensure_ascii=False
    assert data["norms"]["source"] == "seeds/norms.yaml"


def test_tables_name_units_in_chinese(org_file: Path) -> None:
    res = runner.invoke(app, ["metrics", str(org_file), "--lang", "zh"], env={"COLUMNS": "160"})
    assert res.exit_code == 0, res.output
    for section in (
        "管理幅度",
        "层级",
        "警力隐性流失",
        "警力漏斗",
        "上下对口",
        "一线警力",
        "政策指标",
        "定额",
    ):
        assert section in res.stdout
    assert "测试县公安局" in res.stdout and "城关派出所" in res.stdout
    assert "达标" in res.stdout


def test_taizhou_before_reform() -> None:
    path = seed_path("orgs", "taizhou-gxq-before.yaml")
    if not path.exists():
        pytest.skip("seed organisation not built yet")
    res = runner.invoke(app, ["metrics", str(path), "--json"])
    assert res.exit_code == 0, res.output
    shares = json.loads(res.stdout)["shares"]
    # published: 183 officers, 97 in the organs, 86 in the stations
    assert shares["police"] == 183
    assert shares["organ_share"] == pytest.approx(97 / 183)
    assert shares["station_share"] == pytest.approx(86 / 183)


def test_custom_norms_and_policy(org_file: Path, tmp_path: Path) -> None:
    norms = tmp_path / "norms.yaml"
    norms.write_text(
        seed_path("norms.yaml")
        .read_text(encoding="utf-8")
        .replace("absence_rate: 0.10", "absence_rate: 0.25"),
        encoding="utf-8",
    )
    policy = tmp_path / "policy.yaml"
    policy.write_text(
        "rules:\n  - {id: p1, description: 派出所警力占比不低于30%, metric: station_share,"
        " scope: county, comparator: '>=', threshold: 0.3, source: 测试}\n",
        encoding="utf-8",
    )
    res = runner.invoke(
        app, ["metrics", str(org_file), "--json", "--norms", str(norms), "--policy", str(policy)]
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["norms"]["absence_rate"] == 0.25 and data["norms"]["source"] == str(norms)
    [row] = data["policy"]["results"]
    # 14 / 40 = 0.35 ≥ 0.3
    assert row["rule"] == "p1" and row["unit_name"] == "测试县公安局" and row["passed"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.yaml"], "no such file"),
        (["{org}", "--norms", "{tmp}/none.yaml"], "norms file not found"),
        (["{org}", "--policy", "{tmp}/bad.yaml"], "unknown metric"),
        (["{tmp}/broken.yaml"], "more than one root"),
    ],
)
def test_bad_input_exits_1_with_a_message(
    args: list[str], message: str, org_file: Path, tmp_path: Path
) -> None:
    (tmp_path / "bad.yaml").write_text(
        "rules:\n  - {id: x, description: d, metric: nope, scope: org, comparator: '>=',"
        " threshold: 1}\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.yaml").write_text(
        "units:\n  - {id: a, name: 甲局, kind: county}\n  - {id: b, name: 乙局, kind: county}\n",
        encoding="utf-8",
    )
    argv = [a.format(org=org_file, tmp=tmp_path) for a in args]
    res = runner.invoke(app, ["metrics", *argv])
    assert res.exit_code == 1
    assert "error:" in res.output and message in res.output
    assert "Traceback" not in res.output


def test_workforce_labels_come_from_the_one_label_table() -> None:
    from orgmodel.labels import METRICS

    # The label table speaks both languages: Chinese by default (--lang zh), English with
    # --lang en; expected values say so in each.
    zh = CliRunner().invoke(app, ["metrics", "seeds/orgs/mirror-county.yaml", "--lang", "zh"])
    en = CliRunner().invoke(app, ["metrics", "seeds/orgs/mirror-county.yaml", "--lang", "en"])
    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    for metric in ("people", "establishments", "fixed_posts", "overhead", "hollow_units",
                   "hidden_loss", "deployable"):  # fmt: skip
        m = METRICS[metric]
        assert m.zh in zh.output, metric
        assert m.en.split()[0] in en.output, metric  # a long label may wrap
    assert f"{METRICS['deployable'].zh}（期望值）" in zh.output
    assert f"{METRICS['deployable'].en} (expected value)" in en.output
    j = CliRunner().invoke(app, ["metrics", "seeds/orgs/mirror-county.yaml", "--json"])
    stages = json.loads(j.output)["workforce"]["funnel"]["level"]["stages"]
    assert stages[-1]["label"] == f"减缺勤 = {METRICS['deployable'].zh}"

"""The one table of metric labels (orgmodel.labels) and the faces that read it."""

from __future__ import annotations

from pathlib import Path

from orgmodel.labels import METRICS, POLICY_METRIC_IDS, label, labels_table
from orgmodel.metrics import HEADLINE_KEYS, HEADLINE_LABELS, POLICY_METRICS


def test_every_headline_and_policy_metric_is_in_the_table() -> None:
    assert set(HEADLINE_KEYS) <= set(METRICS)
    assert set(POLICY_METRIC_IDS) <= set(METRICS)
    # The suite and the policy module read the table, they do not spell labels themselves.
    assert all(HEADLINE_LABELS[k] == METRICS[k].zh for k in HEADLINE_KEYS)
    assert all(POLICY_METRICS[k] == METRICS[k].zh for k in POLICY_METRIC_IDS)


def test_one_chinese_label_per_metric() -> None:
    zh = [m.zh for m in METRICS.values()]
    assert len(zh) == len(set(zh))
    assert label("community_share") == "社区警力占派出所警力比"
    assert label("organ_share", lang="both") == "机关警力占比（机关化） (organ share)"


def test_units_and_directions() -> None:
    rows = {r["id"]: r for r in labels_table()}
    assert rows["hidden_loss"]["unit"] == "officers"
    assert rows["hidden_loss"]["direction"] == "lower"
    assert rows["station_share"] == {
        "id": "station_share",
        "zh": "派出所警力占比（县级公安机关）",
        "en": "station share (county-level bureaus)",
        "unit": "share",
        "direction": "higher",
        "expected": False,
    }
    assert rows["police"]["direction"] is None  # a size: neither better nor worse
    # expected values (期望值) are the estimates with fractions; head counts are not
    assert {r["id"] for r in rows.values() if r["expected"]} == {"hidden_loss", "deployable"}


def test_expected_values_read_one_way_whatever_their_type() -> None:
    # 可部署警力 after a plan read 279 in the CLI's table and 279.0 on the panel: an expected
    # value has one decimal wherever it is shown, an int or a float alike.
    from orgmodel.labels import format_value

    assert format_value("deployable", 279) == format_value("deployable", 279.0) == "279.0"
    assert format_value("hidden_loss", 0) == "0.0"
    assert format_value("mean_span", 2) == "2.0"  # a mean, shown like one
    assert format_value("police", 279.0) == "279"  # a head count stays whole
    assert format_value("mirror_index", 0.125) == "12.5%"


def test_edge_types_have_one_label_in_each_language() -> None:
    from orgmodel.i18n import language
    from orgmodel.labels import EDGE_MSGIDS, edge_label
    from orgmodel.model import EDGE_TYPES

    assert set(EDGE_MSGIDS) == set(EDGE_TYPES)
    with language("zh"):
        zh = [edge_label(t) for t in EDGE_TYPES]
    with language("en"):
        en = [edge_label(t) for t in EDGE_TYPES]
    assert zh == ["块 指挥隶属", "条 业务指导", "情指调度"]
    # English names the type as the files do
    assert all(t in e for t, e in zip(EDGE_TYPES, en, strict=True)), en
    assert edge_label("OTHER") == "OTHER"


def test_a_failing_check_never_reads_as_its_threshold(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from orgmodel.charts.numbers import numbers_panel
    from orgmodel.cli import app
    from orgmodel.io import org_from_dict
    from orgmodel.labels import format_check

    # community share 109 / (68 + 109) = 0.61582 < 0.6159 (西城 61.59%): fails. At one decimal
    # the panel showed '61.6%' failing '>= 61.6%', the CLI '0.616' failing '>= 0.6159'.
    doc = {
        "id": "edge",
        "name": "边界县公安局",
        "units": [
            {"id": "root", "name": "边界县公安局", "kind": "county", "police": 4},
            {"id": "s", "parent": "root", "name": "边界派出所", "kind": "station", "police": 68},
            {
                "id": "p",
                "parent": "s",
                "name": "社区警务室",
                "kind": "community_post",
                "police": 109,
            },
        ],
    }
    failing = numbers_panel(org_from_dict(doc))["policy"]["failing"]
    row = next(f for f in failing if f["rule"] == "community-share-xicheng")
    assert (row["value"], row["threshold"]) == ("61.58%", "61.59%")
    f = tmp_path / "edge.yaml"
    import yaml

    f.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    r = CliRunner().invoke(app, ["metrics", str(f)], env={"COLUMNS": "200"})
    assert r.exit_code == 0, r.output
    line = next(x for x in r.output.splitlines() if "边界派出所" in x and "0.6159" in x)
    assert "0.6158" in line and "0.616 " not in line
    # a value that differs only in the 5th decimal still reads apart; equal ones read alike
    assert format_check("community_share", 0.615899, 0.6159) == ("61.5899%", "61.59%")
    assert format_check("station_share", 0.4, 0.4) == ("40.0%", "40.0%")

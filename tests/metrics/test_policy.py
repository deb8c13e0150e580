"""Policy checks (政策指标)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.metrics import POLICY_METRICS, evaluate_policy, metric_by_unit, policy_report
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import PolicyRule, load_policy, policy_from_dict


def rule(metric: str, scope: str, comparator: str, threshold: float, rid: str = "r1") -> PolicyRule:
    return PolicyRule(rid, f"{metric} 规则", metric, scope, comparator, threshold, "测试")


def test_policy_metrics_match_the_policy_file_header() -> None:
    assert set(POLICY_METRICS) == {
        "station_share",
        "station_share_all",
        "community_share",
        "organ_share",
        "hidden_loss_share",
        "mirror_index",
        "narrow_span_share",
        "wide_span_share",
        "mean_command_path",
    }
    assert len(load_policy()) >= 5  # the shipped rules load against these names


def test_unknown_metric_is_rejected() -> None:
    data = {"rules": [{"id": "x", "description": "d", "metric": "nope", "scope": "org",
                       "comparator": ">=", "threshold": 1}]}  # fmt: skip
    with pytest.raises(InputError, match="unknown metric 'nope'"):
        policy_from_dict(data)


def test_shipped_rules_on_the_county(county: OrgGraph) -> None:
    rows = evaluate_policy(county, load_policy())
    by = {(r["rule"], r["unit_id"]): r for r in rows}
    s40 = by[("station-share-40", "r")]
    # 66 / 138 = 0.478 ≥ 0.40 passes; the Xicheng level 0.645 does not
    assert s40["value"] == pytest.approx(66 / 138) and s40["passed"] is True
    assert s40["unit_name"] == "某县公安局" and s40["comparator"] == ">="
    assert by[("station-share-xicheng", "r")]["passed"] is False
    # community share per station: s1 14 / 58, s2 2 / 8, both below 0.6159
    assert by[("community-share-xicheng", "s1")]["value"] == pytest.approx(14 / 58)
    assert by[("community-share-xicheng", "s2")]["passed"] is False
    # organ share 72 / 138 = 0.52 > 0.40: fails; hidden loss 19.0 / 138 = 0.138 > 0.10: fails
    # (19.0: establishments, worked out in test_workforce.py)
    assert by[("organ-share-max", "r")]["passed"] is False
    assert by[("hidden-loss-max", "r")]["value"] == pytest.approx(19.0 / 138)
    assert by[("hidden-loss-max", "r")]["passed"] is False
    assert all(r["source"] for r in rows)


def test_empty_scope_says_so(county: OrgGraph) -> None:
    rows = evaluate_policy(county, [rule("station_share", "city", ">=", 0.4)])
    assert len(rows) == 1
    row = rows[0]
    assert row["unit_id"] is None and row["value"] is None and row["passed"] is None
    assert row["note"] == "no 市公安局 (city) in this organisation: rule not evaluated"


def test_undefined_value_is_not_a_pass() -> None:
    org = OrgGraph(
        [Unit("b", "某县公安局", "county", police=5), Unit("s", "派出所", "station", parent="b")]
    )
    [row] = evaluate_policy(org, [rule("community_share", "station", ">=", 0.5)])
    assert row["value"] is None and row["passed"] is None and "undefined" in row["note"]


def test_other_metrics(county: OrgGraph) -> None:
    rules = [
        rule("mirror_index", "county", "<=", 0.5, "m"),  # 2 / 3 > 0.5: fails
        rule("narrow_span_share", "org", "<=", 0.5, "n"),  # 3 / 5 = 0.6: fails
        rule("wide_span_share", "org", "==", 0.0, "w"),  # no wide span: passes
        rule("mean_command_path", "org", "<=", 2.0, "c"),  # (2 + 2 + 2 + 2) / 4: passes
    ]
    rows = {r["rule"]: r for r in evaluate_policy(county, rules)}
    assert rows["m"]["value"] == pytest.approx(2 / 3) and rows["m"]["passed"] is False
    assert rows["n"]["value"] == pytest.approx(0.6) and rows["n"]["passed"] is False
    assert rows["w"]["passed"] is True
    assert rows["c"]["value"] == pytest.approx(2.0) and rows["c"]["passed"] is True


def test_metric_by_unit_measures_subtrees(county: OrgGraph) -> None:
    share = metric_by_unit(county, "station_share")
    assert share["r"] == pytest.approx(66 / 138)
    assert share["s1"] == 1.0  # a station is all station
    assert share["d1"] == 0.0
    assert metric_by_unit(county, "mean_command_path")["s1"] == pytest.approx(2.0)
    assert metric_by_unit(county, "mean_command_path")["d1"] is None  # no posts below


def test_policy_report_counts(county: OrgGraph) -> None:
    rep = policy_report(county, load_policy())
    # 5 rules: 2 county-scope rows, 2 station rows (s1, s2), 2 org rows → 6 checks
    assert rep["rules"] == 5 and rep["checks"] == 6
    # only station-share-40 passes
    assert (rep["passed"], rep["failed"], rep["not_evaluated"]) == (1, 5, 0)
    first = rep["by_rule"][0]
    assert first["rule"] == "station-share-40" and first["passed"] == 1


def test_county_level_and_aggregate_scopes() -> None:
    from tests.metrics.test_shares import two_fenju_city

    org = two_fenju_city()
    rows = evaluate_policy(
        org,
        [
            rule("station_share", "county_level", ">=", 0.4, "each"),
            rule("station_share", "aggregate", ">=", 0.4, "agg"),
            rule("station_share_all", "org", ">=", 0.4, "all"),
        ],
    )
    each = {r["unit_id"]: r for r in rows if r["rule"] == "each"}
    # c 30 / 230 = 13% fails; k1 100 / 130 = 77% passes; k2 30 / 70 = 43% passes
    assert {u: r["passed"] for u, r in each.items()} == {"c": False, "k1": True, "k2": True}
    assert each["k2"]["value"] == pytest.approx(30 / 70)
    (agg,) = [r for r in rows if r["rule"] == "agg"]
    assert agg["value"] == pytest.approx(160 / 430) and agg["passed"] is False
    assert "县级公安机关合计" in agg["unit_name"]
    rep = policy_report(org, [rule("station_share", "county_level", ">=", 0.4)])
    assert (rep["by_rule"][0]["checks"], rep["by_rule"][0]["passed"]) == (3, 2)


def test_shipped_40_percent_rule_is_per_county_level_bureau() -> None:
    (r40,) = [r for r in load_policy() if r.id == "station-share-40"]
    assert (r40.metric, r40.scope, r40.threshold) == ("station_share", "county_level", 0.4)


def test_the_shipped_policy_is_read_once_and_each_caller_gets_its_own_list() -> None:
    mine = load_policy()
    assert mine and all(r.id for r in mine)
    mine.clear()  # the caller's list: the next caller still gets every rule
    again = load_policy()
    assert again and again is not load_policy() and again[0] is load_policy()[0]


_RULE = (
    "rules:\n  - id: s40\n    description: 派出所警力占比不低于40%\n    metric: station_share\n"
    "    scope: county_level\n    comparator: '>='\n    threshold: {t}\n"
)


@pytest.mark.parametrize(
    ("t", "shown"), [(".inf", "inf"), ("-.inf", "-inf"), (".nan", "nan"), ("1.0e+999", "inf")]
)
def test_a_threshold_of_infinity_or_nan_is_refused_naming_the_rule(
    tmp_path: Path, t: str, shown: str
) -> None:
    # station_share >= inf fails every county, >= nan too (every comparison with NaN is
    # false), whatever its figures: the file was read without a word.
    p = tmp_path / "policy.yaml"
    p.write_text(_RULE.format(t=t), encoding="utf-8")
    with pytest.raises(InputError) as e:
        load_policy(p)
    assert str(e.value) == (
        f"{p}: rule 's40': threshold must be a finite number, got {shown}: against it every "
        "unit would pass or fail whatever its figures"
    )
    with language("zh"):
        assert str(e.value) == (
            f"{p}：规则 's40'：threshold 必须是有限的数，收到的是 {shown}：以它为界，"
            "每个单位不论数字如何都会一律通过或一律不通过"
        )


def test_a_threshold_beyond_any_float_is_refused_not_a_traceback() -> None:
    # JSON 1e999 reads as inf; an integer of 400 digits does not fit a float at all.
    rule = {
        "id": "s40",
        "description": "d",
        "metric": "station_share",
        "scope": "county_level",
        "comparator": ">=",
    }
    with pytest.raises(InputError, match="threshold must be a finite number, got inf"):
        policy_from_dict({"rules": [{**rule, "threshold": json.loads("1e999")}]}, "p.json")
    with pytest.raises(InputError, match="got 100000000000…: against it"):
        policy_from_dict({"rules": [{**rule, "threshold": 10**400}]}, "p.json")

"""metric_report and headline: the whole suite in one JSON-serialisable report."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from orgmodel.metrics import HEADLINE_KEYS, headline, metric_report
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import load_norms, norms_from_dict
from tests.strategies import org_graphs


def test_report_keys_and_json(county: OrgGraph) -> None:
    rep = metric_report(county)
    assert list(rep) == [
        "org",
        "span",
        "layers",
        "workforce",
        "mirror",
        "shares",
        "policy",
        "norms",
    ]
    assert rep["norms"] == load_norms().to_dict()
    text = json.dumps(rep, ensure_ascii=False)
    assert "某县公安局" in text
    assert json.loads(text)["org"]["police"] == 138


def test_org_section(county: OrgGraph) -> None:
    org = metric_report(county)["org"]
    assert org["root"] == {"id": "r", "name": "某县公安局", "kind": "county"}
    assert org["units"] == 14 and org["police"] == 138 and org["auxiliaries"] == 30
    assert org["by_kind"]["community_post"] == {
        "name": "社区警务室",
        "units": 4,
        "police": 8,
        "people": 8,  # posts hold no auxiliaries
    }
    assert org["parent_bureau"] == {
        "name": "某市公安局",
        "functions": ["criminal", "traffic", "command"],
    }
    assert org["dispatches"] == 2 and org["guides"] == 0


def test_headline(county: OrgGraph) -> None:
    h = headline(county)
    assert list(h) == list(HEADLINE_KEYS)
    expected = {
        "units": 14,
        "police": 138,
        "auxiliaries": 30,
        "people": 168,  # 138 police + 30 auxiliaries
        "departments": 4,  # d1, d1a, d2, cc
        "managing_units": 5,
        "mean_span": 13 / 5,
        "narrow_span_share": 3 / 5,
        "wide_span_share": 0.0,
        "layers": 4,
        "mean_command_path": 2.0,
        "max_command_path": 2,
        "establishments": 7,  # r d1 d1a d2 cc, and s1, s2 with their teams, office, posts
        "fixed_posts": 40,  # tests/metrics/test_workforce.py works these out
        "overhead": 39,
        "hollow_units": 1,
        "hidden_loss": 19.0,
        "hidden_loss_share": 19.0 / 138,
        "deployable": 89.1,
        "mirror_index": 2 / 3,
        "guides": 0,
        "mirror_units": 3,
        "county_level_bureaus": 1,  # the county itself
        "station_share": 66 / 138,
        "station_share_all": 66 / 138,
        "community_share": 16 / 66,
        "organ_share": 72 / 138,
    }
    assert h == pytest.approx(expected)


def test_headline_from_report_equals_headline_from_org(county: OrgGraph) -> None:
    assert headline(metric_report(county)) == headline(county)


def test_custom_norms_are_used_and_echoed(county: OrgGraph) -> None:
    data = load_norms().to_dict()
    data["absence_rate"] = 0.5
    norms = norms_from_dict(data, "mine.yaml")
    rep = metric_report(county, norms=norms, policy=[])
    assert rep["norms"]["absence_rate"] == 0.5 and rep["norms"]["source"] == "mine.yaml"
    # after duty rosters 44 + 47 + 8 = 99 officers (test_workforce.py); half are away
    assert rep["workforce"]["deployable"] == pytest.approx(49.5)
    assert rep["policy"]["checks"] == 0


def test_deep_chain_has_no_recursion_limit() -> None:
    units = [Unit("b", "某县公安局", "county", police=3)]
    units += [
        Unit(f"d{i}", f"科{i}", "department", parent=units[-1].id if i == 0 else f"d{i - 1}",
             function="criminal", police=1)
        for i in range(3000)
    ]  # fmt: skip
    rep = metric_report(OrgGraph(units), policy=[])
    assert rep["org"]["police"] == 3003 and rep["layers"]["max_depth"] == 3000


@settings(max_examples=30, deadline=None)
@given(org_graphs())
def test_report_is_plain_json(org: OrgGraph) -> None:
    rep = metric_report(org)
    again = json.loads(json.dumps(rep, ensure_ascii=False))
    assert again == rep  # only dict / list / str / int / float / bool / None inside
    h = headline(rep)
    assert h["police"] == org.total_police() and h["units"] == len(org)


def test_every_headline_metric_has_a_chinese_label() -> None:
    from orgmodel.metrics import HEADLINE_KEYS, HEADLINE_LABELS, HEADLINE_SHARES

    assert list(HEADLINE_LABELS) == list(HEADLINE_KEYS)
    assert set(HEADLINE_KEYS) >= HEADLINE_SHARES
    assert {
        "narrow_span_share",
        "wide_span_share",
        "hidden_loss_share",
        "mirror_index",
        "station_share",
        "station_share_all",
        "community_share",
        "organ_share",
    } == HEADLINE_SHARES
    assert HEADLINE_LABELS["organ_share"] == "机关警力占比（机关化）"

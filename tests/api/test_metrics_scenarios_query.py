"""Metrics (suite, parts, versions, overrides), scenarios (create, get, list, diff, deltas,
compare) and read-only queries over HTTP."""

from __future__ import annotations

import copy

import pytest
import yaml
from fastapi.testclient import TestClient

from orgmodel.io import load_org
from orgmodel.metrics import metric_report
from orgmodel.seeds import seed_path
from tests.api._helpers import ADMIN, PLANNER, VIEWER, auth, small_org

A, P, V = auth(ADMIN), auth(PLANNER), auth(VIEWER)
MERGE = {"name": "刑侦治安合并", "ops": [{"op": "merge", "units": ["xj", "za"], "into": "xj"}]}


# -- metrics ----------------------------------------------------------------------------------


def test_suite_matches_the_library(seeded: TestClient) -> None:
    r = seeded.get("/api/v1/orgs/mirror-county/metrics", headers=V)
    assert r.status_code == 200
    d = r.json()
    assert d["subject"] == {
        "type": "org",
        "id": "mirror-county",
        "version": 1,
        "name": "河西县公安局",
    }
    expected = metric_report(load_org(seed_path("orgs", "mirror-county.yaml")))
    assert d["report"]["workforce"]["hidden_loss"] == pytest.approx(
        expected["workforce"]["hidden_loss"]
    )
    assert d["report"]["mirror"]["mirror_index"] == expected["mirror"]["mirror_index"]
    assert list(d["report"]) == list(expected)


@pytest.mark.parametrize("part", ["span", "layers", "workforce", "mirror", "shares", "policy"])
def test_one_part(seeded: TestClient, part: str) -> None:
    r = seeded.get(f"/api/v1/orgs/mirror-county/metrics/{part}", headers=V)
    assert r.status_code == 200
    d = r.json()
    assert d["part"] == part
    assert set(d["report"]) == {"org", part, "norms"}


def test_unknown_part_is_422(seeded: TestClient) -> None:
    r = seeded.get("/api/v1/orgs/mirror-county/metrics/vibes", headers=V)
    assert r.status_code == 422 and r.json()["errors"][0]["in"] == "path"


def test_norms_override_changes_fixed_posts(client: TestClient) -> None:
    url = "/api/v1/orgs/test-county/metrics/workforce"
    base = client.get(url, headers=V).json()["report"]
    norms = yaml.safe_load(seed_path("norms.yaml").read_text(encoding="utf-8"))
    more = copy.deepcopy(norms)
    # one more admin post per department: 2 departments → fixed posts + 2
    more["kinds"]["department"]["admin"] += 1
    r = client.post(url, json={"norms": more}, headers=V)
    assert r.status_code == 200, r.text
    assert r.json()["report"]["workforce"]["fixed_posts"] == base["workforce"]["fixed_posts"] + 2
    assert (
        r.json()["report"]["norms"]["kinds"]["department"]["admin"]
        == more["kinds"]["department"]["admin"]
    )


def test_policy_override(client: TestClient) -> None:
    rule = {
        "id": "stations-half",
        "description": "派出所警力占比不低于50%",
        "metric": "station_share",
        "scope": "org",
        "comparator": ">=",
        "threshold": 0.5,
        "source": "测试",
    }
    r = client.post(
        "/api/v1/orgs/test-county/metrics/policy", json={"policy": {"rules": [rule]}}, headers=V
    )
    assert r.status_code == 200, r.text
    text = r.text
    assert "stations-half" in text and "派出所警力占比不低于50%" in text


def test_metrics_of_an_older_version(client: TestClient) -> None:
    changed = small_org()
    changed["units"][3]["police"] = 30  # 48 + 10 = 58
    r = client.put("/api/v1/orgs/test-county", json=changed, headers={**A, "If-Match": '"v1"'})
    assert r.status_code == 200
    url = "/api/v1/orgs/test-county/metrics"
    assert client.get(url, headers=V).json()["report"]["org"]["police"] == 58
    old = client.get(url, params={"version": 1}, headers=V).json()
    assert old["report"]["org"]["police"] == 48 and old["subject"]["version"] == 1
    posted = client.post(url, json={"version": 1}, headers=V).json()
    assert posted["report"]["org"]["police"] == 48


# -- scenarios --------------------------------------------------------------------------------


def test_seeded_scenarios(seeded: TestClient) -> None:
    ids = {s["id"] for s in seeded.get("/api/v1/scenarios", headers=V).json()}
    assert {"dabumen-county", "sink-20pct", "two-teams-one-office"} <= ids
    only = seeded.get("/api/v1/scenarios", params={"base": "taizhou-gxq-before"}, headers=V)
    assert [s["id"] for s in only.json()] == ["taizhou-gxq-sandui-liangshi"]
    # the list carries the base version's name and size: 183 police before and after
    (t,) = only.json()
    assert t["base"]["name"] == "泰州市公安局高新区分局（改革前）"
    assert t["police_before"] == t["police_after"] == 183
    assert t["units_before"] == 33  # bureau + 17 internal units + 4 stations + 11 posts
    assert t["units_after"] == 33 - 17 + 5  # 三队两室 in place of the 17


def test_taizhou_scenario_balances_the_published_case(seeded: TestClient) -> None:
    d = seeded.get("/api/v1/scenarios/taizhou-gxq-sandui-liangshi", headers=V).json()
    # 183 officers conserved
    assert d["police_before"] == d["police_after"] == 183
    assert d["base"] == {
        "type": "org",
        "id": "taizhou-gxq-before",
        "version": 1,
        "name": d["base"]["name"],
    }
    assert len(d["log"]) == len(d["plan"]["ops"])


def test_scenario_diff_and_deltas(seeded: TestClient) -> None:
    diff = seeded.get("/api/v1/scenarios/dabumen-county/diff", headers=V).json()
    assert diff["a"]["id"] == "mirror-county" and diff["b"]["type"] == "scenario"
    assert diff["diff"]["counts"]["merged"] > 0
    # police conserved: no hires, no retirements
    assert diff["diff"]["officers"]["police_a"] == diff["diff"]["officers"]["police_b"] == 497
    m = seeded.get("/api/v1/scenarios/dabumen-county/metrics", headers=V).json()
    assert m["before"]["mirror"]["departments"] > m["after"]["mirror"]["departments"]
    delta = m["deltas"]["delta"]
    assert delta["departments"] == (
        m["after"]["mirror"]["departments"] - m["before"]["mirror"]["departments"]
    )
    assert delta["police"] == 0


def test_create_scenario_every_way(client: TestClient) -> None:
    # JSON object
    r = client.post(
        "/api/v1/scenarios", json={"base": "test-county", "plan": MERGE, "id": "j"}, headers=P
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert (d["units_before"], d["units_after"]) == (5, 4)
    assert d["police_before"] == d["police_after"] == 48
    assert d["author"] == "李规划" and r.headers["location"].endswith("/api/v1/scenarios/j")
    # YAML text inside JSON, pinned to base version 1 with If-Match
    r = client.post(
        "/api/v1/scenarios",
        json={"base": "test-county", "plan_text": yaml.safe_dump(MERGE, allow_unicode=True)},
        headers={**P, "If-Match": '"v1"'},
    )
    assert r.status_code == 201, r.text
    assert r.json()["id"].startswith("test-county.")
    # the plan file itself as YAML, base in the query
    r = client.post(
        "/api/v1/scenarios?base=test-county&id=y",
        content=yaml.safe_dump(MERGE, allow_unicode=True).encode(),
        headers={**P, "Content-Type": "application/yaml"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["plan"]["name"] == "刑侦治安合并"
    assert len(client.get("/api/v1/scenarios", headers=V).json()) == 3


def test_compare(seeded: TestClient) -> None:
    r = seeded.get(
        "/api/v1/compare",
        params={"a": "org:mirror-county@1", "b": "scenario:sink-20pct"},
        headers=V,
    )
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["a"]["version"] == 1 and d["b"]["type"] == "scenario"
    # 警力下沉: the station share rises, police conserved
    assert d["deltas"]["delta"]["station_share"] > 0
    assert d["deltas"]["delta"]["police"] == 0
    assert d["diff"]["officers"]["police_a"] == d["diff"]["officers"]["police_b"]
    two_orgs = seeded.get(
        "/api/v1/compare", params={"a": "mirror-county", "b": "taizhou-gxq-before"}, headers=V
    )
    assert two_orgs.status_code == 200


def test_compare_shows_the_lists_as_metrics_does(client: TestClient) -> None:
    # A 大队 of 7 police (F = 2 + 1 + 1·5 = 8, S 30): hidden loss 7 · (1 − 7/30) = 5.366…,
    # shown 5.4 by /metrics; /compare gave every per-unit list whole and unrounded
    org = small_org()
    org["id"] = "cmp-lists"
    org["units"].append(
        {"id": "dd", "parent": org["units"][0]["id"], "name": "刑侦二大队", "kind": "department",
         "function": "economic", "police": 7, "duty_roster": True}
    )  # fmt: skip
    assert client.post("/api/v1/orgs", json=org, headers=A).status_code == 201
    metrics = client.get("/api/v1/orgs/cmp-lists/metrics", headers=V).json()
    cmp = client.get("/api/v1/compare", params={"a": "cmp-lists", "b": "cmp-lists"}, headers=V)
    assert cmp.status_code == 200, cmp.text
    d = cmp.json()
    top = {r["id"]: r["hidden_loss"] for r in d["metrics_a"]["workforce"]["top_hidden_loss"]}
    assert top["dd"] == 5.4
    assert d["metrics_a"] == d["metrics_b"] == metrics["report"]
    assert d["lists_a"] == d["lists_b"] == metrics["lists"]


def test_scenario_export(seeded: TestClient) -> None:
    r = seeded.get("/api/v1/scenarios/dabumen-county/export", headers=V)
    assert r.status_code == 200 and "河西县公安局" in r.text


# -- query ------------------------------------------------------------------------------------


def test_query_rows_params_and_limit(seeded: TestClient) -> None:
    q = {
        "cypher": "MATCH (u:Unit) WHERE u.org_id = $org AND u.kind = $kind "
        "RETURN u.name AS name, u.police AS police ORDER BY u.police DESC",
        "params": {"org": "mirror-county", "kind": "station"},
    }
    r = seeded.post("/api/v1/query", json=q, headers=P)
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["columns"] == ["name", "police"]
    assert len(d["rows"]) == 15 and d["truncated"] is False
    assert all(row["name"].endswith("派出所") for row in d["rows"])
    r = seeded.post("/api/v1/query", json={**q, "limit": 4}, headers=P)
    assert len(r.json()["rows"]) == 4 and r.json()["truncated"] is True


def test_metric_labels_are_the_library_table(seeded: TestClient) -> None:
    from orgmodel.labels import labels_table

    r = seeded.get("/api/v1/metric-labels", headers=V)
    assert r.status_code == 200
    assert r.json()["metrics"] == labels_table()
    assert seeded.get("/api/v1/metric-labels").status_code == 401


def test_metrics_lists_are_paged_with_their_totals(seeded: TestClient) -> None:
    url = "/api/v1/orgs/mirror-county/metrics/shares"
    d = seeded.get(url, params={"limit": 4, "page": 2}, headers=V).json()
    # 15 派出所 in the seed county: page 2 of 4 rows is stations 5–8, of ceil(15 / 4) = 4 pages
    whole = metric_report(load_org(seed_path("orgs", "mirror-county.yaml")))
    assert d["report"]["shares"]["stations"] == whole["shares"]["stations"][4:8]
    assert d["lists"]["shares.stations"] == {
        "total": 15,
        "page": 2,
        "limit": 4,
        "pages": 4,
        "shown": 4,
    }
    # by default a page is 100 rows: every one of the seed county's
    d = seeded.get(url, headers=V).json()
    assert len(d["report"]["shares"]["stations"]) == 15
    assert d["lists"]["shares.stations"]["pages"] == 1
    assert seeded.get(url, params={"limit": 0}, headers=V).status_code == 422
    m = seeded.get(
        "/api/v1/scenarios/dabumen-county/metrics", params={"limit": 2}, headers=V
    ).json()
    assert len(m["before"]["shares"]["stations"]) == 2
    assert m["lists_before"]["shares.stations"]["total"] == 15
    # documented in the OpenAPI schema
    spec = seeded.get("/openapi.json").json()
    params = spec["paths"]["/api/v1/orgs/{org_id}/metrics"]["get"]["parameters"]
    assert {"page", "limit"} <= {p["name"] for p in params}


def test_an_unnamed_plan_takes_the_scenario_id_as_its_name(client: TestClient) -> None:
    # the plan gives no name: the scenario is named after its id, never after the words of
    # the request's source ('request body: plan' read as a file name)
    plan = {"ops": MERGE["ops"]}
    r = client.post(
        "/api/v1/scenarios", json={"base": "test-county", "plan": plan, "id": "hb1"}, headers=P
    )
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["name"] == "hb1"
    assert "request body" not in r.text
    # the stored plan replays to the stored scenario (same name, so the same organisation):
    # the comparison uses the plan's exact lineage, not units matched by id
    n = client.get("/api/v1/scenarios/hb1/numbers", headers=V).json()
    assert n["compare"]["estimated"] is False


@pytest.mark.parametrize(
    ("plan", "sid", "name"),
    [
        ({"id": "merge-cri"}, None, "merge-cri"),  # was 'plan': the plan's own id was ignored
        ({"id": "merge-cri"}, "hb2", "hb2"),  # the scenario's id first (06501d1)
        ({}, None, "plan"),  # nothing to go by
    ],
    ids=["plan-id", "scenario-id", "neither"],
)
def test_an_unnamed_plan_is_named_by_its_own_id_before_plan(
    client: TestClient, plan: dict, sid: str | None, name: str
) -> None:
    body = {"base": "test-county", "plan": {**plan, "ops": MERGE["ops"]}}
    if sid is not None:
        body["id"] = sid
    r = client.post("/api/v1/scenarios", json=body, headers=P)
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["name"] == name, d
    if sid is None:  # the scenario's id is made from the plan's name
        assert d["id"].startswith(f"test-county.{name}."), d["id"]
    # replayed with the name it had, the stored plan is the stored scenario: exact compare
    n = client.get(f"/api/v1/scenarios/{d['id']}/numbers", headers=V).json()
    assert n["compare"]["estimated"] is False

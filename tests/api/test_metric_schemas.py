"""Metric payloads have typed schemas in OpenAPI (issue 15, point 8), and real answers of the
seeded store validate against them (jsonschema_rs, JSON Schema 2020-12 as OpenAPI 3.1 uses)."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import VIEWER, auth


@pytest.fixture(scope="module")
def doc(seeded: TestClient) -> dict[str, Any]:
    r = seeded.get("/openapi.json")
    assert r.status_code == 200
    return dict(r.json())


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow ``$ref`` (and a one-member ``anyOf``/``allOf`` around it) to the schema."""
    while True:
        if "$ref" in schema:
            name = schema["$ref"].rsplit("/", 1)[1]
            schema = doc["components"]["schemas"][name]
            continue
        for key in ("anyOf", "allOf"):
            refs = [s for s in schema.get(key, []) if s.get("type") != "null"]
            if len(refs) == 1:
                schema = refs[0]
                break
        else:
            return schema


def response_schema(doc: dict[str, Any], path: str, method: str = "get") -> dict[str, Any]:
    op = doc["paths"][path][method]
    return dict(op["responses"]["200"]["content"]["application/json"]["schema"])


def types(doc: dict[str, Any], schema: dict[str, Any]) -> set[str]:
    s = resolve(doc, schema)
    if "type" in s:
        return {s["type"]}
    return {t["type"] for t in s.get("anyOf", []) if "type" in t}


def test_metrics_routes_have_typed_properties(doc: dict[str, Any]) -> None:
    out = resolve(doc, response_schema(doc, "/api/v1/orgs/{org_id}/metrics"))
    report = resolve(doc, out["properties"]["report"])
    assert report.get("type") == "object" and set(report["properties"]) >= {
        "org",
        "span",
        "layers",
        "workforce",
        "mirror",
        "shares",
        "policy",
        "norms",
    }
    workforce = resolve(doc, report["properties"]["workforce"])["properties"]
    assert types(doc, workforce["police"]) == {"integer"}  # head counts are whole
    assert types(doc, workforce["hidden_loss"]) == {"integer", "number"}  # expected value
    assert types(doc, workforce["deployable"]) == {"integer", "number"}
    assert "number" in types(doc, workforce["hidden_loss_share"])
    assert types(doc, workforce["hollow_units"]) == {"integer"}
    hollow = resolve(doc, workforce["hollow"])
    assert hollow["type"] == "array"
    assert types(doc, resolve(doc, hollow["items"])["properties"]["shortfall"]) >= {"number"}
    span = resolve(doc, report["properties"]["span"])["properties"]
    assert types(doc, span["managing_units"]) == {"integer"}
    assert "number" in types(doc, span["mean_span"])
    band = resolve(doc, resolve(doc, span["bands"])["items"])["properties"]
    assert types(doc, band["band"]) == {"string"} and types(doc, band["share"]) == {"number"}
    policy = resolve(doc, report["properties"]["policy"])["properties"]
    assert types(doc, policy["failed"]) == {"integer"}
    # one part and the POST with other norms answer the same typed model
    for path, method in [
        ("/api/v1/orgs/{org_id}/metrics/{part}", "get"),
        ("/api/v1/orgs/{org_id}/metrics", "post"),
        ("/api/v1/scenarios/{scenario_id}/metrics", "get"),
    ]:
        assert response_schema(doc, path, method) != {"type": "object"}, path
    scen = resolve(doc, response_schema(doc, "/api/v1/scenarios/{scenario_id}/metrics"))
    assert resolve(doc, scen["properties"]["after"]) == report


def test_chart_routes_have_typed_payloads(doc: dict[str, Any]) -> None:
    numbers = resolve(doc, response_schema(doc, "/api/v1/orgs/{org_id}/numbers"))
    row = resolve(doc, resolve(doc, numbers["properties"]["headline"])["items"])["properties"]
    assert types(doc, row["label"]) == {"string"} and types(doc, row["expected"]) == {"boolean"}
    fig = resolve(doc, response_schema(doc, "/api/v1/orgs/{org_id}/charts/{kind}"))
    assert fig["properties"]["data"]["type"] == "array" and "layout" in fig["properties"]
    org_chart = resolve(doc, response_schema(doc, "/api/v1/orgs/{org_id}/orgchart"))
    assert types(doc, org_chart["properties"]["units"]) == {"integer"}


# (path in the OpenAPI document, URL asked, what the answer must contain)
ANSWERS = [
    ("/api/v1/orgs/{org_id}/metrics", "/api/v1/orgs/mirror-county/metrics", "workforce"),
    ("/api/v1/orgs/{org_id}/metrics/{part}", "/api/v1/orgs/mirror-county/metrics/span", "span"),
    (
        "/api/v1/orgs/{org_id}/metrics/{part}",
        "/api/v1/orgs/mirror-city/metrics/workforce",
        "workforce",
    ),
    ("/api/v1/scenarios/{scenario_id}/metrics", "/api/v1/scenarios/dabumen-county/metrics", ""),
    ("/api/v1/compare", "/api/v1/compare?a=mirror-county&b=scenario:dabumen-county", ""),
    ("/api/v1/compare", "/api/v1/compare?a=mirror-county&b=mirror-city", ""),
    ("/api/v1/scenarios/{scenario_id}/diff", "/api/v1/scenarios/dabumen-county/diff", ""),
    ("/api/v1/orgs/{org_id}/numbers", "/api/v1/orgs/mirror-county/numbers", ""),
    ("/api/v1/scenarios/{scenario_id}/numbers", "/api/v1/scenarios/dabumen-county/numbers", ""),
    (
        "/api/v1/numbers/compare",
        "/api/v1/numbers/compare?a=org:mirror-county&b=scenario:dabumen-county",
        "",
    ),
    ("/api/v1/charts", "/api/v1/charts", ""),
    ("/api/v1/orgs/{org_id}/charts/{kind}", "/api/v1/orgs/mirror-county/charts/hierarchy", ""),
]


@pytest.mark.parametrize(("path", "url", "section"), ANSWERS, ids=[a[1] for a in ANSWERS])
def test_real_answers_validate(
    seeded: TestClient, doc: dict[str, Any], path: str, url: str, section: str
) -> None:
    r = seeded.get(url, headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    body = r.json()
    schema = {**response_schema(doc, path), "components": doc["components"]}
    validator = jsonschema_rs.Draft202012Validator(schema)
    errors = [str(e) for e in validator.iter_errors(body)]
    assert errors == []
    if section:
        report = body["report"]
        assert section in report
        # one part's answer leaves the other sections out rather than sending nulls
        assert None not in report.values()
    if url.endswith("/metrics/span"):
        assert set(body["report"]) == {"org", "span", "norms"}
        # the seed county: 16 managing units over 73 REPORTS_TO edges, 73 / 16 = 4.5625
        assert body["report"]["span"]["managing_units"] == 16
        assert body["report"]["span"]["mean_span"] == pytest.approx(73 / 16)
    # a typed answer still is not a different one: a wrong type is refused by the schema
    if url == "/api/v1/orgs/mirror-county/metrics":
        bad = {**body, "report": {**body["report"], "workforce": {"police": "497"}}}
        assert not validator.is_valid(bad)


def test_diff_and_deltas_have_typed_schemas(doc: dict[str, Any]) -> None:
    # the scenario diff, the compare diff and both routes' deltas: typed, not a bare object
    diff = resolve(
        doc,
        resolve(doc, response_schema(doc, "/api/v1/scenarios/{scenario_id}/diff"))["properties"][
            "diff"
        ],
    )
    compare = resolve(doc, response_schema(doc, "/api/v1/compare"))["properties"]
    assert resolve(doc, compare["diff"]) == diff
    scen = resolve(doc, response_schema(doc, "/api/v1/scenarios/{scenario_id}/metrics"))
    deltas = resolve(doc, scen["properties"]["deltas"])
    assert resolve(doc, compare["deltas"]) == deltas
    props = diff["properties"]
    assert set(props) == {"a", "b", "units", "counts", "officers", "metrics", "freed"}
    counts = resolve(doc, props["counts"])["properties"]
    assert set(counts) == {"added", "removed", "merged", "split", "renamed", "moved", "changed"}
    assert all(types(doc, c) == {"integer"} for c in counts.values())
    officers = resolve(doc, props["officers"])["properties"]
    assert resolve(doc, officers["method"])["enum"] == ["exact", "estimated"]
    assert types(doc, resolve(doc, officers["stayed"])["properties"]["police"]) == {"integer"}
    flow = resolve(doc, resolve(doc, officers["flows"])["items"])["properties"]
    assert set(flow) >= {"from", "from_name", "to", "to_name", "police", "auxiliaries"}
    assert {t["type"] for t in flow["from"]["anyOf"]} == {"string", "null"}  # null: hired
    merged = resolve(
        doc, resolve(doc, resolve(doc, props["units"])["properties"]["merged"])["items"]
    )
    assert set(merged["properties"]) == {"into", "name", "from"}
    # the headline numbers, before/after/delta: one field per headline key, typed
    from orgmodel.metrics import HEADLINE_KEYS

    before = resolve(doc, deltas["properties"]["before"])["properties"]
    delta = resolve(doc, deltas["properties"]["delta"])["properties"]
    assert list(before) == list(HEADLINE_KEYS) == list(delta)
    assert types(doc, before["police"]) == {"integer"}  # head counts are whole
    assert types(doc, before["hidden_loss"]) == {"integer", "number", "null"}
    assert "民警" in before["police"]["description"]
    assert resolve(doc, props["metrics"]) == deltas


def test_diff_answer_balances_and_a_wrong_type_is_refused(
    seeded: TestClient, doc: dict[str, Any]
) -> None:
    r = seeded.get("/api/v1/scenarios/dabumen-county/diff", headers=auth(VIEWER))
    assert r.status_code == 200, r.text
    d = r.json()["diff"]
    off = d["officers"]
    # the 大部门 plan only regroups the county's 497 officers: exact flows, none hired or
    # retired, so before = stayed + moved = after = 497
    assert off["method"] == "exact" and off["police_a"] == off["police_b"] == 497
    assert off["stayed"]["police"] + off["moved"]["police"] == 497
    assert off["hired"]["police"] == off["retired"]["police"] == 0
    assert d["counts"]["merged"] == 7  # as docs/scripting.md counts them
    assert d["metrics"]["before"]["departments"] == 22 and d["metrics"]["after"]["departments"] == 8
    assert d["metrics"]["delta"]["departments"] == 8 - 22
    path = "/api/v1/scenarios/{scenario_id}/diff"
    validator = jsonschema_rs.Draft202012Validator(
        {**response_schema(doc, path), "components": doc["components"]}
    )
    body = r.json()
    assert validator.is_valid(body)
    bad = {**body, "diff": {**d, "counts": {**d["counts"], "merged": "7"}}}
    assert not validator.is_valid(bad)
    bad = {**body, "diff": {**d, "officers": {**off, "method": "guessed"}}}
    assert not validator.is_valid(bad)


def test_a_cached_diff_is_validated_once() -> None:
    from api.report_models import OrgDiff, _TypedDiffs
    from orgmodel.model import OrgGraph, Unit
    from orgmodel.restructure import diff_orgs

    a = OrgGraph([Unit("b", "县局", "county"), Unit("s", "派出所", "station", "b", police=9)])
    b = a.with_units(
        [Unit("b", "县局", "county"), Unit("s", "城关派出所", "station", "b", police=9)]
    )
    memo = _TypedDiffs(size=2)
    d = diff_orgs(a, b)
    assert memo.get(d) is None
    m = memo.validate(d)
    assert isinstance(m, OrgDiff) and memo.get(d) is m and memo.validate(d) is m
    assert m.counts.changed == 1 and m.officers.method == "estimated"  # type: ignore[attr-defined]
    # an equal diff that is another object is validated on its own; at most `size` are kept
    others = [diff_orgs(a, b) for _ in range(2)]
    for o in others:
        assert memo.validate(o) is not m
    assert memo.get(d) is None and all(memo.get(o) is not None for o in others)

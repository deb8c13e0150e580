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

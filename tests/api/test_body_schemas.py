"""Plans, norms and policy bodies, and Plotly figures, have typed schemas in /openapi.json
(issue 15, point 8): a client generated from it sees their fields, not a bare object.

Every route taking a JSON body names its schema, and the plan, norms and policy in them are
the library's own models of those files (``PlanFile``, ``NormsFile``, ``PolicyFile``; their
agreement with the readers: tests/test_norms_files.py, tests/restructure). The bodies are
still checked by the library's readers (their errors name the operation, kind or rule), so
answers are unchanged: the 422s below are the ones the API gave before the bodies were typed,
word for word, whatever language the serving process runs in.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema_rs
import pytest
import yaml
from fastapi.testclient import TestClient

from orgmodel.i18n import language
from orgmodel.labels import POLICY_METRIC_IDS
from orgmodel.model import KINDS
from orgmodel.norms import COMPARATORS, POLICY_SCOPES
from orgmodel.restructure.plan import OP_NAMES, OPERATION_MODELS, PlanFile
from orgmodel.seeds import seed_path
from tests.api._helpers import ADMIN, SMALL_ORG, auth, make_client

NORMS: dict[str, Any] = yaml.safe_load(seed_path("norms.yaml").read_text(encoding="utf-8"))
POLICY: dict[str, Any] = yaml.safe_load(seed_path("policy.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    # an app on a store of its own (the default one, ./data, is shared by every process)
    with make_client(tmp_path_factory.mktemp("spec")) as c:
        return c.app.openapi()  # type: ignore[attr-defined,no-any-return]


def _deref(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return spec["components"]["schemas"][ref.rsplit("/", 1)[1]] if ref else schema


def _branches(spec: dict[str, Any], schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The non-null branches of a property's schema, dereferenced."""
    alts = schema.get("anyOf") or schema.get("oneOf") or [schema]
    return [_deref(spec, a) for a in alts if a.get("type") != "null"]


def test_a_stored_plan_is_typed_as_the_plan_file(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    # a stored plan is answered as it was sent; one that no longer parses as its text
    [plan, text] = _branches(spec, schemas["ScenarioDetail"]["properties"]["plan"])
    assert plan["title"] == PlanFile.model_config["title"] and "ops" in plan["required"]
    assert text["title"] == "StoredPlanText" and text["required"] == ["text", "unreadable"]
    ops = plan["properties"]["ops"]["items"]["oneOf"]
    assert {_deref(spec, o)["properties"]["op"]["const"] for o in ops} >= {"merge", "sink"}


def test_plotly_figures_document_their_top_level_keys(spec: dict[str, Any]) -> None:
    fig = spec["components"]["schemas"]["PlotlyFigure"]
    assert set(fig["required"]) == {"data", "layout"}
    trace = _deref(spec, fig["properties"]["data"]["items"])
    assert trace["required"] == ["type"] and trace["properties"]["type"]["type"] == "string"
    layout = _deref(spec, fig["properties"]["layout"])
    [title] = _branches(spec, layout["properties"]["title"])
    assert "text" in title["properties"]
    path = spec["paths"]["/api/v1/orgs/{org_id}/charts/{kind}"]["get"]
    body = path["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/PlotlyFigure"}


def test_bodies_have_no_bare_objects_but_free_ones(spec: dict[str, Any]) -> None:
    """Every object schema says its properties, except those free by nature: a Cypher
    query's parameters and rows, a plan's `set` attributes, Plotly's own parts."""
    free = {
        "QueryIn.params",
        "QueryOut.rows",
        "SetAttrs.attrs",
        "PlotlyFigure.config",
        "MetricsOut.report",  # typed per part by MetricReport's parts, see test_metric_schemas
    }
    bare = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            if (
                node.get("type") == "object"
                and not node.get("properties")
                and node.get("additionalProperties") in (None, True)
            ):
                bare.append(where)
            for k, v in node.items():
                walk(v, where if k in ("items", "anyOf", "oneOf", "allOf") or
                     k.isdigit() else f"{where}.{k}" if where else k)  # fmt: skip
        elif isinstance(node, list):
            for v in node:
                walk(v, where)

    for name, schema in spec["components"]["schemas"].items():
        for prop, sub in schema.get("properties", {}).items():
            walk(sub, f"{name}.{prop}")
    assert {b.split(".")[0] + "." + b.split(".")[1] for b in bare} <= free, bare


def test_norms_too_large_for_the_columns_are_a_422_naming_the_field(client: TestClient) -> None:
    """leaders: 10^20 was a 500 (OverflowError filling the 64-bit columns)."""
    url = f"/api/v1/orgs/{SMALL_ORG['id']}/metrics"
    big = copy.deepcopy(NORMS)
    big["kinds"]["county"]["leaders"] = 10**20
    r = client.post(url, json={"norms": big}, headers=auth(ADMIN))
    assert r.status_code == 422, r.text
    assert "kinds.county: leaders must be at most 100000" in r.text
    # the reader, not pydantic, still answers a body's mistakes: its message, unchanged
    big["kinds"]["county"]["leaders"] = 4
    del big["kinds"]["station"]
    r = client.post(url, json={"norms": big}, headers=auth(ADMIN))
    assert r.status_code == 422 and "kinds.station: missing (every kind needs norms)" in r.text
    ok = client.post(url, json={"norms": NORMS}, headers=auth(ADMIN))
    assert ok.status_code == 200 and ok.json()["report"]["norms"]["kinds"]["county"]["leaders"] == 4


# -- every JSON body: a named schema, typed to the leaves ---------------------------------------

#: Object properties of request bodies free by nature: a Cypher query's parameters.
FREE_IN_BODIES = {"QueryIn.params"}


def _json_bodies(spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``METHOD path`` → the JSON schema of its request body, for every route taking one."""
    return {
        f"{method.upper()} {path}": op["requestBody"]["content"]["application/json"]["schema"]
        for path, ops in spec["paths"].items()
        for method, op in ops.items()
        if "requestBody" in op
    }


def test_every_json_body_names_a_typed_schema(spec: dict[str, Any]) -> None:
    bodies = _json_bodies(spec)
    assert set(bodies) >= {
        "POST /api/v1/orgs",
        "PUT /api/v1/orgs/{org_id}",
        "POST /api/v1/orgs/{org_id}/metrics",
        "POST /api/v1/orgs/{org_id}/metrics/{part}",
        "POST /api/v1/scenarios",
        "POST /api/v1/query",
    }, sorted(bodies)
    schemas = spec["components"]["schemas"]
    for route, body in bodies.items():
        assert set(body) == {"$ref"}, (route, body)  # a named schema, not an inline object
        name = body["$ref"].rsplit("/", 1)[1]
        model = schemas[name]
        assert model["type"] == "object" and model["properties"], route
        assert model.get("additionalProperties") is False, route  # unknown fields: a 422
        for prop, sub in model["properties"].items():
            for branch in sub.get("anyOf") or sub.get("oneOf") or [sub]:
                if f"{name}.{prop}" in FREE_IN_BODIES or branch.get("type") != "object":
                    continue
                # an object inside a body is a named schema too (plan, norms, policy, ...)
                raise AssertionError(f"{route}: {name}.{prop} is an inline object: {branch}")


def _ref_of(spec: dict[str, Any], model: str, prop: str) -> dict[str, Any]:
    """The one named schema a body's property holds (besides null)."""
    [branch] = [
        b
        for b in spec["components"]["schemas"][model]["properties"][prop]["anyOf"]
        if b.get("type") != "null"
    ]
    assert set(branch) == {"$ref"}, branch
    return _deref(spec, branch)


def test_a_scenarios_plan_is_the_plan_file_its_ops_discriminated_by_name(
    spec: dict[str, Any],
) -> None:
    plan = _ref_of(spec, "ScenarioCreate", "plan")
    assert plan["title"] == PlanFile.model_config["title"] and plan["required"] == ["ops"]
    items = plan["properties"]["ops"]["items"]
    assert items["discriminator"]["propertyName"] == "op"
    mapping = items["discriminator"]["mapping"]
    assert set(mapping) == set(OPERATION_MODELS) == set(OP_NAMES)  # every operation, no other
    for name, ref in mapping.items():
        op = _deref(spec, {"$ref": ref})
        assert op["properties"]["op"]["const"] == name and "op" in op["required"]
        assert op["additionalProperties"] is False, name
    # a unit reference is typed down to the selector's fields
    move = _deref(spec, {"$ref": mapping["move"]})
    refs = [b.get("$ref", "") for b in move["properties"]["to"]["anyOf"]]
    selector = _deref(spec, {"$ref": next(r for r in refs if r.endswith("/Selector"))})
    assert {"kind", "function", "within", "exclude"} <= set(selector["properties"])


def test_metrics_norms_and_policy_are_the_files_models(spec: dict[str, Any]) -> None:
    norms = _ref_of(spec, "MetricsRequest", "norms")
    assert norms["required"] == ["kinds"]
    kinds = _deref(spec, norms["properties"]["kinds"])
    assert set(kinds["properties"]) == set(KINDS) and kinds["additionalProperties"] is False
    station = _deref(spec, kinds["properties"]["station"])
    assert {"leaders", "admin", "duty_posts", "efficient_size"} <= set(station["required"])
    policy = _ref_of(spec, "MetricsRequest", "policy")
    rule = _deref(spec, policy["properties"]["rules"]["items"])
    assert rule["properties"]["metric"]["enum"] == list(POLICY_METRIC_IDS)
    assert rule["properties"]["scope"]["enum"] == list(POLICY_SCOPES)
    assert rule["properties"]["comparator"]["enum"] == list(COMPARATORS)


def test_docs_and_redoc_draw_the_served_document_with_the_typed_bodies(
    client: TestClient, spec: dict[str, Any]
) -> None:
    # /docs and /redoc draw /openapi.json: the document served is the one tested above
    for page in ("/docs", "/redoc"):
        r = client.get(page)
        assert r.status_code == 200 and "/openapi.json" in r.text, page
    served = client.get("/openapi.json").json()
    assert _json_bodies(served) == _json_bodies(spec)
    for name in ("ScenarioCreate", "MetricsRequest", "PlanFile", "NormsFile", "PolicyFile"):
        assert served["components"]["schemas"][name]["properties"], name


# -- examples: valid ones pass, invalid ones get the 422s they always got ----------------------


def _validator(spec: dict[str, Any], name: str) -> Any:
    """A JSON Schema validator of the document's component ``name`` (OpenAPI 3.1: 2020-12)."""
    doc = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema_rs.Draft202012Validator(doc)


METRICS = f"/api/v1/orgs/{SMALL_ORG['id']}/metrics"
MOVE = {"name": "调整", "ops": [{"op": "move", "unit": "p1", "to": "b"}]}
VALID = [
    (METRICS, {"norms": NORMS, "policy": POLICY}, 200),
    (METRICS + "/policy", {"policy": {"rules": POLICY["rules"][:1]}}, 200),
    ("/api/v1/scenarios", {"base": SMALL_ORG["id"], "id": "move-1", "plan": MOVE}, 201),
]


@pytest.mark.parametrize(("url", "body", "status"), VALID, ids=["metrics", "policy", "plan"])
def test_valid_examples_of_the_schema_pass(
    client: TestClient, spec: dict[str, Any], url: str, body: dict[str, Any], status: int
) -> None:
    name = "ScenarioCreate" if "scenarios" in url else "MetricsRequest"
    assert _validator(spec, name).is_valid(body)
    r = client.post(url, json=body, headers=auth(ADMIN))
    assert r.status_code == status, r.text


def _without_station() -> dict[str, Any]:
    bad = copy.deepcopy(NORMS)
    del bad["kinds"]["station"]
    return bad


def _comparator(value: str) -> dict[str, Any]:
    bad = copy.deepcopy(POLICY)
    bad["rules"][0]["comparator"] = value
    return bad


#: Invalid bodies and the answer the API gave before the bodies were typed (main at 4b9eab1):
#: (url, body, detail, the errors' (field, message) pairs when it gave any).
INVALID: dict[str, tuple[str, dict[str, Any], str, list[tuple[str, str]]]] = {
    "norms as YAML text": (
        METRICS,
        {"norms": "kinds: {}"},
        "body norms: Input should be a valid dictionary",
        [("norms", "Input should be a valid dictionary")],
    ),
    "a kind missing": (
        METRICS,
        {"norms": _without_station()},
        "request body: norms: kinds.station: missing (every kind needs norms)",
        [],
    ),
    "norms without kinds": (
        METRICS,
        {"norms": {}},
        "request body: norms: expected a mapping with 'kinds'",
        [],
    ),
    "an unknown comparator": (
        METRICS,
        {"policy": _comparator("=>")},
        "request body: policy: rule 'station-share-40': unknown comparator '=>'",
        [],
    ),
    "a rule missing fields": (
        METRICS,
        {"policy": {"rules": [{"id": "a"}]}},
        "request body: policy: rules[0]: missing description, metric, scope, comparator, threshold",
        [],
    ),
    "plan as YAML text in plan": (
        "/api/v1/scenarios",
        {"base": SMALL_ORG["id"], "plan": "name: x\nops: []\n"},
        "plan: Input should be a valid dictionary",
        [("plan", "Input should be a valid dictionary")],
    ),
    "an unknown operation": (
        "/api/v1/scenarios",
        {"base": SMALL_ORG["id"], "plan": {"name": "x", "ops": [{"op": "explode"}]}},
        "request body: plan: ops[0] (explode): unknown operation 'explode' (known: "
        + ", ".join(OPERATION_MODELS)
        + ")",
        [],
    ),
    "a share above 1": (
        "/api/v1/scenarios",
        {"base": SMALL_ORG["id"], "plan": {"name": "x", "ops": [{"op": "sink", "share": 2}]}},
        "request body: plan: ops[0] (sink): share: must be at most 1.0, got 2",
        [],
    ),
    "an unknown field of an operation": (
        "/api/v1/scenarios",
        {"base": SMALL_ORG["id"], "plan": {**MOVE, "ops": [{**MOVE["ops"][0], "color": 1}]}},
        "request body: plan: ops[0] (move): unknown field(s) color (allowed: note, select, to, "
        "unit, units)",
        [],
    ),
}


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("case", list(INVALID))
def test_invalid_examples_get_the_422_they_always_got(
    client: TestClient, spec: dict[str, Any], case: str, lang: str
) -> None:
    url, body, detail, errors = INVALID[case]
    name = "ScenarioCreate" if "scenarios" in url else "MetricsRequest"
    assert not _validator(spec, name).is_valid(body)  # the document says so too
    with language(lang):  # `orgmodel serve` runs in the CLI's language: the API's is English
        r = client.post(url, json=body, headers=auth(ADMIN))
    assert r.status_code == 422, r.text
    p = r.json()
    assert p["detail"] == detail, p
    if errors:
        assert [(e["field"], e["message"]) for e in p["errors"]] == errors, p


@pytest.mark.parametrize("literal", ["1e999", "-1e999", "Infinity", "NaN"])
def test_a_policy_threshold_that_is_not_finite_is_refused_as_the_schema_says(
    client: TestClient, spec: dict[str, Any], literal: str
) -> None:
    # The schema said "number" alone, so 1e999 (inf once read) looked acceptable to a
    # client checking its body against it; the reader refuses it. Both say "finite" now.
    threshold = _deref(spec, spec["components"]["schemas"]["PolicyRuleFile"])["properties"][
        "threshold"
    ]
    biggest = 1.7976931348623157e308  # sys.float_info.max
    assert (threshold["minimum"], threshold["maximum"]) == (-biggest, biggest)
    assert threshold["description"].startswith("A finite number (not inf or NaN)")
    body = copy.deepcopy({"policy": POLICY})
    body["policy"]["rules"][0]["threshold"] = 0.123456789
    raw = json.dumps(body).replace("0.123456789", literal)
    if literal in ("1e999", "-1e999"):  # strict JSON: a validator reads it as ±inf
        assert not _validator(spec, "MetricsRequest").is_valid(json.loads(raw))
    r = client.post(
        METRICS, content=raw.encode(), headers={**auth(ADMIN), "Content-Type": "application/json"}
    )
    assert r.status_code == 422, r.text
    rule = POLICY["rules"][0]["id"]
    assert r.json()["detail"].startswith(
        f"request body: policy: rule {rule!r}: threshold must be a finite number, got "
    ), r.text

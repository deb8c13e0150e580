"""Plans, norms and policy bodies, and Plotly figures, have typed schemas in /openapi.json
(issue 15, point 8): a client generated from it sees their fields, not a bare object.

The bodies are still checked by the library's readers (their errors name the operation, kind
or rule), so answers are unchanged; the documented models must agree with the readers: the
shipped files pass both, and the mistakes the readers refuse the models refuse too.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from pydantic import ValidationError

from api.body_models import NormsIn, PolicyIn
from orgmodel.errors import InputError
from orgmodel.norms import MAX_NORM, norms_from_dict, policy_from_dict
from orgmodel.restructure.plan import PlanFile
from orgmodel.seeds import seed_path
from tests.api._helpers import ADMIN, SMALL_ORG, auth

NORMS: dict[str, Any] = yaml.safe_load(seed_path("norms.yaml").read_text(encoding="utf-8"))
POLICY: dict[str, Any] = yaml.safe_load(seed_path("policy.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    from api.app import create_app

    return create_app().openapi()


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


def test_the_norms_and_policy_models_show_the_readers_rules() -> None:
    norms = NormsIn.model_json_schema()
    kinds = norms["$defs"]["KindsNormsIn"]
    assert norms["required"] == ["kinds"] and kinds["additionalProperties"] is False
    assert "station" in kinds["required"] and "group" not in kinds["required"]
    assert norms["$defs"]["KindNormsIn"]["properties"]["leaders"] == {
        "description": "Leader posts (领导职数).",
        "maximum": MAX_NORM,
        "minimum": 0,
        "title": "Leaders",
        "type": "integer",
    }
    assert norms["properties"]["absence_rate"]["exclusiveMaximum"] == 1
    rule = PolicyIn.model_json_schema()["$defs"]["PolicyRuleIn"]
    assert set(rule["required"]) == {"id", "description", "metric", "scope", "comparator",
                                     "threshold"}  # fmt: skip
    assert ">=" in rule["properties"]["comparator"]["enum"]
    assert "station_share" in rule["properties"]["metric"]["enum"]


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
        # request bodies read by the library's readers (their typed models: api.body_models,
        # not in the document: property tests generating valid plans and norms ran 2x longer)
        "ScenarioCreate.plan",
        "MetricsRequest.norms",
        "MetricsRequest.policy",
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


def test_the_shipped_files_fit_the_documented_models() -> None:
    NormsIn.model_validate(NORMS)
    PolicyIn.model_validate(POLICY)
    for plan in sorted(seed_path("plans").glob("*.yaml")):
        PlanFile.model_validate(yaml.safe_load(plan.read_text(encoding="utf-8")))


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *head, last = path.split(".")
        for k in head:
            d = d[k]
        if value is KeyError:
            del d[last]
        else:
            d[last] = value

    return change


NORMS_MISTAKES = {
    "a kind missing": _set("kinds.station", KeyError),
    "an unknown kind": _set("kinds.bureau", NORMS["kinds"]["county"]),
    "negative leaders": _set("kinds.county.leaders", -1),
    "leaders past the bound": _set("kinds.county.leaders", MAX_NORM + 1),
    "efficient size 0": _set("kinds.station.efficient_size", 0),
    "posts per officer past the bound": _set("officers_per_post", 10**20),
    "absence of everyone": _set("absence_rate", 1.0),
    "no kinds": _set("kinds", KeyError),
}


@pytest.mark.parametrize("mistake", list(NORMS_MISTAKES))
def test_norms_mistakes_are_refused_by_the_reader_and_the_model(mistake: str) -> None:
    bad = copy.deepcopy(NORMS)
    NORMS_MISTAKES[mistake](bad)
    with pytest.raises(InputError):
        norms_from_dict(bad, "body")
    with pytest.raises(ValidationError):
        NormsIn.model_validate(bad)


@pytest.mark.parametrize(
    ("field", "value"),
    [("comparator", "=>"), ("metric", "happiness"), ("scope", "planet"), ("threshold", "x")],
)
def test_policy_mistakes_are_refused_by_the_reader_and_the_model(field: str, value: Any) -> None:
    bad = copy.deepcopy(POLICY)
    bad["rules"][0][field] = value
    with pytest.raises(InputError):
        policy_from_dict(bad, "body")
    with pytest.raises(ValidationError):
        PolicyIn.model_validate(bad)


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

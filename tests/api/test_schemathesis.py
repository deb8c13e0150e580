"""Property-based tests against the app's own OpenAPI: no 5xx, no response breaking the
schema (status, content type, body), on every operation, with bounded examples.

The store is seeded first (the seed organisations and the scenarios of the seed plans), and
the generated requests of the read routes use their real ids half of the time
(``flatmap_path_parameters``, ``flatmap_query``): random ids alone only ever reach the 404
of a scenario route. :func:`test_every_scenario_read_route_answers_a_real_scenario` then
calls each scenario GET route with a real id and checks the answer against the schema.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from api.app import create_app
from api.service import OrgService
from api.settings import Settings
from tests.api._helpers import ADMIN, TOKENS, auth

_store = Path(tempfile.mkdtemp(prefix="orgmodel-schemathesis-")) / "store.lbdb"
_settings = Settings(store=str(_store), tokens=TOKENS)
# The service is opened here, not by the app: schemathesis enters the app's lifespan once per
# call, and an app closes only the store it opened itself.
_service = OrgService.open(_settings)
_service.seed_if_empty()
app = create_app(_settings, service=_service)
# Built once here: schemathesis then only fetches it (its loader gives up after 10 s, which
# building the document on a loaded machine can take).
SPEC = app.openapi()
#: Bounds, so that the file stays well under a minute of CPU on 2 cores (before the bodies
#: were typed: 52 s CPU; typed with no bounds: unfinished after 15 min). Routes taking a body (POST, PUT) get
#: the fuzzing phase only: the coverage phase (boundary and negative variants of every schema
#: keyword) is not bounded by ``max_examples`` and enumerates the typed bodies whole: 32 147
#: variants of a scenario's plan (22 operations, nested unit references), 1 168 of a metrics
#: request's norms and policy, 317 of an organisation. Fuzzing still sends them positive and
#: negative, ``max_examples`` each, through every check. Every other route keeps all phases.
CONFIG = SchemathesisConfig.from_dict(
    {
        "operations": [
            {"include-method-regex": "^(POST|PUT)$", "phases": {"coverage": {"enabled": False}}}
        ]
    }
)
#: Generated examples per operation (fuzzing phase).
MAX_EXAMPLES = 10
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=CONFIG)
#: How long a request may take: a chart drawn as PNG (chromium) outlasts schemathesis's own
#: 10 s while the whole suite runs on 2 cores. Bounded all the same.
READ_LIMIT_S = 60
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

#: The seeded store's real ids: 3 organisations, a scenario per seed plan.
ORG_IDS = sorted(o.org_id for o in _service.store.list_orgs())
SCENARIO_IDS = sorted(r.scenario_id for r in _service.store.list_scenarios())
REAL: dict[str, list[str]] = {"org_id": ORG_IDS, "scenario_id": SCENARIO_IDS}
REFS = [f"org:{o}" for o in ORG_IDS] + [f"scenario:{s}" for s in SCENARIO_IDS]


def _reads(ctx: Any) -> bool:
    # Real ids for reads only: a generated DELETE or PUT must not remove what the reads need.
    # Not for charts: a real organisation drawn as SVG/PNG (chromium) may take longer than
    # schemathesis waits on a loaded machine; the real-id test below draws them as JSON.
    op = getattr(ctx, "operation", None)
    return op is not None and str(op.method).upper() == "GET" and "/charts/" not in str(op.path)


@schema.hook
def flatmap_path_parameters(ctx: Any, path_parameters: dict[str, Any]) -> Any:
    real = {k: st.sampled_from(REAL[k]) for k in path_parameters or {} if k in REAL}
    if not real or not _reads(ctx):
        return st.just(path_parameters)
    with_real = st.fixed_dictionaries(real).map(lambda d: {**path_parameters, **d})
    return st.one_of(with_real, st.just(path_parameters))


@schema.hook
def flatmap_query(ctx: Any, query: dict[str, Any]) -> Any:
    refs = {k: st.sampled_from(REFS) for k in ("a", "b") if k in (query or {})}
    if not refs or not _reads(ctx):
        return st.just(query)
    with_real = st.fixed_dictionaries(refs).map(lambda d: {**query, **d})
    return st.one_of(with_real, st.just(query))


@schema.parametrize()
# No per-example deadline: a timing assert fails at random on a shared, loaded machine; a
# request that hangs is cut by its timeout (READ_LIMIT_S), and the counts bound the rest.
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=auth(ADMIN), checks=CHECKS, timeout=READ_LIMIT_S)


SCENARIO_READS = sorted(
    path for path, ops in SPEC["paths"].items() if "{scenario_id}" in path and "get" in ops
)


def _value(param: dict[str, Any]) -> Any:
    """A valid value of a path or required query parameter other than the scenario's id."""
    if param["name"] == "q":
        return "派出所"
    enum = param["schema"].get("enum")
    assert enum, f"no value for {param['name']}"
    return enum[0]


@pytest.mark.parametrize("path", SCENARIO_READS)
def test_every_scenario_read_route_answers_a_real_scenario(path: str) -> None:
    assert len(SCENARIO_IDS) >= 5, SCENARIO_IDS  # the seed plans' scenarios are there
    op = schema[path]["GET"]
    params = [p for p in SPEC["paths"][path]["get"].get("parameters", []) if p.get("required")]
    # every export format; elsewhere the defaults
    formats = ["yaml", "json", "graphml", "csv"] if path.endswith("/export") else [None]
    for sid in (SCENARIO_IDS[0], "dabumen-county"):
        for fmt in formats:
            path_params = {"scenario_id": sid}
            query: dict[str, Any] = {} if fmt is None else {"format": fmt}
            for p in params:
                if p["name"] != "scenario_id":
                    (path_params if p["in"] == "path" else query)[p["name"]] = _value(p)
            case = op.Case(path_parameters=path_params, query=query or None)
            response = case.call_and_validate(
                headers=auth(ADMIN), checks=CHECKS, timeout=READ_LIMIT_S
            )
            assert response.status_code == 200, (path, sid, fmt, response.text[:300])

"""Property-based tests against the app's own OpenAPI: no 5xx, no response breaking the
schema (status, content type, body), on every operation, with bounded examples."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

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
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api(case: schemathesis.Case) -> None:
    case.call_and_validate(headers=auth(ADMIN), checks=CHECKS)

"""Session-wide test settings: the header says which Bolt server the Neo4j tests use."""

from __future__ import annotations

import os

import pytest

from tests.bolt_server import SERVER_ENV


def pytest_report_header(config: pytest.Config) -> str:
    uri = os.environ.get("NEO4J_URI")
    if not uri:
        return "neo4j store tests: no Bolt server (NEO4J_URI unset): they are skipped"
    what = os.environ.get(SERVER_ENV) or "set by the caller"
    return f"neo4j store tests: {uri} ({what})"

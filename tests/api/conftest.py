"""Fixtures of the API tests: apps on tmp_path stores, with tokens of each role."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import ADMIN, SMALL_ORG, auth, make_client


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One seeded store with tokens, shared by the read-only tests (do not write to it)."""
    with make_client(tmp_path_factory.mktemp("seeded"), seed=True) as c:
        yield c


@pytest.fixture()
def client(tmp_path: Path) -> Iterator[TestClient]:
    """A fresh empty store with tokens, and the small org created in it."""
    with make_client(tmp_path) as c:
        r = c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN))
        assert r.status_code == 201, r.text
        yield c

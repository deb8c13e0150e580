"""Constants and helpers of the API tests: tokens of each role, a small org, clients."""

from __future__ import annotations

import copy
import warnings
from pathlib import Path
from typing import Any

warnings.filterwarnings("ignore", message=".*httpx.*")

from fastapi.testclient import TestClient  # noqa: E402

from api.app import create_app  # noqa: E402
from api.settings import Role, Settings, TokenRecord  # noqa: E402

VIEWER = "viewer-token-0123456789"
PLANNER = "planner-token-0123456789"
ADMIN = "admin-token-0123456789"
TOKENS = {
    VIEWER: TokenRecord(VIEWER, Role.viewer, "王观察"),
    PLANNER: TokenRecord(PLANNER, Role.planner, "李规划"),
    ADMIN: TokenRecord(ADMIN, Role.admin, "张管理"),
}
ROLE_TOKENS = {"viewer": VIEWER, "planner": PLANNER, "admin": ADMIN}
LOOPBACK = ("127.0.0.1", 50123)

#: A small county bureau: 5 + 12 + 8 + 20 + 3 = 48 police.
SMALL_ORG: dict[str, Any] = {
    "orgmodel": 1,
    "id": "test-county",
    "name": "测试县公安局",
    "units": [
        {"id": "b", "name": "测试县公安局", "kind": "county", "police": 5},
        {
            "id": "xj",
            "parent": "b",
            "name": "刑侦大队",
            "kind": "department",
            "function": "criminal",
            "police": 12,
        },
        {
            "id": "za",
            "parent": "b",
            "name": "治安大队",
            "kind": "department",
            "function": "public_order",
            "police": 8,
        },
        {"id": "s1", "parent": "b", "name": "城关派出所", "kind": "station", "police": 20},
        {
            "id": "p1",
            "parent": "s1",
            "name": "东街社区警务室",
            "kind": "community_post",
            "police": 3,
        },
    ],
}


def small_org(**changes: Any) -> dict[str, Any]:
    """A fresh copy of :data:`SMALL_ORG` with top-level fields changed."""
    d = copy.deepcopy(SMALL_ORG)
    d.update(changes)
    return d


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_client(
    tmp: Path, *, tokens: bool = True, seed: bool = False, **settings: Any
) -> TestClient:
    s = Settings(
        store=str(tmp / "store.lbdb"),
        tokens=TOKENS if tokens else {},
        seed=seed,
        **settings,
    )
    # A loopback Host: local mode refuses any other name (DNS rebinding).
    return TestClient(
        create_app(s),
        client=LOOPBACK,
        base_url="http://127.0.0.1",
        raise_server_exceptions=False,
    )

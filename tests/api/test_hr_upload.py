"""Uploads of each kind of HR export through ``POST /orgs`` (issue 11): the same numbers,
warnings and messages as the CLI, and nothing saved on a refusal."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.api._helpers import ADMIN, VIEWER, auth, make_client
from tests.hr_cases import CASES

A, V = auth(ADMIN), auth(VIEWER)


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with make_client(tmp_path_factory.mktemp("hr-upload")) as c:
        yield c


def _api(text: str) -> str:
    """A CLI message's switch as the HTTP API names it: the same reader, the door's words."""
    return text.replace("--totals", "?totals=true").replace("--sheet", "?sheet=")


@pytest.mark.parametrize("n,kind", list(enumerate(sorted(CASES))))
def test_upload_each_kind(api: TestClient, tmp_path: Path, n: int, kind: str) -> None:
    c = CASES[kind]
    src = c.write(tmp_path)
    params: dict[str, str] = {"id": f"hr-{n}"}
    if c.totals:
        params["totals"] = "true"
    if c.sheet:
        params["sheet"] = c.sheet
    r = api.post(
        "/api/v1/orgs",
        params=params,
        files={"file": (src.name, src.read_bytes(), "application/octet-stream")},
        headers=A,
    )
    if c.error:
        assert r.status_code in (400, 415, 422), r.text
        text = json.dumps(r.json(), ensure_ascii=False)
        for t in c.error:
            assert _api(t) in text
        assert "--sheet" not in text and "--totals" not in text  # no CLI switch over HTTP
        assert str(tmp_path) not in text  # the upload's name, never a server path
        assert api.get(f"/api/v1/orgs/hr-{n}", headers=V).status_code == 404
        return
    assert r.status_code == 201, r.text
    body = r.json()
    assert (body["units"], body["police"]) == (c.units, c.police)
    # Each warning as the CLI prints it: "where, unit 'x': message".
    warnings = " ".join(
        ", ".join(x for x in (w["where"], f"unit {w['unit']!r}" if w["unit"] else "") if x)
        + f": {w['message']}"
        for w in body["warnings"]
    )
    for t in c.warnings:
        assert _api(t) in warnings
    if not c.warnings:
        assert body["warnings"] == []  # e.g. own figures above their posts: no totals warning
    assert "--totals" not in warnings and "--sheet" not in warnings
    units = api.get(f"/api/v1/orgs/hr-{n}/units", params={"limit": 100}, headers=V).json()
    for t in c.absent:
        assert t not in json.dumps(units, ensure_ascii=False)


def test_yaml_upload_gets_the_cli_wording_and_line(api: TestClient) -> None:
    text = (
        "orgmodel: 1\nid: twenty\nname: 某县公安局\nunits:\n"
        "  - {id: b, name: 某县公安局, kind: county}\n"
        "  - {id: s, parent: b, name: 城关派出所, kind: station, police: twenty}\n"
    )
    r = api.post(
        "/api/v1/orgs", content=text.encode(), headers={**A, "Content-Type": "application/yaml"}
    )
    assert r.status_code == 422
    e = r.json()["errors"][0]
    assert e["message"] == "police must be a whole number, got 'twenty'"
    assert (e["unit"], e["where"], e["field"]) == ("s", "units[1] (line 6)", "units[1].police")

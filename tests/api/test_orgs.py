"""Organisations over HTTP: create in every accepted form, get, versions with ETag/If-Match,
units with filters and pages, one unit with its partners, export, delete."""

from __future__ import annotations

import csv
import io
import json

import yaml
from fastapi.testclient import TestClient
from openpyxl import Workbook

from orgmodel.io import read_org
from orgmodel.io.graphml import read_graphml
from tests.api._helpers import ADMIN, SMALL_ORG, VIEWER, auth, small_org

A = auth(ADMIN)
V = auth(VIEWER)
CSV_TEXT = (
    "编号,上级编号,名称,类型,职能,民警\n"
    "b,,表格县公安局,县公安局,,4\n"
    "xj,b,刑侦大队,内设机构,刑侦,10\n"
    "s1,b,城关派出所,派出所,,18\n"
)


def test_create_from_json_and_get(client: TestClient) -> None:
    r = client.get("/api/v1/orgs/test-county", headers=V)
    assert r.status_code == 200
    assert r.headers["etag"] == '"v1"'
    d = r.json()
    # 5 + 12 + 8 + 20 + 3 = 48 police in 5 units
    assert (d["name"], d["units"], d["police"], d["version"]) == ("测试县公安局", 5, 48, 1)
    assert d["root"] == {"id": "b", "name": "测试县公安局", "kind": "county"}
    assert d["kinds"] == {"county": 1, "department": 2, "station": 1, "community_post": 1}
    assert d["author"] == "张管理"
    # UTF-8 JSON, Chinese kept as is (not \\u escapes)
    assert "测试县公安局".encode() in r.content


def test_create_returns_location_and_etag(client: TestClient) -> None:
    r = client.post("/api/v1/orgs?message=首次导入", json=small_org(id="another"), headers=A)
    assert r.status_code == 201
    assert r.headers["etag"] == '"v1"'
    assert r.headers["location"].endswith("/api/v1/orgs/another")
    assert r.json()["message"] == "首次导入"


def test_create_from_yaml(client: TestClient) -> None:
    text = yaml.safe_dump(small_org(id="from-yaml"), allow_unicode=True)
    r = client.post(
        "/api/v1/orgs",
        content=text.encode(),
        headers={**A, "Content-Type": "application/yaml"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["id"] == "from-yaml" and r.json()["police"] == 48


def test_create_from_csv_body_gbk(client: TestClient) -> None:
    r = client.post(
        "/api/v1/orgs?id=from-csv",
        content=CSV_TEXT.encode("gbk"),
        headers={**A, "Content-Type": "text/csv"},
    )
    assert r.status_code == 201, r.text
    # 4 + 10 + 18 = 32
    assert (r.json()["id"], r.json()["name"], r.json()["police"]) == (
        "from-csv",
        "表格县公安局",
        32,
    )


def test_create_from_multipart_xlsx(client: TestClient) -> None:
    wb = Workbook()
    ws = wb.active
    for row in csv.reader(io.StringIO(CSV_TEXT)):
        ws.append([int(x) if x.isdigit() else x for x in row])
    buf = io.BytesIO()
    wb.save(buf)
    r = client.post(
        "/api/v1/orgs",
        files={"file": ("人事导出.xlsx", buf.getvalue(), "application/octet-stream")},
        data={"id": "from-xlsx", "message": "HR 导出"},
        headers=A,
    )
    assert r.status_code == 201, r.text
    assert (r.json()["id"], r.json()["units"], r.json()["message"]) == ("from-xlsx", 3, "HR 导出")


def test_create_from_multipart_csv_names_the_bad_row(client: TestClient) -> None:
    bad = CSV_TEXT.replace("s1,b,城关派出所,派出所,,18", "s1,b,城关派出所,派出所,,十八")
    r = client.post(
        "/api/v1/orgs",
        files={"file": ("org.csv", bad.encode(), "text/csv")},
        headers=A,
    )
    assert r.status_code == 422
    p = r.json()
    assert p["type"] == "urn:orgmodel:problem:invalid-organisation"
    assert "org.csv row 4" in json.dumps(p, ensure_ascii=False)
    assert any(e.get("unit") == "s1" for e in p["errors"])


def test_post_existing_id_is_409(client: TestClient) -> None:
    r = client.post("/api/v1/orgs", json=SMALL_ORG, headers=A)
    assert r.status_code == 409
    assert r.json()["type"] == "urn:orgmodel:problem:version-conflict"


def test_put_needs_if_match_and_refuses_stale(client: TestClient) -> None:
    url = "/api/v1/orgs/test-county"
    changed = small_org()
    changed["units"][3]["police"] = 25  # 城关派出所 20 → 25: 48 + 5 = 53
    r = client.put(url, json=changed, headers=A)
    assert r.status_code == 428
    assert r.headers["etag"] == '"v1"'
    r = client.put(url, json=changed, headers={**A, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    assert (r.json()["version"], r.json()["police"], r.headers["etag"]) == (2, 53, '"v2"')
    # a second planner still holding v1 is refused, nothing written
    r = client.put(url, json=SMALL_ORG, headers={**A, "If-Match": '"v1"'})
    assert r.status_code == 412
    assert r.json()["current_version"] == 2 and r.headers["etag"] == '"v2"'
    assert client.get(url, headers=V).json()["version"] == 2
    # old versions stay readable
    assert client.get(f"{url}?version=1", headers=V).json()["police"] == 48
    versions = client.get(f"{url}/versions", headers=V).json()
    assert [v["version"] for v in versions] == [1, 2]


def test_put_with_other_id_is_422(client: TestClient) -> None:
    r = client.put(
        "/api/v1/orgs/test-county", json=small_org(id="other"), headers={**A, "If-Match": "v1"}
    )
    assert r.status_code == 422
    assert r.json()["type"] == "urn:orgmodel:problem:id-mismatch"


def test_delete_with_if_match(client: TestClient) -> None:
    url = "/api/v1/orgs/test-county"
    assert client.delete(url, headers={**A, "If-Match": '"v7"'}).status_code == 412
    assert client.delete(url, headers={**A, "If-Match": '"v1"'}).status_code == 204
    assert client.get(url, headers=V).status_code == 404
    assert client.delete(url, headers=A).status_code == 404


def test_units_filters_and_pages(seeded: TestClient) -> None:
    url = "/api/v1/orgs/mirror-county/units"
    all_units = seeded.get(url, headers=V, params={"limit": 1000}).json()
    assert all_units["total"] == 74 and len(all_units["items"]) == 74
    stations = seeded.get(url, headers=V, params={"kind": "station"}).json()
    assert stations["total"] == 15
    assert all(
        u["kind_name"] == "派出所" and u["name"].endswith("派出所") for u in stations["items"]
    )
    page = seeded.get(url, headers=V, params={"kind": "station", "offset": 10, "limit": 4}).json()
    assert [u["id"] for u in page["items"]] == [u["id"] for u in stations["items"][10:14]]
    depts = seeded.get(url, headers=V, params={"function": "criminal"}).json()
    assert depts["total"] >= 1
    assert all(u["function_name"] == "刑侦" for u in depts["items"])
    root = all_units["items"][0]["id"]
    kids = seeded.get(url, headers=V, params={"parent": root}).json()
    assert kids["total"] == all_units["items"][0]["children"]
    assert all(u["parent"] == root for u in kids["items"])


def test_unit_with_children_and_guides(seeded: TestClient) -> None:
    # mirror-city: 办公室 of the city guides the 办公室 of each county bureau (条)
    r = seeded.get("/api/v1/orgs/mirror-city/units/city-dept-office", headers=V)
    assert r.status_code == 200
    d = r.json()
    assert d["unit"]["function"] == "office" and d["unit"]["name"]
    assert "jc-dept-office" in [u["id"] for u in d["guides"]]
    assert d["bureau"]["kind"] == "city"
    lower = seeded.get("/api/v1/orgs/mirror-city/units/jc-dept-office", headers=V).json()
    assert [u["id"] for u in lower["guided_by"]] == ["city-dept-office"]
    st = seeded.get("/api/v1/orgs/mirror-county/units?kind=station&limit=1", headers=V).json()
    sid = st["items"][0]["id"]
    d = seeded.get(f"/api/v1/orgs/mirror-county/units/{sid}", headers=V).json()
    assert len(d["children"]) == d["unit"]["children"]
    assert (
        d["subtree_police"] == d["unit"]["police"] + sum(c["police"] for c in d["children"])
        or d["subtree_police"] >= d["unit"]["police"]
    )


def test_unknown_unit_404(seeded: TestClient) -> None:
    r = seeded.get("/api/v1/orgs/mirror-county/units/nope", headers=V)
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_export_round_trips(client: TestClient, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/orgs/test-county/export"
    y = client.get(url, headers=V)
    assert y.status_code == 200 and y.headers["content-type"].startswith("application/yaml")
    org = read_org(y.text, "yaml")
    assert org.name == "测试县公安局" and org.total_police() == 48
    j = client.get(url, params={"format": "json"}, headers=V)
    assert read_org(j.text, "json") == org
    g = client.get(url, params={"format": "graphml"}, headers=V)
    (tmp_path / "x.graphml").write_bytes(g.content)
    assert read_graphml(tmp_path / "x.graphml") == org
    c = client.get(url, params={"format": "csv"}, headers=V)
    assert "城关派出所" in c.content.decode("utf-8-sig")
    assert "attachment" in c.headers["content-disposition"]
    # test-county-v1.csv reads back as id 'test-county-v1': the header says the id is lost
    assert c.headers["x-orgmodel-left-out"] == "id"
    changed = small_org(description="说明", parent_bureau={"name": "市局", "functions": []})
    r = client.put(url[: -len("/export")], json=changed, headers={**A, "If-Match": '"v1"'})
    assert r.status_code == 200, r.text
    c = client.get(url, params={"format": "csv"}, headers=V)
    assert c.headers["x-orgmodel-left-out"] == "parent_bureau, description, id"


def test_list_orgs(seeded: TestClient) -> None:
    ids = {o["id"] for o in seeded.get("/api/v1/orgs", headers=V).json()}
    assert {"mirror-county", "mirror-city", "taizhou-gxq-before"} <= ids


def test_a_deleted_org_id_used_again_answers_its_new_figures(client: TestClient) -> None:
    # charts, org chart and numbers panel are cached by (org, version); after a delete the id
    # and version 1 come back with other units, and every answer must be the new one's
    url = "/api/v1/orgs/test-county"
    paths = ("orgchart", "numbers", "charts/hierarchy")
    before = {p: client.get(f"{url}/{p}", headers=V).text for p in paths}
    assert "城关派出所" in before["orgchart"]
    assert client.delete(url, headers=A).status_code == 204
    again = small_org()
    again["units"][3] = {**again["units"][3], "name": "北关派出所", "police": 70}
    assert client.post("/api/v1/orgs", json=again, headers=A).status_code == 201
    after = {p: client.get(f"{url}/{p}", headers=V).text for p in paths}
    assert "北关派出所" in after["orgchart"] and "城关派出所" not in after["orgchart"]
    # police: 5 + 12 + 8 + 70 + 3 = 98 (it was 48)
    police = next(
        h for h in client.get(f"{url}/numbers", headers=V).json()["headline"] if h["id"] == "police"
    )
    assert police["value"] == 98
    assert "北关派出所" in after["charts/hierarchy"]


def test_put_with_a_key_given_twice_is_refused_naming_it(client: TestClient) -> None:
    # json.dumps cannot write a key twice: the body is written by hand. Before, the unit
    # silently took the last value (城关派出所 with 99 officers) and version 2 was saved.
    text = json.dumps(SMALL_ORG, ensure_ascii=False)
    at = text.index('"police": 20')
    body = text[:at] + '"police": 20, "police": 99' + text[at + len('"police": 20') :]
    url = "/api/v1/orgs/test-county"
    r = client.put(
        url,
        content=body.encode(),
        headers={**A, "If-Match": '"v1"', "Content-Type": "application/json"},
    )
    assert r.status_code == 422, r.text
    msg = (
        "units[3], unit 's1': key 'police' is given twice in one object: the last value "
        "would silently win; give it once"
    )
    assert msg in r.json()["detail"]
    assert client.get(url, headers=V).json()["version"] == 1  # nothing saved


def test_a_chinese_id_gets_a_percent_encoded_location(client: TestClient) -> None:
    # '甲县' passes the store's id rule; the Location header (latin-1) failed after the save:
    # 500 for an organisation and a scenario that were stored all the same.
    r = client.post("/api/v1/orgs", json=small_org(id="甲县#1"), headers=auth(ADMIN))
    assert r.status_code == 201, r.text
    where = r.headers["Location"]
    assert where.endswith("/api/v1/orgs/%E7%94%B2%E5%8E%BF%231"), where
    assert client.get(where, headers=auth(VIEWER)).json()["id"] == "甲县#1"
    body = {"base": "甲县#1", "id": "方案（一）", "plan": {"ops": []}}
    s = client.post("/api/v1/scenarios", json=body, headers=auth(ADMIN))
    assert s.status_code == 201, s.text
    where = s.headers["Location"]
    assert where.endswith("/api/v1/scenarios/%E6%96%B9%E6%A1%88%EF%BC%88%E4%B8%80%EF%BC%89")
    assert client.get(where, headers=auth(VIEWER)).json()["id"] == "方案（一）"

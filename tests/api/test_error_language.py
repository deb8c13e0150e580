"""Error details are English whatever language the serving process was started in.

``orgmodel serve`` runs under the CLI's language (Chinese by default); the API's words must
not follow it (docs/languages.md: the API sees the same words on every machine), and a store
message translated to Chinese must still lose the store's path without leaving a mixed
"图库 the store 中没有组织".
"""

from __future__ import annotations

import re
from pathlib import Path

from orgmodel.i18n import language
from tests.api._helpers import ADMIN, SMALL_ORG, auth, make_client


def test_not_found_detail_is_english_under_a_chinese_cli(tmp_path: Path) -> None:
    with language("zh"), make_client(tmp_path) as c:  # as `orgmodel serve` leaves it
        r = c.get("/api/v1/orgs/nope", headers=auth(ADMIN))
    assert r.status_code == 404, r.text
    detail = r.json()["detail"]
    assert detail == "no organisation 'nope' in the store", detail
    assert str(tmp_path) not in r.text


def test_library_errors_in_details_are_english_under_a_chinese_cli(tmp_path: Path) -> None:
    # An organisation that breaks two model rules, and a deeply nested body: their details and
    # errors are assembled from the library's messages, which follow the language in force.
    bad = {**SMALL_ORG, "id": "bad-county", "units": [*SMALL_ORG["units"]]}
    bad["units"][1] = {**bad["units"][1], "police": -3, "parent": "nope"}
    deep = "[" * 5000 + "]" * 5000
    with language("zh"), make_client(tmp_path) as c:
        r = c.post("/api/v1/orgs", json=bad, headers=auth(ADMIN))
        nested = c.post(
            "/api/v1/orgs",
            content=deep,
            headers={**auth(ADMIN), "Content-Type": "application/json"},
        )
    assert r.status_code == 422, r.text
    body = r.json()
    text = body["detail"] + " ".join(e["message"] for e in body["errors"])
    assert "must not be negative" in text or "negative" in text, text
    assert "parent 'nope' does not exist" in text, text
    assert not CHINESE_WORDS.search(text), text  # no 不能为负, 上级, 单位, 问题
    assert nested.status_code == 400, nested.text
    assert not CHINESE_WORDS.search(nested.json()["detail"]), nested.text


#: Words of orgmodel's Chinese catalogue that an English detail must not contain (unit names
#: such as 刑侦大队 may appear: they are names).
CHINESE_WORDS = re.compile("不能|不存在|上级|单位|问题|嵌套|层")


def test_charts_are_drawn_in_the_dashboards_language_whatever_the_process(
    tmp_path: Path,
) -> None:
    # The library speaks English by default; the dashboard (zh-CN) gets Chinese figures.
    with language("en"), make_client(tmp_path) as c:
        r = c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN))
        assert r.status_code == 201, r.text
        fig = c.get("/api/v1/orgs/test-county/charts/hierarchy", headers=auth(ADMIN)).json()
    title = fig["layout"]["title"]["text"]
    assert title == "测试县公安局 组织层级（面积=民警，颜色=隐性流失占比）", title


def test_a_failing_operation_is_english_under_a_chinese_cli(tmp_path: Path) -> None:
    # The operation's own reason (an OpError) reached the API already rendered in the
    # process's language: 'ops[0] (transfer): 不能从 'xj' 调出 30 名民警：它只有 12 名'.
    plan = {"ops": [{"op": "transfer", "from": "xj", "to": "za", "police": 30}]}
    with language("zh"), make_client(tmp_path) as c:
        assert c.post("/api/v1/orgs", json=SMALL_ORG, headers=auth(ADMIN)).status_code == 201
        r = c.post(
            "/api/v1/scenarios",
            json={"base": "test-county", "id": "too-many", "plan": plan},
            headers=auth(ADMIN),
        )
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["errors"][0]["op_index"] == 0, body
    text = body["detail"] + " ".join(e["message"] for e in body["errors"])
    assert "cannot transfer 30 police from 'xj': it has 12" in text, text
    assert not CHINESE_WORDS.search(text) and "民警" not in text, text

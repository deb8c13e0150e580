"""Error details are English whatever language the serving process was started in.

``orgmodel serve`` runs under the CLI's language (Chinese by default); the API's words must
not follow it (docs/languages.md: the API sees the same words on every machine), and a store
message translated to Chinese must still lose the store's path without leaving a mixed
"图库 the store 中没有组织".
"""

from __future__ import annotations

from pathlib import Path

from orgmodel.i18n import language
from tests.api._helpers import ADMIN, auth, make_client


def test_not_found_detail_is_english_under_a_chinese_cli(tmp_path: Path) -> None:
    with language("zh"), make_client(tmp_path) as c:  # as `orgmodel serve` leaves it
        r = c.get("/api/v1/orgs/nope", headers=auth(ADMIN))
    assert r.status_code == 404, r.text
    detail = r.json()["detail"]
    assert detail == "no organisation 'nope' in the store", detail
    assert str(tmp_path) not in r.text

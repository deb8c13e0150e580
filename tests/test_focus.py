"""orgmodel.focus: find units by name or id, and re-root an organisation on one of them."""

from __future__ import annotations

import pytest

from orgmodel.errors import InputError
from orgmodel.focus import find_units, subtree
from orgmodel.metrics import headline
from orgmodel.metrics.mirror import mirror_by_bureau
from tests.charts.conftest import small_city


def test_subtree_keeps_the_part_and_the_bureau_above() -> None:
    city = small_city()
    part = subtree(city, "cty")
    assert part.root == "cty" and part.parent("cty") is None
    assert set(part) == {"cty", "ctx", "cc", "st", "post"}
    # 5 + 12 + 9 + 8 + 2 = 36 police
    assert part.total_police() == 36
    assert part.id == "city/cty" and part.name == "某县公安局"
    # the GUIDES line from the city's 支队 leaves with the city; the 情指中心's dispatch stays
    assert part.guides == [] and part.dispatches == [("cc", "st")]
    # the city bureau becomes the parent bureau: D(P) = {criminal}
    assert part.parent_bureau is not None
    assert part.parent_bureau.name == "某市公安局"
    assert part.parent_bureau.functions == ("criminal",)
    # so the county's mirror index is the same measured alone: |{criminal, command} ∩
    # {criminal}| / 2 = 0.5
    assert mirror_by_bureau(part)["cty"] == mirror_by_bureau(city)["cty"] == 0.5
    # metrics of the part count the part only: 36 police, 5 units
    h = headline(part)
    assert (h["police"], h["units"]) == (36, 5)
    # the base is not changed
    assert len(city) == 7 and city.parent("cty") == "city"


def test_subtree_of_the_root_is_the_org_and_unknown_unit_is_an_error() -> None:
    city = small_city()
    assert subtree(city, "city") is city
    with pytest.raises(InputError, match="no unit 'nope'"):
        subtree(city, "nope")


def test_find_units_by_chinese_name_and_id() -> None:
    city = small_city()
    # names starting with 某: the city (depth 0) before the county (depth 1)
    assert [u["id"] for u in find_units(city, "某")] == ["city", "cty"]
    st = find_units(city, "派出所")
    assert [(u["id"], u["kind_name"], u["path"]) for u in st] == [
        ("st", "派出所", "某市公安局 › 某县公安局")
    ]
    # ids ignore case and full width: ＣＴＹ → cty, an exact id match first
    assert find_units(city, "ＣＴＹ")[0]["id"] == "cty"
    assert find_units(city, "警务室")[0]["name"] == "东街社区警务室"
    assert find_units(city, "没有这个单位") == []
    assert find_units(city, "  ") == []
    assert len(find_units(city, "局", limit=1)) == 1

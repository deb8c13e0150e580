"""A lineage map file read as its format says (orgmodel.io.lineage.read_lineage)."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.io.lineage import read_lineage


@pytest.mark.parametrize(
    ("text", "where_en", "where_zh"),
    [
        ('{"s1": "zx", "s2": "zx", "s1": "zy"}', "the top level", "文件顶层"),
        ('{"lineage": {"s1": "zx", "s1": "zy"}}', "lineage", "lineage"),
    ],
)
def test_a_json_lineage_giving_an_old_id_twice_is_refused_naming_it(
    tmp_path: Path, text: str, where_en: str, where_zh: str
) -> None:
    # json kept the last value in silence: s1 → zy alone, s1 → zx dropped, and the compare
    # report's flows then followed a map the analyst never wrote.
    p = tmp_path / "lin.json"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_lineage(p)
    assert str(info.value) == (
        f"{p}: {where_en}: key 's1' is given twice in one object: the last value would "
        "silently win; give it once"
    )
    with language("zh"):
        assert str(info.value) == (
            f"{p}：{where_zh}：键 's1' 在同一对象中给了两次：后一个值会悄悄生效；只写一次"
        )


def test_a_json_lineage_with_distinct_ids_is_read(tmp_path: Path) -> None:
    p = tmp_path / "lin.json"
    p.write_text('{"s1": "zx", "s2": "zx", "xj": ["xj", "xz"]}', encoding="utf-8")
    assert read_lineage(p) == {"s1": ["zx"], "s2": ["zx"], "xj": ["xj", "xz"]}

"""check_lineage's list of unknown ids in the language it is shown in."""

from __future__ import annotations

import pytest

from orgmodel.errors import InputError
from orgmodel.i18n import language
from orgmodel.io.lineage import check_lineage


def test_unknown_ids_listed_in_each_language() -> None:
    lineage = {"zzz": ["yyy"], "a": ["qqq", "b"]}
    with pytest.raises(InputError) as info:
        check_lineage(lineage, before=["a"], after=["b"], source="lin.csv")
    assert str(info.value) == (
        "lin.csv: old ids not in the first organisation: zzz; "
        "new ids not in the second organisation: qqq, yyy"
    )
    with language("zh"):
        assert str(info.value) == (
            "lin.csv：旧编号不在第一个组织中：zzz；新编号不在第二个组织中：qqq、yyy"
        )

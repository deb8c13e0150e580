"""Small helpers shared by the metric modules: labels, default norms, safe ratios."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orgmodel.i18n import get_language
from orgmodel.norms import Norms, load_norms

__all__: list[str] = []

#: Chinese labels of the unit categories (《公安机关组织管理条例》 art. 7, plus the front line).
CATEGORY_LABELS: dict[str, str] = {
    "leadership": "局领导",
    "management": "综合管理机构",
    "duty": "执法勤务机构",
    "frontline": "基层一线",
}

#: Chinese labels of the levels of KIND_LEVELS.
LEVEL_LABELS: dict[int, str] = {
    0: "部级 公安部",
    1: "省级 公安厅",
    2: "市级 公安局",
    3: "县级 公安局/分局",
    4: "派出所",
    5: "社区警务室",
}
#: The funnel's rows that are no category or level.
OTHER_LABEL, TOTAL_LABEL = "其他", "合计"

#: English glosses of the funnel's groups, by key: shown after the Chinese term in English.
_GROUP_GLOSSES: dict[str, str] = {
    "leadership": "bureau leadership",
    "management": "management",
    "duty": "duty",
    "frontline": "frontline",
    "0": "ministry",
    "1": "province",
    "2": "city",
    "3": "county",
    "4": "station",
    "5": "community post",
}


def group_label(group: Mapping[str, Any], lang: str | None = None) -> str:
    """The name of an availability-funnel group (``{"key", "label"}``) in ``lang`` (default:
    the language in force): its Chinese label; in English the Chinese term with its English
    gloss, as kinds are shown (``局领导 (bureau leadership)``), and ``total``/``other``.

    Examples
    --------
    >>> group_label({"key": "leadership", "label": "局领导"}, "zh")
    '局领导'
    >>> group_label({"key": "leadership", "label": "局领导"}, "en")
    '局领导 (bureau leadership)'
    >>> group_label({"key": "total", "label": "合计"}, "en")
    'total'
    """
    label = str(group["label"])
    if (lang or get_language()) == "zh":
        return label
    key = str(group["key"])
    if key == "total":
        return "total"
    if key == "?":
        return "other"
    gloss = _GROUP_GLOSSES.get(key)
    return f"{label} ({gloss})" if gloss else label


def norms_or_default(norms: Norms | None) -> Norms:
    """The given norms, or the shipped ``seeds/norms.yaml``."""
    return norms if norms is not None else load_norms()


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when the denominator is zero (the share is undefined)."""
    return num / den if den else None

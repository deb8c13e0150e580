"""Small helpers shared by the metric modules: labels, default norms, safe ratios."""

from __future__ import annotations

from orgmodel.norms import Norms, load_norms

__all__: list[str] = []

#: Chinese labels of the unit categories (《公安机关组织管理条例》 art. 7, plus the front line).
CATEGORY_LABELS: dict[str, str] = {
    "leadership": "局领导 (bureau leadership)",
    "management": "综合管理机构 (management)",
    "duty": "执法勤务机构 (duty)",
    "frontline": "基层一线 (frontline)",
}

#: Chinese labels of the levels of KIND_LEVELS.
LEVEL_LABELS: dict[int, str] = {
    0: "部级 公安部 (ministry)",
    1: "省级 公安厅 (province)",
    2: "市级 公安局 (city)",
    3: "县级 公安局/分局 (county)",
    4: "派出所 (station)",
    5: "社区警务室 (community post)",
}


def norms_or_default(norms: Norms | None) -> Norms:
    """The given norms, or the shipped ``seeds/norms.yaml``."""
    return norms if norms is not None else load_norms()


def ratio(num: float, den: float) -> float | None:
    """``num / den``, or ``None`` when the denominator is zero (the share is undefined)."""
    return num / den if den else None

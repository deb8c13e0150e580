"""The one table of metric labels: what every metric is called, in Chinese and English, what
it counts and which way is better.

The CLI, the charts, the HTML report and the HTTP API all read :data:`METRICS`; no other
module spells a metric's name. Each entry has

- ``id``: the key used in reports, headlines, policy rules and the API (``station_share``);
- ``zh``: the Chinese label a planner reads (派出所警力占比);
- ``en``: the English label;
- ``unit``: ``officers`` (a number of people, may be fractional for estimates such as hidden
  loss), ``share`` (a ratio 0–1, shown as a percentage) or ``count`` (units, edges, layers,
  hops, or an average of such counts);
- ``direction``: ``higher`` (higher is better), ``lower`` (lower is better) or ``None`` (a
  size, neither good nor bad);
- ``expected``: the number is an expected value (期望值: hidden loss, deployable officers),
  shown with one decimal and said to be one; every other ``officers`` number is a head count,
  shown whole.

The module imports nothing from the rest of orgmodel, so the norms, the metrics and every
face can read it without an import cycle. It also holds the labels of the officer-accounting
terms (留任, 调动, 新招录, 减员) and of the unit categories.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from orgmodel.i18n import N_, _

__all__ = [
    "ACCOUNT_LABELS",
    "CATEGORY_MSGIDS",
    "CATEGORY_NAMES",
    "DIRECTIONS",
    "EDGE_MSGIDS",
    "FRACTIONAL_COUNTS",
    "METRICS",
    "MINUS",
    "POLICY_METRIC_IDS",
    "UNITS",
    "MetricLabel",
    "edge_label",
    "format_change",
    "format_check",
    "format_value",
    "label",
    "labels_table",
    "shown_delta",
    "shown_value",
]

#: What a metric's number counts.
UNITS: dict[str, str] = {
    "officers": "人 (officers)",
    "share": "% (share)",
    "count": "个/层 (count)",
}
#: Which way is better.
DIRECTIONS: dict[str, str] = {
    "higher": "越高越好 (higher is better)",
    "lower": "越低越好 (lower is better)",
}


@dataclass(frozen=True, slots=True)
class MetricLabel:
    """One metric's names, unit and better direction."""

    id: str
    zh: str
    en: str
    unit: str
    direction: str | None = None
    #: An expected value (期望值), not a head count: hidden loss and deployable officers are
    #: estimates with fractions, shown with one decimal and said to be expected values.
    expected: bool = False

    def __post_init__(self) -> None:
        if self.unit not in UNITS:
            raise ValueError(f"metric {self.id!r}: unknown unit {self.unit!r}")
        if self.direction is not None and self.direction not in DIRECTIONS:
            raise ValueError(f"metric {self.id!r}: unknown direction {self.direction!r}")

    @property
    def both(self) -> str:
        """``zh (en)``, as tables with one label column show it."""
        return f"{self.zh} ({self.en})"

    def to_dict(self) -> dict[str, Any]:
        """Plain data (the API's shape)."""
        return asdict(self)


def _m(
    id: str, zh: str, en: str, unit: str, direction: str | None = None, expected: bool = False
) -> MetricLabel:
    return MetricLabel(id, zh, en, unit, direction, expected)


#: Every metric orgmodel reports, in the order tables show them.
METRICS: dict[str, MetricLabel] = {
    m.id: m
    for m in (
        _m("units", "单位数", "units", "count"),
        _m("police", "民警", "police officers", "officers"),
        _m("auxiliaries", "辅警", "auxiliary officers", "officers"),
        _m("people", "人数（民警+辅警）", "people (police + auxiliaries)", "officers"),
        _m("departments", "内设机构数", "internal departments", "count", "lower"),
        _m("managing_units", "管理单位数", "managing units", "count"),
        _m("mean_span", "平均管理幅度", "mean span of control", "count"),
        _m("narrow_span_share", "管理幅度过窄单位占比", "narrow-span share", "share", "lower"),
        _m("wide_span_share", "管理幅度过宽单位占比", "wide-span share", "share", "lower"),
        _m("layers", "层级数", "layers", "count", "lower"),
        _m("mean_command_path", "平均指挥链长度", "mean command path", "count", "lower"),
        _m("max_command_path", "最长指挥链", "longest command path", "count", "lower"),
        _m("establishments", "编制单元数", "establishments", "count"),
        _m("fixed_posts", "固定岗位", "fixed posts", "officers", "lower"),
        _m("overhead", "固定岗位占用警力", "absorbed overhead", "officers", "lower"),
        _m("hollow_units", "空壳单位数", "hollow units", "count", "lower"),
        _m("hidden_loss", "隐性流失警力", "hidden workforce loss", "officers", "lower", True),
        _m("hidden_loss_share", "隐性流失占比", "hidden loss share", "share", "lower"),
        _m("deployable", "可部署警力", "deployable officers", "officers", "higher", True),
        _m("mirror_index", "上下对口指数", "mirror index", "share", "lower"),
        _m("guides", "条线指导关系数", "GUIDES edges", "count", "lower"),
        _m("mirror_units", "对口小单位数", "mirror units", "count", "lower"),
        _m("county_level_bureaus", "县级公安机关数", "county-level bureaus", "count"),
        _m(
            "station_share",
            "派出所警力占比（县级公安机关）",
            "station share (county-level bureaus)",
            "share",
            "higher",
        ),
        _m(
            "station_share_all",
            "派出所警力占全部警力比",
            "station share of all police",
            "share",
            "higher",
        ),
        _m(
            "community_share",
            "社区警力占派出所警力比",
            "community share of station police",
            "share",
            "higher",
        ),
        _m("organ_share", "机关警力占比（机关化）", "organ share", "share", "lower"),
    )
}

#: Metrics a policy rule may name (each is a ratio of subtree sums; see
#: :mod:`orgmodel.metrics.policy`).
POLICY_METRIC_IDS: tuple[str, ...] = (
    "station_share",
    "station_share_all",
    "community_share",
    "organ_share",
    "hidden_loss_share",
    "mirror_index",
    "narrow_span_share",
    "wide_span_share",
    "mean_command_path",
)

#: Officer accounting between two organisations (DOMAIN.md, "Comparing two organisations").
ACCOUNT_LABELS: dict[str, str] = {
    "before": "改革前",
    "after": "改革后",
    "stayed": "留任",
    "moved": "调动",
    "hired": "新招录",
    "retired": "减员",
    "released": "调出",
    "gained": "调入",
    "exact": "精确 (exact, from the plan's lineage)",
    "estimated": "估算 (estimated, no lineage of officers)",
}

#: Unit categories (《公安机关组织管理条例》 art. 7, plus the bureau leadership and the front
#: line) and the two ends of officer flows.
CATEGORY_NAMES: dict[str, str] = {
    "leadership": "局领导",
    "management": "综合管理",
    "duty": "执法勤务",
    "frontline": "基层一线",
    "hired": "新招录",
    "retired": "减员",
}
#: The same categories as msgids (English source; their Chinese is ``CATEGORY_NAMES``).
CATEGORY_MSGIDS: dict[str, str] = {
    "leadership": N_("bureau leadership"),
    "management": N_("general management"),
    "duty": N_("law-enforcement duty"),
    "frontline": N_("front line"),
    "hired": N_("hired"),
    "retired": N_("retired"),
}


def category_name(category: str) -> str:
    """A unit category (or ``hired``/``retired``) in the language in force; an unknown key
    as given."""
    msgid = CATEGORY_MSGIDS.get(category)
    return _(msgid) if msgid else CATEGORY_NAMES.get(category, category)


#: The edge types (DOMAIN.md, "Edges") as legends name them: the 块 command line, the 条
#: guidance line and the 情指中心's tasking. English keeps the type's name from the files.
EDGE_MSGIDS: dict[str, str] = {
    "REPORTS_TO": N_("块 command (REPORTS_TO)"),
    "GUIDES": N_("条 professional guidance (GUIDES)"),
    "DISPATCHES": N_("情指 tasking (DISPATCHES)"),
}


def edge_label(edge_type: str) -> str:
    """An edge type (``REPORTS_TO``, ``GUIDES``, ``DISPATCHES``) in the language in force:
    ``条 业务指导`` in Chinese, ``条 professional guidance (GUIDES)`` in English; an unknown
    type as given.

    Examples
    --------
    >>> from orgmodel.i18n import language
    >>> edge_label("GUIDES")
    '条 professional guidance (GUIDES)'
    >>> with language("zh"):
    ...     edge_label("GUIDES"), edge_label("DISPATCHES")
    ('条 业务指导', '情指调度')
    """
    msgid = EDGE_MSGIDS.get(edge_type)
    return _(msgid) if msgid else edge_type


def label(metric: str, *, lang: str = "zh") -> str:
    """The label of a metric: ``zh``, ``en`` or ``both``; the id itself when unknown.

    Examples
    --------
    >>> label("organ_share"), label("organ_share", lang="en")
    ('机关警力占比（机关化）', 'organ share')
    >>> label("no_such_metric")
    'no_such_metric'
    """
    m = METRICS.get(metric)
    if m is None:
        return metric
    if lang == "en":
        return m.en
    if lang == "both":
        return m.both
    return m.zh


#: Counts that are means (of spans, of hops): shown with one decimal, like expected values.
FRACTIONAL_COUNTS: frozenset[str] = frozenset({"mean_span", "mean_command_path"})


def format_value(key: str, v: Any) -> str:
    """A metric's value as every face shows it (the CLI's tables, the dashboard's panel, the
    report, chart labels): shares in %, head counts whole, expected values (期望值) and means
    with one decimal, whatever the number's type.

    The one home of this rule: an expected value of exactly 279 reads ``279.0`` beside
    ``240.3``, never ``279`` in one place and ``279.0`` in another.

    Examples
    --------
    >>> format_value("police", 283.5), format_value("deployable", 244.8)
    ('284', '244.8')
    >>> format_value("deployable", 279), format_value("deployable", 279.0)
    ('279.0', '279.0')
    >>> format_value("station_share", 0.5364), format_value("hidden_loss_share", None)
    ('53.6%', '—')
    """
    if v is None:
        return "—"
    m = METRICS.get(key)
    unit = m.unit if m is not None else "count"
    if unit == "share":
        return f"{v:.1%}"
    if (m is not None and m.expected) or key in FRACTIONAL_COUNTS:
        return f"{v:,.1f}"
    return f"{round(v):,}"


def format_check(key: str, value: Any, threshold: Any, *, plain: bool = False) -> tuple[str, str]:
    """A policy check's value and threshold as text that never read alike when they differ.

    The threshold is shown exactly (61.59%, not 61.6%), and the value with at least as many
    decimals and more while the two would still read the same: a station at 61.58% fails
    ``>= 61.59%``, where one decimal showed ``61.6%`` failing ``>= 61.6%`` (and the CLI's
    ``0.616`` failing ``>= 0.6159``). ``plain``: fractions as they are (the CLI's table),
    three decimals at least; else as :func:`format_value` shows the metric.

    >>> format_check("community_share", 0.61582, 0.6159)
    ('61.58%', '61.59%')
    >>> format_check("community_share", 0.61582, 0.6159, plain=True)
    ('0.6158', '0.6159')
    >>> format_check("station_share", 0.333333, 0.4), format_check("hidden_loss", 34.08, 10)
    (('33.3%', '40.0%'), ('34.1', '10.0'))
    """
    if not isinstance(value, int | float) or not isinstance(threshold, int | float):
        return format_value(key, value), format_value(key, threshold)
    m = METRICS.get(key)
    share = not plain and m is not None and m.unit == "share"
    scale = 100 if share else 1
    if plain:
        base = 3
    elif share or (m is not None and m.expected) or key in FRACTIONAL_COUNTS:
        base = 1
    else:
        base = 0
    t = threshold * scale
    nt = next((n for n in range(base, 7) if abs(round(t, n) - t) < 1e-9), 6)
    if not plain and not share and base == 0 and nt > 0:
        base = 1  # a count against a fractional threshold: one decimal on both
    nt = max(nt, base)
    n = nt
    while n < 6 and value != threshold and round(value * scale, n) == round(t, n):
        n += 1
    if plain:
        return f"{value:.{n}f}", f"{threshold:g}"
    if share:
        return f"{value * 100:,.{n}f}%", f"{t:,.{nt}f}%"
    return f"{value:,.{n}f}", f"{threshold:,.{nt}f}"


#: The minus sign of a change (U+2212): the width of "+", never the ASCII hyphen.
MINUS = "\u2212"


def format_change(key: str, d: Any, *, short: bool = False) -> str:
    """A change of a metric as every face shows it: the CLI's change column, the numbers
    panel of the dashboard and the report (:func:`orgmodel.charts.numbers.format_delta`).

    The one home of the sign: ``+`` for a rise, ``−`` (U+2212, :data:`MINUS`, never the
    ASCII ``-``) for a fall, none for no change (``0``); the figure as :func:`format_value`
    shows the metric, a share's change in percentage points (个百分点; ``short``: `` pp``,
    for a table's column). ``d`` is the change worked from the figures as shown
    (:func:`shown_delta`); ``—`` when it is not a number. Words in the language in force.

    Examples
    --------
    >>> format_change("police", -3), format_change("deployable", 2.04), format_change("units", 0)
    ('−3', '+2.0', '0')
    >>> format_change("station_share", -0.05), format_change("station_share", 0.0004)
    ('−5.0 percentage points', '0')
    >>> format_change("station_share", 0.334, short=True), format_change("police", None)
    ('+33.4 pp', '—')
    """
    if not isinstance(d, int | float) or isinstance(d, bool):
        return "—"
    m = METRICS.get(key)
    if m is not None and m.unit == "share":
        n = abs(d) * 100
        if round(n, 1) == 0:
            return "0"
        text = f"{n:.1f}" + _(" pp") if short else _("{n:.1f} percentage points").format(n=n)
    else:
        text = format_value(key, abs(d))
        if text.strip("0.,") == "":
            return "0"
    return ("+" if d > 0 else MINUS) + text


def shown_value(key: str, v: float) -> float:
    """``v`` rounded as :func:`format_value` shows it: a share to a tenth of a percent, an
    expected value or mean to one decimal, a head count whole.

    >>> shown_value("deployable", 139.46), shown_value("station_share", 0.53649)
    (139.5, 0.536)
    """
    m = METRICS.get(key)
    unit = m.unit if m is not None else "count"
    if unit == "share":
        return float(f"{v * 100:.1f}") / 100
    if (m is not None and m.expected) or key in FRACTIONAL_COUNTS:
        return float(f"{v:.1f}")
    return float(round(v))


def shown_delta(key: str, a: Any, b: Any) -> float | None:
    """``b − a`` as a reader computes it from the two figures shown: 139.46 → 98.54 reads
    139.5 → 98.5, a change of −41.0, not the −40.92 of the exact values (shown −40.9, which
    no subtraction of the figures on the page gives). ``None`` when either is not a number.

    >>> shown_delta("deployable", 139.46, 98.54)
    -41.0
    >>> round(shown_delta("station_share", 0.40049, 0.35051) * 100, 1)  # 40.0% → 35.1%
    -4.9
    """
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return None
    digits = 3 if (m := METRICS.get(key)) is not None and m.unit == "share" else 1
    return round(shown_value(key, b) - shown_value(key, a), digits)


def labels_table() -> list[dict[str, Any]]:
    """The whole table as plain data, in order (what the API serves).

    Examples
    --------
    >>> labels_table()[0]
    {'id': 'units', 'zh': '单位数', 'en': 'units', 'unit': 'count', 'direction': None, 'expected': False}
    """
    return [m.to_dict() for m in METRICS.values()]


assert all(k in METRICS for k in POLICY_METRIC_IDS)

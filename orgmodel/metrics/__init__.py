"""Metrics over an organisation graph (DOMAIN.md, "Metrics"): pure functions, one pass each.

- :mod:`~orgmodel.metrics.span`: span of control, layers, command paths (扁平化).
- :mod:`~orgmodel.metrics.workforce`: hidden workforce loss (警力隐性流失), the funnel.
- :mod:`~orgmodel.metrics.mirror`: the mirror index (上下对口).
- :mod:`~orgmodel.metrics.shares`: station, community and organ shares (警力下沉, 机关化).
- :mod:`~orgmodel.metrics.policy`: policy checks (政策指标).
- :mod:`~orgmodel.metrics.suite`: :func:`metric_report` and :func:`headline`.

Every function takes the graph first and returns plain, JSON-serialisable data.
"""

from orgmodel.metrics.mirror import (
    bureau_functions,
    mirror_by_bureau,
    mirror_index,
    mirror_report,
    mirror_units,
)
from orgmodel.metrics.policy import POLICY_METRICS, evaluate_policy, metric_by_unit, policy_report
from orgmodel.metrics.shares import (
    community_shares,
    organ_share,
    shares_report,
    station_shares,
    subtree_police,
)
from orgmodel.metrics.span import (
    command_paths,
    layers,
    layers_report,
    narrow_spans,
    org_layers,
    span_bands,
    span_report,
    spans,
    supervision_ratios,
    wide_spans,
)
from orgmodel.metrics.suite import (
    HEADLINE_KEYS,
    HEADLINE_LABELS,
    HEADLINE_SHARES,
    REPORT_KEYS,
    headline,
    metric_report,
    org_summary,
)
from orgmodel.metrics.workforce import (
    FUNNEL_STAGES,
    absorbed_overhead,
    availability_funnel,
    establishment_of,
    establishments,
    fixed_posts,
    hidden_loss,
    hollow_units,
    unit_staffing,
    workforce_report,
)

__all__ = [
    "FUNNEL_STAGES",
    "HEADLINE_KEYS",
    "HEADLINE_LABELS",
    "HEADLINE_SHARES",
    "POLICY_METRICS",
    "REPORT_KEYS",
    "absorbed_overhead",
    "availability_funnel",
    "bureau_functions",
    "command_paths",
    "community_shares",
    "establishment_of",
    "establishments",
    "evaluate_policy",
    "fixed_posts",
    "headline",
    "hidden_loss",
    "hollow_units",
    "layers",
    "layers_report",
    "metric_by_unit",
    "metric_report",
    "mirror_by_bureau",
    "mirror_index",
    "mirror_report",
    "mirror_units",
    "narrow_spans",
    "org_layers",
    "org_summary",
    "organ_share",
    "policy_report",
    "shares_report",
    "span_bands",
    "span_report",
    "spans",
    "station_shares",
    "subtree_police",
    "supervision_ratios",
    "unit_staffing",
    "wide_spans",
    "workforce_report",
]

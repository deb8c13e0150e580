"""Policy checks (政策指标): the reform's targets as data, evaluated against an organisation.

A policy rule (``seeds/policy.yaml``, :class:`orgmodel.norms.PolicyRule`) names a metric, a
scope, a comparator and a threshold, with a Chinese description and the source of the
threshold — e.g. 派出所警力占县级公安机关总警力的比例不低于40% is ``station_share`` in
every ``county``, ``>=`` 0.40. Evaluating the rules gives one row per rule and scope unit,
with the measured value and pass/fail (DOMAIN.md, "Frontline shares and policy checks").

Scope ``org`` measures the whole organisation (its root's subtree); scope ``county``,
``city``, ``province`` or ``station`` measures each unit of that kind over its own subtree;
scope ``county_level`` measures each county-level bureau (县级公安机关, DOMAIN.md "Frontline
shares") over its own region — its subtree without the county-level bureaus below it — and
scope ``aggregate`` gives one row, the sums over all county-level bureaus (the 40% target is
``station_share`` ≥ 0.40 in every ``county_level`` bureau). Every metric is a ratio of
subtree sums, so all units are measured in one bottom-up pass:

- ``station_share`` = police in station subtrees / police, both counted only inside
  county-level bureaus (for a county-level bureau: DOMAIN.md's station share; for the root:
  the aggregate over its county-level bureaus);
- ``station_share_all`` = police in station subtrees / all police, higher organs included;
- ``community_share`` = police in community teams and posts inside stations / police in
  stations (for a station: DOMAIN.md's community share);
- ``organ_share`` = police in bureau units, departments and command centres / police;
- ``hidden_loss_share`` = Σ hidden loss / police;
- ``mirror_index`` = Σ |D(B) ∩ D(P)| / Σ |D(B)| over the bureaus B in the subtree;
- ``narrow_span_share``, ``wide_span_share`` = narrow (wide) managing units / managing units;
- ``mean_command_path`` = Σ command path / community posts.

A value with a zero denominator is undefined: its row has ``passed: None`` and a note, as
has the single row of a rule whose scope matches no unit — a rule never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from orgmodel._keywords import positional_deprecated
from orgmodel.i18n import lazy
from orgmodel.labels import METRICS, POLICY_METRIC_IDS
from orgmodel.metrics._frame import Frame, Labels
from orgmodel.metrics.rows import Rows, Section
from orgmodel.model import KIND_NAMES, KindText, OrgGraph
from orgmodel.norms import Norms, PolicyRule, load_policy

__all__ = ["POLICY_METRICS", "evaluate_policy", "metric_by_unit", "policy_report"]

#: Metrics a policy rule may name → Chinese label (from :mod:`orgmodel.labels`).
POLICY_METRICS: dict[str, str] = {k: METRICS[k].zh for k in POLICY_METRIC_IDS}

#: (numerator, denominator) of a metric over every unit's subtree, by position.
_Pair = tuple[np.ndarray, np.ndarray]


def _station_share(fr: Frame) -> _Pair:
    return fr.county_level_sums


def _station_share_all(fr: Frame) -> _Pair:
    return fr.sums_arrays["station"], fr.sums_arrays["total"]


def _community_share(fr: Frame) -> _Pair:
    return fr.sums_arrays["station_community"], fr.sums_arrays["station"]


def _organ_share(fr: Frame) -> _Pair:
    return fr.sums_arrays["organ"], fr.sums_arrays["total"]


def _hidden_loss_share(fr: Frame) -> _Pair:
    return fr.up_float(fr.staffing.loss_a), fr.sums_arrays["total"]


def _mirror_index(fr: Frame) -> _Pair:
    t = fr.bureaus
    m = t.measured
    shared = np.zeros(fr.n, dtype=np.int64)
    total = np.zeros(fr.n, dtype=np.int64)
    shared[t.pos[m]] = t.shared[m]
    total[t.pos[m]] = t.functions[m]
    return fr.up(shared), fr.up(total)


def _span_share(which: str) -> Callable[[Frame], _Pair]:
    def pair(fr: Frame) -> _Pair:
        sp, norms = fr.span, fr.norms
        managing = sp > 0
        if which == "narrow":
            hit = managing & (sp < norms.narrow_below)
        else:
            hit = managing & (sp > norms.wide_above)
        return fr.up(hit.astype(np.int64)), fr.up(managing.astype(np.int64))

    return pair


def _mean_command_path(fr: Frame) -> _Pair:
    posts, hops, _ = fr.path_arrays
    h = np.zeros(fr.n, dtype=np.int64)
    c = np.zeros(fr.n, dtype=np.int64)
    h[posts] = hops
    c[posts] = 1
    return fr.up(h), fr.up(c)


#: Metrics whose value over the whole organisation (scope ``org``: the root's subtree) has a
#: cheaper way than the column of every unit's: (numerator, denominator) at the root.
_ROOT_PAIRS: dict[str, Callable[[Frame], tuple[float, int]]] = {
    "organ_share": lambda fr: (fr.organ_police, fr.police_total),
    "hidden_loss_share": lambda fr: (
        fr.up_float_root(fr.staffing.heads, fr.staffing.g_loss),
        fr.police_total,
    ),
}

#: … and at the county-level bureaus (scopes ``county_level`` and ``aggregate``), each over
#: its own region (:meth:`Frame.own_region_b`).
_BUREAU_PAIRS: dict[str, Callable[[Frame], _Pair]] = {
    "station_share": lambda fr: fr.county_level_own,
}

#: … and at the stations (scope ``station``), from the positions of the stations.
_STATION_PAIRS: dict[str, Callable[[Frame, np.ndarray], _Pair]] = {
    # a station counts its own subtree in both
    "community_share": lambda fr, st: (fr.station_sums[1], fr.station_sums[0]),
}

_PAIRS: dict[str, Callable[[Frame], _Pair]] = {
    "station_share": _station_share,
    "station_share_all": _station_share_all,
    "community_share": _community_share,
    "organ_share": _organ_share,
    "hidden_loss_share": _hidden_loss_share,
    "mirror_index": _mirror_index,
    "narrow_span_share": _span_share("narrow"),
    "wide_span_share": _span_share("wide"),
    "mean_command_path": _mean_command_path,
}
assert set(_PAIRS) == set(POLICY_METRICS)


@positional_deprecated("norms")
def metric_by_unit(
    org: OrgGraph, metric: str, *, norms: Norms | None = None
) -> dict[str, float | None]:
    """A policy metric measured over every unit's subtree.

    Parameters
    ----------
    org : OrgGraph
    metric : str
        One of :data:`POLICY_METRICS`.
    norms : Norms, optional
        Staffing norms and span thresholds (the shipped ones by default).

    Returns
    -------
    dict
        Unit id → the metric over that unit's subtree, ``None`` where its denominator is 0.

    Raises
    ------
    KeyError
        Unknown metric.

    Notes
    -----
    value(u) = Σ numerator / Σ denominator over the subtree of u (see the module docstring
    for each metric's pair). The root's value is the organisation's.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> metric_by_unit(org, "organ_share")  # b: 5/28; the station holds no organ
    {'b': 0.17857142857142858, 's': 0.0, 'p': 0.0}
    """
    return _metric_by_unit(Frame(org, norms), metric)


def _metric_by_unit(fr: Frame, metric: str) -> dict[str, float | None]:
    num, den = _PAIRS[metric](fr)
    return {
        u: (n / d if d else None)
        for u, n, d in zip(fr.order, num.tolist(), den.tolist(), strict=True)
    }


@positional_deprecated("norms")
def evaluate_policy(
    org: OrgGraph,
    policy: Sequence[PolicyRule] | None = None,
    *,
    norms: Norms | None = None,
) -> list[dict[str, Any]]:
    """Evaluate policy rules: one row per rule and unit of its scope.

    Parameters
    ----------
    org : OrgGraph
    policy : sequence of PolicyRule, optional
        The rules (the shipped ``seeds/policy.yaml`` by default).
    norms : Norms, optional
        Staffing norms (for ``hidden_loss_share`` and the span thresholds).

    Returns
    -------
    list of dict
        Rows ``{rule, description, metric, metric_name, scope, unit_id, unit_name, value,
        threshold, comparator, passed, source, note}``, rule by rule, scope units in
        breadth-first order. ``passed`` is ``None`` when the value is undefined or when the
        scope has no unit (then ``unit_id`` is ``None`` too); ``note`` says why.

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> from orgmodel.norms import PolicyRule
    >>> org = OrgGraph([
    ...     Unit("b", "某县公安局", "county", police=5),
    ...     Unit("s", "城关派出所", "station", parent="b", police=20),
    ...     Unit("p", "东街社区警务室", "community_post", parent="s", police=3),
    ... ])
    >>> rule = PolicyRule("s40", "派出所警力占比不低于40%", "station_share", "county", ">=",
    ...                   0.4, "公安部")
    >>> [(r["unit_name"], round(r["value"], 3), r["passed"]) for r in evaluate_policy(org, [rule])]
    [('某县公安局', 0.821, True)]
    """
    return _evaluate(Frame(org, norms), load_policy() if policy is None else policy)[0].copy()


def _evaluate(fr: Frame, rules: Sequence[PolicyRule]) -> tuple[Rows, list[list[int]]]:
    """The rows of :func:`evaluate_policy` (built when read) and, rule by rule, the counts
    ``[checks, passed, failed, not evaluated]`` of its rows."""
    pairs: dict[str, _Pair] = {}
    parts: list[Rows] = []
    counts: list[list[int]] = []
    labels = fr.labels
    for rule in rules:
        if rule.scope == "org":
            scope = np.zeros(1, dtype=np.int64)
        elif rule.scope in ("county_level", "aggregate"):
            scope = fr.county_level_bureaus
        elif rule.scope in KIND_NAMES:
            scope = fr.positions_of_kind(rule.scope)
        else:
            scope = np.zeros(0, dtype=np.int64)
        head = {
            "rule": rule.id,
            "description": rule.description,
            "metric": rule.metric,
            "metric_name": POLICY_METRICS.get(rule.metric, rule.metric),
            "scope": rule.scope,
        }
        tail = {"threshold": rule.threshold, "comparator": rule.comparator, "source": rule.source}
        if not len(scope):
            kind = KindText(rule.scope, _SCOPE_NAMES.get(rule.scope))
            row = {
                **head,
                "unit_id": None,
                "unit_name": None,
                "value": None,
                **tail,
                "passed": None,
                "note": lazy("no {kind} in this organisation: rule not evaluated", kind=kind),
            }
            parts.append(Rows.of([row]))
            counts.append([1, 0, 0, 1])
            continue
        suffix = ""
        if rule.scope == "org" and rule.metric not in pairs and rule.metric in _ROOT_PAIRS:
            # the whole organisation alone: the root's numbers, not every unit's column
            root_num, root_den = _ROOT_PAIRS[rule.metric](fr)
            n_at, d_at = np.array([root_num]), np.array([root_den])
        else:
            cl_scope = rule.scope in ("county_level", "aggregate")
            own: _Pair | None = None
            if cl_scope and rule.metric not in pairs and rule.metric in _BUREAU_PAIRS:
                # the county-level bureaus alone: their numbers, not every unit's column
                own = _BUREAU_PAIRS[rule.metric](fr)
            elif (
                rule.scope == "station"
                and rule.metric not in pairs
                and rule.metric in _STATION_PAIRS
            ):
                n_at, d_at = _STATION_PAIRS[rule.metric](fr, scope)
            else:
                if rule.metric not in pairs:
                    pairs[rule.metric] = _PAIRS[rule.metric](fr)
                num, den = pairs[rule.metric]
                if cl_scope:
                    bureaus = fr.county_level_bureaus
                    num_b, den_b = num[bureaus], den[bureaus]
                else:
                    n_at, d_at = num[scope], den[scope]
            if cl_scope:
                # Each county-level bureau over its own region, so no unit is counted twice.
                if own is None:
                    own = (
                        fr.own_region_b(num_b.astype(np.float64)),
                        fr.own_region_b(den_b.astype(np.float64)),
                    )
                own_num, own_den = own
                if rule.scope == "aggregate":
                    # one row: the sums in the order of the bureaus, as a loop adds them
                    scope = np.zeros(1, dtype=np.int64)  # on the root
                    n_at = np.array([sum(own_num.tolist())])
                    d_at = np.array([sum(own_den.tolist())])
                    suffix = " 所属县级公安机关合计"
                else:
                    n_at, d_at = own_num, own_den
        defined = d_at != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(defined, n_at / np.where(defined, d_at, 1), np.nan)
        passed = np.asarray(rule.holds(value), dtype=np.bool_) & defined  # type: ignore[arg-type]
        ok = int(passed.sum())
        undefined = len(scope) - int(defined.sum())
        counts.append([len(scope), ok, len(scope) - ok - undefined, undefined])
        parts.append(
            Rows(len(scope), _check_rows(labels, rule, head, scope, suffix, value, defined, passed))
        )
    return Rows.chain(parts), counts


def _check_rows(
    labels: Labels,
    rule: PolicyRule,
    head: dict[str, Any],
    scope: np.ndarray,
    suffix: str,
    value: np.ndarray,
    defined: np.ndarray,
    passed: np.ndarray,
) -> Callable[[np.ndarray], list[dict[str, Any]]]:
    """Builds the rows of one rule's checks (:class:`Rows`)."""
    rid, desc, metric, mname, scope_name = (
        rule.id, rule.description, rule.metric, head["metric_name"], rule.scope,
    )  # fmt: skip
    threshold, comparator, source = rule.threshold, rule.comparator, rule.source

    def build(at: np.ndarray) -> list[dict[str, Any]]:
        cols = zip(
            labels.ids(scope[at]),
            labels.names(scope[at]),
            value[at].tolist(),
            defined[at].tolist(),
            passed[at].tolist(),
            strict=True,
        )
        return [
            {
                "rule": rid,
                "description": desc,
                "metric": metric,
                "metric_name": mname,
                "scope": scope_name,
                "unit_id": u,
                "unit_name": name + suffix,
                "value": v if ok else None,
                "threshold": threshold,
                "comparator": comparator,
                "source": source,
                "passed": p if ok else None,
                "note": None if ok else _UNDEFINED,
            }
            for u, name, v, ok, p in cols
        ]

    return build


_UNDEFINED = "指标无定义 (undefined: denominator is 0)"

#: Chinese names of the scopes that are not a unit kind.
_SCOPE_NAMES = {"county_level": "县级公安机关", "aggregate": "县级公安机关"}


@positional_deprecated("norms")
def policy_report(
    org: OrgGraph,
    policy: Sequence[PolicyRule] | None = None,
    *,
    norms: Norms | None = None,
) -> dict[str, Any]:
    """Policy checks of an organisation with a pass/fail summary.

    Returns
    -------
    dict
        ``rules`` (count), ``checks`` (rows), ``passed``, ``failed``, ``not_evaluated``
        (row counts), ``by_rule`` (list of ``{rule, description, metric, scope, threshold,
        comparator, checks, passed, failed, not_evaluated, source}``) and ``results`` (the
        rows of :func:`evaluate_policy`).

    Examples
    --------
    >>> from orgmodel.model import OrgGraph, Unit
    >>> org = OrgGraph([Unit("b", "某县公安局", "county", police=5),
    ...                 Unit("s", "城关派出所", "station", parent="b", police=20),
    ...                 Unit("p", "东街社区警务室", "community_post", parent="s", police=3)])
    >>> r = policy_report(org, [])
    >>> r["rules"], r["checks"]
    (0, 0)
    """
    return _policy_report(Frame(org, norms), load_policy() if policy is None else policy)


def _policy_report(fr: Frame, rules: Sequence[PolicyRule]) -> Section:
    rows, counts = _evaluate(fr, rules)
    by_rule: dict[str, dict[str, Any]] = {}
    for rule in rules:
        by_rule[rule.id] = {
            "rule": rule.id,
            "description": rule.description,
            "metric": rule.metric,
            "scope": rule.scope,
            "comparator": rule.comparator,
            "threshold": rule.threshold,
            "checks": 0,
            "passed": 0,
            "failed": 0,
            "not_evaluated": 0,
            "source": rule.source,
        }
    for rule, (checks, passed, failed, undefined) in zip(rules, counts, strict=True):
        s = by_rule[rule.id]
        s["checks"] += checks
        s["passed"] += passed
        s["failed"] += failed
        s["not_evaluated"] += undefined
    return Section(
        {
            "rules": len(rules),
            "checks": len(rows),
            "passed": sum(c[1] for c in counts),
            "failed": sum(c[2] for c in counts),
            "not_evaluated": sum(c[3] for c in counts),
            "by_rule": list(by_rule.values()),
            "results": rows,
        }
    )

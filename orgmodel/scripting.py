"""The scripting API behind ``import orgmodel as om``: read, measure, restructure, compare.

Made to feel like pandas and networkx in a notebook: one short call per step, keyword-only
options with the same names everywhere (``norms=``, ``policy=``, ``root=``), results that
print as a table in Jupyter (``_repr_html_``) and turn into DataFrames (``.to_frame()``;
pandas is an optional extra: ``pip install orgmodel[pandas]``).

>>> import orgmodel as om
>>> org = om.read(om.seed_path("orgs", "mirror-county.yaml"))
>>> r = om.metrics(org)
>>> r["police"], r.headline["hollow_units"]
(497, 9)
"""

from __future__ import annotations

import html
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from orgmodel.focus import subtree
from orgmodel.io import load_any
from orgmodel.metrics import headline, metric_report
from orgmodel.metrics._frame import Frame
from orgmodel.model import CATEGORY_CODES, KIND_NAMES, KINDS, OrgGraph
from orgmodel.norms import Norms, PolicyRule
from orgmodel.restructure import ScenarioResult, apply_plan, diff_orgs, load_plan, plan_from_dict
from orgmodel.restructure.plan import Plan

__all__ = ["Comparison", "MetricReport", "apply", "compare", "metrics", "read"]


def _numbers() -> Any:
    # imported when first used: orgmodel.charts brings plotly, which `import orgmodel` need not
    from orgmodel.charts import numbers

    return numbers


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - the extra is installed by make test
        raise ImportError("to_frame() needs pandas: pip install 'orgmodel[pandas]'") from e
    return pd


def _check(org: Any, norms: Any, policy: Any = None, *, call: str) -> None:
    """A clear TypeError for an argument of the wrong type (not an AttributeError deep inside)."""
    if not isinstance(org, OrgGraph):
        raise TypeError(
            f"{call}: org must be an OrgGraph (om.read(path) reads a file), "
            f"not {type(org).__name__}"
        )
    if norms is not None and not isinstance(norms, Norms):
        raise TypeError(
            f"{call}: norms= must be Norms (om.load_norms(path) reads a file), "
            f"not {type(norms).__name__}"
        )
    if policy is not None and (
        isinstance(policy, str | bytes | Path | Mapping)
        or not all(isinstance(rule, PolicyRule) for rule in policy)
    ):
        raise TypeError(
            f"{call}: policy= must be a list of PolicyRule (om.load_policy(path) reads a file), "
            f"not {type(policy).__name__}"
        )


def read(path: str | Path) -> OrgGraph:
    """Read an organisation from any supported file, by its suffix.

    ``.yaml``/``.yml``/``.json`` (orgmodel's format), ``.csv``/``.xlsx``/``.xls`` (an HR
    export) or ``.graphml``.

    Raises
    ------
    InputError
        Missing or unreadable file. ``OrgValidationError``: the organisation breaks a rule
        of the model (every problem listed).
    """
    return load_any(path)


def _table_html(rows: Sequence[Sequence[str]], head: Sequence[str]) -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


class MetricReport(Mapping[str, Any]):
    """Every metric of an organisation (:func:`orgmodel.metrics.metric_report`).

    As a mapping it gives the headline numbers (``r["hidden_loss"]``); ``r.report`` is the
    whole nested report (``span``, ``workforce``, ``mirror``, ``shares``, ``policy``,
    ``norms``). ``r.to_frame()`` is one row per unit; ``r.to_frame("headline")`` one row per
    headline metric; ``r.to_frame("policy")`` one row per policy check.
    """

    def __init__(self, org: OrgGraph, report: dict[str, Any], norms: Norms | None) -> None:
        self.org = org
        self.report = report
        self.norms = norms
        self.headline: dict[str, Any] = headline(report)

    def __getitem__(self, key: str) -> Any:
        return self.headline[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.headline)

    def __len__(self) -> int:
        return len(self.headline)

    def __repr__(self) -> str:
        h = self.headline
        loss = _numbers().format_value("hidden_loss", h["hidden_loss"])
        return (
            f"<MetricReport {self.org.name or self.org.id}: {h['units']} units, "
            f"{h['police']} police, hidden loss {loss}>"
        )

    def _repr_html_(self) -> str:
        nb = _numbers()
        rows = [
            (nb.metric_label(k), nb.format_value(k, self.headline.get(k))) for k in nb.PANEL_KEYS
        ]
        title = html.escape(self.org.name or self.org.id)
        return f"<b>{title}</b>" + _table_html(rows, ("指标", "值"))

    def unit_columns(self) -> dict[str, list[Any]]:
        """The per-unit measures as columns (one list per field, units breadth-first): the
        records of :meth:`units`, computed as whole-column passes (the national
        organisation's 650,000 units in about a second)."""
        fr = Frame(self.org, self.norms)
        st = fr.staffing
        n = fr.n
        order = fr.order
        kinds = np.array(KINDS, dtype=object)[fr.kind]
        ppos = fr.ppos
        hollow = np.zeros(n, dtype=bool)
        hollow[st.hollow_a] = True
        fns = np.array([*fr.functions, None], dtype=object)
        police, aux = fr.police.astype(np.int64), fr.aux.astype(np.int64)
        return {
            "id": list(order),
            "name": list(fr.names),
            "kind": kinds.tolist(),
            "kind_name": [KIND_NAMES.get(k, k) for k in kinds.tolist()],
            "parent": [order[p] if p >= 0 else None for p in ppos.tolist()],
            "layer": fr.depth.tolist(),
            "function": fns[np.where(fr.fn >= 0, fr.fn, len(fr.functions))].tolist(),
            "category": np.array(CATEGORY_CODES, dtype=object)[fr.category].tolist(),
            "police": police.tolist(),
            "auxiliaries": aux.tolist(),
            "people": (police + aux).tolist(),
            "subtree_police": fr.up(police).tolist(),
            "span": fr.span.tolist(),
            "fixed_posts": st.fixed_a.tolist(),
            "hollow": hollow.tolist(),
            # a hollow establishment's shortfall, on its head (a 派出所 with its teams, office
            # and posts is one establishment)
            "shortfall": np.where(hollow, st.est_fixed_a - st.est_police_a, 0).tolist(),
            "hidden_loss": st.loss_a.tolist(),
            "establishment": [order[h] for h in st.head_a.tolist()],
        }

    def units(self) -> list[dict[str, Any]]:
        """One record per unit: identity, strength and its own staffing measures."""
        cols = self.unit_columns()
        keys = list(cols)
        return [dict(zip(keys, row, strict=True)) for row in zip(*cols.values(), strict=True)]

    def to_frame(self, what: str = "units") -> Any:
        """A pandas DataFrame: ``"units"`` (index: unit id), ``"headline"`` (index: metric
        id; columns label, value, unit, direction) or ``"policy"`` (one row per check).

        Raises
        ------
        ImportError
            pandas is not installed (``pip install 'orgmodel[pandas]'``).
        ValueError
            ``what`` is none of these.
        """
        pd = _pandas()
        if what == "units":
            return pd.DataFrame.from_records(self.units(), index="id")
        if what == "headline":
            from orgmodel.labels import METRICS

            rows = [
                {
                    "metric": k,
                    "label": _numbers().metric_label(k),
                    "value": v,
                    "unit": METRICS[k].unit if k in METRICS else None,
                    "direction": METRICS[k].direction if k in METRICS else None,
                }
                for k, v in self.headline.items()
            ]
            return pd.DataFrame.from_records(rows, index="metric")
        if what == "policy":
            return pd.DataFrame.from_records(self.report["policy"]["results"])
        raise ValueError(f"to_frame: what must be 'units', 'headline' or 'policy', not {what!r}")


def metrics(
    org: OrgGraph,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
    root: str | None = None,
) -> MetricReport:
    """Measure an organisation (or, with ``root``, one unit and the units under it).

    Parameters
    ----------
    org : OrgGraph
    norms : Norms, optional
        Staffing norms (the shipped ``seeds/norms.yaml`` by default).
    policy : sequence of PolicyRule, optional
        Policy rules (the shipped ``seeds/policy.yaml`` by default).
    root : str, optional
        A unit id: measure its subtree alone (:func:`orgmodel.focus.subtree`).
    """
    _check(org, norms, policy, call="metrics")
    part = subtree(org, root) if root is not None else org
    return MetricReport(part, metric_report(part, norms, policy), norms)


def apply(
    org: OrgGraph, plan: Plan | Mapping[str, Any] | str | Path, *, norms: Norms | None = None
) -> ScenarioResult:
    """Apply a restructuring plan; the base is never changed.

    ``plan`` is a :class:`~orgmodel.restructure.plan.Plan`, a dict in the plan-file format
    (docs/plans.md) or the path of a plan file. The result's ``.org`` is the new organisation,
    ``.steps`` the Chinese step list, ``.lineage`` where every officer went.

    Raises
    ------
    PlanError
        The plan is malformed or an operation cannot apply (nothing is applied).
    """
    _check(org, norms, call="apply")
    if isinstance(plan, str | Path):
        plan = load_plan(plan)
    elif isinstance(plan, Mapping):
        plan = plan_from_dict(dict(plan))
    elif not isinstance(plan, Plan):
        raise TypeError(
            f"apply: plan must be a Plan, a plan dict or a plan file's path, "
            f"not {type(plan).__name__}"
        )
    return apply_plan(org, plan, norms=norms)


class Comparison(Mapping[str, Any]):
    """Two organisations compared (:func:`orgmodel.restructure.diff_orgs`).

    As a mapping: the diff (``units``, ``counts``, ``officers``, ``metrics``, ``freed``).
    ``c.to_frame()`` is the delta table (one row per headline metric with before, after,
    delta and whether the change is better or worse by the metric's direction).
    """

    def __init__(
        self, before: OrgGraph, after: OrgGraph, diff: dict[str, Any], exact: bool
    ) -> None:
        self.before, self.after, self.diff, self.exact = before, after, diff, exact
        self.rows: list[dict[str, Any]] = _numbers().delta_rows(headline(before), headline(after))

    def __getitem__(self, key: str) -> Any:
        return self.diff[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.diff)

    def __len__(self) -> int:
        return len(self.diff)

    def __repr__(self) -> str:
        c = self.diff["counts"]
        return (
            f"<Comparison {self.before.name or self.before.id} → {self.after.name or self.after.id}:"
            f" {sum(c.values())} unit changes, {'exact' if self.exact else 'estimated'} flows>"
        )

    def _repr_html_(self) -> str:
        rows = [
            (r["label"], r["before"], r["after"], r["delta"], r["change"] or "") for r in self.rows
        ]
        return _table_html(rows, ("指标", "之前", "之后", "变化", "好坏"))

    def to_frame(self) -> Any:
        """The delta table as a DataFrame (index: metric id)."""
        pd = _pandas()
        return pd.DataFrame.from_records(self.rows, index="id")


def compare(
    a: OrgGraph | ScenarioResult,
    b: OrgGraph | ScenarioResult | None = None,
    *,
    norms: Norms | None = None,
    lineage: Any = None,
) -> Comparison:
    """Compare two organisations, or a plan's result with its base.

    ``compare(result)`` (a :func:`apply` result) uses the plan's lineage: flows are exact;
    so does ``compare(org, result)`` when ``org`` is the organisation the plan was applied to.
    ``compare(a, b)`` matches units by id (two yearly snapshots): flows are estimated.
    """
    if isinstance(a, ScenarioResult):
        before, after, lineage = a.base, a.org, a.lineage
    elif isinstance(b, ScenarioResult):
        before, after = a, b.org
        if b.base is a and lineage is None:
            lineage = b.lineage
    else:
        if b is None:
            raise TypeError("compare(a, b) needs two organisations, or one apply() result")
        before, after = a, b
    _check(before, norms, call="compare")
    _check(after, None, call="compare")
    return Comparison(
        before, after, diff_orgs(before, after, norms, lineage), exact=lineage is not None
    )

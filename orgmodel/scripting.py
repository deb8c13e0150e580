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
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import numpy as np

from orgmodel.errors import InputError, OrgWarning
from orgmodel.focus import subtree
from orgmodel.i18n import N_, join_list, lazy
from orgmodel.io import load_any
from orgmodel.io.per_unit import PER_UNIT_LISTS
from orgmodel.io.tabular import TABLE_SUFFIXES, Switches
from orgmodel.metrics import headline, metric_report, policy_report
from orgmodel.metrics._frame import Frame
from orgmodel.model import CATEGORY_CODES, KIND_NAMES, KINDS, OrgGraph
from orgmodel.norms import Norms, PolicyRule
from orgmodel.restructure import (
    Lineage,
    ScenarioResult,
    apply_plan,
    diff_orgs,
    load_plan,
    plan_from_dict,
    subtree_after,
    subtree_before,
)
from orgmodel.restructure.plan import Plan

__all__ = ["Comparison", "MetricReport", "Scenario", "apply", "compare", "metrics", "read"]


def _numbers() -> Any:
    # imported when first used: orgmodel.charts brings plotly, which `import orgmodel` need not
    from orgmodel.charts import numbers

    return numbers


def _pandas() -> Any:
    try:
        import pandas as pd
    except ImportError as e:  # pragma: no cover - the extra is installed by make test
        raise ImportError(lazy("to_frame() needs pandas: pip install 'orgmodel[pandas]'")) from e
    return pd


def _check(org: Any, norms: Any, policy: Any = None, *, call: str) -> None:
    """A clear TypeError for an argument of the wrong type (not an AttributeError deep inside)."""
    if not isinstance(org, OrgGraph):
        raise TypeError(
            lazy(
                "{call}: org must be an OrgGraph (om.read(path) reads a file), not {type}",
                call=call,
                type=type(org).__name__,
            )
        )
    if norms is not None and not isinstance(norms, Norms):
        raise TypeError(
            lazy(
                "{call}: norms= must be Norms (om.load_norms(path) reads a file), not {type}",
                call=call,
                type=type(norms).__name__,
            )
        )
    if policy is not None and (
        isinstance(policy, str | bytes | Path | Mapping)
        or not all(isinstance(rule, PolicyRule) for rule in policy)
    ):
        raise TypeError(
            lazy(
                "{call}: policy= must be a list of PolicyRule (om.load_policy(path) reads a "
                "file), not {type}",
                call=call,
                type=type(policy).__name__,
            )
        )


#: How messages of the spreadsheet reader name its options in a script (``totals=True``).
SCRIPT_SWITCHES = Switches(totals="totals=True", sheet="sheet={name!r}")


def read(
    path: str | Path,
    *,
    sheet: str | None = None,
    totals: bool = False,
    id: str | None = None,
    name: str | None = None,
) -> OrgGraph:
    """Read an organisation from any supported file, by its suffix.

    ``.yaml``/``.yml``/``.json`` (orgmodel's format), ``.csv``/``.xlsx``/``.xls`` (an HR
    export) or ``.graphml``.

    Parameters
    ----------
    path : str or Path
    sheet : str, optional
        Spreadsheets: the worksheet of a workbook (default: the active one, or the one sheet
        with a header row).
    totals : bool
        Spreadsheets: the 民警/辅警 figures are subtree totals (a 派出所's includes its teams
        and posts); each unit's own = its total − its sub-units'.
    id, name : str, optional
        Spreadsheets: the organisation's id (default: the file name without its suffix) and
        name (default: the root unit's).

    Warns
    -----
    OrgWarning
        One per thing the reader noticed that may make a number wrong (the organisation's
        ``warnings``), e.g. 民警 figures that look like subtree totals read without ``totals``.

    Raises
    ------
    InputError
        Missing or unreadable file, unknown suffix, a spreadsheet option given for another
        format. ``OrgValidationError``: the organisation breaks a rule of the model (every
        problem listed).
    """
    p = Path(path)
    if p.suffix.lower() not in TABLE_SUFFIXES:
        given = [k for k, v in (("sheet", sheet), ("totals", totals), ("id", id), ("name", name))
                 if v not in (None, False)]  # fmt: skip
        if given:
            raise InputError(
                lazy(
                    N_("{p}: {options} applies to spreadsheets ({suffixes}) only")
                    if len(given) == 1
                    else N_("{p}: {options} apply to spreadsheets ({suffixes}) only"),
                    p=p,
                    options=join_list(k + "=" for k in given),
                    suffixes=join_list(TABLE_SUFFIXES),
                )
            )
    org = load_any(p, sheet=sheet, totals=totals, id=id, name=name, switches=SCRIPT_SWITCHES)
    for w in org.warnings:  # a number that could be wrong is never silent
        warnings.warn(OrgWarning(str(w)), stacklevel=2)
    return org


def _table_html(rows: Sequence[Sequence[Any]], head: Sequence[str]) -> str:
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
        """A pandas DataFrame.

        ``what`` is ``"units"`` (one row per unit, index: unit id), ``"headline"`` (index:
        metric id; columns label, value, unit, direction: ``value`` holds each figure as the
        report gives it, an ``object`` column since its rows measure different things: a
        head count or a count of units an ``int`` (民警 36, never 36.000000), a share, a
        mean or an expected value a ``float``, ``None`` where a figure is undefined;
        ``.astype(float)`` makes it one float column), ``"policy"`` (one row per check) or
        one of the report's per-unit lists, by its ``section.key`` or its short name:
        ``"narrow"``/``"wide"`` (span.narrow, span.wide: 管理幅度过窄/过宽), ``"hollow"``
        (workforce.hollow: 空壳单位), ``"bureaus"`` (mirror.by_bureau: 上下对口 per bureau),
        ``"mirror_units"`` (mirror.units: 对口小单位), ``"county_level"``
        (shares.county_level: 县级公安机关 and their station shares) and ``"stations"``
        (shares.stations: 派出所 and their community shares). Lists are whole (not paged);
        their rows have a unit ``id`` index, nested ``{id, name}`` fields become ``*_id`` and
        ``*_name`` columns.

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
            frame = pd.DataFrame.from_records(rows, index="metric")
            # whole figures stay whole: one float64 column showed 民警 as 36.000000
            frame["value"] = pd.Series([r["value"] for r in rows], index=frame.index, dtype=object)
            return frame
        section, key = (
            _LIST_NAMES.get(what, (None, None)) if isinstance(what, str) else (None, None)
        )
        if (
            section is None
            and isinstance(what, str)
            and "." in what
            and tuple(what.split(".", 1)) in PER_UNIT_LISTS
        ):
            section, key = what.split(".", 1)
        if section is None or key is None:
            raise ValueError(
                lazy(
                    "to_frame: what={what!r} is none of {names}",
                    what=what,
                    names=join_list(repr(n) for n in ("units", "headline", *_LIST_NAMES)),
                )
            )
        frame = _records_frame(self.report[section][key], _LIST_COLUMNS[(section, key)])
        if "id" in frame.columns and frame["id"].is_unique:
            frame = frame.set_index("id")
        return frame


#: Short names of the report's per-unit lists for :meth:`MetricReport.to_frame`.
_LIST_NAMES: dict[str, tuple[str, str]] = {
    "policy": ("policy", "results"),
    "narrow": ("span", "narrow"),
    "wide": ("span", "wide"),
    "hollow": ("workforce", "hollow"),
    "bureaus": ("mirror", "by_bureau"),
    "mirror_units": ("mirror", "units"),
    "county_level": ("shares", "county_level"),
    "stations": ("shares", "stations"),
}
assert set(_LIST_NAMES.values()) == set(PER_UNIT_LISTS)  # every per-unit list has a name

_UNIT = {"id": "str", "name": "str"}
_ACCOUNT = ("before", "after", "stayed", "moved_out", "moved_in", "retired", "hired")
#: The columns of each table a per-unit list makes, in order, with the dtype of the empty
#: table (a table with rows has pandas' own; a nullable number is float64 there when a row
#: has none). Nested ``{id, name}`` fields are flattened (``bureau_id``, ``bureau_name``).
#: tests/test_scripting_frames.py checks them against tables with rows.
_LIST_COLUMNS: dict[tuple[str, str], dict[str, str]] = {
    ("policy", "results"): {
        **dict.fromkeys(
            ("rule", "description", "metric", "metric_name", "scope", "unit_id", "unit_name"),
            "str",
        ),
        "value": "float64",
        "threshold": "float64",
        "comparator": "str",
        "source": "str",
        "passed": "bool",
        "note": "object",
    },
    ("span", "narrow"): {**_UNIT, "kind": "str", "span": "int64"},
    ("span", "wide"): {**_UNIT, "kind": "str", "span": "int64"},
    ("workforce", "hollow"): {
        **_UNIT,
        "kind": "str",
        **dict.fromkeys(("members", "police", "people", "fixed_posts", "shortfall"), "int64"),
    },
    ("mirror", "by_bureau"): {
        **_UNIT,
        "kind": "str",
        "parent_bureau_id": "object",
        "parent_bureau_name": "str",
        "departments": "int64",
        "department_police": "int64",
        "mean_department_size": "float64",
        "functions": "int64",
        "shared_functions": "float64",
        "mirror": "float64",
    },
    ("mirror", "units"): {
        **_UNIT,
        "function": "str",
        "function_name": "str",
        "police": "int64",
        "efficient_size": "int64",
        "bureau_id": "str",
        "bureau_name": "str",
    },
    ("shares", "county_level"): {
        **_UNIT,
        "kind": "str",
        **dict.fromkeys(("police", "people", "station_police"), "int64"),
        "station_share": "float64",
    },
    ("shares", "stations"): {
        **_UNIT,
        "bureau_id": "str",
        "bureau_name": "str",
        **dict.fromkeys(("police", "people", "community_police"), "int64"),
        "community_share": "float64",
    },
}
#: :meth:`Comparison.to_frame` tables (``"metrics"`` and ``"categories"`` are never empty
#: with units on either side, but a comparison of empty parts, or without rules, is).
_COMPARE_COLUMNS: dict[str, dict[str, str]] = {
    "metrics": {
        **dict.fromkeys(("id", "label", "before", "after", "delta", "change"), "object"),
        **dict.fromkeys(("before_value", "after_value", "delta_value"), "float64"),
    },
    "policy": {
        "rule": "str",
        "description": "str",
        **{
            f"{k}_{side}": "int64"
            for k in ("checks", "failed", "passed")
            for side in ("before", "after")
        },
        "change": "object",
    },
    "flows": {
        "from": "object",
        "from_name": "object",
        "to": "object",
        "to_name": "object",
        "police": "int64",
        "auxiliaries": "int64",
    },
    "categories": {
        "category": "str",
        "name": "str",
        **{f"{a}_{h}": "int64" for a in _ACCOUNT for h in ("police", "auxiliaries")},
    },
}


#: Fields whose value is a mapping, flattened to ``field_key`` columns.
_NESTED = frozenset({"bureau", "parent_bureau", *_ACCOUNT})


def _records_frame(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> Any:
    """A DataFrame of ``rows`` (nested fields flattened) with ``columns`` first, in order,
    whether or not there are rows (an empty table has them too, with their dtypes); a
    field the rows have beyond them follows."""
    pd = _pandas()
    flat = _flat(rows, columns)
    cols = list(columns)
    seen = dict.fromkeys(k for r in flat for k in r)
    cols += [k for k in seen if k not in columns]
    frame = pd.DataFrame.from_records(flat, columns=cols)
    if not flat:
        frame = frame.astype(dict(columns))
    return frame


def _flat(
    rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Rows with their nested ``{id, name}`` fields (a unit's bureau) as ``bureau_id`` and
    ``bureau_name`` columns, the same in every row (``None`` where a row has none). A field
    ``columns`` names flattened (``bureau_id`` …) is flattened even if no row has it."""
    nested: dict[str, list[str]] = {}
    for col in columns or ():
        head, _, sub = col.rpartition("_")
        if head in _NESTED and head not in columns:  # type: ignore[operator]
            nested.setdefault(head, []).append(sub)
    for r in rows:
        for k, v in r.items():
            if isinstance(v, Mapping):
                subs = nested.setdefault(k, [])
                subs.extend(sub for sub in v if sub not in subs)
    out = []
    for r in rows:
        flat: dict[str, Any] = {}
        for k, v in r.items():
            if k in nested:
                inner = v if isinstance(v, Mapping) else {}
                flat.update({f"{k}_{sub}": inner.get(sub) for sub in nested[k]})
            else:
                flat[k] = v
        out.append(flat)
    return out


def _scenario_defaults(
    org: Any, norms: Norms | None, policy: Sequence[PolicyRule] | None
) -> tuple[Any, Norms | None, Sequence[PolicyRule] | None]:
    """An :func:`apply` result stands for its organisation, with the norms and policy it
    was made with unless others are given."""
    if isinstance(org, Scenario):
        return (
            org.org,
            norms if norms is not None else org.norms,
            policy if policy is not None else org.policy,
        )
    if isinstance(org, ScenarioResult):
        return org.org, norms, policy
    return org, norms, policy


def metrics(
    org: OrgGraph | ScenarioResult,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
    root: str | None = None,
) -> MetricReport:
    """Measure an organisation (or, with ``root``, one unit and the units under it).

    Parameters
    ----------
    org : OrgGraph or ScenarioResult
        An organisation, or an :func:`apply` result (its new organisation, measured with
        the norms and policy the plan was applied with unless others are given).
    norms : Norms, optional
        Staffing norms (the shipped ``seeds/norms.yaml`` by default).
    policy : sequence of PolicyRule, optional
        Policy rules (the shipped ``seeds/policy.yaml`` by default).
    root : str, optional
        A unit id: measure its subtree alone (:func:`orgmodel.focus.subtree`).

    Raises
    ------
    TypeError
        An argument of the wrong type, named.
    """
    whole, norms, policy = _scenario_defaults(org, norms, policy)
    _check(whole, norms, policy, call="metrics")
    part = subtree(whole, root) if root is not None else whole
    return MetricReport(part, metric_report(part, norms=norms, policy=policy), norms)


@dataclass(frozen=True, repr=False)
class Scenario(ScenarioResult):
    """What :func:`apply` returns: a :class:`~orgmodel.restructure.ScenarioResult` (``.org``,
    ``.base``, ``.steps``, ``.lineage`` …) that remembers the ``norms`` and ``policy`` it was
    made with, so that ``om.metrics(result)`` and ``om.compare(result)`` use them too."""

    norms: Norms | None = None
    policy: tuple[PolicyRule, ...] | None = None

    def __repr__(self) -> str:
        # short: the dataclass's own would print the plan and the whole lineage
        return (
            f"<Scenario {self.plan.name}: {self.base.name or self.base.id} → "
            f"{len(self.base)} → {len(self.org)} units, {self.base.total_police()} → "
            f"{self.org.total_police()} police, {len(self.steps)} steps>"
        )

    def _repr_html_(self, limit: int = 20) -> str:
        title = html.escape(f"{self.plan.name}: {self.base.name or self.base.id}")
        head = _table_html(
            [
                ("单位数", len(self.base), len(self.org)),
                ("民警", self.base.total_police(), self.org.total_police()),
                ("辅警", self.base.total_auxiliaries(), self.org.total_auxiliaries()),
            ],
            ("", "改革前", "改革后"),
        )
        steps = _table_html(
            [(s.index + 1, s.op_name, s.summary) for s in self.steps[:limit]],
            ("步骤", "操作", "说明"),
        )
        more = len(self.steps) - limit
        tail = f"<p>另有 {more} 步</p>" if more > 0 else ""
        return f"<b>{title}</b>{head}{steps}{tail}"


def apply(
    org: OrgGraph | ScenarioResult,
    plan: Plan | Mapping[str, Any] | str | Path,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
) -> Scenario:
    """Apply a restructuring plan; the base is never changed.

    Parameters
    ----------
    org : OrgGraph or ScenarioResult
        The base organisation (read only), or an earlier :func:`apply` result: the plan is
        applied to its new organisation, with its norms and policy unless others are given
        (plans in turn: ``om.apply(om.apply(org, first), second)``).
    plan : Plan, dict or path
        A :class:`~orgmodel.restructure.plan.Plan`, a dict in the plan-file format
        (docs/plans.md) or the path of a plan file.
    norms : Norms, optional
        Staffing norms the operations use (leader posts kept by ``sink`` and
        ``two_teams_one_office``); the shipped norms by default.
    policy : sequence of PolicyRule, optional
        Policy rules, kept with the result for :func:`metrics` and :func:`compare` (applying
        a plan does not use them).

    Returns
    -------
    Scenario
        ``.org`` is the new organisation, ``.steps`` the Chinese step list, ``.lineage``
        where every officer went.

    Raises
    ------
    PlanError
        The plan is malformed or an operation cannot apply (nothing is applied).
    TypeError
        An argument of the wrong type, named.
    """
    base, norms, policy = _scenario_defaults(org, norms, policy)
    _check(base, norms, policy, call="apply")
    if isinstance(plan, str | Path):
        plan = load_plan(plan)
    elif isinstance(plan, Mapping):
        plan = plan_from_dict(dict(plan))
    elif not isinstance(plan, Plan):
        raise TypeError(
            lazy(
                "apply: plan must be a Plan, a plan dict or a plan file's path, not {type}",
                type=type(plan).__name__,
            )
        )
    result = apply_plan(base, plan, norms=norms)
    return Scenario(
        **{f.name: getattr(result, f.name) for f in fields(ScenarioResult)},
        norms=norms,
        policy=tuple(policy) if policy is not None else None,
    )


class Comparison(Mapping[str, Any]):
    """Two organisations compared (:func:`orgmodel.restructure.diff_orgs`).

    As a mapping: the diff (``units``, ``counts``, ``officers``, ``metrics``, ``freed``).
    ``c.to_frame()`` is the delta table (one row per headline metric with before, after,
    delta and whether the change is better or worse by the metric's direction);
    ``c.to_frame("policy")`` the policy checks before and after, one row per rule.
    """

    def __init__(
        self,
        before: OrgGraph,
        after: OrgGraph,
        diff: dict[str, Any],
        exact: bool,
        *,
        norms: Norms | None = None,
        policy: Sequence[PolicyRule] | None = None,
    ) -> None:
        self.before, self.after, self.diff, self.exact = before, after, diff, exact
        self.norms, self.policy_rules = norms, policy
        # the headline numbers diff_orgs measured with these norms
        m = diff["metrics"]
        self.rows: list[dict[str, Any]] = _numbers().delta_rows(m["before"], m["after"])
        self._policy: dict[str, Any] | None = None

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

    @property
    def policy(self) -> dict[str, Any]:
        """The policy checks (:func:`~orgmodel.metrics.policy_report`) of ``before`` and
        ``after``, with the comparison's norms and policy (computed when first asked)."""
        if self._policy is None:
            self._policy = {
                side: policy_report(org, self.policy_rules, norms=self.norms)
                for side, org in (("before", self.before), ("after", self.after))
            }
        return self._policy

    def to_frame(self, what: str = "metrics") -> Any:
        """A pandas DataFrame: ``"metrics"`` is the delta table (index: metric id; label,
        before, after, delta as shown — whole head counts, shares in % — change, and the
        numbers themselves to compute with: before_value, after_value, delta_value); ``"policy"`` one row per policy rule (index: rule id;
        description, checks, failed and passed before and after, change ``better`` when
        fewer checks fail, ``worse`` when more do); ``"flows"`` one row per officer flow
        (from, from_name, to, to_name, police, auxiliaries; ``from`` empty: hired, ``to``
        empty: retired); ``"categories"`` the officer accounting per category (index:
        category; before, after, stayed, moved_out, moved_in, retired, hired, each as
        ``*_police`` and ``*_auxiliaries``).

        Raises
        ------
        ImportError
            pandas is not installed (``pip install 'orgmodel[pandas]'``).
        ValueError
            ``what`` is none of these.
        """
        if not isinstance(what, str) or what not in _COMPARE_COLUMNS:
            raise ValueError(
                lazy(
                    "to_frame: what={what!r} is none of {names}",
                    what=what,
                    names=join_list(repr(n) for n in _COMPARE_COLUMNS),
                )
            )
        columns = _COMPARE_COLUMNS[what]
        if what == "metrics":
            m = self.diff["metrics"]
            rows = []
            for r in self.rows:
                b, a = m["before"].get(r["id"]), m["after"].get(r["id"])
                delta = a - b if isinstance(a, int | float) and isinstance(b, int | float) else None
                rows.append({**r, "before_value": b, "after_value": a, "delta_value": delta})
            return _records_frame(rows, columns).set_index("id")
        if what == "policy":
            before = {r["rule"]: r for r in self.policy["before"]["by_rule"]}
            rows = []
            for r in self.policy["after"]["by_rule"]:
                b = before.get(r["rule"], {})
                fb, fa = b.get("failed", 0), r["failed"]
                rows.append(
                    {
                        "rule": r["rule"],
                        "description": r["description"],
                        "checks_before": b.get("checks", 0),
                        "checks_after": r["checks"],
                        "failed_before": fb,
                        "failed_after": fa,
                        "passed_before": b.get("passed", 0),
                        "passed_after": r["passed"],
                        "change": "better" if fa < fb else "worse" if fa > fb else None,
                    }
                )
            return _records_frame(rows, columns).set_index("rule")
        if what == "flows":
            return _records_frame(self.diff["officers"]["flows"], columns)
        return _records_frame(self.diff["officers"]["categories"], columns).set_index("category")


def compare(
    a: OrgGraph | ScenarioResult,
    b: OrgGraph | ScenarioResult | None = None,
    *,
    norms: Norms | None = None,
    policy: Sequence[PolicyRule] | None = None,
    lineage: Any = None,
    root: str | None = None,
) -> Comparison:
    """Compare two organisations, or a plan's result with its base.

    ``compare(result)`` (an :func:`apply` result) uses the plan's lineage: flows are exact;
    so does ``compare(org, result)`` when ``org`` is the organisation the plan was applied to.
    ``compare(a, b)`` matches units by id (two yearly snapshots): flows are estimated.

    Parameters
    ----------
    a, b : OrgGraph or ScenarioResult
    norms : Norms, optional
        Staffing norms for both sides' metrics (an :func:`apply` result's own by default,
        else the shipped ones).
    policy : sequence of PolicyRule, optional
        Policy rules for :attr:`Comparison.policy` (likewise).
    lineage : Lineage or mapping, optional
        A plan's :class:`~orgmodel.restructure.Lineage` (exact flows), or a mapping unit in
        ``b`` → the ids of the units of ``a`` it continues (a merge or a rename between two
        snapshots; flows are still estimated). See :func:`~orgmodel.restructure.diff_orgs`.
    root : str, optional
        A unit id on both sides: compare that unit and the units under it alone
        (:func:`orgmodel.focus.subtree`). A plan's lineage still matches merged and renamed
        units inside it, but officers may have come from or gone outside it, so the flows
        are estimated.

    Raises
    ------
    TypeError
        An argument of the wrong type, named.
    """
    if isinstance(a, ScenarioResult):
        if b is not None:
            raise TypeError(
                lazy("compare: give one apply() result, or two organisations (om.compare(a, b))")
            )
        before, after, lineage = a.base, a.org, a.lineage
        _, norms, policy = _scenario_defaults(a, norms, policy)
    elif isinstance(b, ScenarioResult):
        before, after = a, b.org
        if b.base is a and lineage is None:
            lineage = b.lineage
        _, norms, policy = _scenario_defaults(b, norms, policy)
    else:
        if b is None:
            raise TypeError(lazy("compare(a, b) needs two organisations, or one apply() result"))
        before, after = a, b
    _check(before, norms, policy, call="compare")
    _check(after, None, call="compare")
    if root is not None:
        plan_lineage = lineage if isinstance(lineage, Lineage) else None
        # a unit the plan closed, merged away or created: said so, not "no unit"
        before, after = (
            subtree(before, root)
            if plan_lineage is None
            else subtree_before(before, after, root, plan_lineage),
            subtree(after, root)
            if plan_lineage is None
            else subtree_after(before, after, root, plan_lineage),
        )
        if plan_lineage is not None:
            lineage = plan_lineage.within(before, after)
    if isinstance(lineage, Mapping):
        # one id on its own is that id, not its letters
        lineage = {k: (v,) if isinstance(v, str) else tuple(v) for k, v in lineage.items()}
    diff = diff_orgs(before, after, norms=norms, lineage=lineage)
    # exact only with a plan's lineage; a mapping lineage matches units, flows are estimated
    exact = diff["officers"]["method"] == "exact"
    return Comparison(before, after, diff, exact=exact, norms=norms, policy=policy)

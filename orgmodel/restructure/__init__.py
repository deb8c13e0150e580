"""Restructuring as code (改革方案): plans, operations, templates, and the diff of two orgs.

- :func:`load_plan` / :func:`plan_from_dict` read a plan (``docs/plans.md``);
- :func:`apply_plan` runs it on a working copy and returns a :class:`ScenarioResult`
  (the new :class:`~orgmodel.model.OrgGraph`, hires and retirements, lineage, officer flows);
- :func:`load_template` reads a 大部门 template (``seeds/templates/``);
- :func:`diff_orgs` compares two organisations: units added, removed, merged, split, moved and
  changed, officer flows, and every headline metric before, after and delta.
"""

from orgmodel.restructure.apply import (
    Flow,
    Lineage,
    ScenarioResult,
    Step,
    apply_plan,
    scenario_identity,
    subtree_after,
    subtree_before,
)
from orgmodel.restructure.diff import diff_orgs
from orgmodel.restructure.plan import (
    OP_FIELDS,
    OP_NAMES,
    Plan,
    PlanError,
    load_plan,
    plan_from_dict,
    plan_json_schema,
)
from orgmodel.restructure.templates import (
    LargeDepartment,
    Template,
    load_template,
    template_from_dict,
)

__all__ = [
    "OP_FIELDS",
    "OP_NAMES",
    "Flow",
    "LargeDepartment",
    "Lineage",
    "Plan",
    "PlanError",
    "ScenarioResult",
    "Step",
    "Template",
    "apply_plan",
    "diff_orgs",
    "load_plan",
    "load_template",
    "plan_from_dict",
    "plan_json_schema",
    "scenario_identity",
    "subtree_after",
    "subtree_before",
    "template_from_dict",
]

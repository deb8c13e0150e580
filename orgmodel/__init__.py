"""orgmodel: public-security organisations (公安机关) as graphs.

The scripting API, meant to be imported as ``om``::

    import orgmodel as om

    org = om.read("county.xlsx")               # any supported file: yaml/json/csv/xlsx/graphml
    r = om.metrics(org)                        # every metric; r["hidden_loss"], r.report
    r.to_frame()                               # one row per unit (pandas: orgmodel[pandas])
    after = om.apply(org, "dabumen.yaml")      # a plan; the base is never changed
    om.compare(after).to_frame()               # before/after delta table, better/worse

Options are keyword-only and named the same everywhere: ``norms=``, ``policy=``, ``root=``
(here and in the library beneath: ``metric_report(org, norms=n)``, ``diff_orgs(a, b, norms=n)``).
docs/scripting.md walks through it; the building blocks are in :mod:`orgmodel.model`,
:mod:`orgmodel.metrics`, :mod:`orgmodel.restructure`, :mod:`orgmodel.charts`.
"""

from orgmodel.errors import InputError, OrgWarning
from orgmodel.focus import find_units, subtree
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import load_norms, load_policy
from orgmodel.scripting import Comparison, MetricReport, Scenario, apply, compare, metrics, read
from orgmodel.seeds import seed_path

__all__ = [
    "Comparison",
    "InputError",
    "MetricReport",
    "OrgGraph",
    "OrgWarning",
    "Scenario",
    "Unit",
    "apply",
    "compare",
    "find_units",
    "load_norms",
    "load_policy",
    "metrics",
    "read",
    "seed_path",
    "subtree",
]

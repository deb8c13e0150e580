"""The analytic queries of ``cypher/analytics/``, run against a store.

Each file is one Cypher text that runs unchanged on LadybugDB and in Neo4j Browser; its
parameters are ``$org_id`` and ``$version`` (and ``$norms`` for ``hidden_loss``). They
return, per unit or per bureau, what the metric suite (:mod:`orgmodel.metrics`) computes
from the networkx graph; the tests compare the two on every seed organisation.
"""

from __future__ import annotations

from typing import Any

from orgmodel.norms import Norms, load_norms
from orgmodel.store._cypher import analytic_queries
from orgmodel.store.base import GraphStore, NotFound

__all__ = ["analytic_names", "norms_param", "run_analytic"]


def analytic_names() -> list[str]:
    """Names of the analytic queries (``span``, ``layers``, ``station_share``, …)."""
    return sorted(analytic_queries())


def norms_param(norms: Norms | None = None) -> list[dict[str, Any]]:
    """The staffing norms as the ``$norms`` parameter: one map per unit kind."""
    norms = norms if norms is not None else load_norms()
    return [
        {
            "kind": kind,
            "leaders": kn.leaders,
            "admin": kn.admin,
            "duty_posts": kn.duty_posts,
            "officers_per_post": kn.officers_per_post,
            "efficient_size": kn.efficient_size,
            "duty_roster": kn.duty_roster,
            "added_posts": kn.added_posts,
        }
        for kind, kn in norms.kinds.items()
    ]


def run_analytic(
    store: GraphStore,
    name: str,
    org_id: str,
    version: int | None = None,
    *,
    norms: Norms | None = None,
) -> list[dict[str, Any]]:
    """Run ``cypher/analytics/<name>.cypher`` on one organisation version (latest default).

    Raises
    ------
    NotFound
        No such analytic query, organisation or version.
    """
    queries = analytic_queries()
    if name not in queries:
        raise NotFound(f"no analytic query {name!r} (known: {', '.join(sorted(queries))})")
    if version is None:
        version = store.list_versions(org_id)[-1].version
    params: dict[str, Any] = {"org_id": org_id, "version": version}
    if "$norms" in queries[name]:
        params["norms"] = norms_param(norms)
    return store.query(queries[name], params)

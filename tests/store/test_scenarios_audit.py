"""Scenarios (plan, base version, result) and the audit log of every write."""

from __future__ import annotations

import itertools
from typing import Any

import pytest

from orgmodel.model import OrgGraph
from orgmodel.restructure.apply import apply_plan
from orgmodel.restructure.plan import load_plan
from orgmodel.seeds import seed_path
from orgmodel.store import GraphStore, NotFound, StoreError
from tests.store.conftest import renamed, seed_orgs

PLAN = seed_path("plans", "taizhou-gxq-sandui-liangshi.yaml")


def _taizhou(suffix: str = "") -> tuple[OrgGraph, OrgGraph]:
    org = next(o for o in seed_orgs() if o.id == "taizhou-gxq-before")
    return renamed(org, org.id + suffix), apply_plan(org, load_plan(PLAN)).org


def _mine(items: list[Any], suffix: str, attr: str) -> list[Any]:
    """The items of this test (a shared server holds others' too)."""
    return [x for x in items if (getattr(x, attr) or "").endswith(suffix)]


def test_scenario_saved_listed_loaded(any_store: tuple[GraphStore, str]) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    store.save_org(org, "规划员", "before")
    text = PLAN.read_text(encoding="utf-8")
    rec = store.save_scenario("sandui" + sfx, org.id, 1, text, after, "规划员", "三队两室")
    assert (rec.base_id, rec.base_version, rec.units, rec.police) == (
        org.id,
        1,
        len(after),
        after.total_police(),
    )
    assert after.total_police() == org.total_police() == 183  # the published case: conserved
    [listed] = _mine(store.list_scenarios(), sfx, "scenario_id")
    assert listed.scenario_id == "sandui" + sfx and listed.plan == text  # YAML text kept as is
    assert store.list_scenarios(org.id) == [listed]
    assert store.list_scenarios("other") == []
    rec2, loaded = store.load_scenario("sandui" + sfx)
    assert rec2 == listed
    assert loaded == after
    # The base is untouched, and the result is not listed as an organisation.
    assert store.load_org(org.id) == org
    assert [o.org_id for o in _mine(store.list_orgs(), sfx, "org_id")] == [org.id]
    # A plan given as data is kept as JSON text.
    rec3 = store.save_scenario("as-dict" + sfx, org.id, 1, {"ops": [{"op": "noop"}]}, org, "x")
    assert '"op": "noop"' in rec3.plan
    # The result's units are queryable like any version's.
    rows = store.query(
        "MATCH (u:Unit) WHERE u.org_id = $o AND u.version = 1 RETURN count(u) AS n",
        {"o": "scenario:sandui" + sfx},
    )
    assert rows == [{"n": len(after)}]


def test_scenario_errors(any_store: tuple[GraphStore, str]) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    with pytest.raises(NotFound, match="push it first"):
        store.save_scenario("s" + sfx, org.id, 1, "ops: []", after, "x")
    store.save_org(org, "a")
    store.save_scenario("s" + sfx, org.id, 1, "ops: []", after, "x")
    with pytest.raises(StoreError, match="exists already"):
        store.save_scenario("s" + sfx, org.id, 1, "ops: []", after, "x")
    with pytest.raises(NotFound):
        store.load_scenario("missing" + sfx)
    with pytest.raises(StoreError, match="cannot be stored"):
        store.save_scenario("a b", org.id, 1, "ops: []", after, "x")


def test_delete_org_cascades_to_its_scenarios(any_store: tuple[GraphStore, str]) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    other = renamed(seed_orgs()[0], seed_orgs()[0].id + sfx)
    store.save_org(org, "a")
    store.save_org(org, "a")
    store.save_org(other, "a")
    store.save_scenario("s" + sfx, org.id, 2, "ops: []", after, "x")
    assert store.delete_org(org.id, "管理员", "obsolete") == 2
    assert [o.org_id for o in _mine(store.list_orgs(), sfx, "org_id")] == [other.id]
    assert _mine(store.list_scenarios(), sfx, "scenario_id") == []
    with pytest.raises(NotFound):
        store.load_org(org.id)
    assert store.query(
        "MATCH (u:Unit) WHERE u.org_id <> $o AND u.org_id ENDS WITH $s RETURN count(u) AS n",
        {"o": other.id, "s": sfx},
    ) == [{"n": 0}]
    assert store.load_org(other.id) == other
    entry = store.audit_log(org.id)[0]
    assert (entry.action, entry.author, entry.message) == ("delete", "管理员", "obsolete")
    assert "2 versions" in entry.detail and f"1 scenarios: s{sfx}" in entry.detail
    with pytest.raises(NotFound):
        store.delete_org(org.id, "x")


def test_audit_log_records_every_write(any_store: tuple[GraphStore, str]) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    other = renamed(seed_orgs()[0], seed_orgs()[0].id + sfx)
    store.save_org(org, "张三", "导入")
    store.save_org(other, "李四", "import")
    store.save_org(org, "王五", "修改")
    store.save_scenario("s" + sfx, org.id, 2, "ops: []", after, "赵六", "方案")
    log = _mine(store.audit_log(), sfx, "org_id")
    assert [(e.action, e.author, e.org_id, e.version, e.scenario_id, e.message) for e in log] == [
        ("scenario", "赵六", org.id, 2, "s" + sfx, "方案"),
        ("save", "王五", org.id, 2, None, "修改"),
        ("save", "李四", other.id, 1, None, "import"),
        ("save", "张三", org.id, 1, None, "导入"),
    ]
    assert all(a.at >= b.at for a, b in itertools.pairwise(log))
    assert all(e.at.tzinfo is not None for e in log)
    assert [e.author for e in store.audit_log(org.id)] == ["赵六", "王五", "张三"]
    assert len(store.audit_log(limit=2)) == 2
    # Reads and refused queries leave no entry.
    store.load_org(org.id)
    store.query("MATCH (u:Unit) RETURN count(u) AS n")
    assert len(_mine(store.audit_log(), sfx, "org_id")) == 4


# -- the plan's summary: listings never parse a plan (issue 9, point 5) -----------------------


def _forget_summary(store: GraphStore, scenario_id: str) -> None:
    """Make a scenario look as one saved before summaries were kept (no plan_name/plan_ops)."""
    stmt = "MATCH (s:Scenario {id: $sid}) SET s.plan_name = NULL, s.plan_ops = NULL"
    with store._write() as tx:  # type: ignore[attr-defined]
        if hasattr(tx, "conn"):  # LadybugDB
            tx.conn.execute(stmt, {"sid": scenario_id})
        else:  # Neo4j
            tx.tx.run(stmt, {"sid": scenario_id})


def test_plan_summary_is_stored_with_the_scenario(
    any_store: tuple[GraphStore, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    store.save_org(org, "规划员")
    text = PLAN.read_text(encoding="utf-8")
    plan = load_plan(PLAN)
    store.save_scenario("yaml" + sfx, org.id, 1, text, after, "x")
    store.save_scenario("dict" + sfx, org.id, 1, {"name": "两步", "ops": [{}, {}]}, org, "x")
    store.save_scenario("given" + sfx, org.id, 1, text, after, "x", plan_name="给定", plan_ops=7)
    store.save_scenario("garbage" + sfx, org.id, 1, "ops: [unclosed", org, "x")
    # Listing and reading back parse no plan: the parser is out of reach from here on.
    import orgmodel.store._common as common
    import orgmodel.store.cypher_store as cs

    def parse(*_: object) -> None:
        raise AssertionError("a listing parsed a stored plan")

    for module in (common, cs):
        for name in ("plan_data", "plan_summary"):
            if hasattr(module, name):
                monkeypatch.setattr(module, name, parse)
    got = {
        r.scenario_id.removesuffix(sfx): (r.plan_name, r.plan_ops)
        for r in _mine(store.list_scenarios(org.id), sfx, "scenario_id")
    }
    assert got == {
        # the seed plan: its own name, and its ops counted from the file
        "yaml": (plan.name, len(plan.ops)),
        "dict": ("两步", 2),
        "given": ("给定", 7),
        "garbage": ("", 0),  # unreadable: summarised as empty, the text kept as given
    }
    assert len(plan.ops) > 0 and plan.name
    assert store.get_scenario("given" + sfx).plan_ops == 7


def test_old_scenarios_get_their_summary_once_on_open(
    any_store: tuple[GraphStore, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store, sfx = any_store
    org, after = _taizhou(sfx)
    store.save_org(org, "规划员")
    plan = {"name": "旧方案", "ops": [{"op": "noop"}] * 3}
    store.save_scenario("old" + sfx, org.id, 1, plan, after, "x")
    _forget_summary(store, "old" + sfx)
    [rec] = _mine(store.list_scenarios(org.id), sfx, "scenario_id")
    assert (rec.plan_name, rec.plan_ops) == ("", 0)  # what an older store holds
    store.recover()  # what opening the store runs
    [rec] = _mine(store.list_scenarios(org.id), sfx, "scenario_id")
    assert (rec.plan_name, rec.plan_ops) == ("旧方案", 3)
    # Once: the next opening finds nothing to summarise, and parses nothing.
    import orgmodel.store.cypher_store as cs

    calls: list[str] = []
    monkeypatch.setattr(cs, "plan_summary", lambda p: calls.append(p) or ("", 0))
    store.recover()
    assert not [c for c in calls if "旧方案" in c]
    [rec] = _mine(store.list_scenarios(org.id), sfx, "scenario_id")
    assert (rec.plan_name, rec.plan_ops) == ("旧方案", 3)

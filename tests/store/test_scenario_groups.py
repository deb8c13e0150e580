"""Scenario saves in groups (GraphStore.save_scenarios, the API's group commit): one
transaction for many, each save answered on its own, a refused one losing none of the others,
and a group the engine refuses saved again one scenario at a time."""

from __future__ import annotations

import pytest

from orgmodel.model import OrgGraph
from orgmodel.restructure import apply_plan, plan_from_dict
from orgmodel.store import AlreadyExists, GraphStore, NotFound, ScenarioRecord, ScenarioSave
from tests.store.conftest import renamed, seed_orgs

SINK = {"name": "下沉", "ops": [{"op": "sink", "bureaus": "county", "share": 0.1}]}


class Boom(Exception):
    pass


def _county(sfx: str) -> tuple[OrgGraph, OrgGraph]:
    org = next(o for o in seed_orgs() if o.id == "mirror-county")
    org = renamed(org, org.id + sfx)
    return org, apply_plan(org, plan_from_dict(SINK, "test")).org


def _stored_units(store: GraphStore, scenario_id: str) -> int:
    [row] = store.query(
        "MATCH (u:Unit) WHERE u.org_id = $o RETURN count(u) AS n",
        {"o": "scenario:" + scenario_id},
    )
    return int(row["n"])


def test_a_group_answers_each_save_and_refusals_lose_nothing(
    any_store: tuple[GraphStore, str],
) -> None:
    store, sfx = any_store
    org, after = _county(sfx)
    store.save_org(org, "a")
    store.save_scenario("taken" + sfx, org.id, 1, SINK, after, "a")
    ids = ["g0", "g1", "taken", "g1", "g2", "nobase"]
    saves = [
        ScenarioSave(
            sid + sfx,
            org.id,
            2 if sid == "nobase" else 1,  # version 2 was never saved
            SINK,
            after,
            f"作者{i}",
            f"第 {i} 个",
        )
        for i, sid in enumerate(ids)
    ]
    answers = store.save_scenarios(saves)
    assert len(answers) == len(saves)
    good = [0, 1, 4]
    for i in good:
        rec = answers[i]
        assert isinstance(rec, ScenarioRecord), rec
        # its own id, author and message, not a neighbour's
        assert (rec.scenario_id, rec.author, rec.message) == (
            ids[i] + sfx,
            f"作者{i}",
            f"第 {i} 个",
        )
        assert (rec.units, rec.police) == (len(after), after.total_police())
        assert (rec.plan_name, rec.plan_ops) == ("下沉", 1)
    assert isinstance(answers[2], AlreadyExists)  # saved before the group
    assert isinstance(answers[3], AlreadyExists)  # the same id as answers[1], later in the group
    assert isinstance(answers[5], NotFound) and "push it first" in str(answers[5])
    # Every good one is there whole; g1 is the first one given (author 作者1).
    for i in good:
        rec, loaded = store.load_scenario(ids[i] + sfx)
        assert loaded == after
        assert rec.author == ("作者1" if ids[i] == "g1" else f"作者{i}")
    assert _stored_units(store, "nobase" + sfx) == 0
    # One audit entry per saved scenario (and one for "taken"), none for the refused.
    audited = sorted(e.scenario_id or "" for e in store.audit_log(org.id) if e.action == "scenario")
    assert audited == sorted(f"{s}{sfx}" for s in ("g0", "g1", "g2", "taken"))


def test_a_failed_group_is_saved_again_one_by_one(any_store: tuple[GraphStore, str]) -> None:
    store, sfx = any_store
    org, after = _county(sfx)
    store.save_org(org, "a")
    ids = [f"f{i}{sfx}" for i in range(4)]
    units_steps = 0

    def hook(step: str) -> None:
        # The group's write fails, and so does the third scenario's when saved alone.
        nonlocal units_steps
        if step == "units":
            units_steps += 1
            if units_steps in (1, 4):  # 1: the group; 2, 3, 4, 5: f0, f1, f2, f3 alone
                raise Boom(f"injected at units write {units_steps}")

    store.step_hook = hook
    try:
        answers = store.save_scenarios(
            [ScenarioSave(sid, org.id, 1, SINK, after, "a") for sid in ids]
        )
    finally:
        store.step_hook = None
    assert units_steps == 5
    assert isinstance(answers[2], Boom) and "units write 4" in str(answers[2])
    for i in (0, 1, 3):
        rec = answers[i]
        assert isinstance(rec, ScenarioRecord) and rec.scenario_id == ids[i]
        assert store.load_scenario(ids[i])[1] == after
    # Nothing of the failed one anywhere: no units, no scenario, no audit entry.
    assert _stored_units(store, ids[2]) == 0
    with pytest.raises(NotFound):
        store.get_scenario(ids[2])
    assert ids[2] not in {e.scenario_id for e in store.audit_log(org.id)}
    # ... and its id is free for the next try.
    assert store.save_scenario(ids[2], org.id, 1, SINK, after, "a").scenario_id == ids[2]


def test_a_group_larger_than_one_transaction_is_split(store: GraphStore) -> None:
    org, after = _county("")
    store.save_org(org, "a")
    store.group_units = 2 * len(after)  # type: ignore[attr-defined, misc]
    commits = 0

    def hook(step: str) -> None:
        nonlocal commits
        commits += step == "commit"

    store.step_hook = hook
    answers = store.save_scenarios(
        [ScenarioSave(f"s{i}", org.id, 1, SINK, after, "a") for i in range(5)]
    )
    store.step_hook = None
    # 5 scenarios, at most 2 per transaction: 2 + 2 + 1
    assert commits == 3
    assert [a.scenario_id for a in answers if isinstance(a, ScenarioRecord)] == [
        f"s{i}" for i in range(5)
    ]
    assert [r.scenario_id for r in store.list_scenarios(org.id)] == [f"s{i}" for i in range(5)]

"""A load reads a stored version straight into columns (issue 13): the edges by the units'
seq (rows of the units read, no id looked up), the ids and names checked in whole-column
passes so that the model skips its own — and whatever those passes do not vouch for, or
a seq that is not one of the version's units, still gets the model's word or the edges
read by id."""

from __future__ import annotations

from typing import Any

import pytest

from orgmodel.model import OrgGraph
from orgmodel.store import GraphStore, StoreError, cypher_store
from tests.store.conftest import generated_org, renamed


def _write(store: GraphStore, stmt: str, params: dict[str, Any]) -> None:
    """A write straight to the engine, past the store (what a damaged store looks like)."""
    with store._write() as tx:  # type: ignore[attr-defined]
        if hasattr(tx, "conn"):  # LadybugDB
            tx.conn.execute(stmt, params)
        else:  # Neo4j
            tx.tx.run(stmt, params)


def _same(a: OrgGraph, b: OrgGraph) -> None:
    assert a == b
    assert a.guides == b.guides and a.dispatches == b.dispatches
    assert a.columns.ids == b.columns.ids and a.columns.names == b.columns.names
    assert [str(w) for w in a.warnings] == [str(w) for w in b.warnings]
    assert dict(a.index) == {u: i for i, u in enumerate(a.columns.ids)}


@pytest.fixture
def saved(any_store: tuple[GraphStore, str]) -> tuple[GraphStore, OrgGraph]:
    store, suffix = any_store
    org = renamed(generated_org(), generated_org().id + suffix)
    assert org.guides and org.dispatches
    store.save_org(org, "测试", "v1")
    return store, org


def test_a_load_gives_back_the_organisation_saved(saved: tuple[GraphStore, OrgGraph]) -> None:
    store, org = saved
    _same(store.load_org(org.id), org)


@pytest.mark.parametrize("shift", [10, -1])
def test_edges_by_seq_when_the_seqs_are_not_the_rows(
    saved: tuple[GraphStore, OrgGraph], shift: int
) -> None:
    # seq 10, 11, … (or -1, 0, …): still in order, no longer the rows; the edges map by seq.
    store, org = saved
    _write(
        store,
        "MATCH (u:Unit) WHERE u.org_id = $o SET u.seq = u.seq + $k",
        {"o": org.id, "k": shift},
    )
    _same(store.load_org(org.id), org)


def test_edges_are_read_by_id_when_the_seqs_do_not_tell_rows(
    saved: tuple[GraphStore, OrgGraph], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two units with one seq: a seq no longer names one row, so the edges are read by id.
    store, org = saved
    upper, lower = org.guides[0]
    _write(
        store,
        "MATCH (u:Unit), (v:Unit) WHERE u.org_id = $o AND v.org_id = $o AND u.id = $a "
        "AND v.id = $b SET u.seq = v.seq",
        {"o": org.id, "a": lower, "b": upper},
    )
    by_id: list[int] = []
    pairs = cypher_store._pairs
    monkeypatch.setattr(cypher_store, "_pairs", lambda t: by_id.append(1) or pairs(t))
    loaded = store.load_org(org.id)
    assert by_id == [1, 1]  # guides and dispatches
    assert sorted(loaded.guides) == sorted(org.guides)
    assert sorted(loaded.dispatches) == sorted(org.dispatches)
    assert sorted(loaded.columns.ids) == sorted(org.columns.ids)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("name", "城关\u202e所", "U+202E"),  # saved before the rule refused it
        ("name", "\u3000", "unit has no name"),
        ("id", "s\u0007x", "control character"),
    ],
)
def test_text_the_load_does_not_vouch_for_gets_the_models_word(
    saved: tuple[GraphStore, OrgGraph], field: str, value: str, expected: str
) -> None:
    store, org = saved
    leaf = org.columns.ids[-1]  # no edge and no child names it
    _write(
        store,
        f"MATCH (u:Unit) WHERE u.org_id = $o AND u.id = $u SET u.{field} = $v",
        {"o": org.id, "u": leaf, "v": value},
    )
    with pytest.raises(StoreError, match="does not validate any more") as e:
        store.load_org(org.id)
    assert expected in str(e.value)


def test_a_duplicate_id_in_the_store_is_the_models_error(
    saved: tuple[GraphStore, OrgGraph],
) -> None:
    store, org = saved
    first, last = org.columns.ids[1], org.columns.ids[-1]
    _write(
        store,
        "MATCH (u:Unit) WHERE u.org_id = $o AND u.id = $u SET u.id = $v",
        {"o": org.id, "u": last, "v": first},
    )
    with pytest.raises(StoreError, match="duplicate unit id"):
        store.load_org(org.id)

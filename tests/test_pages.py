"""small_pages: numpy's huge-page advice off inside the block, numpy's own setting after."""

from __future__ import annotations

import pytest

from orgmodel import _pages
from orgmodel.model import OrgGraph, Unit
from orgmodel.restructure import apply_plan, plan_from_dict

switch = _pages._set_madvise_hugepage
pytestmark = pytest.mark.skipif(switch is None, reason="this numpy has no huge-page switch")


def _state() -> bool:
    assert switch is not None
    was = switch(True)
    switch(was)
    return was


@pytest.mark.parametrize("before", [True, False])
def test_the_advice_is_off_inside_and_restored_after(before: bool) -> None:
    assert switch is not None
    original = switch(before)
    try:
        with _pages.small_pages():
            assert _state() is False
        assert _state() is before
        with pytest.raises(RuntimeError), _pages.small_pages():
            raise RuntimeError  # restored on the way out of an error too
        assert _state() is before
    finally:
        switch(original)


def test_apply_plan_leaves_numpys_setting_as_it_was() -> None:
    assert switch is not None
    original = switch(True)
    seen: list[bool] = []
    real = _pages._set_madvise_hugepage

    def spy(on: bool) -> bool:
        assert real is not None
        seen.append(on)
        return real(on)

    base = OrgGraph(
        [
            Unit("b", "某县公安局", "county"),
            Unit("d1", "刑侦大队", "department", "b", "criminal", police=10),
            Unit("d2", "经侦大队", "department", "b", "economic", police=5),
        ]
    )
    plan = plan_from_dict(
        {"name": "并", "ops": [{"op": "merge", "units": ["d1", "d2"], "into": "d1"}]}
    )
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(_pages, "_set_madvise_hugepage", spy)
            assert apply_plan(base, plan).org.attrs("d1")["police"] == 15  # 10 + 5
        assert seen == [False, True]  # off for the apply, then back to numpy's True
        assert _state() is True
    finally:
        switch(original)


def test_overlapping_blocks_restore_numpys_setting_once_the_last_leaves() -> None:
    # Two threads of the API may overlap: A enters, B enters, A leaves, B leaves. Each saving
    # and restoring on its own would let A restore True while B still runs, then B "restore"
    # the False it saw on entry — leaving the advice off for good.
    assert switch is not None
    original = switch(True)
    try:
        a, b = _pages.small_pages(), _pages.small_pages()
        a.__enter__()
        b.__enter__()
        assert _state() is False
        a.__exit__(None, None, None)
        assert _state() is False  # B still inside
        b.__exit__(None, None, None)
        assert _state() is True
    finally:
        switch(original)


def test_metric_report_leaves_numpys_setting_as_it_was() -> None:
    from orgmodel.metrics import metric_report

    assert switch is not None
    original = switch(True)
    seen: list[bool] = []
    real = _pages._set_madvise_hugepage

    def spy(on: bool) -> bool:
        assert real is not None
        seen.append(on)
        return real(on)

    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("s", "城关派出所", "station", "b", police=20),
        ]
    )
    try:
        with pytest.MonkeyPatch.context() as m:
            m.setattr(_pages, "_set_madvise_hugepage", spy)
            assert metric_report(org)["org"]["units"] == 2
        assert seen == [False, True]
        assert _state() is True
    finally:
        switch(original)

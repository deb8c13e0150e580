"""orgmodel._gc: the collector paused while large acyclic structures are built, counted across
threads (the API server's workers read and apply plans at the same time)."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
import yaml

import orgmodel._yaml
from orgmodel._gc import gc_paused
from orgmodel._yaml import load_yaml


def test_overlapping_pauses_in_two_threads_resume_once_the_last_leaves() -> None:
    assert gc.isenabled()
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def a() -> None:
        with gc_paused():
            a_in.set()
            assert b_in.wait(10)
        seen["after a left, b still inside"] = gc.isenabled()
        a_out.set()

    def b() -> None:
        assert a_in.wait(10)
        with gc_paused():
            b_in.set()
            assert a_out.wait(10)
            seen["b inside"] = gc.isenabled()

    threads = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    # the first pause's leaving does not resume the collector under the second
    assert seen == {"after a left, b still inside": False, "b inside": False}
    assert gc.isenabled()


def test_a_collector_paused_before_stays_paused() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # not ours to resume
    finally:
        gc.enable()


def test_load_yaml_reads_with_the_collector_paused_and_resumes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    during: list[bool] = []
    real = yaml.load

    def spy(*args: Any, **kwargs: Any) -> Any:
        during.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(orgmodel._yaml.yaml, "load", spy)
    assert load_yaml("ops:\n- {op: hire, unit: s1, police: 1}\n") == {
        "ops": [{"op": "hire", "unit": "s1", "police": 1}]
    }
    assert during == [False] and gc.isenabled()
    # a refused file resumes it too
    with pytest.raises(yaml.YAMLError, match="duplicate key 'a'"):
        load_yaml("a: 1\na: 2\n")
    assert gc.isenabled()

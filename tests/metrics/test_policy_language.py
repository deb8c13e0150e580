"""A rule whose scope has no unit says so in the language it is shown in (the note was one
bilingual sentence, "本组织没有派出所 (no station unit in this organisation): rule not
evaluated", in both languages)."""

from __future__ import annotations

from orgmodel.i18n import language
from orgmodel.metrics.policy import evaluate_policy
from orgmodel.model import OrgGraph, Unit
from orgmodel.norms import PolicyRule


def test_no_unit_note_in_each_language() -> None:
    org = OrgGraph([Unit("b", "某县公安局", "county", police=5)])  # no 派出所
    rule = PolicyRule("c", "社区民警占比", "community_share", "station", ">=", 0.4, "公安部")
    (row,) = evaluate_policy(org, [rule])
    assert row["unit_id"] is None and row["passed"] is None
    note = row["note"]
    # as data (JSON, the API): English, with the kind's Chinese name and code
    assert note == "no 派出所 (station) in this organisation: rule not evaluated"
    with language("en"):
        assert str(note) == "no 派出所 (station) in this organisation: rule not evaluated"
    with language("zh"):
        assert str(note) == "本组织没有派出所：未评估此规则"

"""The norms and policy files' models (orgmodel.norms: NormsFile, PolicyFile) are the one home
of those shapes: they agree with the readers and the dataclasses, field for field, and the
shipped files and the norms a report echoes fit them."""

from __future__ import annotations

import copy
import dataclasses
import doctest
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

import orgmodel.norms
from orgmodel.errors import InputError
from orgmodel.labels import POLICY_METRIC_IDS
from orgmodel.model import GROUP_KINDS, KINDS
from orgmodel.norms import (
    COMPARATORS,
    MAX_NORM,
    POLICY_SCOPES,
    GroupNormsFile,
    KindNorm,
    KindNormsFile,
    Norms,
    NormsFile,
    PolicyFile,
    PolicyRule,
    PolicyRuleFile,
    SpanNormsFile,
    TeamNormsFile,
    load_norms,
    norms_from_dict,
    norms_json_schema,
    policy_from_dict,
    policy_json_schema,
)
from orgmodel.seeds import seed_path

NORMS: dict[str, Any] = yaml.safe_load(seed_path("norms.yaml").read_text(encoding="utf-8"))
POLICY: dict[str, Any] = yaml.safe_load(seed_path("policy.yaml").read_text(encoding="utf-8"))


def test_the_models_have_the_dataclasses_fields() -> None:
    kind = {f.name for f in dataclasses.fields(KindNorm)}
    for model in (KindNormsFile, TeamNormsFile, GroupNormsFile):
        assert set(model.model_fields) == kind, model
    rule = {f.name for f in dataclasses.fields(PolicyRule)}
    assert set(PolicyRuleFile.model_fields) == rule
    # the top level and span: Norms' fields (span's three are nested in the file)
    top = {f.name for f in dataclasses.fields(Norms)} - {"source"}
    span = set(SpanNormsFile.model_fields)
    assert span == {"narrow_below", "wide_above", "bands"}
    assert set(NormsFile.model_fields) == (top - span) | {"span"}


def test_the_models_defaults_are_the_readers() -> None:
    # a file giving only kinds: the reader's norms are the models' defaults
    read = norms_from_dict({"kinds": NORMS["kinds"]})
    model = NormsFile.model_validate({"kinds": NORMS["kinds"]})
    span = SpanNormsFile()
    assert (read.officers_per_post, read.absence_rate) == (
        model.officers_per_post,
        model.absence_rate,
    )
    assert (read.narrow_below, read.wide_above) == (span.narrow_below, span.wide_above)
    assert [list(b) for b in read.bands] == [list(b) for b in span.bands]
    assert PolicyRuleFile.model_fields["source"].default == ""


def test_the_shipped_files_and_the_echoed_norms_fit_the_models() -> None:
    NormsFile.model_validate(NORMS)
    NormsFile.model_validate(load_norms().to_dict())  # the shape every report echoes
    PolicyFile.model_validate(POLICY)


def test_the_schemas_list_the_librarys_names() -> None:
    norms = norms_json_schema()
    kinds = norms["$defs"]["KindsNormsFile"]
    assert norms["required"] == ["kinds"] and kinds["additionalProperties"] is False
    assert set(kinds["properties"]) == set(KINDS)
    assert set(kinds["required"]) == set(KINDS) - set(GROUP_KINDS)
    assert norms["$defs"]["KindNormsFile"]["properties"]["leaders"] == {
        "description": "Leader posts (领导职数).",
        "maximum": MAX_NORM,
        "minimum": 0,
        "title": "Leaders",
        "type": "integer",
    }
    assert norms["properties"]["absence_rate"]["exclusiveMaximum"] == 1
    # only teams and offices add posts to their station; a group has none of its own
    defs = norms["$defs"]
    assert defs["KindNormsFile"]["properties"]["added_posts"]["maximum"] == 0
    assert defs["TeamNormsFile"]["properties"]["added_posts"]["maximum"] == MAX_NORM
    assert defs["GroupNormsFile"]["properties"]["leaders"]["maximum"] == 0
    rule = policy_json_schema()["$defs"]["PolicyRuleFile"]
    assert rule["required"] == ["id", "description", "metric", "scope", "comparator", "threshold"]
    assert rule["properties"]["comparator"]["enum"] == list(COMPARATORS)
    assert rule["properties"]["metric"]["enum"] == list(POLICY_METRIC_IDS)
    assert rule["properties"]["scope"]["enum"] == list(POLICY_SCOPES)


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(d: dict[str, Any]) -> None:
        *head, last = path.split(".")
        for k in head:
            d = d[k]
        if value is KeyError:
            del d[last]
        else:
            d[last] = value

    return change


NORMS_MISTAKES = {
    "a kind missing": _set("kinds.station", KeyError),
    "an unknown kind": _set("kinds.bureau", NORMS["kinds"]["county"]),
    "negative leaders": _set("kinds.county.leaders", -1),
    "leaders past the bound": _set("kinds.county.leaders", MAX_NORM + 1),
    "efficient size 0": _set("kinds.station.efficient_size", 0),
    "posts per officer past the bound": _set("officers_per_post", 10**20),
    "absence of everyone": _set("absence_rate", 1.0),
    "no kinds": _set("kinds", KeyError),
    "a group with leaders": _set(
        "kinds.group", {"leaders": 1, "admin": 0, "duty_posts": 0, "efficient_size": 1}
    ),
    "a station adding posts": _set("kinds.station.added_posts", 2),
}


@pytest.mark.parametrize("mistake", list(NORMS_MISTAKES))
def test_norms_mistakes_are_refused_by_the_reader_and_the_model(mistake: str) -> None:
    bad = copy.deepcopy(NORMS)
    NORMS_MISTAKES[mistake](bad)
    with pytest.raises(InputError):
        norms_from_dict(bad, "body")
    with pytest.raises(ValidationError):
        NormsFile.model_validate(bad)


def test_a_team_may_add_posts_in_the_reader_and_the_model() -> None:
    ok = copy.deepcopy(NORMS)
    ok["kinds"]["team"]["added_posts"] = 2
    assert norms_from_dict(ok)["team"].added_posts == 2
    NormsFile.model_validate(ok)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("comparator", "=>"),
        ("metric", "happiness"),
        ("scope", "planet"),
        ("threshold", "x"),
        # not finite: the model took them (its schema said "number"), the reader refused
        ("threshold", float("inf")),
        ("threshold", float("nan")),
        ("threshold", 10**400),
    ],
)
def test_policy_mistakes_are_refused_by_the_reader_and_the_model(field: str, value: Any) -> None:
    bad = copy.deepcopy(POLICY)
    bad["rules"][0][field] = value
    with pytest.raises(InputError):
        policy_from_dict(bad, "body")
    with pytest.raises(ValidationError):
        PolicyFile.model_validate(bad)


def test_a_rule_missing_fields_names_them_in_the_models_order() -> None:
    with pytest.raises(InputError, match=r"rules\[0\]: missing description, metric, scope, "):
        policy_from_dict({"rules": [{"id": "a"}]}, "body")


def test_doctests() -> None:
    result = doctest.testmod(orgmodel.norms, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 4 and result.failed == 0


def test_a_misspelt_norms_key_is_refused_not_dropped() -> None:
    from orgmodel.errors import InputError
    from orgmodel.i18n import language
    from orgmodel.norms import load_norms, norms_from_dict

    good = load_norms().to_dict()
    # 'absense_rate: 0.30' was a note: the report used the default 10% in silence
    bad = {**good, "absense_rate": 0.30}
    bad.pop("absence_rate")
    with pytest.raises(InputError, match=r"'absense_rate' is not a norms key.*'absence_rate'"):
        norms_from_dict(bad, "n.yaml")
    kinds = {**good["kinds"], "station": {**good["kinds"]["station"], "duty_rooster": False}}
    with pytest.raises(InputError, match=r"^n.yaml: kinds.station: 'duty_rooster'") as e:
        norms_from_dict({**good, "kinds": kinds}, "n.yaml")
    with language("zh"):
        assert "不是定额的键：是否应为 'duty_roster'" in str(e.value)
    span = {**good["span"], "wide_abvoe": 10}
    with pytest.raises(InputError, match=r"span: 'wide_abvoe'"):
        norms_from_dict({**good, "span": span}, "n.yaml")
    # notes that are no near-miss of a key stay notes
    n = norms_from_dict({**good, "note": "2024 版", "source": "x"}, "n.yaml")
    assert n.absence_rate == good["absence_rate"]

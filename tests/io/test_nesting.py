"""The nesting limit counts structure only (orgmodel.io.nesting): a bracket inside a string or
a YAML comment nests nothing, and a real depth is refused however strings try to hide it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from orgmodel.errors import InputError
from orgmodel.io import load_org, read_org
from orgmodel.io.nesting import MAX_NESTING, NestingError, _json_depth, check_nesting
from orgmodel.restructure import PlanError, load_plan
from orgmodel.seeds import parse_data

BRACKETS = "[[[[{{{{" * 10  # 80 opening brackets: past MAX_NESTING (64) if they counted


def _org(name: str) -> dict[str, Any]:
    return {
        "orgmodel": 1,
        "id": "t",
        "name": "测试",
        "units": [
            {"id": "xj", "name": "县局", "kind": "county", "police": 5},
            {"id": "s1", "name": name, "kind": "station", "parent": "xj", "police": 20},
        ],
    }


def test_a_json_name_of_brackets_is_read(tmp_path: Path) -> None:
    # Before: "the document nests more than 64 levels deep" for a file nesting 3.
    p = tmp_path / "org.json"
    p.write_text(json.dumps(_org(BRACKETS), ensure_ascii=False), encoding="utf-8")
    g = load_org(p)
    assert g.unit("s1").name == BRACKETS and g.total_police() == 25  # 5 + 20


@pytest.mark.parametrize("quote", ['"', "'"])
def test_a_yaml_name_of_brackets_and_a_comment_are_read(quote: str) -> None:
    text = yaml.safe_dump(_org("x"), allow_unicode=True).replace(
        "name: x", f"name: {quote}{BRACKETS}{quote}  # {BRACKETS}"
    )
    g = read_org(text, "yaml")
    assert g.unit("s1").name == BRACKETS


def test_an_escaped_quote_across_the_4_mib_pieces_keeps_the_string_open() -> None:
    # The string opens at byte 1; an escaped quote \" straddles the pieces (the backslash is
    # the last byte of the first 4 MiB): the brackets after it are still in the string.
    head = '["' + "a" * ((1 << 22) - 3)
    text = head + '\\"' + BRACKETS + '"]'
    assert text[(1 << 22) - 1] == "\\"
    assert _json_depth(text) == 1
    assert _json_depth(text.encode()) == 1


def test_real_depth_is_still_refused_and_brackets_in_strings_cannot_hide_it() -> None:
    with pytest.raises(NestingError, match=r"x\.json: the document nests more than 64"):
        check_nesting("[" * 65 + "]" * 65, "x.json", indentation=False)
    with pytest.raises(NestingError):
        check_nesting("[" * 65 + "]" * 65, "x.yaml")
    # 40 deep, a string of 40 closing brackets, 40 deeper: 80 deep. The quick count (every
    # bracket) reads 40; a JSON text of this size is counted exactly.
    hidden = "[" * 40 + '"' + "]" * 40 + '",' + "[" * 40 + "]" * 80
    assert _json_depth(hidden) == 80
    with pytest.raises(NestingError):
        check_nesting(hidden, "x.json", indentation=False)


def test_a_deep_json_plan_file_is_refused_as_too_deep(tmp_path: Path) -> None:
    # .json plans are read by json (they were read by YAML): its recursion is guarded too
    p = tmp_path / "plan.json"
    p.write_text('{"name": "x", "ops": [' + "[" * 5000 + "]" * 5000 + "]}", encoding="utf-8")
    with pytest.raises(NestingError, match="nests more than 64"):
        load_plan(p)


def _depth(value: Any) -> int:
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    return 0


JSON_VALUES = st.recursive(
    st.none() | st.integers() | st.text(alphabet='[]{}"\\a汉', max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(alphabet='[]{}"\\k', max_size=4), inner, max_size=3)
    ),
    max_leaves=12,
)


@given(JSON_VALUES)
def test_json_depth_is_the_depth_of_the_value(value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    assert _json_depth(text) == _depth(value)
    assert MAX_NESTING == 64


# A stray "]" on line 2 (column 14 closes the document's "{"), then 100 levels: the syntax
# error comes first, so it is what the reader names (before: "nests more than 64 levels").
STRAY_THEN_DEEP = '{"orgmodel": 1,\n "units": [1]]\n ' + "[" * 100 + "]" * 100 + "}"


def test_a_syntax_error_before_the_depth_is_named_with_its_line_and_column(
    tmp_path: Path,
) -> None:
    org = tmp_path / "org.json"
    org.write_text(STRAY_THEN_DEEP, encoding="utf-8")
    with pytest.raises(InputError, match=r"org\.json: malformed JSON at line 2, column 14"):
        load_org(org)
    with pytest.raises(InputError, match=r"malformed JSON at line 2, column 14"):
        parse_data(STRAY_THEN_DEEP, "norms.json")
    plan = tmp_path / "plan.json"
    plan.write_text(STRAY_THEN_DEEP.replace('"orgmodel": 1', '"name": "x"'), encoding="utf-8")
    with pytest.raises(PlanError, match=r"malformed JSON at line 2, column 14"):
        load_plan(plan)


@pytest.mark.parametrize(
    "text",
    [
        "[1] " + "[" * 70,  # extra data before the depth
        '{"a" ' + "[" * 70,  # no ":" after a key
        '["]" 1' + "[" * 70,  # a "]" in a string, then no ","
    ],
)
def test_check_nesting_leaves_an_earlier_syntax_error_to_the_reader(text: str) -> None:
    check_nesting(text, "x.json", indentation=False)  # no NestingError
    with pytest.raises(json.JSONDecodeError) as e:
        json.loads(text)
    assert e.value.pos <= text.index("[" * 65)  # before the deep part begins


@pytest.mark.parametrize(
    "text",
    [
        "[" * 65 + "]" * 65,
        "[1, " + "[" * 70,  # the error (unclosed) comes after the depth
        "[" * 64 + '{"a" [',  # the 65th level is the "{", valid where it stands
    ],
)
def test_depth_before_any_syntax_error_is_still_refused_as_too_deep(text: str) -> None:
    with pytest.raises(NestingError, match="nests more than 64"):
        check_nesting(text, "x.json", indentation=False)

"""The fast reading path (issue 13): orjson for JSON, columns built in one pass, the
vectorised nesting check, the ASCII fast path of ids. Same answers and messages as the
unit-by-unit reader."""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orgmodel.errors import InputError
from orgmodel.io.ids import IdError, normalize_id
from orgmodel.io.nesting import NestingError, _bracket_depth, check_nesting
from orgmodel.io.orgfile import load_org, read_org
from orgmodel.model import OrgValidationError


def _units(*rows: object) -> bytes:
    return json.dumps({"orgmodel": 1, "id": "t", "units": list(rows)}, ensure_ascii=False).encode()


def test_row_problems_in_file_order(tmp_path: Path) -> None:
    p = tmp_path / "org.json"
    p.write_bytes(
        _units(
            {"id": "b", "name": "某县公安局", "kind": "county"},
            "not a unit",
            {"id": "1.30102E+11", "name": "x", "kind": "station", "parent": "b"},
            {"name": "无编号", "kind": "station", "parent": "b"},
            {"id": "s", "name": "城关派出所", "kind": "station", "parent": "b", "colour": 1},
            {"id": "s", "name": "重复", "kind": "station", "parent": "b"},
            {"id": "t", "kind": "station", "parent": "b"},
        )
    )
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    lines = [str(i) for i in e.value.issues]
    assert lines[0] == "units[1]: a unit must be a mapping"
    assert lines[1].startswith("units[2]: id '1.30102E+11' is a number in scientific notation")
    assert lines[2:6] == [
        "units[3]: unit has no id",
        "units[4], unit 's': unknown field 'colour'",
        "units[5], unit 's': duplicate unit id",
        "units[6], unit 't': missing name",
    ]


def test_yaml_rows_carry_lines() -> None:
    text = "units:\n  - {id: b, name: 局, kind: county}\n  - {id: b, name: 所, kind: station}\n"
    with pytest.raises(OrgValidationError, match=r"units\[1\] \(line 3\), unit 'b': duplicate"):
        read_org(text)


def test_integer_beyond_64_bits_is_named_by_the_model() -> None:
    # orjson refuses 10**20; the standard library reads it and the model names the field.
    text = _units({"id": "b", "name": "局", "kind": "county", "police": 10**20})
    with pytest.raises(OrgValidationError, match=r"unit 'b': police 100000000000000000000 is more"):
        read_org(text, "json")


def test_malformed_and_non_utf8_json_messages(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"x: malformed JSON at line 2, column 4: Expecting"):
        read_org(b'{"units": [\n  ]]}', "json", "x")
    p = tmp_path / "gbk.json"
    p.write_bytes('{"name": "河西"}'.encode("gbk"))
    with pytest.raises(InputError, match=r"gbk\.json: not UTF-8 text \(byte 10\)"):
        load_org(p)


def test_json_reads_bytes_and_text_alike() -> None:
    data = _units(
        {"id": "b", "name": "某县公安局", "kind": "county", "police": 5},
        {"id": "s", "name": "城关派出所", "kind": "station", "parent": "b", "police": 20},
    )
    a, b = read_org(data, "json"), read_org(data.decode(), "json")
    assert a == b and a.total_police() == 25  # 5 + 20


def _reference_depth(text: str) -> int:
    depth = deepest = 0
    for ch in re.findall(r"[\[\]{}]", text):
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif depth:
            depth -= 1
    return deepest


@given(st.text(alphabet='[]{}a汉"', max_size=60))
def test_bracket_depth_matches_the_walk(text: str) -> None:
    assert _bracket_depth(text) == _reference_depth(text)
    assert _bracket_depth(text.encode()) == _reference_depth(text)


def test_nesting_refused_for_bytes_without_indentation() -> None:
    check_nesting(b"[" * 64 + b"]" * 64, "ok.json", indentation=False)
    with pytest.raises(NestingError, match=r"deep\.json: the document nests more than 64"):
        check_nesting(b"[" * 65, "deep.json", indentation=False)
    # ']]]' before anything opens counts as nothing: depth 2 here, not -1.
    assert _bracket_depth("]]][[") == 2


def _slow_normalize(value: object) -> str | None:
    """normalize_id without its ASCII fast path (the rules of orgmodel/io/ids.py)."""
    if value is None:
        return None
    assert isinstance(value, str)
    # blanks only: U+001C–U+001F, U+0085, U+2028 and U+2029 stay, for the model to refuse
    t = unicodedata.normalize("NFKC", value).strip(" \t\r\n\x0b\x0c")
    if not t:
        return None
    if re.fullmatch(r"[+-]?\d+\.0+", t):
        return t.split(".", 1)[0]
    if re.fullmatch(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+", t):
        raise IdError(t)
    return t


@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=12))
def test_ascii_fast_path_agrees_with_the_rules(text: str) -> None:
    try:
        want: str | type[IdError] | None = _slow_normalize(text)
    except IdError:
        want = IdError
    try:
        got: str | type[IdError] | None = normalize_id(text)
    except IdError:
        got = IdError
    assert got == want

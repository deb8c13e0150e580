"""A key given twice in one JSON object is refused by every reader of an organisation, as the
YAML reader refuses it: the streaming reader of big files, the full reader, API bodies."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgmodel.generate import write_generated
from orgmodel.i18n import language
from orgmodel.io import orgfile
from orgmodel.io.jsonkeys import colons, fast_key_count, key_colons, key_count, repeated_keys
from orgmodel.io.orgfile import load_org, read_org
from orgmodel.model import OrgValidationError

UNITS = (
    '{"id": "b", "name": "某县公安局", "kind": "county", "police": 5},\n'
    '{"id": "s1", "parent": "b", "name": "城关派出所", "kind": "station", "police": 6}'
)
TWICE = (
    '{"id": "b", "name": "某县公安局", "kind": "county", "police": 5},\n'
    '{"id": "s1", "parent": "b", "name": "城关派出所", "kind": "station", "police": 6, '
    '"police": 60}'
)


def _doc(units: str, rest: str = "") -> str:
    return '{"orgmodel": 1, "id": "t", "name": "某县", "units": [\n' + units + "]" + rest + "}"


def _refusal(text: str) -> tuple[str, str]:
    """The refusal of ``text`` by the streaming reader (``read_org``) and by the full reader,
    which must be the same; returned in English and in Chinese."""
    with pytest.raises(OrgValidationError) as streamed:
        read_org(text, "json", "org.json")
    with pytest.raises(OrgValidationError) as full:
        orgfile._read_full(text, "json", "org.json", None)
    assert streamed.value.issues == full.value.issues
    with language("zh"):
        zh = "\n".join(str(i) for i in streamed.value.issues)
    return "\n".join(str(i) for i in streamed.value.issues), zh


def test_a_unit_giving_police_twice_is_refused_in_both_languages() -> None:
    # Before: the unit silently held 60 officers (the last value), 65 in all.
    assert len(read_org(_doc(UNITS), "json")) == 2  # the same file with the key once reads
    en, zh = _refusal(_doc(TWICE))
    assert en == (
        "units[1], unit 's1': key 'police' is given twice in one object: the last value "
        "would silently win; give it once"
    )
    assert (
        zh == "units[1]、单位 's1'：键 'police' 在同一对象中给了两次：后一个值会悄悄生效；只写一次"
    )


@pytest.mark.parametrize(
    ("text", "where", "key"),
    [
        (_doc(UNITS).replace('"units"', '"units": [], "units"'), "the top level", "units"),
        (_doc(UNITS, ', "name": "另一县"'), "the top level", "name"),
        (
            _doc(UNITS, ', "guides": [{"from": "b", "to": "s1", "from": "s1"}]'),
            "guides[0]",
            "from",
        ),
        (
            _doc(UNITS, ', "parent_bureau": {"name": "市局", "functions": [], "name": "省厅"}'),
            "parent_bureau",
            "name",
        ),
        # a member the reader skips is held to the same rule (as YAML holds it)
        (_doc(UNITS, ', "history": {"a": 1, "a": 2}'), "history", "a"),
    ],
)
def test_a_key_twice_anywhere_in_the_document_is_named(text: str, where: str, key: str) -> None:
    en, _ = _refusal(text)
    assert en == (
        f"{where}: key {key!r} is given twice in one object: the last value would silently "
        "win; give it once"
    )


def test_colons_in_strings_and_null_fields_are_not_taken_for_repeated_keys() -> None:
    # A colon inside a name, a description or a skipped member, an escaped quote before
    # one, fields given as null and headcounts given as 0: all read, none refused.
    units = (
        '{"id": "b", "name": "局: \\"总\\": 部", "kind": "county", "police": 0, '
        '"auxiliaries": 0, "function": null, "parent": null},\n'
        '{"id": "s1", "parent": "b", "name": "所\\\\", "kind": "station", "police": 6, '
        '"establishment": null, "leaders": null}'
    )
    text = _doc(units, ', "description": "a: b", "extra": {"k": "x:y"}')
    org = read_org(text, "json", "org.json")
    assert [(u.id, u.name, u.police) for u in org.units()] == [
        ("b", '局: "总": 部', 0),
        ("s1", "所\\", 6),
    ]


def test_the_count_of_keys_by_hand() -> None:
    text = '{"a": "x:y", "b": {"c\\":": 1, "d": [{"e": ":"}]}, "f": "\\\\"}'
    # colons: "x:y" 1, a 1, b 1, c 1, the ':' in the key "c\":" 1, d 1, e 1, ":" 1, f 1 = 9
    assert colons(text) == 9
    # keys written: a, b, c":, d, e, f = 6 (the others are inside strings)
    assert key_colons(text) == 6
    assert key_count(json.loads(text)) == 6
    assert repeated_keys(text) == []


def test_a_big_file_streamed_in_pieces_is_refused_at_its_unit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small blocks: the file is read in many pieces, the repeated key in a late one.
    monkeypatch.setattr(orgfile, "_BLOCK", 4096)
    p = tmp_path / "big.json"
    write_generated(p, 1, 2, 2, seed=3)
    clean = load_org(p)
    data = json.loads(p.read_text(encoding="utf-8"))
    last = len(data["units"]) - 1
    uid = data["units"][last]["id"]
    text = p.read_text(encoding="utf-8")
    at = text.rindex(f'"id": "{uid}"')
    p.write_text(text[:at] + '"kind": "station", ' + text[at:], encoding="utf-8")
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    assert [str(i) for i in e.value.issues] == [
        f"units[{last}], unit {uid!r}: key 'kind' is given twice in one object: the last "
        "value would silently win; give it once"
    ]
    assert len(clean) == last + 1


def test_a_member_of_many_mappings_before_the_units_is_checked_at_c_speed_and_still_refused(
    tmp_path: Path,
) -> None:
    # A list of mappings (a member the reader drops) counts its keys as the sum of the
    # mappings' sizes: a lower bound of the keys kept (nested mappings left out), so that
    # equal to the colons means no repeat without walking a million mappings in Python.
    many = [{"a": i, "b": "x", "c": [1, 2]} for i in range(3)]
    assert fast_key_count(many) == 9  # 3 mappings × 3 keys
    nested = [{"a": {"b": 1}}, {"c": 2}]
    assert fast_key_count(nested) == 2 <= key_count(nested) == 3  # a, c; b nested
    units = [
        {"id": "b", "name": "某县公安局", "kind": "county", "police": 5},
        {"id": "s", "name": "城关派出所", "kind": "station", "parent": "b", "police": 3},
    ]
    p = tmp_path / "extra.json"
    p.write_text(json.dumps({"extra": many, "units": units}, ensure_ascii=False), "utf-8")
    assert len(load_org(p)) == 2
    text = json.dumps({"extra": many, "units": units}, ensure_ascii=False)
    p.write_text(text.replace('"b": "x"', '"b": "x", "b": "y"', 1), "utf-8")
    with pytest.raises(OrgValidationError) as e:
        load_org(p)
    assert "key 'b' is given twice in one object" in str(e.value)

"""The streaming JSON reader (issue 13): a JSON organisation file is read in blocks into
the columns. It builds exactly the organisation the full reader builds, wherever the blocks
fall and whatever the strings hold; a document it does not take (and any the model refuses)
goes to the full reader, so the messages are the full reader's, word for word."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.errors import InputError
from orgmodel.generate import write_generated
from orgmodel.io import orgfile
from orgmodel.io.orgfile import load_org, org_from_dict, read_org
from orgmodel.metrics import workforce_report
from orgmodel.model import OrgGraph, OrgValidationError
from orgmodel.restructure import apply_plan, plan_from_dict


def _full(text: bytes) -> OrgGraph:
    """The full reader: the standard library's parse, then the dict reader."""
    return org_from_dict(json.loads(text), "x.json")


def _full_reader(text: bytes, source: str) -> OrgGraph:
    """The reader before the stream: parse whole (orjson, else the standard library for
    its message), the dict reader, and the standard library's integers for the model's
    message when orjson read one beyond 64 bits as a float."""
    data = orgfile._parse(text, "json", source)
    try:
        return org_from_dict(data, source)
    except OrgValidationError:
        return org_from_dict(json.loads(text), source)


def _stream(text: bytes, block: int) -> OrgGraph | None:
    blocks = (text[i : i + block] for i in range(0, len(text), block))
    return orgfile._read_json_stream(blocks, "x.json", None, len(text))


def _same(a: OrgGraph, b: OrgGraph) -> None:
    ca, cb = a.columns, b.columns
    assert ca.ids == cb.ids and ca.names == cb.names
    for f in ("parent", "kind", "category", "establishment", "police", "auxiliaries"):
        assert np.array_equal(getattr(ca, f), getattr(cb, f)), f
    for f in ("leaders", "duty_roster"):
        assert np.array_equal(getattr(ca, f), getattr(cb, f)), f
    assert np.array_equal(ca.community_share, cb.community_share, equal_nan=True)

    def fns(c: Any) -> list[str | None]:
        return [c.functions[i] if i >= 0 else None for i in c.function.tolist()]

    assert fns(ca) == fns(cb)
    assert (a.id, a.name, a.description, a.parent_bureau, a.root) == (
        b.id,
        b.name,
        b.description,
        b.parent_bureau,
        b.root,
    )
    assert a.guides == b.guides and a.dispatches == b.dispatches
    assert [str(w) for w in a.warnings] == [str(w) for w in b.warnings]


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    p = tmp_path_factory.mktemp("gen") / "org.json"
    write_generated(p, 1, 2, 2, seed=3)
    return p.read_bytes()


@pytest.mark.parametrize("block", [7, 100, 4096, 1 << 22])
def test_generated_file_in_any_blocks_is_the_full_readers(generated: bytes, block: int) -> None:
    org = _stream(generated, block)
    assert org is not None  # taken by the stream, not left to the full reader
    _same(org, _full(generated))


def test_load_org_streams_and_reads_the_same(generated: bytes, tmp_path: Path) -> None:
    p = tmp_path / "org.json"
    p.write_bytes(generated)
    _same(load_org(p), _full(generated))
    _same(read_org(generated, "json"), _full(generated))


def _doc(units: list[Any], **top: Any) -> dict[str, Any]:
    return {"orgmodel": 1, "id": "t", "name": "某县", **top, "units": units}


_TRICKY = [
    # Strings that hold what the stream cuts at: '},' ']' quotes, backslashes, "units".
    {"id": "b", "name": '县局 },{ "x": ] \\" \\\\', "kind": "county", "police": 3},
    {"id": "s", "name": '城关所 "units": [', "kind": "station", "parent": "b", "police": 9},
    {"id": "p", "name": "\\\\\\\\}", "kind": "community_post", "parent": "s", "leaders": 1},
    {"id": "q", "name": "岗]]", "kind": "community_post", "parent": "s", "community_share": 1},
    {"id": "t1", "name": "队", "kind": "team", "parent": "s", "function": "patrol"},
    {"id": "o1", "name": "室", "kind": "office", "parent": "s", "duty_roster": True},
    {"id": "d", "name": "刑侦大队", "kind": "department", "parent": "b", "function": "criminal"},
    {"id": "g", "name": "片区", "kind": "group", "parent": "b"},
    {"id": "s2", "name": "二所", "kind": "station", "parent": "g", "category": "frontline"},
    {"id": "s3", "name": "三所", "kind": "station", "parent": "d", "establishment": 0},
]


@pytest.mark.parametrize("block", [1, 13, 64, 1 << 22])
@pytest.mark.parametrize("indent", [None, 1, 4])
def test_tricky_strings_and_layouts(block: int, indent: int | None) -> None:
    units = [*_TRICKY[::-1]]  # children before their parents: parents read later
    data = _doc(units, dispatches=[], guides=[], description='"units": []')
    text = json.dumps(data, ensure_ascii=False, indent=indent).encode()
    org = _stream(text, block)
    assert org is not None
    _same(org, _full(text))
    assert len(org.warnings) == 1  # the station under the 大队 (a department)


def test_units_after_the_edges_and_unknown_top_fields() -> None:
    data = {"guides": [], "extra": {"a": [1, {"b": None}]}, "units": _TRICKY, "orgmodel": 1}
    text = json.dumps(data, ensure_ascii=False).encode()
    org = _stream(text, 50)
    assert org is not None
    _same(org, _full(text))


@pytest.mark.parametrize("later", ['"\\u0075nits": {later}', '"u\\u006eits": {later}'])
@pytest.mark.parametrize("value", ["[]", "0", '[{"id": "z", "name": "局", "kind": "county"}]'])
def test_a_second_units_key_spelt_with_escapes_is_the_full_readers(later: str, value: str) -> None:
    # JSON keeps the last of two equal keys; "\u0075nits" is "units" spelt with an escape.
    # Neither may silently win: the full reader refuses the second, naming it.
    first = json.dumps(_doc(_TRICKY), ensure_ascii=False)
    text = (first[:-1] + ", " + later.format(later=value) + "}").encode()
    assert _stream(text, 64) is None  # left to the full reader, which names the key
    with pytest.raises(OrgValidationError) as e:
        read_org(text, "json", "x.json")
    assert str(e.value) == (
        "x.json: 1 problem in the organisation:\n  - the top level: key 'units' is given "
        "twice in one object: the last value would silently win; give it once"
    )


_names = st.text(alphabet='ab"\\}{[],: 汉\n', min_size=1, max_size=8).filter(str.strip)


@settings(max_examples=60, deadline=None)
@given(st.lists(_names, min_size=1, max_size=12), st.integers(1, 200), st.booleans())
def test_any_names_any_blocks(names: list[str], block: int, pretty: bool) -> None:
    units = [{"id": "root", "name": "局", "kind": "county"}]
    units += [
        {"id": f"u{i}", "name": n, "kind": "station", "parent": "root"} for i, n in enumerate(names)
    ]
    text = json.dumps(_doc(units), ensure_ascii=False, indent=1 if pretty else None).encode()
    want = _full(text) if "\n" not in "".join(names) else None
    got = _stream(text, block)
    if want is None:  # a line break in a name: the model refuses it, the stream declines
        assert got is None
    else:
        assert got is not None
        _same(got, want)


_BAD: list[tuple[str, Any]] = [
    ("unknown field", [{"id": "b", "name": "局", "kind": "county", "colour": 1}]),
    ("negative", [{"id": "b", "name": "局", "kind": "county", "police": -1}]),
    ("float police", [{"id": "b", "name": "局", "kind": "county", "police": 1.5}]),
    ("bool police", [{"id": "b", "name": "局", "kind": "county", "police": True}]),
    ("beyond 64 bits", [{"id": "b", "name": "局", "kind": "county", "police": 10**20}]),
    ("huge", [{"id": "b", "name": "局", "kind": "county", "establishment": 10**8}]),
    ("blank name", [{"id": "b", "name": " ", "kind": "county"}]),
    ("no name", [{"id": "b", "kind": "county"}]),
    ("unknown kind", [{"id": "b", "name": "局", "kind": "bureau"}]),
    ("control", [{"id": "b", "name": "局\u0007", "kind": "county"}]),
    ("duplicate", [{"id": "b", "name": "局", "kind": "county"}] * 2),
    ("no parent", [{"id": "b", "name": "局", "kind": "county", "parent": "zz"}]),
    ("share", [{"id": "b", "name": "局", "kind": "county", "community_share": 2}]),
    ("roster", [{"id": "b", "name": "局", "kind": "county", "duty_roster": 1}]),
    ("function", [{"id": "b", "name": "局", "kind": "county", "function": "criminal"}]),
    ("group", [{"id": "b", "name": "片", "kind": "group", "police": 2}]),
    ("id sci", [{"id": "1.3E+11", "name": "局", "kind": "county"}]),
    ("two roots", [{"id": "a", "name": "局", "kind": "county"}, *_TRICKY[:1]]),
    ("cycle", [{"id": "a", "name": "局", "kind": "county", "parent": "a"}]),
    ("not a mapping", ["x"]),
    ("no units", []),
]


def test_a_name_of_brackets_is_read_not_refused_as_deep(tmp_path: Path) -> None:
    # 70 "{" inside a name nest nothing: the stream's quick count passes the limit and leaves
    # the file to the full reader, which counts the structure (3 deep) and reads it. It was
    # refused as "nests more than 64 levels deep".
    units = [{"id": "b", "name": "{" * 70, "kind": "county"}]
    text = json.dumps(_doc(units), ensure_ascii=False).encode()
    assert _stream(text, 16) is None  # left to the full reader
    p = tmp_path / "x.json"
    p.write_bytes(text)
    assert load_org(p).unit("b").name == "{" * 70


@pytest.mark.parametrize("units", [u for _, u in _BAD], ids=[k for k, _ in _BAD])
def test_bad_units_get_the_full_readers_messages(units: list[Any], tmp_path: Path) -> None:
    text = json.dumps(_doc(units), ensure_ascii=False).encode()
    assert _stream(text, 16) is None  # left to the full reader
    p = tmp_path / "x.json"
    p.write_bytes(text)
    with pytest.raises((OrgValidationError, InputError)) as streamed:
        load_org(p)
    with pytest.raises((OrgValidationError, InputError)) as full:
        _full_reader(text, str(p))
    assert str(streamed.value) == str(full.value)
    if isinstance(full.value, OrgValidationError):
        assert streamed.value.issues == full.value.issues


@pytest.mark.parametrize(
    "top",
    [
        {"orgmodel": 2},
        {"guides": [{"from": "b", "to": "zz"}]},
        {"guides": [["b", "zz"]]},
        {"dispatches": {"from": "b"}},
        {"parent_bureau": "市局"},
    ],
)
def test_bad_top_level_gets_the_full_readers_messages(top: dict[str, Any]) -> None:
    text = json.dumps(_doc(_TRICKY, **top), ensure_ascii=False).encode()
    assert _stream(text, 64) is None
    with pytest.raises(OrgValidationError) as streamed:
        read_org(text, "json", "x.json")
    with pytest.raises(OrgValidationError) as full:
        _full_reader(text, "x.json")
    assert streamed.value.issues == full.value.issues


def test_columns_are_read_only_and_edits_still_work(generated: bytes) -> None:
    org = read_org(generated, "json")
    before = workforce_report(org)
    for f in ("parent", "kind", "police", "establishment", "community_share"):
        with pytest.raises(ValueError, match="read-only"):
            getattr(org.columns, f)[0] = 1
    with pytest.raises(ValueError, match="read-only"):
        org.bfs_rows[0] = 0
    station = next(u for u in org if org.attrs(u)["kind"] == "station")
    plan = plan_from_dict(
        {"name": "改名", "ops": [{"op": "set", "unit": station, "attrs": {"leaders": 7}}]}
    )
    edited = apply_plan(org, plan).org
    assert edited.attrs(station)["leaders"] == 7
    assert org.attrs(station)["leaders"] is None  # the base is untouched
    assert workforce_report(org) == before


# -- what the stream checks itself, and the refusals it does not read twice ------------


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        (["a", "b-1", "Z_9"], True),
        (["a\x01b"], False),  # a control character inside: the model must see it
        (["a\x00b"], False),  # a NUL inside reads as two ids when joined: not plain
        (["a\x7fb"], False),
        (["ab", " a"], False),
        (["1a"], False),
    ],
)
def test_plain_ids_hold_no_control_character(raw: list[str], plain: bool) -> None:
    assert orgfile._all_plain(raw) is plain


_ODD_TEXT = [
    ("id with a control character", {"id": "b\u0001x"}),
    ("id with a NUL", {"id": "b\u0000x"}),
    ("id with a bidi control", {"id": "城关\u202e所"}),
    ("name with a bidi control", {"name": "城关\u202e所"}),
    ("name with a zero-width space", {"name": "城关\u200b所"}),
    ("name of an ideographic space", {"name": "\u3000"}),
    ("name with a line separator", {"name": "城关\u2028所"}),
]


@pytest.mark.parametrize("change", [c for _, c in _ODD_TEXT], ids=[k for k, _ in _ODD_TEXT])
def test_ids_and_names_the_stream_does_not_vouch_for_are_the_models(
    change: dict[str, str], tmp_path: Path
) -> None:
    # The stream checks ids and names in whole-piece passes and tells the model to skip
    # its own checks; a text that fails them must reach the model's checks, which name it.
    units = [dict(u) for u in _TRICKY]
    units[1] |= change  # the station s (its posts name it as their parent)
    text = json.dumps(_doc(units), ensure_ascii=False).encode()
    p = tmp_path / "x.json"
    p.write_bytes(text)
    with pytest.raises(OrgValidationError) as full:
        _full_reader(text, str(p))
    with pytest.raises(OrgValidationError) as streamed:
        load_org(p)
    assert str(streamed.value) == str(full.value)
    assert streamed.value.issues == full.value.issues


_REFUSED = [
    ("cycle", lambda u: u[1].update(parent="s")),
    ("control in a name", lambda u: u[1].update(name="城关\u0007所")),
    ("function on a station", lambda u: u[1].update(function="patrol")),
    ("two roots", lambda u: u[1].pop("parent")),
    ("group with police", lambda u: u[7].update(police=3)),
    # Parents that do not exist: found once every unit is read (the stream read it whole).
    ("parent that does not exist", lambda u: u[2].update(parent="zz")),
    ("parents that do not exist", lambda u: [u[0].update(parent="b0"), u[9].update(parent="")]),
]


@pytest.mark.parametrize("change", [c for _, c in _REFUSED], ids=[k for k, _ in _REFUSED])
def test_a_refused_file_read_whole_by_the_stream_is_not_read_again(
    change: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = [dict(u) for u in _TRICKY]
    change(units)
    text = json.dumps(_doc(units), ensure_ascii=False).encode()
    p = tmp_path / "x.json"
    p.write_bytes(text)
    with pytest.raises(OrgValidationError) as full:
        _full_reader(text, str(p))

    def no_second_read(*_: Any) -> Any:
        raise AssertionError("the refused file was parsed again")

    monkeypatch.setattr(orgfile, "_parse_json", no_second_read)
    monkeypatch.setattr(orgfile, "_parse", no_second_read)
    for read in (lambda: load_org(p), lambda: read_org(text, "json", str(p))):
        with pytest.raises(OrgValidationError) as streamed:
            read()
        assert str(streamed.value) == str(full.value)
        assert streamed.value.issues == full.value.issues


def test_a_file_the_stream_leaves_is_streamed_once_and_parsed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    units = [dict(u) for u in _TRICKY]
    units[1]["police"] = -1  # the records refuse it: the full reader names it
    text = json.dumps(_doc(units), ensure_ascii=False).encode()
    p = tmp_path / "x.json"
    p.write_bytes(text)
    with pytest.raises(OrgValidationError) as full:
        _full_reader(text, str(p))
    calls: list[str] = []
    stream, loads = orgfile._stream, orgfile.json.loads
    monkeypatch.setattr(orgfile, "_stream", lambda *a: calls.append("stream") or stream(*a))
    monkeypatch.setattr(orgfile.json, "loads", lambda *a: calls.append("json") or loads(*a))
    with pytest.raises(OrgValidationError) as streamed:
        load_org(p)
    assert str(streamed.value) == str(full.value)
    # once by the stream, once by orjson; the standard library only for a long integer
    assert calls == ["stream"]


def test_edges_out_of_order_and_twice_are_the_full_readers(generated: bytes) -> None:
    data = json.loads(generated)
    assert len(data["guides"]) > 2 and len(data["dispatches"]) > 2
    data["guides"].reverse()
    data["dispatches"] = data["dispatches"][1:] + data["dispatches"][:1]
    text = json.dumps(data, ensure_ascii=False).encode()
    org = _stream(text, 4096)
    assert org is not None
    _same(org, _full(text))
    rows = [(org.index[a], org.index[b]) for a, b in org.guides]
    assert rows == sorted(rows)  # by (upper row, lower row), whatever the file's order
    for key in ("guides", "dispatches"):
        twice = dict(data, **{key: [*data[key], data[key][0]]})
        text = json.dumps(twice, ensure_ascii=False).encode()
        assert _stream(text, 4096) is None
        with pytest.raises(OrgValidationError) as streamed:
            read_org(text, "json", "x.json")
        with pytest.raises(OrgValidationError) as full:
            _full_reader(text, "x.json")
        assert streamed.value.issues == full.value.issues
        assert "duplicate edge" in str(streamed.value)


@pytest.mark.parametrize(
    "rare", [{"leaders": 2}, {"category": "duty"}, {"duty_roster": False}, {"community_share": 0.5}]
)
def test_a_rare_field_late_in_the_file_is_read(generated: bytes, rare: dict[str, Any]) -> None:
    # Pieces are decoded without the rare fields first; one that has them is read whole,
    # and so is every piece after it.
    data = json.loads(generated)
    units = data["units"]
    late = next(u for u in reversed(units) if u["kind"] == "station")
    late |= rare
    text = json.dumps(data, ensure_ascii=False).encode()
    org = _stream(text, 4096)
    assert org is not None
    _same(org, _full(text))
    field, value = next(iter(rare.items()))
    assert org.attrs(late["id"])[field] == value
    assert org.attrs(units[0]["id"])[field] is None


# -- the rest of the document after the units: members the reader does not take -------

_TAILS = [
    # (what follows the units array, before the document's closing brace)
    ', "history": [{"a": "},{", "b": [1, 2, {"c": "\\"]"}]}, 3, "x"], "guides": []',
    ', "history": {"k1": [1, {"k": "v"}], "k2": "\\\\", "k3": null}, "dispatches": []',
    ', "note": "a long note: ' + "备注" * 50 + '", "description": "改"',
    ', "history": [' + ", ".join(f'{{"n": {i}, "s": "{"x]" * i}"}}' for i in range(40)) + "]",
    ', "history": [[[[1]]], [], {}, ""]',
]
_BAD_TAILS = [
    ', "history": [1, 2, ]',  # a comma before the close
    ', "history": {"a": 1, }',
    ', "history": [1,, 2]',
    ', , "history": 1',  # an empty member
    ', "history": 1 "more": 2',  # no comma between members
    ', "history": [1] ]',
    ', "history": "\\q"',  # a bad escape
    ', "history": [' + ", ".join(["1"] * 30) + ", ]",
    ', "\\u0075nits": []',  # a second units key: the full reader refuses it
]


def _tail_doc(tail: str) -> bytes:
    head = json.dumps(_doc(_TRICKY), ensure_ascii=False)
    return (head[:-1] + tail + "}").encode()


@pytest.mark.parametrize("block", [5, 64, 1 << 22])
@pytest.mark.parametrize("tail", _TAILS + _BAD_TAILS)
def test_members_after_the_units_are_read_as_the_full_reader_reads_them(
    tail: str, block: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(orgfile, "_BLOCK", 16)  # cut large members often
    text = _tail_doc(tail)
    try:
        want: Any = _full_reader(text, "x.json")
    except (OrgValidationError, InputError) as e:
        want = str(e)
    got = _stream(text, block)
    if isinstance(want, str) or tail in _BAD_TAILS:
        assert got is None  # left to the full reader, which names what is wrong
    else:
        assert got is not None
        _same(got, want)


def test_invalid_utf8_in_a_member_after_the_units_is_the_full_readers() -> None:
    text = _tail_doc(', "history": "XX"').replace(b"XX", b"\xff\xfe")
    assert _stream(text, 64) is None
    with pytest.raises(InputError) as streamed:
        read_org(text, "json", "x.json")
    with pytest.raises(InputError) as full:
        _full_reader(text, "x.json")
    assert str(streamed.value) == str(full.value)


def test_a_large_member_after_the_units_is_never_held_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 40,000 items of history (~1.2 MB) read in 4 KiB blocks: the tail reader holds about a
    # cut's worth (the threshold, 8 KiB, and a block), never the member.
    monkeypatch.setattr(orgfile, "_BLOCK", 8192)
    item = '{"note": "备注", "n": [1, 2]}'
    text = _tail_doc(', "history": [' + ", ".join([item] * 40_000) + '], "guides": []')
    start = text.index(b', "history"')  # just past the units array
    held = []
    real = orgfile._Tail.feed

    def feed(self: Any, data: bytes) -> None:
        real(self, data)
        held.append(len(self.cur) + len(self.kept))

    monkeypatch.setattr(orgfile._Tail, "feed", feed)
    tail = orgfile._Tail()
    for i in range(start, len(text), 4096):
        tail.feed(text[i : i + 4096])
    assert tail.finish() == b', "guides": []'
    assert len(text) - start > 1_000_000
    assert max(held) < 8192 + 2 * 4096
    org = _stream(text, 4096)
    assert org is not None
    _same(org, _full(text))


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**6), 10**6) | st.text('ab"\\}{[],: 汉\n'),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text('ab"\\}{[],:', max_size=3), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=60, deadline=None)
@given(_json_values, st.integers(1, 40), st.integers(8, 64), st.booleans())
def test_any_member_after_the_units_in_any_blocks(
    value: Any, block: int, cut: int, pretty: bool
) -> None:
    data = {**_doc(_TRICKY), "history": value, "guides": []}
    text = json.dumps(data, ensure_ascii=False, indent=1 if pretty else None).encode()
    orgfile_block = orgfile._BLOCK
    orgfile._BLOCK = cut  # cut large members often (restored below)
    try:
        got = _stream(text, block)
    finally:
        orgfile._BLOCK = orgfile_block
    assert got is not None
    _same(got, _full(text))


# -- members before the units, long strings, escapes: read in small pieces -------------


def _member_doc(value: Any, *, before: bool, ascii_only: bool = False) -> bytes:
    """The tricky document with a member ``history`` before or after its units."""
    doc = _doc(_TRICKY)
    data = {"history": value, **doc} if before else {**doc, "history": value, "guides": []}
    return json.dumps(data, ensure_ascii=ascii_only).encode()


@settings(max_examples=60, deadline=None)
@given(
    _json_values,
    st.booleans(),
    st.booleans(),
    st.integers(1, 40),
    st.integers(8, 64),
    st.integers(1, 9),
)
def test_any_member_before_or_after_the_units_in_any_pieces(
    value: Any, before: bool, ascii_only: bool, block: int, cut: int, scan: int
) -> None:
    # The tail reader scans `scan` bytes at a time and cuts a member held beyond `cut`
    # bytes (inside a string too): whatever the escapes and where the pieces fall, the
    # organisation is the full reader's.
    text = _member_doc(value, before=before, ascii_only=ascii_only)
    saved = orgfile._BLOCK, orgfile._SCAN
    orgfile._BLOCK, orgfile._SCAN = cut, scan  # restored below
    try:
        got = _stream(text, block)
    finally:
        orgfile._BLOCK, orgfile._SCAN = saved
    assert got is not None
    _same(got, _full(text))


# Strings with what makes a cut inside a string hard: escaped quotes and backslashes,
# \uXXXX escapes, surrogate pairs (ensure_ascii writes 😀 as \ud83d\ude00), 汉字 in UTF-8.
_LONG_STRINGS = [
    'ab\\"cd' * 3000,
    "\\" * 12_001 + '"',  # a run of backslashes, then a quote
    '备注😀"\\/\b\f\n\r\t' * 1500,
    "x" * 20_000,
]


@pytest.mark.parametrize("ascii_only", [False, True])
@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize("value", _LONG_STRINGS, ids=["quotes", "backslashes", "escapes", "plain"])
def test_a_long_string_member_is_never_held_whole(
    value: str, before: bool, ascii_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A string member of 20-60 KB read in 1 KiB blocks, cut beyond 2 KiB: the reader
    # holds about a cut's worth and a block, never the string; the organisation is the
    # full reader's.
    monkeypatch.setattr(orgfile, "_BLOCK", 2048)
    monkeypatch.setattr(orgfile, "_SCAN", 512)
    text = _member_doc(value, before=before, ascii_only=ascii_only)
    held: list[int] = []
    real = orgfile._Tail._feed

    def feed(self: Any, data: bytes) -> None:
        real(self, data)
        held.append(len(self.cur) + len(self.kept))

    monkeypatch.setattr(orgfile._Tail, "_feed", feed)
    org = _stream(text, 1024)
    assert org is not None
    _same(org, _full(text))
    assert len(text) > 20_000
    assert max(held) < 2048 + 2 * 1024 + 64  # the kept name/id members are small


_BAD_LONG_STRINGS = [
    b'"' + b"ab" * 5000 + b"\\q" + b"cd" * 5000 + b'"',  # a bad escape deep inside
    b'"' + b"ab" * 5000 + b"\\u12G4" + b"cd" * 5000 + b'"',  # a bad \u escape
    b'"' + b"ab" * 5000 + b"\x07" + b"cd" * 5000 + b'"',  # a raw control character
    b'"' + "备".encode() * 5000 + b"\xff" + b"cd" * 5000 + b'"',  # not UTF-8
    b'"' + b"ab" * 5000 + b'\\"',  # the string never closes
]


@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize("value", _BAD_LONG_STRINGS)
def test_a_bad_long_string_member_is_left_to_the_full_reader(
    value: bytes, before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(orgfile, "_BLOCK", 2048)
    monkeypatch.setattr(orgfile, "_SCAN", 512)
    text = _member_doc("XX", before=before).replace(b'"XX"', value)
    assert _stream(text, 1000) is None
    with pytest.raises(InputError) as streamed:
        read_org(text, "json", "x.json")
    with pytest.raises(InputError) as full:
        _full_reader(text, "x.json")
    assert str(streamed.value) == str(full.value)


def test_a_large_member_before_the_units_is_never_held_whole(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # 40,000 items of history before the units (~1.2 MB), in 4 KiB blocks: the reader of
    # the members before the units holds about a cut's worth, never the member.
    monkeypatch.setattr(orgfile, "_BLOCK", 8192)
    item = {"note": '备注 \\"', "n": [1, 2]}
    text = _member_doc([item] * 40_000, before=True)
    held: list[int] = []
    real = orgfile._Tail._feed

    def feed(self: Any, data: bytes) -> None:
        real(self, data)
        held.append(len(self.cur) + len(self.kept))

    monkeypatch.setattr(orgfile._Tail, "_feed", feed)
    org = _stream(text, 4096)
    assert org is not None
    _same(org, _full(text))
    assert len(text) > 1_000_000
    assert max(held) < 8192 + 2 * 4096


@pytest.mark.parametrize(
    ("head", "streamed"),
    [
        (b'{"units": 5, "units": [', False),  # a units key before: the full reader's
        (b'{"units": {"a": 1}, "units": [', False),
        (b'{"units": [], "units": [', False),  # the last units key stands (the full reader)
        (b'{"x": [1, ], "units": [', False),  # a member that is not JSON
        (b'[{"units": [', False),  # not a mapping
        (b'{"a": {"units": [1]}, "b": "\\"units\\": [", "units": [', True),  # inner ones
    ],
)
def test_members_before_the_units_that_the_stream_leaves(head: bytes, streamed: bool) -> None:
    units = json.dumps(_TRICKY).encode()[1:]
    text = head + units + b', "orgmodel": 1, "id": "t", "name": "x"}'
    got = _stream(text, 7)
    assert (got is not None) == streamed
    if got is not None:
        _same(got, _full_reader(text, "x.json"))


@pytest.mark.parametrize("at", range(0, 40, 3))
def test_an_integer_beyond_64_bits_is_found_across_pieces(
    at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 19 digits in a row (10**18 and more: orjson reads it as a float) found wherever the
    # 16-byte pieces cut it; 18 digits are not.
    monkeypatch.setattr(orgfile, "_DIGIT_PIECE", 16)
    for text in (" " * at + "1234567890123456789", "x" * at + "汉" + "9" * 19):
        assert orgfile._long_integers(text) and orgfile._long_integers(text.encode())
        assert not orgfile._long_integers(text[:-1])
    assert not orgfile._long_integers(("12345678901234567 " * 5).encode())


@pytest.mark.parametrize("before", [False, True])
def test_a_key_given_twice_in_two_pieces_of_a_cut_mapping_is_the_full_readers(
    before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mapping member of 200 keys cut in pieces of about 64 bytes: "k5" again near its end
    # is found though the two sit in different pieces; the full reader names it.
    monkeypatch.setattr(orgfile, "_BLOCK", 64)
    text = _member_doc({f"k{i}": i for i in range(200)}, before=before)
    assert _stream(text, 50) is not None
    twice = text.replace(b'"k190": 190', b'"k5": 190')
    assert _stream(twice, 50) is None
    with pytest.raises(OrgValidationError, match="k5"):
        read_org(twice, "json", "x.json")


# -- long strings and many items at any depth of a member: cut there too -----------------

_NESTED = [
    lambda s: [s],
    lambda s: {"a": [{"b": s}], "c": 1},
    lambda s: [1, {"k": [[s, 2]]}, "x"],
]


@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize("nest", range(len(_NESTED)))
@pytest.mark.parametrize(
    "value", [*_LONG_STRINGS, "\\" * 20_000], ids=["quotes", "run", "escapes", "plain", "bs"]
)
def test_a_long_string_inside_a_member_is_never_held_whole(
    value: str, nest: int, before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A string of 20-60 KB inside a list or a mapping of a member, read in 1 KiB blocks and
    # cut beyond 2 KiB; a run of 20,000 backslashes is longer than the window the cut looks
    # back over first (256 bytes here). The reader holds about a cut's worth and a block;
    # the organisation is the full reader's.
    monkeypatch.setattr(orgfile, "_BLOCK", 2048)
    monkeypatch.setattr(orgfile, "_SCAN", 512)
    monkeypatch.setattr(orgfile, "_RUN_WINDOW", 256)
    text = _member_doc(_NESTED[nest](value), before=before)
    held: list[int] = []
    real = orgfile._Tail._feed

    def feed(self: Any, data: bytes) -> None:
        real(self, data)
        held.append(len(self.cur) + len(self.kept))

    monkeypatch.setattr(orgfile._Tail, "_feed", feed)
    org = _stream(text, 1024)
    assert org is not None
    _same(org, _full(text))
    assert max(held) < 2048 + 2 * 1024 + 64


@pytest.mark.parametrize("before", [False, True])
def test_many_items_deep_in_a_member_are_never_held_whole(
    before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 20,000 items in a list inside a list (no comma at the member's own level), in 4 KiB
    # blocks: cut between the inner items.
    monkeypatch.setattr(orgfile, "_BLOCK", 8192)
    text = _member_doc({"h": [[{"note": '备注 \\"', "n": [1, 2]}] * 20_000]}, before=before)
    held: list[int] = []
    real = orgfile._Tail._feed

    def feed(self: Any, data: bytes) -> None:
        real(self, data)
        held.append(len(self.cur) + len(self.kept))

    monkeypatch.setattr(orgfile._Tail, "_feed", feed)
    org = _stream(text, 4096)
    assert org is not None
    _same(org, _full(text))
    assert len(text) > 600_000
    assert max(held) < 8192 + 2 * 4096


@pytest.mark.parametrize("before", [False, True])
def test_a_key_given_twice_deep_in_a_cut_member_is_the_full_readers(
    before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A mapping of 200 keys two levels down, cut in pieces of about 64 bytes: "k5" again near
    # its end sits in another piece; the full reader names it. A key "\u0000" (the one the
    # reader reopens a cut mapping with) is read as any other.
    monkeypatch.setattr(orgfile, "_BLOCK", 64)
    text = _member_doc([{"m": {f"k{i}": [i] for i in range(200)}}], before=before)
    assert _stream(text, 50) is not None
    twice = text.replace(b'"k190": [190]', b'"k5": [190]')
    assert _stream(twice, 50) is None
    with pytest.raises(OrgValidationError, match="k5"):
        read_org(twice, "json", "x.json")
    nul = text.replace(b'"k190": [190]', b'"\\u0000": [190]')
    got = read_org(nul, "json", "x.json")
    _same(got, _full(nul))


@pytest.mark.parametrize("before", [False, True])
@pytest.mark.parametrize("opener", [b"[", b'{"a": [1], "b": {'])
def test_a_comma_just_after_an_opening_bracket_is_the_full_readers(
    opener: bytes, before: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # '[ , "<long>"]': cut at that comma, the piece before would read as an empty list.
    monkeypatch.setattr(orgfile, "_BLOCK", 2048)
    long = b'"' + b"x" * 10_000 + b'"'
    closer = b"]" if opener == b"[" else b"}}"
    text = _member_doc("XX", before=before).replace(b'"XX"', opener + b" , " + long + closer)
    assert _stream(text, 1000) is None
    with pytest.raises(InputError) as streamed:
        read_org(text, "json", "x.json")
    with pytest.raises(InputError) as full:
        _full_reader(text, "x.json")
    assert str(streamed.value) == str(full.value)


def test_a_long_key_is_read_whole() -> None:
    # A key is never cut (its text is what a repeated key is found by): held, and read.
    saved = orgfile._BLOCK
    orgfile._BLOCK = 2048  # restored below
    try:
        text = _member_doc({"a": 1, "k" * 30_000: [1], "b": 2}, before=True)
        got = _stream(text, 1024)
    finally:
        orgfile._BLOCK = saved
    assert got is not None
    _same(got, _full(text))


def test_the_edges_read_by_the_stream_are_made_into_pairs_only_when_read(
    generated: bytes,
) -> None:
    # The stream hands the edges to the model as two columns of ids with their rows: no
    # (upper, lower) tuple is made at load (each one the garbage collector would count),
    # and the pairs made when first read are the full reader's, in its order.
    org = _stream(generated, 1 << 16)
    assert org is not None
    assert "_guides" not in org.__dict__ and "_dispatches" not in org.__dict__
    full = _full(generated)
    assert org.guides == full.guides and org.dispatches == full.dispatches
    assert len(org.guides) > 2 and len(org.dispatches) > 2
    assert org.to_networkx().number_of_edges() == full.to_networkx().number_of_edges()

"""The organisation graph: construction, access and every validation rule of the model."""

from __future__ import annotations

import pytest

from orgmodel.model import (
    DISPATCHES,
    GUIDES,
    REPORTS_TO,
    OrgGraph,
    OrgValidationError,
    ParentBureau,
    Unit,
    ValidationIssue,
)


def small_city() -> list[Unit]:
    # 市局 → {刑侦支队, 县局 → {刑侦大队, 情指中心, 派出所 → 警务室}}
    return [
        Unit("city", "某市公安局", "city", police=6),
        Unit(
            "city-xz", "刑事侦查支队", "department", parent="city", function="criminal", police=40
        ),
        Unit("cty", "某县公安局", "county", parent="city", police=5),
        Unit("cty-xz", "刑事侦查大队", "department", parent="cty", function="criminal", police=12),
        Unit(
            "cty-cc", "情报指挥中心", "command_center", parent="cty", function="command", police=9
        ),
        Unit("st", "城关派出所", "station", parent="cty", police=8),
        Unit("post", "东街社区警务室", "community_post", parent="st", police=2),
    ]


def test_structure_and_access() -> None:
    org = OrgGraph(small_city(), [("city-xz", "cty-xz")], [("cty-cc", "st")], id="c", name="某市")
    assert org.root == "city"
    assert len(org) == 7
    assert org.parent("post") == "st"
    assert org.children("cty") == ["cty-xz", "cty-cc", "st"]
    # BFS order: the root, its two children, then the county's three, then the post
    assert org.order() == ["city", "city-xz", "cty", "cty-xz", "cty-cc", "st", "post"]
    assert org.depth("post") == 3
    assert org.bureau_of("post") == "cty"
    assert org.bureau_of("city-xz") == "city"
    assert org.guides == [("city-xz", "cty-xz")]
    assert org.dispatches == [("cty-cc", "st")]
    types = {(u, v): t for u, v, t in org.graph.edges(data="type")}
    assert types[("post", "st")] == REPORTS_TO
    assert types[("city-xz", "cty-xz")] == GUIDES
    assert types[("cty-cc", "st")] == DISPATCHES
    # 6 + 40 + 5 + 12 + 9 + 8 + 2 = 82
    assert org.total_police() == 82
    assert org.category_of("city-xz") == "duty"  # 刑侦 is 执法勤务
    assert org.category_of("cty") == "leadership"
    assert org.category_of("post") == "frontline"
    assert org.unit("post").parent == "st"
    assert org.name_of("st") == "城关派出所"


def test_equality_and_with_units_leave_base_alone() -> None:
    a = OrgGraph(small_city(), id="c")
    b = OrgGraph(small_city(), id="c")
    assert a == b
    units = list(a.units())
    units[-1].police = 3
    c = a.with_units(units)
    assert c != a
    assert a.attrs("post")["police"] == 2  # base untouched


def _issues(units: list[Unit], **kw: object) -> list[str]:
    with pytest.raises(OrgValidationError) as ei:
        OrgGraph(units, **kw)  # type: ignore[arg-type]
    return [str(i) for i in ei.value.issues]


def test_every_violation_reported_at_once() -> None:
    msgs = _issues(
        [
            Unit("r", "县局", "county"),
            Unit("a", "甲", "departmentx", parent="r"),
            Unit("b", "乙", "department", parent="nowhere", police=-1),
            Unit("b", "乙2", "department", parent="r"),
        ]
    )
    assert any("unit 'a'" in m and "unknown kind 'departmentx'" in m for m in msgs)
    assert any("unit 'b'" in m and "police must not be negative" in m for m in msgs)
    assert any("unit 'b'" in m and "parent 'nowhere' does not exist" in m for m in msgs)
    assert any("unit 'b'" in m and "duplicate unit id" in m for m in msgs)
    assert len(msgs) == 4


def test_one_root() -> None:
    msgs = _issues([Unit("r1", "甲局", "county"), Unit("r2", "乙局", "county")])
    assert any("more than one root unit: r1, r2" in m for m in msgs)


def test_cycle() -> None:
    msgs = _issues(
        [
            Unit("r", "县局", "county"),
            Unit("a", "甲", "department", parent="b"),
            Unit("b", "乙", "department", parent="a"),
        ]
    )
    assert any("REPORTS_TO cycle" in m and "a" in m and "b" in m for m in msgs)


def test_a_unit_under_a_missing_parent_is_not_called_a_cycle() -> None:
    # s1 names a parent not in the file; p1 hangs under s1. Before, p1 was reported as a
    # "REPORTS_TO cycle" (it never reaches the root), which sent the planner looking for a
    # loop that is not there. The one problem is s1's parent, named with the unit.
    msgs = _issues(
        [
            Unit("xj", "县局", "county"),
            Unit("s1", "城关派出所", "station", parent="nope"),
            Unit("p1", "警务室", "community_post", parent="s1"),
        ]
    )
    assert msgs == ["unit 's1': parent 'nope' does not exist"]


def test_a_real_cycle_beside_a_missing_parent_is_still_a_cycle() -> None:
    # a ↔ b loop (c under them); s1 → nope with p1 under it: the cycle names a, b, c only
    msgs = _issues(
        [
            Unit("xj", "县局", "county"),
            Unit("a", "甲", "department", parent="b"),
            Unit("b", "乙", "department", parent="a"),
            Unit("c", "丙", "department", parent="a"),
            Unit("s1", "城关派出所", "station", parent="nope"),
            Unit("p1", "警务室", "community_post", parent="s1"),
        ]
    )
    assert "unit 's1': parent 'nope' does not exist" in msgs
    assert "REPORTS_TO cycle: units a, b, c never reach the root" in msgs
    assert len(msgs) == 2, msgs


def test_unknown_function_and_function_on_wrong_kind() -> None:
    msgs = _issues(
        [
            Unit("r", "县局", "county", function="criminal"),
            Unit("a", "甲", "department", parent="r", function="astrology"),
        ]
    )
    assert any("unit 'a'" in m and "unknown function code 'astrology'" in m for m in msgs)
    assert any("unit 'r'" in m and "a county unit has no function" in m for m in msgs)


def test_bad_values() -> None:
    msgs = _issues(
        [
            Unit("r", "县局", "county", police="12"),  # type: ignore[arg-type]
            Unit("a", "甲", "department", parent="r", duty_roster="yes"),  # type: ignore[arg-type]
            Unit("s", "所", "station", parent="r", community_share=1.5),
            Unit("t", " ", "station", parent="r", category="odd"),
        ]
    )
    assert any("police must be a whole number, got '12'" in m for m in msgs)
    assert any("duty_roster must be true or false" in m for m in msgs)
    assert any("community_share must be a number between 0 and 1" in m for m in msgs)
    assert any("unit 't'" in m and "no name" in m for m in msgs)
    assert any("unknown category 'odd'" in m for m in msgs)


def test_bad_values_name_every_field_in_chinese() -> None:
    # duty_roster and community_share were named by their codes in Chinese messages
    # ('duty_roster 必须是 true 或 false'), while 民警, 辅警, 编制 … were named in Chinese
    from orgmodel.i18n import language

    with language("zh"):
        msgs = _issues(
            [
                Unit("r", "县局", "county"),
                Unit("a", "甲", "department", parent="r", duty_roster="yes"),  # type: ignore[arg-type]
                Unit("s", "所", "station", parent="r", community_share=1.5),
            ]
        )
    assert any("24小时值班必须是 true 或 false，收到的是 'yes'" in m for m in msgs), msgs
    assert any("社区工作占比必须是 0 到 1 之间的数，收到的是 1.5" in m for m in msgs), msgs
    assert not any("duty_roster" in m or "community_share" in m for m in msgs), msgs


@pytest.mark.parametrize(
    ("pair", "expected"),
    [
        (("city-xz", "cty-cc"), "GUIDES links departments only"),
        (
            ("cty-xz", "city-xz"),
            "GUIDES runs from a bureau's department to a department of a bureau",
        ),
        (("city-xz", "ghost"), "unit 'ghost' does not exist"),
    ],
)
def test_guides_rules(pair: tuple[str, str], expected: str) -> None:
    msgs = _issues(small_city(), guides=[pair])
    assert any(expected in m for m in msgs), msgs


def test_guides_same_function() -> None:
    units = [
        *small_city(),
        Unit("cty-jj", "经侦大队", "department", parent="cty", function="economic"),
    ]
    msgs = _issues(units, guides=[("city-xz", "cty-jj")])
    assert any("functions differ ('criminal' vs 'economic')" in m for m in msgs)


def test_dispatch_rules() -> None:
    msgs = _issues(small_city(), dispatches=[("st", "post")])
    assert any("only a command_center dispatches" in m for m in msgs)


def test_parent_bureau_functions_checked() -> None:
    msgs = _issues(
        [Unit("r", "县局", "county")], parent_bureau=ParentBureau("某市公安局", ("criminal", "zz"))
    )
    assert any("parent_bureau: unknown function code 'zz'" in m for m in msgs)


def test_where_names_the_row() -> None:
    msgs = _issues(
        [Unit("r", "县局", "county"), Unit("a", "甲", "department", parent="x")],
        where={"a": "org.csv row 3"},
    )
    assert msgs == ["org.csv row 3, unit 'a': parent 'x' does not exist"]


def test_empty_org() -> None:
    assert _issues([]) == ["the organisation has no units"]


def test_team_or_office_outside_a_station_is_an_error() -> None:
    units = [
        Unit("b", "某县公安局", "county"),
        Unit("xj", "刑侦大队", "department", parent="b", function="criminal"),
        Unit("t", "一中队", "team", parent="xj", police=6),
        Unit("o", "政工室", "office", parent="b", police=2),
        Unit("s", "城关派出所", "station", parent="b"),
        Unit("sq", "社区警务队", "team", parent="s"),
        # A post inside a station's team, and a team under that post's team: both fine.
        Unit("p", "东街警务室", "community_post", parent="sq"),
        Unit("zh", "综合指挥室", "office", parent="sq"),
    ]
    with pytest.raises(OrgValidationError) as e:
        OrgGraph(units, where={"t": "org.csv row 4"})
    msgs = [str(i) for i in e.value.issues]
    assert len(msgs) == 2
    assert msgs[0].startswith("org.csv row 4, unit 't': a team (派出所内的队) must sit inside")
    assert "under '刑侦大队' (内设机构)" in msgs[0]
    assert "unit 'o': an office (派出所综合指挥室)" in msgs[1] and "'某县公安局'" in msgs[1]


def test_station_under_a_department_is_a_warning() -> None:
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county"),
            Unit("za", "治安大队", "department", parent="b", function="public_order"),
            Unit("s", "水上派出所", "station", parent="za", police=8),
            Unit("s2", "城关派出所", "station", parent="b", police=8),
        ],
        warnings=[ValidationIssue("reader's own note")],
    )
    assert [str(w) for w in org.warnings] == [
        "reader's own note",
        "unit 's': a 派出所 (station) under '治安大队' (内设机构), not directly under a bureau: "
        "it still counts as a 派出所 in the station share; check its parent",
    ]


@pytest.mark.parametrize("name", ["河西县\r公安局", "河西县公安局\x00", "a\tb"])
def test_organisation_name_with_a_control_character_is_refused(name: str) -> None:
    # a unit's name was checked, the organisation's own name was not (stored as "a\rb")
    with pytest.raises(OrgValidationError) as e:
        OrgGraph([Unit("b", "某县公安局", "county", police=5)], id="x", name=name)
    issue = e.value.issues[0]
    assert issue.field == "name" and "U+00" in str(issue)


def test_department_inside_station_is_warned() -> None:
    # A 内设机构 under a 派出所 (or under its team) counts as organ police and as station
    # police at once: a warning names it; a department under the bureau is not warned about.
    org = OrgGraph(
        [
            Unit("b", "某县公安局", "county", police=5),
            Unit("d", "刑侦大队", "department", "b", police=4),
            Unit("s", "城关派出所", "station", "b", police=10),
            Unit("t", "社区警务队", "team", "s", police=3),
            Unit("x", "巡逻中队", "department", "s", police=8),
            Unit("y", "内勤科", "department", "t", police=1),
        ],
        id="x",
    )
    warned = sorted(w.unit for w in org.warnings if "inside a 派出所" in w.message)
    assert warned == ["x", "y"]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("城关\u202e所出派", "right-to-left override U+202E at position 3"),
        ("城关\u200b派出所", "zero width space U+200B at position 3"),
        ("\u2066城关派出所\u2069", "left-to-right isolate U+2066 at position 1"),
        ("城关派出所\ufeff", "U+FEFF at position 6"),
        ("城关\u2028派出所", "line separator U+2028"),
    ],
)
def test_bidi_and_invisible_characters_are_refused_like_control_characters(
    text: str, shown: str
) -> None:
    # U+202E shows 城关所出派 as 城关派出所: a name that hides what it says was accepted.
    # Refused in a unit's name, a unit's id and the organisation's name, as control
    # characters are.
    for units, org_name, field in (
        ([Unit("b", "某县公安局", "county"), Unit("s", text, "station", "b")], "x", "name"),
        ([Unit("b", "某县公安局", "county"), Unit(text, "城关派出所", "station", "b")], "x", "id"),
        ([Unit("b", "某县公安局", "county")], text, "name"),
    ):
        with pytest.raises(OrgValidationError) as e:
            OrgGraph(units, id="x", name=org_name)
        (issue,) = e.value.issues
        assert issue.field == field and shown in str(issue)

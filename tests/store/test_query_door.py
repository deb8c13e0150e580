"""The query door: an allowlist on a parse of the query, limits before the engine, and the
engine running the door's own rendering. Each attack of issue 9 has its own minimal input."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from orgmodel.seeds import seed_path
from orgmodel.store import GraphStore, QueryRefused, QuerySyntaxError, open_store
from orgmodel.store._cypher import analytic_queries
from orgmodel.store.query_door import (
    ALLOWED_CLAUSES,
    DoorLimits,
    allowed_functions,
    check_params,
    pass_query,
)
from tests.store.conftest import seed_orgs

REPO = Path(__file__).resolve().parents[2]
SECRET = "admin-secret-token-42"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    with open_store(str(tmp_path_factory.mktemp("door") / "door.lbdb")) as s:
        s.save_org(seed_orgs()[0], "a", "seed")
        yield s


@pytest.fixture(scope="module")
def tokens_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    p = tmp_path_factory.mktemp("secrets") / "tokens.csv"
    p.write_text(f"{SECRET},admin\n", encoding="utf-8")
    return p


def refused(store: GraphStore, cypher: str, clause: str, **params: object) -> str:
    with pytest.raises(QueryRefused) as info:
        store.query(cypher, params)
    assert info.value.clause == clause, str(info.value)
    assert SECRET not in str(info.value)
    return str(info.value)


# -- the attacks of issue 9 ----------------------------------------------------------------------


def test_dash_dash_is_not_a_comment_so_load_from_is_seen(
    store: GraphStore, tokens_file: Path
) -> None:
    # The old text guard took "--1 …" for a comment and let LOAD FROM through.
    q = f"MATCH (u:Unit) WHERE u.police--1 = 2 LOAD FROM '{tokens_file}' RETURN *"
    msg = refused(store, q, "LOAD FROM")
    assert "line 1, column 38" in msg  # where LOAD stands
    assert pass_query("RETURN 3--1 AS x") == "RETURN 3 - - 1 AS x"
    assert store.query("RETURN 3--1 AS x") == [{"x": 4}]  # 3 - (-1): an expression


def test_backtick_name_ending_in_backslash(store: GraphStore, tokens_file: Path) -> None:
    # A backslash does not escape a backtick: the name ends there and LOAD is a clause.
    q = f"WITH 1 AS `a\\` LOAD FROM '{tokens_file}' RETURN * // `"
    refused(store, q, "LOAD FROM")
    assert store.query("RETURN 7 AS `a\\`") == [{"a\\": 7}]


@pytest.mark.parametrize("reader", ["read_csv_serial", "read_parquet", "read_npy", "read_csv"])
def test_table_functions_refused_in_every_form(
    store: GraphStore, tokens_file: Path, reader: str
) -> None:
    refused(store, f"CALL {reader}('{tokens_file}') RETURN *", "CALL")
    refused(store, f"LOAD FROM {reader}('{tokens_file}') RETURN *", "LOAD FROM")
    refused(store, f"RETURN {reader}('{tokens_file}') AS x", f"function {reader}")
    refused(store, f"RETURN `{reader}`('{tokens_file}') AS x", f"function {reader}")


def test_nested_list_1000_deep_refused_before_the_engine(store: GraphStore) -> None:
    q = "RETURN " + "[" * 1000 + "]" * 1000  # 2 KB, segfaulted the engine
    msg = refused(store, q, "nesting depth")
    assert "deeper than 32" in msg


@pytest.mark.parametrize(
    "q",
    [
        "RETURN " + "(" * 400 + "1" + ")" * 400,
        "RETURN " + "{a: " * 400 + "1" + "}" * 400,
        "RETURN " + "CASE WHEN true THEN " * 400 + "1" + " END" * 400,
        "RETURN " + "-" * 400 + "1",
        "RETURN " + "NOT " * 400 + "true",
    ],
    ids=["parens", "maps", "case", "minus", "not"],
)
def test_deep_nesting_refused(store: GraphStore, q: str) -> None:
    refused(store, q, "nesting depth")


@pytest.mark.parametrize(
    "q",
    [
        "RETURN id(NULL) AS x",
        "WITH NULL AS x RETURN nodes(x) AS y",
        "RETURN rels(NULL) AS x",
        "RETURN properties(NULL) AS x",
        "RETURN list_sum(NULL) AS x",
        "RETURN cost(NULL) AS x",
    ],
)
def test_functions_that_crash_the_engine_on_null_are_refused(store: GraphStore, q: str) -> None:
    # Each of these segfaults LadybugDB 0.22 (docs/known-issues.md): kept off the list.
    name = q.split("(")[0].split()[-1]
    refused(store, q, f"function {name}")


def test_setting_behind_a_comment_refused(store: GraphStore) -> None:
    refused(store, "/* x */ CALL checkpoint_threshold=1", "CALL (setting)")
    refused(store, "// x\nCALL threads = 1", "CALL (setting)")


@pytest.mark.parametrize(
    ("q", "clause"),
    [
        ("UNWIND range(1, 10000000000) AS i RETURN count(i)", "list size"),
        ("UNWIND range(1, $n) AS i RETURN count(i)", "list size"),
        ("RETURN [" + ", ".join(["1"] * 1001) + "] AS l", "list size"),
        ("RETURN 1" + " + 1" * 300 + " AS x", "expression length"),
        ("MATCH (a)-[*]->(b) RETURN count(b)", "variable-length pattern"),
        ("MATCH (a)-[*1..31]->(b) RETURN count(b)", "variable-length pattern"),
        ("RETURN 1 AS x" + " " * 20_000, "query length"),
    ],
)
def test_sizes_refused(store: GraphStore, q: str, clause: str) -> None:
    refused(store, q, clause)


def test_parameter_sizes_refused(store: GraphStore) -> None:
    deep: object = 1
    for _ in range(40):
        deep = [deep]
    refused(store, "RETURN $p AS p", "parameter depth", p=deep)
    refused(store, "RETURN size($p) AS p", "parameter size", p=list(range(1001)))
    check_params({"norms": [{"kind": "station", "leaders": 2}] * 10})  # a real one passes


# The break test's query: 22 doublings of a string, 400 characters, gigabytes in the binder.
DOUBLING = "WITH '" + "x" * 128 + "' AS s " + "WITH s + s AS s " * 22 + "RETURN size(s) AS n"


def test_repeated_self_concatenation_refused_naming_the_clause(store: GraphStore) -> None:
    msg = refused(store, DOUBLING, "value size")
    # 128 · 2⁹ = 65,536 passes; the 10th doubling makes 131,072 > 100,000. Its expression
    # starts at column len("WITH '") + 128 + len("' AS s ") + 9 · 16 + len("WITH ") + 1
    # = 6 + 128 + 7 + 144 + 5 + 1 = 291.
    assert "WITH … AS s at line 1, column 291" in msg
    assert "about 131,072 characters" in msg and "ORGMODEL_QUERY_MAX_VALUE" in msg


@pytest.mark.parametrize(
    ("q", "params"),
    [
        # a stored value counts as one: 2¹⁷ = 131,072 copies of a unit's name
        ("MATCH (u:Unit) WITH u.name AS s " + "WITH s + s AS s " * 17 + "RETURN s", {}),
        # a parameter counts by its size: 1,000 · 2⁷ = 128,000
        ("WITH $p AS s " + "WITH s + s + '' AS s " * 7 + "RETURN s", {"p": "y" * 1000}),
        # replace() multiplies: 400 · 400 = 160,000
        ("WITH '" + "a" * 400 + "' AS s RETURN replace(s, 'a', s) AS t", {}),
        # collect() holds a value per row, counted as a full list's (1,000): 200 · 1,000
        ("MATCH (u:Unit) RETURN collect(u.name + '" + "z" * 199 + "') AS l", {}),
        # also inside a function whose own result is small: size(s + s) builds s + s first
        ("WITH '" + "b" * 60_000 + "' AS s RETURN size(s + s) AS n", {}),
        # LadybugDB's variables ignore case: s and S are one, 1,000 · 2⁷ again
        ("WITH $P AS s " + "WITH s + S AS S WITH S + s AS s " * 4 + "RETURN s", {"p": "y" * 1000}),
    ],
    ids=["stored", "parameter", "replace", "collect", "inside", "case"],
)
def test_value_growth_the_door_sees(store: GraphStore, q: str, params: dict[str, object]) -> None:
    lim = DoorLimits(max_chars=100_000)
    with pytest.raises(QueryRefused) as info:
        pass_query(q, lim, params)
    assert info.value.clause == "value size", str(info.value)


def test_ordinary_concatenation_passes(store: GraphStore) -> None:
    rows = store.query(
        "MATCH (u:Unit) WITH u.name + '（' + u.kind + '）' AS label, u "
        "WITH label + '/' + u.id AS s RETURN s ORDER BY s LIMIT 1"
    )
    assert len(rows) == 1 and "（" in rows[0]["s"]
    # 16 doublings of one stored value: 65,536 ≤ 100,000
    pass_query("MATCH (u:Unit) WITH u.name AS s " + "WITH s + s AS s " * 16 + "RETURN s")
    # the element of range() is a number, whatever the range's length
    pass_query("UNWIND range(1, 1000) AS i WITH collect(i + i) AS l RETURN l + l AS l")
    lim = DoorLimits(max_value=10)
    with pytest.raises(QueryRefused, match="more than the limit of 10 "):
        pass_query("RETURN 'abcdefghijk' AS s", lim)


@pytest.mark.parametrize(
    ("q", "clause"),
    [
        ("MATCH (u:Unit) RETURN u.id; MATCH (u) DETACH DELETE u", "second statement"),
        ("EXPLAIN MATCH (u:Unit) RETURN u", "EXPLAIN"),
        ("MATCH (u:Unit) RETURN apoc.text.join([u.id], ',') AS x", "function apoc.text.join"),
        ("CALL db.labels() YIELD label RETURN label", "CALL"),
        ("USE other MATCH (u) RETURN u", "USE"),
        ("MATCH (u:Unit) WHERE EXISTS { CREATE (:X) } RETURN u", "CREATE"),
        ("MATCH (u:Unit) FOREACH (x IN [1] | CREATE (:X)) RETURN u", "FOREACH"),
        ("RETURN 1 AS x UNION LOAD FROM '/etc/passwd' RETURN *", "LOAD FROM"),
    ],
)
def test_other_clauses_refused(store: GraphStore, q: str, clause: str) -> None:
    refused(store, q, clause)


# -- what still passes ------------------------------------------------------------------------


def test_shipped_analytic_queries_pass_and_run(store: GraphStore) -> None:
    from orgmodel.store.analytics import norms_param

    org = seed_orgs()[0]
    params = {"org_id": org.id, "version": 1}
    for name, text in analytic_queries().items():
        canonical = pass_query(text)
        assert pass_query(canonical) == canonical, name  # the rendering is a fixed point
        p = {**params, "norms": norms_param()} if "$norms" in text else params
        assert store.query(text, p), name  # the seed has rows for every query


def _doc_queries() -> list[str]:
    found = []
    for doc in ("README.md", "docs/store.md", "docs/api.md"):
        text = (REPO / doc).read_text(encoding="utf-8")
        found += [q.replace("\\$", "$") for q in re.findall(r'db query "([^"]+)"', text)]
        found += re.findall(r'"cypher": "([^"]+)"', text)
    return found


def test_documented_examples_pass() -> None:
    examples = _doc_queries()
    assert len(examples) >= 3
    for q in examples:
        assert pass_query(q).startswith("MATCH (u:Unit)"), q


def test_the_engine_runs_what_the_door_read(store: GraphStore) -> None:
    # Comments go; strings keep what looks like comments or quotes inside them.
    q = "RETURN 'a -- b // c /* d */ \\' e' AS s // RETURN 2\n/* ; DROP */"
    assert pass_query(q) == "RETURN 'a -- b // c /* d */ \\' e' AS s"
    assert store.query(q) == [{"s": "a -- b // c /* d */ ' e"}]
    # A name spelled like a keyword is sent back-quoted, so it stays a name.
    assert pass_query("RETURN 1 AS load") == "RETURN 1 AS `load`"
    assert store.query("RETURN 1 AS load") == [{"load": 1}]
    assert store.query("RETURN '城关派出所' AS name, \"双引号\" AS q") == [
        {"name": "城关派出所", "q": "双引号"}
    ]


def test_syntax_errors_say_where(store: GraphStore) -> None:
    with pytest.raises(QuerySyntaxError, match=r"unterminated string at line 2, column 8"):
        store.query("MATCH (u:Unit)\nRETURN 'x")
    with pytest.raises(QuerySyntaxError, match="Allowed clauses: MATCH, OPTIONAL MATCH"):
        store.query("MATCH (u:Unit) RETURN u ORDER u")


@pytest.mark.parametrize("q", ["¹", "RETURN ²", "RETURN 1¹"])
def test_non_ascii_digits_are_a_syntax_error_not_a_crash(store: GraphStore, q: str) -> None:
    # '¹'.isdigit() is true but no Cypher number: the door crashed (a 500 through the API)
    with pytest.raises((QuerySyntaxError, QueryRefused)):
        store.query(q)


def test_allowlists_are_data_in_one_place() -> None:
    fns = allowed_functions()
    assert {"count", "sum", "coalesce", "length", "size", "min"} <= fns
    assert not fns & {"read_csv", "read_csv_serial", "read_parquet", "read_npy", "repeat"}
    assert all(re.fullmatch(r"[a-z_][a-z0-9_]*", f) for f in fns)
    assert "query_door.yaml" in seed_path("query_door.yaml").name
    assert ALLOWED_CLAUSES[0] == "MATCH" and "CALL" not in ALLOWED_CLAUSES


def test_limits_from_the_environment() -> None:
    lim = DoorLimits.from_env(
        {
            "ORGMODEL_QUERY_MAX_DEPTH": "4",
            "ORGMODEL_QUERY_MAX_LIST": "3",
            "ORGMODEL_QUERY_MAX_VALUE": "500",
        }
    )
    assert (lim.max_depth, lim.max_list_items, lim.max_chars, lim.max_value) == (4, 3, 20_000, 500)
    with pytest.raises(QueryRefused, match="more than 3 items"):
        pass_query("RETURN [1, 2, 3, 4] AS l", lim)
    assert pass_query("RETURN [1, 2, 3] AS l", lim) == "RETURN [1, 2, 3] AS l"
    from orgmodel.errors import InputError

    with pytest.raises(InputError, match="ORGMODEL_QUERY_MAX_CHARS"):
        DoorLimits.from_env({"ORGMODEL_QUERY_MAX_CHARS": "-5"})


@pytest.mark.parametrize(
    ("query", "en", "zh"),
    [
        ("MATCH (u RETURN u", "expected ')' at line 1, column 10, near 'RETURN u'",
         "第 1 行第 10 列，应为 ')'，靠近 'RETURN u'"),
        ("MATCH (u) RETURN u AS", "expected a name after AS at line 1, column 22, near the end "
         "of the query", "第 1 行第 22 列，应为一个名称（AS 之后），在查询末尾"),
        ("MATCH (u) WHERE u.x != 1 RETURN u", "use <> for 'not equal' at line 1, column 21",
         "第 1 行第 21 列，“不等于”请用 <>"),
    ],
)  # fmt: skip
def test_syntax_errors_in_both_languages(query: str, en: str, zh: str) -> None:
    # `orgmodel db query` in Chinese said "第 1 行第 10 列 处的 expected ')'"
    from orgmodel.i18n import language

    with pytest.raises(QuerySyntaxError) as info:
        pass_query(query)
    assert str(info.value).startswith(f"not a query the door reads: {en}")
    with language("zh"):
        shown = str(info.value)
    assert shown.startswith(f"查询门读不懂这条查询：{zh}")
    assert not re.search(r"expected|line|column|near", shown), shown

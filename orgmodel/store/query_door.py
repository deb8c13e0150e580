"""The query door: the one check every user Cypher query passes before a store runs it.

Planners and analysts read the graph in Cypher (``POST /api/v1/query``, ``orgmodel db
query``). The door lets through *reading* queries only, and decides that on a parse of the
query, never on a scan of its text:

1. **Limits first**, on the raw text and its tokens: length (``max_chars``), bracket
   nesting (``max_depth``) — both before anything recursive runs.
2. **A parse** by a recursive-descent parser of the read-only part of openCypher, with the
   lexical rules of the engine (LadybugDB/openCypher): ``//`` and ``/* */`` are comments and
   nothing else is (``x--1`` is ``x - (-1)``); a backtick name ends at the next backtick
   (a doubled backtick is one backtick, a backslash is just a character); strings take
   backslash escapes. Grammar::

       query    := single (UNION [ALL] single)* [';']
       single   := clause+ ; clause := [OPTIONAL] MATCH pattern [WHERE expr]
                 | UNWIND expr AS name | WITH proj [WHERE expr] | RETURN proj
       proj     := [DISTINCT] ('*' | expr [AS name], …) [ORDER BY expr [ASC|DESC], …]
                   [SKIP expr] [LIMIT expr]
       pattern  := [name '='] node (rel node)*, … ; rel := <-[ … ]- | -[ … ]-> | -- …
       expr     := the openCypher operators, literals, parameters, CASE, CAST,
                   quantifiers all/any/none/single, EXISTS { MATCH … } and COUNT { MATCH … },
                   and calls of the functions named in ``seeds/query_door.yaml``.

   Everything else — CALL, LOAD FROM, COPY, EXPORT/IMPORT, ATTACH, INSTALL, USE, settings
   (``CALL x = 1``), transactions, writes, DDL, a second statement, a function outside the
   list — is refused with :class:`QueryRefused` naming the clause or function.
3. **Canonical text**: the engine is sent the query *as the door parsed it* — re-rendered
   from the parse, comments dropped, strings and names re-quoted. So a trick that makes the
   door and the engine read one text two ways (a comment the engine does not see as one, a
   quote the engine closes elsewhere) cannot reach the engine: it runs exactly what was
   checked.

Literal lists hold at most ``max_list_items`` elements, and ``range(a, b)`` must have literal
bounds within that size. Parameters are held to the same depth and size limits.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, NoReturn

import yaml

from orgmodel.errors import InputError
from orgmodel.i18n import N_, join_list, lazy
from orgmodel.seeds import seed_path
from orgmodel.store.base import QueryError, ReadOnlyQueryError

__all__ = [
    "ALLOWED_CLAUSES",
    "DEFAULT_QUERY_TIMEOUT_S",
    "DoorLimits",
    "QueryRefused",
    "QuerySyntaxError",
    "allowed_functions",
    "check_params",
    "pass_query",
]

#: How long a user query may run unless a setting says otherwise (``ORGMODEL_QUERY_TIMEOUT``).
DEFAULT_QUERY_TIMEOUT_S = 10.0

#: The clauses a user query may use (the door's allowlist).
ALLOWED_CLAUSES = (
    "MATCH",
    "OPTIONAL MATCH",
    "WITH",
    "UNWIND",
    "WHERE",
    "RETURN",
    "ORDER BY",
    "SKIP",
    "LIMIT",
    "UNION",
)


class QueryRefused(ReadOnlyQueryError):
    """The door refused a query: a clause, function or size it does not let through.

    ``clause`` names what was refused (``"LOAD FROM"``, ``"CALL"``, ``"function
    read_csv"``, ``"nesting depth"``…); nothing reached the engine.
    """

    def __init__(self, clause: str, message: str) -> None:
        self.clause = clause
        super().__init__(message)


class QuerySyntaxError(QueryError):
    """The query is not Cypher the door can read (a syntax error); nothing ran."""


@dataclass(frozen=True, slots=True)
class DoorLimits:
    """Sizes a user query may have; checked before the engine sees it.

    Attributes
    ----------
    max_chars : int
        Longest query text, in characters (the shipped analytic queries are under 4,000).
    max_depth : int
        Deepest nesting of brackets, sub-queries and expressions.
    max_list_items : int
        Most elements of a literal list, of ``range(a, b)``, or of a list parameter.
    max_hops : int
        Largest upper bound of a variable-length relationship (``*1..30``).
    max_terms : int
        Most operands of one chain of operators (``a + b + …``): the engine's binder takes
        time quadratic in a chain's length (2,000 terms: 3 s before the time limit starts).
    max_value : int
        Largest string or list the door can see a query build, in characters or items: it
        adds up literals and counts each stored value or parameter item as one, and follows
        variables from clause to clause, so ``WITH s + s AS s`` repeated doubles ``s`` each
        time (22 doublings of a short string are gigabytes, built in the engine's binder).
    """

    max_chars: int = 20_000
    max_depth: int = 32
    max_list_items: int = 1_000
    max_hops: int = 30
    max_terms: int = 256
    max_value: int = 100_000

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DoorLimits:
        """Limits from ``ORGMODEL_QUERY_MAX_CHARS``, ``ORGMODEL_QUERY_MAX_DEPTH``,
        ``ORGMODEL_QUERY_MAX_LIST`` and ``ORGMODEL_QUERY_MAX_VALUE`` (the defaults where
        unset).

        Raises
        ------
        InputError
            A value that is not a positive whole number.
        """
        env = os.environ if env is None else env
        kw: dict[str, int] = {}
        for var, name in _ENV_LIMITS.items():
            raw = env.get(var, "").strip()
            if not raw:
                continue
            if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
                raise InputError(
                    lazy("{var}: expected a positive whole number, got {raw!r}", var=var, raw=raw)
                )
            kw[name] = int(raw)
        return cls(**kw)


_ENV_LIMITS = {
    "ORGMODEL_QUERY_MAX_CHARS": "max_chars",
    "ORGMODEL_QUERY_MAX_DEPTH": "max_depth",
    "ORGMODEL_QUERY_MAX_LIST": "max_list_items",
    "ORGMODEL_QUERY_MAX_VALUE": "max_value",
}

#: Functions whose result is one number, truth value or date, whatever their arguments'
#: size (what the door counts of a value's growth, below).
# fmt: off
_SMALL_RESULT = frozenset((
    "count", "sum", "avg", "stdev", "stddev", "stdevp", "percentilecont", "percentiledisc",
    "abs", "ceil", "ceiling", "floor", "round", "sign", "sqrt", "exp", "ln", "log", "log10",
    "log2", "pow", "pi", "to_int64", "to_int32", "to_double", "to_float", "to_boolean",
    "tointeger", "tofloat", "toboolean", "starts_with", "ends_with", "contains", "size",
    "length", "list_contains", "list_has", "list_position", "array_contains",
    "regexp_matches", "date", "timestamp", "current_date", "current_timestamp", "date_part",
    "datetime",
))
# fmt: on
#: Ceiling of the door's size arithmetic (far past any limit).
_HUGE = 1 << 62


@cache
def allowed_functions() -> frozenset[str]:
    """The lower-case names of the functions a user query may call (``seeds/query_door.yaml``)."""
    data = yaml.safe_load(seed_path("query_door.yaml").read_text(encoding="utf-8"))
    groups = data["functions"]
    return frozenset(str(f).lower() for names in groups.values() for f in names)


# -- refused clauses: what each keyword at a clause position means --------------------------

_WHY_FILES = N_("reads or writes files on the server")
_WHY_TXN = N_("controls transactions (a query runs in the store's own read-only transaction)")
_REFUSED: dict[str, tuple[str, str]] = {
    "CALL": ("CALL", N_("runs procedures or table functions, or changes settings")),
    "LOAD": ("LOAD FROM", _WHY_FILES),
    "COPY": ("COPY", _WHY_FILES),
    "EXPORT": ("EXPORT DATABASE", _WHY_FILES),
    "IMPORT": ("IMPORT DATABASE", _WHY_FILES),
    "ATTACH": ("ATTACH", N_("opens other databases")),
    "DETACH": ("DETACH", N_("detaches databases or deletes nodes")),
    "USE": ("USE", N_("switches databases or graphs")),
    "INSTALL": ("INSTALL", N_("installs extensions")),
    "UNINSTALL": ("UNINSTALL", N_("removes extensions")),
    "BEGIN": ("BEGIN TRANSACTION", _WHY_TXN),
    "COMMIT": ("COMMIT", _WHY_TXN),
    "ROLLBACK": ("ROLLBACK", _WHY_TXN),
    "CHECKPOINT": ("CHECKPOINT", N_("changes the database")),
    "CREATE": ("CREATE", N_("writes to the graph")),
    "MERGE": ("MERGE", N_("writes to the graph")),
    "SET": ("SET", N_("writes to the graph")),
    "DELETE": ("DELETE", N_("writes to the graph")),
    "REMOVE": ("REMOVE", N_("writes to the graph")),
    "DROP": ("DROP", N_("changes the schema")),
    "ALTER": ("ALTER", N_("changes the schema")),
    "COMMENT": ("COMMENT ON", N_("changes the schema")),
    "FOREACH": ("FOREACH", N_("writes to the graph")),
    "EXPLAIN": ("EXPLAIN", N_("shows plans, not data")),
    "PROFILE": ("PROFILE", N_("shows plans, not data")),
    "SHOW": ("SHOW", N_("lists server objects")),
    "GRANT": ("GRANT", N_("changes access rights")),
    "REVOKE": ("REVOKE", N_("changes access rights")),
    "DENY": ("DENY", N_("changes access rights")),
    "LOAD_EXTENSION": ("LOAD EXTENSION", N_("installs extensions")),
}

# Words that are keywords in LadybugDB or Neo4j: a name spelled like one is sent back-quoted,
# so the engine can never read a name as a keyword.
_KEYWORDS = frozenset(
    """ACYCLIC ADD ALL ALTER AND ANY AS ASC ASCENDING ATTACH BEGIN BY CALL CASE CAST
    CHECKPOINT COLUMN COMMENT COMMIT COMMIT_SKIP_CHECKPOINT CONTAINS COPY COUNT CREATE CYCLE
    DATABASE DBTYPE DEFAULT DELETE DESC DESCENDING DETACH DISTINCT DROP ELSE END ENDS EXISTS
    EXPLAIN EXPORT EXTENSION FALSE FOR FOREACH FORCE FROM GLOB GRAPH GROUP HEADERS HINT IF
    IMPORT IN INCREMENT INDEX INSTALL IS JOIN KEY LIMIT LOAD LOGICAL MACRO MAP MATCH MAXVALUE
    MERGE MINVALUE MULTI_JOIN NO NODE NONE NOT NULL ON ONLY OPTIONAL OPTIONS OR ORDER
    PASSWORD PRIMARY PROFILE PROJECT READ REL REMOVE RENAME RETURN ROLE ROLLBACK
    ROLLBACK_SKIP_CHECKPOINT SEQUENCE SET SHORTEST SHOW SINGLE SKIP START STARTS STRUCT TABLE
    THEN TO TRAIL TRANSACTION TRUE TYPE UNINSTALL UNION UNWIND UPDATE USE USER WHEN WHERE
    WITH WRITE WSHORTEST XOR YIELD UNIQUE CONSTRAINT REQUIRE SCALAR MANDATORY OF DO""".split()  # noqa: SIM905
)

# -- tokens ------------------------------------------------------------------------------------

_PUNCT2 = {"<=", ">=", "<>", "=~", "..", "!=", "+=", "::"}
_PUNCT1 = set("()[]{},.:;|*/%^+-=<>$")
_ESCAPES = {"\\": "\\", "'": "'", '"': '"', "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


@dataclass(frozen=True, slots=True)
class _Tok:
    kind: str  # "word" | "name" (back-quoted) | "string" | "int" | "float" | "param" | "op" | "end"
    value: str  # words: as written; names/strings: decoded; ops: the operator
    pos: int

    @property
    def upper(self) -> str:
        return self.value.upper() if self.kind == "word" else ""


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return lazy("line {line}, column {column}", line=line, column=col)


def _tokens(text: str) -> list[_Tok]:
    """The tokens of ``text`` (comments and whitespace dropped), by the engine's lexical rules."""
    out: list[_Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        two = text[i : i + 2]
        if two == "//":
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if two == "/*":
            j = text.find("*/", i + 2)
            if j < 0:
                raise QuerySyntaxError(
                    lazy("unterminated /* comment at {where}", where=_where(text, i))
                )
            i = j + 2
            continue
        if ch in "'\"":
            buf: list[str] = []
            j = i + 1
            while True:
                if j >= n:
                    raise QuerySyntaxError(
                        lazy("unterminated string at {where}", where=_where(text, i))
                    )
                c = text[j]
                if c == ch:
                    break
                if c == "\\":
                    e = text[j + 1 : j + 2]
                    if e in _ESCAPES:
                        buf.append(_ESCAPES[e])
                        j += 2
                        continue
                    width = 4 if e == "u" else 8 if e == "U" else 0
                    hexd = text[j + 2 : j + 2 + width]
                    if (
                        width
                        and len(hexd) == width
                        and all(h in "0123456789abcdefABCDEF" for h in hexd)
                    ):
                        cp = int(hexd, 16)
                        if cp > 0x10FFFF or 0xD800 <= cp <= 0xDFFF:
                            raise QuerySyntaxError(
                                lazy(
                                    "invalid escape \\{e}{hexd} at {where}",
                                    e=e,
                                    hexd=hexd,
                                    where=_where(text, j),
                                )
                            )
                        buf.append(chr(cp))
                        j += 2 + width
                        continue
                    raise QuerySyntaxError(
                        lazy("invalid escape in a string at {where}", where=_where(text, j))
                    )
                buf.append(c)
                j += 1
            out.append(_Tok("string", "".join(buf), i))
            i = j + 1
            continue
        if ch == "`":
            buf = []
            j = i + 1
            while True:
                k = text.find("`", j)
                if k < 0:
                    raise QuerySyntaxError(
                        lazy("unterminated `name` at {where}", where=_where(text, i))
                    )
                buf.append(text[j:k])
                if text[k + 1 : k + 2] == "`":  # a doubled backtick is one backtick
                    buf.append("`")
                    j = k + 2
                    continue
                break
            name = "".join(buf)
            if not name:
                raise QuerySyntaxError(lazy("empty `` name at {where}", where=_where(text, i)))
            out.append(_Tok("name", name, i))
            i = k + 1
            continue
        if "0" <= ch <= "9":  # ASCII digits only: '¹'.isdigit() is true
            m = _NUMBER.match(text, i)
            assert m is not None
            s = m.group(0)
            if i + len(s) < n and (text[i + len(s)].isalnum() or text[i + len(s)] == "_"):
                raise QuerySyntaxError(lazy("malformed number at {where}", where=_where(text, i)))
            out.append(_Tok("float" if any(c in s for c in ".eE") else "int", s, i))
            i += len(s)
            continue
        if ch.isalpha() or ch == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            out.append(_Tok("word", text[i:j], i))
            i = j
            continue
        if ch == "$":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if j == i + 1:
                raise QuerySyntaxError(
                    lazy("'$' without a parameter name at {where}", where=_where(text, i))
                )
            out.append(_Tok("param", text[i + 1 : j], i))
            i = j
            continue
        if two in _PUNCT2:
            out.append(_Tok("op", two, i))
            i += 2
            continue
        if ch in _PUNCT1:
            out.append(_Tok("op", ch, i))
            i += 1
            continue
        raise QuerySyntaxError(
            lazy("unexpected character {ch!r} at {where}", ch=ch, where=_where(text, i))
        )
    out.append(_Tok("end", "", n))
    return out


_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:[eE][+-]?\d+)?")
_PLAIN = re.compile(r"^[^\W\d]\w*$")


def _check_depth(tokens: Iterable[_Tok], text: str, limit: int) -> None:
    depth = 0
    for t in tokens:
        if t.kind == "op" and t.value in "([{":
            depth += 1
            if depth > limit:
                raise QueryRefused(
                    "nesting depth",
                    lazy(
                        "refused: brackets nested deeper than {limit} at {where} (ORGMODEL_QUERY_MAX_DEPTH); nothing was run",
                        limit=limit,
                        where=_where(text, t.pos),
                    ),
                )
        elif t.kind == "op" and t.value in ")]}":
            depth -= 1


def _name(value: str) -> str:
    """A name as the engine must read it: bare when plain, else back-quoted."""
    if _PLAIN.match(value) and value.upper() not in _KEYWORDS:
        return value
    return "`" + value.replace("`", "``") + "`"


def _string(value: str) -> str:
    out = ["'"]
    for c in value:
        if c == "\\":
            out.append("\\\\")
        elif c == "'":
            out.append("\\'")
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029":
            out.append(f"\\u{ord(c):04x}")
        else:
            out.append(c)
    out.append("'")
    return "".join(out)


# -- the parser --------------------------------------------------------------------------------

_COMPARE = {"=", "<>", "<", ">", "<=", ">=", "=~"}
_CLAUSE_END = {"MATCH", "OPTIONAL", "WITH", "UNWIND", "RETURN", "UNION"}


class _Parser:
    def __init__(self, text: str, tokens: list[_Tok], limits: DoorLimits) -> None:
        self.text = text
        self.toks = tokens
        self.i = 0
        self.limits = limits
        self.depth = 0
        self.functions = allowed_functions()
        # The growth the door can see: an upper estimate of each variable's size (characters
        # or items), and a stack of sums for the expressions being read. Keys are lower case:
        # LadybugDB's variables ignore case (`s` and `S` are one), Neo4j's do not, so two
        # spellings share the larger estimate.
        self.sizes: dict[str, int] = {}
        self.param_sizes: dict[str, int] = {}
        self.acc: list[int] = [0]

    # token helpers
    @property
    def tok(self) -> _Tok:
        return self.toks[self.i]

    def peek(self, k: int = 1) -> _Tok:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_word(self, *words: str, tok: _Tok | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "word" and t.value.upper() in words

    def is_op(self, *ops: str, tok: _Tok | None = None) -> bool:
        t = tok or self.tok
        return t.kind == "op" and t.value in ops

    def take(self) -> _Tok:
        t = self.tok
        self.i += 1
        return t

    def expect_word(self, word: str) -> None:
        if not self.is_word(word):
            self.fail(lazy("expected {word}", word=word))
        self.i += 1

    def expect_op(self, op: str) -> None:
        if not self.is_op(op):
            self.fail(lazy("expected '{op}'", op=op))
        self.i += 1

    def fail(self, what: str) -> NoReturn:
        t = self.tok
        if t.kind == "word" and t.upper in _REFUSED:
            raise self.refuse_word(t)
        where = _where(self.text, t.pos)
        if t.kind == "end":  # a sentence of its own: Chinese says 在查询末尾, not 靠近 查询末尾
            raise QuerySyntaxError(
                lazy(
                    "not a query the door reads: {what} at {where}, near the end of the query. Allowed clauses: {join}",
                    what=what,
                    where=where,
                    join=join_list(ALLOWED_CLAUSES),
                )
            )
        raise QuerySyntaxError(
            lazy(
                "not a query the door reads: {what} at {where}, near {near}. Allowed clauses: {join}",
                what=what,
                where=where,
                near=repr(self.text[t.pos : t.pos + 20]),
                join=join_list(ALLOWED_CLAUSES),
            )
        )

    def refuse_word(self, t: _Tok) -> QueryRefused:
        clause, why = _REFUSED[t.upper]
        if (
            t.upper == "CALL"
            and self.peek().kind in ("word", "name")
            and self.is_op("=", tok=self.peek(2))
        ):
            clause, why = "CALL (setting)", N_("changes database settings")
        return QueryRefused(
            clause,
            lazy(
                "refused: {clause} at {where}: it {why}. The query door lets through reading clauses only ({join}), read-only: nothing was changed",
                clause=clause,
                where=_where(self.text, t.pos),
                why=lazy(why),
                join=join_list(ALLOWED_CLAUSES),
            ),
        )

    def nest(self) -> None:
        self.depth += 1
        if self.depth > self.limits.max_depth:
            raise QueryRefused(
                "nesting depth",
                lazy(
                    "refused: expressions nested deeper than {max_depth} at {where} (ORGMODEL_QUERY_MAX_DEPTH); nothing was run",
                    max_depth=self.limits.max_depth,
                    where=_where(self.text, self.tok.pos),
                ),
            )

    def unnest(self) -> None:
        self.depth -= 1

    # the size of values the query builds
    def grow(self, n: int) -> None:
        self.acc[-1] = min(self.acc[-1] + n, _HUGE)

    def measured(self, read: Any, what: str, pos: int) -> tuple[str, int]:
        """Read with ``read()``; its text and the size of the value it builds, refused past
        ``max_value``."""
        self.acc.append(0)
        try:
            out = read()
        finally:
            size = self.acc.pop()
        if size > self.limits.max_value:
            shown: str = f"{size:,}" if size < _HUGE else lazy("more than 10¹⁸")
            limit = f"{self.limits.max_value:,}"
            raise QueryRefused(
                "value size",
                lazy(
                    "refused: {what} at {where} builds a string or list of about {shown} characters or items (each stored value counted as one), more than the limit of {limit} (ORGMODEL_QUERY_MAX_VALUE) — repeated concatenation grows a value exponentially; nothing was run",
                    what=what,
                    where=_where(self.text, pos),
                    shown=shown,
                    limit=limit,
                ),
            )
        return out, size

    def clause_expr(self, what: str) -> tuple[str, int]:
        return self.measured(self.expr, what, self.tok.pos)

    def symbolic(self, what: str) -> str:
        """A name where the grammar wants one (after AS, '.', ':' …): any word, re-quoted."""
        t = self.tok
        if t.kind in ("name", "word"):
            self.i += 1
            return _name(t.value)
        self.fail(lazy("expected {what}", what=lazy(what)))

    # query structure
    def query(self) -> str:
        parts = [self.single()]
        while self.is_word("UNION"):
            self.i += 1
            if self.is_word("ALL"):
                self.i += 1
                parts.append("UNION ALL")
            else:
                parts.append("UNION")
            parts.append(self.single())
        if self.is_op(";"):
            self.i += 1
            if self.tok.kind != "end":
                raise QueryRefused(
                    "second statement",
                    lazy(
                        "refused: one statement per query — a second one starts at {where}; nothing was run",
                        where=_where(self.text, self.tok.pos),
                    ),
                )
        if self.tok.kind != "end":
            self.fail(lazy("expected the end of the query"))
        return " ".join(parts)

    def single(self) -> str:
        clauses: list[str] = []
        self.sizes = {}
        while True:
            t = self.tok
            if self.is_word("MATCH"):
                clauses.append(self.match(optional=False))
            elif self.is_word("OPTIONAL"):
                self.i += 1
                if not self.is_word("MATCH"):
                    self.fail(lazy("expected MATCH after OPTIONAL"))
                clauses.append(self.match(optional=True))
            elif self.is_word("UNWIND"):
                self.i += 1
                numbers = self.is_word("RANGE") and self.is_op("(", tok=self.peek())
                e, size = self.clause_expr("UNWIND")
                self.expect_word("AS")
                var = self.tok.value
                alias = self.symbolic(N_("a variable"))
                clauses.append(f"UNWIND {e} AS {alias}")
                # an element is no larger than its list (a number, for range)
                _bind(self.sizes, var, 1 if numbers else size)
            elif self.is_word("WITH"):
                self.i += 1
                c = "WITH " + self.projection("WITH")
                if self.is_word("WHERE"):
                    self.i += 1
                    c += " WHERE " + self.clause_expr("WITH … WHERE")[0]
                clauses.append(c)
            elif self.is_word("RETURN"):
                self.i += 1
                clauses.append("RETURN " + self.projection("RETURN"))
                return " ".join(clauses)
            elif t.kind == "word" and t.upper in _REFUSED:
                raise self.refuse_word(t)
            elif t.kind == "end" and not clauses:
                raise QuerySyntaxError(
                    lazy(
                        "empty query: give one Cypher statement, e.g. MATCH (u:Unit) RETURN u.name"
                    )
                )
            else:
                self.fail(lazy("expected a clause (or RETURN to end the query)"))

    def match(self, *, optional: bool) -> str:
        self.expect_word("MATCH")
        c = ("OPTIONAL MATCH " if optional else "MATCH ") + self.pattern()
        if self.is_word("WHERE"):
            self.i += 1
            c += " WHERE " + self.clause_expr("MATCH … WHERE")[0]
        return c

    def projection(self, clause: str) -> str:
        out = []
        if self.is_word("DISTINCT"):
            self.i += 1
            out.append("DISTINCT")
        # WITH x, … AS y: the variables after it are those it names (all of them after *).
        after: dict[str, int] = {}
        if self.is_op("*"):
            self.i += 1
            items = ["*"]
            after = dict(self.sizes)
        else:
            items = [self.item(clause, after)]
        while self.is_op(","):
            self.i += 1
            items.append(self.item(clause, after))
        out.append(", ".join(items))
        if self.is_word("ORDER"):
            self.i += 1
            self.expect_word("BY")
            keys = [self.sort_key()]
            while self.is_op(","):
                self.i += 1
                keys.append(self.sort_key())
            out.append("ORDER BY " + ", ".join(keys))
        if self.is_word("SKIP"):
            self.i += 1
            out.append("SKIP " + self.expr())
        if self.is_word("LIMIT"):
            self.i += 1
            out.append("LIMIT " + self.expr())
        self.sizes = after
        return " ".join(out)

    def item(self, clause: str, after: dict[str, int]) -> str:
        start, first = self.tok, self.i
        # the name the item will have, for the message: its alias, else its first word
        j = self.i
        depth = 0
        while self.toks[j].kind != "end":
            if self.is_op("(", "[", "{", tok=self.toks[j]):
                depth += 1
            elif self.is_op(")", "]", "}", tok=self.toks[j]):
                depth -= 1
            elif depth == 0 and (
                self.is_op(",", tok=self.toks[j])
                or self.is_word("AS", "ORDER", "SKIP", "LIMIT", "WHERE", tok=self.toks[j])
                or self.toks[j].upper in _CLAUSE_END
            ):
                break
            j += 1
        alias = self.toks[j + 1] if self.is_word("AS", tok=self.toks[j]) else None
        what = f"{clause} … AS {alias.value}" if alias is not None else clause
        e, size = self.measured(self.expr, what, start.pos)
        if self.is_word("AS"):
            self.i += 1
            name_tok = self.tok
            as_name = self.symbolic(N_("a name after AS"))
            out = f"{e} AS {as_name}"
            _bind(after, name_tok.value, size)
            return out
        if start.kind in ("word", "name") and self.i == first + 1:
            _bind(after, start.value, size)  # a variable carried on
        return e

    def sort_key(self) -> str:
        e = self.clause_expr("ORDER BY")[0]
        if self.is_word("ASC", "ASCENDING", "DESC", "DESCENDING"):
            e += " " + self.take().value.upper()
        return e

    # patterns
    def pattern(self) -> str:
        parts = [self.pattern_part()]
        while self.is_op(","):
            self.i += 1
            parts.append(self.pattern_part())
        return ", ".join(parts)

    def pattern_part(self) -> str:
        prefix = ""
        if self.tok.kind in ("word", "name") and self.is_op("=", tok=self.peek()):
            prefix = self.symbolic(N_("a path variable")) + " = "
            self.i += 1
        out = [self.node()]
        while self.is_op("-", "<"):
            out.append(self.rel())
            out.append(self.node())
        return prefix + "".join(out)

    def node(self) -> str:
        self.expect_op("(")
        inner = []
        if self.tok.kind in ("word", "name"):
            inner.append(self.symbolic(N_("a variable")))
        if self.is_op(":"):
            inner.append(self.labels())
        if self.is_op("{"):
            inner.append(" " + self.map_literal())
        elif self.tok.kind == "param":
            inner.append(" $" + _name(self.take().value))
        self.expect_op(")")
        return "(" + "".join(inner) + ")"

    def labels(self) -> str:
        self.expect_op(":")
        names = [self.symbolic(N_("a label"))]
        while self.is_op("|"):
            self.i += 1
            if self.is_op(":"):
                self.i += 1
            names.append(self.symbolic(N_("a label")))
        return ":" + "|".join(names)

    def rel(self) -> str:
        left = ""
        if self.is_op("<"):
            self.i += 1
            left = "<"
        self.expect_op("-")
        body = ""
        if self.is_op("["):
            self.i += 1
            inner = []
            if self.tok.kind in ("word", "name"):
                inner.append(self.symbolic(N_("a variable")))
            if self.is_op(":"):
                inner.append(self.labels())
            if self.is_op("*"):
                inner.append(self.hops())
            if self.is_op("{"):
                inner.append(" " + self.map_literal())
            self.expect_op("]")
            body = "[" + "".join(inner) + "]"
        self.expect_op("-")
        right = ""
        if self.is_op(">"):
            self.i += 1
            right = ">"
        if left and right:
            self.fail(lazy("a relationship has one direction"))
        return f"{left}-{body}-{right}"

    def hops(self) -> str:
        self.expect_op("*")
        lo = hi = None
        if self.tok.kind == "int":
            lo = int(self.take().value)
        if self.is_op(".."):
            self.i += 1
            if self.tok.kind != "int":
                self.fail(lazy("expected an upper bound after '..'"))
            hi = int(self.take().value)
        elif lo is not None:
            hi = lo
        if hi is None or hi > self.limits.max_hops:
            raise QueryRefused(
                "variable-length pattern",
                lazy(
                    "refused: a variable-length relationship needs an upper bound of at most {max_hops} hops (e.g. *1..{max_hops}); nothing was run",
                    max_hops=self.limits.max_hops,
                ),
            )
        return f"*{'' if lo is None else lo}..{hi}"

    # expressions, by precedence (openCypher)
    def expr(self) -> str:
        self.nest()
        try:
            return self.binary_chain(self.xor_expr, ("OR",))
        finally:
            self.unnest()

    def binary_chain(self, sub: Any, words: tuple[str, ...]) -> str:
        out = sub()
        terms = 1
        while self.is_word(*words):
            op = self.take().value.upper()
            out = f"{out} {op} {sub()}"
            terms = self.count_term(terms)
        return out

    def count_term(self, terms: int) -> int:
        terms += 1
        if terms > self.limits.max_terms:
            raise QueryRefused(
                "expression length",
                lazy(
                    "refused: more than {max_terms} operands in one chain of operators at {where}; nothing was run",
                    max_terms=self.limits.max_terms,
                    where=_where(self.text, self.tok.pos),
                ),
            )
        return terms

    def count_prefix(self, n: int) -> None:
        if n > self.limits.max_depth:
            raise QueryRefused(
                "nesting depth",
                lazy(
                    "refused: more than {max_depth} prefix operators in a row at {where} (ORGMODEL_QUERY_MAX_DEPTH); nothing was run",
                    max_depth=self.limits.max_depth,
                    where=_where(self.text, self.tok.pos),
                ),
            )

    def xor_expr(self) -> str:
        return self.binary_chain(self.and_expr, ("XOR",))

    def and_expr(self) -> str:
        return self.binary_chain(self.not_expr, ("AND",))

    def not_expr(self) -> str:
        nots = 0
        while self.is_word("NOT"):
            self.i += 1
            nots += 1
        self.count_prefix(nots)
        return "NOT " * nots + self.comparison()

    def comparison(self) -> str:
        out = self.predicate()
        if self.tok.kind == "op" and self.tok.value in _COMPARE:
            op = self.take().value
            out = f"{out} {op} {self.predicate()}"
        elif self.is_op("!="):
            self.fail(lazy("use <> for 'not equal'"))
        return out

    def predicate(self) -> str:
        out = self.additive()
        while True:
            if self.is_word("STARTS", "ENDS"):
                w = self.take().value.upper()
                self.expect_word("WITH")
                out = f"{out} {w} WITH {self.additive()}"
            elif self.is_word("CONTAINS", "IN"):
                w = self.take().value.upper()
                out = f"{out} {w} {self.additive()}"
            elif self.is_word("IS"):
                self.i += 1
                neg = ""
                if self.is_word("NOT"):
                    self.i += 1
                    neg = "NOT "
                self.expect_word("NULL")
                out = f"{out} IS {neg}NULL"
            else:
                return out

    def additive(self) -> str:
        out = self.multiplicative()
        terms = 1
        while self.is_op("+", "-"):
            op = self.take().value
            out = f"{out} {op} {self.multiplicative()}"
            terms = self.count_term(terms)
        return out

    def multiplicative(self) -> str:
        out = self.power()
        terms = 1
        while self.is_op("*", "/", "%"):
            op = self.take().value
            out = f"{out} {op} {self.power()}"
            terms = self.count_term(terms)
        return out

    def power(self) -> str:
        out = self.unary()
        terms = 1
        while self.is_op("^"):
            self.i += 1
            out = f"{out} ^ {self.unary()}"
            terms = self.count_term(terms)
        return out

    def unary(self) -> str:
        signs = []
        while self.is_op("+", "-"):
            signs.append(self.take().value)
        self.count_prefix(len(signs))
        out = self.postfix()
        # "- -1" and "--1" both mean minus minus one; a space keeps the signs apart.
        return "".join(s + " " for s in signs) + out if signs else out

    def postfix(self) -> str:
        out = self.atom()
        while True:
            if self.is_op("."):
                self.i += 1
                prop = self.symbolic(N_("a property name"))
                out = f"{out}.{prop}"
            elif self.is_op("["):
                self.i += 1
                lo = "" if self.is_op("..", "]") else self.expr()
                if self.is_op(".."):
                    self.i += 1
                    hi = "" if self.is_op("]") else self.expr()
                    out = f"{out}[{lo}..{hi}]"
                else:
                    out = f"{out}[{lo}]"
                self.expect_op("]")
            else:
                return out

    def atom(self) -> str:
        t = self.tok
        if t.kind == "int" or t.kind == "float":
            self.i += 1
            self.grow(1)
            return t.value
        if t.kind == "string":
            self.i += 1
            self.grow(max(1, len(t.value)))
            return _string(t.value)
        if t.kind == "param":
            self.i += 1
            self.grow(self.param_sizes.get(t.value.lower(), 1))
            return "$" + (t.value if t.value.isascii() and t.value.isdigit() else _name(t.value))
        if self.is_op("("):
            self.i += 1
            e = self.expr()
            self.expect_op(")")
            return f"({e})"
        if self.is_op("["):
            return self.list_literal()
        if self.is_op("{"):
            return self.map_literal()
        if t.kind == "name":
            self.i += 1
            if self.is_op("("):
                raise self.refuse_function(t.value, t)
            self.grow(self.sizes.get(t.value.lower(), 1))
            return _name(t.value)
        if t.kind != "word":
            self.fail(lazy("expected an expression"))
        u = t.upper
        if u in ("TRUE", "FALSE", "NULL"):
            self.i += 1
            self.grow(1)
            return u
        if u == "CASE":
            return self.case()
        if u in ("EXISTS", "COUNT") and self.is_op("{", tok=self.peek()):
            return self.subquery(u)
        if u == "CAST" and self.is_op("(", tok=self.peek()):
            return self.cast()
        if (
            u in ("ALL", "ANY", "NONE", "SINGLE")
            and self.is_op("(", tok=self.peek())
            and self.peek(2).kind in ("word", "name")
            and self.is_word("IN", tok=self.peek(3))
        ):
            return self.quantifier(u)
        if u in _REFUSED:
            raise self.refuse_word(t)
        # a function call (possibly namespaced, like apoc.text.join) or a variable
        j = self.i + 1
        while self.is_op(".", tok=self.toks[j]) and self.toks[j + 1].kind in ("word", "name"):
            j += 2
        if self.is_op("(", tok=self.toks[j]):
            name = ".".join(self.toks[k].value for k in range(self.i, j, 2))
            return self.call(name, t, j)
        self.i += 1
        self.grow(self.sizes.get(t.value.lower(), 1))
        return _name(t.value)

    def refuse_function(self, name: str, t: _Tok) -> QueryRefused:
        return QueryRefused(
            f"function {name}",
            lazy(
                "refused: function {name}() at {where} is not one the query door lets through (table functions, procedures and file readers never are; the allowed functions are listed in seeds/query_door.yaml); nothing was run",
                name=name,
                where=_where(self.text, t.pos),
            ),
        )

    def call(self, name: str, t: _Tok, paren: int) -> str:
        if name.lower() not in self.functions:
            raise self.refuse_function(name, t)
        self.i = paren + 1
        if name.lower() == "count" and self.is_op("*"):
            self.i += 1
            self.expect_op(")")
            return "count(*)"
        distinct = ""
        if self.is_word("DISTINCT"):
            self.i += 1
            distinct = "DISTINCT "
        args: list[str] = []
        arg_toks: list[list[_Tok]] = []
        sizes: list[int] = []
        if not self.is_op(")"):
            while True:
                start = self.i
                arg, size = self.measured(self.expr, f"{name}()", self.tok.pos)
                args.append(arg)
                sizes.append(size)
                arg_toks.append(self.toks[start : self.i])
                if not self.is_op(","):
                    break
                self.i += 1
        self.expect_op(")")
        low = name.lower()
        if low == "range":
            self.grow(self.check_range(arg_toks, t))
        elif low in _SMALL_RESULT:
            self.grow(1)
        elif low == "collect":
            # one value per row: count the rows as a full list's worth
            self.grow(min((sizes[0] if sizes else 1) * self.limits.max_list_items, _HUGE))
        elif low == "replace" and len(sizes) == 3:
            # every character of the first may become the third
            self.grow(min(sizes[0] * max(1, sizes[2]), _HUGE))
        else:
            self.grow(sum(sizes) or 1)
        return f"{low}({distinct}{', '.join(args)})"

    def check_range(self, args: list[list[_Tok]], t: _Tok) -> int:
        def literal(ts: list[_Tok]) -> int | None:
            if len(ts) == 1 and ts[0].kind == "int":
                return int(ts[0].value)
            if len(ts) == 2 and self.is_op("-", tok=ts[0]) and ts[1].kind == "int":
                return -int(ts[1].value)
            return None

        vals = [literal(a) for a in args]
        if len(vals) in (2, 3) and all(v is not None for v in vals):
            lo, hi = vals[0], vals[1]
            step = vals[2] if len(vals) == 3 else 1
            assert lo is not None and hi is not None and step is not None
            n = max(0, (hi - lo) // step + 1) if step != 0 else -1
            if 0 <= n <= self.limits.max_list_items:
                return n
        raise QueryRefused(
            "list size",
            lazy(
                "refused: range() at {where} must have literal integer bounds and at most {max_list_items} elements (ORGMODEL_QUERY_MAX_LIST); nothing was run",
                where=_where(self.text, t.pos),
                max_list_items=self.limits.max_list_items,
            ),
        )

    def list_literal(self) -> str:
        start = self.tok
        self.expect_op("[")
        items: list[str] = []
        if not self.is_op("]"):
            while True:
                items.append(self.expr())
                if len(items) > self.limits.max_list_items:
                    raise QueryRefused(
                        "list size",
                        lazy(
                            "refused: a list at {where} holds more than {max_list_items} items (ORGMODEL_QUERY_MAX_LIST); nothing was run",
                            where=_where(self.text, start.pos),
                            max_list_items=self.limits.max_list_items,
                        ),
                    )
                if not self.is_op(","):
                    break
                self.i += 1
        self.expect_op("]")
        return "[" + ", ".join(items) + "]"

    def map_literal(self) -> str:
        self.expect_op("{")
        items: list[str] = []
        if not self.is_op("}"):
            while True:
                key = self.symbolic(N_("a map key"))
                self.expect_op(":")
                items.append(f"{key}: {self.expr()}")
                if len(items) > self.limits.max_list_items:
                    raise QueryRefused(
                        "list size",
                        lazy(
                            "refused: a map holds more than {max_list_items} entries",
                            max_list_items=self.limits.max_list_items,
                        ),
                    )
                if not self.is_op(","):
                    break
                self.i += 1
        self.expect_op("}")
        return "{" + ", ".join(items) + "}"

    def case(self) -> str:
        self.expect_word("CASE")
        out = ["CASE"]
        if not self.is_word("WHEN"):
            out.append(self.expr())
        if not self.is_word("WHEN"):
            self.fail(lazy("expected WHEN"))
        while self.is_word("WHEN"):
            self.i += 1
            w = self.expr()
            self.expect_word("THEN")
            out.append(f"WHEN {w} THEN {self.expr()}")
        if self.is_word("ELSE"):
            self.i += 1
            out.append("ELSE " + self.expr())
        self.expect_word("END")
        out.append("END")
        return " ".join(out)

    def cast(self) -> str:
        self.i += 1  # CAST
        self.expect_op("(")
        e = self.expr()
        if self.is_word("AS"):
            self.i += 1
            t = self.tok
            if t.kind != "word" or not _PLAIN.match(t.value):
                self.fail(lazy("expected a type name"))
            self.i += 1
            target = t.value.upper()
            sep = " AS "
        else:
            self.expect_op(",")
            t = self.tok
            if t.kind != "string":
                self.fail(lazy("expected a type name"))
            self.i += 1
            target, sep = _string(t.value), ", "
        self.expect_op(")")
        return f"CAST({e}{sep}{target})"

    def quantifier(self, word: str) -> str:
        self.i += 2  # word and '('
        name = self.tok.value
        var = self.symbolic(N_("a variable"))
        self.expect_word("IN")
        src, size = self.measured(self.expr, f"{word.lower()}()", self.tok.pos)
        self.expect_word("WHERE")
        name = name.lower()
        outer = self.sizes.get(name)
        self.sizes[name] = max(size, outer or 0)
        try:
            cond = self.measured(self.expr, f"{word.lower()}() … WHERE", self.tok.pos)[0]
        finally:
            if outer is None:
                self.sizes.pop(name, None)
            else:
                self.sizes[name] = outer
        self.expect_op(")")
        self.grow(1)
        return f"{word.lower()}({var} IN {src} WHERE {cond})"

    def subquery(self, word: str) -> str:
        self.i += 1
        self.expect_op("{")
        self.nest()
        if not self.is_word("MATCH"):
            if self.tok.kind == "word" and self.tok.upper in _REFUSED:
                raise self.refuse_word(self.tok)
            self.fail(lazy("expected MATCH inside {word} {{ … }}", word=word))
        inner = dict(self.sizes)
        body = self.measured(lambda: self.match(optional=False), f"{word} {{ … }}", self.tok.pos)[0]
        self.sizes = inner
        self.expect_op("}")
        self.unnest()
        self.grow(1)
        return f"{word} {{ {body} }}"


def pass_query(
    cypher: str, limits: DoorLimits | None = None, params: Mapping[str, Any] | None = None
) -> str:
    """Check a user query at the door; return the text the engine is to run.

    Parameters
    ----------
    cypher : str
        One Cypher statement from a user.
    limits : DoorLimits, optional
        Sizes allowed (the defaults without one).
    params : mapping, optional
        The query's parameters: their sizes count towards the values it builds.

    Returns
    -------
    str
        The query re-rendered from its parse: comments gone, names and strings re-quoted.

    Raises
    ------
    QueryRefused
        A clause, function or size the door does not let through (403 at the API).
    QuerySyntaxError
        Not Cypher the door can read (400 at the API).

    Examples
    --------
    >>> pass_query("MATCH (u:Unit) // the units\\nRETURN u.kind, count(*) AS n")
    'MATCH (u:Unit) RETURN u.kind, count(*) AS n'
    >>> pass_query("RETURN 2--1 AS x")
    'RETURN 2 - - 1 AS x'
    """
    lim = limits or DoorLimits()
    if not isinstance(cypher, str) or not cypher.strip():
        raise QuerySyntaxError(
            lazy("empty query: give one Cypher statement, e.g. MATCH (u:Unit) RETURN u.name")
        )
    if len(cypher) > lim.max_chars:
        raise QueryRefused(
            "query length",
            lazy(
                "refused: the query has {n:,} characters, more than the limit of {max_chars:,} (ORGMODEL_QUERY_MAX_CHARS); nothing was run",
                n=len(cypher),
                max_chars=lim.max_chars,
            ),
        )
    toks = _tokens(cypher)
    if len(toks) == 1:
        raise QuerySyntaxError(lazy("empty query: only comments"))
    _check_depth(toks, cypher, lim.max_depth)
    parser = _Parser(cypher, toks, lim)
    for k, v in (params or {}).items():
        _bind(parser.param_sizes, str(k), _value_size(v))
    return parser.query()


def _bind(sizes: dict[str, int], name: str, size: int) -> None:
    key = name.lower()
    sizes[key] = max(size, sizes.get(key, 0))


def _value_size(value: Any) -> int:
    """Characters and items in a parameter's value (iterative: any depth)."""
    total, stack = 0, [value]
    while stack:
        v = stack.pop()
        if isinstance(v, str | bytes):
            total += max(1, len(v))
        elif isinstance(v, Mapping):
            stack.extend(v.values())
        elif isinstance(v, list | tuple):
            total += 1
            stack.extend(v)
        else:
            total += 1
    return total


def check_params(params: Mapping[str, Any], limits: DoorLimits | None = None) -> None:
    """Hold query parameters to the door's depth and list-size limits.

    Raises
    ------
    QueryRefused
        A parameter nests deeper than ``max_depth`` or a list/map in it holds more than
        ``max_list_items`` items (a table of units travels better as several queries).
    """
    lim = limits or DoorLimits()
    # Iterative, so a deeply nested parameter cannot exhaust the stack here either.
    stack: list[tuple[Any, int, str]] = [(v, 1, str(k)) for k, v in params.items()]
    while stack:
        value, depth, name = stack.pop()
        if isinstance(value, Mapping | list | tuple):
            if depth > lim.max_depth:
                raise QueryRefused(
                    "parameter depth",
                    lazy(
                        "refused: parameter ${value} nests deeper than {max_depth} (ORGMODEL_QUERY_MAX_DEPTH); nothing was run",
                        value=name.split(".")[0].split("[")[0],
                        max_depth=lim.max_depth,
                    ),
                )
            if len(value) > lim.max_list_items:
                raise QueryRefused(
                    "parameter size",
                    lazy(
                        "refused: parameter ${name} holds {n:,} items, more than {max_list_items:,} (ORGMODEL_QUERY_MAX_LIST); nothing was run",
                        name=name,
                        n=len(value),
                        max_list_items=lim.max_list_items,
                    ),
                )
            items = value.values() if isinstance(value, Mapping) else value
            stack.extend((v, depth + 1, name) for v in items)

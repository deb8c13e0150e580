"""The spreadsheet an HR office exports (机构花名册): CSV, XLSX or XLS, one unit per row.

Columns (any order, Chinese or English headers, 用友/金蝶 names too)::

    id, parent_id, name, kind, function, category, establishment, police, auxiliaries,
    leaders, duty_roster, community_share, guided_by, dispatched_by

The reader takes the file as HR offices write it:

- the header row is found below title and 填报单位 rows, and a two-row header (``民警`` over
  ``实有``/``编制``, merged cells) is read as one;
- other columns (序号, 备注, 负责人, 联系电话 …) are ignored, said once, and never kept;
- the parent is an id, a unit's name (when unique), a path (``城关派出所/社区警务队``) or,
  without a parent column, implied by hierarchical codes (01, 0101, 010101); the root's
  parent may be blank, ``0``, ``-1`` or ``无``;
- ids are normalised (:func:`orgmodel.io.ids.normalize_id`: ``101.0`` → ``101``, full width →
  half width); an id Excel turned into ``1.30102E+11`` is refused, naming the row;
- numbers may carry thousands separators (``1,234``); 是/否, √/×, Y/N are booleans;
- the 科所队 shorthand (类型 队/所/室) is resolved from the unit's name and parent by the rules
  of ``seeds/kind_rules.yaml``, and refused with the choices where they cannot tell;
- 合计/总计 rows are checksums: compared with the units' sum, never imported as units;
- with ``totals=True`` police and auxiliaries are subtree totals (a 派出所's includes its
  teams and posts): own = total − Σ children.
- merged cells and formula values come from :mod:`orgmodel.io.sheets`: a formula saved
  without its value is refused naming the column and cells, never read as 0.

Every problem is reported at once, naming the file, the row as the spreadsheet shows it and
the column: ``org.csv row 5, column H (民警), unit 's1': police must be a whole number, got
'二十'``. The format is documented in ``docs/format.md`` ("From your HR spreadsheet").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.errors import InputError
from orgmodel.i18n import N_, LazyText, join_list, lazy
from orgmodel.io._atomic import atomic_output
from orgmodel.io.ids import IdError, normalize_id
from orgmodel.io.sheets import Sheet, Uncached, Workbook, cell_text, read_workbook
from orgmodel.kind_rules import KindRules, load_kind_rules, norm_label
from orgmodel.labels import format_change
from orgmodel.model import (
    BUREAU_KINDS,
    CATEGORIES,
    KIND_NAMES,
    KindText,
    OrgGraph,
    OrgValidationError,
    ParentBureau,
    Unit,
    ValidationIssue,
    field_text,
)

__all__ = [
    "API_SWITCHES",
    "CATEGORY_ALIASES",
    "CLI_SWITCHES",
    "COLUMNS",
    "COLUMN_ALIASES",
    "KIND_ALIASES",
    "META_FIELDS",
    "META_SHEET",
    "REQUIRED_COLUMNS",
    "ROOT_PARENTS",
    "TABLE_SUFFIXES",
    "Switches",
    "csv_leaves_out",
    "export_table",
    "load_table",
    "resolve_category",
    "resolve_column",
    "resolve_kind",
    "table_rows",
]

#: The columns, in the order :func:`export_table` writes them.
COLUMNS: tuple[str, ...] = (
    "id",
    "parent_id",
    "name",
    "kind",
    "function",
    "category",
    "establishment",
    "police",
    "auxiliaries",
    "leaders",
    "duty_roster",
    "community_share",
    "guided_by",
    "dispatched_by",
)
#: Columns a table must have; ``parent_id`` may be left out when ids are hierarchical codes.
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "parent_id", "name", "kind")
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xlsm", ".xls")
#: The XLSX sheet holding the organisation's own fields (one ``field, value`` pair a row).
META_SHEET = "organisation"
META_FIELDS: tuple[str, ...] = (
    "id",
    "name",
    "description",
    "parent_bureau",
    "parent_bureau_functions",
)

#: Header aliases of each column (compared after NFKC, lower case, spaces and _ - removed).
#: 用友 (Yonyou) and 金蝶 (Kingdee) HR exports call the id 编码 and the parent 上级编码.
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "编号",
        "机构编号",
        "单位编号",
        "机构id",
        "unit_id",
        "编码",
        "代码",
        "机构编码",
        "机构代码",
        "单位编码",
        "单位代码",
        "部门编码",
        "部门代码",
        "组织编码",
        "code",
        "unit code",
    ),
    "parent_id": (
        "parent",
        "上级编号",
        "上级机构编号",
        "上级单位编号",
        "上级id",
        "上级机构id",
        "上级编码",
        "上级代码",
        "上级机构编码",
        "上级单位编码",
        "上级部门编码",
        "上级部门",
        "上级单位",
        "上级机构",
        "上级组织",
        "隶属单位",
        "所属单位",
        "parent code",
        "parent unit",
    ),
    "name": (
        "名称",
        "机构名称",
        "单位名称",
        "部门名称",
        "组织名称",
        "机构全称",
        "单位全称",
        "unit",
        "unit name",
    ),
    "kind": ("type", "类型", "机构类型", "单位类型", "机构类别", "部门类型", "unit type"),
    "function": ("警种", "职能", "警种/职能", "警种职能", "业务类别"),
    "category": ("类别", "机构性质", "category"),
    "establishment": (
        "编制",
        "编制数",
        "核定编制",
        "编制人数",
        "民警编制",
        "编制民警",
        "政法专项编制",
    ),
    "police": (
        "民警",
        "民警实有",
        "民警人数",
        "实有民警",
        "民警数",
        "民警实有数",
        "实有人数",
        "民警实有人数",
        "officers",
    ),
    "auxiliaries": (
        "辅警",
        "辅警人数",
        "辅警数",
        "辅警实有",
        "实有辅警",
        "辅警实有数",
        "警务辅助人员",
        "警务辅助人员数",
    ),
    "leaders": ("领导职数", "领导", "领导人数"),
    "duty_roster": ("24小时值班", "值班备勤", "值班", "24小时值班备勤", "24h值班"),
    "community_share": ("社区工作占比", "社区占比", "社区警务占比"),
    "guided_by": ("业务指导", "业务指导部门", "业务指导单位编号", "指导部门编号"),
    "dispatched_by": ("调度", "指挥调度", "调度单位编号", "情指调度"),
}

#: Chinese names of the categories (《公安机关组织管理条例》 art. 7).
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "management": ("综合管理", "综合管理机构", "综合管理类"),
    "duty": ("执法勤务", "执法勤务机构", "执法勤务类"),
    "frontline": ("一线", "基层", "基层一线"),
    "leadership": ("领导", "局领导", "领导班子"),
}

#: What a root's parent cell may say (when no unit has that id).
ROOT_PARENTS = frozenset({"0", "-1", "无", "none", "null", "root", "-", "—", "/", "n/a", "na"})

_TRUE = frozenset({"是", "true", "t", "1", "y", "yes", "有", "√", "✓", "✔", "对"})
_FALSE = frozenset({"否", "false", "f", "0", "n", "no", "无", "×", "✗", "✘", "错"})
_INT_COLUMNS = ("establishment", "police", "auxiliaries", "leaders")
_FIGURES = ("police", "auxiliaries")
_ID_SEP = re.compile(r"[;；,，、\s]+")
_PATH_SEP = re.compile(r"\s*[/\\>＞→]\s*")
_HEADER_SCAN = 30

_norm = norm_label


@dataclass(frozen=True)
class Switches:
    """How the door a file came through spells the reader's options, so that a message
    names the switch the user can actually use there (``--totals`` on the command line,
    ``?totals=true`` on the HTTP API). The reader is the same for every door."""

    totals: str = "--totals"
    sheet: str = "--sheet {name}"

    def sheet_for(self, name: str) -> str:
        """The switch that picks the sheet ``name``."""
        return self.sheet.format(name=repr(name) if self.sheet.startswith("--") else name)


#: The command line's spelling (``orgmodel import FILE --totals --sheet NAME``).
CLI_SWITCHES = Switches()
#: The HTTP API's query parameters (``POST /api/v1/orgs?totals=true&sheet=NAME``).
API_SWITCHES = Switches(totals="?totals=true", sheet="?sheet={name}")


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, names in aliases.items():
        for n in (code, *names):
            out.setdefault(_norm(n), code)
    return out


_COLUMN_LOOKUP = _lookup(COLUMN_ALIASES)
_CATEGORY_LOOKUP = _lookup(CATEGORY_ALIASES)


def _kind_aliases() -> dict[str, tuple[str, ...]]:
    return load_kind_rules().aliases()


#: Names of each unit kind (from ``seeds/kind_rules.yaml``); the codes always work too.
KIND_ALIASES: dict[str, tuple[str, ...]] = _kind_aliases()


#: A unit of measure after a header (``民警（人）``, ``辅警(名)``): not part of its name.
_HEADER_UNIT = re.compile(r"[（(]\s*(?:人|名|个|人数|单位：?人)\s*[）)]\s*$")


def resolve_column(header: str) -> str | None:
    """The column a header names (``民警实有`` → ``police``, ``民警（人）`` → ``police``),
    or ``None`` if unknown."""
    return _COLUMN_LOOKUP.get(_norm(_HEADER_UNIT.sub("", header)))


def resolve_kind(text: str) -> str | None:
    """A unit kind from its code or a name that always means it (``分局`` → ``county``).

    Bare 科所队 names (队, 所, 室) depend on the unit and give ``None`` here; the importer
    resolves them by :class:`orgmodel.kind_rules.KindRules`.
    """
    return load_kind_rules().name_kind(text)


def resolve_category(text: str) -> str | None:
    """A category from its code or Chinese name (``执法勤务`` → ``duty``), else ``None``."""
    return _CATEGORY_LOOKUP.get(_norm(text))


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


_text = cell_text


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


# -- the header ---------------------------------------------------------------------------


@dataclass
class _Header:
    """Where the header is, what each column holds, and the columns left out."""

    first: int  # index into rows of the header's first row
    last: int  # index of its last row (data starts after it)
    columns: dict[str, int]
    headers: list[str]
    ignored: list[int] = field(default_factory=list)
    repeated: list[tuple[int, str, int]] = field(default_factory=list)

    @property
    def score(self) -> int:
        return len(self.columns)

    def is_header(self) -> bool:
        return self.score >= 2 and ("id" in self.columns or "name" in self.columns)


def _header_of(
    upper: list[str], lower: list[str] | None
) -> tuple[dict[str, int], list[str], list[int], list[tuple[int, str, int]]]:
    texts: list[str] = []
    width = max(len(upper), len(lower or []))
    for j in range(width):
        u = upper[j] if j < len(upper) else ""
        if lower is None:
            texts.append(u)
            continue
        lo = lower[j] if j < len(lower) else ""
        if not lo or lo == u:
            texts.append(u)
        elif u and resolve_column(u + lo):
            texts.append(u + lo)
        elif resolve_column(u) in _FIGURES and resolve_column(lo) not in _FIGURES:
            # 辅警 over 编制: a detail of the 辅警 column that no field holds (辅警编制), not
            # the bureau's 编制; it is ignored like any other column.
            texts.append(u + lo)
        elif resolve_column(lo) or not u:
            texts.append(lo)
        else:
            texts.append(f"{u} {lo}")
    columns: dict[str, int] = {}
    ignored: list[int] = []
    repeated: list[tuple[int, str, int]] = []
    for j, h in enumerate(texts):
        f = resolve_column(h) if h else None
        if f is None:
            ignored.append(j)
        elif f in columns:
            repeated.append((j, f, columns[f]))
        else:
            columns[f] = j
    return columns, texts, ignored, repeated


def _continues(upper: list[str], lower: list[str]) -> bool:
    """Whether every text of ``lower`` repeats or completes the header text above it."""
    for j, lo in enumerate(lower):
        u = upper[j] if j < len(upper) else ""
        if lo and lo != u and not resolve_column(u + lo) and not resolve_column(lo):
            return False
    return any(lower)


def _find_header(rows: list[tuple[int, list[Any]]]) -> _Header | None:
    """The header among the first rows: the row (or pair of rows) naming most columns."""
    best: _Header | None = None
    scanned = 0
    for i, (_, cells) in enumerate(rows):
        if all(map(_empty, cells)):
            continue
        scanned += 1
        if scanned > _HEADER_SCAN:
            break
        upper = [_text(c) for c in cells]
        cands = [_Header(i, i, *_header_of(upper, None))]
        lower: list[str] = []
        if i + 1 < len(rows) and not all(map(_empty, rows[i + 1][1])):
            lower = [_text(c) for c in rows[i + 1][1]]
            pair = _Header(i, i + 1, *_header_of(upper, lower))
            # A pair counts only where the upper row names a column (not a title above).
            if any(
                pair.headers[j] != (lower[j] if j < len(lower) else "")
                for j in pair.columns.values()
            ):
                cands.append(pair)
        if len(cands) == 2 and cands[1].score == cands[0].score and _continues(upper, lower):
            # 民警 over 实有: the second row finishes the header, it is not a unit.
            cands = [cands[1]]
        for h in cands:
            if h.is_header() and (best is None or h.score > best.score):
                best = h
    return best


# -- one data row -------------------------------------------------------------------------


@dataclass
class _Record:
    """A data row as read, before parents, kinds and totals are worked out."""

    row: int
    id: str
    parent_text: str | None
    name: str | None
    kind_text: str | None
    function: str | None
    category: str | None
    ints: dict[str, int | None]
    duty: bool | None
    share: float | None
    refs: list[tuple[str, str, str]]  # (column, other id, location)
    parent: str | None = None
    kind: str | None = None
    rule_function: str | None = None


class _RowReader:
    """Parses one data row's cells, collecting every problem with its row and column."""

    def __init__(
        self,
        fname: str,
        row: int,
        cells: Sequence[Any],
        header: _Header,
        catalogue: FunctionCatalogue,
        issues: list[ValidationIssue],
        uncached: dict[str, list[str]],
        lost: list[tuple[int, str, str, str]] | None = None,
    ) -> None:
        self.fname, self.row, self.cells = fname, row, cells
        self.columns, self.headers, self.catalogue = header.columns, header.headers, catalogue
        self.issues = issues
        self.uncached = uncached
        self.lost = lost
        self.unit: str | None = None

    def loc(self, field: str) -> str:
        j = self.columns[field]
        return _at_cell(self.fname, self.row, j, self.headers[j])

    def bad(self, field: str, message: str) -> None:
        self.issues.append(ValidationIssue(message, self.unit, self.loc(field)))

    def raw(self, field: str) -> Any:
        j = self.columns.get(field)
        if j is None or j >= len(self.cells) or _empty(self.cells[j]):
            return None
        v = self.cells[j]
        if isinstance(v, Uncached):
            self.uncached.setdefault(field, []).append(v.cell)
            return None
        return v

    def text(self, field: str) -> str | None:
        v = self.raw(field)
        return None if v is None else _text(v)

    def ident(self, field: str) -> str | None:
        """The cell as an id; an id whose digits Excel lost goes to ``lost`` (when kept)."""
        v = self.raw(field)
        try:
            return normalize_id(v)
        except IdError as e:
            if self.lost is not None:
                shown = f"{v:.5E}" if isinstance(v, float) else _text(v)  # as Excel shows it
                self.lost.append((self.row, field, shown, str(e)))
            else:
                self.bad(field, lazy("{field} {e}", field=field_text(field), e=e))
            return None

    def integer(self, field: str) -> int | None:
        v = self.raw(field)
        if v is None:
            return None
        n: int | None = None
        if isinstance(v, int) and not isinstance(v, bool):
            n = v
        elif isinstance(v, float) and v.is_integer():
            n = int(v)
        elif isinstance(v, str):
            t = unicodedata.normalize("NFKC", v).strip()
            if re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", t):
                t = t.replace(",", "")
            if re.fullmatch(r"[+-]?\d+", t):
                n = int(t)
            elif re.fullmatch(r"[+-]?\d+\.0*", t):
                n = int(float(t))
        if n is None:
            self.bad(
                field,
                lazy(
                    "{field} must be a whole number, got {text!r}",
                    field=field_text(field),
                    text=_text(v),
                ),
            )
            return None
        if n < 0:
            self.bad(
                field, lazy("{field} must not be negative, got {n}", field=field_text(field), n=n)
            )
            return None
        return n

    def boolean(self, field: str) -> bool | None:
        v = self.raw(field)
        if v is None:
            return None
        if isinstance(v, bool):
            return v
        t = _norm(_text(v))
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
        self.bad(
            field,
            lazy(
                "{field} must be 是/否 (√/×, Y/N, true/false, 1/0), got {text!r}",
                field=field_text(field),
                text=_text(v),
            ),
        )
        return None

    def share(self, field: str) -> float | None:
        v = self.raw(field)
        if v is None:
            return None
        x: float | None = None
        if isinstance(v, int | float) and not isinstance(v, bool):
            x = float(v)
        else:
            t = unicodedata.normalize("NFKC", _text(v)).strip()
            try:
                x = float(t[:-1]) / 100 if t.endswith("%") else float(t)
            except ValueError:
                x = None
        if x is None or not 0 <= x <= 1:
            hint = lazy(" (write 0.6 or 60%)") if x is not None and 1 < x <= 100 else ""
            self.bad(
                field,
                lazy(
                    "{field} must be a share between 0 and 1, got {text!r}{hint}",
                    field=field_text(field),
                    text=_text(v),
                    hint=hint,
                ),
            )
            return None
        return x

    def function(self) -> str | None:
        t = self.text("function")
        if t is None:
            return None
        code = self.catalogue.resolve(t) or self.catalogue.resolve(unicodedata.normalize("NFKC", t))
        if code is None:
            self.bad(
                "function",
                lazy(
                    "unknown function {t!r} (use a code or a Chinese name of the catalogue, such as criminal or 刑侦)",
                    t=t,
                ),
            )
        return code

    def category(self) -> str | None:
        t = self.text("category")
        if t is None:
            return None
        c = resolve_category(t)
        if c is None or c not in CATEGORIES:
            self.bad(
                "category",
                lazy(
                    "unknown category {t!r} (management/综合管理, duty/执法勤务, frontline/一线, leadership/领导)",
                    t=t,
                ),
            )
            return None
        return c

    def ids(self, field: str) -> list[str]:
        t = self.text(field)
        out: list[str] = []
        for x in _ID_SEP.split(t or ""):
            if not x:
                continue
            try:
                i = normalize_id(x)
            except IdError as e:
                self.bad(field, lazy("{field} {e}", field=field_text(field), e=e))
                continue
            if i:
                out.append(i)
        return out


@dataclass(frozen=True)
class _Checksum:
    """A 合计/小计 row: what it says and what it sums."""

    row: int
    label: str  # as written: 合计, 东桥派出所小计, 小计（机关）
    word: str  # 合计, 小计 …
    scope: str | None  # the unit or group it names (东桥派出所), None for the whole table
    grand: bool  # a total of the whole table, not a subtotal
    figures: dict[str, int]
    uncached: bool = False  # its figures are formulas saved without values
    unreadable: bool = False  # a figure that is no whole number ≥ 0 (warned, not checked)


_SUM_WORDS = "小计|合计|总计|共计|总数|subtotal|grandtotal|total"
#: ``东桥派出所小计``, ``机关合计：``, ``小计（东桥派出所）``, ``合计``
_SUM_LABEL = re.compile(
    rf"^(?P<pre>.*?)(?P<word>{_SUM_WORDS})[:]?(?:\((?P<post>[^()]*)\))?[:]?$", re.IGNORECASE
)

#: A quick test before the full match (most cells are units' ids and names).
_SUM_HINT = re.compile(r"计|总数|其中|total|ｔｏｔａｌ", re.IGNORECASE)
#: ``其中：派出所`` (of which: the 派出所), a breakdown row under a 合计.
_PART_LABEL = re.compile(r"^其中[:]?(?P<scope>.*?)[:]?$")


def _checksum_label(cells: Sequence[Any], header: _Header) -> tuple[str, str, str | None] | None:
    """(label, word, scope) when the row is a 合计/小计 row, else None.

    The id, name and first three cells are looked at: a subtotal is often written where the
    unit's name goes (``东桥派出所小计``) with no id.
    """
    look = [header.columns[f] for f in ("id", "name") if f in header.columns]
    look += [j for j in range(min(3, len(cells))) if j not in look]
    for j in look:
        if j < len(cells) and isinstance(cells[j], str) and _SUM_HINT.search(cells[j]):
            label = cells[j].strip()
            flat = re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", label))
            part = _PART_LABEL.match(flat)
            if part is not None:
                return label, "其中", part["scope"] or None
            m = _SUM_LABEL.match(flat)
            if m is None:
                continue
            word = m["word"].lower()
            scope = (m["pre"] or m["post"] or "").strip() or None
            if word == "total" and scope and scope.lower() in ("sub", "grand"):
                word, scope = scope.lower() + "total", None
            return label, word, scope
    return None


#: The labels of notes and sign-off lines under an HR table: 注：…, 制表人：…, 审核人：,
#: 填报日期：, 单位负责人（签字）：… (compared after NFKC, so ： is :).
_FOOTER_LABEL = re.compile(
    r"\s*(?P<label>注|附注|备注|说明|填表说明|填报说明|制表|制表人|填表人|填报人|统计人|经办人|"
    r"审核|审核人|复核|复核人|审批|审批人|负责人|单位负责人|部门负责人|主管领导|分管领导|"
    r"领导签字|签字|签章|盖章|单位盖章|填报单位|填报日期|制表日期|填表日期|报送日期|统计日期|"
    r"统计时间|日期|截止日期|截止时间|截至|数据截至|联系人|联系电话|电话|数据来源|来源|"
    r"note|notes|prepared by|checked by|approved by|date)"
    r"\s*(?:\d{1,2}|\([^()]{0,12}\))?\s*[:]",
    re.IGNORECASE,
)
#: A section heading inside the table: 一、局机关, （二）派出所, 第三部分.
_HEADING = re.compile(
    r"\s*(?:[一二三四五六七八九十]+\s*[、.]|\([一二三四五六七八九十\d]+\)|第[一二三四五六七八九十\d]+部分)"
)


def _filled(cells: Sequence[Any]) -> list[tuple[int, str]]:
    return [(j, _text(c)) for j, c in enumerate(cells) if not _empty(c)]


def _row_roles(rows: list[tuple[int, list[Any]]], header: _Header) -> dict[int, str]:
    """Rows below the header that are not units, by index into ``rows``: notes and sign-off
    below the table (``footer:注``, ``footer:`` for a line of text) and section headings
    (``heading:一、局机关``). 合计/小计 rows are left to :func:`_checksum_label`.

    The table ends at the first 注：/制表人：-style line, or where only lines of text follow
    (blank rows or not; a line of text fills at most one of id, name and kind, or repeats
    one text merged across the row, and holds no figure). Below
    its end such lines are footers; inside the table a numbered heading, or one text merged
    across the row or written in column A that no unit names as its parent, is a heading.
    Anything else is read as a unit, so a broken unit row is reported, never skipped. A
    注：/制表人：-style label decides alone: a phone number may sit in a count column.
    """
    cols = header.columns
    need = [cols[f] for f in ("id", "name", "kind") if f in cols]
    figure_cols = [cols[f] for f in _INT_COLUMNS if f in cols]
    parent_col = cols.get("parent_id")

    def cell(cells: Sequence[Any], j: int) -> Any:
        return cells[j] if j < len(cells) else None

    body = [
        (i, rows[i][1])
        for i in range(header.last + 1, len(rows))
        if not all(map(_empty, rows[i][1]))
    ]

    def text_line(cells: Sequence[Any]) -> bool:
        """Not a unit: fills at most one of id, name and kind (or holds one text merged
        across the row), and holds no figure."""
        present = [str(v) for j in need if not _empty(v := cell(cells, j))]
        if len(present) >= min(2, len(need)) and (
            len(set(present)) > 1 or len({t for _, t in _filled(cells)}) > 1
        ):
            return False  # a unit (perhaps a broken one, to be reported)
        return not any(
            isinstance(v := cell(cells, j), int | float)
            or (isinstance(v, str) and re.fullmatch(r"\s*[+-]?[\d,]+(\.\d+)?\s*", v))
            for j in figure_cols
        )

    kind: dict[int, str] = {}
    for i, cells in body:
        if _checksum_label(cells, header) is not None:
            kind[i] = "checksum"
            continue
        first = _text(next(c for c in cells if not _empty(c)))
        m = _FOOTER_LABEL.match(unicodedata.normalize("NFKC", first))
        if m is not None:  # the label decides: a phone number may sit in a count column
            kind[i] = "footer:" + first[: len(m["label"])]
        elif text_line(cells):
            kind[i] = "text"
        else:
            kind[i] = "unit"
    # The end of the table: the first 注：-style line.
    end = next((i for i, _ in body if kind[i].startswith("footer:")), len(rows))
    # Lines of text below the last unit (after a blank row or not) end the table too.
    trailing = len(rows)
    for i, _ in reversed(body):
        if kind[i] != "text":
            break
        trailing = i
    end = min(end, trailing)
    named_parents = (
        {_text(cell(c, parent_col)) for _, c in body} if parent_col is not None else set()
    )
    roles: dict[int, str] = {}
    for i, cells in body:
        k = kind[i]
        if i >= end and k != "unit" and k != "checksum":
            roles[i] = k if k.startswith("footer:") else "footer:"
            continue
        if k != "text":
            continue
        f = _filled(cells)
        values = {t for _, t in f}
        first = unicodedata.normalize("NFKC", f[0][1])
        merged_or_a = len(values) == 1 and (len(f) > 1 or f[0][0] == 0)
        if _HEADING.match(first) or (merged_or_a and f[0][1] not in named_parents):
            roles[i] = "heading:" + f[0][1]
    return roles


# -- the whole table ----------------------------------------------------------------------


class _Table:
    """Reads one sheet into units, collecting every problem and every warning."""

    def __init__(
        self,
        rows: list[tuple[int, list[Any]]],
        header: _Header,
        fname: str,
        *,
        catalogue: FunctionCatalogue,
        rules: KindRules,
        totals: bool,
        switches: Switches = CLI_SWITCHES,
    ) -> None:
        self.rows, self.header, self.fname = rows, header, fname
        self.catalogue, self.rules, self.totals = catalogue, rules, totals
        self.switches = switches
        self.issues: list[ValidationIssue] = []
        self.warnings: list[ValidationIssue] = []
        self.records: list[_Record] = []
        self.by_id: dict[str, _Record] = {}
        self.checksums: list[_Checksum] = []
        #: for each checksum row, the records read since the previous one (its block)
        self.blocks: dict[int, list[_Record]] = {}
        self.uncached: dict[str, list[str]] = {}
        #: ids whose digits Excel lost: (row, field, text, why)
        self.lost: list[tuple[int, str, str, str]] = []
        self.skipped: list[tuple[int, str]] = []
        self.bad_parent: set[str] = set()

    def col_loc(self, field: str) -> str:
        j = self.header.columns[field]
        return _at_column(j, self.header.headers[j])

    # .. header ..........................................................................

    def check_header(self) -> bool:
        h, fname = self.header, self.fname
        n = self.rows[h.first][0]
        for j, f, first in h.repeated:
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "column {value!r} repeats {f!r}, already given in column {col_letter} ({value2})",
                        value=h.headers[j],
                        f=f,
                        col_letter=_col_letter(first),
                        value2=h.headers[first],
                    ),
                    where=_at_cell(fname, n, j, h.headers[j]),
                )
            )
        missing = [r for r in REQUIRED_COLUMNS if r not in h.columns and r != "parent_id"]
        for req in missing:
            names = "/".join(COLUMN_ALIASES[req][:3])
            self.issues.append(
                ValidationIssue(
                    lazy("missing required column {req!r} ({names})", req=req, names=names),
                    where=_at_row(fname, n),
                )
            )
        ignored = []
        for j in h.ignored:
            values = any(
                j < len(cells) and not _empty(cells[j]) for _, cells in self.rows[h.last + 1 :]
            )
            if h.headers[j] or values:
                ignored.append(f"{_col_letter(j)} ({h.headers[j] or 'no header'})")
        if ignored:
            self.warnings.append(
                ValidationIssue(
                    lazy("columns not imported (not kept): {join}", join=join_list(ignored)),
                    where=_at_row(fname, n),
                )
            )
        if "police" not in h.columns:
            self.warnings.append(
                ValidationIssue(
                    lazy(
                        "no 民警 (police) column: every unit has 0 police; name the column 民警实有 if the figures are there"
                    ),
                    where=_at_row(fname, n),
                )
            )
        return not missing and not h.repeated

    # .. rows ............................................................................

    def read_rows(self) -> None:
        h = self.header
        roles = _row_roles(self.rows, h)
        block: list[_Record] = []
        for i in range(h.last + 1, len(self.rows)):
            n, cells = self.rows[i]
            if all(_empty(c) for c in cells):
                continue
            if i in roles:
                self.skipped.append((n, roles[i]))
                continue
            found = _checksum_label(cells, h)
            if found is not None:
                self.read_checksum(n, cells, *found)
                self.blocks[n] = block
                block = []
                continue
            r = _RowReader(
                self.fname, n, cells, h, self.catalogue, self.issues, self.uncached, self.lost
            )
            lost = len(self.lost)
            uid = r.ident("id")
            r.unit = uid
            if uid is None and "id" not in self.uncached and len(self.lost) == lost:
                if not any(i.where == r.loc("id") for i in self.issues):
                    r.bad("id", lazy("id is empty"))
            elif uid is not None and uid in self.by_id:
                r.bad(
                    "id",
                    lazy(
                        "duplicate id {uid!r}, already used in row {row}",
                        uid=uid,
                        row=self.by_id[uid].row,
                    ),
                )
                uid = None
            name = r.text("name")
            if name is None:
                r.bad("name", lazy("name is empty"))
            kind_text = r.text("kind")
            if kind_text is None:
                r.bad("kind", lazy("kind is empty"))
            parent_text: str | None = None
            if "parent_id" in h.columns:
                parent_text = r.ident("parent_id")
            rec = _Record(
                row=n,
                id=uid or "",
                parent_text=parent_text,
                name=name,
                kind_text=kind_text,
                function=r.function(),
                category=r.category(),
                ints={f: r.integer(f) for f in _INT_COLUMNS},
                duty=r.boolean("duty_roster"),
                share=r.share("community_share"),
                refs=[],
            )
            for col in ("guided_by", "dispatched_by"):
                if col in h.columns:
                    rec.refs += [(col, other, r.loc(col)) for other in r.ids(col)]
            if uid is None:
                continue
            self.by_id[uid] = rec
            self.records.append(rec)
            block.append(rec)

    def report_skipped(self) -> None:
        """Say once which rows were not read as units: notes, sign-off and headings."""
        foot = [(n, k.split(":", 1)[1]) for n, k in self.skipped if k.startswith("footer:")]
        heads = [(n, k.split(":", 1)[1]) for n, k in self.skipped if k.startswith("heading:")]
        if heads:
            shown = join_list(
                [f"{n} ({t!r})" for n, t in heads[:8]] + (["…"] if len(heads) > 8 else [])
            )
            self.warnings.append(
                ValidationIssue(
                    lazy(
                        "section headings, not units: skipped (row{s} {shown})",
                        s="s" if len(heads) > 1 else "",
                        shown=shown,
                    ),
                    where=_rows_text(self.fname, (n for n, _ in heads)),
                )
            )
        if foot:
            # Labels only: a sign-off line holds people's names, which are never repeated.
            labels = list(dict.fromkeys(t for _, t in foot if t))
            lines = sum(1 for _, t in foot if not t)
            what: str = join_list(labels)
            if lines:
                text = lazy("{n} line{s} of text", n=lines, s="s" if lines > 1 else "")
                what = lazy("{labels}, {text}", labels=what, text=text) if labels else text
            start = foot[0][0]
            if not any(r.row > start for r in self.records):
                message = lazy(
                    "the table ends at row {value}: the notes and sign-off below it ({what}) are not units: skipped, not kept",
                    value=start,
                    what=what,
                )
            else:  # a unit follows the notes: it is read, so the table does not end there
                message = lazy(
                    "the notes and sign-off from row {value} on ({what}) are not units: skipped, not kept",
                    value=start,
                    what=what,
                )
            self.warnings.append(
                ValidationIssue(
                    message,
                    where=_rows_text(self.fname, (n for n, _ in foot)),
                )
            )

    def report_lost(self) -> None:
        """One message for every id whose digits Excel lost (1.30102E+11): nothing can be
        matched to those units, so nothing below (parents, kinds, the tree) is checked."""
        lost = self.lost
        if not lost:
            return
        row, f, _, why = lost[0]
        if len(lost) == 1:
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "{value} {why}. The rest of the table was not checked: units and parents cannot be matched while an id is lost",
                        value="id" if f == "id" else "parent",
                        why=why,
                    ),
                    where=_and(_at_row(self.fname, row), self.col_loc(f)),
                )
            )
            return
        cells: str = join_list(
            f"{_col_letter(self.header.columns[c])}{n} {t!r}" for n, c, t, _ in lost[:12]
        )
        if len(lost) > 12:
            cells = lazy("{cells} … ({n} cells)", cells=cells, n=len(lost))
        cols = join_list(dict.fromkeys(self.col_loc(c) for _, c, _, _ in lost))
        self.issues.append(
            ValidationIssue(
                lazy(
                    "ids whose digits Excel has lost ({cells}): numbers in scientific notation or longer than 15 digits. Format the id and parent columns as text (设置单元格格式 → 文本) in the source and export again. The rest of the table was not checked: units and parents cannot be matched while ids are lost",
                    cells=cells,
                ),
                where=_and(_rows_text(self.fname, dict.fromkeys(n for n, _, _, _ in lost)), cols),
            )
        )

    def read_checksum(
        self, n: int, cells: Sequence[Any], label: str, word: str, scope: str | None
    ) -> None:
        scratch: list[ValidationIssue] = []
        uncached: dict[str, list[str]] = {}
        r = _RowReader(self.fname, n, cells, self.header, self.catalogue, scratch, uncached)
        figures = {f: v for f in _FIGURES if (v := r.integer(f)) is not None}
        for issue in scratch:  # '三十一', 31.5, −3: never taken for no figure or a match
            self.warnings.append(
                ValidationIssue(
                    lazy("{label} row: {problem}: not checked", label=label, problem=issue.message),
                    where=issue.where,
                )
            )
        grand = scope is None and word not in ("小计", "subtotal", "其中")
        self.checksums.append(
            _Checksum(
                n, label, word, scope, grand, figures, bool(uncached), unreadable=bool(scratch)
            )
        )

    def report_uncached(self) -> None:
        for f, cells in self.uncached.items():
            shown: str = join_list(cells[:12])
            if len(cells) > 12:
                shown = lazy("{cells} … ({n} cells)", cells=shown, n=len(cells))
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "formulas saved without their values ({shown}): a program wrote this workbook and nothing computed them, so the figures are unknown (never read as 0). Open the file in Excel or WPS and save it, or export values only (选择性粘贴 → 数值), then import again",
                        shown=shown,
                    ),
                    where=_and(self.fname, self.col_loc(f)),
                )
            )

    # .. parents .........................................................................

    def resolve_parents(self) -> None:
        h = self.header
        recs = self.records
        if "parent_id" not in h.columns or all(r.parent_text is None for r in recs):
            self.parents_from_codes()
            return
        by_name: dict[str, list[_Record]] = {}
        for r in recs:
            if r.name:
                by_name.setdefault(_name_key(r.name), []).append(r)
        pending: list[_Record] = []
        for r in recs:
            t = r.parent_text
            if t is None or (t not in self.by_id and t.lower() in ROOT_PARENTS):
                r.parent = None
            elif t in self.by_id:
                r.parent = t
            elif len(by_name.get(_name_key(t), [])) == 1:
                r.parent = by_name[_name_key(t)][0].id
            elif len(by_name.get(_name_key(t), [])) > 1:
                rows = join_list(str(x.row) for x in by_name[_name_key(t)])
                self.parent_issue(
                    r,
                    lazy(
                        "parent {t!r} names {n} units (rows {rows}): give its id, or a path such as 城关派出所/社区警务队",
                        t=t,
                        n=len(by_name[_name_key(t)]),
                        rows=rows,
                    ),
                )
            elif len(_PATH_SEP.split(t)) > 1:
                pending.append(r)
            else:
                self.parent_issue(
                    r,
                    lazy("parent {t!r} is neither an id nor the name of a unit in the table", t=t),
                )
        # Paths name ancestors by name: resolve as their own parents become known.
        resolved: set[str] = {r.id for r in recs if r not in pending}
        for _ in range(len(pending) + 1):
            progress = False
            for r in list(pending):
                found = self.by_path(_PATH_SEP.split(r.parent_text or ""), by_name, resolved)
                if found is None:
                    continue
                pending.remove(r)
                resolved.add(r.id)
                progress = True
                if isinstance(found, str):
                    r.parent = found
                else:
                    self.parent_issue(r, found[0])
            if not progress:
                break
        for r in pending:
            self.parent_issue(
                r,
                lazy(
                    "parent path {parent_text!r} does not lead to a unit of the table",
                    parent_text=r.parent_text,
                ),
            )

    def by_path(
        self, parts: list[str], by_name: dict[str, list[_Record]], resolved: set[str]
    ) -> str | tuple[str] | None:
        """The id a path names; (message,) when it names several; None while undecided."""
        parts = [p for p in parts if p]
        cands = by_name.get(_name_key(parts[-1]), []) if parts else []
        if any(c.id not in resolved for c in cands):
            return None
        hits = []
        for c in cands:
            cur: _Record | None = c
            ok = True
            for want in reversed(parts[:-1]):
                cur = self.by_id.get(cur.parent) if cur and cur.parent else None
                if cur is None or _name_key(cur.name or "") != _name_key(want):
                    ok = False
                    break
            if ok:
                hits.append(c)
        if len(hits) == 1:
            return hits[0].id
        if not hits:
            return (
                lazy(
                    "parent path {path!r} does not lead to a unit of the table",
                    path="/".join(parts),
                ),
            )
        rows = join_list(str(c.row) for c in hits)
        return (
            lazy(
                "parent path {path!r} fits {n} units (rows {rows})",
                path="/".join(parts),
                n=len(hits),
                rows=rows,
            ),
        )

    def parent_issue(self, r: _Record, message: str) -> None:
        # Keep the text as the parent: the unit is no second root, and the model's own
        # "does not exist" for it is dropped in favour of this message.
        r.parent = r.parent_text
        self.bad_parent.add(r.id)
        where: str = _at_row(self.fname, r.row)
        if "parent_id" in self.header.columns:
            where = _and(where, self.col_loc("parent_id"))
        self.issues.append(ValidationIssue(message, r.id, where))

    def parents_from_codes(self) -> None:
        """Parents implied by hierarchical codes: 01 → 0101 → 010101 (longest prefix)."""
        recs = self.records
        ids = set(self.by_id)
        roots: list[_Record] = []
        for r in recs:
            r.parent = next(
                (r.id[:k] for k in range(len(r.id) - 1, 0, -1) if r.id[:k] in ids), None
            )
            if r.parent is None:
                roots.append(r)
        n = self.rows[self.header.first][0]
        if len(recs) == 1:
            return
        if len(roots) == 1:
            self.code_gaps()
            self.warnings.append(
                ValidationIssue(
                    lazy(
                        "no parent column: each unit's parent is the unit whose code is the longest start of its own (hierarchical codes, root {id!r})",
                        id=roots[0].id,
                    ),
                    where=_at_row(self.fname, n),
                )
            )
            return
        has_col = "parent_id" in self.header.columns
        self.issues.append(
            ValidationIssue(
                lazy(
                    "the parent column is empty; nor are the ids hierarchical codes (01, 0101, 010101) that imply it"
                )
                if has_col
                else lazy(
                    "missing required column 'parent_id' (parent/上级编号/上级机构编号); nor are the ids hierarchical codes (01, 0101, 010101) that imply it"
                ),
                where=_at_row(self.fname, n),
            )
        )
        for r in recs:
            r.parent = None

    def code_gaps(self) -> None:
        """Refuse units whose code skips a level: 01010201 under 0101 when no 010102 exists.

        A level's step is the shortest code extension seen below codes of that length (0101
        → 010101: 2). A longer one means the unit's own parent is missing from the table:
        attaching it to the nearest code above would put it a level too high and lose the
        missing unit's officers without a word.
        """
        step: dict[int, int] = {}
        for r in self.records:
            if r.parent is not None:
                d = len(r.id) - len(r.parent)
                step[len(r.parent)] = min(d, step.get(len(r.parent), d))
        gaps: dict[str, list[_Record]] = {}
        for r in self.records:
            if r.parent is not None and len(r.id) - len(r.parent) > step[len(r.parent)]:
                gaps.setdefault(r.id[: len(r.parent) + step[len(r.parent)]], []).append(r)
        for missing, under in gaps.items():
            p = self.by_id[under[0].parent or ""]
            units = join_list(
                [lazy("{id!r} (row {row})", id=r.id, row=r.row) for r in under[:6]]
                + ([lazy("… ({n} units)", n=len(under))] if len(under) > 6 else [])
            )
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "hierarchical codes: no unit has code {missing!r}, the parent that the code of {units} implies; it would be attached to {parent!r} ({name}), a level too high. Add the row of {missing!r}, or give a parent column (上级编码)",
                        missing=missing,
                        units=units,
                        parent=p.id,
                        name=p.name,
                    ),
                    under[0].id,
                    _rows_text(self.fname, (r.row for r in under)),
                )
            )

    # .. kinds ...........................................................................

    def resolve_kinds(self) -> None:
        children: dict[str | None, list[_Record]] = {}
        for r in self.records:
            p = r.parent if r.parent in self.by_id else None
            children.setdefault(p, []).append(r)
        seen: set[str] = set()
        queue = list(children.get(None, []))
        # Tree order, so a bare 队 knows whether its parent is a bureau or a 派出所.
        order: list[_Record] = []
        while queue:
            r = queue.pop(0)
            if r.id in seen:
                continue
            seen.add(r.id)
            order.append(r)
            queue.extend(children.get(r.id, []))
        order += [r for r in self.records if r.id not in seen]
        for r in order:
            self.resolve_kind(r)

    def resolve_kind(self, r: _Record) -> None:
        t = r.kind_text
        if t is None:
            return
        k = self.rules.name_kind(t)
        if k == "department" and norm_label(t).endswith("队") and self.rules.is_bare("队"):
            # 中队/大队 written out: inside a 派出所 a 队 is one of its teams (as a bare 队 is),
            # never a 机关 department whose police would leave the station share.
            parent = self.by_id.get(r.parent) if r.parent else None
            if parent is not None and parent.kind in ("station", "team", "office"):
                got = self.rules.infer("队", r.name or "", parent.kind)
                if got is not None and got[0] != k:
                    r.kind, r.rule_function = got
                    self.warnings.append(
                        ValidationIssue(
                            lazy(
                                "类型 {t!r} of {name!r} under {parent!r} ({parent_kind}) is read as {kind} ({kind_name}): a 队 inside a 派出所 is one of its teams, not a 机关 department; if it is a department of the bureau, give the bureau as its parent",
                                t=t,
                                name=r.name,
                                parent=parent.name,
                                parent_kind=KIND_NAMES[parent.kind],
                                kind=got[0],
                                kind_name=KIND_NAMES[got[0]],
                            ),
                            r.id,
                            _and(_at_row(self.fname, r.row), self.col_loc("kind")),
                        )
                    )
                    return
        if k is not None:
            r.kind = k
            return
        where = _and(_at_row(self.fname, r.row), self.col_loc("kind"))
        if not self.rules.is_bare(t):
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "unknown kind {t!r} (use a code — {join} — or a Chinese name such as 派出所, 分局, 大队, 社区警务室)",
                        t=t,
                        join=join_list(KIND_NAMES),
                    ),
                    r.id,
                    where,
                )
            )
            return
        parent = self.by_id.get(r.parent) if r.parent else None
        pk = parent.kind if parent else None
        got = self.rules.infer(t, r.name or "", pk)
        if got is None:
            choices = join_list(KindText(c) for c in self.rules.choices(t))
            under = (
                lazy(
                    "under {parent!r} ({kind})",
                    parent=parent.name,
                    kind=KIND_NAMES.get(pk or "", pk or "?"),
                )
                if parent
                else lazy("at the top")
            )
            self.issues.append(
                ValidationIssue(
                    lazy(
                        "类型 {t!r} of {name!r} {under} can be more than one kind: write one of {choices}",
                        t=t,
                        name=r.name,
                        under=under,
                        choices=choices,
                    ),
                    r.id,
                    where,
                )
            )
            return
        r.kind, r.rule_function = got

    # .. figures .........................................................................

    def apply_totals(self) -> None:
        """Subtree totals → own figures: own = total − Σ children's totals.

        民警 (police) that would go negative are refused, naming the row. A 辅警 column that
        cannot be totals (some unit has fewer than its sub-units) is read as own figures, with
        a warning: HR reports often total 民警 by 派出所 but list 辅警 per unit.
        """
        children: dict[str, list[_Record]] = {}
        for r in self.records:
            if r.parent in self.by_id:
                children.setdefault(r.parent, []).append(r)
        for f in _FIGURES:
            if f not in self.header.columns:
                continue
            given = {r.id: r.ints[f] or 0 for r in self.records}
            blank = {r.id for r in self.records if r.ints[f] is None}
            own: dict[str, int] = {}
            short: list[tuple[_Record, int, str]] = []
            bureau_notes: list[ValidationIssue] = []
            for r in self.records:
                kids = children.get(r.id)
                if not kids:
                    continue
                below = sum(given[c.id] for c in kids)
                total = given[r.id]
                if total >= below:
                    own[r.id] = total - below
                    continue
                parts: str = join_list(
                    [f"{c.name} {given[c.id]}" for c in kids[:6]] + (["…"] if len(kids) > 6 else [])
                )
                where = _and(_at_row(self.fname, r.row), self.col_loc(f))
                if r.kind in BUREAU_KINDS:
                    # A bureau's row holds its leadership (局领导); its total is the 合计 row.
                    bureau_notes.append(
                        ValidationIssue(
                            lazy(
                                "{as_totals}: {f} {total} is less than its sub-units' {below}, so it is read as the bureau's own (局领导), not a total",
                                as_totals=self.as_totals,
                                f=field_text(f),
                                total=total,
                                below=below,
                            ),
                            r.id,
                            where,
                        )
                    )
                    continue
                short.append((r, below, parts))
            # A blank total is unknown, not 0: it proves nothing about the column.
            if short and f != "police" and any(r.id not in blank for r, _, _ in short):
                real = [x for x in short if x[0].id not in blank]
                r, below, _ = real[0]
                more = len(real) - 1
                self.warnings.append(
                    ValidationIssue(
                        lazy(
                            "{as_totals}: the {f} column is not subtree totals (row {row}: {name} has {total}, its sub-units {below}{more}), so its figures are read as each unit's own",
                            as_totals=self.as_totals,
                            f=field_text(f),
                            row=r.row,
                            name=r.name,
                            total=given[r.id],
                            below=below,
                            more=lazy(", and {n} more", n=more) if more else "",
                        ),
                        where=_and(
                            _rows_text(self.fname, (x[0].row for x in real)), self.col_loc(f)
                        ),
                    )
                )
                continue
            for r, below, parts in short:
                total = given[r.id]
                where = _and(_at_row(self.fname, r.row), self.col_loc(f))
                if r.id in blank:
                    self.issues.append(
                        ValidationIssue(
                            lazy(
                                "{as_totals}: {f} is blank, but its sub-units hold {below} ({parts}): a blank total is unknown, not 0. Write the unit's subtree total and import again",
                                as_totals=self.as_totals,
                                f=field_text(f),
                                below=below,
                                parts=parts,
                            ),
                            r.id,
                            where,
                        )
                    )
                    continue
                self.issues.append(
                    ValidationIssue(
                        lazy(
                            "{as_totals}: {f} {total} must include its sub-units', but they sum to {below} ({parts}); own = total − sub-units would be {value}",
                            as_totals=self.as_totals,
                            f=field_text(f),
                            total=total,
                            below=below,
                            parts=parts,
                            value=total - below,
                        ),
                        r.id,
                        where,
                    )
                )
            self.warnings += bureau_notes
            for uid, v in own.items():
                self.by_id[uid].ints[f] = v

    @property
    def as_totals(self) -> str:
        return lazy("read as subtree totals ({switch})", switch=self.switches.totals)

    def children(self) -> dict[str, list[_Record]]:
        out: dict[str, list[_Record]] = {}
        for r in self.records:
            if r.parent in self.by_id and r.parent != r.id:
                out.setdefault(r.parent, []).append(r)
        return out

    def totals_reading(self, f: str) -> dict[str, int]:
        """Each unit's own figure if column ``f`` held subtree totals, as :meth:`apply_totals`
        reads it: total − Σ children's totals; a bureau below its sub-units keeps its figure
        (局领导). A negative result stays negative (``--totals`` refuses it)."""
        kids = self.children()
        given = {r.id: r.ints[f] or 0 for r in self.records}
        own: dict[str, int] = {}
        for r in self.records:
            below = sum(given[c.id] for c in kids.get(r.id, []))
            t = given[r.id]
            own[r.id] = t if (t < below and r.kind in BUREAU_KINDS) else t - below
        return own

    def warn_if_totals(self) -> None:
        """Figures that look like subtree totals, read as own figures.

        The evidence: every unit with sub-units — the bureau too — has at least as many 民警
        as its sub-units together, and at least two units have sub-units. Own figures rarely
        do that: a bureau's own row (局领导) or a 派出所's with teams holds fewer than the
        units below it. A 合计 row that equals the sum as read settles it: no warning. The
        warning gives both readings' totals, so the user can check which is right.
        """
        if "police" not in self.header.columns:
            return
        kids = self.children()
        given = {r.id: r.ints["police"] or 0 for r in self.records}
        parents = [(self.by_id[p], sum(given[c.id] for c in cs)) for p, cs in kids.items()]
        if len(parents) < 2 or not any(below > 0 for _, below in parents):
            return
        if any(given[p.id] < below for p, below in parents):
            return
        own_total = sum(given.values())
        if any(c.grand and c.figures.get("police") == own_total for c in self.checksums):
            return
        reading = self.totals_reading("police")
        tot_total = sum(reading.values())
        shown = [(p, below) for p, below in parents if below > 0 and p.parent is not None][:2]
        if not shown:
            shown = [(p, below) for p, below in parents if below > 0][:1]
        eg = "; ".join(
            f"{p.name} {given[p.id]} − {below} = {given[p.id] - below}" for p, below in shown
        )
        sw = self.switches.totals
        self.warnings.append(
            ValidationIssue(
                lazy(
                    "the 民警 figures may be subtree totals: every unit with sub-units ({n}, the bureau included) has at least as many 民警 as its sub-units together. As read, each figure is the unit's own: {own_total} 民警 in all. Read as subtree totals ({sw}), own = total − sub-units (e.g. {eg}): {tot_total} 民警 in all. If {tot_total} is the right total, import again with {sw}",
                    n=len(parents),
                    own_total=own_total,
                    sw=sw,
                    eg=eg,
                    tot_total=tot_total,
                ),
                where=_and(self.fname, self.col_loc("police")),
            )
        )

    def check_sums(self) -> None:
        """Compare each 合计/小计 row with what the units add up to, and report it.

        A 合计 (no unit named) is the whole table; ``东桥派出所小计`` is that unit with its
        sub-units; any other 小计 is the units read since the checksum row above it. Figures
        are compared as imported (after ``--totals``, each unit's own, summed)."""
        if not self.checksums:
            return
        kids = self.children()
        by_name: dict[str, list[_Record]] = {}
        for r in self.records:
            by_name.setdefault(_name_key(r.name or ""), []).append(r)
        # What the figures would add up to read as subtree totals (for a hint), where that
        # reading is possible (no unit but a bureau below its sub-units).
        alt: dict[str, dict[str, int]] = {}
        if not self.totals:
            for f in _FIGURES:
                if f in self.header.columns:
                    reading = self.totals_reading(f)
                    if all(v >= 0 for v in reading.values()):
                        alt[f] = reading
        ok: list[str] = []
        # rows not checked, by why: names nothing known, formulas without values, no figure
        unchecked: dict[str, list[str]] = {"scope": [], "uncached": [], "empty": []}
        for c in self.checksums:
            scope = self.checksum_scope(c, by_name, kids)
            if scope is None or not c.figures:
                why = "scope" if scope is None else "uncached" if c.uncached else "empty"
                if why != "empty" or not c.unreadable:  # else warned as unreadable already
                    unchecked[why].append(f"{c.row} ({c.label})")
                continue
            what, members, *others = scope
            matched = True
            for f, v in c.figures.items():
                figs = {r.id: r.ints[f] or 0 for r in self.records}
                total = sum(figs.get(u, 0) for u in members)
                if v == total or any(v == sum(figs.get(u, 0) for u in o) for o in others):
                    continue
                matched = False
                hint: str = ""
                if f in alt:
                    other = sum(alt[f].get(u, 0) for u in members)
                    if other == v:
                        hint = lazy(
                            "; read as subtree totals ({switch}) they add up to {v}: if the figures are totals, import again with {switch}",
                            switch=self.switches.totals,
                            v=v,
                        )
                self.warnings.append(
                    ValidationIssue(
                        lazy(
                            "{label} row: {f} {v}, but {what} {total} (difference {change}){hint}",
                            label=c.label,
                            f=field_text(f),
                            v=v,
                            what=what,
                            total=total,
                            change=format_change(f, v - total),
                            hint=hint,
                        ),
                        where=_and(_at_row(self.fname, c.row), self.col_loc(f)),
                    )
                )
            if matched and c.figures and not c.unreadable:
                ok.append(f"{c.row} ({c.label})")
        why_text = {
            "scope": N_(
                "合计/小计/其中 rows not imported as units and not checked, as they name no unit or kind of unit: row{s} {rows}"
            ),
            "uncached": N_(
                "合计/小计/其中 rows not imported as units and not checked, as their figures are formulas saved without their values: row{s} {rows}"
            ),
            "empty": N_(
                "合计/小计/其中 rows not imported as units and not checked, as they hold no 民警 or 辅警 figure: row{s} {rows}"
            ),
        }
        for why, rows in unchecked.items():
            if rows:
                self.warnings.append(
                    ValidationIssue(
                        lazy(why_text[why], s="s" if len(rows) > 1 else "", rows=join_list(rows)),
                        where=self.fname,
                    )
                )
        if ok:
            self.warnings.append(
                ValidationIssue(
                    lazy(
                        "合计/小计 rows checked, not imported as units: row{s} {rows}: they match the units' figures",
                        s="s" if len(ok) > 1 else "",
                        rows=join_list(ok),
                    ),
                    where=self.fname,
                )
            )

    def checksum_scope(
        self, c: _Checksum, by_name: dict[str, list[_Record]], kids: dict[str, list[_Record]]
    ) -> tuple[LazyText, list[str], *tuple[list[str], ...]] | None:
        """(what it sums, the ids summed, other sets it may sum) for a checksum row, None
        when it names nothing known (a 其中 row such as 其中：女民警).

        A bare 小计 sums the rows above it up to the previous checksum row; where the first
        of those rows is the bureau (at the top of the table, not of the block), it may also
        sum only the units whose sub-units all lie in the block."""
        named = by_name.get(_name_key(c.scope)) if c.scope else None
        if c.grand:
            return lazy("the units add up to"), list(self.by_id)
        if named and len(named) == 1:
            unit = named[0]
            what = lazy("{name} and its sub-units add up to", name=unit.name)
            return what, self.subtree(unit.id, kids)
        if c.word == "其中":
            kind = self.rules.name_kind(c.scope) if c.scope else None
            if kind is None:
                return None
            tops = [
                r.id
                for r in self.records
                if r.kind == kind
                and not (r.parent in self.by_id and self.by_id[r.parent].kind == kind)
            ]
            members = [u for t in tops for u in self.subtree(t, kids)]
            what = lazy(
                "the {kind} units with their sub-units add up to", kind=KIND_NAMES.get(kind, kind)
            )
            return what, members
        block = self.blocks.get(c.row, [])
        ids = [r.id for r in block]
        inside = set(ids)
        closed = [u for u in ids if set(self.subtree(u, kids)) <= inside]
        if not block:
            return lazy("the units above it (no rows) add up to"), ids, closed
        what = lazy(
            "the units above it (rows {first}–{last}) add up to",
            first=block[0].row,
            last=block[-1].row,
        )
        return what, ids, closed

    def subtree(self, uid: str, kids: dict[str, list[_Record]]) -> list[str]:
        out: list[str] = []
        stack, seen = [uid], set()
        while stack:
            u = stack.pop()
            if u in seen:
                continue
            seen.add(u)
            out.append(u)
            stack.extend(c.id for c in kids.get(u, []))
        return out

    # .. all .............................................................................

    def read(self) -> None:
        ok = self.check_header()
        if not ok:
            return
        self.read_rows()
        self.report_skipped()
        self.report_uncached()
        if self.lost:
            self.report_lost()
            return
        self.resolve_parents()
        self.resolve_kinds()
        if self.totals:
            self.apply_totals()
        else:
            self.warn_if_totals()
        self.check_sums()


def _name_key(name: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", name))


def _pick_sheet(
    book: Workbook, sheet: str | None, p: Path, switches: Switches = CLI_SWITCHES
) -> tuple[Sheet, _Header | None]:
    names = [n for n in book.names if n != META_SHEET] or book.names
    if sheet is not None:
        for s in book.sheets:
            if s.name == sheet or _norm(s.name) == _norm(sheet):
                return s, _find_header(s.rows)
        raise InputError(
            lazy(
                "{p}: no sheet {sheet!r} (sheets: {join})",
                p=p,
                sheet=sheet,
                join=join_list(book.names),
            )
        )
    active = book.sheets[book.active]
    if active.name == META_SHEET and len(book.sheets) > 1:
        active = next(s for s in book.sheets if s.name != META_SHEET)
    head = _find_header(active.rows)
    if len(names) == 1:
        return active, head
    found = [(s, h) for s in book.sheets if s.name != META_SHEET and (h := _find_header(s.rows))]
    if head is not None and len(found) == 1:
        return active, head
    if head is not None:  # one sheet a year, say: reading the active one could be the wrong year
        with_header = join_list(repr(s.name) for s, _ in found)
        raise InputError(
            lazy(
                "{p}: sheets {with_header} each have a header row, and which one holds the organisation is not clear: choose one with {sheet_for}",
                p=p,
                with_header=with_header,
                sheet_for=switches.sheet_for(found[-1][0].name),
            )
        )
    if len(found) == 1:
        s, h = found[0]
        book.notes.append(
            lazy(
                "read sheet {sheet!r}: the first sheet, {first!r}, has no header row",
                sheet=s.name,
                first=active.name,
            )
        )
        return s, h
    shown = join_list(repr(n) for n in names)
    if found:
        with_header = join_list(repr(s.name) for s, _ in found)
        raise InputError(
            lazy(
                "{p}: sheets {with_header} each have a header row: choose one with {sheet_for} (sheets: {shown})",
                p=p,
                with_header=with_header,
                sheet_for=switches.sheet_for(found[0][0].name),
                shown=shown,
            )
        )
    raise InputError(
        lazy(
            "{p}: no sheet has a header row naming the columns (编号, 上级编号, 名称, 类型 …); sheets: {shown}. Choose one with {sheet_for}, or see docs/format.md",
            p=p,
            shown=shown,
            sheet_for=switches.sheet_for(names[0]),
        )
    )


def _refuse_merged_figures(sh: Sheet, header: _Header, p: Path) -> None:
    """A count merged over several units' rows is one figure for all of them: copying it to
    every row (as a merged 是 is) would count its officers once per row, so it is refused."""
    figure_cols = {c: f for f, c in header.columns.items() if f in _INT_COLUMNS}
    bad: list[str] = []
    roles: dict[int, str] | None = None
    for r0, r1, c0, c1 in sh.merged:
        if r1 <= r0 or r1 <= header.last:
            continue
        if roles is None:
            roles = _row_roles(sh.rows, header)
        if r0 in roles:  # a note or heading merged over lines, not a unit's figure
            continue
        for c in range(c0, c1 + 1):
            if c in figure_cols:
                top, bottom = sh.rows[r0][0], sh.rows[min(r1, len(sh.rows) - 1)][0]
                col = header.headers[c] if c < len(header.headers) else figure_cols[c]
                bad.append(f"{col} {_col_letter(c)}{top}:{_col_letter(c)}{bottom}")
    if bad:
        raise InputError(
            lazy(
                "{p}: sheet {name!r}: merged cells in a count column ({join}): a merged figure is one number for several units, and copying it to each row would count those officers more than once. Unmerge the cells and give each unit its own figure.",
                p=p,
                name=sh.name,
                join="; ".join(bad),
            )
        )


def _meta(book: Workbook, p: Path) -> tuple[dict[str, str], list[ValidationIssue]]:
    meta: dict[str, str] = {}
    issues: list[ValidationIssue] = []
    sheet = next((s for s in book.sheets if s.name == META_SHEET), None)
    if sheet is None:
        return meta, issues
    for n, r in sheet.rows[1:]:
        key, value = (_text(c) for c in [*r, None, None][:2])
        if not key:
            continue
        if key not in META_FIELDS:
            issues.append(
                ValidationIssue(
                    lazy(
                        "unknown field {key!r} (known: {join})",
                        key=key,
                        join=join_list(META_FIELDS),
                    ),
                    where=lazy(
                        "{file} sheet {sheet} row {row}, column {column}",
                        file=p.name,
                        sheet=META_SHEET,
                        row=n,
                        column="A",
                    ),
                )
            )
        meta[key] = value
    return meta, issues


def _at_row(fname: str, row: int) -> str:
    """``org.csv row 5`` (``org.csv 第 5 行``): a place in a table, in the language shown."""
    return lazy("{file} row {row}", file=fname, row=row)


def _at_column(j: int | None, header: str) -> str:
    """``column H (民警)`` (``H 列（民警）``); ``j`` None: the column by its header alone."""
    if j is None:
        return lazy("column {header}", header=header)
    return lazy("column {column} ({header})", column=_col_letter(j), header=header)


def _at_cell(fname: str, row: int, j: int, header: str) -> str:
    """``org.csv row 5, column H (民警)``."""
    return _and(_at_row(fname, row), _at_column(j, header))


def _and(place: str, more: str) -> str:
    """Two parts of a place (``org.csv row 5``, ``column H (民警)``) in the language shown."""
    return lazy("{place}, {more}", place=place, more=more)


def _rows_text(fname: str, rows: Iterable[int]) -> str:
    rs = sorted(rows)
    shown = join_list([str(x) for x in rs[:10]] + (["…"] if len(rs) > 10 else []))
    if len(rs) == 1:
        return lazy("{file} row {rows}", file=fname, rows=shown)
    return lazy("{file} rows {rows}", file=fname, rows=shown)


def _locate(
    issue: ValidationIssue,
    units: list[Any],
    row_of: dict[str, int],
    edge_loc: dict[str, str],
    fname: str,
) -> ValidationIssue:
    """Give a model issue that names no row the rows it is about."""
    if issue.where is not None:
        return issue
    m = issue.message
    for label, loc in edge_loc.items():
        if m.startswith(label + ":"):
            return replace(issue, where=loc)
    if m.startswith("REPORTS_TO cycle"):
        parent = {u.id: u.parent for u in units}
        reach: dict[str, bool] = {}
        for uid in parent:
            path: list[str] = []
            cur: str | None = uid
            while cur is not None and cur in parent and cur not in reach and cur not in path:
                path.append(cur)
                cur = parent[cur]
            ok = cur is None or reach.get(cur, False) or (cur not in parent)
            for x in path:
                reach[x] = ok
        stuck = [uid for uid, ok in reach.items() if not ok]
        if stuck:
            return replace(issue, where=_rows_text(fname, (row_of[u] for u in stuck)))
    if m.startswith("more than one root"):
        roots = [row_of[u.id] for u in units if u.parent is None]
        return replace(issue, where=_and(_rows_text(fname, roots), _at_column(None, "parent_id")))
    return issue


def load_table(
    path: str | Path,
    *,
    id: str | None = None,
    name: str | None = None,
    sheet: str | None = None,
    totals: bool = False,
    catalogue: FunctionCatalogue | None = None,
    kind_rules: KindRules | None = None,
    switches: Switches = CLI_SWITCHES,
) -> OrgGraph:
    """Import an organisation from an HR spreadsheet (``.csv``, ``.xlsx`` or ``.xls``).

    Parameters
    ----------
    path : str or Path
        The spreadsheet. CSV encodings are detected (UTF-8 with or without BOM, GBK/GB18030,
        UTF-16 with BOM).
    id, name : str, optional
        The organisation's id and name; by default the file's stem and the root unit's name.
    sheet : str, optional
        The worksheet of a workbook; by default the active one, or else the one sheet whose
        rows hold a header.
    totals : bool
        Police and auxiliaries are subtree totals (a 派出所's figure includes its teams,
        office and posts): each unit's own figure is its total minus its children's totals.
    catalogue : FunctionCatalogue, optional
        The function catalogue (警种) used to resolve ``function``; the seed one by default.
    kind_rules : KindRules, optional
        How 类型 cells become kinds; ``seeds/kind_rules.yaml`` by default.
    switches : Switches
        How messages name ``totals`` and ``sheet``: :data:`CLI_SWITCHES` (``--totals``) or
        :data:`API_SWITCHES` (``?totals=true``), for the door the file came through.

    Returns
    -------
    OrgGraph
        With :attr:`~orgmodel.model.OrgGraph.warnings`: columns ignored, 合计 rows that differ
        from the units' sum, figures that look like totals, placements the model warns about.

    Raises
    ------
    InputError
        The file is missing, of an unknown type, not decodable or not a workbook, or no
        sheet has a header.
    OrgValidationError
        Listing every bad cell (file, row, column) and every rule of the model broken.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "县局.csv").write_text(
    ...     "编号,上级编号,名称,类型,民警\\nb,,某县公安局,县公安局,5\\ns,b,城关派出所,派出所,20\\n",
    ...     encoding="gbk")
    >>> org = load_table(d / "县局.csv")
    >>> org.id, org.name, org.attrs("s")["kind"], org.total_police()
    ('县局', '某县公安局', 'station', 25)
    """
    p = Path(path)
    book = read_workbook(p)
    meta, meta_issues = _meta(book, p)
    sh, header = _pick_sheet(book, sheet, p, switches)
    if header is not None:
        _refuse_merged_figures(sh, header, p)
    cat = catalogue if catalogue is not None else load_catalogue()
    rules = kind_rules if kind_rules is not None else load_kind_rules()
    return _parse(
        sh.rows,
        header,
        p,
        org_id=id,
        org_name=name,
        catalogue=cat,
        rules=rules,
        totals=totals,
        meta=meta,
        meta_issues=meta_issues,
        notes=book.notes,
        switches=switches,
    )


def _parse(
    rows: list[tuple[int, list[Any]]],
    header: _Header | None,
    p: Path,
    *,
    org_id: str | None,
    org_name: str | None,
    catalogue: FunctionCatalogue,
    rules: KindRules,
    totals: bool,
    meta: dict[str, str],
    meta_issues: list[ValidationIssue],
    notes: list[str],
    switches: Switches = CLI_SWITCHES,
) -> OrgGraph:
    source, fname = str(p), p.name
    if header is None:
        if all(all(map(_empty, cells)) for _, cells in rows):
            raise InputError(
                lazy("{source}: the spreadsheet is empty (no header row)", source=source)
            )
        n = next(n for n, cells in rows if not all(map(_empty, cells)))
        raise OrgValidationError(
            [
                ValidationIssue(
                    lazy(
                        "no header row naming the columns (编号/id, 上级编号/parent_id, 名称/name, 类型/kind …) in the first {HEADER_SCAN} rows; see docs/format.md",
                        HEADER_SCAN=_HEADER_SCAN,
                    ),
                    where=_at_row(fname, n),
                )
            ],
            source,
        )
    t = _Table(
        rows, header, fname, catalogue=catalogue, rules=rules, totals=totals, switches=switches
    )
    t.read()
    issues = meta_issues + t.issues
    if not t.records and not issues:
        issues.append(ValidationIssue(lazy("no units below the header"), where=fname))
    missing = any(i.message.startswith("missing required column") for i in issues)
    if missing or not t.records or t.lost:
        raise OrgValidationError(issues, source)

    units: list[Unit] = []
    row_of: dict[str, int] = {}
    for r in t.records:
        row_of[r.id] = r.row
        units.append(
            Unit(
                id=r.id,
                name=r.name or r.id,
                # A bad kind is reported above; a neutral stand-in keeps the structural
                # checks below from repeating it.
                kind=r.kind or "department",
                parent=r.parent,
                function=r.function or r.rule_function,
                category=r.category,
                establishment=r.ints["establishment"],
                police=r.ints["police"] or 0,
                auxiliaries=r.ints["auxiliaries"] or 0,
                leaders=r.ints["leaders"],
                duty_roster=r.duty,
                community_share=r.share,
            )
        )
    kinds_ok = all(r.kind is not None for r in t.records)
    guides: list[tuple[str, str]] = []
    dispatches: list[tuple[str, str]] = []
    edge_loc: dict[str, str] = {}
    for r in t.records:
        for col, other, loc in r.refs:
            if other not in row_of:
                issues.append(
                    ValidationIssue(
                        lazy("{col}: unit {other!r} is not in the table", col=col, other=other),
                        r.id,
                        loc,
                    )
                )
            elif col == "guided_by":
                guides.append((other, r.id))
                edge_loc[f"GUIDES {other!r} → {r.id!r}"] = loc
            else:
                dispatches.append((other, r.id))
                edge_loc[f"DISPATCHES {other!r} → {r.id!r}"] = loc

    roots = [u for u in units if u.parent is None]
    name_default = roots[0].name if len(roots) == 1 else ""
    where = {uid: _at_row(fname, n) for uid, n in row_of.items()}
    parent_bureau = None
    if meta.get("parent_bureau"):
        fns = _ID_SEP.split(meta.get("parent_bureau_functions", ""))
        parent_bureau = ParentBureau(meta["parent_bureau"], tuple(f for f in fns if f))
    warnings = [ValidationIssue(n, where=fname) for n in notes] + t.warnings
    try:
        org = OrgGraph(
            units,
            guides if kinds_ok else (),
            dispatches if kinds_ok else (),
            id=org_id if org_id is not None else meta.get("id") or p.stem,
            name=org_name if org_name is not None else meta.get("name") or name_default,
            description=meta.get("description", ""),
            parent_bureau=parent_bureau,
            catalogue=catalogue,
            where=where,
            warnings=warnings,
            source=source,
        )
    except OrgValidationError as e:
        located = [
            _locate(i, units, row_of, edge_loc, fname)
            for i in e.issues
            if not (i.unit in t.bad_parent and i.message.startswith("parent "))
        ]
        if not kinds_ok:
            # Placement rules judged stand-in kinds; only real kinds are worth a message.
            located = [i for i in located if "must sit inside a 派出所" not in i.message]
        raise OrgValidationError(issues + located, source) from None
    if issues:
        raise OrgValidationError(issues, source)
    return org


# -- writing ------------------------------------------------------------------------------


def table_rows(org: OrgGraph) -> list[list[Any]]:
    """The organisation as table rows (header first), values typed, ``None`` for empty.

    Units come parents first (breadth-first); several GUIDES or DISPATCHES sources of one
    unit are joined with ``;``.
    """
    guided: dict[str, list[str]] = {}
    for upper, lower in org.guides:
        guided.setdefault(lower, []).append(upper)
    dispatched: dict[str, list[str]] = {}
    for cc, target in org.dispatches:
        dispatched.setdefault(target, []).append(cc)
    out: list[list[Any]] = [list(COLUMNS)]
    for u in org.units():
        out.append(
            [
                u.id,
                u.parent,
                u.name,
                u.kind,
                u.function,
                u.category,
                u.establishment,
                u.police,
                u.auxiliaries,
                u.leaders,
                u.duty_roster,
                u.community_share,
                ";".join(guided[u.id]) if u.id in guided else None,
                ";".join(dispatched[u.id]) if u.id in dispatched else None,
            ]
        )
    return out


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def export_table(org: OrgGraph, path: str | Path, *, fmt: str | None = None) -> Path:
    """Write the organisation as a CSV or XLSX table with the columns of :data:`COLUMNS`.

    CSV is UTF-8 with a BOM, so Excel shows the Chinese names right. An XLSX workbook also
    gets a second sheet, ``organisation``, with the organisation's id, name, description and
    parent bureau, so XLSX → organisation → XLSX keeps them; CSV carries the units only. The format follows the
    suffix unless ``fmt`` (``"csv"`` or ``"xlsx"``) is given. The file is written whole or
    not at all. Reading it back with :func:`load_table` gives the same units and edges.
    """
    p = Path(path)
    fmt = fmt or p.suffix.lower().lstrip(".")
    if fmt not in ("csv", "xlsx"):
        raise InputError(
            lazy("{p}: cannot write a table as {fmt!r} (use .csv or .xlsx)", p=p, fmt=fmt)
        )
    rows = table_rows(org)
    with atomic_output(p) as tmp:
        if fmt == "csv":
            with tmp.open("w", encoding="utf-8-sig", newline="") as f:
                w = csv.writer(f)
                for row in rows:
                    w.writerow([_csv_cell(v) for v in row])
        else:
            _write_xlsx(rows, _meta_rows(org), tmp)
    return p


def csv_leaves_out(org: OrgGraph, path: str | Path) -> list[tuple[str, LazyText]]:
    """What of ``org`` a CSV table written to ``path`` does not carry, so that reading it
    back (:func:`load_table`) would not give it, as (field, description) pairs: the parent
    bureau (上级公安机关, which the 上下对口 figures compare the departments with), the
    description, and the id and name where the reader's defaults (the file's stem, the root
    unit's name) differ from them. Empty when nothing is lost. An XLSX workbook keeps them
    all (sheet ``organisation``).

    Examples
    --------
    >>> from orgmodel.model import ParentBureau, Unit
    >>> org = OrgGraph([Unit("b", "某县公安局", "county")], id="t", name="某县公安局",
    ...                parent_bureau=ParentBureau("某市公安局", ("command", "criminal")))
    >>> [(f, str(x)) for f, x in csv_leaves_out(org, "t.csv")]
    [('parent_bureau', "the parent bureau '某市公安局' (2 functions)")]
    """
    out: list[tuple[str, LazyText]] = []
    pb = org.parent_bureau
    if pb is not None:
        n = len(pb.functions)
        out.append(
            ("parent_bureau", lazy("the parent bureau {name!r} ({n} functions)", name=pb.name, n=n))
        )
    if org.description:
        out.append(("description", lazy("the description")))
    stem = Path(path).stem
    if org.id and org.id != stem:
        what = lazy("the id {id!r} (read back as {stem!r}, the file name)", id=org.id, stem=stem)
        out.append(("id", what))
    root = org.name_of(org.root) if len(org) else ""
    if org.name and org.name != root:
        what = lazy(
            "the name {name!r} (read back as {root!r}, the root unit's name)",
            name=org.name,
            root=root,
        )
        out.append(("name", what))
    return out


def _meta_rows(org: OrgGraph) -> list[list[Any]]:
    out: list[list[Any]] = [["field", "value"], ["id", org.id], ["name", org.name]]
    if org.description:
        out.append(["description", org.description])
    if org.parent_bureau is not None:
        out.append(["parent_bureau", org.parent_bureau.name])
        out.append(["parent_bureau_functions", ";".join(org.parent_bureau.functions)])
    return out


def _write_xlsx(rows: list[list[Any]], meta: list[list[Any]], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "units"
    for row in rows:
        ws.append(row)
    # A text starting with "=" is a name, not a formula.
    for line in ws.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    ws.column_dimensions["C"].width = 28
    ms = wb.create_sheet(META_SHEET)
    for row in meta:
        ms.append(row)
    for line in ms.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    ms.column_dimensions["B"].width = 40
    wb.save(path)

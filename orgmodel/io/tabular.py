"""The spreadsheet an HR office exports (机构花名册): CSV or XLSX, one unit per row.

Columns (any order; header in the first non-empty row, Chinese headers accepted)::

    id, parent_id, name, kind, function, category, establishment, police, auxiliaries,
    leaders, duty_roster, community_share, guided_by, dispatched_by

``parent_id`` is empty for the root. ``kind``, ``function`` and ``category`` may be given as
their code or their Chinese name (``派出所``, ``刑侦``, ``执法勤务``). ``guided_by`` names the
upper department that GUIDES this one (条, 业务指导) and ``dispatched_by`` the 情指中心 that
DISPATCHES it; several ids may be separated by ``;``. CSV files may be UTF-8 (with or
without BOM), GBK/GB18030 or UTF-16 with BOM, separated by commas, tabs or semicolons.

Every problem is reported at once, naming the file, the row as the spreadsheet shows it (the
header is row 1) and the column: ``org.csv row 5, column H (民警), unit 's1': police must
be a whole number, got '二十'``. The full format is documented in ``docs/format.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from orgmodel.catalogue import FunctionCatalogue, load_catalogue
from orgmodel.errors import InputError
from orgmodel.io._atomic import atomic_output
from orgmodel.model import (
    CATEGORIES,
    KIND_NAMES,
    OrgGraph,
    OrgValidationError,
    ValidationIssue,
)

__all__ = [
    "CATEGORY_ALIASES",
    "COLUMNS",
    "COLUMN_ALIASES",
    "KIND_ALIASES",
    "META_FIELDS",
    "META_SHEET",
    "REQUIRED_COLUMNS",
    "TABLE_SUFFIXES",
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
REQUIRED_COLUMNS: tuple[str, ...] = ("id", "parent_id", "name", "kind")
TABLE_SUFFIXES: tuple[str, ...] = (".csv", ".xlsx", ".xlsm")
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
COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("编号", "机构编号", "单位编号", "机构id", "unit_id"),
    "parent_id": ("parent", "上级编号", "上级机构编号", "上级单位编号", "上级id", "上级机构id"),
    "name": ("名称", "机构名称", "单位名称"),
    "kind": ("type", "类型", "机构类型", "单位类型"),
    "function": ("警种", "职能", "警种/职能", "警种职能", "业务类别"),
    "category": ("类别", "机构类别"),
    "establishment": ("编制", "编制数", "核定编制", "编制人数"),
    "police": ("民警", "民警实有", "民警人数", "实有民警", "民警数", "民警实有数"),
    "auxiliaries": ("辅警", "辅警人数", "辅警数", "辅警实有"),
    "leaders": ("领导职数", "领导", "领导人数"),
    "duty_roster": ("24小时值班", "值班备勤", "值班", "24小时值班备勤"),
    "community_share": ("社区工作占比", "社区占比", "社区警务占比"),
    "guided_by": ("业务指导", "业务指导部门", "业务指导单位编号", "指导部门编号"),
    "dispatched_by": ("调度", "指挥调度", "调度单位编号", "情指调度"),
}

#: Chinese (and other) names of each unit kind; the codes themselves are always accepted.
KIND_ALIASES: dict[str, tuple[str, ...]] = {
    "ministry": ("公安部", "部"),
    "province": ("省公安厅", "公安厅", "省厅", "厅", "自治区公安厅"),
    "city": ("市公安局", "市局", "地市公安局", "州公安局"),
    "county": (
        "县(市、区)公安局/公安分局",
        "县(市、区)公安局",
        "县公安局",
        "区公安局",
        "县级公安局",
        "县局",
        "公安分局",
        "分局",
    ),
    "department": ("内设机构", "部门", "处", "科", "科室", "处室", "支队", "大队", "中队"),
    "command_center": ("情报指挥中心", "情指中心", "指挥中心", "情指行中心", "command_centre"),
    "station": ("派出所", "所"),
    "team": ("派出所内的队", "队", "警务队", "社区警务队", "案件办理队"),
    "office": ("派出所综合指挥室", "综合指挥室", "综合室", "室"),
    "community_post": (
        "社区警务室",
        "警务室",
        "警务站",
        "警务工作站",
        "社区警务站",
        "警务区",
        "最小作战单元",
    ),
    "group": ("片区", "警务片区", "体系", "中心所", "协调机构"),
}

#: Chinese names of the categories (《公安机关组织管理条例》 art. 7).
CATEGORY_ALIASES: dict[str, tuple[str, ...]] = {
    "management": ("综合管理", "综合管理机构", "综合管理类"),
    "duty": ("执法勤务", "执法勤务机构", "执法勤务类"),
    "frontline": ("一线", "基层", "基层一线"),
    "leadership": ("领导", "局领导", "领导班子"),
}

_TRUE = frozenset({"是", "true", "t", "1", "y", "yes", "有"})
_FALSE = frozenset({"否", "false", "f", "0", "n", "no", "无"})
_INT_COLUMNS = ("establishment", "police", "auxiliaries", "leaders")
_ID_SEP = re.compile(r"[;；,，、\s]+")


def _norm(text: str) -> str:
    """Full-width to half-width, lower case, no spaces, underscores or hyphens."""
    return re.sub(r"[\s_\-]+", "", unicodedata.normalize("NFKC", text)).lower()


def _lookup(aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, names in aliases.items():
        for n in (code, *names):
            out.setdefault(_norm(n), code)
    return out


_COLUMN_LOOKUP = _lookup(COLUMN_ALIASES)
_KIND_LOOKUP = _lookup(KIND_ALIASES)
_CATEGORY_LOOKUP = _lookup(CATEGORY_ALIASES)


def resolve_column(header: str) -> str | None:
    """The column a header names (``民警实有`` → ``police``), or ``None`` if unknown."""
    return _COLUMN_LOOKUP.get(_norm(header))


def resolve_kind(text: str) -> str | None:
    """A unit kind from its code or a Chinese name (``分局`` → ``county``), else ``None``."""
    return _KIND_LOOKUP.get(_norm(text))


def resolve_category(text: str) -> str | None:
    """A category from its code or Chinese name (``执法勤务`` → ``duty``), else ``None``."""
    return _CATEGORY_LOOKUP.get(_norm(text))


# -- reading ------------------------------------------------------------------------------


def _decode(data: bytes, p: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise InputError(
            f"{p}: neither UTF-8 nor GBK/GB18030 text (byte {e.start}); "
            "save the spreadsheet as CSV UTF-8 or as .xlsx"
        ) from e


def _read_csv(p: Path) -> list[tuple[int, list[Any]]]:
    try:
        data = p.read_bytes()
    except FileNotFoundError as e:
        raise InputError(f"{p}: no such file") from e
    except IsADirectoryError as e:
        raise InputError(f"{p}: is a folder, not a spreadsheet") from e
    try:
        text = _decode(data, p)
    except UnicodeDecodeError as e:
        raise InputError(f"{p}: the file starts with a byte-order mark but is not valid") from e
    first = next((ln for ln in text.splitlines() if ln.strip()), "")
    delimiter = max((",", "\t", ";"), key=first.count)
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows as the spreadsheet shows them: one per record, blank lines included.
        for n, rec in enumerate(reader, start=1):
            rows.append((n, list(rec)))
    except csv.Error as e:
        raise InputError(f"{p}: malformed CSV near line {reader.line_num}: {e}") from e
    return rows


def _read_xlsx(
    p: Path, sheet: str | None
) -> tuple[list[tuple[int, list[Any]]], dict[str, str], list[ValidationIssue]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a folder, not a spreadsheet")
    try:
        wb = load_workbook(p, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise InputError(f"{p}: not a readable .xlsx workbook ({e})") from e
    try:
        if sheet is not None:
            if sheet not in wb.sheetnames:
                raise InputError(f"{p}: no sheet {sheet!r} (sheets: {', '.join(wb.sheetnames)})")
            ws = wb[sheet]
        else:
            ws = wb.active or wb.worksheets[0]
        rows = [
            (n, list(r)) for n, r in enumerate(ws.iter_rows(min_row=1, values_only=True), start=1)
        ]
        meta: dict[str, str] = {}
        issues: list[ValidationIssue] = []
        if META_SHEET in wb.sheetnames and wb[META_SHEET] is not ws:
            for n, r in enumerate(wb[META_SHEET].iter_rows(min_row=2, values_only=True), start=2):
                key, value = (_text(c) for c in [*r, None, None][:2])
                if not key:
                    continue
                if key not in META_FIELDS:
                    issues.append(
                        ValidationIssue(
                            f"unknown field {key!r} (known: {', '.join(META_FIELDS)})",
                            where=f"{p.name} sheet {META_SHEET} row {n}, column A",
                        )
                    )
                meta[key] = value
        return rows, meta, issues
    finally:
        wb.close()


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def _text(v: Any) -> str:
    """A cell as text: numbers from Excel without a spurious ``.0``."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime | dt.date | dt.time):
        return v.isoformat()
    return str(v).strip()


def _empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


class _RowReader:
    """Parses one data row's cells, collecting every problem with its row and column."""

    def __init__(
        self,
        fname: str,
        row: int,
        cells: Sequence[Any],
        columns: dict[str, int],
        headers: list[str],
        catalogue: FunctionCatalogue,
        issues: list[ValidationIssue],
    ) -> None:
        self.fname, self.row, self.cells = fname, row, cells
        self.columns, self.headers, self.catalogue = columns, headers, catalogue
        self.issues = issues
        self.unit: str | None = None

    def loc(self, field: str) -> str:
        j = self.columns[field]
        return f"{self.fname} row {self.row}, column {_col_letter(j)} ({self.headers[j]})"

    def bad(self, field: str, message: str) -> None:
        self.issues.append(ValidationIssue(message, self.unit, self.loc(field)))

    def raw(self, field: str) -> Any:
        j = self.columns.get(field)
        if j is None or j >= len(self.cells) or _empty(self.cells[j]):
            return None
        return self.cells[j]

    def text(self, field: str) -> str | None:
        v = self.raw(field)
        return None if v is None else _text(v)

    def integer(self, field: str) -> tuple[int | None, bool]:
        v = self.raw(field)
        if v is None:
            return None, True
        n: int | None = None
        if isinstance(v, int) and not isinstance(v, bool):
            n = v
        elif isinstance(v, float) and v.is_integer():
            n = int(v)
        elif isinstance(v, str):
            t = unicodedata.normalize("NFKC", v).strip()
            if re.fullmatch(r"[+-]?\d+", t):
                n = int(t)
            elif re.fullmatch(r"[+-]?\d+\.0*", t):
                n = int(float(t))
        if n is None:
            self.bad(field, f"{field} must be a whole number, got {_text(v)!r}")
            return None, False
        if n < 0:
            self.bad(field, f"{field} must not be negative, got {n}")
            return None, False
        return n, True

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
        self.bad(field, f"{field} must be 是/否 (true/false, 1/0, Y/N), got {_text(v)!r}")
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
            hint = " (write 0.6 or 60%)" if x is not None and 1 < x <= 100 else ""
            self.bad(field, f"{field} must be a share between 0 and 1, got {_text(v)!r}{hint}")
            return None
        return x

    def kind(self) -> str | None:
        t = self.text("kind")
        if t is None:
            self.bad("kind", "kind is empty")
            return None
        k = resolve_kind(t)
        if k is None:
            self.bad(
                "kind",
                f"unknown kind {t!r} (use a code — {', '.join(KIND_NAMES)} — or a Chinese "
                "name such as 派出所, 分局, 大队, 社区警务室)",
            )
        return k

    def function(self) -> str | None:
        t = self.text("function")
        if t is None:
            return None
        code = self.catalogue.resolve(t)
        if code is None:
            self.bad(
                "function",
                f"unknown function {t!r} (use a code or a Chinese name of the catalogue, "
                "such as criminal or 刑侦)",
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
                f"unknown category {t!r} (management/综合管理, duty/执法勤务, "
                "frontline/一线, leadership/领导)",
            )
            return None
        return c

    def ids(self, field: str) -> list[str]:
        t = self.text(field)
        return [] if t is None else [x for x in _ID_SEP.split(t) if x]


def _header(
    rows: list[tuple[int, list[Any]]], fname: str, source: str
) -> tuple[int, dict[str, int], list[str], list[ValidationIssue]]:
    """The header row: its number, column → index, the header texts, and header issues."""
    idx = next((i for i, (_, cells) in enumerate(rows) if not all(map(_empty, cells))), None)
    if idx is None:
        raise InputError(f"{source}: the spreadsheet is empty (no header row)")
    n, cells = rows[idx]
    headers = [_text(c) for c in cells]
    columns: dict[str, int] = {}
    issues: list[ValidationIssue] = []
    for j, h in enumerate(headers):
        if not h:
            continue
        loc = f"{fname} row {n}, column {_col_letter(j)} ({h})"
        field = resolve_column(h)
        if field is None:
            issues.append(
                ValidationIssue(
                    f"unknown column {h!r} (known: {', '.join(COLUMNS)} or their Chinese "
                    "names; rename or delete it)",
                    where=loc,
                )
            )
        elif field in columns:
            first = columns[field]
            issues.append(
                ValidationIssue(
                    f"column {h!r} repeats {field!r}, already given in column "
                    f"{_col_letter(first)} ({headers[first]})",
                    where=loc,
                )
            )
        else:
            columns[field] = j
    for req in REQUIRED_COLUMNS:
        if req not in columns:
            names = "/".join(COLUMN_ALIASES[req][:3])
            issues.append(
                ValidationIssue(
                    f"missing required column {req!r} ({names})", where=f"{fname} row {n}"
                )
            )
    return idx, columns, headers, issues


def _parse(
    rows: list[tuple[int, list[Any]]],
    p: Path,
    *,
    org_id: str | None,
    org_name: str | None,
    catalogue: FunctionCatalogue,
    meta: dict[str, str],
    meta_issues: list[ValidationIssue],
) -> OrgGraph:
    from orgmodel.model import ParentBureau, Unit

    source, fname = str(p), p.name
    hidx, columns, headers, issues = _header(rows, fname, source)
    issues = meta_issues + issues
    if any(i.message.startswith("missing required column") for i in issues):
        raise OrgValidationError(issues, source)

    units: list[Unit] = []
    row_of: dict[str, int] = {}
    refs: list[tuple[str, str, str, str]] = []  # (column, upper, lower, location)
    kinds_ok = True
    for n, cells in rows[hidx + 1 :]:
        if all(_empty(c) for c in cells):
            continue
        r = _RowReader(fname, n, cells, columns, headers, catalogue, issues)
        for j in range(len(headers), len(cells)):
            if not _empty(cells[j]):
                issues.append(
                    ValidationIssue(
                        f"value {_text(cells[j])!r} in a column without a header",
                        where=f"{fname} row {n}, column {_col_letter(j)}",
                    )
                )
        for j, h in enumerate(headers):
            if not h and j < len(cells) and not _empty(cells[j]):
                issues.append(
                    ValidationIssue(
                        f"value {_text(cells[j])!r} in a column without a header",
                        where=f"{fname} row {n}, column {_col_letter(j)}",
                    )
                )
        uid = r.text("id")
        r.unit = uid
        keep = uid is not None and uid not in row_of
        if uid is None:
            r.bad("id", "id is empty")
        elif uid in row_of:
            r.bad("id", f"duplicate id {uid!r}, already used in row {row_of[uid]}")
        name = r.text("name")
        if name is None:
            r.bad("name", "name is empty")
        kind = r.kind()
        kinds_ok = kinds_ok and kind is not None
        function = r.function()
        category = r.category()
        ints = {f: r.integer(f)[0] for f in _INT_COLUMNS}
        duty = r.boolean("duty_roster")
        share = r.share("community_share")
        parent = r.text("parent_id")
        if uid is None or not keep:
            continue
        for col in ("guided_by", "dispatched_by"):
            if col in columns:
                refs += [(col, other, uid, r.loc(col)) for other in r.ids(col)]
        row_of[uid] = n
        units.append(
            Unit(
                id=uid,
                name=name or uid,
                # A bad kind is reported above; a neutral stand-in keeps the structural
                # checks below from repeating it.
                kind=kind or "department",
                parent=parent,
                function=function,
                category=category,
                establishment=ints["establishment"],
                police=ints["police"] or 0,
                auxiliaries=ints["auxiliaries"] or 0,
                leaders=ints["leaders"],
                duty_roster=duty,
                community_share=share,
            )
        )

    guides: list[tuple[str, str]] = []
    dispatches: list[tuple[str, str]] = []
    edge_loc: dict[str, str] = {}
    for col, other, uid, loc in refs:
        if other not in row_of:
            issues.append(ValidationIssue(f"{col}: unit {other!r} is not in the table", uid, loc))
            continue
        if col == "guided_by":
            guides.append((other, uid))
            edge_loc[f"GUIDES {other!r} → {uid!r}"] = loc
        else:
            dispatches.append((other, uid))
            edge_loc[f"DISPATCHES {other!r} → {uid!r}"] = loc

    roots = [u for u in units if u.parent is None]
    name_default = roots[0].name if len(roots) == 1 else ""
    where = {uid: f"{fname} row {n}" for uid, n in row_of.items()}
    parent_bureau = None
    if meta.get("parent_bureau"):
        fns = _ID_SEP.split(meta.get("parent_bureau_functions", ""))
        parent_bureau = ParentBureau(meta["parent_bureau"], tuple(f for f in fns if f))
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
            source=source,
        )
    except OrgValidationError as e:
        located = [_locate(i, units, row_of, edge_loc, fname) for i in e.issues]
        raise OrgValidationError(issues + located, source) from None
    if issues:
        raise OrgValidationError(issues, source)
    return org


def _rows_text(fname: str, rows: Iterable[int]) -> str:
    rs = sorted(rows)
    shown = ", ".join(map(str, rs[:10])) + (" …" if len(rs) > 10 else "")
    return f"{fname} row{'s' if len(rs) != 1 else ''} {shown}"


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
        return replace(issue, where=_rows_text(fname, roots) + ", column parent_id")
    return issue


def load_table(
    path: str | Path,
    *,
    id: str | None = None,
    name: str | None = None,
    sheet: str | None = None,
    catalogue: FunctionCatalogue | None = None,
) -> OrgGraph:
    """Import an organisation from an HR spreadsheet (``.csv`` or ``.xlsx``).

    Parameters
    ----------
    path : str or Path
        The spreadsheet. CSV encodings are detected (UTF-8 with or without BOM, GBK/GB18030,
        UTF-16 with BOM).
    id, name : str, optional
        The organisation's id and name; by default the file's stem and the root unit's name.
    sheet : str, optional
        The worksheet of an ``.xlsx`` workbook; the active one by default.
    catalogue : FunctionCatalogue, optional
        The function catalogue (警种) used to resolve ``function``; the seed one by default.

    Returns
    -------
    OrgGraph

    Raises
    ------
    InputError
        The file is missing, of an unknown type, not decodable or not a workbook.
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
    suffix = p.suffix.lower()
    meta: dict[str, str] = {}
    meta_issues: list[ValidationIssue] = []
    if suffix == ".csv":
        rows = _read_csv(p)
    elif suffix in (".xlsx", ".xlsm"):
        rows, meta, meta_issues = _read_xlsx(p, sheet)
    elif suffix == ".xls":
        raise InputError(f"{p}: old Excel .xls files cannot be read; save it as .xlsx or CSV")
    else:
        raise InputError(f"{p}: unknown spreadsheet type {suffix!r} (use .csv or .xlsx)")
    cat = catalogue if catalogue is not None else load_catalogue()
    return _parse(
        rows, p, org_id=id, org_name=name, catalogue=cat, meta=meta, meta_issues=meta_issues
    )


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
        raise InputError(f"{p}: cannot write a table as {fmt!r} (use .csv or .xlsx)")
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

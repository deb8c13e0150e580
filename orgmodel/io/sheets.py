"""The cells of a spreadsheet file as rows: CSV, XLSX/XLSM and old Excel ``.xls``.

This is the layer under :mod:`orgmodel.io.tabular`: it knows file formats, not columns. It
returns every worksheet's rows as the spreadsheet shows them (row 1 is the first row), with
two things an HR export needs that a plain cell read gets wrong:

- a merged cell's value belongs to every cell of its range (a 24小时值班 "是" merged over
  three 派出所 rows is three 是);
- a formula's saved (cached) value is read; a formula saved without one (files written by
  scripts and web exporters) becomes an :class:`Uncached` marker, never 0 or empty, so the
  reader can refuse it naming the cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from orgmodel.errors import InputError
from orgmodel.i18n import lazy

__all__ = ["Sheet", "Uncached", "Workbook", "cell_text", "read_workbook"]

_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True, slots=True)
class Uncached:
    """A formula cell saved without its value (``=SUM(H3:H9)`` with nothing computed)."""

    formula: str
    cell: str

    def __str__(self) -> str:
        return self.formula


@dataclass
class Sheet:
    """One worksheet: its name and its rows as ``(row number, cells)``."""

    name: str
    rows: list[tuple[int, list[Any]]]
    #: merged ranges as (first row, last row, first column, last column), 0-based, inclusive
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class Workbook:
    """The sheets of a file (a CSV has one), which one is active, and notes on the reading."""

    sheets: list[Sheet]
    active: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        """The sheet names, in order."""
        return [s.name for s in self.sheets]


def _decode(data: bytes, p: Path) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError as e:
            raise InputError(
                lazy("{p}: the file starts with a byte-order mark but is not valid", p=p)
            ) from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise InputError(
                lazy("{p}: the file starts with a byte-order mark but is not valid", p=p)
            ) from e
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise InputError(
            lazy(
                "{p}: neither UTF-8 nor GBK/GB18030 text (byte {start}); save the spreadsheet as CSV UTF-8 or as .xlsx",
                p=p,
                start=e.start,
            )
        ) from e


def _csv_rows(text: str, p: Path) -> list[tuple[int, list[Any]]]:
    lines = [ln for ln in text.splitlines() if ln.strip()][:30]
    # The delimiter of the widest line among the first ones (title rows have few).
    delimiter = max((",", "\t", ";"), key=lambda d: max((ln.count(d) for ln in lines), default=0))
    rows: list[tuple[int, list[Any]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Rows as the spreadsheet shows them: one per record, blank lines included.
        for n, rec in enumerate(reader, start=1):
            rows.append((n, list(rec)))
    except csv.Error as e:
        raise InputError(
            lazy("{p}: malformed CSV near line {line_num}: {e}", p=p, line_num=reader.line_num, e=e)
        ) from e
    return rows


def _read_bytes(p: Path) -> bytes:
    try:
        return p.read_bytes()
    except FileNotFoundError as e:
        raise InputError(lazy("{p}: no such file", p=p)) from e
    except IsADirectoryError as e:
        raise InputError(lazy("{p}: is a folder, not a spreadsheet", p=p)) from e


def _fill_merged(rows: list[list[Any]], ranges: list[tuple[int, int, int, int]]) -> None:
    """Give every cell of each merged range (rows r0..r1, columns c0..c1, 0-based, inclusive)
    the value of its top-left cell."""
    for r0, r1, c0, c1 in ranges:
        if r0 >= len(rows):
            continue
        top = rows[r0]
        v = top[c0] if c0 < len(top) else None
        for r in range(r0, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if len(row) <= c1:
                row.extend([None] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v


def _read_xlsx(data: bytes, p: Path) -> Workbook:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    def load(data_only: bool) -> Any:
        try:
            return load_workbook(io.BytesIO(data), data_only=data_only)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
            raise InputError(lazy("{p}: not a readable .xlsx workbook ({e})", p=p, e=e)) from e

    wb = load(False)
    cached: Any = None
    try:
        sheets: list[Sheet] = []
        for ws in wb.worksheets:
            grid: list[list[Any]] = []
            formulas: list[tuple[int, int, str]] = []
            for r, line in enumerate(ws.iter_rows()):
                cells: list[Any] = []
                for c, cell in enumerate(line):
                    if cell.data_type == "f":
                        v = cell.value
                        text = v if isinstance(v, str) else getattr(v, "text", None) or "=…"
                        formulas.append((r, c, str(text)))
                    cells.append(cell.value)
                grid.append(cells)
            if formulas:
                if cached is None:
                    cached = load(True)
                values = cached[ws.title]
                for r, c, text in formulas:
                    v = values.cell(row=r + 1, column=c + 1).value
                    grid[r][c] = Uncached(str(text), f"{_col_letter(c)}{r + 1}") if v is None else v
            ranges = [
                (m.min_row - 1, m.max_row - 1, m.min_col - 1, m.max_col - 1)
                for m in ws.merged_cells.ranges
            ]
            _fill_merged(grid, ranges)
            sheets.append(
                Sheet(ws.title, [(n, row) for n, row in enumerate(grid, start=1)], ranges)
            )
        active = wb.worksheets.index(wb.active) if wb.active in wb.worksheets else 0
        return Workbook(sheets, active)
    finally:
        wb.close()
        if cached is not None:
            cached.close()


def _read_xls(data: bytes, p: Path) -> Workbook:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=False)
    except (xlrd.XLRDError, AssertionError, IndexError, ValueError, KeyError) as e:
        raise InputError(
            lazy("{p}: not a readable .xls workbook ({e}); save it as .xlsx", p=p, e=e)
        ) from e
    sheets: list[Sheet] = []
    active = 0
    for i, sh in enumerate(book.sheets()):
        if getattr(sh, "sheet_selected", 0) and not active:
            active = i
        grid: list[list[Any]] = []
        for r in range(sh.nrows):
            cells: list[Any] = []
            for c in range(sh.ncols):
                cell = sh.cell(r, c)
                t, v = cell.ctype, cell.value
                if t in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
                    cells.append(None)
                elif t == xlrd.XL_CELL_DATE:
                    cells.append(xlrd.xldate_as_datetime(v, book.datemode))
                elif t == xlrd.XL_CELL_BOOLEAN:
                    cells.append(bool(v))
                elif t == xlrd.XL_CELL_ERROR:
                    cells.append(xlrd.error_text_from_code.get(v, "#ERROR"))
                else:
                    cells.append(v)
            grid.append(cells)
        ranges = [(r0, r1 - 1, c0, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
        _fill_merged(grid, ranges)
        sheets.append(Sheet(sh.name, [(n, row) for n, row in enumerate(grid, start=1)], ranges))
    return Workbook(sheets, active)


def _looks_like_markup(data: bytes) -> str | None:
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return None
    if b"urn:schemas-microsoft-com:office:spreadsheet" in data[:4096]:
        return "an Excel 2003 XML spreadsheet"
    return "a web page (an HTML table)"


def read_workbook(path: str | Path) -> Workbook:
    """Every sheet of a ``.csv``, ``.xlsx``/``.xlsm`` or ``.xls`` file, as rows.

    The content decides, not only the name: an ``.xls`` that is really an ``.xlsx`` (or
    tab-separated text, as some HR systems write) is read as what it is, and said so in
    ``notes``; an HTML table or XML spreadsheet saved under ``.xls`` is refused with a message
    saying how to save it.

    Raises
    ------
    InputError
        Missing file, unknown type, undecodable text, or a file that is no workbook.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in (".csv", ".xlsx", ".xlsm", ".xls"):
        raise InputError(
            lazy(
                "{p}: unknown spreadsheet type {suffix!r} (use .csv, .xlsx or .xls)",
                p=p,
                suffix=suffix,
            )
        )
    data = _read_bytes(p)
    if suffix == ".csv":
        return Workbook([Sheet(p.stem, _csv_rows(_decode(data, p), p))])
    if data.startswith(b"PK"):
        book = _read_xlsx(data, p)
        if suffix == ".xls":
            book.notes.append(
                lazy("{name} is an .xlsx workbook named .xls; read as .xlsx", name=p.name)
            )
        return book
    if suffix != ".xls":
        raise InputError(lazy("{p}: not a readable .xlsx workbook (not a zip archive)", p=p))
    if data.startswith(_OLE):
        return _read_xls(data, p)
    markup = _looks_like_markup(data)
    if markup:
        raise InputError(
            lazy(
                "{p}: this is {markup} saved with an .xls name, not an Excel workbook. Open it in Excel or WPS and save it as .xlsx (文件 → 另存为 → Excel 工作簿), or save it as CSV, then import that file",
                p=p,
                markup=markup,
            )
        )
    try:
        text = _decode(data, p)
    except InputError:
        text = ""
    if text and ("\t" in text or "," in text) and "\x00" not in text:
        book = Workbook([Sheet(p.stem, _csv_rows(text, p))])
        book.notes.append(lazy("{name} is delimited text named .xls; read as CSV", name=p.name))
        return book
    raise InputError(
        lazy("{p}: not an Excel .xls workbook; save it as .xlsx or CSV and import that", p=p)
    )


def _col_letter(j: int) -> str:
    s = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        s = chr(65 + r) + s
    return s


def cell_text(v: Any) -> str:
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

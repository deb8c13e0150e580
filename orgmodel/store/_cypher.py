"""The Cypher files of ``cypher/``: loading them and splitting them into statements.

Queries live as files so an analyst can read (and paste) exactly what the stores run.
A query named ``write/units`` is looked up as ``cypher/write/units.<engine>.cypher`` first
and ``cypher/write/units.cypher`` second, so one text serves both engines wherever their
dialects agree.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from orgmodel.seeds import cypher_dir

__all__ = ["analytic_queries", "load_query", "split_statements"]


@cache
def _read(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def load_query(name: str, engine: str | None = None) -> str:
    """The text of ``cypher/<name>.cypher`` (the engine's own variant if there is one)."""
    base = cypher_dir()
    cands = ([base / f"{name}.{engine}.cypher"] if engine else []) + [base / f"{name}.cypher"]
    for p in cands:
        if p.is_file():
            return _read(str(p))
    raise FileNotFoundError(f"no Cypher file for {name!r} in {base}")


def analytic_queries() -> dict[str, str]:
    """Name → text of every analytic query in ``cypher/analytics/`` (one text, both engines)."""
    folder = cypher_dir() / "analytics"
    return {p.stem: _read(str(p)) for p in sorted(folder.glob("*.cypher"))}


def _scan(text: str) -> list[tuple[str, str]]:
    """Split Cypher text into ('code' | 'string' | 'comment' | 'semicolon', piece) tokens."""
    out: list[tuple[str, str]] = []
    i, n, start = 0, len(text), 0

    def flush(end: int) -> None:
        if end > start:
            out.append(("code", text[start:end]))

    while i < n:
        ch = text[i]
        two = text[i : i + 2]
        if two == "//" or two == "--":
            flush(i)
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(("comment", text[i:j]))
            i = start = j
        elif two == "/*":
            flush(i)
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(("comment", text[i:j]))
            i = start = j
        elif ch in "'\"`":
            flush(i)
            j = i + 1
            while j < n and text[j] != ch:
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(("string" if ch != "`" else "name", text[i:j]))
            i = start = j
        elif ch == ";":
            flush(i)
            out.append(("semicolon", ";"))
            i = start = i + 1
        else:
            i += 1
    flush(n)
    return out


def split_statements(text: str) -> list[str]:
    """The statements of a Cypher file: comments dropped, split on ``;`` outside strings."""
    stmts: list[str] = []
    cur: list[str] = []
    for kind, piece in _scan(text):
        if kind == "semicolon":
            stmts.append("".join(cur).strip())
            cur = []
        elif kind != "comment":
            cur.append(piece)
    stmts.append("".join(cur).strip())
    return [s for s in stmts if s]

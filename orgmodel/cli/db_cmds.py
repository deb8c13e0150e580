"""``orgmodel db``: keep organisations in a graph store, and query them in Cypher.

``push`` saves an organisation file as a new version, ``pull`` writes a version back to a
file, ``list`` and ``log`` show what the store holds, ``query`` runs one read-only Cypher
statement (the analytic queries of ``cypher/analytics/`` among them). The store is
``--store URI``, else ``$ORGMODEL_STORE``, else ``./data/orgmodel.lbdb`` (see
``docs/store.md``).
"""

from __future__ import annotations

import getpass
import json
import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from orgmodel.cli import app
from orgmodel.cli._table import Table
from orgmodel.cli.io_cmds import ORG_METAVAR
from orgmodel.errors import InputError
from orgmodel.i18n import N_, _, ngettext
from orgmodel.io.orgfile import load_org, write_org
from orgmodel.store import GraphStore, QueryTimeout, open_store, store_uri
from orgmodel.store.query_door import DEFAULT_QUERY_TIMEOUT_S

__all__ = ["db_app", "parse_params"]

db_app = typer.Typer(
    name="db",
    help=N_(
        "Graph store: push / pull organisation versions, list, log, and read-only Cypher "
        "queries (LadybugDB file by default, or Neo4j via bolt:// / neo4j:// URIs)."
    ),
    no_args_is_help=True,
)
app.add_typer(db_app, name="db")

STORE_OPT = typer.Option(
    None,
    "--store",
    "-s",
    help=N_(
        "Store URI: a LadybugDB file path, or bolt:// neo4j:// neo4j+s:// (credentials "
        "from NEO4J_USER / NEO4J_PASSWORD). Default: $ORGMODEL_STORE, else data/orgmodel.lbdb."
    ),
)
JSON_OPT = typer.Option(False, "--json", help=N_("Print JSON instead of a table."))


@contextmanager
def _store(uri: str | None) -> Iterator[GraphStore]:
    with open_store(store_uri(uri)) as s:
        yield s


def _author(author: str | None) -> str:
    if author:
        return author
    env = os.environ.get("ORGMODEL_AUTHOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a bare container
        return "unknown"


def _echo_json(data: Any) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=1, default=str))


def parse_params(pairs: list[str]) -> dict[str, Any]:
    """``k=v`` pairs as query parameters; ``v`` is read as JSON when it is JSON (numbers,
    ``true``, ``null``, lists, maps, quoted strings), else kept as text.

    Examples
    --------
    >>> parse_params(["org_id=mirror-county", "version=2", "kinds=[\\"station\\"]"])
    {'org_id': 'mirror-county', 'version': 2, 'kinds': ['station']}
    """
    out: dict[str, Any] = {}
    for p in pairs:
        key, sep, raw = p.partition("=")
        key = key.strip().lstrip("$")
        if not sep or not key.isidentifier():
            raise InputError(
                _("--param {p!r}: write it as NAME=VALUE, e.g. org_id=mirror-county").format(p=p)
            )
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw
    return out


@db_app.command(
    "push", help=N_("Save an organisation file as the next version of its organisation (its id).")
)
def push(
    org: Path = typer.Argument(
        ..., metavar=ORG_METAVAR, help=N_("Organisation file (.yaml, .yml, .json).")
    ),
    store: str | None = STORE_OPT,
    message: str = typer.Option(
        "", "--message", "-m", help=N_("Why this version (kept in the log).")
    ),
    author: str | None = typer.Option(
        None, "--author", help=N_("Who saves (default: $ORGMODEL_AUTHOR, else the login name).")
    ),
    expect_version: int | None = typer.Option(
        None,
        "--expect-version",
        help=N_("Refuse the save unless the store's latest version is this one (0: a new org)."),
    ),
) -> None:
    g = load_org(org)
    with _store(store) as s:
        v = s.save_org(g, _author(author), message, expected_version=expect_version)
        uri = s.uri
    typer.echo(
        _("pushed {org} version {version}: {name} — {units} units, {police} police (民警) → {uri}")
        .format(org=v.org_id, version=v.version, name=g.name, units=v.units, police=v.police,
                uri=uri)
    )  # fmt: skip


@db_app.command("pull", help=N_("Write a stored version of an organisation to a file."))
def pull(
    org_id: str = typer.Argument(
        ..., metavar=N_("ORG_ID"), help=N_("Organisation id in the store.")
    ),
    output: Path = typer.Option(..., "--output", "-o", help=N_("File to write (.yaml or .json).")),
    version: int | None = typer.Option(
        None, "--version", "-v", help=N_("Version (latest default).")
    ),
    store: str | None = STORE_OPT,
) -> None:
    with _store(store) as s:
        if version is None:
            version = s.list_versions(org_id)[-1].version
        g = s.load_org(org_id, version)
    write_org(g, output)
    typer.echo(
        _("pulled {org} version {version}: {units} units → {path}").format(
            org=org_id, version=version, units=len(g), path=output
        )
    )


@db_app.command("list", help=N_("List the organisations in the store with their latest version."))
def list_orgs(store: str | None = STORE_OPT, as_json: bool = JSON_OPT) -> None:
    with _store(store) as s:
        orgs = s.list_orgs()
        uri = s.uri
    if as_json:
        _echo_json(
            [
                {
                    "org_id": o.org_id,
                    "name": o.name,
                    "latest": o.latest,
                    "versions": o.versions,
                    "updated_at": o.updated_at.isoformat(),
                }
                for o in orgs
            ]
        )
        return
    if not orgs:
        typer.echo(
            _("no organisations in {uri} (add one with `orgmodel db push ORG`)").format(uri=uri)
        )
        return
    t = Table(title=_("organisations — {uri}").format(uri=uri), title_justify="left")
    right = (_("latest"), _("versions"))
    for col in (_("id"), _("name"), *right, _("updated (UTC)")):
        t.add_column(col, justify="right" if col in right else "left")
    for o in orgs:
        t.add_row(
            o.org_id,
            o.name,
            str(o.latest),
            str(o.versions),
            o.updated_at.strftime("%Y-%m-%d %H:%M"),
        )
    Console().print(t)


@db_app.command(
    "log",
    help=N_("The versions of an organisation, newest first, and the writes recorded for it."),
)
def log(
    org_id: str = typer.Argument(
        ..., metavar=N_("ORG_ID"), help=N_("Organisation id in the store.")
    ),
    store: str | None = STORE_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    with _store(store) as s:
        versions = s.list_versions(org_id)
        audit = s.audit_log(org_id)
    if as_json:
        _echo_json(
            {
                "versions": [
                    {
                        "version": v.version,
                        "author": v.author,
                        "message": v.message,
                        "created_at": v.created_at.isoformat(),
                        "units": v.units,
                        "police": v.police,
                        "auxiliaries": v.auxiliaries,
                    }
                    for v in reversed(versions)
                ],
                "audit": [
                    {
                        "at": e.at.isoformat(),
                        "author": e.author,
                        "action": e.action,
                        "version": e.version,
                        "scenario_id": e.scenario_id,
                        "message": e.message,
                    }
                    for e in audit
                ],
            }
        )
        return
    t = Table(title=f"{org_id} — {versions[-1].name}", title_justify="left")
    right = (_("version"), _("units"), _("police"))
    for col in (right[0], _("saved (UTC)"), _("author"), _("message"), *right[1:]):
        t.add_column(col, justify="right" if col in right else "left")
    for v in reversed(versions):
        t.add_row(
            str(v.version),
            v.created_at.strftime("%Y-%m-%d %H:%M:%S"),
            v.author,
            v.message,
            str(v.units),
            str(v.police),
        )
    Console().print(t)
    scen = [e for e in audit if e.action != "save"]
    if scen:
        t2 = Table(title=_("other writes (scenarios, deletes)"), title_justify="left")
        for col in (
            _("at (UTC)"),
            _("action"),
            _("author"),
            _("scenario"),
            _("base version"),
            _("message"),
        ):
            t2.add_column(col)
        for e in scen:
            t2.add_row(
                e.at.strftime("%Y-%m-%d %H:%M:%S"),
                e.action,
                e.author,
                e.scenario_id or "",
                "" if e.version is None else str(e.version),
                e.message,
            )
        Console().print(t2)


def _cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return f"{v:.6g}"
    if isinstance(v, dict | list):
        return json.dumps(v, ensure_ascii=False, default=str)
    return str(v)


@db_app.command(
    "query",
    help=N_(
        "Run one read-only Cypher statement through the query door (docs/security.md).\n\n"
        "The same limits as the API hold: reading clauses and listed functions only, the size "
        "limits ($ORGMODEL_QUERY_MAX_CHARS, _DEPTH, _LIST, _VALUE), the time limit — which "
        "here covers fetching and rendering the answer too — and the memory ceilings of the "
        "query's own process ($ORGMODEL_QUERY_MEMORY_MB) and of the engine's buffer pool "
        "($ORGMODEL_BUFFER_POOL_MB). A query using $norms "
        "(cypher/analytics/hidden_loss.cypher) gets the shipped staffing norms unless "
        "--param norms=… is given."
    ),
)
def query(
    cypher: str | None = typer.Argument(
        None, metavar=N_("CYPHER"), help=N_("One read-only Cypher statement (or use --file).")
    ),
    param: list[str] = typer.Option(
        [], "--param", "-p", help=N_("Query parameter NAME=VALUE (VALUE read as JSON if it is).")
    ),
    file: Path | None = typer.Option(
        None, "--file", "-f", help=N_("Read the statement from a file, e.g. cypher/analytics/…")
    ),
    timeout: float | None = typer.Option(
        None,
        "--timeout",
        help=N_(
            "Stop the query, with fetching and rendering its answer, after this many seconds "
            "(default: $ORGMODEL_QUERY_TIMEOUT, else 10)."
        ),
    ),
    store: str | None = STORE_OPT,
    as_json: bool = JSON_OPT,
) -> None:
    if (cypher is None) == (file is None):
        raise InputError(_("give the Cypher statement as an argument or with --file, not both"))
    if file is not None:
        try:
            cypher = file.read_text(encoding="utf-8")
        except OSError as e:
            raise InputError(
                _("{path}: cannot read: {reason}").format(path=file, reason=e.strerror)
            ) from e
    assert cypher is not None
    params = parse_params(param)
    if "$norms" in cypher and "norms" not in params:
        from orgmodel.store.analytics import norms_param

        params["norms"] = norms_param()
    if timeout is None:
        raw = os.environ.get("ORGMODEL_QUERY_TIMEOUT", "").strip()
        try:
            timeout = float(raw) if raw else DEFAULT_QUERY_TIMEOUT_S
        except ValueError:
            raise InputError(
                _("ORGMODEL_QUERY_TIMEOUT: not a number: {raw!r}").format(raw=raw)
            ) from None
    if not timeout > 0:
        raise InputError(
            _("--timeout must be more than 0 seconds, got {timeout:g}").format(timeout=timeout)
        )
    console = Console()
    # The time limit covers the query, fetching its rows and rendering them: nothing is
    # printed until the whole answer is ready within it.
    with _store(store) as s, _time_limit(timeout):
        rows = s.query(cypher, params, timeout_s=timeout)
        if as_json:
            text = json.dumps(rows, ensure_ascii=False, indent=1, default=str) + "\n"
        elif not rows:
            text = _("(no rows)") + "\n"
        else:
            t = Table(show_header=True, header_style="bold")
            for col in rows[0]:
                t.add_column(col)
            for r in rows:
                t.add_row(*(_cell(r.get(c)) for c in rows[0]))
            with console.capture() as captured:
                console.print(t)
            n = len(rows)
            text = captured.get() + ngettext("{n} row", "{n} rows", n).format(n=n) + "\n"
    typer.echo(text, nl=False)


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise :class:`QueryTimeout` in the main thread once ``seconds`` have passed (a timer
    signal: rendering a large answer is Python work that nothing else could stop)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: object) -> None:
        raise QueryTimeout(
            _(
                "query stopped: it and the rendering of its answer ran longer than the limit "
                "of {seconds:g} s; narrow it with WHERE or LIMIT, or give --timeout"
            ).format(seconds=seconds)
        )

    previous = signal.signal(signal.SIGALRM, expired)
    # Again every half second: an exception raised by a signal handler that happens to run
    # inside a finaliser (a weakref callback, __del__) is swallowed; the next one lands.
    signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)

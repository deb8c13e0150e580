"""One reader for every door: the CLI, the HTTP API and the dashboard's uploads.

Whatever the door, a file is read by its suffix with the same code, so the same bad file gets
the same message, naming the file, the row or line and the unit:

- ``.yaml``/``.yml``/``.json``: the organisation file format (:mod:`orgmodel.io.orgfile`);
- ``.csv``/``.xlsx``/``.xlsm``/``.xls``: an HR spreadsheet (:mod:`orgmodel.io.tabular`);
- ``.graphml``: GraphML as orgmodel writes it (:mod:`orgmodel.io.graphml`).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy
from orgmodel.io.graphml import read_graphml
from orgmodel.io.orgfile import load_org, read_org
from orgmodel.io.tabular import (
    API_SWITCHES,
    CLI_SWITCHES,
    TABLE_SUFFIXES,
    Switches,
    load_table,
)
from orgmodel.model import OrgGraph, OrgValidationError

__all__ = ["ORG_SUFFIXES", "READ_SUFFIXES", "load_any", "read_upload"]

ORG_SUFFIXES: tuple[str, ...] = (".yaml", ".yml", ".json")
#: Every suffix :func:`load_any` reads.
READ_SUFFIXES: tuple[str, ...] = (*ORG_SUFFIXES, *TABLE_SUFFIXES, ".graphml")


def load_any(
    path: str | Path,
    *,
    id: str | None = None,
    name: str | None = None,
    sheet: str | None = None,
    totals: bool = False,
    switches: Switches = CLI_SWITCHES,
) -> OrgGraph:
    """An organisation from any file orgmodel reads, by its suffix.

    Parameters
    ----------
    path : str or Path
        ``.yaml``/``.yml``/``.json`` (organisation file), ``.csv``/``.xlsx``/``.xls`` (HR
        spreadsheet) or ``.graphml``.
    id, name, sheet, totals
        For spreadsheets only (see :func:`orgmodel.io.tabular.load_table`): the
        organisation's id and name, the worksheet, figures given as subtree totals.
    switches : Switches
        How messages name the ``totals`` and ``sheet`` options: the command line's
        ``--totals`` by default; :func:`read_upload` passes the HTTP API's ``?totals=true``.

    Raises
    ------
    InputError
        Unknown suffix, missing or unreadable file.
    OrgValidationError
        Every problem of the organisation, each naming the file, the row or line and the unit.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in TABLE_SUFFIXES:
        return load_table(p, id=id, name=name, sheet=sheet, totals=totals, switches=switches)
    if suffix == ".graphml":
        return read_graphml(p)
    if suffix in ORG_SUFFIXES:
        return load_org(p)
    if not suffix:
        raise InputError(
            lazy(
                "{p}: the file name has no suffix; orgmodel reads {join}",
                p=p,
                join=join_list(READ_SUFFIXES),
            )
        )
    raise InputError(
        lazy(
            "{p}: unknown file type {value!r}; orgmodel reads {join}",
            p=p,
            value=suffix,
            join=join_list(READ_SUFFIXES),
        )
    )


def read_upload(
    body: bytes,
    filename: str,
    *,
    id: str | None = None,
    name: str | None = None,
    sheet: str | None = None,
    totals: bool = False,
    switches: Switches = API_SWITCHES,
) -> OrgGraph:
    """An organisation from an uploaded file's bytes, read exactly as :func:`load_any` would
    read the file ``filename`` (messages name ``filename``, and the options as the HTTP API
    spells them, ``?totals=true`` and ``?sheet=``, unless ``switches`` says otherwise).

    ``filename`` must be a bare file name (no folders). Spreadsheets and GraphML are written
    to a private temporary folder for the readers and removed afterwards.
    """
    suffix = Path(filename).suffix.lower()
    if suffix in ORG_SUFFIXES:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            raise InputError(
                lazy(
                    "{filename}: not UTF-8 text (invalid byte at offset {start}); save the file as UTF-8",
                    filename=filename,
                    start=e.start,
                )
            ) from None
        return read_org(text, "json" if suffix == ".json" else "yaml", filename)
    if not suffix:
        raise InputError(
            lazy(
                "{filename}: the file name has no suffix; upload one of {join}",
                filename=filename,
                join=join_list(READ_SUFFIXES),
            )
        )
    if suffix not in READ_SUFFIXES:
        raise InputError(
            lazy(
                "{filename}: unknown file type {value!r}; upload one of {join}",
                filename=filename,
                value=suffix,
                join=join_list(READ_SUFFIXES),
            )
        )
    with tempfile.TemporaryDirectory(prefix="orgmodel-upload-") as d:
        p = Path(d) / Path(filename).name
        p.write_bytes(body)
        try:
            return load_any(p, id=id, name=name, sheet=sheet, totals=totals, switches=switches)
        except InputError as e:
            # Name the upload, not the temporary folder.
            raise InputError(str(e).replace(str(p), p.name)) from None
        except OrgValidationError as e:
            raise OrgValidationError(e.issues, p.name) from None

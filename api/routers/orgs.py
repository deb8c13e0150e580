"""Organisations: list, create (file format or CSV/XLSX upload), get, replace, delete,
versions, units, one unit with its partners, export."""

from __future__ import annotations

import io
import re
import tempfile
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import networkx as nx
from fastapi import APIRouter, Header, Query, Request, Response
from fastapi import Path as PathParam
from pydantic import StringConstraints
from starlette.datastructures import UploadFile

from api.deps import AdminDep, ServiceDep, ViewerDep, location_of
from api.models import (
    MAX_ID,
    OrgDetail,
    OrgSummary,
    Problem,
    ProblemItem,
    UnitDetail,
    UnitPage,
    VersionOut,
)
from api.problems import ApiProblem, english
from api.service import OrgService, check_id
from api.shape import (
    check_if_match,
    etag,
    org_detail,
    org_summary,
    unit_out,
    unit_ref,
    version_out,
)
from orgmodel.errors import InputError
from orgmodel.io import READ_SUFFIXES, dump_org, read_upload
from orgmodel.io.graphml import to_networkx
from orgmodel.io.nesting import NestingError
from orgmodel.io.tabular import API_SWITCHES, csv_leaves_out, export_table
from orgmodel.kind_rules import load_kind_rules
from orgmodel.metrics.shares import subtree_police
from orgmodel.model import KINDS, OrgGraph

router = APIRouter(prefix="/orgs", tags=["organisations"])

OrgId = Annotated[str, PathParam(min_length=1, max_length=MAX_ID, description="Organisation id.")]
SheetQ = Annotated[
    str | None,
    Query(
        max_length=200,
        description="Worksheet of an uploaded workbook (default: the active one, or the one "
        "sheet with a header row).",
    ),
]
TotalsQ = Annotated[
    bool,
    Query(
        description="The spreadsheet's 民警/辅警 figures are subtree totals (a 派出所's "
        "includes its teams and posts): own = total − sub-units."
    ),
]
VersionQ = Annotated[
    int | None, Query(ge=1, description="A saved version (the latest when omitted).")
]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLS = "application/vnd.ms-excel"
YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
_ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": Problem, "description": d}
    for s, d in {
        400: "Malformed body, not UTF-8, or a bad If-Match",
        401: "No or unknown bearer token",
        403: "The token's role is too low",
        404: "No such organisation, version or unit",
    }.items()
}
_WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    409: {"model": Problem, "description": "The organisation exists already / was saved since"},
    412: {"model": Problem, "description": "If-Match names an older version"},
    413: {"model": Problem, "description": "Upload larger than the limit"},
    415: {"model": Problem, "description": "Unsupported content type or charset"},
    422: {"model": Problem, "description": "The organisation breaks a rule (units named)"},
}
_ORG_BODY = {
    "requestBody": {
        "required": True,
        "description": "The organisation: the file format as JSON or YAML (docs/format.md), "
        "or an HR spreadsheet (CSV in UTF-8/GBK, XLSX or XLS) sent as the body or as the "
        "multipart field `file`.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/OrgDocument"}},
            "application/yaml": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
            XLSX: {"schema": {"type": "string", "format": "binary"}},
            XLS: {"schema": {"type": "string", "format": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "id": {"type": "string"},
                        "name": {"type": "string"},
                        "message": {"type": "string"},
                    },
                }
            },
        },
    }
}


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


def _safe_name(filename: str | None, default: str) -> str:
    name = Path(filename or "").name
    name = re.sub(r"[^\w.\-一-鿿]+", "_", name)[:100]
    return name if name and not name.startswith(".") else default


def parse_org_upload(
    body: bytes,
    filename: str,
    org_id: str | None,
    name: str | None,
    *,
    sheet: str | None = None,
    totals: bool = False,
) -> OrgGraph:
    """An organisation from an uploaded file, by its suffix (blocking; run in a thread).

    The library's one reader (:func:`orgmodel.io.read_upload`) reads it, so an upload gets the
    message the CLI gives for the same file: file, row or line, unit.
    """
    suffix = Path(filename).suffix.lower()
    if suffix not in READ_SUFFIXES:
        raise ApiProblem(
            415,
            "unsupported-media-type",
            f"{filename}: unknown file type {suffix or '(none)'!r}; upload .csv, .xlsx, .xls, "
            ".yaml, .json or .graphml",
        )
    text_format = suffix in (".json", ".yaml", ".yml")
    if text_format:
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ApiProblem(
                400, "not-utf8", f"{filename}: not UTF-8 text (invalid byte at offset {e.start})"
            ) from None
    try:
        # Messages name the API's own switches (?totals=true, ?sheet=), not the CLI's.
        return read_upload(
            body,
            filename,
            id=org_id,
            name=name,
            sheet=sheet,
            totals=totals,
            switches=API_SWITCHES,
        )
    except NestingError as e:
        raise ApiProblem(
            400, "too-deep", english(e), errors=[{"field": "body", "message": english(e)}]
        ) from None
    except InputError as e:
        if text_format:
            # UTF-8 was checked above: what is left is malformed JSON or YAML.
            raise ApiProblem(400, "malformed-body", english(e)) from None
        raise


async def read_org_body(
    request: Request,
    org_id: str | None,
    name: str | None,
    *,
    sheet: str | None = None,
    totals: bool = False,
) -> tuple[OrgGraph, str]:
    """The organisation in the request body (any accepted type) and the message given."""
    media = _media(request)
    message = ""
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise ApiProblem(
                422,
                "invalid-request",
                "multipart upload: put the file in the field 'file'",
                errors=[{"field": "file", "message": "missing"}],
            )
        body = await upload.read()
        fname = _safe_name(upload.filename, "upload.csv")
        for k, v in form.multi_items():
            if not isinstance(v, str):
                continue
            if k == "id" and v:
                org_id = v
            elif k == "name" and v:
                name = v
            elif k == "message":
                message = v
            elif k == "sheet" and v:
                sheet = v
            elif k == "totals":
                totals = v.strip().lower() in ("1", "true", "yes", "on", "是")
    else:
        body = await request.body()
        if media in ("", "application/json") or media.endswith("+json"):
            fname = "request.json"
        elif media in YAML_TYPES:
            fname = "request.yaml"
        elif media in ("text/csv", "application/csv"):
            fname = "upload.csv"
        elif media == XLSX:
            fname = "upload.xlsx"
        elif media == XLS:
            fname = "upload.xls"
        else:
            raise ApiProblem(
                415,
                "unsupported-media-type",
                f"Content-Type {media!r} is not accepted here: send application/json, "
                "application/yaml, text/csv, an XLSX or XLS workbook or multipart/form-data",
            )
    if not body.strip():
        raise ApiProblem(400, "empty-body", "the request body is empty: send an organisation")
    service: OrgService = request.app.state.service
    org = await service.heavy(
        partial(parse_org_upload, sheet=sheet, totals=totals), body, fname, org_id, name
    )
    return org, message


def _warnings(org: OrgGraph) -> list[ProblemItem]:
    return [ProblemItem(message=w.message, unit=w.unit, where=w.where) for w in org.warnings]


@router.get("", response_model=list[OrgSummary], responses=_ERRORS, summary="List organisations")
async def list_orgs(caller: ViewerDep, service: ServiceDep) -> list[OrgSummary]:
    """Every organisation in the store, at its latest version."""
    return [org_summary(v) for v in await service.list_orgs()]


@router.post(
    "",
    status_code=201,
    response_model=OrgSummary,
    responses=_WRITE_ERRORS,
    openapi_extra=_ORG_BODY,
    summary="Create an organisation (admin)",
)
async def create_org(
    request: Request,
    response: Response,
    caller: AdminDep,
    service: ServiceDep,
    id: Annotated[
        str | None,
        Query(
            max_length=MAX_ID,
            description="Organisation id for a spreadsheet upload (else the file name); "
            "JSON and YAML bodies carry their own.",
        ),
    ] = None,
    name: Annotated[str | None, Query(description="Name for a spreadsheet upload.")] = None,
    message: Annotated[str, Query(max_length=2000, description="Why (kept in the log).")] = "",
    sheet: SheetQ = None,
    totals: TotalsQ = False,
) -> OrgSummary:
    """Create a new organisation from the file format (JSON/YAML) or an HR spreadsheet.

    Fails with 409 if the id exists already: add a version with ``PUT`` instead.
    """
    org, form_message = await read_org_body(request, id, name, sheet=sheet, totals=totals)
    check_id(org.id)
    saved = await service.save_org(org, caller.name, message or form_message, 0)
    response.headers["ETag"] = etag(saved.version)
    response.headers["Location"] = location_of(request, "get_org", org_id=org.id)
    out = org_summary(saved, org.description)
    out.warnings = _warnings(org)
    return out


@router.get("/{org_id}", response_model=OrgDetail, responses=_ERRORS, summary="Get an organisation")
async def get_org(
    org_id: OrgId,
    response: Response,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
) -> OrgDetail:
    """An organisation version: counts, root, lines. Its ETag is the version (``"v3"``)."""
    info = await service.version_info(org_id, version)
    org, v = await service.load_org(org_id, info.version)
    response.headers["ETag"] = etag(v)
    return org_detail(org, info)


@router.put(
    "/{org_id}",
    response_model=OrgSummary,
    responses={**_WRITE_ERRORS, 428: {"model": Problem, "description": "If-Match missing"}},
    openapi_extra=_ORG_BODY,
    summary="Save a new version (admin, If-Match required)",
)
async def replace_org(
    org_id: OrgId,
    request: Request,
    response: Response,
    caller: AdminDep,
    service: ServiceDep,
    if_match: Annotated[
        str | None, Header(description='ETag of the version the change is based on ("v3").')
    ] = None,
    message: Annotated[str, Query(max_length=2000)] = "",
    sheet: SheetQ = None,
    totals: TotalsQ = False,
) -> OrgSummary:
    """Save the body as the next version of the organisation.

    ``If-Match`` must name the latest version: if someone saved in between, 412 (nothing is
    written) — reload, re-apply, resend.
    """
    current = await service.latest_version(org_id)
    check_if_match(if_match, current, f"organisation {org_id!r}", required=True)
    org, form_message = await read_org_body(request, org_id, None, sheet=sheet, totals=totals)
    if org.id != org_id:
        raise ApiProblem(
            422,
            "id-mismatch",
            f"the body is organisation {org.id!r} but the path names {org_id!r}",
            errors=[{"field": "id", "message": f"expected {org_id!r}"}],
        )
    try:
        saved = await service.save_org(org, caller.name, message or form_message, current)
    except Exception as e:
        if type(e).__name__ == "VersionConflict":
            raise ApiProblem(
                412,
                "precondition-failed",
                english(e),
                headers={"ETag": etag(getattr(e, "actual", current))},
            ) from None
        raise
    response.headers["ETag"] = etag(saved.version)
    out = org_summary(saved, org.description)
    out.warnings = _warnings(org)
    return out


@router.delete(
    "/{org_id}",
    status_code=204,
    responses=_WRITE_ERRORS,
    summary="Delete an organisation (admin)",
)
async def delete_org(
    org_id: OrgId,
    caller: AdminDep,
    service: ServiceDep,
    if_match: Annotated[str | None, Header(description="Refuse if no longer this version.")] = None,
) -> Response:
    """Delete an organisation, every version and the scenarios built on it."""
    current = await service.latest_version(org_id)
    check_if_match(if_match, current, f"organisation {org_id!r}", required=False)
    await service.delete_org(org_id, caller.name, "deleted through the API")
    return Response(status_code=204)


@router.get(
    "/{org_id}/versions",
    response_model=list[VersionOut],
    responses=_ERRORS,
    summary="Versions of an organisation",
)
async def list_versions(org_id: OrgId, caller: ViewerDep, service: ServiceDep) -> list[VersionOut]:
    """Every saved version, oldest first, with author and message."""
    return [version_out(v) for v in await service.versions(org_id)]


@router.get(
    "/{org_id}/units", response_model=UnitPage, responses=_ERRORS, summary="Units, filtered"
)
async def list_units(
    org_id: OrgId,
    request: Request,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    kind: Annotated[
        list[Annotated[str, StringConstraints(max_length=50)]] | None,
        Query(
            max_length=20,
            description="Only units of this kind: a code (station) or a Chinese name the "
            "importer knows (派出所, 分局, 社区警务室 …). Repeat it for several kinds: "
            "`kind=station&kind=community_post` is units of either kind.",
        ),
    ] = None,
    function: Annotated[
        list[Annotated[str, StringConstraints(max_length=50)]] | None,
        Query(
            max_length=20,
            description="Only units of this function: a catalogue code (criminal) or its "
            "Chinese name (刑侦). Repeat it for several functions (units of any of them).",
        ),
    ] = None,
    parent: Annotated[str | None, Query(description="Only direct children of this unit.")] = None,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UnitPage:
    """Units breadth-first from the root (parents before children), one page at a time.
    Filters combine with AND; the values of one repeated filter with OR."""
    kinds: set[str] | None = None
    if kind is not None:
        # one home of kind names: the importer's rules (codes and Chinese names)
        rules = load_kind_rules()
        kinds = set()
        for k in kind:
            code = rules.name_kind(k)
            if code is None:
                raise ApiProblem(
                    422,
                    "invalid-filter",
                    f"kind: unknown unit kind {k!r} (a code such as {', '.join(KINDS[:4])} …, "
                    "or a Chinese name such as 派出所)",
                )
            kinds.add(code)
    org, _ = await service.load_org(org_id, version)
    functions: set[str] | None = None
    if function is not None:
        functions = set()
        for f in function:
            fn = org.catalogue.resolve(f)
            if fn is None:
                raise ApiProblem(
                    422,
                    "invalid-filter",
                    f"function: unknown function {f!r} (a catalogue code or Chinese name)",
                )
            functions.add(fn)
    if parent is not None:
        if parent not in org:
            raise ApiProblem(404, "not-found", f"no unit {parent!r} in {org_id!r}")
        ids = list(org.children(parent))
    else:
        ids = org.order()
    if kinds is not None or functions is not None:
        ids = [
            u
            for u in ids
            if (kinds is None or org.attrs(u)["kind"] in kinds)
            and (functions is None or org.attrs(u)["function"] in functions)
        ]
    page = ids[offset : offset + limit]
    return UnitPage(
        items=[unit_out(org, u) for u in page], total=len(ids), offset=offset, limit=limit
    )


@router.get(
    "/{org_id}/units/{unit_id}",
    response_model=UnitDetail,
    responses=_ERRORS,
    summary="One unit with its children and GUIDES partners",
)
async def get_unit(
    org_id: OrgId,
    unit_id: Annotated[str, PathParam(min_length=1, max_length=MAX_ID)],
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
) -> UnitDetail:
    """A unit, its command parent and bureau, its children, and its 条 and dispatch lines."""
    org, _ = await service.load_org(org_id, version)
    if unit_id not in org:
        raise ApiProblem(404, "not-found", f"no unit {unit_id!r} in organisation {org_id!r}")
    # From the edge lists (no networkx graph of a national organisation per request).
    guided_by = [u for u, v in org.guides if v == unit_id]
    guides = [v for u, v in org.guides if u == unit_id]
    dispatched_by = [u for u, v in org.dispatches if v == unit_id]
    dispatches = [v for u, v in org.dispatches if u == unit_id]
    parent = org.parent(unit_id)
    bureau = org.bureau_of(unit_id)
    return UnitDetail(
        unit=unit_out(org, unit_id),
        parent=unit_ref(org, parent) if parent is not None else None,
        bureau=unit_ref(org, bureau) if bureau is not None else None,
        children=[unit_out(org, c) for c in org.children(unit_id)],
        guided_by=[unit_ref(org, u) for u in guided_by],
        guides=[unit_ref(org, u) for u in guides],
        dispatched_by=[unit_ref(org, u) for u in dispatched_by],
        dispatches=[unit_ref(org, u) for u in dispatches],
        subtree_police=subtree_police(org)[unit_id],
    )


ExportFormat = Literal["yaml", "json", "graphml", "csv"]
_EXPORT_TYPES = {
    "yaml": "application/yaml; charset=utf-8",
    "json": "application/json",
    "graphml": "application/graphml+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
}


def export_bytes(org: OrgGraph, fmt: str) -> bytes:
    """The organisation in an export format (blocking)."""
    if fmt in ("yaml", "json"):
        return dump_org(org, fmt).encode("utf-8")
    if fmt == "graphml":
        buf = io.BytesIO()
        nx.write_graphml(to_networkx(org), buf, encoding="utf-8", prettyprint=True)
        return buf.getvalue()
    with tempfile.TemporaryDirectory(prefix="orgmodel-export-") as d:
        p = export_table(org, Path(d) / "org.csv", fmt="csv")
        return p.read_bytes()


def export_response(org: OrgGraph, fmt: str, filename: str, body: bytes) -> Response:
    from urllib.parse import quote

    return Response(
        body,
        media_type=_EXPORT_TYPES[fmt],
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}.{fmt}"},
    )


EXPORT_CONTENT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The organisation file",
        "content": {
            # the same document in YAML as in JSON (docs/format.md)
            "application/yaml": {"schema": {"$ref": "#/components/schemas/OrgDocument"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/OrgDocument"}},
            "application/graphml+xml": {"schema": {"type": "string"}},
            "text/csv": {"schema": {"type": "string"}},
        },
    },
    **_ERRORS,
}


@router.get(
    "/{org_id}/export",
    response_class=Response,
    responses=EXPORT_CONTENT,
    summary="Export (YAML, JSON, GraphML, CSV)",
)
async def export_org(
    org_id: OrgId,
    caller: ViewerDep,
    service: ServiceDep,
    version: VersionQ = None,
    format: Annotated[ExportFormat, Query(description="File format.")] = "yaml",
) -> Response:
    """The organisation as a file: the format of docs/format.md, GraphML for Gephi, or CSV.

    A CSV table carries the units, GUIDES and DISPATCHES only: the header
    ``X-Orgmodel-Left-Out`` names what importing it back would lose (``parent_bureau``,
    ``description``, ``id``, ``name``)."""
    org, v = await service.load_org(org_id, version)
    body = await service.heavy(export_bytes, org, format)
    resp = export_response(org, format, f"{org_id}-v{v}", body)
    resp.headers["ETag"] = etag(v)
    if format == "csv" and (lost := csv_leaves_out(org, f"{org_id}-v{v}.csv")):
        # What the table does not carry, so importing it back would not give it.
        resp.headers["X-Orgmodel-Left-Out"] = ", ".join(f for f, _ in lost)
    return resp

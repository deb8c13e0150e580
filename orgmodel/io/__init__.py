"""Reading and writing organisations: the YAML/JSON file format, CSV/XLSX/XLS import, GraphML.

Every door (CLI, API, dashboard upload) reads through :func:`load_any` or
:func:`read_upload`, so a bad file gets the same message wherever it comes in.
"""

from orgmodel.io.ids import normalize_id
from orgmodel.io.orgfile import dump_org, load_org, org_from_dict, org_to_dict, read_org, write_org
from orgmodel.io.reader import READ_SUFFIXES, load_any, read_upload

__all__ = [
    "READ_SUFFIXES",
    "dump_org",
    "load_any",
    "load_org",
    "normalize_id",
    "org_from_dict",
    "org_to_dict",
    "read_org",
    "read_upload",
    "write_org",
]

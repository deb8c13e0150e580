"""Where the shipped data lives: ``seeds/`` (norms, policy, catalogue, templates, orgs, plans).

In a source checkout the folder beside the package is used; an installed wheel carries a copy
as ``orgmodel/_seeds``. Nothing here is a constant of the model: every file can be replaced
by the user's own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from orgmodel._yaml import load_yaml
from orgmodel.errors import InputError
from orgmodel.i18n import join_list, lazy, located

__all__ = ["cypher_dir", "parse_data", "read_data_yaml", "seed_path", "seeds_dir"]

_PKG = Path(__file__).resolve().parent


def seeds_dir() -> Path:
    """The folder of shipped seed data."""
    for cand in (_PKG.parent / "seeds", _PKG / "_seeds"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError("orgmodel seed data not found (neither seeds/ nor orgmodel/_seeds)")


def seed_path(*parts: str) -> Path:
    """A path inside the seed folder, e.g. ``seed_path("orgs", "mirror-county.yaml")``."""
    return seeds_dir().joinpath(*parts)


def cypher_dir() -> Path:
    """The folder of Cypher files run by the graph stores."""
    for cand in (_PKG.parent / "cypher", _PKG / "_cypher"):
        if cand.is_dir():
            return cand
    raise FileNotFoundError(
        "orgmodel Cypher files not found (neither cypher/ nor orgmodel/_cypher)"
    )


def parse_data(text: str, path: str | Path) -> Any:
    """A data file's text parsed as its name says: JSON for ``.json`` (json keeps the last
    of a key given twice in silence: refused here, naming the key and its place), else YAML
    (:func:`orgmodel._yaml.load_yaml`, which refuses a repeated key too).

    Raises
    ------
    InputError
        Malformed JSON (line and column) or a JSON key given twice, named as JSON problems
        (they read "malformed YAML" when every data file went through the YAML reader).
    yaml.YAMLError
        Malformed YAML (the caller names the file and what it is).
    """
    if Path(path).suffix.lower() != ".json":
        return load_yaml(text)
    # here, not at the top: the JSON checks import the model, which imports the catalogue
    from orgmodel.io.jsonkeys import find_repeated_keys, malformed_json
    from orgmodel.io.nesting import check_nesting

    check_nesting(text, str(path), indentation=False)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as e:
        raise malformed_json(path, e) from None
    repeated = find_repeated_keys(text, data)
    if repeated:
        raise InputError(located(path, join_list(repeated[:10], "; ")))
    return data


def read_data_yaml(path: Path, what: str) -> Any:
    """Parse a data file (norms, policy, catalogue, kind rules …) that a user may replace:
    YAML, or JSON when its name ends ``.json`` (:func:`parse_data`).

    Raises
    ------
    InputError
        The file is missing, not UTF-8, or malformed; the message names the file and
        ``what`` it should have been (e.g. "norms").
    """
    try:
        return parse_data(path.read_text(encoding="utf-8-sig"), path)
    except FileNotFoundError as e:
        raise InputError(lazy("{path}: {what} file not found", path=path, what=what)) from e
    except UnicodeDecodeError as e:
        raise InputError(lazy("{path}: not UTF-8 text", path=path)) from e
    except yaml.YAMLError as e:
        raise InputError(lazy("{path}: malformed YAML: {e}", path=path, e=e)) from e

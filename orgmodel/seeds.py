"""Where the shipped data lives: ``seeds/`` (norms, policy, catalogue, templates, orgs, plans).

In a source checkout the folder beside the package is used; an installed wheel carries a copy
as ``orgmodel/_seeds``. Nothing here is a constant of the model: every file can be replaced
by the user's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from orgmodel._yaml import load_yaml
from orgmodel.errors import InputError
from orgmodel.i18n import lazy

__all__ = ["cypher_dir", "read_data_yaml", "seed_path", "seeds_dir"]

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


def read_data_yaml(path: Path, what: str) -> Any:
    """Parse a data file (norms, policy, catalogue, kind rules …) that a user may replace.

    Raises
    ------
    InputError
        The file is missing, not UTF-8, or malformed YAML; the message names the file and
        ``what`` it should have been (e.g. "norms").
    """
    try:
        return load_yaml(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise InputError(lazy("{path}: {what} file not found", path=path, what=what)) from e
    except UnicodeDecodeError as e:
        raise InputError(lazy("{path}: not UTF-8 text", path=path)) from e
    except yaml.YAMLError as e:
        raise InputError(lazy("{path}: malformed YAML: {e}", path=path, e=e)) from e

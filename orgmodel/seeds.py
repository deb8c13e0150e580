"""Where the shipped data lives: ``seeds/`` (norms, policy, catalogue, templates, orgs, plans).

In a source checkout the folder beside the package is used; an installed wheel carries a copy
as ``orgmodel/_seeds``. Nothing here is a constant of the model: every file can be replaced
by the user's own.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["cypher_dir", "seed_path", "seeds_dir"]

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

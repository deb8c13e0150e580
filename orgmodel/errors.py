"""Errors a user sees: each names the file, row, unit or operation at fault."""

from __future__ import annotations

__all__ = ["InputError", "OrgWarning", "OrgmodelError"]


class OrgmodelError(Exception):
    """Base of every error orgmodel raises on purpose (shown to users without a traceback)."""


class InputError(OrgmodelError, ValueError):
    """A file or value given by the user cannot be read or makes no sense.

    The message names the file (and row or field) at fault.
    """


class OrgWarning(UserWarning):
    """Something the reader or the model noticed that may make a number wrong (an
    organisation's ``warnings``: figures that look like subtree totals, a sheet picked among
    several …). ``om.read`` issues one per warning, so a script or notebook shows them."""

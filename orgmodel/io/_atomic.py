"""Write a file whole or not at all: write a temporary file beside it, then rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from orgmodel.errors import InputError
from orgmodel.i18n import lazy

__all__ = ["atomic_output"]


@contextmanager
def atomic_output(path: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``.

    If the body raises, the temporary file is removed and ``path`` is left as it was.
    """
    p = Path(path)
    folder = p.parent if str(p.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(lazy("{p}: folder {folder} does not exist", p=p, folder=folder))
    if p.is_dir():
        raise InputError(lazy("{p}: is a folder; give a file name", p=p))
    fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{p.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    # mkstemp creates the file private (0600); give the result the usual permissions.
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    try:
        yield tmp
        tmp.replace(p)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise

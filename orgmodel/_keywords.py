"""Keyword-only options with a deprecation period for the positional form.

Every public function that takes staffing norms or policy rules takes them by keyword,
named the same everywhere (``norms=``, ``policy=``): ``metric_report(org, norms=n)``,
``diff_orgs(a, b, norms=n)``, ``apply_plan(org, plan, norms=n)``. Some took them by
position before; :func:`positional_deprecated` keeps such calls working for now, with a
``DeprecationWarning`` that names the keyword to use.
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import ParamSpec, TypeVar

__all__ = ["positional_deprecated"]

P = ParamSpec("P")
R = TypeVar("R")


def positional_deprecated(*names: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Let the keyword-only options ``names`` still be given by position (in that order,
    after the function's positional parameters), with a ``DeprecationWarning``.

    The wrapped function's signature, as type checkers and ``help()`` see it, is the new
    keyword-only one.

    Examples
    --------
    >>> @positional_deprecated("norms")
    ... def f(org, *, norms=None):
    ...     return norms
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     f("org", "n"), str(w[0].message)
    ('n', 'f(): pass norms= by keyword; by position is deprecated')
    """

    def wrap(fn: Callable[P, R]) -> Callable[P, R]:
        params = inspect.signature(fn).parameters.values()
        n_pos = sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params)
        keyword_only = {p.name for p in params if p.kind is p.KEYWORD_ONLY}
        missing = [n for n in names if n not in keyword_only]
        if missing:  # pragma: no cover - a programming error caught at import
            raise TypeError(f"{fn.__qualname__}: not keyword-only: {', '.join(missing)}")

        @functools.wraps(fn)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            if len(args) > n_pos:
                extra = args[n_pos:]
                if len(extra) > len(names):
                    raise TypeError(
                        f"{fn.__name__}() takes {n_pos} positional arguments "
                        f"but {len(args)} were given"
                    )
                given = names[: len(extra)]
                for name, value in zip(given, extra, strict=True):
                    if name in kwargs:
                        raise TypeError(
                            f"{fn.__name__}() got multiple values for argument {name!r}"
                        )
                    kwargs[name] = value
                warnings.warn(
                    f"{fn.__name__}(): pass {', '.join(n + '=' for n in given)} by keyword; "
                    "by position is deprecated",
                    DeprecationWarning,
                    stacklevel=2,
                )
                args = args[:n_pos]  # type: ignore[assignment]
            return fn(*args, **kwargs)

        return call

    return wrap

"""Figures as PNG or SVG files, drawn offline (导出图片).

Plotly's own exporter, Kaleido (v1), draws a figure in a headless Chromium through the
DevTools protocol. Two of its defaults would reach the network, so both are set here: the
page loads plotly.js from the installed plotly package (not a CDN) and MathJax is off (its
default is a CDN script; orgmodel's figures use no LaTeX). The browser is the system's
chromium (Debian's ``/usr/bin/chromium``, or ``$ORGMODEL_CHROMIUM``): Kaleido never downloads
one here. The SVG keeps its text as text, so a title in 汉字 stays searchable and sharp; the
PNG is rasterised with the fonts installed (fonts-wqy-microhei on Debian).

Each call starts and stops one browser (a few seconds): meant for exporting a handful of
figures, not for serving images under load.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import plotly
import plotly.graph_objects as go

from orgmodel.errors import InputError
from orgmodel.i18n import lazy

__all__ = ["ExportUnavailable", "figure_image", "write_figure"]

ImageFormat = Literal["png", "svg"]
_PLOTLY_JS = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"


class ExportUnavailable(RuntimeError):
    """PNG/SVG export cannot run here: Kaleido or a Chromium browser is missing."""


def _chromium() -> str | None:
    """The browser Kaleido drives: ``$ORGMODEL_CHROMIUM``, else Debian's chromium if present,
    else ``None`` (Kaleido then looks on the PATH itself)."""
    path = os.environ.get("ORGMODEL_CHROMIUM", "/usr/bin/chromium")
    return path if Path(path).exists() else None


def figure_image(
    fig: go.Figure | Mapping[str, Any],
    fmt: ImageFormat = "svg",
    *,
    width: int | None = None,
    height: int | None = None,
    scale: float = 2.0,
) -> bytes:
    """The figure as an SVG or PNG file's bytes, drawn offline by Kaleido.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure or mapping
        Any figure of :mod:`orgmodel.charts`, or its ``{data, layout}`` dict.
    fmt : {"svg", "png"}
    width, height : int, optional
        Pixels; the figure's layout size (or 1200 × its height) when omitted.
    scale : float
        PNG only: pixels per layout pixel (2: sharp on a high-density screen or in print).

    Returns
    -------
    bytes
        An SVG document (UTF-8, text kept as text) or a PNG image.

    Raises
    ------
    ExportUnavailable
        Kaleido is not installed, or no Chromium browser is found or it cannot start.
    InputError
        ``fmt`` is neither ``"svg"`` nor ``"png"`` (a ``ValueError``).
    """
    if fmt not in ("svg", "png"):
        raise InputError(lazy("image format: {fmt!r} is neither 'svg' nor 'png'", fmt=fmt))
    try:
        import kaleido
    except ImportError as e:  # pragma: no cover - make install installs it
        raise ExportUnavailable(
            lazy("PNG/SVG export needs Kaleido: pip install 'orgmodel[export]'")
        ) from e
    opts: dict[str, object] = {"format": fmt}
    layout = fig.get("layout", {}) if isinstance(fig, Mapping) else fig.to_plotly_json()["layout"]
    opts["width"] = width or layout.get("width") or 1200
    opts["height"] = height or layout.get("height") or 560
    if isinstance(fig, Mapping):  # the dashboard's JSON carries a config Kaleido has no use for
        fig = {"data": fig.get("data", []), "layout": layout}
    if fmt == "png":
        opts["scale"] = scale
    kopts: dict[str, object] = {"mathjax": False, "plotlyjs": str(_PLOTLY_JS)}
    browser = _chromium()
    if browser is not None:
        kopts["path"] = browser
    try:
        data = kaleido.calc_fig_sync(fig, opts=opts, kopts=kopts)
    except Exception as e:  # Kaleido's own errors: no browser, browser died, timeout
        raise ExportUnavailable(
            lazy(
                "PNG/SVG export failed: {error} (it needs chromium: apt-get install chromium "
                "fonts-wqy-microhei, or ORGMODEL_CHROMIUM=/path/to/chromium)",
                error=e,
            )
        ) from e
    return bytes(data)


def write_figure(fig: go.Figure, path: str | Path, **options: object) -> Path:
    """Write the figure to ``path`` as SVG or PNG, by its suffix (whole or not at all).

    Options are those of :func:`figure_image`. Raises :class:`~orgmodel.errors.InputError`
    (a ``ValueError``) for another suffix, naming the path, and :class:`ExportUnavailable` as
    :func:`figure_image` does. Messages follow the language in force (:mod:`orgmodel.i18n`).
    """
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png"):
        raise InputError(lazy("{path}: a figure is written to a .svg or .png file", path=p))
    data = figure_image(fig, fmt, **options)  # type: ignore[arg-type]
    tmp = p.with_name(p.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(p)
    return p

"""``orgmodel generate``: write a synthetic mirrored (上下对口) organisation of any scale."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.generate import check_scale, count_bureaus, write_generated
from orgmodel.model import KIND_NAMES


@app.command()
def generate(
    provinces: int = typer.Option(..., "--provinces", "-P", help="省公安厅 under the 公安部."),
    cities: int = typer.Option(..., "--cities", "-C", help="市公安局 in each province."),
    counties: int = typer.Option(..., "--counties", "-K", help="县公安局/分局 in each city."),
    seed: int = typer.Option(0, "--seed", "-s", help="Random seed: same seed, same file."),
    output: Path = typer.Option(
        ..., "--output", "-o", help="File to write (.json recommended when large, or .yaml)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Generate a deterministic mirrored organisation (31 × 11 × 8 is national scale).

    One 公安部, P 省公安厅, C 市公安局 each and K 县公安局 each; every bureau has a 情指中心
    and departments copying its parent's 警种, with GUIDES between them; county bureaus have
    派出所 (some 两队一室) with 社区警务室, dispatched by the county 情指中心.
    """
    check_scale(provinces, cities, counties)
    if output.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise InputError(f"{output}: unknown file type {output.suffix!r} (use .json or .yaml)")
    if not output.parent.is_dir():
        raise InputError(f"{output}: folder {output.parent} does not exist")
    if output.is_dir():
        raise InputError(f"{output}: is a folder, not a file")
    total = count_bureaus(provinces, cities, counties)
    console = Console(stderr=True)
    with Progress(
        TextColumn("generating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("bureaus"),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=True,
    ) as bar:
        task = bar.add_task("generate", total=total)

        def progress(done: int, _total: int) -> None:
            # Refreshing per county is plenty; rich redraws on its own clock.
            if done == _total or done % 64 == 0:
                bar.update(task, completed=done)

        summary = write_generated(output, provinces, cities, counties, seed=seed, progress=progress)
    kinds = ", ".join(
        f"{summary.by_kind[k]:,} {KIND_NAMES[k]}" for k in KIND_NAMES if summary.by_kind.get(k)
    )
    typer.echo(
        f"wrote {output}: {summary.units:,} units ({kinds}); "
        f"{summary.police:,} police (民警), {summary.auxiliaries:,} auxiliaries (辅警); "
        f"{summary.guides:,} GUIDES, {summary.dispatches:,} DISPATCHES"
    )

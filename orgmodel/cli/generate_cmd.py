"""``orgmodel generate``: write a synthetic mirrored (上下对口) organisation of any scale."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.generate import check_scale, count_bureaus, write_generated
from orgmodel.i18n import N_, _, join_list
from orgmodel.model import KIND_NAMES


@app.command(
    help=N_(
        "Generate a deterministic mirrored organisation (31 × 11 × 8 is national scale).\n\n"
        "One 公安部, P 省公安厅, C 市公安局 each and K 县公安局 each; every bureau has a 情指中心 "
        "and departments copying its parent's 警种, with GUIDES between them; county bureaus "
        "have 派出所 (some 两队一室) with 社区警务室, dispatched by the county 情指中心."
    )
)
def generate(
    provinces: int = typer.Option(..., "--provinces", "-P", help=N_("省公安厅 under the 公安部.")),
    cities: int = typer.Option(..., "--cities", "-C", help=N_("市公安局 in each province.")),
    counties: int = typer.Option(..., "--counties", "-K", help=N_("县公安局/分局 in each city.")),
    seed: int = typer.Option(0, "--seed", "-s", help=N_("Random seed: same seed, same file.")),
    output: Path = typer.Option(
        ..., "--output", "-o", help=N_("File to write (.json recommended when large, or .yaml).")
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help=N_("No progress bar.")),
) -> None:
    check_scale(provinces, cities, counties)
    if output.suffix.lower() not in (".json", ".yaml", ".yml"):
        raise InputError(
            _("{path}: unknown file type {suffix!r} (use .json or .yaml)").format(
                path=output, suffix=output.suffix
            )
        )
    if not output.parent.is_dir():
        raise InputError(
            _("{path}: folder {folder} does not exist").format(path=output, folder=output.parent)
        )
    if output.is_dir():
        raise InputError(_("{path}: is a folder, not a file").format(path=output))
    total = count_bureaus(provinces, cities, counties)
    console = Console(stderr=True)
    with Progress(
        TextColumn(_("generating")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("bureaus")),
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
    kinds = join_list(
        f"{summary.by_kind[k]:,} {KIND_NAMES[k]}" for k in KIND_NAMES if summary.by_kind.get(k)
    )
    typer.echo(
        _(
            "wrote {path}: {units:,} units ({kinds}); {police:,} police (民警), "
            "{auxiliaries:,} auxiliaries (辅警); {guides:,} GUIDES, {dispatches:,} DISPATCHES"
        ).format(
            path=output,
            units=summary.units,
            kinds=kinds,
            police=summary.police,
            auxiliaries=summary.auxiliaries,
            guides=summary.guides,
            dispatches=summary.dispatches,
        )
    )

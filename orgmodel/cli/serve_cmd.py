"""``orgmodel serve``: the HTTP API (and the analysts' dashboard) under uvicorn.

With no tokens the server runs in local mode, bound to 127.0.0.1 only, and says so; asked to
bind elsewhere without tokens it refuses to start. ``make demo`` runs this command.
"""

from __future__ import annotations

from pathlib import Path

import typer

from orgmodel.cli import app
from orgmodel.errors import InputError
from orgmodel.i18n import N_, _, join_list

#: the log levels gunicorn and uvicorn both know
LOG_LEVELS = ("critical", "error", "warning", "info", "debug")


@app.command(
    help=N_("Serve the HTTP API for planners (OpenAPI at /docs); print the URL to open once up.")
)
def serve(
    store: str = typer.Option(
        None,
        "--store",
        help=N_(
            "Store: a file path (embedded LadybugDB) or bolt://… (Neo4j). "
            "Default: $ORGMODEL_STORE, else ./data/orgmodel.lbdb."
        ),
    ),
    host: str = typer.Option("127.0.0.1", "--host", help=N_("Address to bind.")),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help=N_("Port (0: any free port).")),
    tokens: Path = typer.Option(
        None,
        "--tokens",
        help=N_("Bearer tokens with roles (YAML/JSON); also $ORGMODEL_TOKENS. None: local mode."),
    ),
    seed: bool = typer.Option(
        True, "--seed/--no-seed", help=N_("Load the seeds into an empty store.")
    ),
    log_level: str = typer.Option(
        "warning",
        "--log-level",
        help=N_("uvicorn log level: critical, error, warning, info or debug."),
    ),
) -> None:
    from api.server import serve as run
    from api.settings import Settings

    if log_level.lower() not in LOG_LEVELS:  # gunicorn took any word as info, logging English
        raise InputError(
            _("--log-level: {value!r} is none of {choices}").format(
                value=log_level, choices=join_list(LOG_LEVELS)
            )
        )

    settings = Settings.from_env(store=store, host=host, port=port, tokens_file=tokens, seed=seed)
    run(settings, log_level=log_level)

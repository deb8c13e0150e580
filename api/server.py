"""Running the service under uvicorn: :func:`serve` (what ``orgmodel serve`` and ``make demo``
call).

The store is opened (and seeded when empty) before the socket is bound, so when the URL is
printed the service answers at once. ``port=0`` picks a free port; the printed URL has the
real one.
"""

from __future__ import annotations

import socket
import sys
from collections.abc import Callable
from typing import Any

import uvicorn

from api.app import create_app
from api.settings import Settings

__all__ = ["serve"]


class _Server(uvicorn.Server):
    """A uvicorn server that reports its URL once it listens."""

    on_ready: Callable[[str], None] | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        if not self.started or self.on_ready is None:
            return
        host, port = self.config.host, self.config.port
        for srv in getattr(self, "servers", []):
            for s in srv.sockets:
                name = s.getsockname()
                host, port = name[0], name[1]
                break
        shown = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "::"):
            shown = "127.0.0.1"
        self.on_ready(f"http://{shown}:{port}/")


def _print_ready(settings: Settings, loaded: list[str]) -> Callable[[str], None]:
    def ready(url: str) -> None:
        if loaded:
            print(f"empty store: loaded the seeds ({', '.join(loaded)})", flush=True)
        if settings.local_mode:
            print(
                "local mode: no access tokens configured — serving 127.0.0.1 only, every "
                "caller is admin (configure --tokens FILE or ORGMODEL_TOKENS to share it)",
                flush=True,
            )
        else:
            print(f"{len(settings.tokens)} access token(s) configured", flush=True)
        print(f"orgmodel API and dashboard up: open {url}  (API docs: {url}docs)", flush=True)

    return ready


def serve(settings: Settings, *, log_level: str = "warning", **uvicorn_options: Any) -> None:
    """Open the store, seed it if empty, and serve until interrupted (Ctrl-C).

    Parameters
    ----------
    settings : Settings
        Store, host, port, tokens and limits; :meth:`Settings.check_bind` is applied first.
    log_level : str
        uvicorn's log level.

    Raises
    ------
    InputError
        Asked to bind beyond 127.0.0.1 with no tokens configured (local mode).
    StoreLocked
        The embedded store is held by another process.
    """
    settings.check_bind()
    from api.service import OrgService

    service = OrgService.open(settings)
    loaded = service.seed_if_empty() if settings.seed else []
    app = create_app(settings, service=service)
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=5,
        **uvicorn_options,
    )
    server = _Server(config)
    server.on_ready = _print_ready(settings, loaded)
    try:
        server.run()
    finally:
        service.close()
    if not server.started:  # e.g. the port is taken (uvicorn has said so)
        sys.exit(1)

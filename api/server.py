"""Running the service: :func:`serve` (what ``orgmodel serve`` and ``make demo`` call).

The server runs under a supervisor — gunicorn's arbiter over one uvicorn worker — that
restarts the worker if it dies: an engine crash (a segmentation fault on some query) costs
the requests in flight, not the service. One worker, because the embedded LadybugDB store is
one file that one process opens. The arbiter binds the socket and opens the store once to
seed it when empty; the worker opens the store and serves. When a worker dies while running
user queries, the arbiter logs who ran them and the SHA-256 of each query, never its text
(:mod:`api.crashlog`). A worker whose event loop stops answering for ``WORKER_TIMEOUT_S``
is killed and replaced the same way.

``port=0`` picks a free port; the printed URL has the real one.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import os
import shutil
import signal
import socket
import sys
import tempfile
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from gunicorn.app.base import BaseApplication
from gunicorn.arbiter import Arbiter
from uvicorn_worker import UvicornWorker

from api.app import create_app, warm_routes
from api.crashlog import INFLIGHT_ENV, dead_worker_queries
from api.settings import Settings
from orgmodel.errors import InputError
from orgmodel.i18n import gettext, lazy, ngettext

__all__ = ["WORKER_TIMEOUT_S", "OrgmodelWorker", "check_port_free", "serve", "settle_heap"]

#: Seconds a worker's event loop may go without a heartbeat before the arbiter replaces it.
WORKER_TIMEOUT_S = 30


class OrgmodelWorker(UvicornWorker):
    """The uvicorn worker, as ``orgmodel serve`` ran uvicorn before: no proxy headers (the
    client address decides local mode), no Server header, a heartbeat well inside the
    arbiter's timeout."""

    CONFIG_KWARGS: dict[str, Any] = {  # noqa: RUF012 (uvicorn-worker's own class attribute)
        "loop": "auto",
        "http": "auto",
        "proxy_headers": False,
        "server_header": False,
        "timeout_graceful_shutdown": 5,
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config.timeout_notify = max(1, self.timeout // 4)

    async def callback_notify(self) -> None:
        # An arbiter killed with SIGKILL cannot stop its worker, which would keep serving and
        # keep the store file locked: a worker whose parent changed stops gracefully itself.
        if os.getppid() != self.ppid:
            self.log.warning("the supervisor is gone: this worker stops and releases the store")
            os.kill(os.getpid(), signal.SIGTERM)
            return
        await super().callback_notify()


def _seeds_loaded(loaded: list[str]) -> str:
    """What :meth:`api.service.OrgService.seed_if_empty` loaded (``org ID``, ``scenario NAME``)
    as one line in the language in force: the organisations, then the scenarios."""
    orgs = [x.partition(" ")[2] for x in loaded if x.startswith("org ")]
    scenarios = [x.partition(" ")[2] for x in loaded if x.startswith("scenario ")]
    other = [x for x in loaded if not x.startswith(("org ", "scenario "))]
    sep = gettext(", ")
    parts = []
    if orgs:
        parts.append(gettext("organisations: {ids}").format(ids=sep.join(orgs)))
    if scenarios:
        parts.append(gettext("scenarios: {names}").format(names=sep.join(scenarios)))
    parts.extend(other)
    return gettext("empty store: loaded the seeds ({what})").format(what=gettext("; ").join(parts))


def _print_ready(settings: Settings, loaded: list[str]) -> Callable[[str], None]:
    """The lines ``orgmodel serve`` prints once the worker is up, in the language in force
    (the command's: the worker is forked from the command's process)."""

    def ready(url: str) -> None:
        if loaded:
            print(_seeds_loaded(loaded), flush=True)
        if settings.local_mode:
            # the address actually bound (::1, localhost …), not a fixed 127.0.0.1
            host = urlsplit(url).hostname or settings.host
            print(
                gettext(
                    "local mode: no access tokens configured — serving {host} only, every "
                    "caller is admin (configure --tokens FILE or ORGMODEL_TOKENS to share it)"
                ).format(host=host),
                flush=True,
            )
        else:
            n = len(settings.tokens)
            print(
                ngettext("{n} access token configured", "{n} access tokens configured", n).format(
                    n=n
                ),
                flush=True,
            )
        print(
            gettext("orgmodel API and dashboard up: open {url}  (API docs: {url}docs)").format(
                url=url
            ),
            flush=True,
        )

    return ready


def check_port_free(host: str, port: int) -> None:
    """Refuse, before the store is opened and seeded, an address another program listens on.

    gunicorn would try five times, a second apart, log ``Connection in use`` in English and
    exit; this binds the address once as gunicorn will (``SO_REUSEADDR``, so a port left in
    ``TIME_WAIT`` by a server just stopped is free) and says what is wrong in the language in
    force. Port 0 (any free port) is never in use.

    Raises
    ------
    InputError
        The address is in use, is not one of this machine's, or may not be bound by this
        user (a port below 1024).
    """
    if port == 0:
        return
    shown = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    not_here = lazy(
        "cannot bind to {address}: {host} is not an address of this machine",
        address=shown,
        host=host,
    )
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise InputError(not_here) from None
    family, socktype, proto, _canon, sockaddr = infos[0]
    with socket.socket(family, socktype, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(sockaddr)
        except OSError as e:
            if e.errno == errno.EADDRINUSE:
                raise InputError(
                    lazy(
                        "{address} is already in use: another program (perhaps another orgmodel "
                        "serve) listens there. Stop it, or choose another port with --port "
                        "(--port 0 picks a free one).",
                        address=shown,
                    )
                ) from None
            if e.errno == errno.EADDRNOTAVAIL:
                raise InputError(not_here) from None
            if e.errno == errno.EACCES:
                raise InputError(
                    lazy(
                        "cannot bind to {address}: permission denied (ports below 1024 need "
                        "administrator rights); choose --port 1024 or above",
                        address=shown,
                    )
                ) from None
            raise InputError(
                lazy("cannot bind to {address}: {error}", address=shown, error=e.strerror or e)
            ) from None


def settle_heap() -> None:
    """Move every object alive now (the modules, the app, the seeds) out of the garbage
    collector's sight (``gc.freeze``), once the worker has built its app.

    A full collection walked all of them — 145,000 objects, 85 ms of CPU here, up to 540 ms
    of a loaded machine — on the event loop, at any request, holding every answer meanwhile
    (the longest stalls of the loop under ``api-load``). They live as long as the process,
    so walking them finds nothing; collections now walk what was made since.
    """
    gc.collect()
    gc.freeze()


class _Arbiter(Arbiter):
    """Ctrl-C stops gracefully, like SIGTERM: the worker finishes its requests and closes
    the store (gunicorn's own SIGINT would kill it after the graceful timeout)."""

    def handle_int(self) -> None:
        self.handle_term()


class _Supervisor(BaseApplication):
    """gunicorn's arbiter, configured from :class:`Settings` instead of a config file."""

    def __init__(self, settings: Settings, loaded: list[str], log_level: str) -> None:
        self.settings = settings
        self.loaded = loaded
        self.log_level = log_level
        self.url = ""
        self.restarts = 0
        self.inflight_dir = tempfile.mkdtemp(prefix="orgmodel-inflight-")
        os.environ[INFLIGHT_ENV] = self.inflight_dir
        super().__init__()

    def load_config(self) -> None:
        host = self.settings.host
        bind = f"[{host}]:{self.settings.port}" if ":" in host else f"{host}:{self.settings.port}"
        for key, value in {
            "bind": [bind],
            "workers": 1,
            "worker_class": f"{OrgmodelWorker.__module__}.{OrgmodelWorker.__qualname__}",
            "timeout": WORKER_TIMEOUT_S,
            "graceful_timeout": 5,
            "loglevel": self.log_level,
            "accesslog": None,
            "proc_name": "orgmodel-serve",
            "when_ready": self._when_ready,
            "post_worker_init": self._post_worker_init,
            "child_exit": self._child_exit,
        }.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # In the worker, after the fork: the store is opened here, by the process that serves.
        return create_app(self.settings)

    def _when_ready(self, server: Any) -> None:
        host, port = self.settings.host, self.settings.port
        for listener in server.LISTENERS:
            name = listener.sock.getsockname()
            host, port = name[0], name[1]
            break
        shown = f"[{host}]" if ":" in host else host
        if host in ("0.0.0.0", "::"):
            shown = "127.0.0.1"
        self.url = f"http://{shown}:{port}/"

    def _post_worker_init(self, worker: Any) -> None:
        warm_routes(worker.wsgi)  # what FastAPI would build at each route's first request
        settle_heap()
        if self.restarts:
            print(
                gettext("worker restarted (pid {pid}); serving {url} again").format(
                    pid=os.getpid(), url=self.url
                ),
                flush=True,
            )
        else:
            _print_ready(self.settings, self.loaded)(self.url)

    def _child_exit(self, server: Any, worker: Any) -> None:
        # In the arbiter: a worker has ended. Queries it left in flight were running when it
        # died; say who ran them and which (by hash), never what.
        self.restarts += 1
        for rec in dead_worker_queries(self.inflight_dir, worker.pid):
            server.log.error(
                "worker %s died while running a query: caller %s, query sha256 %s "
                "(%s characters), started %s",
                worker.pid,
                rec.get("caller"),
                rec.get("sha256"),
                rec.get("chars"),
                rec.get("started"),
            )

    def run(self) -> None:
        _Arbiter(self).run()

    def cleanup(self) -> None:
        shutil.rmtree(self.inflight_dir, ignore_errors=True)


def serve(settings: Settings, *, log_level: str = "warning") -> None:
    """Seed the store if empty, then serve under the supervisor until interrupted (Ctrl-C).

    Parameters
    ----------
    settings : Settings
        Store, host, port, tokens and limits; :meth:`Settings.check_bind` is applied first.
    log_level : str
        The server's log level (gunicorn's and uvicorn's).

    Raises
    ------
    InputError
        Asked to bind beyond 127.0.0.1 with no tokens configured (local mode), or to an
        address in use or not this machine's (:func:`check_port_free`).
    StoreLocked
        The embedded store is held by another process.
    """
    settings.check_bind()
    check_port_free(settings.host, settings.port)
    from api.service import OrgService

    # Seed in the arbiter, then let go of the store before the worker opens it.
    service = OrgService.open(settings)
    try:
        loaded = service.seed_if_empty() if settings.seed else []
    finally:
        service.close()
    sup = _Supervisor(settings, loaded, log_level)
    try:
        sup.run()
    finally:
        sup.cleanup()
    with contextlib.suppress(Exception):
        sys.stdout.flush()

"""A live uvicorn server on 127.0.0.1 for the browser tests, and a guard against any request
beyond it."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["LiveServer", "Network", "beyond_loopback", "page_shot", "same_origin_only"]


class LiveServer:
    def __init__(self, store_dir: Path, tokens: dict[str, Any] | None = None) -> None:
        import uvicorn

        from api.app import create_app
        from api.settings import Settings

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        settings = Settings(store=str(store_dir / "db.lbdb"), tokens=tokens or {}, seed=True)
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 120  # bounded; a loaded machine starts slowly
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the uvicorn server did not start")
            time.sleep(0.05)
        self.url = f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def same_origin_only(pg: Any, origin: str) -> list[str]:
    """Abort (and record) every request to another host: the page must need none."""
    foreign: list[str] = []

    def handle(route: Any) -> None:
        if route.request.url.startswith(origin):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    pg.route("**/*", handle)
    return foreign


class Network:
    """What a page sent: every request, less those the page's own Content-Security-Policy
    refused before they left the browser (failure ``csp``)."""

    def __init__(self, pg: Any) -> None:
        self.requests: list[str] = []
        self.blocked: list[str] = []
        pg.on("request", lambda r: self.requests.append(r.url))
        pg.on("requestfailed", self._failed)

    def _failed(self, request: Any) -> None:
        if request.failure in ("csp", "net::ERR_BLOCKED_BY_CSP"):
            self.blocked.append(request.url)

    @property
    def sent(self) -> list[str]:
        blocked = list(self.blocked)
        out = []
        for url in self.requests:
            if url in blocked:
                blocked.remove(url)
            else:
                out.append(url)
        return out


def beyond_loopback(urls: list[str]) -> list[str]:
    """The URLs (of a page's requests) that would leave 127.0.0.1: data: and blob: stay."""
    out = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            continue
        if parts.hostname != "127.0.0.1":
            out.append(url)
    return out


def page_shot(pg: Any, path: Path | str, locator: Any = None) -> None:
    """A screenshot with the sticky picker bar in its place at the top: the full page, or
    (``locator``) one element.

    Chromium captures a full page by growing the viewport, and an element by scrolling it
    into view; a ``position: sticky`` bar is then drawn where the scroll left it, over a
    chart or over the element's top. The bar is made static for the shot and the page
    scrolled to the top, then both are put back.
    """
    y = pg.evaluate("window.scrollY")
    pg.evaluate(
        """() => { const s = document.createElement('style'); s.id = 'shot-static-nav';
            s.textContent = 'nav { position: static !important; }';
            document.head.appendChild(s); window.scrollTo(0, 0); }"""
    )
    try:
        if locator is None:
            pg.screenshot(path=str(path), full_page=True)
        else:
            locator.screenshot(path=str(path))
    finally:
        pg.evaluate(
            "(y) => { document.getElementById('shot-static-nav').remove(); window.scrollTo(0, y); }",
            y,
        )

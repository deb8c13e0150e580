"""Local mode's browser protections: DNS rebinding and cross-site requests.

In local mode (no tokens) every caller on the machine is an admin, and a web page open in
the user's browser is such a caller. Two attacks follow, and :class:`LocalModeGuard` refuses
both before any route runs:

- **DNS rebinding**: a hostile site points its own name at 127.0.0.1 and its scripts read
  the API as "same origin". The browser still sends that name in ``Host``, so only the
  loopback names are accepted: ``127.0.0.1``, ``localhost`` and ``[::1]``, with any port
  (400 otherwise). Starlette's ``TrustedHostMiddleware`` does this check but cuts the port
  off at the first ``:``, which breaks ``[::1]:8000``; hence this class.
- **Cross-site request forgery**: any page may POST a form (``multipart/form-data``,
  ``text/plain``) to 127.0.0.1 without a CORS preflight. A state-changing request (POST, PUT,
  PATCH, DELETE) is refused (403) when its ``Origin`` is not the server's own
  (``http://<Host>``), when the browser says it is cross-site (``Sec-Fetch-Site``), or when
  it has neither a JSON content type nor the custom header ``X-Requested-With`` — both of
  which a cross-site page can only send after a preflight, which this server never grants.
  Scripts and curl send ``-H 'X-Requested-With: orgmodel'`` with CSV, YAML or form uploads.

With tokens configured these checks are off: a browser never attaches a bearer token by
itself, so a forged request is simply unauthenticated.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import _TITLES, PROBLEM_JSON

__all__ = ["CSRF_HEADER", "LOOPBACK_HOSTS", "LocalModeGuard", "is_loopback_host"]

#: Host names local mode answers to (each with or without a port).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
#: The custom header that marks a request as sent by a script, not by a cross-site form.
CSRF_HEADER = "X-Requested-With"

_HOST = re.compile(r"^(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?$", re.IGNORECASE)
_STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_SAME_SITE = frozenset({"same-origin", "none"})


def is_loopback_host(host: str) -> bool:
    """Whether a ``Host`` header names this machine's loopback interface (port optional)."""
    return bool(_HOST.match(host.strip()))


def _is_json(content_type: str) -> bool:
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


class LocalModeGuard:
    """ASGI middleware: the Host check and the CSRF checks of local mode (module docstring)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        host = headers.get("host", "")
        if not is_loopback_host(host):
            await _refuse(
                scope,
                send,
                400,
                "untrusted-host",
                f"Host {host!r} is not this machine: in local mode the server answers to "
                f"{', '.join(LOOPBACK_HOSTS)} only (a page on another name could rebind it "
                "to 127.0.0.1)",
                "Host",
            )
            return
        if scope["type"] == "http" and scope["method"] in _STATE_CHANGING:
            origin = headers.get("origin")
            own = f"http://{host.strip().lower()}"
            site = headers.get("sec-fetch-site", "").lower()
            if origin is not None and origin.lower() != own:
                await _refuse(
                    scope,
                    send,
                    403,
                    "cross-origin",
                    f"Origin {origin!r} is not this server ({own}): in local mode only the "
                    "server's own pages and local scripts may change data",
                    "Origin",
                )
                return
            if site and site not in _SAME_SITE:
                await _refuse(
                    scope,
                    send,
                    403,
                    "cross-origin",
                    f"the browser marks this request {site}: in local mode only the server's "
                    "own pages and local scripts may change data",
                    "Sec-Fetch-Site",
                )
                return
            if not _is_json(headers.get("content-type", "")) and CSRF_HEADER.lower() not in (
                headers
            ):
                await _refuse(
                    scope,
                    send,
                    403,
                    "csrf",
                    "a request that changes data must be JSON (Content-Type: application/json) "
                    f"or carry the header '{CSRF_HEADER}' (e.g. curl -H "
                    f"'{CSRF_HEADER}: orgmodel'): a cross-site form can send neither",
                    CSRF_HEADER,
                )
                return
        await self.app(scope, receive, send)


async def _refuse(
    scope: Scope, send: Send, status: int, slug: str, detail: str, field: str
) -> None:
    if scope["type"] != "http":  # a websocket handshake: just close it
        await send({"type": "websocket.close", "code": 1008})
        return
    doc = {
        "type": f"urn:orgmodel:problem:{slug}",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": scope.get("path", ""),
        "errors": [{"in": "header", "field": field, "message": detail}],
    }
    payload = json.dumps(doc, ensure_ascii=False).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", PROBLEM_JSON.encode()),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})

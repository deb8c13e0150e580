"""Input limits enforced before any route runs: body size and text encoding.

:class:`BodyLimitMiddleware` is plain ASGI: it refuses a body larger than the limit (413,
by ``Content-Length`` at once, or counted while it streams in), and a JSON or YAML body that
is not UTF-8 (400, naming the first bad byte) or declares another charset (415). CSV uploads
are exempt from the encoding check: HR exports in GBK are read by the tabular importer.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_JSON

__all__ = ["TEXT_TYPES", "BodyLimitMiddleware"]

#: Media types whose body must be UTF-8 text.
TEXT_TYPES = frozenset(
    {
        "application/json",
        "application/yaml",
        "application/x-yaml",
        "text/yaml",
        "text/x-yaml",
        "text/plain",
    }
)
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _media_type(headers: dict[bytes, bytes]) -> tuple[str, str | None]:
    raw = headers.get(b"content-type", b"").decode("latin-1")
    main, _, params = raw.partition(";")
    charset = None
    for p in params.split(";"):
        k, _, v = p.strip().partition("=")
        if k.lower() == "charset":
            charset = v.strip().strip('"').lower()
    return main.strip().lower(), charset


class BodyLimitMiddleware:
    """Refuse oversized and wrongly encoded request bodies with problem+json."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                await self._problem(scope, send, 400, "malformed-body", "bad Content-Length")
                return
            if declared > self.max_bytes:
                await self._too_large(scope, send)
                return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._too_large(scope, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)

        media, charset = _media_type(headers)
        is_text = media in TEXT_TYPES or media.endswith("+json")
        if body and is_text:
            if charset is not None and charset not in ("utf-8", "utf8"):
                await self._problem(
                    scope,
                    send,
                    415,
                    "unsupported-charset",
                    f"charset {charset!r} is not accepted: send {media} as UTF-8",
                )
                return
            try:
                body.decode("utf-8")
            except UnicodeDecodeError as e:
                await self._problem(
                    scope,
                    send,
                    400,
                    "not-utf8",
                    f"the request body is not UTF-8 text (invalid byte 0x{body[e.start]:02x} "
                    f"at offset {e.start}); send it as UTF-8",
                )
                return

        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        limit = self.max_bytes
        await self._problem(
            scope,
            send,
            413,
            "too-large",
            f"the request body is larger than the limit of {limit} bytes "
            f"({limit / 1024 / 1024:.1f} MiB)",
            max_bytes=limit,
        )

    async def _problem(
        self, scope: Scope, send: Send, status: int, slug: str, detail: str, **extra: Any
    ) -> None:
        from api.problems import _TITLES

        doc = {
            "type": f"urn:orgmodel:problem:{slug}",
            "title": _TITLES.get(status, "Error"),
            "status": status,
            "detail": detail,
            "instance": scope.get("path", ""),
            **extra,
        }
        payload = json.dumps(doc, ensure_ascii=False).encode("utf-8")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", PROBLEM_JSON.encode()),
                    (b"content-length", str(len(payload)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": payload})

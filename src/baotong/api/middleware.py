"""What every answer and every request goes through before any handler: the security
headers, and the limit on the size of a request body.

Headers (every response): a Content-Security-Policy that allows the console's own files
only (no inline script or ``<style>``, no framing; style attributes only as scripts set them
— the templates have none; the warehouse scan pages may also compile WebAssembly,
``'wasm-unsafe-eval'``, for the camera's barcode reader — no ``eval`` of scripts),
``X-Frame-Options: DENY``,
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: same-origin``; the interactive
API documentation (``/docs``, ``/redoc``) gets the few outside sources it loads.

Requests: a body larger than ``Settings.max_body_bytes`` is refused with 413 before it is
read — by its ``Content-Length``, or while it streams in when it has none; a NUL character
in the query string or in a JSON, form or text body is refused with 422 on every database
(PostgreSQL cannot store one).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.exceptions import HTTPException

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CSP = (  # style attributes set by scripts (ECharts' tooltips) are allowed; none in the pages
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "style-src-attr 'unsafe-inline'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)
# The scan pages' barcode reader (static/camera.js) runs zxing-wasm, served from our own
# static folder: compiling WebAssembly needs 'wasm-unsafe-eval' there, and nowhere else.
SCAN_PATHS = ("/warehouse/documents/",)
SCAN_CSP = CSP.replace("script-src 'self';", "script-src 'self' 'wasm-unsafe-eval';")
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "worker-src 'self' blob:; object-src 'none'; frame-ancestors 'none'"
)
DOCS_PATHS = ("/docs", "/redoc")
DROPPED = (b"server", b"content-security-policy")
HEADERS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
}


class SecurityHeaders:
    """Adds the security headers to every HTTP response (and drops any ``server``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else CSP
        if path.startswith(SCAN_PATHS):
            csp = SCAN_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in HEADERS and k.lower() not in DROPPED
                ]
                headers.append((b"content-security-policy", csp.encode()))
                headers.extend(HEADERS.items())
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class BodyTooLarge(HTTPException):
    """A request body went past the limit while it was read (answered 413 by the API's
    error handler, or here when it escapes the handler)."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes.")


class NulCharacter(HTTPException):
    """A NUL character in the query or in a JSON or form body: no text Baotong keeps may
    hold one (PostgreSQL cannot store it), so it is refused on every database alike."""

    def __init__(self) -> None:
        super().__init__(422, "The request holds a NUL character (\\u0000 or %00).")


NUL_MARKS = (b"%00", b"\\u0000")
TEXT_BODIES = (b"application/json", b"application/x-www-form-urlencoded", b"text/")


class RequestLimits:
    """Refuses request bodies larger than ``limit`` bytes with 413, and NUL characters in
    the query string or a text body with 422 (problem+json)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        length = headers.get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            detail = str(BodyTooLarge(self.limit).detail)
            await _refuse(scope, send, 413, "Payload too large", detail, code="request.too_large",
                          limit=self.limit)  # fmt: skip
            return
        raw_path = scope.get("raw_path") or b""
        if any(mark in scope.get("query_string", b"") + raw_path for mark in NUL_MARKS[:1]):
            await _refuse(scope, send, 422, "Invalid input", str(NulCharacter().detail),
                          code="request.nul_character")  # fmt: skip
            return
        text = headers.get(b"content-type", b"").lower().startswith(TEXT_BODIES)
        received = 0
        tail = b""
        started = False

        async def counted() -> Message:
            nonlocal received, tail
            message = await receive()
            if message["type"] == "http.request":
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > self.limit:
                    raise BodyTooLarge(self.limit)
                if text and any(mark in tail + chunk for mark in NUL_MARKS):
                    raise NulCharacter
                tail = chunk[-6:]
            return message

        async def tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, tracked)
        except HTTPException as exc:
            if started or exc.status_code not in (413, 422):
                raise
            await _refuse(scope, send, exc.status_code, "Invalid input", str(exc.detail),
                          code="request.refused")  # fmt: skip


async def _refuse(
    scope: Scope, send: Send, status: int, title: str, detail: str, **extra: Any
) -> None:
    body = json.dumps({
        "type": "about:blank", "title": title, "status": status, "detail": detail,
        "instance": scope.get("path", ""), **extra,
    }).encode()  # fmt: skip
    await send({
        "type": "http.response.start", "status": status,
        "headers": [(b"content-type", b"application/problem+json"),
                    (b"content-length", str(len(body)).encode())],
    })  # fmt: skip
    await send({"type": "http.response.body", "body": body})

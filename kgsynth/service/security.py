"""Checks every request passes before any route sees it, and headers every response carries.

In order: the Host header must name this server (DNS rebinding); with a token configured the
request must carry it (``Authorization: Bearer``, or the cookie the ``?token=`` sign-in sets);
a state-changing request from another site is refused (``Sec-Fetch-Site`` / ``Origin``); a
body announced larger than the upload limit is refused with 413 before it is read. Every
response gets a Content-Security-Policy without inline scripts or eval, and headers against
sniffing, framing and referrer leaks.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from kgsynth.service.settings import ServiceSettings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

TOKEN_COOKIE = "kgsynth_token"
#: The one <style> element cytoscape.js adds to the page (its container rule), allowed by hash
#: rather than by 'unsafe-inline'; the browser test fails on any other inline style.
CYTOSCAPE_STYLE = "'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='"
CSP = (
    f"default-src 'self'; script-src 'self'; style-src 'self' {CYTOSCAPE_STYLE}; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),  # no-referrer would make forms send "Origin: null"
    (b"cross-origin-opener-policy", b"same-origin"),
]
_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Bodies of non-upload requests (JSON, forms) are small.
MAX_FORM_BYTES = 1 << 20


class SecurityMiddleware:
    """The ASGI middleware applying the checks above."""

    def __init__(self, app: ASGIApp, settings: ServiceSettings) -> None:
        self.app = app
        self.settings = settings
        self.hosts = settings.hosts()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        refusal = self._refusal(scope, headers)
        if refusal is not None:
            status, message = refusal
            await _plain(send, status, message, json_body=scope["path"].startswith("/api/"))
            return
        cookie = self._sign_in(scope)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], *SECURITY_HEADERS]
                if cookie is not None:
                    message["headers"].append((b"set-cookie", cookie))
            await send(message)

        await self.app(scope, receive, with_headers)

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = _host_name(headers.get("host", ""))
        if host not in self.hosts:
            return 403, f'Host "{host[:80]}" is not served here (kgsynth serve --allowed-host to add one).'
        if self.settings.token and not self._has_token(scope, headers):
            return 401, "this server needs its API token: send Authorization: Bearer <token>."
        if scope["method"] in _UNSAFE:
            site = headers.get("sec-fetch-site")
            if site is not None and site not in ("same-origin", "none"):
                return 403, f"cross-site {scope['method']} refused (Sec-Fetch-Site: {site[:40]})."
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
                return 403, f'cross-site {scope["method"]} refused (Origin "{origin[:80]}").'
        size = headers.get("content-length", "")
        kind = headers.get("content-type", "")
        files = kind.startswith(("multipart/form-data", "application/octet-stream"))
        limit = self.settings.max_upload_bytes + 64 * 1024 if files else MAX_FORM_BYTES  # + multipart framing
        if size.isdigit() and int(size) > limit:
            return 413, f"request body of {size} bytes is over the limit of {limit} bytes."
        return None

    def _has_token(self, scope: Scope, headers: dict[str, str]) -> bool:
        token = self.settings.token or ""
        offered = [headers.get("authorization", "").removeprefix("Bearer ").strip()]
        offered += [
            part.split("=", 1)[1]
            for part in headers.get("cookie", "").split("; ")
            if part.startswith(f"{TOKEN_COOKIE}=")
        ]
        offered += parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
        return any(hmac.compare_digest(o.encode(), token.encode()) for o in offered if o)

    def _sign_in(self, scope: Scope) -> bytes | None:
        """A ``?token=`` on a page sets an HttpOnly cookie, so a browser signs in once."""
        if not self.settings.token or b"token=" not in scope.get("query_string", b""):
            return None
        return (f"{TOKEN_COOKIE}={self.settings.token}; HttpOnly; SameSite=Strict; Path=/").encode()


def _host_name(value: str) -> str:
    """The host of a Host header or netloc, lower-cased, port dropped (``[::1]:8000`` -> ``[::1]``)."""
    value = value.strip().lower()
    if value.startswith("["):
        return value.split("]", 1)[0] + "]"
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


async def _plain(send: Send, status: int, message: str, *, json_body: bool) -> None:
    body = json.dumps({"detail": message}).encode() if json_body else message.encode()
    kind = b"application/json" if json_body else b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


__all__ = ["CSP", "TOKEN_COOKIE", "SecurityMiddleware"]

"""Who may look: on a loopback address anyone on this machine; beyond it, only with the password (HTTP Basic)."""
from __future__ import annotations

import base64
import binascii
import hmac
import ipaddress


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or localhost: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip().strip("[]")).is_loopback
    except ValueError:
        return False


class PasswordGate:
    """ASGI middleware: every HTTP request needs HTTP Basic credentials with this password (any user name)."""

    def __init__(self, app, password: str) -> None:
        self.app, self.password = app, password.encode("utf-8")

    def _allowed(self, scope) -> bool:
        header = dict(scope.get("headers") or ()).get(b"authorization", b"")
        scheme, _, encoded = header.partition(b" ")
        if scheme.lower() != b"basic":
            return False
        try:
            _user, _, given = base64.b64decode(encoded.strip(), validate=True).partition(b":")
        except (binascii.Error, ValueError):
            return False
        return hmac.compare_digest(given, self.password)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan" or (scope["type"] == "http" and self._allowed(scope)):
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # a websocket: Datasette has none; refuse without reading
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"www-authenticate", b'Basic realm="dashboard", charset="UTF-8"'),
            (b"content-type", b"text/plain; charset=utf-8")]})
        await send({"type": "http.response.body", "body": "需要密码（用户名随意）\n".encode("utf-8")})

"""Security headers on every response."""

from __future__ import annotations

from urllib.parse import urlparse

from flask import Flask

# Every page works under this policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self' ws: wss:",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
])


def init_app(app: Flask) -> None:
    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        return response


def local_target(target: str | None, default: str) -> str:
    """Where to send someone back to: a path of this site, else `default`.
    "//host" and "/\\host" are other sites to a browser, so they are refused too."""
    target = target or ""
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    return target


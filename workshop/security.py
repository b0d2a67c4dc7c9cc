"""Security headers on every response, and text cleaned at the edge."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlparse

from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict

# Every page works under this policy: no inline script or style anywhere.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    # 'self' covers this host's ws:// and wss:// (CSP level 3); "ws: wss:" allowed any host.
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "form-action 'self'",
    "base-uri 'none'",
    "object-src 'none'",
])


# Control characters (NUL included) break exports and PostgreSQL refuses NUL;
# bidirectional overrides and isolates make a nickname read as another's.
# Tabs and line breaks are text. Stripped from every form field and query
# argument before any view sees them.
_UNWANTED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufff9-\ufffb\ufffe\uffff]")


def clean_field(value: str) -> str:
    """A submitted text without control or direction-override characters."""
    return _UNWANTED.sub("", value) if isinstance(value, str) else value


def _cleaned(values):
    return ImmutableMultiDict([(clean_field(k), clean_field(v)) for k, v in values.items(multi=True)])


class CleanRequest(Request):
    """A request whose form and query text is cleaned once, at the edge."""

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:
            return
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])

    @property
    def args(self):
        if "_clean_args" not in self.__dict__:
            self.__dict__["_clean_args"] = _cleaned(super().args)
        return self.__dict__["_clean_args"]


# Letters and symbols that draw nothing: the Hangul fillers and the blank
# Braille cell, which people paste to send a "text" that shows as nothing.
INVISIBLE_LOOKALIKES = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def is_blank(text: str) -> bool:
    """Nothing visible: whitespace, invisible format characters (zero-width
    spaces) and letters that draw nothing (INVISIBLE_LOOKALIKES) only."""
    return all(ch.isspace() or ch in INVISIBLE_LOOKALIKES or unicodedata.category(ch) in ("Cf", "Cc", "Zs")
               for ch in text or "")


# Nothing here uses the camera, microphone, location or payment: say so.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=(), browsing-topics=()")


def is_sending_key(key: str, shortest: int = 8) -> bool:
    """Whether `key` is a form's own key as phone.js and the join form make them
    (letters, digits, "-" and "_"; 8 to 64 characters, or from `shortest`): the
    same key sent twice is the same send, stored once."""
    return shortest <= len(key) <= 64 and all(ch.isascii() and (ch.isalnum() or ch in "-_") for ch in key)


def private_answer(response) -> bool:
    """What a signed-in account is shown (not static files): control and
    report pages, exports, privacy and contact data."""
    from flask import current_app, request, session
    from flask_login import COOKIE_NAME, current_user

    if request.endpoint in (None, "static", "stylesheet", "vendor") or response.status_code >= 300:
        return False
    # A phone's session names no account and it holds no remember-me cookie:
    # nobody is signed in, and loading the anonymous user (session protection's
    # hash of address and browser) on every idea and vote is time for nothing.
    if "_user_id" not in session and current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME) not in request.cookies:
        return False
    try:
        return bool(current_user and current_user.is_authenticated)
    except Exception:  # noqa: BLE001 - the database gone: the error answer says no-store itself
        return False


def init_app(app: Flask) -> None:
    app.request_class = CleanRequest

    @app.after_request
    def add_headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        if private_answer(response):
            # Control, report, privacy pages, contact CSVs: never kept in a
            # shared computer's cache or a proxy's.
            response.headers["Cache-Control"] = "no-store"
        return response


def local_target(target: str | None, default: str) -> str:
    """Where to send someone back to: a path of this site, else `default`.
    "//host" and "/\\host" are other sites to a browser, so they are refused too."""
    target = target or ""
    if any(ord(ch) < 0x20 or ord(ch) == 0x7f for ch in target):
        return default  # a line break would split the Location header
    parsed = urlparse(target)
    if parsed.scheme or parsed.netloc or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return default
    return target


"""The one stylesheet every page links: static/css/app.css (what every screen
shares), then each registered kind's own CSS (its package's `style.css`, found
by `kinds.parts_of`), in the registry's order.

One request, not one per kind: phones on prepaid data and a venue's flaky
Wi-Fi fetch it once, at a URL carrying a hash of its text
(`/static-bundle/app.<hash>.css`), kept a year since a change makes a new URL.
It is built once per process; in debug or tests it is built again when one of
its files changes, so a developer's edit shows on the next page.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, url_for

from workshop import kinds
from workshop.config import PROJECT_ROOT

APP_CSS = PROJECT_ROOT / "static" / "css" / "app.css"
# A change makes a new URL, so what was fetched never goes stale.
CACHE_CONTROL = "public, max-age=31536000, immutable"


@dataclass(frozen=True)
class Stylesheet:
    text: str
    digest: str  # a short hash of the text, in its URL
    stamp: tuple  # its files and their modification times, as read


def sources() -> list[Path]:
    """Its files, in order: app.css, then each kind's style.css."""
    return [APP_CSS, *(kind.style for kind in kinds.kinds() if kind.style is not None)]


def _stamp(paths: list[Path]) -> tuple:
    return tuple((str(path), path.stat().st_mtime_ns) for path in paths)


def build() -> Stylesheet:
    paths = sources()
    stamp = _stamp(paths)
    parts = []
    for path in paths:
        name = path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path.name
        parts.append(f"/* {name} */\n{path.read_text(encoding='utf-8').rstrip()}\n")
    text = "\n".join(parts)
    return Stylesheet(text, hashlib.sha256(text.encode()).hexdigest()[:12], stamp)


_built: Stylesheet | None = None


def current() -> Stylesheet:
    """The stylesheet, built once per process (in debug or tests, again when
    one of its files or the kinds' list changed)."""
    global _built
    if _built is None or ((current_app.debug or current_app.testing) and _stamp(sources()) != _built.stamp):
        _built = build()
    return _built


def url() -> str:
    return url_for("stylesheet", digest=current().digest)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["stylesheet_url"] = url

    @app.get("/static-bundle/app.<digest>.css")
    def stylesheet(digest: str) -> Response:
        sheet = current()
        response = Response(sheet.text, mimetype="text/css")
        # A page from before a change (another process, an older deploy) gets
        # today's text, but not kept under its old URL.
        response.headers["Cache-Control"] = CACHE_CONTROL if digest == sheet.digest else "no-cache"
        return response

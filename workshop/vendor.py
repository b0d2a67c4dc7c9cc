"""Front-end libraries, served straight from node_modules (installed by
`make` from package.json, never committed)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, send_from_directory

# Only these files are served; the rest of node_modules stays private.
FILES = {
    "htmx.min.js": "htmx.org/dist",
    "socket.io.min.js": "socket.io-client/dist",
}


def init_app(app: Flask) -> None:
    root = Path(app.config["VENDOR_DIR"])

    @app.get("/vendor/<name>")
    def vendor(name: str):
        if name not in FILES:
            abort(404)
        return send_from_directory(root / FILES[name], name, max_age=7 * 24 * 3600)

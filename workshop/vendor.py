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

    init_accessibility(app)


def init_accessibility(app: Flask) -> None:
    """The conformance statement (docs/accessibility.md), linked from every
    page's footer, served as the text it is: one source, no copy to drift."""
    statement = Path(app.root_path).parent / "docs" / "accessibility.md"

    @app.get("/accessibility")
    def accessibility():
        if not statement.exists():
            abort(404)
        return send_from_directory(statement.parent, statement.name, mimetype="text/plain", max_age=3600)

"""Join QR codes, drawn on the server as SVG (no script on the page)."""

from __future__ import annotations

import io

import segno


def svg(url: str) -> str:
    """An SVG QR code for url, scaled by its container (no fixed size)."""
    out = io.BytesIO()
    # Error level M survives a projector's glare; a 4-module quiet zone is the standard.
    segno.make(url, error="m").save(out, kind="svg", xmldecl=False, svgns=True,
                                     omitsize=True, border=4, dark="#000", light="#fff")
    return out.getvalue().decode()

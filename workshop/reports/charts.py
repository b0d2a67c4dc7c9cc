"""Charts drawn on the server as SVG: no chart library on the page, no inline
style (the CSP forbids it; SVG presentation attributes are fine), and readable
in black and white: every bar carries its number, a label and a pattern."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from analysis.text import shortened

WIDTH = 720
LABEL_WIDTH = 270
NUMBER_ROOM = 60
ROW = 38
BAR = 24
TOP = 8
LABEL_CHARS = 36
INK = "#1a1a1a"
PATTERNS = ("solid", "hatch", "dots", "cross")


@dataclass
class Bar:
    label: str
    value: int
    pattern: str = "solid"  # one of PATTERNS


def _defs(prefix: str) -> str:
    return (
        "<defs>"
        f'<pattern id="{prefix}-hatch" patternUnits="userSpaceOnUse" width="8" height="8">'
        '<rect width="8" height="8" fill="#fff"/>'
        f'<path d="M-2,2 L2,-2 M0,8 L8,0 M6,10 L10,6" stroke="{INK}" stroke-width="2"/></pattern>'
        f'<pattern id="{prefix}-dots" patternUnits="userSpaceOnUse" width="7" height="7">'
        '<rect width="7" height="7" fill="#fff"/>'
        f'<circle cx="3.5" cy="3.5" r="1.7" fill="{INK}"/></pattern>'
        f'<pattern id="{prefix}-cross" patternUnits="userSpaceOnUse" width="8" height="8">'
        '<rect width="8" height="8" fill="#fff"/>'
        f'<path d="M0,4 L8,4 M4,0 L4,8" stroke="{INK}" stroke-width="1.5"/></pattern>'
        "</defs>"
    )


def _fill(prefix: str, pattern: str) -> str:
    if pattern == "solid" or pattern not in PATTERNS:
        return "#4a4a4a"
    return f"url(#{prefix}-{pattern})"


def bar_chart(bars: list[Bar], title: str, prefix: str) -> Markup:
    """Horizontal bars, one per row: label on the left, the number right of the bar."""
    prefix = "".join(ch for ch in prefix if ch.isalnum() or ch == "-") or "chart"
    height = TOP * 2 + ROW * max(len(bars), 1)
    best = max((b.value for b in bars), default=0) or 1
    span = WIDTH - LABEL_WIDTH - NUMBER_ROOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{prefix}-title {prefix}-desc" '
        f'font-family="system-ui, sans-serif" font-size="15">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape("; ".join(f"{b.label}: {b.value}" for b in bars))}</desc>',
        _defs(prefix),
    ]
    for row, bar in enumerate(bars):
        y = TOP + row * ROW
        length = round(span * bar.value / best) if bar.value > 0 else 0
        middle = y + BAR / 2 + 5
        parts.append(f'<g class="chart-row">'
                     f'<text x="{LABEL_WIDTH - 10}" y="{middle}" text-anchor="end" fill="{INK}">'
                     f'{escape(shortened(bar.label, LABEL_CHARS))}</text>')
        if length:
            parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{length}" height="{BAR}" '
                         f'fill="{_fill(prefix, bar.pattern)}" stroke="{INK}" stroke-width="1.5"/>')
        parts.append(f'<text x="{LABEL_WIDTH + length + 8}" y="{middle}" font-weight="700" fill="{INK}">'
                     f'{bar.value}</text></g>')
    parts.append(f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{height - TOP + 4}" '
                 f'stroke="{INK}" stroke-width="1"/>')
    parts.append("</svg>")
    return Markup("".join(parts))


def funnel_chart(steps, title: str, prefix: str = "funnel") -> Markup:
    """The voting funnel: ideas (solid), each round's candidates (hatched), priorities (dotted)."""
    patterns = {"ideas": "solid", "round": "hatch", "priorities": "dots"}
    return bar_chart([Bar(s.label, s.count, patterns.get(s.kind, "cross")) for s in steps], title, prefix)

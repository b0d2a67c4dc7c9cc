"""Helpers the templates share."""

from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask

from workshop.ideas.logic import wall


def epoch_ms(moment: datetime) -> int:
    """A naive UTC datetime as milliseconds since the epoch, for the browser's clock."""
    return int(moment.replace(tzinfo=timezone.utc).timestamp() * 1000)


def init_app(app: Flask) -> None:
    app.jinja_env.globals["wall"] = wall
    app.jinja_env.filters["epoch_ms"] = epoch_ms

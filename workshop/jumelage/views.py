from __future__ import annotations

from flask import Blueprint

from workshop.jumelage import models  # noqa: F401  (the tables, for the migrations)

bp = Blueprint("jumelage", __name__)

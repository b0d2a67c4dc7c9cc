"""The `workshop` command: Flask's CLI with this app (db upgrade, create-user,
cluster, serve)."""

from flask.cli import FlaskGroup

from workshop import create_app


def main() -> None:
    FlaskGroup(create_app=create_app)()

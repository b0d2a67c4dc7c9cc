"""`workshop create-user`: accounts from the command line."""

from __future__ import annotations

import click
from flask import Flask

from workshop.accounts import logic
from workshop.accounts.messages import COMMAND_LINE
from workshop.accounts.models import ROLES


@click.command("create-user")
@click.option("--email", prompt=True)
@click.option("--name", default="")
@click.option("--role", type=click.Choice(ROLES), default="facilitator", show_default=True)
@click.password_option()
def create_user_command(email: str, name: str, role: str, password: str) -> None:
    """Create a facilitator, coordinator or admin account."""
    try:
        user = logic.create_user(email, name, password, role=role)
    except logic.AccountRejected as error:
        raise click.ClickException(
            COMMAND_LINE.get(error.code, str(error)).format(min_length=logic.MIN_PASSWORD_LENGTH)) from None
    click.echo(f"Created {user.role} account {user.email}.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user_command)

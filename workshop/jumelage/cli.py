"""`flask jumelage purge`: erase the sign-ups kept past the retention period
promised on the consent text (run it daily, e.g. from cron)."""

from __future__ import annotations

from datetime import datetime

import click

from workshop import dates
from workshop.jumelage import logic


@click.command("purge")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="The day to count from (default: today).")
@click.option("--dry-run", is_flag=True, help="Say what would be erased, erase nothing.")
def purge_command(today: datetime | None, dry_run: bool) -> None:
    """Erase every program's sign-ups whose retention period is over (program end + months said at consent)."""
    day = today.date() if today else dates.today()
    if dry_run:
        for program in logic.programs():
            if due := logic.due_for_purge(program, day):
                click.echo(f"{program.name}: {len(due)} sign-up(s) would be erased")
        return
    erased = logic.purge_all(day)
    for name, count in erased.items():
        click.echo(f"{name}: {count} sign-up(s) erased")
    click.echo(f"{sum(erased.values())} sign-up(s) erased in all", err=True)

"""`workshop cluster FILE.csv`: group ideas gathered elsewhere (sticky notes
typed into a spreadsheet) with the same method as the live session."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask
from flask.cli import with_appcontext

from analysis.clustering import cluster_csv
from workshop.i18n import LANGUAGES


@click.command("cluster")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", type=click.IntRange(1, 200), default=None, help="Number of themes (default: automatic).")
@click.option("--text-column", default="text", show_default=True, help="Column holding the idea text.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Where to write the result (default: standard output).")
@click.option("--language", type=click.Choice(list(LANGUAGES)), default=None,
              help="Language of the theme names (default: the language most ideas are written in).")
def cluster_command(csv_file: Path, k: int | None, text_column: str, out: Path | None, language: str | None) -> None:
    """Write every row of CSV_FILE, in order, with `cluster` and `cluster_label` added.

    Comma, semicolon or tab separated, UTF-8 (with or without BOM) or Windows-1252; the output
    keeps the file's separator and line ends and quotes what needs quoting."""
    try:
        result = cluster_csv(csv_file, out if out else sys.stdout, k=k, text_column=text_column, language=language)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    summary = f"{len(result.clusters)} themes ({result.method})"
    if out:
        summary += f" written to {out}"
    click.echo(summary, err=True)
    for cluster in result.clusters:
        click.echo(f"  {len(cluster.members):4d}  {cluster.label}", err=True)


@click.command("features-worker")
@click.option("--parent", type=int, default=None, help="Stop when this process is gone (set by `make run`).")
@with_appcontext
def features_worker_command(parent: int | None) -> None:
    """Compute the grouping features of ideas as they arrive (see workshop/themes/features.py)."""
    import os

    from flask import current_app

    from workshop.themes.features import work_forever

    os.nice(19)  # the web server's sockets come first; the worker catches up after a burst
    click.echo("Features worker: computing each new idea's grouping features.", err=True)
    work_forever(current_app._get_current_object(), parent=parent)  # type: ignore[attr-defined]  # a LocalProxy


def init_app(app: Flask) -> None:
    app.cli.add_command(cluster_command)
    app.cli.add_command(features_worker_command)

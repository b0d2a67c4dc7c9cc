"""The session report, its exports and import (facilitator of the workshop),
and the program view across workshops (coordinators and admins)."""

from __future__ import annotations

import json

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from workshop import kinds
from workshop.forces import logic as forces
from workshop.guards import allowed_only, readable
from workshop.orphans import logic as orphans
from workshop.orphans.pipeline import is_open as adoption_is_open
from workshop.reports import archive, charts, logic
from workshop.reports.downloads import csv_download, download, export_choice, reader_layout
from workshop.templating import day
from workshop.workshops.logic import can_facilitate, can_read

bp = Blueprint("reports", __name__)

PROGRAM_ROLES = ("coordinator", "admin")


def kind_label(kind: str) -> str:
    return next((str(k.name) for k in kinds.kinds() if k.key == kind), kind)


def state_label(state: str) -> str:
    return {"pending": _("not run"), "open": _("open"), "closed": _("done")}.get(state, state)


def vote_kind_label(kind: str) -> str:
    from workshop.voting.messages import vote_kind_words

    return vote_kind_words().get(kind, kind)


def with_names() -> bool:
    """Nicknames only when asked for (?names=1): exports are pseudonymous by default."""
    return request.args.get("names") == "1"


@bp.get("/w/<int:workshop_id>/report")
@login_required
def report(workshop_id: int):
    workshop = readable(workshop_id)
    data = logic.report(workshop)
    funnel_svg = charts.funnel_chart(data.funnel, _("Voting funnel") if data.funnel_narrows
                                     else _("Votes, step by step"))
    participation_svg = charts.bar_chart(
        [charts.Bar(row.name, row.participants) for row in data.participation],
        _("Participants by stakeholder group"), "participation")
    return render_template("reports/report.html", workshop=workshop, data=data, funnel_svg=funnel_svg,
                           participation_svg=participation_svg, kind_label=kind_label,
                           state_label=state_label, vote_kind_label=vote_kind_label,
                           adoption_is_open=adoption_is_open,
                           force_summaries=forces.summaries_of_workshop(workshop, strongest=5),
                           facilitating=can_facilitate(current_user, workshop),
                           export_args=export_choice(), layout=reader_layout(),
                           separator_names={v: k for k, v in logic.SEPARATORS.items()})


def table_csv(workshop_id: int, table, name: str):
    """One table of the workshop's record (`table(workshop)`: header and rows) as a CSV."""
    workshop = readable(workshop_id)
    header, rows = table(workshop)
    return csv_download(header, rows, f"workshop-{workshop.id}-{name}.csv")


@bp.get("/w/<int:workshop_id>/export/ideas.csv")
@login_required
def ideas_csv(workshop_id: int):
    return table_csv(workshop_id, lambda workshop: logic.idea_rows(workshop, names=with_names()), "ideas")


@bp.get("/w/<int:workshop_id>/export/votes.csv")
@login_required
def votes_csv(workshop_id: int):
    return table_csv(workshop_id, logic.vote_rows, "votes")


@bp.get("/w/<int:workshop_id>/export/hats.csv")
@login_required
def hats_csv(workshop_id: int):
    return table_csv(workshop_id, lambda workshop: logic.hats_rows(workshop, names=with_names()), "hats")


@bp.get("/w/<int:workshop_id>/export/workshop.xlsx")
@login_required
def workbook(workshop_id: int):
    workshop = readable(workshop_id)
    return download(logic.to_xlsx(workshop, names=with_names(), layout=reader_layout()),
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"workshop-{workshop.id}.xlsx")


@bp.get("/w/<int:workshop_id>/export/workshop.json")
@login_required
def workshop_json(workshop_id: int):
    workshop = readable(workshop_id)
    body = json.dumps(archive.export_json(workshop, names=with_names()), ensure_ascii=False, indent=1)
    return download(body, "application/json", f"workshop-{workshop.id}.json")


@bp.route("/workshops/import", methods=["GET", "POST"])
@login_required
def import_workshop():
    """Restore a JSON export as a new workshop of the signed-in person."""
    problem = None
    if request.method == "POST":
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            problem = _("Choose a JSON file exported from a workshop.")
        else:
            try:
                document = archive.parse(upload.read(archive.MAX_IMPORT_BYTES + 1))
                workshop = archive.import_json(document, current_user)
            except archive.ImportProblem as error:
                problem = error.message()  # the import page again, with where the document is wrong
            else:
                return redirect(url_for("reports.report", workshop_id=workshop.id))
    return render_template("reports/import.html", problem=problem), (400 if problem else 200)


@bp.get("/program")
@allowed_only(lambda user: user.role in PROGRAM_ROLES)
def program():
    rows = logic.program()
    chart = charts.bar_chart(
        [charts.Bar(f"{day(row.workshop.created_at)} · {row.workshop.title}", row.ideas) for row in rows],
        _("Ideas per workshop, oldest first"), "program")
    totals = {key: sum(getattr(r, key) for r in rows)
              for key in ("participants", "ideas", "projects", "priorities", "orphan_candidates",
                          *logic.ADOPTION_FIGURES)}
    return render_template("reports/program.html", rows=rows, chart=chart, totals=totals, can_read=can_read,
                           # the table's workshops only, as its Total row: an archived one counts in neither
                           figures=orphans.figures(orphans.all_adoptions([row.workshop.id for row in rows])))

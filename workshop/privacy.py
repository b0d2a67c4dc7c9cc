"""Participants' personal data (Québec's Law 25): what a workshop holds about
people can be exported, and purged while the ideas themselves stay."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select, update

from workshop.cells.models import CellMember, CellPreference
from workshop.extensions import db
from workshop.hats.models import HatComment
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.workshops.models import Workshop

bp = Blueprint("privacy", __name__)


def participant_data(workshop: Workshop) -> list[dict]:
    """Everything the workshop holds about each participant."""
    people = db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                .order_by(Participant.id)).all()
    ideas = db.session.execute(select(Idea.participant_id, Idea.original_text).join(Idea.activity)
                               .where(Idea.participant_id.in_([p.id for p in people]))).all()
    comments = db.session.execute(select(HatComment.participant_id, HatComment.text)
                                  .where(HatComment.participant_id.in_([p.id for p in people]))).all()
    members = db.session.scalars(select(CellMember).where(CellMember.participant_id.in_([p.id for p in people]))).all()
    by_person: dict[int, dict] = {
        p.id: {"participant": p.id, "nickname": p.nickname, "stakeholder_group": p.group.name if p.group else None,
               "language": p.language, "joined_at": p.joined_at.isoformat(), "ideas": [], "hat_comments": [],
               "cell_contacts": []}
        for p in people
    }
    for pid, text in ideas:
        by_person[pid]["ideas"].append(text)
    for pid, text in comments:
        by_person[pid]["hat_comments"].append(text)
    for member in members:
        if member.contact_consent:
            by_person[member.participant_id]["cell_contacts"].append(
                {"name": member.contact_name, "email": member.contact_email})
    return list(by_person.values())


def purge(workshop: Workshop) -> int:
    """Remove what identifies people; ideas, comments, votes and groups stay.
    Returns how many participants were made anonymous."""
    ids = list(db.session.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id)))
    if not ids:
        return 0
    db.session.execute(update(Participant).where(Participant.id.in_(ids)).values(nickname=None, language=None))
    for model in (CellMember, CellPreference):
        db.session.execute(update(model).where(model.participant_id.in_(ids))
                           .values(contact_consent=False, contact_name=None, contact_email=None))
    db.session.commit()
    return len(ids)


@bp.get("/w/<int:workshop_id>/privacy/participants.json")
@login_required
def export(workshop_id: int):
    from workshop.workshops.views import facilitated

    workshop = facilitated(workshop_id)
    response = jsonify({"workshop": workshop.title, "participants": participant_data(workshop)})
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop.id}-participants.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/w/<int:workshop_id>/privacy", methods=["GET", "POST"])
@login_required
def page(workshop_id: int):
    from flask import request

    from workshop.workshops.views import facilitated

    workshop = facilitated(workshop_id)
    done = None
    if request.method == "POST":
        if request.form.get("confirm") == workshop.join_code:
            done = _("Done: %(n)s participants are now anonymous. Their ideas, comments and votes are kept.",
                     n=purge(workshop))
        else:
            done = _("Type the workshop's join code to confirm.")
    return render_template("privacy.html", workshop=workshop, done=done)

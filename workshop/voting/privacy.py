"""What voting rounds hold about people, for workshop/privacy.py (Law 25): ballots,
and the candidate projects' texts. A project made from an idea keeps the idea's
words ("Inviter Julie Tremblay…") after the idea is erased, and the coordinator's
description for partners may name a contact: both are searched."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.kinds import FreeText
from workshop.voting.logic import ballot_cells
from workshop.voting.models import Ballot, Project, Round
from workshop.workshops.models import Workshop

PROJECT_TEXTS = ("title", "description", "needs", "theme_name")


def texts(workshop: Workshop):
    """Every candidate project's title, description and needs."""
    for project in db.session.scalars(select(Project).where(Project.workshop_id == workshop.id)
                                      .order_by(Project.id)):
        text = " — ".join(value for value in (getattr(project, name) for name in PROJECT_TEXTS) if value)
        yield FreeText("project", project, PROJECT_TEXTS, text, _l("Project"), _l("Projects"))


def personal_data(participant_id: int) -> dict:
    """Each ballot, item by item, in the round's own terms (dots, place, approved, scores)."""
    votes = []
    titles: dict[int, str] = {}
    for ballot in db.session.scalars(select(Ballot).where(Ballot.participant_id == participant_id)
                                     .order_by(Ballot.id)):
        round_ = db.session.get_one(Round, ballot.round_id)
        if not titles:
            titles = {p.id: p.title for p in db.session.scalars(
                select(Project).where(Project.workshop_id == round_.activity.workshop_id))}
        votes.append({"round": round_.activity.prompt, "kind": round_.kind,
                      "items": [{"item": titles.get(pid, ""), "vote": value}
                                for pid, value in ballot_cells(round_.kind, ballot.content)]})
    return {"votes": votes}


def held(participant_id: int) -> list[str]:
    count = db.session.scalar(select(func.count(Ballot.id)).where(Ballot.participant_id == participant_id))
    return [ngettext("%(num)d ballot", "%(num)d ballots", count)]

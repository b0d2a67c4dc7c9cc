"""What six-hats comments hold about people, for workshop/privacy.py (Law 25)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workshop import dates
from workshop.extensions import db
from workshop.hats.models import HatComment, HatsActivity, HatSubject
from workshop.kinds import FreeText
from workshop.workshops.models import Activity, Workshop


def _of_workshop(query, workshop: Workshop):
    return (query.join(HatSubject, HatSubject.id == HatComment.subject_id)
            .join(HatsActivity, HatsActivity.id == HatSubject.hats_activity_id)
            .join(Activity, Activity.id == HatsActivity.activity_id)
            .where(Activity.workshop_id == workshop.id))


def texts(workshop: Workshop):
    """Every comment, with the subject it was written on."""
    for note, title in db.session.execute(_of_workshop(select(HatComment, HatSubject.title), workshop)
                                          .order_by(HatComment.id)).all():
        yield FreeText("comment", note, ("text",), note.text, _l("Hat comment"), title, note.participant_id)
    # Subjects are typed, or copied from an idea or a project that may name someone.
    for subject in db.session.scalars(
            select(HatSubject).join(HatsActivity, HatsActivity.id == HatSubject.hats_activity_id)
            .join(Activity, Activity.id == HatsActivity.activity_id)
            .where(Activity.workshop_id == workshop.id).order_by(HatSubject.id)):
        yield FreeText("hat-subject", subject, ("title",), subject.title, _l("Subject"), _l("Six thinking hats"))


def personal_data(participant_id: int) -> dict:
    comments = db.session.execute(select(HatComment, HatSubject.title)
                                  .join(HatSubject, HatSubject.id == HatComment.subject_id)
                                  .where(HatComment.participant_id == participant_id).order_by(HatComment.id)).all()
    return {"hat_comments": [{"subject": title, "hat": c.hat, "text": c.text, "sent_at": dates.stamped(c.created_at)}
                             for c, title in comments]}


def held(participant_id: int) -> list[str]:
    count = db.session.scalar(select(func.count(HatComment.id)).where(HatComment.participant_id == participant_id))
    return [ngettext("%(num)d hat comment", "%(num)d hat comments", count)]


def participants_data(workshop: Workshop) -> dict[str, dict[int, list]]:
    """The comments each participant wrote, outside anonymous activities."""
    sent: dict[int, list] = {}
    for pid, text in db.session.execute(_of_workshop(select(HatComment.participant_id, HatComment.text), workshop)
                                        .where(Activity.anonymity != "anonymous").order_by(HatComment.id)):
        sent.setdefault(pid, []).append(text)
    return {"hat_comments": sent}

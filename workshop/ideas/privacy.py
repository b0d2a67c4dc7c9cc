"""What a question's ideas hold about people, for workshop/privacy.py (Law 25)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workshop import dates
from workshop.extensions import db
from workshop.ideas.models import Idea
from workshop.kinds import FreeText
from workshop.themes.models import Theme
from workshop.workshops.models import Activity, Workshop


def texts(workshop: Workshop):
    """Every idea of the workshop, as edited and as sent."""
    for idea in db.session.scalars(select(Idea).join(Activity, Activity.id == Idea.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Idea.id)):
        text = idea.text if idea.text == idea.original_text else f"{idea.text} / {idea.original_text}"
        yield FreeText("idea", idea, ("text", "original_text"), text, _l("Idea"), idea.activity.prompt,
                       idea.participant_id, derived=("features",))
    # A theme's name and keywords are made of its ideas' words.
    # (A theme has no relationship to its activity: the question's prompt is read with it.)
    for theme, prompt in db.session.execute(select(Theme, Activity.prompt).join(Activity, Activity.id == Theme.activity_id)
                                            .where(Activity.workshop_id == workshop.id).order_by(Theme.id)):
        text = f"{theme.label} — {theme.keywords}" if theme.keywords else theme.label
        yield FreeText("theme", theme, ("label", "keywords"), text, _l("Theme"), prompt)


def _ideas_of(participant_id: int) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.participant_id == participant_id).order_by(Idea.id)))


def personal_data(participant_id: int) -> dict:
    return {"ideas": [{"question": i.activity.prompt, "text": i.text, "text_as_sent": i.original_text,
                       "hidden": i.hidden, "sent_at": dates.stamped(i.created_at)} for i in _ideas_of(participant_id)]}


def held(participant_id: int) -> list[str]:
    count = db.session.scalar(select(func.count(Idea.id)).where(Idea.participant_id == participant_id))
    return [ngettext("%(num)d idea", "%(num)d ideas", count)]


def participants_data(workshop: Workshop) -> dict[str, dict[int, list]]:
    """The ideas each participant sent as they sent them, outside anonymous questions."""
    sent: dict[int, list] = {}
    for pid, text in db.session.execute(
            select(Idea.participant_id, Idea.original_text).join(Activity, Activity.id == Idea.activity_id)
            .where(Activity.workshop_id == workshop.id, Activity.anonymity != "anonymous").order_by(Idea.id)):
        sent.setdefault(pid, []).append(text)
    return {"ideas": sent}

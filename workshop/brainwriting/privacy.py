"""What brainwriting holds about people, for workshop/privacy.py (Law 25): the
build-ons phones added. One person's own part of their data export is
`logic.personal_data`, answered from here too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workshop.brainwriting.logic import personal_data as personal_data
from workshop.brainwriting.models import Brainwriting, Build
from workshop.extensions import db
from workshop.kinds import FreeText
from workshop.workshops.models import Activity, Workshop


def _of_workshop(workshop: Workshop, *also):
    return (select(Build, Activity.prompt).join(Brainwriting, Brainwriting.id == Build.brainwriting_id)
            .join(Activity, Activity.id == Brainwriting.activity_id)
            .where(Activity.workshop_id == workshop.id, *also).order_by(Build.id))


def texts(workshop: Workshop):
    """Every build-on, hidden ones included, with the question whose ideas went round."""
    for build, question in db.session.execute(_of_workshop(workshop)).all():
        yield FreeText("build", build, ("text",), build.text, _l("Build-on"), question, build.participant_id)


def held(participant_id: int) -> list[str]:
    count = db.session.scalar(select(func.count(Build.id)).where(Build.participant_id == participant_id))
    return [ngettext("%(num)d build-on", "%(num)d build-ons", count)]


def participants_data(workshop: Workshop) -> dict[str, dict[int, list]]:
    """The build-ons each participant added, outside anonymous rotations; a
    build that is also an idea of the question goes by the stronger promise."""
    from workshop.brainwriting.logic import governing_activity

    built: dict[int, list] = {}
    for build, _question in db.session.execute(_of_workshop(workshop, Activity.anonymity != "anonymous")).all():
        if build.promoted_idea_id is not None and governing_activity(build).anonymity == "anonymous":
            continue
        built.setdefault(build.participant_id, []).append(build.text)
    return {"build_ons": built}

"""Anonymity chosen per activity: who is named beside what participants write.

Three levels, strongest first: "anonymous" (no name anywhere, not even in
exports asked with names), "group" (the stakeholder group only) and
"nickname" (the nickname, and its group, on the control view and in exports
asked with names; on the projector only if the workshop shows names there).
Once content exists, a level may only be made stronger: the people who wrote
under a promise must keep it.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import exists, select

from workshop.extensions import db

LEVELS = ("anonymous", "group", "nickname")  # strongest first
# Today's behaviour kept as each kind's default: a question's cards carry
# nicknames on the control view; six-hats comments and build-ons their group.
KIND_DEFAULTS = {"ideas": "nickname"}
DEFAULT = "group"


def default_for(kind: str) -> str:
    return KIND_DEFAULTS.get(kind, DEFAULT)


def column_default(context) -> str:
    """The column's default on insert, by the activity's kind."""
    return default_for(context.get_current_parameters().get("kind") or "ideas")


def may_change(current: str, wanted: str, has_content: bool) -> bool:
    """Whether an activity's anonymity may go from `current` to `wanted`:
    always before content exists, afterwards only towards the stronger."""
    if wanted not in LEVELS:
        return False
    return not has_content or LEVELS.index(wanted) <= LEVELS.index(current)


def has_content(activity) -> bool:
    """Whether anyone wrote anything under this activity (ideas, six-hats
    comments, forces, impacts, build-ons): from then on its anonymity only strengthens."""
    from workshop.brainwriting.models import Brainwriting, Build
    from workshop.forces.models import Force, ForceField, ForceImpact
    from workshop.hats.models import HatComment, HatsActivity, HatSubject
    from workshop.ideas.models import Idea

    checks = [
        select(Idea.id).where(Idea.activity_id == activity.id),
        select(HatComment.id).join(HatSubject, HatComment.subject_id == HatSubject.id)
        .join(HatsActivity, HatSubject.hats_activity_id == HatsActivity.id)
        .where(HatsActivity.activity_id == activity.id),
        select(Force.id).join(ForceField, Force.field_id == ForceField.id).where(ForceField.activity_id == activity.id),
        select(ForceImpact.id).join(ForceField, ForceImpact.field_id == ForceField.id)
        .where(ForceField.activity_id == activity.id),
        select(Build.id).join(Brainwriting, Build.brainwriting_id == Brainwriting.id)
        .where(Brainwriting.activity_id == activity.id),
    ]
    return any(db.session.scalar(select(exists(check))) for check in checks)


def level_of(activity) -> str:
    return getattr(activity, "anonymity", None) or DEFAULT


def names_allowed(activity) -> bool:
    """Whether an export asked with names may carry nicknames for this activity's content."""
    return level_of(activity) == "nickname"


def author_label(authors, activity, audience: str = "control") -> str:
    """The name shown beside a piece of content, for one audience ("control",
    "projector"); `authors` is one participant or several (merged ideas).
    Empty when nothing may be said of the authors."""
    if authors is None:
        return ""
    people = authors if isinstance(authors, (list, tuple)) else [authors]
    level = level_of(activity)
    if level == "anonymous":
        return ""
    if audience == "projector":  # the big screen names only nicknames, and only if the workshop shows them
        if level != "nickname" or not activity.workshop.show_names_on_projector:
            return ""
        return ", ".join(p.nickname for p in people if p.nickname)
    labels = []
    for person in people:
        group = person.group.name if person.group else ""
        if level == "group":
            label = group
        else:
            label = (person.nickname or _("anonymous")) + (f" ({group})" if group else "")
        if label and label not in labels:
            labels.append(label)
    return ", ".join(labels)


def promise(activity) -> str:
    """The line a phone shows before its participant writes."""
    return {"anonymous": _("Anonymous: your nickname appears nowhere"),
            "group": _("Only your group appears beside what you send"),
            "nickname": _("Your nickname, if you chose one, appears beside what you send")}[level_of(activity)]


KINDS = ("ideas", "hats", "forces", "brainwriting")  # the kinds whose participants write content


def choices(activity) -> list[tuple[str, str]]:
    """What the control view's select offers: every level before the activity
    opens, afterwards only its level and stronger ones (no query per item:
    the route checks for content itself). Empty for kinds without authors."""
    if activity.kind not in KINDS:
        return []
    labels = {"anonymous": _("Anonymous"), "group": _("Stakeholder group only"), "nickname": _("Nicknames")}
    current = LEVELS.index(level_of(activity))
    return [(level, labels[level]) for n, level in enumerate(LEVELS) if activity.state == "pending" or n <= current]


def activity_of(note):
    """The activity a six-hats comment or a build-on was written under, whose
    anonymity governs its author's name (read through the session's identity map)."""
    from workshop.brainwriting.models import Brainwriting, Build
    from workshop.hats.models import HatsActivity, HatSubject

    if isinstance(note, Build):
        return db.session.get_one(Brainwriting, note.brainwriting_id).activity
    subject = db.session.get_one(HatSubject, note.subject_id)
    return db.session.get_one(HatsActivity, subject.hats_activity_id).activity


def anonymous_authors(workshop) -> set[int]:
    """Participants who wrote under an anonymous activity of the workshop: an
    export never names them (a nickname is the participant's, not the
    activity's, and their pseudonym links to that content)."""
    from workshop.brainwriting.models import Brainwriting, Build
    from workshop.forces.models import Force, ForceField, ForceImpact
    from workshop.hats.models import HatComment, HatsActivity, HatSubject
    from workshop.ideas.models import Idea
    from workshop.workshops.models import Activity

    anonymous = select(Activity.id).where(Activity.workshop_id == workshop.id, Activity.anonymity == "anonymous")
    queries = [
        select(Idea.participant_id).where(Idea.activity_id.in_(anonymous)),
        select(HatComment.participant_id).join(HatSubject, HatComment.subject_id == HatSubject.id)
        .join(HatsActivity, HatSubject.hats_activity_id == HatsActivity.id).where(HatsActivity.activity_id.in_(anonymous)),
        select(Force.participant_id).join(ForceField, Force.field_id == ForceField.id)
        .where(ForceField.activity_id.in_(anonymous)),
        select(ForceImpact.participant_id).join(ForceField, ForceImpact.field_id == ForceField.id)
        .where(ForceField.activity_id.in_(anonymous)),
        select(Build.participant_id).join(Brainwriting, Build.brainwriting_id == Brainwriting.id)
        .where(Brainwriting.activity_id.in_(anonymous)),
    ]
    return {pid for query in queries for pid in db.session.scalars(query)}

"""Force-field rules: the subject, forces posted once per submission key,
"+1" once per phone and force, hiding and merging duplicates; the impacts
phones observed; the summary a subject's pages and the report show. The
weighing itself is analysis/forcefield.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from analysis import forcefield
from workshop import dates, snapshot
from workshop.extensions import db
from workshop.forces.messages import IMPACT_REFUSALS, REFUSALS
from workshop.forces.models import (
    MAX_EXPLANATION_LENGTH,
    MAX_FORCE_LENGTH,
    MAX_IMPACT_LENGTH,
    MAX_THEME_LENGTH,
    Force,
    ForceAgreement,
    ForceField,
    ForceImpact,
)
from workshop.ideas.logic import IdeaRejected, clean_text, kind_row_in, stored_once
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.voting.models import Project
from workshop.workshops.models import Activity, StakeholderGroup, Workshop

# The stored kind of a force-field activity (activity.kind).
FORCES = "forces"
SIDES = forcefield.SIDES
STRENGTHS = range(forcefield.MIN_STRENGTH, forcefield.MAX_STRENGTH + 1)
EFFECTS = ("positive", "negative")
# The form's value for an impact on everyone (stored as no group).
EVERYONE = "everyone"
# What a subject's pages and the report show of each side.
SUMMARY_FORCES = 3


class ForcesRejected(Refused):
    """Nothing was changed; `code` says why (workshop/forces/messages.py)."""

    messages = REFUSALS


class ImpactRejected(ForcesRejected):
    """An observed impact was not stored: a few codes read as the impact's ("Your impact is empty")."""

    messages = IMPACT_REFUSALS


def adopted_orphans(workshop: Workshop) -> list[Project]:
    """The orphan projects a partner carries now, from the workshops this one's
    facilitator may read: a pilot is evaluated in a later session, weeks after
    the workshop that left it orphan."""
    from workshop.orphans.logic import ADOPTED_STAGES
    from workshop.orphans.models import Adoption
    from workshop.workshops.logic import can_read

    carried = select(Adoption.project_id).where(Adoption.stage.in_(ADOPTED_STAGES))
    projects = list(db.session.scalars(select(Project).where(
        Project.status == "orphan_candidate", Project.id.in_(carried)).order_by(Project.id)))
    readable: dict[int, bool] = {}
    for project in projects:
        if project.workshop_id not in readable:
            readable[project.workshop_id] = project.workshop_id == workshop.id or can_read(
                workshop.owner, db.session.get_one(Workshop, project.workshop_id))
    return [project for project in projects if readable[project.workshop_id]]


def subject_project(workshop: Workshop, project_id: int) -> Project:
    """A project a force field may weigh: a priority of this workshop or an adopted orphan project."""
    project = db.session.get(Project, project_id)
    if project is not None and project.workshop_id == workshop.id and project.status == "priority":
        return project
    if project is not None and project in adopted_orphans(workshop):
        return project
    raise ForcesRejected("unknown_subject")


def create(workshop: Workshop, typed_subject: str, project_id: int | None) -> ForceField:
    """A force-field activity at the end of the agenda, on a retained priority,
    an adopted orphan project or a typed subject."""
    project = subject_project(workshop, project_id) if project_id else None
    try:
        subject = project.title if project else clean_text(typed_subject)
    except IdeaRejected:
        raise ForcesRejected("no_subject") from None
    position = workshop.end_of_agenda()
    activity = Activity(workshop_id=workshop.id, kind=FORCES, position=position, prompt=subject[:300])
    db.session.add(activity)
    db.session.flush()
    field = ForceField(activity_id=activity.id, subject=subject, project_id=project.id if project else None)
    db.session.add(field)
    db.session.commit()
    return field


def field_of_activity(activity: Activity) -> ForceField | None:
    return snapshot.once(("force-field-of", activity.id), lambda: db.session.scalar(
        select(ForceField).where(ForceField.activity_id == activity.id)))


def field_in(workshop: Workshop, field_id: int) -> ForceField:
    return kind_row_in(workshop, ForceField, field_id, ForcesRejected("unknown_activity"))


def force_in(field: ForceField, force_id: int) -> Force:
    force = db.session.get(Force, force_id)
    if force is None or force.field_id != field.id:
        raise ForcesRejected("unknown_force")
    return force


def _explanation(text: str) -> str:
    from workshop.security import clean_field

    text = " ".join(clean_field(text or "").split())
    if len(text) > MAX_EXPLANATION_LENGTH:
        raise ForcesRejected("explanation_too_long")
    return text


def _strength(value) -> int:
    try:
        strength = int(value)
    except (TypeError, ValueError):
        raise ForcesRejected("bad_strength") from None
    if strength not in STRENGTHS:
        raise ForcesRejected("bad_strength")
    return strength


def post(field: ForceField, participant: Participant, side: str, strength, text: str, explanation: str,
         key: str) -> tuple[Force, bool]:
    """Store a force; the same submission key sent again returns the first (force, newly_stored)."""

    def make(key: str) -> Force:
        text_ = clean_text(text, MAX_FORCE_LENGTH)
        if side not in SIDES:
            raise ForcesRejected("bad_side")
        force = Force(field_id=field.id, participant_id=participant.id, side=side, strength=_strength(strength),
                      text=text_, explanation=_explanation(explanation), submission_key=key)
        db.session.refresh(field.activity)
        if not field.activity.is_open:
            raise ForcesRejected("closed")
        return force

    return stored_once(Force, participant, key, make, ForcesRejected)


def kept(force: Force) -> Force:
    """The force a duplicate was merged into (itself if it was not)."""
    while force.merged_into_id is not None:
        force = db.session.get_one(Force, force.merged_into_id)
    return force


def agree(field: ForceField, participant: Participant, force_id: int) -> tuple[Force, bool]:
    """One "+1" per phone and force, on the force a duplicate was merged into; (force, newly)."""
    force = kept(force_in(field, force_id))
    db.session.refresh(field.activity)
    if not field.activity.is_open:
        raise ForcesRejected("closed")
    if force.hidden:
        raise ForcesRejected("hidden_force")
    if force.participant_id == participant.id:
        raise ForcesRejected("own_force")
    if db.session.scalar(select(ForceAgreement.id).where(ForceAgreement.force_id == force.id,
                                                         ForceAgreement.participant_id == participant.id)):
        return force, False
    db.session.add(ForceAgreement(force_id=force.id, participant_id=participant.id))
    try:
        db.session.commit()
    except IntegrityError:  # two taps at once: the other one counted
        db.session.rollback()
        return force, False
    return force, True


def marks_of(field: ForceField, participant: Participant) -> tuple[set[int], set[int]]:
    """(forces this phone agreed with, its own forces), as the kept forces the phones list."""
    agreed = {kept(force).id for force in db.session.scalars(
        select(Force).join(ForceAgreement, ForceAgreement.force_id == Force.id)
        .where(Force.field_id == field.id, ForceAgreement.participant_id == participant.id))}
    own = {force.id for force in db.session.scalars(select(Force).where(
        Force.field_id == field.id, Force.participant_id == participant.id, Force.merged_into_id.is_(None)))}
    return agreed - own, own


def set_hidden(force: Force, hidden: bool) -> None:
    force.hidden = hidden
    db.session.commit()


def merge(field: ForceField, keep_id: int, gone_id: int) -> Force:
    """`gone` says the same as `keep`: it and whatever was merged into it join `keep`,
    which takes their ratings and agreements (analysis.forcefield unites them)."""
    keep, gone = kept(force_in(field, keep_id)), kept(force_in(field, gone_id))
    if keep.id == gone.id or keep.side != gone.side:
        raise ForcesRejected("bad_merge")
    db.session.execute(update(Force).where(Force.merged_into_id == gone.id).values(merged_into_id=keep.id))
    gone.merged_into_id = keep.id
    keep.theme = keep.theme or gone.theme  # a duplicate already grouped brings its group
    db.session.commit()
    return keep


def set_theme(field: ForceField, force_id: int, label: str) -> Force:
    """Put a force (the one a duplicate joined) in a group of its side; an empty label takes it out."""
    from workshop.security import clean_field

    force = kept(force_in(field, force_id))
    label = " ".join(clean_field(label or "").split())
    if len(label) > MAX_THEME_LENGTH:
        raise ForcesRejected("theme_too_long")
    force.theme = label or None
    db.session.commit()
    return force


def forces_of(field: ForceField) -> list[Force]:
    return list(db.session.scalars(select(Force).where(Force.field_id == field.id).order_by(Force.id)))


def people_here(field: ForceField) -> int:
    """The participants still in the workshop: the room agreement shares are taken of."""
    return db.session.scalar(select(func.count(Participant.id)).where(
        Participant.workshop_id == field.activity.workshop_id, Participant.left_at.is_(None))) or 0


def posted(field: ForceField, rows: list[Force]) -> list[forcefield.Posted]:
    agreers: dict[int, set[int]] = {}
    for force_id, pid in db.session.execute(
            select(ForceAgreement.force_id, ForceAgreement.participant_id)
            .join(Force, Force.id == ForceAgreement.force_id).where(Force.field_id == field.id)):
        agreers.setdefault(force_id, set()).add(pid)
    return [forcefield.Posted(id=f.id, side=f.side, strength=f.strength, agreers=frozenset(agreers.get(f.id, ())),
                              merged_into=f.merged_into_id, hidden=f.hidden) for f in rows]


@dataclass(frozen=True)
class Drawn:
    """A weighed force with the row it stands for, for the templates."""

    force: Force
    weighed: forcefield.Force


@dataclass(frozen=True)
class Group:
    """Forces of one side the facilitator grouped under `label` (None: not grouped)."""

    label: str | None
    drawn: list[Drawn]
    weight: float


@dataclass(frozen=True)
class FieldView:
    field: ForceField
    weighed: forcefield.Field
    driving: list[Drawn]
    restraining: list[Drawn]
    rows: dict[int, Force]

    @property
    def count(self) -> int:
        return len(self.driving) + len(self.restraining)

    def side(self, side: str) -> list[Drawn]:
        return self.driving if side == forcefield.DRIVING else self.restraining

    def grouped(self, side: str) -> bool:
        return any(d.force.theme for d in self.side(side))

    def groups(self, side: str) -> list[Group]:
        """The side by the facilitator's groups, heaviest first, the forces not grouped last;
        one group without a label when none is grouped."""
        drawn = {d.force.id: d for d in self.side(side)}
        themes = forcefield.themed(self.weighed.side(side), {i: d.force.theme for i, d in drawn.items()})
        return [Group(t.label, [drawn[f.id] for f in t.forces], t.weight) for t in themes]

    def labels(self, side: str) -> list[str]:
        """The group labels of a side, for the control view's suggestions."""
        return [g.label for g in self.groups(side) if g.label]


def view(field: ForceField, include_hidden: bool = False) -> FieldView:
    """The field weighed once per change and shared by every room's render."""
    def compute() -> FieldView:
        rows = forces_of(field)
        by_id = {f.id: f for f in rows}
        weighed = forcefield.aggregate(posted(field, rows), people_here(field), include_hidden=include_hidden)
        return FieldView(field=field, weighed=weighed, rows=by_id,
                         driving=[Drawn(by_id[w.id], w) for w in weighed.driving],
                         restraining=[Drawn(by_id[w.id], w) for w in weighed.restraining])

    return snapshot.once(("force-field", field.id, include_hidden), compute)


def remove_participants(ids: list[int]) -> None:
    """Their forces and "+1"s go; forces merged into one of theirs stand alone again."""
    theirs = select(Force.id).where(Force.participant_id.in_(ids))
    db.session.execute(update(Force).where(Force.merged_into_id.in_(theirs), Force.participant_id.not_in(ids))
                       .values(merged_into_id=None))
    db.session.execute(delete(ForceAgreement).where(ForceAgreement.participant_id.in_(ids)))
    db.session.execute(delete(ForceAgreement).where(ForceAgreement.force_id.in_(theirs)))
    # Their own merges among themselves point at rows about to go.
    db.session.execute(update(Force).where(Force.participant_id.in_(ids)).values(merged_into_id=None))
    db.session.execute(delete(Force).where(Force.participant_id.in_(ids)))
    db.session.execute(delete(ForceImpact).where(ForceImpact.participant_id.in_(ids)))


def personal_data(participant_id: int) -> dict:
    """One person's forces, agreements and impacts, for their Law 25 data export."""
    forces = db.session.scalars(select(Force).where(Force.participant_id == participant_id).order_by(Force.id))
    agreed = db.session.scalars(select(Force).join(ForceAgreement, ForceAgreement.force_id == Force.id)
                                .where(ForceAgreement.participant_id == participant_id).order_by(Force.id))
    return {"forces": [{"side": f.side, "strength": f.strength, "text": f.text, "explanation": f.explanation,
                        "hidden": f.hidden, "sent_at": dates.stamped(f.created_at)} for f in forces],
            "forces_agreed": [f.text for f in agreed],
            "force_impacts": [{"effect": i.effect, "text": i.text, "affected": i.group.name if i.group else EVERYONE,
                               "hidden": i.hidden, "sent_at": dates.stamped(i.created_at)}
                              for i in db.session.scalars(select(ForceImpact).where(
                                  ForceImpact.participant_id == participant_id).order_by(ForceImpact.id))]}


# --- impacts --------------------------------------------------------------------------

def _affected(field: ForceField, affected: str) -> int | None:
    """The group an impact affects, one of the workshop's; None for everyone."""
    if affected == EVERYONE:
        return None
    try:
        group = db.session.get(StakeholderGroup, int(affected))
    except (TypeError, ValueError):
        group = None
    if group is None or group.workshop_id != field.activity.workshop_id:
        raise ForcesRejected("bad_affected")
    return group.id


def post_impact(field: ForceField, participant: Participant, effect: str, text: str, affected: str,
                key: str) -> tuple[ForceImpact, bool]:
    """Store an observed impact; the same submission key sent again returns the first."""

    def make(key: str) -> ForceImpact:
        text_ = clean_text(text, MAX_IMPACT_LENGTH)
        if effect not in EFFECTS:
            raise ImpactRejected("bad_effect")
        impact = ForceImpact(field_id=field.id, participant_id=participant.id, effect=effect, text=text_,
                             group_id=_affected(field, affected), submission_key=key)
        db.session.refresh(field.activity)
        if not field.activity.is_open:
            raise ImpactRejected("closed")
        return impact

    return stored_once(ForceImpact, participant, key, make, ImpactRejected)


def impact_in(field: ForceField, impact_id: int) -> ForceImpact:
    impact = db.session.get(ForceImpact, impact_id)
    if impact is None or impact.field_id != field.id:
        raise ForcesRejected("unknown_impact")
    return impact


def set_impact_hidden(impact: ForceImpact, hidden: bool) -> None:
    impact.hidden = hidden
    db.session.commit()


def impacts_of(field: ForceField) -> list[ForceImpact]:
    return list(db.session.scalars(select(ForceImpact).where(ForceImpact.field_id == field.id)
                                   .order_by(ForceImpact.id)))


@dataclass(frozen=True)
class ImpactsView:
    """Impacts newest first (a fresh one reaches the screen first), by effect."""

    positive: list[ForceImpact]
    negative: list[ForceImpact]

    @property
    def count(self) -> int:
        return len(self.positive) + len(self.negative)

    def of(self, effect: str) -> list[ForceImpact]:
        return self.positive if effect == "positive" else self.negative


def impacts_view(field: ForceField, include_hidden: bool = False) -> ImpactsView:
    def compute() -> ImpactsView:
        shown = [i for i in reversed(impacts_of(field)) if include_hidden or not i.hidden]
        return ImpactsView(positive=[i for i in shown if i.effect == "positive"],
                           negative=[i for i in shown if i.effect == "negative"])

    return snapshot.once(("force-impacts", field.id, include_hidden), compute)


# --- the result, where the subject is ---------------------------------------------------

@dataclass(frozen=True)
class Summary:
    """What a force field concluded: the balance, each side's strongest forces
    and the impacts, for the subject's pages, the report and its diagram."""

    field: ForceField
    weighed: forcefield.Field
    driving: list[Drawn]
    restraining: list[Drawn]
    impacts: ImpactsView
    # Every shown force, for the groups of each side.
    view: FieldView

    @property
    def balance(self) -> float:
        return self.weighed.balance

    @property
    def forces(self) -> int:
        return len(self.weighed.driving) + len(self.weighed.restraining)

    @property
    def heaviest(self) -> float:
        return max((d.weighed.weight for d in self.driving + self.restraining), default=0.0)


def summary_of(field: ForceField, strongest: int = SUMMARY_FORCES) -> Summary:
    shown = view(field)
    return Summary(field=field, weighed=shown.weighed, driving=shown.driving[:strongest],
                   restraining=shown.restraining[:strongest], impacts=impacts_view(field), view=shown)


def summaries_for_project(project: Project, reader) -> list[Summary]:
    """Every force field held on this project (a priority may be weighed twice),
    oldest first, that `reader` may read: an orphan project may be weighed in
    another facilitator's workshop, which this page's reader may not see."""
    from workshop.workshops.logic import can_read

    fields = db.session.scalars(select(ForceField).where(ForceField.project_id == project.id)
                                .order_by(ForceField.id))
    return [summary_of(field) for field in fields if can_read(reader, field.activity.workshop)]


def fields_of(workshop: Workshop) -> list[ForceField]:
    """The workshop's force fields in agenda order."""
    return list(db.session.scalars(select(ForceField).join(Activity, Activity.id == ForceField.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Activity.position)))


def summaries_of_workshop(workshop: Workshop, strongest: int = SUMMARY_FORCES) -> list[Summary]:
    """The workshop's force fields in agenda order, for the session report."""
    return [summary_of(field, strongest) for field in fields_of(workshop)]

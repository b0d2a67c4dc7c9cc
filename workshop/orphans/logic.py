"""Orphan-project rules: organisations, offers, stage changes with a dated
timeline, expressions of interest, follow-ups and figures."""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from workshop.extensions import db
from workshop.orphans import pipeline
from workshop.orphans.models import ORGANISATION_KINDS, Adoption, AdoptionEvent, Interest, Organisation
from workshop.voting.models import Project
from workshop.workshops.logic import utcnow

FOLLOW_UP_AFTER = timedelta(days=14)  # a first follow-up two weeks after an offer
ORGANISATION_FIELDS = ("name", "kind", "sector", "territory", "contact_name", "contact_email", "mission", "interests")


MAX_DESCRIPTION_LENGTH = 5000


class OrphansRejected(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def can_coordinate(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.role in ("coordinator", "admin"))


def orphan_projects(include_all: bool = False) -> list[Project]:
    statuses = ("orphan_candidate", "priority") if include_all else ("orphan_candidate",)
    return list(db.session.scalars(select(Project).where(Project.status.in_(statuses)).order_by(Project.id)))


def save_organisation(organisation: Organisation | None, data: dict) -> Organisation:
    name = " ".join((data.get("name") or "").split())
    if not name:
        raise OrphansRejected("name_required")
    kind = data.get("kind") or "other"
    if kind not in ORGANISATION_KINDS:
        raise OrphansRejected("bad_kind")
    email = (data.get("contact_email") or "").strip()
    if email and "@" not in email:
        raise OrphansRejected("bad_email")
    organisation = organisation or Organisation()
    for field in ORGANISATION_FIELDS:
        value = (data.get(field) or "").strip()
        setattr(organisation, field, value)
    organisation.name, organisation.kind = name[:200], kind
    db.session.add(organisation)
    db.session.commit()
    return organisation


def describe(project: Project, description: str | None, needs: str | None) -> None:
    """The coordinator's words for partner organisations: what the project is, what it needs."""
    description, needs = (description or "").strip(), (needs or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH or len(needs) > MAX_DESCRIPTION_LENGTH:
        raise OrphansRejected("long_description")
    project.description, project.needs = description, needs
    db.session.commit()


def archive(organisation: Organisation) -> None:
    """Never deleted: its adoptions and their history stay readable."""
    organisation.archived = True
    db.session.commit()


def organisations(include_archived: bool = False) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name)
    if not include_archived:
        query = query.where(Organisation.archived.is_(False))
    return list(db.session.scalars(query))


def offer(project: Project, organisation: Organisation, by: str, note: str = "") -> Adoption:
    """Propose a project to an organisation (once per pair)."""
    if organisation.archived:
        raise OrphansRejected("archived")
    existing = db.session.scalar(select(Adoption).where(Adoption.project_id == project.id,
                                                        Adoption.organisation_id == organisation.id))
    if existing is not None:
        raise OrphansRejected("already_offered")
    adoption = Adoption(project_id=project.id, organisation_id=organisation.id, stage="proposed",
                        next_follow_up=date.today() + FOLLOW_UP_AFTER)
    adoption.events = [AdoptionEvent(stage_from=None, stage_to="proposed", note=note.strip(), by=by)]
    db.session.add(adoption)
    db.session.commit()
    return adoption


def move(adoption: Adoption, stage: str, note: str, by: str, next_follow_up: date | None = None) -> None:
    """Change an adoption's stage, dated, with who and why. When one organisation
    adopts, the project's other open offers are declined, with a note saying so."""
    try:
        pipeline.check_move(adoption.stage, stage, note or "")
    except pipeline.StageRefused as refused:
        raise OrphansRejected(refused.code) from None
    adoption.events.append(AdoptionEvent(stage_from=adoption.stage, stage_to=stage, note=(note or "").strip(), by=by))
    adoption.stage = stage
    adoption.next_follow_up = next_follow_up if pipeline.is_open(stage) else None
    if pipeline.is_open(stage) and adoption.next_follow_up is None:
        adoption.next_follow_up = date.today() + FOLLOW_UP_AFTER
    if stage == "adopted":
        for other in adoptions_of(adoption.project):
            if other.id != adoption.id and pipeline.is_open(other.stage):
                other.events.append(AdoptionEvent(stage_from=other.stage, stage_to="declined", by=by,
                                                  note=f"→ {adoption.organisation.name}"))
                other.stage, other.next_follow_up = "declined", None
    db.session.commit()


def set_follow_up(adoption: Adoption, when: date | None) -> None:
    if not pipeline.is_open(adoption.stage):
        raise OrphansRejected("closed_adoption")
    adoption.next_follow_up = when
    db.session.commit()


def adoptions_of(project: Project) -> list[Adoption]:
    return list(db.session.scalars(select(Adoption).where(Adoption.project_id == project.id).order_by(Adoption.id)))


def all_adoptions() -> list[Adoption]:
    return list(db.session.scalars(select(Adoption).order_by(Adoption.id)))


def express_interest(project: Project, organisation_name: str, contact_name: str, contact_email: str,
                     message: str) -> Interest:
    """From the public catalogue; it counts once a coordinator confirms it."""
    if project.status not in ("orphan_candidate",):
        raise OrphansRejected("not_offered")
    name, contact = " ".join(organisation_name.split())[:200], " ".join(contact_name.split())[:120]
    email = contact_email.strip()[:254]
    if not name or not contact or "@" not in email:
        raise OrphansRejected("interest_incomplete")
    interest = Interest(project_id=project.id, organisation_name=name, contact_name=contact,
                        contact_email=email, message=(message or "").strip()[:2000])
    db.session.add(interest)
    db.session.commit()
    return interest


def pending_interests() -> list[Interest]:
    return list(db.session.scalars(select(Interest).where(Interest.confirmed_adoption_id.is_(None),
                                                          Interest.dismissed.is_(False)).order_by(Interest.id)))


def confirm_interest(interest: Interest, by: str) -> Adoption:
    """The organisation (found by name, or created) moves to "interested" for the project."""
    organisation = db.session.scalar(select(Organisation).where(Organisation.name == interest.organisation_name,
                                                                Organisation.archived.is_(False)))
    if organisation is None:
        organisation = save_organisation(None, {"name": interest.organisation_name,
                                                "contact_name": interest.contact_name,
                                                "contact_email": interest.contact_email})
    adoption = db.session.scalar(select(Adoption).where(Adoption.project_id == interest.project_id,
                                                        Adoption.organisation_id == organisation.id))
    if adoption is None:
        adoption = offer(interest.project, organisation, by, note="")
    if adoption.stage == "proposed":
        move(adoption, "interested", interest.message or "", by)
    interest.confirmed_adoption_id = adoption.id
    db.session.commit()
    return adoption


def follow_ups(today: date | None = None) -> tuple[list[Adoption], list[Adoption]]:
    """(overdue, due within a week) open adoptions."""
    today = today or date.today()
    open_ones = [a for a in all_adoptions() if pipeline.is_open(a.stage) and a.next_follow_up]
    overdue = [a for a in open_ones if a.next_follow_up < today]
    due = [a for a in open_ones if today <= a.next_follow_up <= today + timedelta(days=7)]
    return sorted(overdue, key=lambda a: a.next_follow_up), sorted(due, key=lambda a: a.next_follow_up)


def counts(adoptions: list[Adoption]) -> dict[str, int]:
    """Offers made, and how many reached "interested", "adopted" (skipped stages count)
    or are "realised" now: the dashboard's figures, also per workshop in the program view."""
    reached = [pipeline.reached(e.stage_to for e in a.events) for a in adoptions]
    return {"proposed": len(adoptions),
            "interested": sum("interested" in r for r in reached),
            "adopted": sum("adopted" in r for r in reached),
            "realised": sum(a.stage == "realised" for a in adoptions)}


def figures() -> dict:
    """Dashboard figures over every adoption."""
    adoptions = all_adoptions()
    reached = {a.id: pipeline.reached(e.stage_to for e in a.events) for a in adoptions}
    days = []
    for a in adoptions:
        adopted = pipeline.adopted_at(a.events)
        if adopted:
            days.append((adopted - a.events[0].at).days)
    adopted_ids = [a for a in adoptions if "adopted" in reached[a.id]]
    return {
        **counts(adoptions),
        "median_days_to_adoption": statistics.median(days) if days else None,
        "by_kind": Counter(a.organisation.kind for a in adopted_ids),
        "by_territory": Counter(a.organisation.territory or "—" for a in adopted_ids),
    }


def pipeline_csv() -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["project", "organisation", "kind", "territory", "stage", "next_follow_up", "last_change", "last_note"])
    for a in all_adoptions():
        last = a.events[-1] if a.events else None
        writer.writerow([a.project.title, a.organisation.name, a.organisation.kind, a.organisation.territory, a.stage,
                         a.next_follow_up.isoformat() if a.next_follow_up else "",
                         last.at.isoformat() if last else "", last.note if last else ""])
    return out.getvalue()


def follow_ups_ics(now=None) -> str:
    """Every open adoption's next follow-up as an all-day calendar event."""
    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//living-lab workshop//orphan projects//FR"]
    for a in all_adoptions():
        if not (pipeline.is_open(a.stage) and a.next_follow_up):
            continue
        summary = f"{a.project.title[:60]} — {a.organisation.name}".replace("\n", " ")
        for char in ("\\", ";", ","):
            summary = summary.replace(char, "\\" + char)
        lines += ["BEGIN:VEVENT", f"UID:adoption-{a.id}@workshop", f"DTSTAMP:{stamp}",
                  f"DTSTART;VALUE=DATE:{a.next_follow_up.strftime('%Y%m%d')}", f"SUMMARY:{summary}", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def organisations_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[*ORGANISATION_FIELDS, "archived"])
    writer.writeheader()
    for o in organisations(include_archived=True):
        writer.writerow({**{f: getattr(o, f) for f in ORGANISATION_FIELDS}, "archived": o.archived})
    return out.getvalue()


def import_organisations(text: str) -> int:
    """Add (or update, by name) organisations from a CSV with the export's columns."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if "name" not in (reader.fieldnames or []):
        raise OrphansRejected("csv_columns")
    count = 0
    rows = list(reader)
    for row in rows:
        if not (row.get("name") or "").strip():
            continue
        existing = db.session.scalar(select(Organisation).where(Organisation.name == row["name"].strip()))
        row = {**row, "kind": row.get("kind") if row.get("kind") in ORGANISATION_KINDS else "other"}
        save_organisation(existing, row)
        count += 1
    return count


def origin(project: Project) -> dict:
    """Where a project comes from: workshop, source ideas, theme, votes received
    in each round, and the six-hats comments made on it."""
    from workshop.hats.models import HatComment, HatSubject
    from workshop.ideas.models import Idea
    from workshop.themes.models import Theme
    from workshop.voting.logic import results
    from workshop.voting.models import Round, RoundItem
    from workshop.workshops.models import Workshop

    ideas = []
    if project.idea_id:
        ideas = [db.session.get(Idea, project.idea_id)]
    elif project.theme_id:
        ideas = list(db.session.scalars(select(Idea).where(Idea.theme_id == project.theme_id, Idea.hidden.is_(False))))
    votes = []
    for round_ in db.session.scalars(select(Round).join(RoundItem, RoundItem.round_id == Round.id)
                                     .where(RoundItem.project_id == project.id).order_by(Round.id)):
        tally = results(round_).item(project.id)
        votes.append({"round": round_.activity.prompt, "rank": tally.rank, "score": tally.score, "voters": tally.voters})
    comments = list(db.session.scalars(select(HatComment).join(HatSubject, HatSubject.id == HatComment.subject_id)
                                       .where(HatSubject.project_id == project.id, HatComment.hidden.is_(False))
                                       .order_by(HatComment.id)))
    return {"workshop": db.session.get(Workshop, project.workshop_id),
            "theme": db.session.get(Theme, project.theme_id) if project.theme_id else None,
            "ideas": ideas, "votes": votes, "comments": comments}

"""Orphan-project rules: organisations, offers, stage changes with a dated
timeline, expressions of interest, follow-ups and figures."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, func, select

from analysis.csv_files import Table, first_of_each
from analysis.text import shortened
from workshop import dates, uploads
from workshop.dates import typed_date
from workshop.extensions import db
from workshop.orphans import pipeline
from workshop.orphans.messages import REFUSALS
from workshop.orphans.models import (
    DECLINE_REASONS,
    ENTRY_KINDS,
    ORGANISATION_KINDS,
    Adoption,
    AdoptionEvent,
    Interest,
    Listing,
    Organisation,
    ProgressUpdate,
    folded,
    normalised,
)
from workshop.refusals import Refused
from workshop.voting.models import Project
from workshop.workshops.logic import utcnow

FOLLOW_UP_AFTER = timedelta(days=14)  # a first follow-up two weeks after an offer
ORGANISATION_FIELDS = ("name", "kind", "sector", "territory", "contact_name", "contact_email", "mission", "interests")


MAX_DESCRIPTION_LENGTH = 5000


class OrphansRejected(Refused):
    """A coordinator's (or a partner's) command refused; `code` says why
    (workshop/orphans/messages.py)."""

    messages = REFUSALS


def parse_date(raw: str | None) -> date | None:
    """A follow-up date as the coordinator types it (workshop/dates.py)."""
    return typed_date(raw, OrphansRejected("bad_date"))


def can_coordinate(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.role in ("coordinator", "admin"))


def orphan_projects(include_all: bool = False) -> list[Project]:
    statuses = ("orphan_candidate", "priority") if include_all else ("orphan_candidate",)
    return list(db.session.scalars(select(Project).where(Project.status.in_(statuses)).order_by(Project.id)))


# Types as people write them (normalised), for the import and the forms.
KIND_SYNONYMS = {
    "entreprise": "business", "commerce": "business", "compagnie": "business", "cooperative": "business",
    "organisme": "community", "organisme communautaire": "community", "communautaire": "community",
    "obnl": "community", "osbl": "community", "association": "community", "community organisation": "community",
    "education": "education", "etablissement d enseignement": "education", "cegep": "education",
    "universite": "education", "ecole": "education", "centre de services scolaire": "education",
    "educational institution": "education",
    "municipalite": "municipality", "ville": "municipality", "mrc": "municipality", "municipalite mrc": "municipality",
    "municipality rcm": "municipality", "rcm": "municipality",
    "ministere": "ministry", "gouvernement": "ministry", "recherche": "research", "autre": "other",
    # as public registries write them
    "organisme sans but lucratif": "community", "organisme a but non lucratif": "community",
    "organisme de bienfaisance": "community", "organisme communautaire autonome": "community", "nonprofit": "community",
    "non profit": "community", "charity": "community", "entreprise privee": "business",
    "entreprise d economie sociale": "business", "economie sociale": "business", "cooperative de solidarite": "business",
    "societe par actions": "business", "private company": "business", "company": "business",
    "municipalite regionale de comte": "municipality", "conseil de bande": "municipality",
    "organisme public": "ministry", "gouvernement du quebec": "ministry", "gouvernement du canada": "ministry",
    "government": "ministry", "centre de recherche": "research", "research centre": "research",
    "research center": "research", "college": "education", "university": "education", "school": "education",
    "centre collegial de transfert de technologie": "research", "cctt": "research",
}
# The RCMs of Saguenay–Lac-Saint-Jean as they are written, and Ville de Saguenay
# (which counts as one): the default list.
TERRITORY_SYNONYMS = {"ville de saguenay": "Saguenay", "chicoutimi": "Saguenay", "jonquiere": "Saguenay",
                      "la baie": "Saguenay", "roberval": "MRC du Domaine-du-Roy",
                      "saint felicien": "MRC du Domaine-du-Roy", "dolbeau mistassini": "MRC de Maria-Chapdelaine",
                      "alma": "MRC de Lac-Saint-Jean-Est"}


def _territory_keys(name: str) -> set[str]:
    """"MRC du Fjord-du-Saguenay" is also written "Fjord-du-Saguenay", "Le Fjord-du-Saguenay", "MRC Fjord…"."""
    key = normalised(name)
    bare = re.sub(r"^mrc (du |de |de la |des )?", "", key)
    return {key, bare, f"le {bare}", f"mrc {bare}", f"mrc du {bare}", f"mrc de {bare}"}


def kind_of(raw: str | None) -> str | None:
    """A type as typed ("municipalité", "OBNL", "education") → its code; None if unknown."""
    key = normalised(raw or "")
    if not key:
        return "other"
    if key in ORGANISATION_KINDS:
        return key
    return KIND_SYNONYMS.get(key)


def kind_words() -> dict[str, str]:
    """Each type of organisation in the reader's words: the pages (orphans/_labels.html)
    and the exports say the same, and kind_of reads them back."""
    from flask_babel import gettext as _

    return {"business": _("business"), "community": _("community organisation"),
            "education": _("educational institution"), "municipality": _("municipality / RCM"),
            "ministry": _("ministry"), "research": _("research"), "other": _("other")}


def territories() -> list[str]:
    """The territories the coordinator's forms offer: the TERRITORIES setting
    (the RCMs of Saguenay–Lac-Saint-Jean by default)."""
    from flask import current_app

    return current_app.config["TERRITORIES"]


def territory_of(raw: str | None) -> str:
    """A territory as typed → its name on the list ("Maria-Chapdelaine", "alma",
    "Le Fjord-du-Saguenay"); kept as typed when it is not a known one."""
    typed = " ".join((raw or "").split())
    keys = _territory_keys(typed)
    for name in territories():
        if keys & _territory_keys(name) and normalised(typed):
            return name
    return TERRITORY_SYNONYMS.get(normalised(typed), typed)


def named_like(name: str) -> Organisation | None:
    """The organisation already listed (neither archived nor merged) whose name is this one,
    case, accents and punctuation aside: a second click on "Add" must not make two."""
    wanted = folded(name)
    if not wanted:
        return None
    return db.session.scalar(select(Organisation).where(
        Organisation.name_folded == wanted, Organisation.merged_into_id.is_(None)).limit(1))


def refuse_a_second(name: str, found: Organisation | None = None) -> None:
    """Adding, or renaming to, the name of another organisation in the list makes two
    that the pickers, the import and the coordinator cannot tell apart. (Confirming an
    interest may make a namesake on purpose: the coordinator said it is another one.)"""
    same = named_like(name)
    if same is not None and (found is None or same.id != found.id):
        raise OrphansRejected("organisation_exists")


def save_organisation(organisation: Organisation | None, data: dict) -> Organisation:
    name = " ".join((data.get("name") or "").split())
    if not name:
        raise OrphansRejected("name_required")
    kind = kind_of(data.get("kind"))
    if kind is None:
        raise OrphansRejected("bad_kind")
    email = (data.get("contact_email") or "").strip()
    if email and "@" not in email:
        raise OrphansRejected("bad_email")
    values = {field: (data.get(field) or "").strip() for field in ORGANISATION_FIELDS}
    for field, value in values.items():  # as the import checks them: the columns' sizes, on every database
        if len(value) > IMPORT_FIELD_LIMITS[field]:
            raise OrphansRejected("field_too_long", field=field, limit=IMPORT_FIELD_LIMITS[field])
    organisation = organisation or Organisation()
    for field, value in values.items():
        setattr(organisation, field, value)
    organisation.name, organisation.kind = name[:200], kind
    organisation.territory = territory_of(organisation.territory)[:120]
    db.session.add(organisation)
    db.session.commit()
    return organisation


def describe(project: Project, description: str | None, needs: str | None) -> None:
    """The coordinator's words for partner organisations: what the project is, what it needs."""
    description, needs = (description or "").strip(), (needs or "").strip()
    if len(description) > MAX_DESCRIPTION_LENGTH or len(needs) > MAX_DESCRIPTION_LENGTH:
        raise OrphansRejected("long_description", limit=MAX_DESCRIPTION_LENGTH)
    project.description, project.needs = description, needs
    db.session.commit()


def archive(organisation: Organisation) -> None:
    """Never deleted: its adoptions and their history stay readable."""
    organisation.archived = True
    db.session.commit()


def organisations(include_archived: bool = False) -> list[Organisation]:
    query = select(Organisation).order_by(Organisation.name_folded, Organisation.id)
    if not include_archived:
        query = query.where(Organisation.archived.is_(False))
    return list(db.session.scalars(query))


ORGANISATIONS_PER_PAGE = 50


@dataclass(frozen=True)
class OrganisationsPage:
    organisations: list[Organisation]
    page: int
    pages: int
    total: int


def organisations_page(page: int, search: str = "", per_page: int = ORGANISATIONS_PER_PAGE) -> OrganisationsPage:
    """One page of every organisation (archived ones too), by name, with the
    number of pages. A count and one LIMIT/OFFSET query: after a 50,000-row
    import the list stays a page, not 50,000 rows. The id breaks ties between
    equal names, so that no organisation shows on two pages or on none. A page
    past the end shows the last one (an organisation archived or merged since
    the link was made)."""
    where: list[ColumnElement[bool]] = []
    wanted = folded(search)  # as the picker searches: "jonquiere" finds "Jonquière"
    if wanted:
        where.append(Organisation.name_folded.like(_anywhere(wanted), escape="\\"))
    return OrganisationsPage(*_page_of(where, Organisation.name_folded, page, per_page))


def _page_of(where: list[ColumnElement[bool]], by, page: int, per_page: int) -> tuple[list[Organisation], int, int, int]:
    """(rows, page, pages, total) of the organisations `where` holds, by `by`
    then id: a count and one LIMIT/OFFSET query; a page past the end is the last."""
    total = db.session.scalar(select(func.count(Organisation.id)).where(*where)) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(select(Organisation).where(*where).order_by(by, Organisation.id)
                              .limit(per_page).offset((page - 1) * per_page))
    return list(rows), page, pages, total


def _anywhere(text: str) -> str:
    """A LIKE pattern for `text` anywhere, escaped with a backslash: a typed
    "%" or "_" is itself, never a wildcard (a folded search has neither, but
    the escape keeps that true whatever the fold becomes)."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


PICKER_SIZE = 20


@dataclass(frozen=True)
class PickedOrganisations(OrganisationsPage):
    """A page of a picker's choices, with the search it answers."""

    search: str = ""


def picked_organisations(search: str = "", page: int = 1, exclude: int | None = None,
                         per_page: int = PICKER_SIZE) -> PickedOrganisations:
    """A page of the organisations one may offer a project to or merge into
    (neither archived nor merged), whose name holds the search with case,
    accents and punctuation set aside ("cegep" finds "Cégep de Jonquière"),
    by their folded names. A count and one page of rows, searched with LIKE
    on the stored fold (Organisation.name_folded): after a 50,000-row import
    a picker is 20 choices, not 50,000 options, and no name is folded per
    keystroke. `exclude` leaves one out (the organisation being merged)."""
    where: list[ColumnElement[bool]] = [Organisation.archived.is_(False), Organisation.merged_into_id.is_(None)]
    wanted = folded(search)
    if wanted:
        where.append(Organisation.name_folded.like(_anywhere(wanted), escape="\\"))
    if exclude is not None:
        where.append(Organisation.id != exclude)
    return PickedOrganisations(*_page_of(where, Organisation.name_folded, page, per_page), search=search.strip())


def pickable(organisation_id: int | None, exclude: int | None = None) -> Organisation | None:
    """The organisation a picker posted, if it may be picked: it exists, is
    neither archived nor merged, and is not the one left out."""
    found = db.session.get(Organisation, organisation_id) if organisation_id else None
    if found is None or found.archived or found.merged_into_id or found.id == exclude:
        return None
    return found


def organisation_profiles() -> list[tuple]:
    """(id, name, kind, sector, territory, mission, interests) of every active
    organisation, as matching reads them: plain rows, not 50,000 objects."""
    return [tuple(row) for row in db.session.execute(select(
        Organisation.id, Organisation.name, Organisation.kind, Organisation.sector, Organisation.territory,
        Organisation.mission, Organisation.interests).where(Organisation.archived.is_(False)))]


SUGGESTION_POOL = 2_000


def suggestion_pool(project_text: str, profiles: list[tuple], territory: str | None = None, kind: str | None = None,
                    size: int = SUGGESTION_POOL) -> list[tuple]:
    """The organisations matching ranks for a project's suggestions: all of
    them up to `size`; beyond, those sharing the most of the project's rarer
    words (a word shared by fewer organisations weighs more), after the
    territory and type asked. Ranking 50,000 took 7 s a page; the best fits
    share the project's words anyway."""
    if len(profiles) <= size:
        return profiles
    if territory:
        profiles = [row for row in profiles if folded(row[4] or "") == folded(territory)]
    if kind:
        profiles = [row for row in profiles if row[2] == kind]
    wanted = {word for word in folded(project_text).split() if len(word) > 3}
    shared = [wanted & set(folded(" ".join(filter(None, (row[1], row[3], row[5], row[6])))).split())
              for row in profiles]
    frequency = Counter(word for words in shared for word in words)
    weight = [sum(1 / frequency[word] for word in words) for words in shared]
    ranked = sorted((i for i in range(len(profiles)) if weight[i]), key=lambda i: -weight[i])
    return [profiles[i] for i in ranked[:size]]


def organisations_by_id(ids: list[int]) -> dict[int, Organisation]:
    return {o.id: o for o in db.session.scalars(select(Organisation).where(Organisation.id.in_(ids)))} if ids else {}


def organisations_on_board() -> list[Organisation]:
    """The organisations with an offer: the only ones the board can be filtered by."""
    return list(db.session.scalars(select(Organisation).where(
        Organisation.id.in_(select(Adoption.organisation_id))).order_by(Organisation.name_folded, Organisation.id)))


def has_organisations() -> bool:
    return db.session.scalar(select(Organisation.id).where(Organisation.archived.is_(False)).limit(1)) is not None


def offer(project: Project, organisation: Organisation, by: str, note: str = "") -> Adoption:
    """Propose a project to an organisation (once per pair)."""
    if organisation.archived:
        raise OrphansRejected("archived")
    existing = db.session.scalar(select(Adoption).where(Adoption.project_id == project.id,
                                                        Adoption.organisation_id == organisation.id))
    if existing is not None:
        raise OrphansRejected("already_offered")
    adoption = Adoption(project_id=project.id, organisation_id=organisation.id, stage="proposed",
                        next_follow_up=dates.today() + FOLLOW_UP_AFTER)
    adoption.events = [AdoptionEvent(stage_from=None, stage_to="proposed", note=note.strip(), by=by)]
    db.session.add(adoption)
    db.session.commit()
    return adoption


OTHERS_CHOICES = ("co_adopt", "keep", "decline")  # what adopting does to the project's other open offers


def other_open_offers(adoption: Adoption) -> list[Adoption]:
    """The project's other offers still waiting for an answer (proposed or interested)."""
    return [o for o in adoptions_of(adoption.project)
            if o.id != adoption.id and o.stage in ("proposed", "interested")]


def adopts(adoption: Adoption, stage: str) -> bool:
    """Whether moving the offer to `stage` makes it an adoption (adopted, in progress
    or realised, from a stage before them): the moment to ask what becomes of the
    project's other open offers, whichever of the three the coordinator chose."""
    return stage in ADOPTED_STAGES and adoption.stage not in ADOPTED_STAGES


def move(adoption: Adoption, stage: str, note: str, by: str, next_follow_up: date | None = None,
         others: str | None = None, reason: str = "") -> None:
    """Change an adoption's stage, dated, with who and why. Declining or abandoning
    says why (one of DECLINE_REASONS). Adopting (`adopts`) leaves the project's other open
    offers as they are unless the coordinator chose (`others`): co-adopters, kept
    open, or declined with a note. Nothing is ever declined silently; the views
    ask for the choice whenever other offers are open."""
    note = (note or "").strip()
    try:
        pipeline.check_move(adoption.stage, stage, note)
    except pipeline.StageRefused as refused:
        raise OrphansRejected(refused.code, **refused.params) from None
    if stage in ("declined", "abandoned") and reason not in DECLINE_REASONS:
        raise OrphansRejected("reason_required")
    waiting = other_open_offers(adoption) if adopts(adoption, stage) else []
    if others is not None and others not in OTHERS_CHOICES:
        raise OrphansRejected("others_choice_required")
    if waiting and others == "decline" and not note:
        raise OrphansRejected("decline_note_required")
    if not pipeline.is_open(stage):
        next_follow_up = None  # an end has no follow-up: a date typed in the same form does not apply
    refuse_a_past(next_follow_up)
    _change_stage(adoption, stage, note, by, next_follow_up, reason if stage in ("declined", "abandoned") else "")
    for other in waiting:
        if others == "co_adopt":
            _change_stage(other, "adopted", f"{note} ⇄ {adoption.organisation.name}".strip(), by)  # co-adopters
        elif others == "decline":
            _change_stage(other, "declined", note, by, reason="adopted_elsewhere")
    db.session.commit()


def _change_stage(adoption: Adoption, stage: str, note: str, by: str, next_follow_up: date | None = None,
                  reason: str = "") -> None:
    adoption.events.append(AdoptionEvent(stage_from=adoption.stage, stage_to=stage, note=note, by=by, kind="stage",
                                         reason=reason))
    adoption.stage = stage
    adoption.next_follow_up = (next_follow_up or dates.today() + FOLLOW_UP_AFTER) if pipeline.is_open(stage) else None


def log_contact(adoption: Adoption, kind: str, note: str, by: str, contact: str = "", on: date | None = None,
                next_follow_up: date | None = None) -> AdoptionEvent:
    """A call, an email, a meeting or a note on the offer's timeline, without
    changing its stage; it may move the next follow-up too."""
    if kind not in ENTRY_KINDS:
        raise OrphansRejected("unknown_entry")
    note, contact = (note or "").strip(), " ".join((contact or "").split())[:200]
    if not note:
        raise OrphansRejected("entry_note_required")
    if next_follow_up and not pipeline.is_open(adoption.stage):
        raise OrphansRejected("closed_adoption")
    if on is not None and on < offered_on(adoption):
        raise OrphansRejected("before_offer", offered=offered_on(adoption))
    refuse_a_future(on)
    refuse_a_past(next_follow_up)
    entry = AdoptionEvent(stage_from=adoption.stage, stage_to=adoption.stage, kind=kind, note=note[:5000],
                          contact=contact, by=by)
    if on is not None:
        entry.at = datetime.combine(on, time(12))
    adoption.events.append(entry)
    if next_follow_up:
        adoption.next_follow_up = next_follow_up
    db.session.commit()
    return entry


def offered_on(adoption: Adoption) -> date:
    """The day the offer was made, on Québec's clock."""
    return dates.local(adoption.created_at).date() if adoption.created_at else dates.today()


def refuse_a_past(follow_up: date | None) -> None:
    """A next follow-up is a day to come (today counts): a past one is a typo
    that would sit overdue on the board from the moment it is saved."""
    if follow_up is not None and follow_up < dates.today():
        raise OrphansRejected("follow_up_past")


def refuse_a_future(on: date | None) -> None:
    """What is logged (a call, a public update) happened: a day to come is a typo
    of the year that would sit last on the timeline and pass for the latest news."""
    if on is not None and on > dates.today():
        raise OrphansRejected("not_yet")


def timeline(adoption: Adoption) -> list[AdoptionEvent]:
    """The offer's entries by date (a call logged late sits where it happened)."""
    return sorted(adoption.events, key=lambda e: (e.at or datetime.max, e.id or 0))


def set_follow_up(adoption: Adoption, when: date | None, by: str = "") -> None:
    """Reschedule the next follow-up at any time, kept on the timeline."""
    if not pipeline.is_open(adoption.stage):
        raise OrphansRejected("closed_adoption")
    if when is None:
        raise OrphansRejected("bad_date")
    refuse_a_past(when)
    adoption.events.append(AdoptionEvent(stage_from=adoption.stage, stage_to=adoption.stage, kind="follow_up",
                                         note=when.isoformat(), by=by or "—"))
    adoption.next_follow_up = when
    db.session.commit()


def adoptions_of(project: Project) -> list[Adoption]:
    return list(db.session.scalars(select(Adoption).where(Adoption.project_id == project.id).order_by(Adoption.id)))


def confirmed_interests(project: Project) -> dict[int, list[Interest]]:
    """The expressions of interest confirmed into each of the project's offers (by
    offer id): the person who wrote and how to reach them stay on the offer, where
    the coordinator follows it up, and the Law 25 erasure finds them in one place."""
    found: dict[int, list[Interest]] = {}
    for interest in db.session.scalars(select(Interest).where(Interest.project_id == project.id,
                                                              Interest.confirmed_adoption_id.is_not(None))
                                       .order_by(Interest.id)):
        found.setdefault(interest.confirmed_adoption_id or 0, []).append(interest)
    return found


def all_adoptions(workshop_ids: list[int] | None = None) -> list[Adoption]:
    """Every offer, or those of these workshops' projects."""
    query = select(Adoption).order_by(Adoption.id)
    if workshop_ids is not None:
        query = query.join(Project, Project.id == Adoption.project_id).where(Project.workshop_id.in_(workshop_ids))
    return list(db.session.scalars(query))


ADOPTED_STAGES = ("adopted", "in_progress", "realised")


def adopters(project: Project) -> list[Adoption]:
    """The offers that carry the project now (co-adopters included)."""
    return [a for a in adoptions_of(project) if a.stage in ADOPTED_STAGES]


def listing(project: Project) -> Listing | None:
    return db.session.get(Listing, project.id)


def needs_partner(project: Project) -> bool:
    return project.status == "orphan_candidate" and not adopters(project)


def original_of(project: Project) -> Project | None:
    """The project this one is an imported copy of: the import restores titles and
    timestamps, so an earlier project with both is its original."""
    # Compared here, not in SQL: SQLite stores the default and a restored timestamp as different strings.
    same_title = db.session.scalars(select(Project).where(Project.title == project.title, Project.id < project.id)
                                    .order_by(Project.id))
    return next((p for p in same_title if p.created_at == project.created_at), None)


def publish(project: Project, published: bool, by: str) -> None:
    """The coordinator's switch: in the catalogue only when described and still
    looking for a partner, or on its public progress page once a partner carries
    it; withdrawn at any time."""
    if published and not (project.description or "").strip():
        raise OrphansRejected("description_required")
    if published and not needs_partner(project) and not adopters(project):
        raise OrphansRejected("not_offered")
    entry = listing(project) or Listing(project_id=project.id)
    entry.published, entry.changed_by, entry.changed_at = published, by, utcnow()
    db.session.add(entry)
    db.session.commit()


MAX_SEARCH_LENGTH = 200


def catalogue_projects(search: str = "") -> list[Project]:
    """Published projects that still need a partner; adopted ones move to their progress page.
    `search`: words every project shown has in its title, description or needs, whatever
    their accents, case or ending ("epicerie" finds "Épiceries solidaires")."""
    published = select(Project).join(Listing, Listing.project_id == Project.id).where(
        Listing.published.is_(True), Project.status == "orphan_candidate").order_by(Project.id)
    carried = carried_ids()
    words = normalised(search[:MAX_SEARCH_LENGTH]).split()
    return [p for p in db.session.scalars(published) if p.id not in carried
            and all(word in normalised(f"{p.title} {p.description} {p.needs}") for word in words)]


def carried_ids() -> set[int]:
    """The projects a partner carries now (adopted, in progress or realised)."""
    return set(db.session.scalars(select(Adoption.project_id).where(Adoption.stage.in_(ADOPTED_STAGES))))


def progress_projects() -> list[Project]:
    """Published projects carried by a partner: each has a public progress page.
    Nothing is public unless a coordinator published it (an imported copy never is)."""
    ids = select(Adoption.project_id).where(Adoption.stage.in_(ADOPTED_STAGES))
    return list(db.session.scalars(
        select(Project).join(Listing, Listing.project_id == Project.id)
        .where(Project.id.in_(ids), Listing.published.is_(True)).order_by(Project.id)))


def published_ids() -> set[int]:
    """The projects partner organisations see in the catalogue, for lists of many projects."""
    return set(db.session.scalars(select(Listing.project_id).where(Listing.published.is_(True))))


def is_published(project: Project) -> bool:
    listing = db.session.get(Listing, project.id)
    return bool(listing and listing.published)


def progress(project: Project) -> dict | None:
    """The public progress page's data (None when no partner carries it): the
    furthest stage, the partners, the dated public updates and where the idea came from."""
    carrying = adopters(project)
    if not carrying:
        return None
    from workshop.themes.models import Theme
    from workshop.workshops.models import Workshop

    stage = max((a.stage for a in carrying), key=pipeline.FORWARD.index)
    updates = list(db.session.scalars(select(ProgressUpdate).where(ProgressUpdate.project_id == project.id)
                                      .order_by(ProgressUpdate.at.desc(), ProgressUpdate.id.desc())))
    return {"project": project, "stage": stage, "partners": [a.organisation for a in carrying],
            "since": min(pipeline.adopted_at(a.events) or a.created_at for a in carrying),
            "updates": updates, "workshop": db.session.get(Workshop, project.workshop_id),
            "theme": db.session.get(Theme, project.theme_id) if project.theme_id else None}


def add_progress_update(project: Project, text: str, by: str, on: date | None = None) -> ProgressUpdate:
    text = (text or "").strip()
    if not text:
        raise OrphansRejected("update_required")
    if len(text) > MAX_DESCRIPTION_LENGTH:
        raise OrphansRejected("long_description", limit=MAX_DESCRIPTION_LENGTH)
    if not adopters(project):
        raise OrphansRejected("not_adopted")
    refuse_a_future(on)
    update = ProgressUpdate(project_id=project.id, text=text, by=by)
    if on is not None:
        update.at = datetime.combine(on, time(12))
    db.session.add(update)
    db.session.commit()
    return update


def express_interest(project: Project, organisation_name: str, contact_name: str, contact_email: str,
                     message: str) -> Interest:
    """From the public catalogue; it counts once a coordinator confirms it."""
    if project not in catalogue_projects():
        raise OrphansRejected("not_offered")
    name, contact = " ".join(organisation_name.split())[:200], " ".join(contact_name.split())[:120]
    email = contact_email.strip()[:254]
    if not name or not contact or "@" not in email:
        raise OrphansRejected("interest_incomplete")
    message = (message or "").strip()[:2000]
    pending = db.session.scalar(select(Interest).where(  # the same form sent twice: one interest to confirm
        Interest.project_id == project.id, Interest.organisation_name == name, Interest.contact_email == email,
        Interest.message == message, Interest.confirmed_adoption_id.is_(None), Interest.dismissed.is_(False)))
    if pending is not None:
        return pending
    interest = Interest(project_id=project.id, organisation_name=name, contact_name=contact,
                        contact_email=email, message=message)
    db.session.add(interest)
    db.session.commit()
    return interest


def pending_interests(dismissed: bool = False) -> list[Interest]:
    """Interests not confirmed yet: those waiting, or (`dismissed`) those set
    aside, which the coordinator can bring back."""
    return list(db.session.scalars(select(Interest).where(Interest.confirmed_adoption_id.is_(None),
                                                          Interest.dismissed.is_(dismissed)).order_by(Interest.id)))


def set_aside(interest: Interest, dismissed: bool = True) -> None:
    """Dismiss an interest (spam, a duplicate) or bring it back; a confirmed one stays confirmed."""
    if interest.confirmed_adoption_id is None:
        interest.dismissed = dismissed
        db.session.commit()


def _core(name: str) -> str:
    # "Cégep de Jonquière (SAI)" and "Cégep de Jonquière" are one organisation.
    return normalised(re.sub(r"\([^)]*\)", " ", name or ""))


def matching_organisations(name: str, email: str = "") -> list[Organisation]:
    """Existing organisations that are probably this one: same name once case,
    accents and punctuation are set aside (a parenthesis dropped), or same contact email."""
    core, email = _core(name), (email or "").strip().casefold()
    rows = db.session.execute(select(Organisation.id, Organisation.name, Organisation.contact_email)
                              .where(Organisation.merged_into_id.is_(None)))  # plain rows: 50,000 after an import
    ids = [organisation_id for organisation_id, other, other_email in rows
           if (email and (other_email or "").strip().casefold() == email) or (core and _core_remembered(other) == core)]
    found = organisations_by_id(ids).values()
    return sorted(found, key=lambda o: (o.archived, normalised(o.name) != normalised(name), o.id))


@lru_cache(maxsize=200_000)
def _core_remembered(name: str) -> str:
    return _core(name)


def confirm_interest(interest: Interest, by: str, organisation: Organisation | None = None,
                     create: bool = False) -> Adoption:
    """The interest counts: linked to the organisation the coordinator chose, else
    to the one that matches (name or email), else to a new one; its offer moves
    to "interested" (from proposed, or reopened from declined or abandoned). Confirmed already (a second click, a page left open), it stays
    as it was; an organisation merged since stands for the one it was merged into."""
    if interest.confirmed_adoption_id:
        confirmed = db.session.get(Adoption, interest.confirmed_adoption_id)
        if confirmed is not None:
            return confirmed
    while organisation is not None and organisation.merged_into_id:
        organisation = db.session.get(Organisation, organisation.merged_into_id)
    if organisation is None and not create:
        matches = matching_organisations(interest.organisation_name, interest.contact_email)
        organisation = matches[0] if matches else None
    if organisation is None:
        organisation = save_organisation(None, {"name": interest.organisation_name,
                                                "contact_name": interest.contact_name,
                                                "contact_email": interest.contact_email})
    if organisation.archived:
        organisation.archived = False  # a partner who comes back is active again
    if not organisation.contact_email and not organisation.contact_name:
        organisation.contact_name, organisation.contact_email = interest.contact_name, interest.contact_email
    adoption = db.session.scalar(select(Adoption).where(Adoption.project_id == interest.project_id,
                                                        Adoption.organisation_id == organisation.id))
    if adoption is None:
        adoption = offer(interest.project, organisation, by, note="")
    if adoption.stage == "proposed":
        move(adoption, "interested", interest.message or "", by)
    elif adoption.stage in ("declined", "abandoned"):
        # They said no, and now write that they are interested: the offer opens
        # again (reopening an end needs a note: their message, or what happened).
        from flask_babel import gettext as _

        move(adoption, "interested", interest.message.strip()
             or _("Interest sent again from the catalogue by %(name)s.", name=interest.contact_name), by)
    interest.confirmed_adoption_id = adoption.id
    db.session.commit()
    return adoption


def unarchive(organisation: Organisation) -> None:
    if organisation.merged_into_id:
        raise OrphansRejected("merged")
    organisation.archived = False
    db.session.commit()


def merge(source: Organisation, target: Organisation, by: str) -> None:
    """Two rows for one organisation: the target keeps every offer and every
    line of their timelines; the source stays, archived, pointing to it."""
    if source.id == target.id or target.merged_into_id:
        raise OrphansRejected("merge_same")
    for adoption in list(db.session.scalars(select(Adoption).where(Adoption.organisation_id == source.id))):
        kept = db.session.scalar(select(Adoption).where(Adoption.project_id == adoption.project_id,
                                                        Adoption.organisation_id == target.id))
        if kept is None:
            adoption.organisation_id = target.id
            continue
        _join_offers(adoption, kept, f"{source.name} → {target.name}", by)
    for field in ORGANISATION_FIELDS:
        if not getattr(target, field) and getattr(source, field):
            setattr(target, field, getattr(source, field))
    source.archived, source.merged_into_id = True, target.id
    db.session.commit()


def _join_offers(gone: Adoption, kept: Adoption, note: str, by: str) -> None:
    """One organisation's two offers on one project (its two rows merged) become
    `kept`, with both timelines and the stage that says the most: an adoption,
    the furthest along, over no adoption (a project adopted must not go back to
    the catalogue); else the stage of the offer that changed last. Confirmed
    interests follow; the note on the timeline says what was merged."""
    stage_before = kept.stage
    truer = max((kept, gone), key=lambda offer: (
        offer.stage in ADOPTED_STAGES, offer.stage in ADOPTED_STAGES and _progress(offer), _last_change(offer),
        _progress(offer)))  # changed in the same second: the further along
    if truer is gone:
        kept.stage = gone.stage
    follow_ups = [truer.next_follow_up, kept.next_follow_up, gone.next_follow_up]
    kept.next_follow_up = next((d for d in follow_ups if d), None) if pipeline.is_open(kept.stage) else None
    for event in list(gone.events):  # one offer per pair: the timelines join
        gone.events.remove(event)
        kept.events.append(event)
    for interest in db.session.scalars(select(Interest).where(Interest.confirmed_adoption_id == gone.id)):
        interest.confirmed_adoption_id = kept.id
    kept.events.append(AdoptionEvent(stage_from=stage_before, stage_to=kept.stage, kind="note", by=by, note=note))
    db.session.flush()
    db.session.delete(gone)


def _progress(offer: Adoption) -> int:
    """How far along the pipeline the offer is (-1 for an end other than realised)."""
    return pipeline.FORWARD.index(offer.stage) if offer.stage in pipeline.FORWARD else -1


def _last_change(offer: Adoption) -> datetime:
    return max((event.at for event in offer.events if event.at), default=offer.created_at or datetime.min)


def offers_of(organisation: Organisation) -> list[Adoption]:
    return list(db.session.scalars(select(Adoption).where(Adoption.organisation_id == organisation.id)
                                   .order_by(Adoption.id)))


BOARD_FILTERS = ("workshop", "territory", "kind", "stage", "organisation")


def filtered(adoptions: list[Adoption], filters: dict) -> list[Adoption]:
    """The board's filters: by workshop, territory, type of organisation, stage and organisation."""
    tests = {
        "workshop": lambda a, v: str(a.project.workshop_id) == v,
        "territory": lambda a, v: a.organisation.territory == v,
        "kind": lambda a, v: a.organisation.kind == v,
        "stage": lambda a, v: a.stage == v,
        "organisation": lambda a, v: str(a.organisation_id) == v,
    }
    for key, value in filters.items():
        if value and key in tests:
            adoptions = [a for a in adoptions if tests[key](a, value)]
    return adoptions


def workshop_titles() -> dict[int, str]:
    """Titles are shown with their workshop: two workshops often yield the same title."""
    from workshop.workshops.models import Workshop

    return dict(db.session.execute(select(Workshop.id, Workshop.title)).all())


def follow_ups(today: date | None = None, adoptions: list[Adoption] | None = None
               ) -> tuple[list[Adoption], list[Adoption]]:
    """(overdue, due within a week) open adoptions."""
    today = today or dates.today()
    dated = [(a.next_follow_up, a) for a in (all_adoptions() if adoptions is None else adoptions)
             if pipeline.is_open(a.stage) and a.next_follow_up]
    overdue = [(day, a) for day, a in dated if day < today]
    due = [(day, a) for day, a in dated if today <= day <= today + timedelta(days=7)]
    return ([a for _, a in sorted(overdue, key=lambda pair: pair[0])],
            [a for _, a in sorted(due, key=lambda pair: pair[0])])


def counts(adoptions: list[Adoption]) -> dict[str, int]:
    """Offers made, and how many reached "interested", "adopted" (skipped stages count)
    or are "realised" now: the dashboard's figures, also per workshop in the program view."""
    reached = [pipeline.reached(e.stage_to for e in a.events) for a in adoptions]
    return {"proposed": len(adoptions),
            "interested": sum("interested" in r for r in reached),
            "adopted": sum("adopted" in r for r in reached),
            "realised": sum(a.stage == "realised" for a in adoptions)}


def figures(adoptions: list[Adoption] | None = None) -> dict:
    """Dashboard figures over these adoptions (the board's, filtered), else every one."""
    adoptions = all_adoptions() if adoptions is None else adoptions
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
        "by_territory": Counter(a.organisation.territory or "" for a in adopted_ids),  # "": none given
    }


PIPELINE_COLUMNS = ["project", "workshop", "organisation", "kind", "territory", "stage", "next_follow_up",
                    "last_change", "last_note"]


def pipeline_rows(adoptions: list[Adoption] | None = None) -> tuple[list[str], list[list]]:
    """One row per offer, for the export layer (workshop/reports/logic.py)."""
    titles = workshop_titles()
    rows = []
    for a in all_adoptions() if adoptions is None else adoptions:
        last = timeline(a)[-1] if a.events else None
        rows.append([a.project.title, titles.get(a.project.workshop_id, ""), a.organisation.name,
                     a.organisation.kind, a.organisation.territory, a.stage,
                     a.next_follow_up.isoformat() if a.next_follow_up else "",
                     dates.local_text(last.at) if last else "",
                     last.note if last else ""])
    return list(PIPELINE_COLUMNS), rows


def ics_text(value: str) -> str:
    """An iCalendar TEXT value: backslash, semicolon, comma and newlines escaped."""
    for char in ("\\", ";", ","):
        value = value.replace(char, "\\" + char)
    return value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "")


def ics_fold(line: str) -> list[str]:
    """RFC 5545: content lines of at most 75 octets, continued after CRLF and a space;
    never split inside a UTF-8 character."""
    folded, current, size, limit = [], "", 0, 75
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            folded.append(current)
            current, size, limit = " ", 1, 75
        current += char
        size += width
    return [*folded, current]


def follow_ups_ics(now=None, install: str = "workshop", link=None) -> str:
    """Every open adoption's next follow-up as an all-day calendar event; UIDs
    unique across installs (`install` names this one), a description and a link."""
    from flask_babel import gettext as _

    stamp = (now or utcnow()).strftime("%Y%m%dT%H%M%SZ")
    titles, stages = workshop_titles(), pipeline.stage_words()
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//living-lab workshop//orphan projects//FR",
             "CALSCALE:GREGORIAN", "X-WR-CALNAME:" + ics_text(_("Orphan projects: follow-up"))]
    for a in all_adoptions():
        if not (pipeline.is_open(a.stage) and a.next_follow_up):
            continue
        summary = f"{shortened(a.project.title, 60)} — {a.organisation.name}"
        url = link(a) if link else ""
        last = timeline(a)[-1] if a.events else None
        description = "\n".join(filter(None, [
            a.project.title, f"{a.organisation.name} · {stages.get(a.stage, a.stage)}",
            titles.get(a.project.workshop_id, ""),
            f"{dates.local(last.at):%Y-%m-%d}: {last.note}" if last and last.note else "", url]))
        end = a.next_follow_up + timedelta(days=1)
        event = ["BEGIN:VEVENT", f"UID:adoption-{a.id}-{install}", f"DTSTAMP:{stamp}",
                 f"DTSTART;VALUE=DATE:{a.next_follow_up:%Y%m%d}", f"DTEND;VALUE=DATE:{end:%Y%m%d}",
                 f"SUMMARY:{ics_text(summary)}", f"DESCRIPTION:{ics_text(description)}"]
        if url:
            event.append(f"URL:{url}")
        lines += [*event, "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "".join(part + "\r\n" for line in lines for part in ics_fold(line))


def existing_calendar_feed(user):
    """The coordinator's calendar address if one was made; looking never makes one."""
    from workshop.orphans.models import CalendarFeed

    return db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def calendar_feed(user, renew: bool = False):
    """The coordinator's private calendar address, made when asked for (renew revokes the old one)."""
    import secrets

    from workshop.orphans.models import CalendarFeed

    feed = existing_calendar_feed(user)
    if feed is None or renew:
        feed = feed or CalendarFeed(user_id=user.id)
        feed.token = secrets.token_urlsafe(32)
        db.session.add(feed)
        db.session.commit()
    return feed


def revoke_calendar_feed(user) -> None:
    from workshop.orphans.models import CalendarFeed

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    if feed is not None:
        db.session.delete(feed)
        db.session.commit()


def calendar_owner(token: str):
    """The account a calendar token belongs to, if it still coordinates."""
    from workshop.accounts.models import User
    from workshop.orphans.models import CalendarFeed

    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.token == token)) if token else None
    user = db.session.get(User, feed.user_id) if feed else None
    return user if user is not None and user.role in ("coordinator", "admin") else None


def organisation_rows() -> tuple[list[str], list[list]]:
    """Every organisation with the import's columns (archived ones too), for the export layer."""
    rows = [[*(getattr(o, f) for f in ORGANISATION_FIELDS), o.archived] for o in organisations(include_archived=True)
            if not o.merged_into_id]
    return [*ORGANISATION_FIELDS, "archived"], rows


# The import's headers as Excel users write them (normalised), in French or English.
IMPORT_HEADERS = {
    "name": "name", "nom": "name", "organisation": "name", "organisme": "name", "nom de l organisation": "name",
    "kind": "kind", "type": "kind", "type d organisation": "kind", "categorie": "kind",
    "sector": "sector", "secteur": "sector", "territory": "territory", "territoire": "territory", "mrc": "territory",
    "contact name": "contact_name", "contact": "contact_name", "personne contact": "contact_name",
    "personne ressource": "contact_name", "contact email": "contact_email", "courriel": "contact_email",
    "email": "contact_email", "e mail": "contact_email", "courriel du contact": "contact_email",
    "adresse courriel": "contact_email", "mission": "mission", "interests": "interests", "interets": "interests",
    "champs d interet": "interests", "archived": "archived", "archive": "archived", "archivee": "archived",
    # the export's own headers in both languages (reports.logic._column_labels): an export imports back
    "contact person": "contact_name", "courriel de contact": "contact_email", "centres d interet": "interests",
    # public registries and directories (Données Québec, a municipality's list of organisations)
    "nom de l organisme": "name", "nom de l entreprise": "name", "raison sociale": "name", "nom legal": "name",
    "organization": "name", "organization name": "name", "organisation name": "name", "nom de l etablissement": "name",
    "type d organisme": "kind", "type d organization": "kind", "organization type": "kind",
    "organisation type": "kind", "forme juridique": "kind", "categorie d organisme": "kind",
    "secteur d activite": "sector", "secteur d activites": "sector", "domaine": "sector",
    "domaine d activite": "sector", "region": "region", "region administrative": "region",
    "ville": "town", "municipalite": "town", "city": "town",
    "courriel general": "contact_email", "adresse electronique": "contact_email", "e mail address": "contact_email",
    "email address": "contact_email", "mission de l organisme": "mission", "description": "mission",
    "responsable": "contact_name", "nom du contact": "contact_name", "personne a contacter": "contact_name",
}


class ImportRefused(OrphansRejected):
    """A refused import, with what is wrong (its params): the line and the value, or the headers found."""

    messages = {**REFUSALS, **uploads.REFUSALS}


# An import's bounds: what a regional list needs, many times over; beyond
# them the import is refused with a message, before anything is stored.
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_ROWS = 100_000
IMPORT_FIELD_LIMITS = {"name": 200, "kind": 60, "sector": 120, "territory": 120, "contact_name": 120,
                       "contact_email": 254, "mission": 5000, "interests": 5000, "archived": 20}
IMPORT_BATCH = 500  # rows between two pauses that let other requests through


def _breathe() -> None:
    """Let the server answer others (under gevent, a pause of zero yields)."""
    import time

    time.sleep(0)


def _import_rows(table: Table) -> list[dict]:
    """Every row, checked; the first wrong one refuses the whole file."""
    from workshop.security import clean_field

    header = table.rows[0] if table.rows else []
    fields = first_of_each([IMPORT_HEADERS.get(normalised(h)) for h in header])
    if "name" not in fields:
        raise ImportRefused("csv_columns", found=", ".join(h.strip() for h in header if h.strip()) or "—")
    rows: list[dict[str, str]] = []
    for n, (line, values) in enumerate(zip(table.lines[1:], table.rows[1:]), start=2):
        if n % IMPORT_BATCH == 0:
            _breathe()
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ImportRefused("csv_too_many", line=line, value=MAX_IMPORT_ROWS)
        row = {f: uploads.unneutralised(clean_field(v).strip()) for f, v in zip(fields, values) if f}
        if not row.get("name"):
            continue
        for field, value in row.items():
            if len(value) > IMPORT_FIELD_LIMITS.get(field, 5000):
                raise ImportRefused("csv_too_long", line=line, value=field)
        row["name"] = " ".join(row["name"].split())
        kind = kind_of(row.get("kind"))
        if kind is None:
            raise ImportRefused("csv_kind", line=line, value=row.get("kind"))
        email = row.get("contact_email", "")
        if email and "@" not in email:
            raise ImportRefused("csv_email", line=line, value=email)
        places = [row.pop(field) for field in ("territory", "town", "region") if row.get(field)]
        if places:  # the most precise one on the list (a town names its RCM), else the first as typed
            named = [territory_of(place) for place in places]
            row["territory"] = next((t for t in named if t in territories()), named[0])[:120]
        elif "territory" in row:
            row["territory"] = ""
        rows.append({**row, "kind": kind})
    return rows


def import_organisations(data: bytes | str) -> int:
    """Add (or update, by normalised name) organisations from a CSV: the export's
    columns, or Excel's French CSV (semicolons, French headers, Windows-1252).
    All or nothing: every row is checked first, and a refusal says which line
    and what; then everything is written in one transaction, new rows in bulk
    (50,000 rows: one commit, not one per row), pausing between batches so
    that the server keeps answering others."""
    from sqlalchemy import insert

    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused("csv_too_large", value=MAX_IMPORT_BYTES // (1024 * 1024))
    table = uploads.table(data if isinstance(data, bytes) else data.encode("utf-8"), ImportRefused)
    rows = _import_rows(table)
    by_name = {normalised(o.name): o for o in organisations(include_archived=True) if not o.merged_into_id}
    new_rows: dict[str, dict] = {}
    updated: set[int] = set()
    for n, row in enumerate(rows, start=1):
        if n % IMPORT_BATCH == 0:
            _breathe()
        key = normalised(row["name"])
        existing = by_name.get(key)
        values = {field: (row.get(field) or "").strip() for field in ORGANISATION_FIELDS}
        values["kind"] = row["kind"]
        if existing is not None:
            updated.add(existing.id)
            for field in ORGANISATION_FIELDS:
                if field in row:
                    setattr(existing, field, values[field])
        else:
            new_rows[key] = {**new_rows.get(key, {}), **values}
    try:
        batch = list(new_rows.values())
        for start in range(0, len(batch), IMPORT_BATCH):
            db.session.execute(insert(Organisation), batch[start:start + IMPORT_BATCH])
            _breathe()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return len(new_rows) + len(updated)  # organisations, not lines: "A" and "a" are one


def origin(project: Project) -> dict:
    """Where a project comes from: workshop, source ideas, theme, votes received
    in each round, and the six-hats comments made on it."""
    from workshop.themes.models import Theme
    from workshop.voting.logic import project_lineage, results
    from workshop.voting.models import Round, RoundItem
    from workshop.workshops.models import Workshop

    ideas, comments = project_lineage(project)
    votes = []
    for round_ in db.session.scalars(select(Round).join(RoundItem, RoundItem.round_id == Round.id)
                                     .where(RoundItem.project_id == project.id).order_by(Round.id)):
        tally = results(round_).item(project.id)
        votes.append({"round": round_.activity.prompt, "rank": tally.rank, "score": tally.score, "voters": tally.voters})
    return {"workshop": db.session.get(Workshop, project.workshop_id),
            "theme": db.session.get(Theme, project.theme_id) if project.theme_id else None,
            "ideas": ideas, "votes": votes, "comments": comments}


# --- Law 25: one partner contact's data, on request ------------------------------------

ERASED = "[effacé]"


def _contact_names(email: str, name: str = "") -> set[str]:
    email = (email or "").strip().casefold()
    names = {" ".join(name.split())} if name.strip() else set()
    for interest in db.session.scalars(select(Interest)):
        if email and interest.contact_email.strip().casefold() == email:
            names.add(interest.contact_name)
    for organisation in organisations(include_archived=True):
        if email and organisation.contact_email.strip().casefold() == email and organisation.contact_name:
            names.add(organisation.contact_name)
    return {n for n in names if n and n != ERASED}


def _naming(names: set[str]) -> re.Pattern | None:
    """The names as whole words ("Julie Tremblay1" is not in "Julie Tremblay10 confirme"),
    longest first ("Julie Gagnon" before "Julie"), case as typed aside."""
    if not names:
        return None
    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)


def partner_contact_data(email: str, name: str = "") -> dict:
    """Everything held about one partner contact (by email, and the names it goes by):
    expressions of interest, organisations it is the contact of, log entries naming it."""
    email_key, names = (email or "").strip().casefold(), _contact_names(email, name)
    interests = [i for i in db.session.scalars(select(Interest).order_by(Interest.id))
                 if (email_key and i.contact_email.strip().casefold() == email_key) or i.contact_name in names]
    orgs = [o for o in organisations(include_archived=True)
            if (email_key and o.contact_email.strip().casefold() == email_key) or (o.contact_name in names)]
    naming = _naming(names)
    entries = [e for e in db.session.scalars(select(AdoptionEvent).order_by(AdoptionEvent.id))
               if e.contact in names or (naming is not None and naming.search(e.note or ""))]
    return {
        "email": email, "names": sorted(names),
        "interests": [{"project": i.project.title, "organisation": i.organisation_name, "name": i.contact_name,
                       "email": i.contact_email, "message": i.message, "sent_at": dates.stamped(i.created_at)}
                      for i in interests],
        "organisations": [{"organisation": o.name, "name": o.contact_name, "email": o.contact_email} for o in orgs],
        "log_entries": [{"kind": e.kind, "with": e.contact, "note": e.note, "at": dates.stamped(e.at)} for e in entries],
    }


def erase_partner_contact(email: str, name: str = "") -> int:
    """Erase one partner contact everywhere: interests (name, email, message),
    organisations' contact fields, and the name wherever a log entry typed it.
    The organisations, offers and their dates stay. Returns how many rows changed."""
    email_key, names = (email or "").strip().casefold(), _contact_names(email, name)
    if not email_key and not names:
        raise OrphansRejected("contact_required")
    changed, messages = 0, set()
    for interest in db.session.scalars(select(Interest)):
        if (email_key and interest.contact_email.strip().casefold() == email_key) or interest.contact_name in names:
            messages.add(interest.message.strip())  # a confirmed interest's message became a stage note
            interest.contact_name, interest.contact_email, interest.message = ERASED, "", ""
            changed += 1
    messages.discard("")
    for organisation in organisations(include_archived=True):
        if (email_key and organisation.contact_email.strip().casefold() == email_key) or \
                (organisation.contact_name and organisation.contact_name in names):
            organisation.contact_name, organisation.contact_email = "", ""
            changed += 1
    naming = _naming(names)
    for entry in db.session.scalars(select(AdoptionEvent)):
        note = ERASED if (entry.note or "").strip() in messages else (entry.note or "")
        if naming is not None:
            note = naming.sub(ERASED, note)
        if entry.contact in names or note != entry.note:
            entry.contact = ERASED if entry.contact in names else entry.contact
            entry.note = note
            changed += 1
    db.session.commit()
    return changed

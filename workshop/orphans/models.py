from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from workshop.extensions import Model


def normalised(name: str) -> str:
    """A name as matching sees it: no case, no accents, no punctuation."""
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return " ".join(_NOT_ALPHANUMERIC.sub(" ", text).split())


@lru_cache(maxsize=200_000)
def folded(text: str) -> str:
    """normalised(), remembered: the suggestions fold every organisation's
    words on each request (50,000 after a large import), and names seldom change."""
    if text.isascii():  # most names: no accents to take off
        return " ".join(_NOT_ALPHANUMERIC.sub(" ", text.lower()).split())
    return normalised(text)


_NOT_ALPHANUMERIC = re.compile(r"[^a-z0-9]+")


def _name_folded_default(context) -> str:
    # Rows inserted without objects (an import's bulk insert): folded from the row's own name.
    return folded(context.get_current_parameters().get("name") or "")


ORGANISATION_KINDS = ("business", "community", "education", "municipality", "ministry", "research", "other")


class Organisation(Model):
    """A partner organisation that may adopt orphan projects. Never deleted:
    archived, so that the history of its adoptions stays."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name as pickers search it (folded(name): "cegep de jonquiere"), kept
    # with the name so that a search is one LIKE on indexed rows, not a fold of
    # every name per keystroke. Unbounded: a ligature folds to several letters.
    # Byte order ("C") on PostgreSQL: the order of Python's sort, whatever the
    # database's locale.
    name_folded: Mapped[str] = mapped_column(String().with_variant(String(collation="C"), "postgresql"),
                                             default=_name_folded_default, index=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    sector: Mapped[str] = mapped_column(String(120), default="")
    territory: Mapped[str] = mapped_column(String(120), default="")
    contact_name: Mapped[str] = mapped_column(String(120), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    mission: Mapped[str] = mapped_column(Text, default="")
    interests: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(default=False)
    # Set when merged into another organisation: its offers moved there, it stays archived.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", name="fk_organisations_merged_into"))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    @validates("name")
    def _fold_name(self, _key: str, name: str) -> str:
        # Every name set through an object (a form, an import's update) keeps its fold.
        self.name_folded = folded(name or "")
        return name


class Adoption(Model):
    """One project offered to one organisation, and where that stands."""

    __tablename__ = "adoptions"
    __table_args__ = (UniqueConstraint("project_id", "organisation_id", name="uq_adoptions_pair"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    stage: Mapped[str] = mapped_column(String(20), default="proposed")
    next_follow_up: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    project = relationship("Project", lazy="joined")
    organisation = relationship("Organisation", lazy="joined")
    events: Mapped[list[AdoptionEvent]] = relationship(order_by="AdoptionEvent.id", lazy="selectin",
                                                       cascade="all, delete-orphan")


ENTRY_KINDS = ("call", "email", "meeting", "note")  # a contact logged without a stage change
DECLINE_REASONS = ("no_capacity", "no_budget", "outside_mission", "no_answer", "other_priority", "adopted_elsewhere",
                   "other")


class AdoptionEvent(Model):
    """A dated line of an adoption's timeline: a stage change ("stage"), a contact
    logged (call, email, meeting, note) or a follow-up moved ("follow_up"); who, and a note."""

    __tablename__ = "adoption_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    adoption_id: Mapped[int] = mapped_column(ForeignKey("adoptions.id"), index=True)
    stage_from: Mapped[str | None] = mapped_column(String(20))
    stage_to: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    kind: Mapped[str] = mapped_column(String(20), default="stage", server_default="stage")
    # With whom, for a contact: the partner's person spoken to.
    contact: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # Why, when declined or abandoned (one of DECLINE_REASONS).
    reason: Mapped[str] = mapped_column(String(30), default="", server_default="")


class Interest(Model):
    """"We are interested", sent from the public catalogue; it counts once a
    coordinator confirms it."""

    __tablename__ = "interests"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    organisation_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_email: Mapped[str] = mapped_column(String(254))
    message: Mapped[str] = mapped_column(Text, default="")
    confirmed_adoption_id: Mapped[int | None] = mapped_column(ForeignKey("adoptions.id"))
    dismissed: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    project = relationship("Project", lazy="joined")


class Listing(Model):
    """A project's place in the public catalogue, set by a coordinator: nothing
    is public until published (an imported copy of a workshop publishes nothing)."""

    __tablename__ = "catalogue_listings"

    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), primary_key=True)
    published: Mapped[bool] = mapped_column(default=False)
    changed_by: Mapped[str] = mapped_column(String(254), default="")
    changed_at: Mapped[datetime] = mapped_column(server_default=func.now())


class ProgressUpdate(Model):
    """A dated public line on an adopted project's progress page."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(254))
    at: Mapped[datetime] = mapped_column(server_default=func.now())


class CalendarFeed(Model):
    """A coordinator's private calendar address: the token is the only key, revocable."""

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

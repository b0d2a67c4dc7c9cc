from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

ORGANISATION_KINDS = ("business", "community", "education", "municipality", "ministry", "research", "other")


class Organisation(Model):
    """A partner organisation that may adopt orphan projects. Never deleted:
    archived, so that the history of its adoptions stays."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
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

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workshop.extensions import Model

SIGNUP_MODES = ("first_come", "ranked")


class CellSignup(Model):
    """The sign-up of an agenda activity of kind "cells"."""

    __tablename__ = "cell_signups"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), unique=True)
    mode: Mapped[str] = mapped_column(String(12), default="first_come")
    # Ranked mode: set once the facilitator has run the assignment.
    assigned: Mapped[bool] = mapped_column(default=False)
    # Phones and projector show members' nicknames, or only their groups.
    show_nicknames: Mapped[bool] = mapped_column(default=False)

    activity = relationship("Activity")
    cells: Mapped[list[Cell]] = relationship(order_by="Cell.position", cascade="all, delete-orphan",
                                             lazy="selectin")


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Cell(Model):
    __tablename__ = "cells"

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("cell_signups.id"), index=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"))
    capacity: Mapped[int | None]
    position: Mapped[int] = mapped_column(default=0)
    # The private link members use to add to the cell's log after the workshop.
    log_token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)

    project = relationship("Project", lazy="joined")
    members: Mapped[list[CellMember]] = relationship(order_by="CellMember.id", lazy="selectin")


class CellMember(Model):
    """One participant in one cell; a phone signs up once per sign-up."""

    __tablename__ = "cell_members"
    __table_args__ = (UniqueConstraint("signup_id", "participant_id", name="uq_cell_members_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("cell_signups.id"), index=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    # Contact details only with the member's consent, asked at sign-up.
    contact_consent: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    joined_at: Mapped[datetime] = mapped_column(server_default=func.now())

    participant = relationship("Participant", lazy="joined")


class CellPreference(Model):
    """Ranked mode: a participant's cells in order of preference (JSON list of cell ids)."""

    __tablename__ = "cell_preferences"
    __table_args__ = (UniqueConstraint("signup_id", "participant_id", name="uq_cell_preferences_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    signup_id: Mapped[int] = mapped_column(ForeignKey("cell_signups.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participants.id"))
    ranking: Mapped[str] = mapped_column(Text)
    contact_consent: Mapped[bool] = mapped_column(default=False)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))


class CellLogEntry(Model):
    """A meeting or decision noted by a member after the workshop."""

    __tablename__ = "cell_log_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    cell_id: Mapped[int] = mapped_column(ForeignKey("cells.id"), index=True)
    author: Mapped[str] = mapped_column(String(120))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
